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
article pages only) says so with ``ctx.consider(rule, urls)``; a rule that reads every page but a
few (unparsable ones) with ``ctx.consider_all_but(rule, left_out)``, which holds only those few. A
page's column is the site's column it belongs to (``checks._columns.site_facts``: a column list page
or one of its items), else the first path segment of its URL.

Memory: a rule that misses one meta tag on every page of a 100,000-page portal yields 100,000
findings before it can be folded, so they wait on disk (``HeldFindings``, temporary files) and
``fold`` reads their compact entries in passes, holding only each gap's set of page URLs and the
few findings that become aggregated ones; a finding is read back only when it is reported.

Settings: config/rules.yaml ``aggregate:`` (``min_ratio``, ``min_pages``, ``samples``,
required and validated on load by ``config.thresholds``).
"""

from __future__ import annotations

import heapq
import logging
import pickle
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
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
    """The pages ``rule`` looked at: those it declared (``ctx.consider``) and, when it declared
    every page but some (``ctx.consider_all_but``) or nothing at all, the run's HTML pages but those."""
    declared = ctx.considered.get(rule.id)
    left_out = ctx.considered_but.get(rule.id)
    if declared is not None and left_out is None:
        return set(declared)
    every = ctx.__dict__.get("_fold_pages")  # read once per checks run, however many rules fold
    if every is None:
        every = set(map(sys.intern, ctx.store.html_page_urls(ctx.run_id)))
        ctx.__dict__["_fold_pages"] = every
    pages = every - left_out if left_out else set(every)
    return pages | declared if declared is not None else pages


Entry = tuple[str, str, tuple[str, ...], int]  # page, severity, gap keys, where the finding is kept


class HeldFindings:
    """The per-page findings of one aggregate rule, on disk until folded.

    Each finding is pickled into a temporary file as it comes; its entry (page, severity, gap keys,
    offset in that file) goes to a second temporary file in chunks of ``ENTRY_CHUNK``. ``fold``
    decides from the entries alone and unpickles a finding only when it is reported: as itself,
    remade with the gaps left, or as the first of an aggregated finding (a folded-away finding is
    never read back: most of them, on a portal with template gaps)."""

    ENTRY_CHUNK = 1024

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="xunjian-fold-")
        self._index = tempfile.TemporaryFile(prefix="xunjian-fold-index-")
        self._pending: list[Entry] = []
        self._chunks = 0
        self._count = 0

    def append(self, finding: Finding) -> None:
        self._file.seek(0, 2)  # a load() may have moved the file's position
        offset = self._file.tell()
        pickle.dump(finding, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending.append((finding.page_url, finding.severity, tuple(gap_items(finding)), offset))
        self._count += 1
        if len(self._pending) >= self.ENTRY_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._index.seek(0, 2)
            pickle.dump(self._pending, self._index, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunks += 1
            self._pending = []

    def __len__(self) -> int:
        return self._count

    def entries(self) -> Iterator[Entry]:
        """Every finding's entry, in the order the findings came."""
        self._flush()
        self._index.seek(0)
        for _ in range(self._chunks):
            yield from pickle.load(self._index)

    def load(self, where: int) -> Finding:
        self._file.seek(where)
        return pickle.load(self._file)

    def __iter__(self) -> Iterator[Finding]:
        for _page, _severity, _keys, where in self.entries():
            yield self.load(where)

    def close(self) -> None:
        self._file.close()
        self._index.close()


class _Listed:
    """A list of findings read through ``HeldFindings``' interface (small runs, tests)."""

    def __init__(self, findings: list[Finding]) -> None:
        self._findings = findings

    def entries(self) -> Iterator[Entry]:
        for n, finding in enumerate(self._findings):
            yield finding.page_url, finding.severity, tuple(gap_items(finding)), n

    def load(self, where: int) -> Finding:
        return self._findings[where]


@dataclass
class _Folded:
    key: str
    where: dict[str, str]  # pages with the gap in the fold's scope -> severity of their finding
    total: int
    scope: str            # "site" or "column"
    column: str
    anchor: str           # the page the aggregated finding is reported on


def fold(ctx: CheckContext, rule: Rule, findings: HeldFindings | Iterable[Finding]) -> Iterator[Finding]:
    """The findings of ``rule`` with its systematic gaps folded (see the module doc): the aggregated
    findings first, then the per-page findings left, in the order they came. ``findings``: a
    ``HeldFindings`` (its entries are read three times, a finding only when it is reported) or any
    iterable of findings."""
    held = findings if isinstance(findings, HeldFindings) else _Listed(list(findings))
    settings = FoldSettings.from_context(ctx)
    by_gap: dict[str, dict[str, str]] = defaultdict(dict)  # gap key -> {page: severity of its finding}
    found: set[str] = set()
    for page, severity, keys, _where in held.entries():
        page = sys.intern(page)  # one string per page however many gaps it has
        found.add(page)
        for key in keys:
            by_gap[key].setdefault(page, severity)
    if not found:
        return
    pages = considered_pages(ctx, rule) | found
    lifted: dict[str, set[str]] = defaultdict(set)  # page -> gap keys folded away from it
    where_col = {page: column_of(ctx, page) for page in pages}  # once: 20k pages x many gaps
    column_size: dict[str, int] = defaultdict(int)
    for name, _list_url in where_col.values():
        column_size[name] += 1
    home = site_homepage(ctx.site)
    folded: list[_Folded] = []
    for key, where in by_gap.items():
        if settings.systematic(len(where), len(pages)):
            folded.append(_Folded(key, where, len(pages), "site", "", home if home in where else min(where)))
            for page in where:
                lifted[page].add(key)
            continue
        per_column: dict[str, dict[str, str]] = defaultdict(dict)
        for page, page_severity in where.items():
            per_column[where_col[page][0]][page] = page_severity
        for name, col_where in per_column.items():
            if settings.systematic(len(col_where), column_size[name]):
                list_url = min((where_col[p][1] for p in col_where if where_col[p][1]), default=None)
                anchor = list_url if list_url in col_where else min(col_where)
                folded.append(_Folded(key, col_where, column_size[name], "column", name, anchor))
                for page in col_where:
                    lifted[page].add(key)
    del by_gap, where_col
    wanted = {(f.key, f.anchor) for f in folded}
    standing: dict[tuple[str, str], Finding] = {}  # (gap, anchor page) -> the page's first finding of it
    if wanted:
        for page, _severity, keys, where in held.entries():
            matched = [(key, page) for key in keys if (key, page) in wanted and (key, page) not in standing]
            if matched:
                first = held.load(where)
                standing.update(dict.fromkeys(matched, first))
    for entry in folded:
        yield _public(_aggregated(rule, entry, standing[(entry.key, entry.anchor)], settings))
    for page, _severity, keys, where in held.entries():
        gone = lifted.get(page)
        if not gone or gone.isdisjoint(keys):
            yield _public(held.load(where))
            continue
        if rule.remake is None:
            continue
        finding = held.load(where)
        left = {k: v for k, v in gap_items(finding).items() if k not in gone}
        if left:
            remade = rule.remake(finding, left)
            if remade is not None:
                yield _public(remade)


def _public(finding: Finding) -> Finding:
    """Drop the bundled-gaps index: it served folding and repeats the finding's node list."""
    if isinstance(finding.evidence, dict) and "gaps" in finding.evidence:
        finding.evidence = {k: v for k, v in finding.evidence.items() if k != "gaps"}
    return finding


def _aggregated(rule: Rule, entry: _Folded, first: Finding, settings: FoldSettings) -> Finding:
    """One finding for a systematic gap, on ``entry.anchor`` whose own finding of it is ``first``."""
    key, anchor, count, total, column = entry.key, entry.anchor, len(entry.where), entry.total, entry.column
    item = gap_items(first).get(key)
    if entry.scope == "site":
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
    ordered = [anchor] + heapq.nsmallest(settings.samples, (u for u in entry.where if u != anchor))
    ordered = ordered[:settings.samples]
    evidence.update(
        gap=key, pages=count, sample=ordered,
        aggregate={"scope": entry.scope, "column": column or None, "count": count, "total": total,
                   "ratio": round(count / total, 3) if total else None, "sample": ordered})
    if column:
        evidence["column"] = column
    severity = max(entry.where.values(), key=_rank)
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
