"""The compact view of one page for the disclosure and site-facts checks: ``PageView``.

``page_view`` reads a page once into what the checks ask of it (title, meta tags, metadata fields
and their printed labels, body text, footer, resolved links, the labelled publication date), from
the HTML helpers of ``checks._pages``; ``ViewReader`` makes views the way the run's checks need them
(label table from config/rules.yaml ``labels:``, ``freshness.publication_date_fields``, the
profile's ``soft404.patterns`` to leave out not-found pages served with 200), and ``iter_views``
yields the view of every successfully fetched page of the run. The page pass (checks/pagepass.py)
hands ``view_tree`` its shared parse so a page is parsed once for every module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag

from checks._pages import (as_label_table, footer_html, footer_text, meta_tags, parse_html, read_metadata,
                           text_of)
from config.labels import LabelTable, label_key, label_table
from crawler.htmldoc import parse_html as parse_document
from crawler.islands import expand_islands
from crawler.urls import join_url


@dataclass
class PageView:
    """What the disclosure checks need from one page, parsed once."""

    url: str
    title: str
    meta: dict[str, str]
    fields: dict[str, str]
    text: str
    footer: str
    footer_markup: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, text)
    tree: Any = None
    labelled_date: str = ""  # the text after 发布日期：/发布时间：… in the page body, if any
    printed: dict[str, str] = field(default_factory=dict)  # field -> its label as the page prints it


def labelled_date_pattern(table: LabelTable, fields: list[str]) -> re.Pattern:
    """A date printed after one of the labels of ``fields`` in running text (发布时间：2024-04-12)."""
    names = [r"\s*".join(map(re.escape, label_key(n))) for n in table.labels_of(fields) if label_key(n)]
    return re.compile("(?:" + "|".join(names or ["(?!)"]) + r")\s*[:：]\s*(\S{0,16})")


def page_view(url: str, html: str, labels: LabelTable | dict[str, list[str]] | None, keep_tree: bool = False,
              date_fields: list[str] | tuple[str, ...] = (), parsed: Any = None,
              wanted: Callable[[list[str]], Container[str]] | None = None) -> PageView | None:
    """The compact view of one page; ``labels`` is the label table (``labels:`` in config) and
    ``date_fields`` the fields whose labels mark a publication date in the text (none given: no
    labelled date is read; ``iter_views`` passes ``freshness.publication_date_fields``).
    ``parsed``: the page's tree when the caller already holds it (``view_tree``); it is modified
    (script and style text blanked), so nothing may read it afterwards. ``wanted``: given the texts of
    the page's links, those whose links to resolve and list (default all): resolving every link of
    every page is the costliest part of a view, and the site facts keep only the homepage's and new
    link texts."""
    table = as_label_table(labels)
    tree = parsed if parsed is not None else parse_html(html)
    if tree is None:
        return None
    for bad in tree.iter("script", "style"):
        bad.text = ""
    title_el = tree.find(".//title")
    anchors = []
    for a in tree.iter("a"):
        href = a.get("href")
        if href and not href.startswith(("javascript:", "mailto:", "tel:")):
            anchors.append((href, text_of(a) or a.get("title", "")))
    chosen = wanted([text for _href, text in anchors]) if wanted is not None else None
    links = []
    for href, text in anchors:
        joined = join_url(url, href.strip()) if chosen is None or text in chosen else None
        if joined is not None:  # a malformed href is link-malformed's finding, not this page's crash
            bare = urldefrag(joined)[0] if "#" in joined else joined  # urldefrag returns it as is then
            links.append((bare, text))
    body = tree.find("body")
    text = text_of(body if body is not None else tree)
    labelled = _labelled_date_rx(table, tuple(date_fields)).search(text)
    fields, printed = read_metadata(tree, table)
    return PageView(url=url, title=text_of(title_el), meta=meta_tags(tree), fields=fields, text=text,
                    footer=footer_text(tree), footer_markup=footer_html(tree), links=links,
                    tree=tree if keep_tree else None, labelled_date=labelled.group(1) if labelled else "",
                    printed=printed)


_DATE_RX: dict[tuple[int, tuple[str, ...]], tuple[LabelTable, re.Pattern]] = {}


def _labelled_date_rx(table: LabelTable, fields: tuple[str, ...]) -> re.Pattern:
    cached = _DATE_RX.get((id(table), fields))
    if cached is None or cached[0] is not table:
        cached = _DATE_RX[(id(table), fields)] = (table, labelled_date_pattern(table, list(fields)))
    return cached[1]


def view_tree(html: str, raw_tree: Callable[[], Any]) -> Any | None:
    """The tree ``parse_html`` would build for ``html``, reusing the plain parse ``raw_tree()``
    (the page pass's shared tree) when the page has no data island to expand."""
    if not html or not html.strip():
        return None
    expanded = expand_islands(html)
    return raw_tree() if expanded is html else parse_document(expanded)


class ViewReader:
    """Turns pages into ``PageView``s the way ``iter_views`` does (settings read once)."""

    def __init__(self, ctx: Any, keep_tree: bool = False):
        self.table = label_table(ctx.threshold)
        self.date_fields = list(ctx.threshold("freshness.publication_date_fields"))
        self.not_found = list(((ctx.site or {}).get("soft404") or {}).get("patterns") or [])
        self.keep_tree = keep_tree

    def view(self, res: dict[str, Any], html: str, raw_tree: Callable[[], Any] | None = None,
             wanted: Callable[[list[str]], Container[str]] | None = None) -> PageView | None:
        """The page's view, or None: not a 2xx page, unparsable, or a not-found page served with 200
        (the link checks' soft-404, not a document). ``raw_tree``: the page's shared plain parse;
        ``wanted``: see ``page_view``."""
        if res.get("status") is not None and not (200 <= int(res["status"]) < 300):
            return None
        parsed = view_tree(html, raw_tree) if raw_tree is not None else None
        if raw_tree is not None and parsed is None:
            return None
        view = page_view(res.get("final_url") or res["url"], html, self.table, self.keep_tree,
                         self.date_fields, parsed=parsed, wanted=wanted)
        if view is None or any(p in view.title for p in self.not_found):
            return None
        view.url = res["url"]
        return view


def iter_views(ctx: Any, keep_tree: bool = False) -> Iterator[tuple[dict[str, Any], PageView]]:
    """Every successfully fetched in-scope page of the run as a ``PageView``."""
    reader = ViewReader(ctx, keep_tree)
    for res, html in ctx.store.pages_with_bodies(ctx.run_id):
        view = reader.view(res, html)
        if view is not None:
            yield res, view
