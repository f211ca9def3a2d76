"""The one HTML parser, and the one reader of a page's navigation links.

``parse_html(html)`` is how every stage turns stored page text into an lxml tree: the
crawler's extractor (``crawler.extract``, which also drops comments), the browser stage's
sampling, the soft-404 fingerprints and every check. Text is parsed as UTF-8 bytes (so an XML
declaration naming another charset cannot make lxml refuse the string) with ``huge_tree``:
legacy CMS templates leave <div>s unclosed in list loops and pass libxml2's default depth
limit (256), which would silently drop the rest of the page. An empty or unparsable page is
None, never an exception.

``nav_links(tree, base_url, selectors)`` lists the (URL, raw text) of the links inside the page's
navigation containers, found with CSS ``selectors`` (the profile's ``a11y.nav_selectors``,
default ``config.a11y.DEFAULT_NAV_SELECTORS``). ``main_only=True`` keeps only the first
container, in selector order, that holds at least two links (the browser stage's "main
navigation"); otherwise every link inside any matching container counts, in document order
(column discovery, which also wants sub-menus). Fragments are dropped; ``javascript:``,
``mailto:``, ``tel:`` and bare ``#`` links are not navigation; a malformed href is skipped
(``link-malformed`` reports it).

``visible_text_of(tree)`` is a page's (title, visible text): the text outside script, style,
noscript, template and head, read without modifying the tree (the checks share one parse).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag

import lxml.html
from cssselect import SelectorError
from lxml import etree

from crawler.urls import join_url

_NOT_NAVIGATION = ("javascript:", "mailto:", "tel:", "#")


@lru_cache(maxsize=2)
def html_parser(remove_comments: bool = False) -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=remove_comments)


def parse_html(html: str | None, *, remove_comments: bool = False) -> Any | None:
    """An lxml HTML tree of ``html``, or None for an empty or unparsable page."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html.replace("\x00", "").encode("utf-8", "replace"),
                                             parser=html_parser(remove_comments))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def inner_text(el: Any) -> str:
    """``el.text_content()``, without lxml's XPath evaluation for the common childless element.

    A link is mostly ``<a href>text</a>``: its text is ``el.text`` (text_content() costs ~25x more
    there, measured on the bench portal's pages; it was ~3 % of the crawl's main thread).
    """
    if len(el) == 0 and isinstance(el.tag, str):
        return el.text or ""
    return el.text_content()


_WHITESPACE = re.compile(r"\s+")
# Text nodes outside the elements a visitor never sees. The tail of such an element (the text
# after it) is a child of its parent, so it stays, as do comments' tails (comments are not text).
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                            " or ancestor::template or ancestor::head)]")


def visible_text_of(root: Any | None) -> tuple[str, str]:
    """(title, visible body text with whitespace collapsed) of a parsed document; ("", "") for
    None. The tree is only read, so other readers of the same parse see it intact."""
    if root is None:
        return "", ""
    title_el = root.find(".//title")
    title = _WHITESPACE.sub(" ", title_el.text_content()).strip() if title_el is not None else ""
    text = _WHITESPACE.sub(" ", "".join(_VISIBLE_TEXT(root))).strip()
    return title, text


def _link(a: Any, base_url: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.lower().startswith(_NOT_NAVIGATION):
        return None
    joined = join_url(base_url, href)
    return urldefrag(joined)[0] if joined is not None else None


@lru_cache(maxsize=64)
def _compiled(selector: str) -> etree.XPath | None:
    from cssselect import HTMLTranslator
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(selector))
    except (SelectorError, etree.XPathSyntaxError):  # a selector cssselect cannot read is skipped
        return None


def nav_links(tree: Any, base_url: str, selectors: list[str] | tuple[str, ...], *,
              main_only: bool = False) -> list[tuple[str, str]]:
    """(absolute URL, link text) of the navigation links of a parsed page (see the module doc)."""
    if tree is None:
        return []
    if main_only:
        for selector in selectors:
            find = _compiled(selector)
            for container in find(tree) if find is not None else []:
                links = [(url, inner_text(a)) for a in container.iter("a") if (url := _link(a, base_url))]
                if len(links) >= 2:
                    first: dict[str, str] = {}
                    for url, text in links:
                        first.setdefault(url, text)
                    return list(first.items())
        return []
    anchors: dict[Any, None] = {}
    for selector in selectors:
        find = _compiled(selector)
        for container in find(tree) if find is not None else []:
            anchors.update(dict.fromkeys(container.iter("a")))
    ordered = sorted(anchors, key=_document_order(tree))
    return [(url, inner_text(a)) for a in ordered if (url := _link(a, base_url))]


def _document_order(tree: Any) -> Any:
    position = {el: i for i, el in enumerate(tree.iter())}
    return lambda el: position.get(el, 0)
