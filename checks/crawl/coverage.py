"""Rule ``crawl-coverage-lost``: every crawl limit that left in-scope pages unfetched, said out loud.

A limit that stops the crawl hides whatever lies behind it (broken links, stale columns), so a
run that hit one must not pass a gate as if the whole portal had been checked. One finding per
limit (never one per URL), severity error, with the count of in-scope URLs the limit kept from
being fetched, example URLs and the pages citing them:

=========================  ================================================================
limit (profile key)        what counts
=========================  ================================================================
``max_depth``              URLs skipped with ``limit:max-depth`` (depth = content hops,
                           crawler/pagination.py)
``max_pagination_pages``   ``limit:max-pagination``: a pager chain longer than the limit
``max_pages``              ``limit:max-pages``
``max_pages_per_pattern``  ``trap:pattern-limit`` URLs of a pattern whose fetched pages are
                           real content: at least ``crawl.coverage.pattern_distinct_titles``
                           of them (a share, config/rules.yaml) have distinct titles. A
                           pattern of look-alike pages (a sort order, a calendar, search
                           results) is a genuine trap and stays ``crawl-trap`` (info).
``max_response_mb``        in-scope pages whose body was cut (their later links unseen);
                           a count of pages cut, not of URLs left unfetched
=========================  ================================================================

Coverage = fetched in-scope pages / (fetched in-scope pages + in-scope URLs known but not
fetched because of a limit). URLs behind an unfetched URL are unknown, so the true loss can
only be larger: the messages say "at least". The figures go to the run stats as ``coverage``
(``percent``, ``fetched``, ``not_fetched``, ``by_limit``, ``pages_cut``) for every report's
verdict line (reports/model.py). Example count: ``crawl.coverage.examples``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from checks.links._common import citing_pages
from checks.base import CheckContext, Rule
from config import site_homepage
from crawler.store import Finding

CRAWL_COVERAGE_LOST = Rule(
    id="crawl-coverage-lost", title_zh="抓取覆盖不全（受上限限制）", title_en="Crawl coverage lost to a limit",
    severity="error", assessment=None,
    basis="巡检质量事实 [U]：未抓取的页面未经检查，不能据此判定“通过”（国办秘函〔2019〕19号 各项指标均以全站为对象）",
    advice_zh="提高站点配置中对应的上限（limits.max_depth、limits.max_pages、limits.max_pagination_pages、"
              "traps.max_pages_per_pattern、limits.max_response_mb）后重新巡检；或检查网站是否存在过深的目录结构。",
    advice_en="Raise the limit named in the finding in the site profile (limits.max_depth, limits.max_pages, "
              "limits.max_pagination_pages, traps.max_pages_per_pattern, limits.max_response_mb) and run "
              "again, or check why the portal nests content so deep.",
    doc="What: the crawl stopped at a configured limit and in-scope URLs it knew of were never fetched "
        "(or page bodies were cut at the size cap). One finding per limit with the count, example URLs "
        "and the pages citing them; the report's verdict states the coverage figure.\n"
        "Why: pages that were not fetched were not checked: their broken links, stale columns and "
        "missing metadata are unknown, so this run cannot pass a gate.\n"
        "Example: `coverage: 97.9 % (1,265 URLs not fetched: max_depth)` on a portal whose 行政处罚 "
        "list is 40 levels deep.",
)

RULES = [CRAWL_COVERAGE_LOST]

# skip_reason -> (limit name as written in the profile, profile section)
_LIMITS = {
    "limit:max-depth": ("max_depth", "limits"),
    "limit:max-pagination": ("max_pagination_pages", "limits"),
    "limit:max-pages": ("max_pages", "limits"),
    "trap:pattern-limit": ("max_pages_per_pattern", "traps"),
}
_CUT = ("max_response_mb", "limits")


def url_pattern(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def pattern_share(ctx: CheckContext) -> float:
    return float(ctx.threshold("crawl.coverage.pattern_distinct_titles"))


def real_content_patterns(ctx: CheckContext, patterns: set[str], share: float) -> set[str]:
    """Patterns (scheme://host/path) whose fetched query variants are distinct documents
    (distinct titles); also used by checks/crawl/crawl.py to keep them out of ``crawl-trap``."""
    real = set()
    for pattern in patterns:
        prefix = pattern + "?"
        titles = ctx.store.titles_under_prefix(ctx.run_id, prefix)
        if titles and len(set(titles)) >= share * len(titles):
            real.add(pattern)
    return real


def _profile_value(ctx: CheckContext, section: str, key: str) -> Any:
    node = ctx.site.get(section) if isinstance(ctx.site, dict) else None
    return node.get(key) if isinstance(node, dict) else None


def coverage_figures(fetched: int, by_limit: dict[str, int], pages_cut: int) -> dict[str, Any]:
    """The run-stats ``coverage`` block; the percentage is rounded down so that a run that lost
    anything never shows 100 %."""
    lost = sum(by_limit.values())
    total = fetched + lost
    percent = 100.0 if not total else (1000 * fetched // total) / 10  # integer floor: no float drift
    return {"percent": percent, "fetched": fetched, "not_fetched": lost, "by_limit": by_limit,
            "pages_cut": pages_cut}


def run(ctx: CheckContext) -> Iterator[Finding]:
    examples = int(ctx.threshold("crawl.coverage.examples"))
    share = pattern_share(ctx)
    counts: Counter[str] = Counter()
    samples: dict[str, list[str]] = {}
    pattern_urls: dict[str, list[str]] = {}
    for res in ctx.store.resources(ctx.run_id, in_scope=True,
                                   skip_reasons=("limit:", "trap:pattern-limit")):
        reason = res["skip_reason"]
        if reason == "trap:pattern-limit":
            pattern_urls.setdefault(url_pattern(res["url"]), []).append(res["url"])
            continue
        counts[reason] += 1
        if len(samples.setdefault(reason, [])) < examples:
            samples[reason].append(res["url"])
    real = real_content_patterns(ctx, set(pattern_urls), share)
    for pattern in sorted(real):
        counts["trap:pattern-limit"] += len(pattern_urls[pattern])
        bucket = samples.setdefault("trap:pattern-limit", [])
        bucket.extend(pattern_urls[pattern][:max(0, examples - len(bucket))])
    fetched = ctx.store.fetched_page_count(ctx.run_id)
    cut = ctx.store.truncated_page_urls(ctx.run_id)
    by_limit = {_LIMITS[r][0]: n for r, n in sorted(counts.items(), key=lambda kv: -kv[1]) if r in _LIMITS}
    figures = coverage_figures(fetched, by_limit, len(cut))
    ctx.store.update_run_stats(ctx.run_id, {"coverage": figures})
    home = site_homepage(ctx.site) or ""
    pct = figures["percent"]
    for reason, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        name, section = _LIMITS[reason]
        value = _profile_value(ctx, section, name)
        urls = samples[reason]
        referrers = [r for url in urls[:2] for r in citing_pages(ctx, url)[:examples]]
        evidence = {"limit": f"{section}.{name}", "value": value, "not_fetched": count, "examples": urls,
                    "coverage_percent": pct, "fetched_pages": fetched}
        if reason == "trap:pattern-limit":
            evidence["patterns"] = [{"pattern": p, "not_fetched": len(pattern_urls[p])} for p in sorted(real)]
        yield CRAWL_COVERAGE_LOST.finding(
            home, f"抓取覆盖率 {pct} %：至少 {count:,} 个站内 URL 因 {section}.{name} = {value} 未抓取，"
                  f"例如 {urls[0]}；这些页面未经检查",
            f"Coverage {pct} %: at least {count:,} in-scope URL{'s' if count != 1 else ''} not fetched because "
            f"of {section}.{name} = {value}, e.g. {urls[0]}; those pages went unchecked",
            target=f"limit:{name}", evidence=evidence, referrers=referrers)
    if cut:
        name, section = _CUT
        value = _profile_value(ctx, section, name)
        yield CRAWL_COVERAGE_LOST.finding(
            home, f"{len(cut):,} 个页面超过 {section}.{name} = {value} MB 被截断，截断处之后的链接未检查，例如 {cut[0]}",
            f"{len(cut):,} page{'s were' if len(cut) != 1 else ' was'} cut at {section}.{name} = {value} MB; "
            f"links after the cut went unchecked, e.g. {cut[0]}",
            target=f"limit:{name}", evidence={"limit": f"{section}.{name}", "value": value,
                                              "pages_cut": len(cut), "examples": cut[:examples],
                                              "coverage_percent": pct})
