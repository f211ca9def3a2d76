"""Shared helpers of the accessibility and 适老化 checks (a11y, static_a11y, elder).

* ``results(ctx)``: the run's ``a11y_results`` rows (written by ``crawler.browser``),
  decompressed, cached on the check context;
* ``wcag_refs(tags)`` / ``basis_text(scs)``: WCAG success criteria from axe tags and the
  matching GB/T 37668-2019 citation, from ``checks/_gbt37668_wcag.yaml``;
* ``home_and_columns(ctx)``: the homepage and column pages, chosen exactly like the
  browser stage does (``crawler.browser.sampling``).

Thresholds come from the ``a11y:`` section of config/rules.yaml (``ctx.threshold``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from checks._pages import stored_tree
from checks.base import CheckContext

MAPPING_FILE = Path(__file__).with_name("_gbt37668_wcag.yaml")
_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
IMPACT_ZH = {"critical": "严重", "serious": "较重", "moderate": "中等", "minor": "轻微"}


@lru_cache(maxsize=1)
def mapping() -> dict[str, Any]:
    return yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))


def wcag_refs(tags: list[str]) -> dict[str, Any]:
    """Success criteria (``["1.1.1"]``), WCAG versions and levels named by axe tags."""
    scs, versions, levels = [], set(), set()
    for tag in tags:
        m = _SC_TAG.match(tag)
        if m:
            scs.append(f"{m.group(1)}.{m.group(2)}.{m.group(3)}")
        lv = re.match(r"^wcag(2|21|22)(a|aa|aaa)$", tag)
        if lv:
            versions.add({"2": "2.0", "21": "2.1", "22": "2.2"}[lv.group(1)])
            levels.add(lv.group(2).upper())
    return {"sc": scs, "versions": sorted(versions), "levels": sorted(levels)}


def sc_label(sc: str, lang: str = "zh") -> str:
    info = mapping()["criteria"].get(sc)
    if not info:
        return f"WCAG {sc}"
    return f"WCAG {sc} {info[lang]}（{info['level']}）" if lang == "zh" else f"WCAG {sc} {info[lang]} ({info['level']})"


def gbt_clause(scs: list[str]) -> dict[str, str] | None:
    """The GB/T 37668-2019 citation for the first SC the standard covers, or None."""
    data = mapping()
    for sc in scs:
        info = data["criteria"].get(sc)
        if not info or info.get("gbt") is False:
            continue
        principle = data["principles"][sc.split(".")[0]]
        return {"zh": f"{data['standard']} {principle['zh']}（≈WCAG {sc} {info['zh']}，{info['level']}）",
                "en": f"{data['standard']} {principle['en']} (≈WCAG SC {sc} {info['en']}, {info['level']})",
                "sc": sc, "confidence": data["confidence"]}
    return None


@dataclass
class A11yRow:
    url: str
    status: str          # scanned / reused / failed
    engine: str
    error: str
    data: dict[str, Any]


def results(ctx: CheckContext) -> list[A11yRow]:
    cache = ctx.__dict__.setdefault("_a11y_rows", None)
    if cache is not None:
        return cache
    rows = []
    for r in ctx.store.a11y_results(ctx.run_id):
        rows.append(A11yRow(r["url"], r["status"], r["engine"] or "", r["error"] or "", r["data"]))
    ctx.__dict__["_a11y_rows"] = rows
    return rows


def audited_urls(ctx: CheckContext) -> set[str]:
    return {r.url for r in results(ctx) if r.status in ("scanned", "reused")}


def _is_html_page(row: dict[str, Any]) -> bool:
    return row.get("kind") == "page" and bool(row.get("status")) and 200 <= row["status"] < 300


class _StoredPages:
    """The run's in-scope 2xx HTML pages as ``find_homepage`` and ``column_urls`` read them
    (``crawler.browser.sampling.PageRows``): ``items()`` streams them from the store in URL order on
    each walk and ``get`` looks one up, so choosing the homepage and columns holds no row per page
    (a dict of every page of a 20,000-page portal, with the identities of each, was ~17 MB of peak)."""

    def __init__(self, ctx: CheckContext):
        self.ctx = ctx

    def get(self, url: str) -> dict[str, Any] | None:
        row = self.ctx.store.resource(self.ctx.run_id, url)
        return row if row is not None and row.get("in_scope") and _is_html_page(row) else None

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in self.ctx.store.resources(self.ctx.run_id, in_scope=True, kind="page", ok=True):
            if _is_html_page(row):
                yield row["url"], row

    def __bool__(self) -> bool:
        return next(iter(self.items()), None) is not None


def doc_for(ctx: CheckContext, url: str) -> Any | None:
    """The stored page parsed as the browser-stage sampling parses it (``crawler.browser.sampling``:
    islands left as scripts), shared with the other helpers reading the same few pages."""
    return stored_tree(ctx, url, islands=False)


def home_and_columns(ctx: CheckContext) -> tuple[str | None, list[str]]:
    """The homepage and the column pages (cached on the context; the page index is dropped)."""
    cached = ctx.__dict__.get("_a11y_home_and_columns")
    if cached is not None:
        return cached
    from crawler.browser.sampling import column_urls, find_homepage
    from config.a11y import DEFAULT_NAV_SELECTORS

    pages = _StoredPages(ctx)
    home = find_homepage(pages, ctx.site) if pages else None
    home_doc = doc_for(ctx, home) if home else None
    selectors = (ctx.site.get("a11y") or {}).get("nav_selectors") or DEFAULT_NAV_SELECTORS
    chosen = home, column_urls(ctx.site, pages, home, home_doc, selectors)
    ctx.__dict__["_a11y_home_and_columns"] = chosen
    return chosen


def node_evidence(nodes: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    return [{"selector": n.get("selector", ""), "html": n.get("html", ""), "impact": n.get("impact"),
             "summary": n.get("summary", "")} for n in nodes[:limit]]
