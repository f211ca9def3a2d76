"""HTML helpers for disclosure checks: metadata tables, list items, footers, meta tags.

Government portals print a document's metadata (索引号, 发文机构, 文号, 有效性 …)
in one of four shapes, all read here into ``{field: value}``:

* a table of label/value cell pairs (``<th>索引号</th><td>…</td>``, or ``<td>索引号：…</td>``);
* a definition list (``<dt>索引号</dt><dd>…</dd>``);
* a grid of label/value elements (``<span class="l">文号</span><span class="r">…</span>``,
  ``<div>发布机构：</div><div>…</div>``, ``<b>发文字号：</b>…``): the Shanghai platform and Hanweb;
* label-prefixed elements (``<li><span>索引号：</span>…</li>``, ``<p>发布日期：…</p>``).

Labels come from the one label table, config/rules.yaml ``labels:`` (``config.labels``):
spacing (U+3000, NBSP) and trailing colons are ignored, a field's more specific label wins,
and placeholder values (``docmeta.empty_values``: 无, —, - -) mean the field is absent. The
labelled date in running text (发布时间：…) uses the labels of ``freshness.publication_date_fields``.
``list_items`` reads a column's list page: every ``<li>`` (or table row) holding one link, with
the date text printed beside it; ``empty_list_evidence`` tells an empty list page (a blank
column) from an overview page; ``nav_links``/``content_links`` list a page's links by region.
The compact view of a whole page built from these helpers (``PageView``, ``page_view``,
``ViewReader``, ``iter_views``) is ``checks._views``; importing those names from here still works.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from itertools import islice
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag

from lxml import etree

from checks._dates import looks_like_date, normalize
from config.labels import LabelTable
from crawler.htmldoc import nav_links as navigation_links
from crawler.htmldoc import parse_html as parse_document
from crawler.islands import expand_islands
from crawler.urls import join_url

_LABEL_SPLIT = re.compile(r"^\s*([^:：]{2,12}?)\s*[:：]\s*(.*)$", re.S)
_WS = re.compile(r"\s+")
_FOOTER_HINT = re.compile(r"foot|bottom|copyright|\bbq\b|\bdb\b", re.I)


def config_regex(pattern: str, where: str) -> re.Pattern:
    """Compile a pattern from config; a bad one fails with the key to fix, not a traceback."""
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise ValueError(f"config/rules.yaml (or the profile's thresholds:) {where}: bad regular expression "
                         f"{pattern!r} ({exc}); escape special characters such as ( [ ? .") from None


def squash(text: str | None) -> str:
    return _WS.sub(" ", normalize(text or "")).strip()


def text_of(el: Any) -> str:
    return squash(el.text_content()) if el is not None else ""



def parse_html(html: str) -> Any | None:
    """An lxml tree, or None for a page lxml cannot make sense of (empty, binary). Hanweb data
    islands become lists of their records in place (``crawler.islands.expand_islands``), so list
    readers see the records a browser user sees."""
    if not html or not html.strip():
        return None
    return parse_document(expand_islands(html))


_RECENT_TREES = 16  # column list pages and the homepage are read by several helpers in a row


def stored_tree(ctx: Any, url: str, islands: bool = True) -> Any | None:
    """The stored page ``url`` parsed like ``parse_html`` (``islands=False``: as stored, data islands
    left as scripts, like ``crawler.htmldoc.parse_html``), or None (no body, unparsable), from a
    small per-run cache of the last pages asked for: the column, discovery, homepage and a11y
    sampling helpers read the same few pages one after another. Shared: read it, never modify it."""
    recent: OrderedDict[tuple[str, bool], Any] = ctx.memo("_pages.recent_trees", OrderedDict)
    key = (url, islands)
    if key in recent:
        recent.move_to_end(key)
        return recent[key]
    html = ctx.store.body(ctx.run_id, url)
    tree = (parse_html(html) if islands else parse_document(html)) if html else None
    recent[key] = tree
    if len(recent) > _RECENT_TREES:
        recent.popitem(last=False)
    return tree


_MAX_ROWS, _MAX_ELEMENTS = 300, 5000
_LABEL_MAX_CHARS = 24          # a label element's text is short: 索　　引　　号：
_VALUE_MAX_CHARS = 300         # a grid value is a name, a number or a date, never an article
# Elements that hold a label on its own, with the value in the next element (or after it):
# <th>索引号</th><td>…</td>, <dt>…</dt><dd>…</dd>, <span>发布机构：</span>本局, <div class="l">文号</div>
# <div class="r">…</div>, <b>发文字号：</b> ….
_LABEL_TAGS = ("span", "b", "strong", "label", "em", "font", "i", "div", "li", "p", "dt", "th", "td", "h4", "h5")


def as_label_table(labels: LabelTable | dict[str, list[str]] | None) -> LabelTable:
    """A ``LabelTable``; a plain ``{field: [labels]}`` mapping (older callers) is compiled."""
    if isinstance(labels, LabelTable):
        return labels
    return LabelTable.build(labels) if labels else _NO_LABELS


_NO_LABELS = LabelTable.build({})


def canonical_label(label: str, labels: LabelTable | dict[str, list[str]]) -> str | None:
    """Map a printed label (``发文机关：``) to its canonical field (``发文机构``)."""
    hit = as_label_table(labels).match(label)
    return hit[0] if hit else None


def _head(el: Any, n: int = 16) -> str:
    """The first ``n``-odd characters of an element's text, without building all of it."""
    out, size = [], 0
    for chunk in el.itertext():
        out.append(chunk)
        size += len(chunk)
        if size >= n:
            break
    return "".join(out)


def _labelled(el: Any) -> bool:
    head = _head(el).lstrip()
    return ":" in head or "：" in head


class _Fields:
    """Collected ``{field: value}``: placeholders (无, —) are absent; a field's more specific label
    (lower rank) replaces a generic one, never the reverse; equal ranks keep the first."""

    def __init__(self, table: LabelTable):
        self.table = table
        self.values: dict[str, str] = {}
        self.printed: dict[str, str] = {}
        self.ranks: dict[str, int] = {}

    def put(self, label: str, value: str) -> bool:
        hit = self.table.match(label)
        value = squash(value)
        if (hit is None or not value or len(value) > _VALUE_MAX_CHARS or self.table.is_placeholder(value)
                or self.table.match(value)):  # a header row (索引号 | 标题 | 发布日期) is not a value
            return False
        canonical, rank = hit
        if canonical not in self.values or rank < self.ranks[canonical]:
            self.values[canonical] = value
            self.printed[canonical] = squash(label).replace(" ", "").rstrip(":：")
            self.ranks[canonical] = rank
        return True


def _next_value(el: Any) -> str:
    """The value printed after a label element: its next element sibling, else its tail."""
    tail = squash(el.tail)
    if tail:
        return tail
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):  # comments between label and value
        nxt = nxt.getnext()
    return text_of(nxt) if nxt is not None else ""


def read_metadata(tree: Any, labels: LabelTable | dict[str, list[str]]
                  ) -> tuple[dict[str, str], dict[str, str]]:
    """Document metadata ``({canonical field: value}, {canonical field: label as printed})``."""
    table = as_label_table(labels)
    got = _Fields(table)
    # Metadata sits near the top of a document: the caps bound the work on a hostile page
    # (a 5 MB statistics table) without missing it on a real one.
    for row in islice(tree.iter("tr"), _MAX_ROWS):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")]
        i = 0
        while i < len(cells):
            text = text_of(cells[i]) if len(_head(cells[i], 40)) < 40 or _labelled(cells[i]) else ""
            m = _LABEL_SPLIT.match(text)
            if m and m.group(2) and table.match(m.group(1)):
                got.put(m.group(1), m.group(2))  # "索引号：xxx" in one cell
                i += 1
            elif text and table.match(text) and i + 1 < len(cells):
                got.put(text, text_of(cells[i + 1]))
                i += 2
            else:
                i += 1
    for dl in tree.iter("dl"):
        terms = [c for c in dl if isinstance(c.tag, str) and c.tag in ("dt", "dd")]
        for a, b in zip(terms, terms[1:]):
            if a.tag == "dt" and b.tag == "dd":
                got.put(text_of(a), text_of(b))
    for el in islice(tree.iter(*_LABEL_TAGS), _MAX_ELEMENTS):
        head = _head(el, _LABEL_MAX_CHARS)
        if len(head) < _LABEL_MAX_CHARS and table.match(head) and next(el.iterancestors("a"), None) is None:
            got.put(head, _next_value(el))  # a label alone in its element: the value follows it
            continue
        if el.tag not in ("li", "p", "div", "span") or el.tag == "div" and len(el) > 3 or not _labelled(el):
            continue  # containers are visited through their children; labels come first
        m = _LABEL_SPLIT.match(text_of(el))
        if m and table.match(m.group(1)):
            _put_line(got, m.group(1), m.group(2))
    return got.values, got.printed


_NEXT_LABEL = re.compile(r"\s+([^\s\d:：]{2,8})\s*[:：]")


def _put_line(got: _Fields, label: str, rest: str) -> None:
    """"索引号：A/2024-1　发布机构：本局　来源：网站": every known label of one line, each value
    ending where the next label (known or not) starts."""
    while True:
        nxt = _NEXT_LABEL.search(rest)
        got.put(label, rest[:nxt.start()] if nxt else rest)
        if nxt is None:
            return
        label, rest = nxt.group(1), rest[nxt.end():]


def metadata_fields(tree: Any, labels: LabelTable | dict[str, list[str]]) -> dict[str, str]:
    """Document metadata ``{canonical field: value}`` (see ``read_metadata``)."""
    return read_metadata(tree, labels)[0]


@dataclass
class ListItem:
    title: str
    href: str
    date_text: str


def list_items(tree: Any, base_url: str, container_xpath: str | None = None) -> list[ListItem]:
    """Items of a column list page: each ``li``/``tr`` with exactly one content link.

    Navigation lists (header, footer, breadcrumbs) are skipped: an item is a link
    whose list sibling text or whose own text carries a date, or any link in the
    configured ``container_xpath`` (the profile's ``list_xpath`` for the column).
    """
    if container_xpath:
        try:
            roots = tree.xpath(container_xpath)
        except etree.XPathError:
            roots = []
        candidates = [el for root in roots for el in root.iter("li", "tr")]
        strict = False
    else:
        candidates = [el for el in tree.iter("li", "tr") if not in_chrome(el)]
        strict = True
    items: list[ListItem] = []
    for el in candidates:
        links = [a for a in el.iter("a") if a.get("href") and not a.get("href", "").startswith(("#", "javascript:"))]
        if len(links) != 1:
            continue
        a = links[0]
        title = text_of(a)
        rest = squash(text_of(el).replace(title, " ", 1)) if title else text_of(el)
        dated = looks_like_date(rest) or el.get("data-date") is not None
        if strict and not dated and not _is_list_container(el):
            continue
        joined = join_url(base_url, a.get("href", "").strip())
        if joined is None:
            continue  # a malformed href is link-malformed's finding (checks/links/link_malformed.py)
        href = urldefrag(joined)[0]
        items.append(ListItem(title=title or a.get("title", ""), href=href,
                              date_text=el.get("data-date") or rest))
    return items


def nav_links(tree: Any, base_url: str, selectors: list[str]) -> list[tuple[str, str]]:
    """(absolute URL, text) of every link inside the navigation containers ``selectors`` find
    (``columns.nav_selectors``: <nav>, role=navigation, an id/class saying nav/menu/daohang on
    TRS, Hanweb and platform templates alike); sub-menus included (crawler.htmldoc.nav_links)."""
    return [(url, squash(text)) for url, text in navigation_links(tree, base_url, selectors)]


def content_links(tree: Any, base_url: str) -> list[tuple[str, str]]:
    """(absolute href, text) of the links in a page's content (not header, navigation,
    breadcrumbs or footer)."""
    out = []
    for a in tree.iter("a"):
        href = a.get("href")
        if href and not href.startswith(("javascript:", "#", "mailto:", "tel:")) and not in_chrome(a):
            joined = join_url(base_url, href.strip())
            if joined is not None:  # a malformed href is link-malformed's finding
                out.append((joined, squash(a.text_content())))
    return out


def _content_text(tree: Any) -> str:
    """Page text outside header, navigation, breadcrumbs and footer (scripts and styles dropped)."""
    body = tree.find("body")
    parts = []
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "nav", "header", "footer") \
                or in_chrome(el) or _CHROME.search(f"{el.get('id', '')} {el.get('class', '')}"):
            continue
        parts.append(el.text or "")
        parent = el.getparent()
        if el.tail and parent is not None and parent.tag not in ("script", "style"):
            parts.append(el.tail)
    return squash(" ".join(parts))


def empty_list_evidence(tree: Any, markers: list[re.Pattern], container: re.Pattern) -> str:
    """Why a page with no list item is an *empty list page* rather than an overview or a text
    page, or "" when nothing says so: an empty-list message (``columns.empty_list_markers``,
    e.g. 暂无信息, 共0条) in the content, or an empty list container whose id/class matches
    ``columns.list_container_pattern`` (a Hanweb data island without records is one: parse_html
    turns it into an empty ``ul.datastore-list``)."""
    text = _content_text(tree)
    for rx in markers:
        m = rx.search(text)
        if m:
            return f"empty-list message '{m.group(0)}'"
    for el in tree.iter("ul", "ol", "table", "tbody", "div", "dl"):
        marker = f"{el.get('id', '')} {el.get('class', '')}".strip()
        if marker and container.search(marker) and not in_chrome(el) \
                and not any(True for _ in el.iter("a", "li", "tr", "dd")) and not text_of(el):
            return f"empty list container '{el.tag}.{marker}'"
    return ""


def in_chrome(el: Any) -> bool:
    """True inside header, navigation, breadcrumbs, footer or link boxes."""
    for anc in el.iterancestors():
        if anc.tag in ("nav", "header", "footer"):
            return True
        if _CHROME.search(f"{anc.get('id', '')} {anc.get('class', '')}"):
            return True
    return False


_CHROME = re.compile(r"\bnav|menu|crumb|footer|header|friend|link-?list", re.I)


def _is_list_container(el: Any) -> bool:
    parent = el.getparent()
    marker = f"{parent.get('id', '')} {parent.get('class', '')}" if parent is not None else ""
    return bool(re.search(r"list|news|items|xxgk|gkml", marker, re.I))


def footer_text(tree: Any) -> str:
    """Text of the page footer: ``<footer>`` or an id/class saying foot/bottom, else the page tail."""
    parts = [text_of(el) for el in tree.iter("footer")]
    if not parts:
        for el in tree.iter("div", "section", "table"):
            marker = f"{el.get('id', '')} {el.get('class', '')}"
            if _FOOTER_HINT.search(marker):
                parts.append(text_of(el))
    if parts:
        return " ".join(parts)
    body = text_of(tree.find("body") if tree.find("body") is not None else tree)
    return body[-600:]


def footer_html(tree: Any) -> str:
    """The footer's image and link attributes (alt, title, src, href): identity marks are
    often images (党政机关网站标识) whose only text is in these."""
    nodes = list(tree.iter("footer")) or [
        el for el in tree.iter("div", "section", "table")
        if _FOOTER_HINT.search(f"{el.get('id', '')} {el.get('class', '')}")]
    attrs = [el.get(a, "") for n in nodes for el in n.iter("img", "a") for a in ("alt", "title", "src", "href")]
    return " ".join(a for a in attrs if a)


def meta_tags(tree: Any) -> dict[str, str]:
    """Named ``<meta>`` tags of the document head. Metas inside the body are template markers
    (Hanweb's ``ContentStart``/``ContentEnd`` in ``#zoom``, repeated ``Image``), not page metadata."""
    out = {}
    head = tree.find("head")
    for m in (head if head is not None else tree).iter("meta"):
        name = m.get("name")
        if name and name not in out:
            out[name] = (m.get("content") or "").strip()[:200]
    return out


# the page views moved to checks._views (which imports this module): resolved on first use, so that
# rule code written against ``checks._pages`` (docs/adding-a-rule.md) keeps working without a cycle
_MOVED_TO_VIEWS = ("PageView", "ViewReader", "iter_views", "labelled_date_pattern", "page_view",
                   "view_tree")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_VIEWS:
        from checks import _views
        return getattr(_views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
