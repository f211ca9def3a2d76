"""Facts from one decoded HTML document: every link occurrence, anchors, title, base URL.

``parse_document(text, page_url)`` never raises: broken markup is repaired by lxml's
HTML parser, an unparsable body yields an empty ``Document`` with ``error`` set.

Link sources (tag, attribute): ``a``/``area``/``link`` ``href``; ``img`` ``src``,
``srcset`` and lazy-loading ``data-src``/``data-original``; ``script``, ``iframe``,
``frame``, ``embed``, ``audio``, ``video``, ``track``, ``input[type=image]`` ``src``;
``video`` ``poster``; ``object`` ``data``; ``source`` ``src``/``srcset``;
``meta http-equiv=refresh`` ``content``; ``form[method=get]`` ``action`` and
``button``/``input`` ``formaction`` (unless ``formmethod``/the form says POST: a portal's
search box pointing at a dead page is a broken link); form-less attachment links that portals
hide in ``onclick`` (``window.open('x.pdf')``, ``location.href='...'``) or
``data-href``/``data-url`` attributes; CSS ``url()``/``@import`` in ``<style>`` blocks
(attr ``css``) and ``style`` attributes (attr ``style``) (crawler/css.py); and the TRS
pager a ``createPageHTML(...)`` script writes (tag ``script``, attr ``createPageHTML``).
``<link rel=preconnect|dns-prefetch>`` is no link (browsers fetch nothing from it) and is
not returned. Hrefs are returned raw (resolution against the ``<base href>`` and
canonicalisation are the spider's job). A link is flagged ``pager`` when an ancestor within
``PAGER_ANCESTORS`` levels has a class/id matching the caller's ``pager_re`` (see
crawler/pagination.py), and ``stylesheet`` when it loads a stylesheet. Anchors are every
``id`` and every ``a[name]``, in document order, without duplicates.

Hanweb data islands (``<script type="text/xml"><datastore>``, see ``crawler.islands``) are
one text node to the HTML parser: their records are parsed as fragments and their links
added after the page's own, followed by the next group's proxy URL (tag ``datastore``,
attribute ``nextgroup``); ``reply_links`` reads a proxy reply the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from crawler.htmldoc import html_parser, inner_text
from crawler.islands import as_list_item, find_islands, nextgroup_url, parse_reply, proxy_url
from crawler.css import css_urls

MAX_TEXT = 300          # link text kept per occurrence
MAX_HREF = 4096         # raw href kept (data: URIs can be megabytes)
MAX_ANCHOR = 512
_SPACE_RE = re.compile(r"\s+")
_REFRESH_RE = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_SCRIPT_URL_RE = re.compile(
    r"(?:window\.open|location\.(?:href|assign|replace)|location)\s*(?:\(|=)\s*['\"]([^'\"]{1,2048})['\"]")

# tag -> attributes holding a single URL
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "link": ("href",),
    "img": ("src", "data-src", "data-original"), "script": ("src",), "iframe": ("src",),
    "frame": ("src",), "embed": ("src",), "object": ("data",), "source": ("src",),
    "audio": ("src",), "video": ("src", "poster"), "track": ("src",), "form": ("action",),
}
_SRCSET_TAGS = {"img", "source"}
_GENERIC_URL_ATTRS = ("data-href", "data-url")
# every attribute ``_links_of`` can read a link from: an element with none of them (most of a page:
# div, p, li, span, td...) holds no link unless it is a <style> or an inline <script>
_LINK_ATTRS = frozenset({a for attrs in _URL_ATTRS.values() for a in attrs}
                        | {"srcset", "content", "formaction", "onclick", "style", *_GENERIC_URL_ATTRS})
_TEXT_LINK_TAGS = frozenset({"style", "script"})
_NO_REQUEST_RELS = frozenset({"preconnect", "dns-prefetch"})  # hints: a browser fetches nothing
PAGER_ANCESTORS = 3
MAX_MARKER = 256  # characters of a class/id read to recognise a pager container
# TRS: createPageHTML(countPage, currentPage, "index", "html") writes index_1.html ... (0-based);
# page_div sites: createPageHTML('page_div', countPage, current, 'list_x', 'shtml', total), 1-based
_TRS_PAGER_RE = re.compile(r"createPageHTML\(\s*(\w{1,40})\s*,\s*\w{1,40}\s*,\s*['\"]([\w-]{1,64})['\"]\s*,"
                           r"\s*['\"](\w{2,6})['\"]")
_DIV_PAGER_RE = re.compile(r"createPageHTML\(\s*['\"][\w-]{1,64}['\"]\s*,\s*(\d{1,5})\s*,\s*\d{1,5}\s*,"
                           r"\s*['\"]([\w-]{1,64})['\"]\s*,\s*['\"](\w{2,6})['\"]")
MAX_SCRIPT_PAGES = 10000


@dataclass
class RawLink:
    raw: str
    tag: str
    attr: str
    text: str
    pager: bool = False       # inside a pager container (crawler/pagination.py)
    stylesheet: bool = False  # the target is a stylesheet (link rel=stylesheet, @import)


@dataclass
class Document:
    base_url: str
    title: str | None = None
    anchors: list[str] = field(default_factory=list)
    links: list[RawLink] = field(default_factory=list)
    error: str | None = None


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit]


def _squash(value: str | None) -> str:
    return _SPACE_RE.sub(" ", value or "").strip()


def parse_srcset(value: str) -> list[str]:
    """URLs of a ``srcset`` value (HTML image candidate strings; commas inside URLs kept)."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0  # skip the descriptor up to the next top-level comma
            while i < n and not (value[i] == "," and depth == 0):
                depth += value[i] == "("
                depth -= value[i] == ")"
                i += 1
        if url:
            urls.append(url)
    return urls


def _element_text(el: etree._Element) -> str:
    clickable = el.tag in ("a", "area") or el.get("onclick") or el.get("data-href") or el.get("data-url")
    text = _squash(inner_text(el)) if clickable else ""
    if not text:
        for img in el.iter("img"):
            text = _squash(img.get("alt"))
            if text:
                break
    if not text:
        text = _squash(el.get("alt") or el.get("title") or el.get("aria-label"))
    return _clip(text, MAX_TEXT)


def _form_method(el: etree._Element) -> str:
    """The method a submit button uses: its own ``formmethod``, else its form's ``method``."""
    method = el.get("formmethod")
    if method is None:
        form = next((a for a in el.iterancestors() if a.tag == "form"), None)
        method = form.get("method") if form is not None else None
    return (method or "get").strip().lower()


def _links_of(el: etree._Element, tag: str) -> Iterator[RawLink]:
    attrs = _URL_ATTRS.get(tag, ())
    if tag == "input" and (el.get("type") or "").lower() == "image":
        attrs = ("src",)
    elif tag == "form" and (el.get("method") or "get").strip().lower() != "get":
        attrs = ()  # a POST target is not a page to check with GET
    elif tag == "link":
        rels = set((el.get("rel") or "").lower().split())
        if rels and rels <= _NO_REQUEST_RELS:
            attrs = ()  # preconnect / dns-prefetch: no request is made, nothing to check
    text = None
    stylesheet = tag == "link" and "stylesheet" in (el.get("rel") or "").lower().split()
    for attr in attrs:
        value = el.get(attr)
        if value is not None and (value.strip() or attr == "href"):
            text = _element_text(el) if text is None else text
            yield RawLink(_clip(value, MAX_HREF), tag, attr, text, stylesheet=stylesheet)
    if tag in ("button", "input") and el.get("formaction") and el.get("formaction").strip() \
            and _form_method(el) == "get":
        text = _squash(el.get("value") or inner_text(el) or el.get("title")) if text is None else text
        yield RawLink(_clip(el.get("formaction"), MAX_HREF), tag, "formaction", _clip(text, MAX_TEXT))
    if tag in _SRCSET_TAGS and el.get("srcset"):
        text = _element_text(el) if text is None else text
        for url in parse_srcset(el.get("srcset")):
            yield RawLink(_clip(url, MAX_HREF), tag, "srcset", text)
    if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
        match = _REFRESH_RE.search(el.get("content") or "")
        if match:
            yield RawLink(_clip(match.group(1).strip(), MAX_HREF), tag, "content", "")
    onclick = el.get("onclick")
    if onclick:
        for match in _SCRIPT_URL_RE.finditer(onclick):
            text = _element_text(el) if text is None else text
            yield RawLink(match.group(1), tag, "onclick", text)
    for attr in _GENERIC_URL_ATTRS:
        value = el.get(attr)
        if value and value.strip():
            text = _element_text(el) if text is None else text
            yield RawLink(_clip(value, MAX_HREF), tag, attr, text)
    style = el.get("style")
    if style:
        for url, how in css_urls(style):
            yield RawLink(_clip(url, MAX_HREF), tag, "style", "", stylesheet=how == "import")
    if tag == "style":
        for url, how in css_urls(el.text_content() or ""):
            yield RawLink(_clip(url, MAX_HREF), tag, "css", "", stylesheet=how == "import")
    if tag == "script" and not el.get("src"):
        yield from _script_pager(el.text_content() or "")


def _script_pager(script: str) -> Iterator[RawLink]:
    """The pages a TRS-style ``createPageHTML(...)`` call writes with ``document.write``."""
    if "createPageHTML" not in script:
        return
    match = _TRS_PAGER_RE.search(script)
    count = _script_number(script, match[1]) if match else None
    if match and count is not None:  # 0-based: page 0 is index.html, page k is index_k.html
        count, stem, ext = min(count, MAX_SCRIPT_PAGES), match[2], match[3]
        pages = [f"{stem}.{ext}"] + [f"{stem}_{k}.{ext}" for k in range(1, count)]
    else:
        match = _DIV_PAGER_RE.search(script)
        if not match:
            return
        count, stem, ext = min(int(match[1]), MAX_SCRIPT_PAGES), match[2], match[3]
        pages = [f"{stem}.{ext}"] + [f"{stem}_{k}.{ext}" for k in range(2, count + 1)]
    for href in pages:
        yield RawLink(href, "script", "createPageHTML", "", pager=True)


def _script_number(script: str, token: str) -> int | None:
    """A literal page count, or the value of ``var countPage = 17`` when the call names a variable."""
    if token.isdigit():
        return int(token)
    found = re.search(rf"\b{re.escape(token)}\s*=\s*(\d{{1,5}})\b", script)
    return int(found[1]) if found else None


def _under_pager(el: etree._Element, containers: set) -> bool:
    """Whether an ancestor within ``PAGER_ANCESTORS`` levels is a pager container."""
    for level, anc in enumerate(el.iterancestors()):
        if level >= PAGER_ANCESTORS:
            return False
        if anc in containers:
            return True
    return False


def _is_container(el: etree._Element, pager_re: re.Pattern) -> bool:
    # clipped: a hostile 200 KB class attribute is read once, and only its head is scanned
    marker = f"{(el.get('class') or '')[:MAX_MARKER]} {(el.get('id') or '')[:MAX_MARKER]}".strip()
    return bool(marker) and bool(pager_re.search(marker))


def parse_document(text: str, page_url: str, pager_re: re.Pattern | None = None) -> Document:
    doc = Document(base_url=page_url)
    cleaned = text.replace("\x00", "")
    if not cleaned.strip():
        doc.error = "empty document"
        return doc
    try:
        root = lxml_html.document_fromstring(cleaned.encode("utf-8", "surrogatepass"),
                                             parser=html_parser(remove_comments=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, UnicodeError) as exc:
        doc.error = f"unparsable HTML: {exc}"
        return doc
    seen_anchors: set[str] = set()
    containers: set = set()  # pager containers met so far (parents come before their children)
    base_found = False
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if tag == "base" and not base_found and el.get("href"):
            base_found = True
            try:
                doc.base_url = urljoin(page_url, el.get("href").strip())
            except ValueError:
                pass
        elif tag == "title" and doc.title is None:
            doc.title = _clip(_squash(el.text_content()), 1000)
        names = el.keys()  # one call instead of a lookup per attribute the checks below may need
        if not names:
            if tag not in _TEXT_LINK_TAGS:
                continue
        else:
            if "id" in names or (tag == "a" and "name" in names):
                for name in (el.get("id"), el.get("name") if tag == "a" else None):
                    if name and name not in seen_anchors and len(seen_anchors) < 100000:
                        seen_anchors.add(name)
                        doc.anchors.append(_clip(name, MAX_ANCHOR))
            if pager_re is not None and tag not in ("a", "area") and ("class" in names or "id" in names) \
                    and _is_container(el, pager_re):
                containers.add(el)  # kept alive here, so iterancestors() yields this very proxy
            if tag not in _TEXT_LINK_TAGS and _LINK_ATTRS.isdisjoint(names):
                continue
        links = list(_links_of(el, tag))
        if links and tag in ("a", "area") and containers and _under_pager(el, containers):
            for link in links:
                link.pager = True
        doc.links.extend(links)
    doc.links.extend(island_links(cleaned, doc.base_url))
    return doc


def _fragment_links(fragment: str) -> list[RawLink]:
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="ul")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    return [link for el in root.iter() if isinstance(el.tag, str) for link in _links_of(el, el.tag.lower())]


def island_links(text: str, base_url: str) -> list[RawLink]:
    """Links of a Hanweb data island (crawler.islands): every record's links, as a browser user
    sees them on the list page, then the next group's proxy URL (tag ``datastore``, attribute
    ``nextgroup``), already resolved against the proxy's directory."""
    links: list[RawLink] = []
    for island in find_islands(text):
        for record in island.records:
            links += _fragment_links(as_list_item(record))
        following = nextgroup_url(island, proxy_url(text, base_url))
        if following:
            links.append(RawLink(_clip(following, MAX_HREF), "datastore", "nextgroup", ""))
    return links


def reply_links(text: str, reply_url: str) -> tuple[list[RawLink], int]:
    """Links of a ``dataproxy.jsp`` reply: its records' links and the following group (relative to
    the reply's own directory, which is the proxy's); plus the number of records (0 = last group)."""
    island = parse_reply(text)
    links = [link for record in island.records for link in _fragment_links(as_list_item(record))]
    following = nextgroup_url(island, reply_url)
    if following:
        links.append(RawLink(_clip(following, MAX_HREF), "datastore", "nextgroup", ""))
    return links, len(island.records)
