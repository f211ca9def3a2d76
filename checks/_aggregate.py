"""Systematic gaps are one finding: per-page findings of a template property, folded.

A rule opts in with ``Rule(aggregate="template")`` and yields its findings page by
page, each naming its gap with a *gap key*: ``evidence["gap"]`` when present, else the
finding's ``target`` (``"missing:elder"``, a footer item, ``""`` when the rule has one
gap only). A finding that bundles several gaps of one page (three images without alt)
lists them as ``evidence["gaps"] = {key: item}`` and the rule supplies ``remake``, which
rebuilds the page's finding from the gaps left after folding (or returns None).

``fold(ctx, rule, findings)`` (called by ``checks.registry.run_checks``) groups the
findings of one rule by gap key. A gap is *systematic* when it is on at least
``aggregate.min_pages`` pages and on at least ``aggregate.min_ratio`` of the pages the
rule considered:

1. over the whole site -> ONE site-level finding (on the homepage when it has the gap);
2. else per column (栏目) -> one column-level finding per column where it is systematic;
3. every other finding stays a per-page finding.

An aggregated finding keeps the rule, severity and gap key, says how many of how many
pages have the gap, and lists ``aggregate.samples`` sample URLs (``evidence["aggregate"]``
has ``scope``, ``count``, ``total``, ``ratio``, ``column``, ``sample``).

The pages a rule considered default to every in-scope 2xx HTML page with a stored body
(``Store.html_page_urls``); a rule that looks at fewer pages (homepage and columns only,
article pages only) says so with ``ctx.consider(rule, urls)``. A page's column is the
site's column it belongs to (``checks._columns.site_facts``: a column list page or one of
its items), else the first path segment of its URL.

Settings: config/rules.yaml ``aggregate:`` (``min_ratio``, ``min_pages``, ``samples``,
required and validated on load by ``config.thresholds``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from checks.base import CheckContext, Rule
from config import site_homepage
from crawler.store import Finding

log = logging.getLogger(__name__)

TEMPLATE = "template"


@dataclass(frozen=True)
class FoldSettings:
    min_ratio: float
    min_pages: int
    samples: int

    @classmethod
    def from_context(cls, ctx: CheckContext) -> "FoldSettings":
        block = ctx.threshold("aggregate")  # validated on load (config.thresholds)
        return cls(float(block["min_ratio"]), int(block["min_pages"]), int(block["samples"]))

    def systematic(self, count: int, total: int) -> bool:
        return total > 0 and count >= self.min_pages and count / total >= self.min_ratio


def gap_items(finding: Finding) -> dict[str, Any]:
    """{gap key: item} of one per-page finding (one entry unless it bundles several)."""
    bundled = finding.evidence.get("gaps") if isinstance(finding.evidence, dict) else None
    if isinstance(bundled, dict) and bundled:
        return dict(bundled)
    key = finding.evidence.get("gap") if isinstance(finding.evidence, dict) else None
    return {str(key if key is not None else finding.target): None}


def _path_column(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        return "/"
    segment = path.strip("/").split("/", 1)[0] if path.strip("/") else ""
    return f"/{segment}/" if segment and "." not in segment else "/"


def column_index(ctx: CheckContext) -> dict[str, tuple[str, str | None]]:
    """page URL -> (column name, column list page URL) for pages of the site's columns."""
    cache = ctx.__dict__.get("_fold_columns")
    if cache is not None:
        return cache
    index: dict[str, tuple[str, str | None]] = {}
    try:
        from checks._columns import site_facts
        for col in site_facts(ctx).columns:
            if col.url:
                index.setdefault(col.url, (col.name, col.url))
            for item in col.items:
                index.setdefault(item.href, (col.name, col.url))
    except Exception:  # noqa: BLE001 - without columns the URL path still groups pages
        log.debug("column index unavailable; grouping by URL path", exc_info=True)
    ctx.__dict__["_fold_columns"] = index
    return index


def column_of(ctx: CheckContext, url: str) -> tuple[str, str | None]:
    return column_index(ctx).get(url) or (_path_column(url), None)


def considered_pages(ctx: CheckContext, rule: Rule) -> set[str]:
    declared = ctx.considered.get(rule.id)
    if declared is not None:
        return set(declared)
    cache = ctx.__dict__.get("_fold_pages")
    if cache is None:
        cache = set(ctx.store.html_page_urls(ctx.run_id))
        ctx.__dict__["_fold_pages"] = cache
    return set(cache)


def fold(ctx: CheckContext, rule: Rule, findings: list[Finding]) -> list[Finding]:
    """The findings of ``rule`` with its systematic gaps folded (see the module doc)."""
    settings = FoldSettings.from_context(ctx)
    if not findings:
        return [_public(f) for f in findings]
    pages = considered_pages(ctx, rule) | {f.page_url for f in findings}
    by_gap: dict[str, dict[str, Finding]] = defaultdict(dict)
    for f in findings:
        for key in gap_items(f):
            by_gap[key].setdefault(f.page_url, f)
    lifted: dict[str, set[str]] = defaultdict(set)  # page -> gap keys folded away from it
    where_col = {page: column_of(ctx, page) for page in pages}  # once: 20k pages x many gaps
    column_size: dict[str, int] = defaultdict(int)
    for name, _list_url in where_col.values():
        column_size[name] += 1
    out: list[Finding] = []
    for key, where in by_gap.items():
        if settings.systematic(len(where), len(pages)):
            out.append(_aggregated(ctx, rule, key, where, len(pages), "site", "", None, settings))
            for page in where:
                lifted[page].add(key)
            continue
        per_column: dict[str, dict[str, Finding]] = defaultdict(dict)
        for page, f in where.items():
            per_column[where_col[page][0]][page] = f
        for name, col_where in per_column.items():
            if settings.systematic(len(col_where), column_size[name]):
                list_url = next((where_col[p][1] for p in col_where if where_col[p][1]), None)
                out.append(_aggregated(ctx, rule, key, col_where, column_size[name], "column", name,
                                       list_url, settings))
                for page in col_where:
                    lifted[page].add(key)
    for f in findings:
        gone = lifted.get(f.page_url, set())
        items = gap_items(f)
        if not gone & set(items):
            out.append(f)
            continue
        left = {k: v for k, v in items.items() if k not in gone}
        if left and rule.remake is not None:
            remade = rule.remake(f, left)
            if remade is not None:
                out.append(remade)
    return [_public(f) for f in out]


def _public(finding: Finding) -> Finding:
    """Drop the bundled-gaps index: it served folding and repeats the finding's node list."""
    if isinstance(finding.evidence, dict) and "gaps" in finding.evidence:
        finding.evidence = {k: v for k, v in finding.evidence.items() if k != "gaps"}
    return finding


def _aggregated(ctx: CheckContext, rule: Rule, key: str, where: dict[str, Finding], total: int,
                scope: str, column: str, list_url: str | None, settings: FoldSettings) -> Finding:
    urls = sorted(where)
    home = site_homepage(ctx.site)
    if scope == "site":
        anchor = home if home in where else urls[0]
    else:
        anchor = list_url if list_url in where else urls[0]
    first = where[anchor]
    item = gap_items(first).get(key)
    count = len(where)
    if scope == "site":
        where_zh, where_en = f"全站 {count}/{total} 个页面", f"{count} of {total} pages site-wide"
    else:
        where_zh, where_en = (f"栏目“{column}”{count}/{total} 个页面",
                              f"{count} of {total} pages of column {column}")
    if item is None:  # the page's message names this gap alone
        message_zh, message_en = first.message_zh, first.message_en
        evidence = {k: v for k, v in first.evidence.items() if k != "gap"}
    else:
        message_zh, message_en = f"{rule.title_zh}：{key}", f"{rule.title_en}: {key}"
        evidence = {"item": item}
    ordered = ([anchor] + [u for u in urls if u != anchor])[:settings.samples]
    evidence.update(
        gap=key, pages=count, sample=ordered,
        aggregate={"scope": scope, "column": column or None, "count": count, "total": total,
                   "ratio": round(count / total, 3) if total else None, "sample": ordered})
    if column:
        evidence["column"] = column
    severity = max((f.severity for f in where.values()), key=_rank)
    # the gap key joins the target unless the target already is it: two gaps folded onto the
    # same page must not share a fingerprint
    target = key if key.startswith(first.target) else f"{first.target} {key}".strip()
    return Finding(rule_id=rule.id, severity=severity, page_url=anchor, target=target,
                   message_zh=f"{message_zh}（模板问题：{where_zh}）",
                   message_en=f"{message_en} (template gap: {where_en})",
                   evidence=evidence, referrers=[])


def _rank(severity: str) -> int:
    from checks.base import severity_rank
    return severity_rank(severity)
