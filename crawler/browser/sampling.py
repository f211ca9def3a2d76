"""Which crawled pages the browser stage scans.

``a11y.scope: all`` (the default) chooses every page; ``sample``, the fast mode, chooses
always the homepage and every column page (column pages are list pages: the
profile's ``columns`` entries with a ``url``, else the pages linked from the
homepage's main navigation, found with ``a11y.nav_selectors``). The other pages
are grouped by template, i.e. the same DOM skeleton: the set of layout
elements (tag, id, classes) down to ``a11y.template_depth`` levels, so two
articles with different text share a template while a list page does not.
``a11y.per_template`` pages of each template are scanned (in URL order, so a defect
on one article of a template is seen only if that article is among them); ``a11y.max_pages``
(0 = no cap) caps the total in either mode: one page of every template first
(the homepage's template first, then columns'), then the other columns, then the rest.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import urljoin

from crawler.htmldoc import nav_links as navigation_links
from config import site_homepage
from crawler.homepage import homepage_identities, is_homepage
from crawler.htmldoc import parse_html
from crawler.urls import url_identity

LAYOUT_TAGS = {"html", "body", "header", "nav", "main", "footer", "section", "article", "aside", "div",
               "ul", "ol", "table", "form", "iframe", "h1", "h2"}


@dataclass
class Candidate:
    url: str
    content_hash: str
    template: str
    roles: set[str] = field(default_factory=set)   # "home", "column"


def parse(html: str) -> Any | None:
    """The page's tree (the one parser, crawler.htmldoc: with huge_tree, so a deeply unclosed legacy
    template keeps its layout instead of losing everything past libxml2's depth limit)."""
    return parse_html(html)


def skeleton(doc: Any, depth: int) -> str:
    """A short hash of the page's layout skeleton (same template → same hash)."""
    if doc is None:
        return "unparsed"
    paths: set[str] = set()

    def walk(el: Any, prefix: str, level: int) -> None:
        if level > depth:
            return
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag not in LAYOUT_TAGS:
                continue
            classes = ".".join(sorted((child.get("class") or "").split()))
            ident = child.get("id") or ""
            # numbered ids (item_123) vary per page; keep their stem only
            ident = ident.rstrip("0123456789-_")
            step = f"{tag}#{ident}.{classes}"
            path = f"{prefix}/{step}"
            paths.add(path)
            walk(child, path, level + 1)

    walk(doc.getparent() if doc.getparent() is not None else doc, "", 0)
    return hashlib.sha1("\n".join(sorted(paths)).encode()).hexdigest()[:12]


def nav_links(doc: Any, base_url: str, selectors: list[str]) -> list[str]:
    """Absolute URLs (no fragment) linked from the first main-navigation container found."""
    return [url for url, _text in navigation_links(doc, base_url, selectors, main_only=True)]


class PageRows(Protocol):
    """The stored pages ``find_homepage`` and ``column_urls`` read: a dict of rows by URL, or a view
    streaming them from the store on each ``items()`` walk (checks/a11y/_common.py)."""

    def get(self, url: str) -> dict[str, Any] | None: ...

    def items(self) -> Iterable[tuple[str, dict[str, Any]]]: ...


def find_homepage(pages: PageRows, site: Any) -> str | None:
    """The stored page that is the homepage (crawler.homepage), else the shallowest page (one walk)."""
    _home, _row, identities = homepage_identities(site, pages.get)
    shallowest: tuple[int, str] | None = None
    for url, row in pages.items():
        if is_homepage(url, row, identities):
            return url
        depth = (row.get("depth") if row.get("depth") is not None else 99, url)
        if shallowest is None or depth < shallowest:
            shallowest = depth
    return shallowest[1] if shallowest else None


def column_urls(site: Any, pages: PageRows, home_url: str | None, home_doc: Any,
                nav_selectors: list[str]) -> list[str]:
    base = home_url or site_homepage(site)
    declared = [urljoin(base, c["url"]) for c in site.get("columns") or [] if isinstance(c, dict) and c.get("url")]
    wanted = declared or (nav_links(home_doc, home_url, nav_selectors) if home_url else [])
    keys = {_identity(want) for want in wanted if want} - {None}
    first = _first_page_by_identity(pages, keys) if keys else {}
    out = []
    for want in wanted:
        url = first.get(_identity(want)) if want and first else None
        if url is not None and url != home_url and url not in out:
            out.append(url)
    return out


def _identity(url: str) -> str | None:
    try:
        return url_identity(url)
    except ValueError:  # a URL no canonical form fits matches nothing
        return None


def _first_page_by_identity(pages: PageRows, keys: set[str | None]) -> dict[str, str]:
    """URL identity (of ``keys``) -> the first stored page (in ``pages`` order) whose URL or final URL
    has it: one walk over the pages for every navigation link (not 20,000 pages x 30 links), keeping
    only the identities asked for (not one per page: memory stays flat). A stored URL is its own
    identity (``crawler.urls.url_identity``); only a final URL that differs from it is put in that form."""
    first: dict[str, str] = {}
    for url, row in pages.items():
        if url in keys:
            first.setdefault(url, url)
        final = row.get("final_url")
        if final and final != url:
            key = _identity(final)
            if key in keys:
                first.setdefault(key, url)
        if len(first) == len(keys):
            break
    return first


def choose(candidates: list[Candidate], settings: dict[str, Any]) -> tuple[list[Candidate], dict[str, Any]]:
    """Pick pages to scan; return them with coverage figures."""
    by_template: dict[str, list[Candidate]] = OrderedDict()
    for cand in candidates:
        by_template.setdefault(cand.template, []).append(cand)
    chosen: list[Candidate] = [c for c in candidates if c.roles]
    chosen.sort(key=lambda c: (0 if "home" in c.roles else 1, c.url))
    picked = {c.url for c in chosen}
    for members in by_template.values():
        quota = len(members) if settings["scope"] == "all" else settings["per_template"]
        have = sum(1 for c in members if c.url in picked)
        for cand in members:
            if have >= quota:
                break
            if cand.url not in picked:
                chosen.append(cand)
                picked.add(cand.url)
                have += 1
    if settings["max_pages"] and len(chosen) > settings["max_pages"]:
        # under a cap, template coverage first: one page of every template (the homepage's first,
        # then in the order above: columns, then the rest), then the remaining pages in that order.
        # A cap of a few pages then still sees the article template, not only column lists.
        firsts: dict[str, Candidate] = OrderedDict()
        for cand in chosen:
            firsts.setdefault(cand.template, cand)
        rest = [c for c in chosen if firsts[c.template] is not c]
        chosen = (list(firsts.values()) + rest)[: settings["max_pages"]]
    sampled_templates = {c.template for c in chosen}
    coverage = {
        "pages_total": len(candidates),
        "templates_found": len(by_template),
        "templates_sampled": len(sampled_templates),
        "pages_selected": len(chosen),
        "pages_represented": sum(len(m) for t, m in by_template.items() if t in sampled_templates),
        "column_pages": sum(1 for c in chosen if "column" in c.roles),
    }
    return chosen, coverage
