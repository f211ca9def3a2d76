"""办事统计数据 freshness: the D2 deduction (rule book §1.3).

``service-stats-stale``: a page the portal links as its service statistics (link text matching
``services.stats_pattern``: 办事统计, 办件统计 …) shows no date newer than
``services.stats_window_days`` (92, 3 months [S]). Dates are the list items' dates and the page's
own publication date. When the portal links no such page, or the page was not read or prints no
date, the rule is "not checked" (``no-service-stats``), never a pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks._columns import page_date, site_facts
from checks._dates import read_date
from checks._pages import config_regex, list_items, stored_tree
from checks.base import CheckContext, Rule
from crawler.store import Finding

STATS_STALE = Rule(
    id="service-stats-stale", title_zh="办事统计数据超过3个月未更新",
    title_en="Service statistics not updated in 3 months",
    severity="error", assessment="deduction", basis="国办秘函〔2019〕19号 扣分 D2 办事统计数据 [S]",
    advice_zh="至少每季度发布一次办事统计数据（办件量、办结率等），并标注发布日期。",
    advice_en="Publish the service statistics (cases handled, completion rate) at least quarterly, dated.",
    doc="The newest date on the page linked as 办事统计数据 (services.stats_pattern) is older than "
        "services.stats_window_days. Example: the newest 办件统计 item is from the first quarter, in November.",
)

RULES = [STATS_STALE]


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    pattern = config_regex(ctx.threshold("services.stats_pattern"),
                           "services.stats_pattern")
    window = int(ctx.threshold("services.stats_window_days"))
    linked = {href for text, href in facts.link_index.items() if pattern.search(text)}
    pages = sorted(url for url in linked if url in facts.views)
    judged = False
    for url in pages:
        tree = stored_tree(ctx, url)
        if tree is None:
            continue
        dates = [read_date(li.date_text, ctx.today) for li in list_items(tree, url)]
        dates.append(page_date(facts.views[url], ctx.today, ctx)[0])
        values = [d.value for d in dates if d.ok and d.value]
        if not values:
            continue
        judged = True
        newest = max(values)
        if (ctx.today - newest).days > window:
            yield STATS_STALE.finding(
                url, f"办事统计数据{window}天内未更新（最新：{newest}）",
                f"Service statistics not updated within {window} days (newest: {newest})",
                target="D2", evidence={"newest": str(newest), "window_days": window, "dated": len(values)})
    if not judged:
        ctx.not_judged(STATS_STALE, "no-service-stats")
