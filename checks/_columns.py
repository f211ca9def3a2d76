"""Site facts for the disclosure checks: pages parsed once, columns resolved, items dated.

``site_facts(ctx)`` reads every in-scope page of the run once (``checks._pages``)
and caches the result on the check context, so ``columns``, ``freshness``,
``normative``, ``docmeta``, ``identity`` and ``annual_report`` share one pass. In a checks
run the per-page part (the ``PageView``s) is built during the registry's page pass
(``view_builder``, ``checks.pagepass``) from the same parse the other modules use.

Columns come from the profile's ``columns:`` block (validated by
``config.columns``): name, aliases, ``url`` or ``pattern``, ``type``, ``required``,
``normative``, optional ``list_xpath`` and ``window_days``. When the profile
declares none (or ``disclosure.discover_columns: true``), the mandatory 政府信息公开
columns (``columns.mandatory``) are located by name and alias, and further columns are
discovered from the homepage navigation and content links (``checks._discovery``;
governed by ``columns.discover_min_items``, ``discover_depth``, ``type_keywords``,
``empty_list_markers`` and ``list_container_pattern`` in config/rules.yaml); the report
says so (rule ``columns-discovered``).

An item's date is read, in order, from the article's metadata table
(``docmeta.date_fields``), the date printed beside it in the list, the article
page's labelled date (发布时间：…) and its ``PubDate`` meta tag.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from checks._dates import MISSING, DateRead, read_date
from checks._pages import config_regex, content_links, empty_list_evidence, list_items, nav_links, stored_tree
from checks._views import PageView, ViewReader, iter_views, page_view
from checks._viewstore import ViewStore
from config import site_homepage
from crawler.islands import find_islands
from crawler.urls import join_url

STATIC = "static"
_SUB_COLUMN = re.compile(r"(/|/(index|default)(_\d+)?\.s?html?)$", re.I)


@dataclass
class Item:
    title: str
    href: str
    list_date: DateRead
    date: DateRead          # best date found (see module doc)
    source: str             # "metadata", "list", "article", "meta-tag" or "" when none


@dataclass
class Column:
    name: str
    type: str
    required: bool
    normative: bool
    url: str | None          # list page URL (None when it could not be located)
    declared: bool           # from the profile (False: discovered)
    window_days: int | None
    status: int | None = None
    items: list[Item] = field(default_factory=list)
    problem: str = ""        # why the column is missing, when it is
    problem_zh: str = ""     # the same in Chinese, for the zh report
    scripted: str = ""       # the script marker found when an empty list is probably filled by JavaScript
    empty: str = ""          # evidence that a list page without items is an empty list (not an overview)
    mandatory: bool = False  # a national mandatory 政府信息公开 column checked in discovery mode
    aliases: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return self.url is not None and self.status is not None and 200 <= self.status < 300

    @property
    def newest(self) -> date | None:
        dates = [i.date.value for i in self.items if i.date.ok and i.date.value]
        return max(dates) if dates else None


@dataclass
class SiteFacts:
    views: Mapping[str, PageView]  # page URL -> view, in URL order (on disk: ``checks._viewstore``)
    statuses: dict[str, int | None]
    homepage: str
    columns: list[Column]
    discovered: bool
    truncated: set[str] = field(default_factory=set)  # bodies cut at limits.max_response_mb
    link_index: Mapping[str, str] = field(default_factory=dict)  # link text -> first href (by page URL order)
    normative: set[str] | None = field(default=None, repr=False)  # normative_urls, once worked out

    def text(self, ctx: Any, url: str) -> str:
        """A page's full text, re-read from the store: views keep no text, so memory stays
        flat however large the portal is."""
        html = ctx.store.body(ctx.run_id, url)
        view = page_view(url, html or "", {}) if html else None
        return view.text if view else ""


def _profile_columns(ctx: Any) -> list[dict[str, Any]]:
    return list((ctx.site or {}).get("columns") or [])


def _disclosure(ctx: Any) -> dict[str, Any]:
    return dict((ctx.site or {}).get("disclosure") or {})


def page_date(view: PageView | None, today: date, ctx: Any) -> tuple[DateRead, str]:
    """The publication date of an article page: metadata table, labelled text, PubDate meta."""
    if view is None:
        return DateRead(MISSING, reason="page not crawled"), ""
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    for label in ctx.threshold("freshness.publication_date_fields"):
        if view.fields.get(label):
            return read_date(view.fields[label], today, allow_short=False,
                             future_tolerance_days=tolerance), "metadata"
    if view.labelled_date:
        return read_date(view.labelled_date, today, allow_short=False, future_tolerance_days=tolerance), "article"
    if view.meta.get("PubDate"):
        return read_date(view.meta["PubDate"], today, allow_short=False,
                         future_tolerance_days=tolerance), "meta-tag"
    return DateRead(MISSING, reason="no date on the page"), ""


def _scripted_marker(html: str, ctx: Any) -> str:
    markers = ctx.threshold("columns.scripted_list_markers")
    return next((m for m in markers if m in html), "")


def _fill(col: Column, spec: dict[str, Any], facts_views: Mapping[str, PageView], ctx: Any) -> None:
    """Read the column's items; when the list comes out empty, note the evidence that it is an
    empty list page and any script marker (a list filled by JavaScript is not judged blank). A
    data island without records is the list itself, so no script marker overrides it."""
    col.items = _column_items(col.url or "", spec, facts_views, ctx.today, ctx)
    if col.items:
        return
    html = ctx.store.body(ctx.run_id, col.url or "") or ""
    if find_islands(html):
        # a data island with no record is a list the server sent empty: blank, not unreadable
        col.empty = "data island without records"
        return
    tree = stored_tree(ctx, col.url or "")
    if tree is not None:
        markers = [config_regex(p, f"columns.empty_list_markers[{i}]")
                   for i, p in enumerate(ctx.threshold("columns.empty_list_markers"))]
        container = config_regex(ctx.threshold("columns.list_container_pattern"),
                                 "columns.list_container_pattern")
        col.empty = empty_list_evidence(tree, markers, container)
    col.scripted = _scripted_marker(html, ctx)


def _column_items(url: str, spec: dict[str, Any], facts_views: Mapping[str, PageView],
                  today: date, ctx: Any) -> list[Item]:
    tree = stored_tree(ctx, url)
    if tree is None:
        return []
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    out = []
    for li in list_items(tree, url, spec.get("list_xpath")):
        list_read = read_date(li.date_text, today, future_tolerance_days=tolerance)
        if list_read.status == MISSING and _SUB_COLUMN.search(urlsplit(li.href).path):
            continue  # an undated link to a directory index is a sub-column of an overview, not an item
        article_read, source = page_date(facts_views.get(li.href), today, ctx)
        if article_read.status != MISSING and source == "metadata":
            best, src = article_read, "metadata"
        elif list_read.status != MISSING:
            best, src = list_read, "list"
        elif article_read.status != MISSING:
            best, src = article_read, source
        else:
            best, src = list_read, ""
        out.append(Item(title=li.title, href=li.href, list_date=list_read, date=best, source=src))
    return out


def _match_name(text: str, names: list[str]) -> bool:
    clean = text.replace(" ", "")
    return any(clean == n.replace(" ", "") for n in names if n)


def _guess_type(name: str, ctx: Any) -> str:
    for ctype, words in ctx.threshold("columns.type_keywords").items():
        if any(w in name for w in words or []):
            return ctype
    return STATIC


def _window(ctype: str, spec: dict[str, Any], ctx: Any) -> int | None:
    if spec.get("window_days"):
        return int(spec["window_days"])
    if ctype == STATIC:
        return None
    value = ctx.threshold("columns.windows_days").get(ctype)
    return int(value) if value else None


def _locate(spec: dict[str, Any], home: PageView | None, views: Mapping[str, PageView], homepage: str,
            link_index: Mapping[str, str]) -> str | None:
    if spec.get("url"):
        located = join_url(homepage, spec["url"])
        if located is None:
            raise ValueError(f"site profile: columns: {spec['name']}: url {spec['url']!r} is not a usable "
                             "URL; write it as a path like /xxgk/tzgg/index.html")
        return located
    names = [spec["name"], *(spec.get("aliases") or [])]
    for href, text in home.links if home else []:
        if _match_name(text, names):
            return href
    for name in names:
        if name.replace(" ", "") in link_index:
            return link_index[name.replace(" ", "")]
    if spec.get("pattern"):
        rx = re.compile(spec["pattern"])
        for url in views:  # in URL order
            if rx.search(urlsplit(url).path):  # stored page URLs were fetched: they split
                return url
    return None


def _nav_links(ctx: Any, homepage: str) -> list[tuple[str, str]]:
    tree = stored_tree(ctx, homepage)
    return nav_links(tree, homepage, ctx.threshold("columns.nav_selectors")) if tree is not None else []


def _content_links(ctx: Any, url: str) -> list[tuple[str, str]]:
    """Links in a page's content (not header, navigation, breadcrumbs or footer)."""
    tree = stored_tree(ctx, url)
    return content_links(tree, url) if tree is not None else []


@dataclass
class _Views:
    """The per-page part of the site facts, built page by page: in the checks run's page pass
    (``view_builder``), or by ``site_facts`` itself when no pass ran (a helper called alone). The views
    and the link-text index wait on disk (``checks._viewstore``), not in memory."""

    reader: ViewReader
    homepage: str
    store: ViewStore = field(default_factory=ViewStore)
    truncated: set[str] = field(default_factory=set)  # bodies cut at limits.max_response_mb (rare)
    complete: bool = False
    error: Exception | None = None

    def wanted(self, res: dict[str, Any]) -> Callable[[str], bool] | None:
        """The links of a page ``add`` uses: all of the homepage's, elsewhere those whose text the link
        index may still take (``ViewStore.new_texts_of``)."""
        url = res["url"]
        return None if url == self.homepage else self.store.new_texts_of(url)

    def add(self, res: dict[str, Any], view: PageView) -> None:
        url = res["url"]
        if res.get("truncated"):
            self.truncated.add(sys.intern(url))
        self.store.add(url, view, keep_links=url == self.homepage)

    def finish(self) -> None:
        """Every page went by: the views and link texts can be read."""
        self.complete = True


_VIEWS_MEMO = "_columns.views"


def view_builder(ctx: Any) -> Callable[[Any, Any], None]:
    """The page pass's collector of the site-facts views (``checks.pagepass``): called with each
    page, then with None once every page went by. A failure is kept and raised by ``site_facts``,
    so the modules that need the facts fail as they would have without the pass."""
    built = _Views(ViewReader(ctx), site_homepage(ctx.site))

    def build(ctx: Any, page: Any) -> None:
        if built.error is not None:
            return
        if page is None:
            built.finish()
            ctx.memo(_VIEWS_MEMO, lambda: built)
            return
        try:
            view = built.reader.view(page.row, page.html, lambda: page.tree, built.wanted(page.row))
            if view is not None:
                built.add(page.row, view)  # a write to the scratch file may fail too (disk full)
        except Exception as exc:  # noqa: BLE001 - re-raised by site_facts in the modules that need it
            built.error = exc
            built.complete = True
            ctx.memo(_VIEWS_MEMO, lambda: built)

    return build


def _views(ctx: Any) -> _Views:
    built = getattr(ctx, "memos", {}).get(_VIEWS_MEMO)
    if built is not None and built.complete:
        if built.error is not None:
            raise built.error
        return built
    built = _Views(ViewReader(ctx), site_homepage(ctx.site))
    for res, view in iter_views(ctx):
        built.add(res, view)
    built.finish()
    return built


def site_facts(ctx: Any) -> SiteFacts:
    cached = getattr(ctx, "_disclosure_facts", None)
    if cached is not None:
        return cached
    statuses: dict[str, int | None] = {}
    for res in ctx.store.resources(ctx.run_id, kind="page", in_scope=True):
        statuses[res["url"]] = res["status"]
        if res.get("final_url"):
            statuses.setdefault(res["final_url"], res["status"])
    built = _views(ctx)
    views, truncated, link_index = built.store.views, built.truncated, built.store.link_index
    homepage = site_homepage(ctx.site)
    home = views.get(homepage)
    specs = _profile_columns(ctx)
    mode = _disclosure(ctx).get("discover_columns", "auto")
    discovered = mode is True or (mode == "auto" and not specs)
    # local import: checks._discovery builds on this module's Column and helpers
    from checks._discovery import discover, mandatory_specs
    mandatory = mandatory_specs(ctx, specs) if discovered else []
    columns: list[Column] = []
    seen_urls: set[str] = set()
    for spec in specs + mandatory:
        ctype = spec.get("type", STATIC)
        url = _locate(spec, home, views, homepage, link_index)
        col = Column(name=spec["name"], type=ctype, required=bool(spec.get("required", True)),
                     normative=bool(spec.get("normative", False)), url=url, declared=spec not in mandatory,
                     window_days=_window(ctype, spec, ctx), status=statuses.get(url) if url else None,
                     mandatory=spec in mandatory, aliases=list(spec.get("aliases") or []))
        if url is None:
            col.problem, col.problem_zh = (
                ("no link named after it or its aliases anywhere in the crawl", "全站未发现以其名称或别名命名的链接")
                if col.mandatory else
                ("no list page URL and no navigation link with this name", "未配置列表页地址，导航中也没有同名链接"))
        elif url not in statuses:
            col.problem, col.problem_zh = "list page was not reached by the crawl", "抓取未到达其列表页"
        elif not col.present:
            col.problem = f"list page answered HTTP {col.status}"
            col.problem_zh = f"列表页返回 HTTP {col.status}"
        if col.present and url in views:
            _fill(col, spec, views, ctx)
        if url:
            seen_urls.add(url)
        columns.append(col)
    if discovered and home is not None:
        overviews = [c.url for c in columns if c.mandatory and c.present and not c.items and c.url]
        columns += discover(ctx, homepage, views, statuses, seen_urls, overviews)
    facts = SiteFacts(views=views, statuses=statuses, homepage=homepage, columns=columns,
                      discovered=discovered, truncated=truncated, link_index=link_index)
    try:
        ctx._disclosure_facts = facts
    except AttributeError:
        pass
    return facts


def home_items(ctx: Any, facts: SiteFacts) -> list[DateRead]:
    """Dates of the homepage's list items."""
    tree = stored_tree(ctx, facts.homepage)
    if tree is None:
        return []
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    return [read_date(li.date_text, ctx.today, future_tolerance_days=tolerance)
            for li in list_items(tree, facts.homepage)]


def second_level_items(ctx: Any, facts: SiteFacts) -> list[DateRead]:
    """Dates of the list items on the pages the homepage navigation links to."""
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    out: list[DateRead] = []
    for href in dict.fromkeys(h for h, _ in _nav_links(ctx, facts.homepage)):
        if href == facts.homepage or href not in facts.views:
            continue
        tree = stored_tree(ctx, href)
        if tree is not None:
            out += [read_date(li.date_text, ctx.today, future_tolerance_days=tolerance) for li in list_items(tree, href)]
    return out


def normative_urls(ctx: Any, facts: SiteFacts) -> set[str]:
    """Pages holding 行政规范性文件: items of ``normative: true`` columns, URL patterns
    from ``disclosure.normative_url_patterns``, pages printing a validity field, and pages
    whose 体裁 carries a ``docmeta.normative_markers`` word. Worked out once per site facts (it reads
    every view; several modules ask)."""
    if facts.normative is not None:
        return set(facts.normative)
    urls = {i.href for c in facts.columns if c.normative for i in c.items}
    patterns = [re.compile(p) for p in _disclosure(ctx).get("normative_url_patterns", []) or []]
    markers = list(ctx.threshold("docmeta.normative_markers"))  # 体裁 规范性文件
    for url, view in facts.views.items():
        if any(p.search(url) for p in patterns):
            urls.add(url)
        elif "有效性" in view.fields or any(m in view.fields.get("体裁", "") for m in markers):
            urls.add(url)
    facts.normative = {u for u in urls if u in facts.views}
    return set(facts.normative)


def document_urls(ctx: Any, facts: SiteFacts) -> dict[str, str]:
    """Disclosure document pages -> kind ("normative", "document" or "record")."""
    minimum = int(ctx.threshold("docmeta.min_fields_for_record"))
    out: dict[str, str] = {}
    for col in facts.columns:
        if col.type == "policy" or col.normative:
            for item in col.items:
                if item.href in facts.views:
                    out[item.href] = "document"
    for url, view in facts.views.items():
        if url not in out and len(view.fields) >= minimum and "索引号" in view.fields:
            out[url] = "record"
    for url in normative_urls(ctx, facts):
        out[url] = "normative"
    return out


