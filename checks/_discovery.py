"""Column discovery for a profile that declares no columns (``columns:`` empty, or
``disclosure.discover_columns: true``).

Two things are found from the crawl, without a profile:

* the national **mandatory** 政府信息公开 columns (``columns.mandatory`` in config/rules.yaml:
  指南, 制度, 法定主动公开内容, 年报, 依申请公开 with their aliases; rule book §2). Each is
  located by a link whose text is its name or an alias, on the homepage first, then anywhere
  in the crawl; when no link matches it is ``column-missing`` (checks/disclosure/columns.py);
* **ordinary columns**: the homepage navigation targets and content links that list at least
  ``columns.discover_min_items`` dated items. Below a navigation target or a mandatory column
  page that lists none (an overview page such as 政府信息公开), discovery descends up to
  ``columns.discover_depth`` levels. A page without items is taken for a column only on
  positive evidence that it is an *empty list page* (``checks._pages.empty_list_evidence``:
  a data island without records, 暂无信息 / 共0条, an empty list container), and only when
  the navigation or an overview page links it under a short, column-like name (at most
  ``columns.discover_max_name_chars``): it is then a blank column, or ``column-unreadable``
  when a script fills it. Overview and text pages carry
  no such evidence and are never counted blank.

Discovered columns are typed by ``columns.type_keywords``; mandatory ones are static (never
stale) unless the table gives a ``type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks._columns import (STATIC, Column, PageView, _content_links, _fill, _guess_type, _nav_links,
                             _window)
from checks._dates import MISSING


def mandatory_specs(ctx: Any, declared: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Column specs of the mandatory columns the profile does not declare itself."""
    taken = {"".join(n.split()) for spec in declared for n in [spec["name"], *(spec.get("aliases") or [])]}
    out = []
    for entry in ctx.threshold("columns.mandatory"):
        names = [entry["name"], *(entry.get("aliases") or [])]
        if any("".join(n.split()) in taken for n in names):
            continue
        out.append({"name": entry["name"], "aliases": list(entry.get("aliases") or []),
                    "type": entry.get("type", STATIC), "required": True})
    return out


def discover(ctx: Any, homepage: str, views: Mapping[str, PageView], statuses: dict[str, int | None],
             seen: set[str], overview_urls: list[str]) -> list[Column]:
    """Columns found from the homepage (see the module doc). ``seen`` holds the URLs already
    taken by declared or mandatory columns; ``overview_urls`` (the mandatory column pages) are
    descended like navigation targets when they list nothing themselves."""
    minimum = int(ctx.threshold("columns.discover_min_items"))
    depth_limit = int(ctx.threshold("columns.discover_depth"))
    name_limit = int(ctx.threshold("columns.discover_max_name_chars"))
    found: list[Column] = []
    expanded: set[str] = set()

    def expand(href: str, depth: int) -> None:
        if depth >= depth_limit or href in expanded:
            return
        expanded.add(href)
        for sub_href, sub_text in _content_links(ctx, href):
            consider(sub_href, sub_text, depth + 1, True)

    def consider(href: str, text: str, depth: int, descend: bool) -> None:
        if href in seen or href == homepage or href not in views or not text:
            return
        seen.add(href)
        ctype = _guess_type(text, ctx)
        col = Column(name=text, type=ctype, required=False, normative=False, url=href, declared=False,
                     window_days=_window(ctype, {}, ctx), status=statuses.get(href))
        _fill(col, {}, views, ctx)
        if sum(1 for i in col.items if i.list_date.status != MISSING) >= minimum:
            found.append(col)
        elif descend and not col.items and col.empty and len(text) <= name_limit:
            # an empty list page: blank, or unreadable when a script fills it. Only a page the
            # navigation or an overview links under a column-like name: an article linked from the
            # homepage may carry an empty "related items" box, and a false blank column feeds V4c
            found.append(col)
        elif descend and not col.items:
            expand(href, depth)

    for href, text in _nav_links(ctx, homepage):
        consider(href, text, 1, True)
    for url in overview_urls:
        if url in views:
            expand(url, 1)
    for href, text in _content_links(ctx, homepage):
        consider(href, text, 1, False)
    return found
