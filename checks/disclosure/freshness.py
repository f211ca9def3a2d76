"""Freshness rules: homepage updated (veto V3), every item dated, every printed date readable.

Governed by config/rules.yaml ``freshness:`` (``home_window_days``,
``future_tolerance_days``, ``publication_date_fields``) and ``columns.
max_item_findings_per_column``. Dates are read by ``checks._dates`` (metadata
table first, then the list, then the article page); a date that is present but
impossible or in the future is reported as unreadable, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks._columns import home_items, page_date, second_level_items, site_facts
from checks._dates import FUTURE, INVALID, MISSING, read_date, term_end_text
from checks.base import CheckContext, Rule
from crawler.store import Finding

HOME_STALE = Rule(
    id="home-stale", title_zh="首页不更新", title_en="Homepage not updated",
    severity="critical", assessment="veto", basis="国办秘函〔2019〕19号 单项否决 V3 [S]",
    advice_zh="首页动态类信息至少每2周更新一次，并为每条信息标注发布日期。",
    advice_en="Publish a new dated homepage item at least every 2 weeks.",
    doc="The newest dated item listed on the homepage is older than freshness.home_window_days (14). "
        "Undated items do not count (2015 普查: 未注明发布时间的视为不更新). Example: the homepage's "
        "newest 要闻 is dated 30 days ago.",
)
ITEM_NO_DATE = Rule(
    id="item-no-date", title_zh="信息未标注发布日期", title_en="Item without a publication date",
    severity="warning", assessment="advisory", basis="2015 全国政府网站普查 [S]: 未注明信息发布时间的视为不更新",
    advice_zh="在栏目列表和文章页（元数据表）中标注发布日期，格式如 2024-04-12。",
    advice_en="Print the publication date in the list and on the article page (metadata table).",
    doc="A column item has no date in the list, in the article's metadata table or on the article page; "
        "it counts as not updated for column-stale. Example: a 通知公告 item listed as a bare link whose "
        "page has no 发布日期.",
)
DATE_UNREADABLE = Rule(
    id="date-unreadable", title_zh="日期无法识别或不合理", title_en="Date unreadable or implausible",
    severity="warning", assessment="advisory",
    basis="国办秘函〔2019〕19号 V1 伪造发稿日期 [S]; xunjian practice: dates are reported, not guessed",
    advice_zh="更正该日期（不存在的日期或晚于今天的日期），使用 2024-04-12 或 2024年4月12日 等格式。",
    advice_en="Correct the date (an impossible or future date); print it like 2024-04-12 or 2024年4月12日.",
    doc="A printed date is impossible (2024年2月30日) or later than today (+ freshness."
        "future_tolerance_days); it is not counted as an update. Example: 发布日期：2024-02-30.",
)

RULES = [HOME_STALE, ITEM_NO_DATE, DATE_UNREADABLE]

_ISSUED_FIELDS = ("发布日期", "成文日期")  # canonical fields of labels: (印发日期 is 成文日期)
_TERM_FIELDS = ("施行日期", "有效期至")


def _unreadable(rule_page: str, field: str, raw: str, reason: str, status: str) -> Finding:
    kind_zh = "晚于巡检日期" if status == FUTURE else "不是有效日期（日历上没有这一天）"
    return DATE_UNREADABLE.finding(
        rule_page, f"“{field}”的日期“{raw}”{kind_zh}",
        f"'{field}' date '{raw}' is {'in the future' if status == FUTURE else 'not a valid date'} ({reason})",
        target=field, evidence={"field": field, "raw": raw, "status": status, "reason": reason})


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    empty = set(ctx.threshold("docmeta.empty_values"))
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    if facts.homepage in facts.views:
        window = int(ctx.threshold("freshness.home_window_days"))
        dates = [d.value for d in home_items(ctx, facts) if d.ok and d.value]
        judged_by = "homepage"
        if not dates:  # V3: a navigation-only homepage is judged by its second-level pages
            dates = [d.value for d in second_level_items(ctx, facts) if d.ok and d.value]
            judged_by = "second-level pages"
        newest = max(dates) if dates else None
        if newest is None or (ctx.today - newest).days > window:
            seen = f"最新信息日期{newest.isoformat()}" if newest else "首页没有带日期的信息"
            seen_en = f"newest item {newest.isoformat()}" if newest else "no dated item on the homepage"
            yield HOME_STALE.finding(
                facts.homepage, f"首页{window}天内无新信息（{seen}）",
                f"No new homepage item within {window} days ({seen_en})",
                target="V3", evidence={"newest": newest.isoformat() if newest else None,
                                       "window_days": window, "dated_items": len(dates), "judged_by": judged_by})
    reported: set[tuple[str, str]] = set()
    for url, view in facts.views.items():  # in URL order
        for field in _ISSUED_FIELDS + _TERM_FIELDS:
            raw = view.fields.get(field, "")
            if not raw or raw in empty:
                continue
            today = ctx.today if field in _ISSUED_FIELDS else None
            text = term_end_text(raw) if field == "有效期至" else raw
            got = read_date(text, today, allow_short=False, future_tolerance_days=tolerance)
            if got.status in (INVALID, FUTURE) or (got.status == MISSING and field != "有效期至"):
                reported.add((url, field))
                yield _unreadable(url, field, raw, got.reason or "unrecognised format", got.status)
        if "发布日期" not in view.fields:
            got, source = page_date(view, ctx.today, ctx)
            if source == "article" and got.status in (INVALID, FUTURE):
                reported.add((url, "发布日期"))
                yield _unreadable(url, "发布日期", got.raw, got.reason, got.status)
    cap = int(ctx.threshold("columns.max_item_findings_per_column"))
    for col in facts.columns:
        undated = [i for i in col.items if i.date.status == MISSING]
        for item in undated[:cap]:
            yield ITEM_NO_DATE.finding(
                item.href, f"栏目“{col.name}”的信息“{item.title}”未标注发布日期",
                f"Item '{item.title}' in column '{col.name}' has no publication date",
                evidence={"column": col.name, "list_page": col.url, "title": item.title,
                          "undated_in_column": len(undated)})
        for item in col.items:
            bad = item.list_date
            if bad.status in (INVALID, FUTURE) and (col.url, item.href) not in reported:
                reported.add((col.url, item.href))
                yield DATE_UNREADABLE.finding(
                    col.url, f"栏目“{col.name}”列表中“{item.title}”的日期“{bad.raw}”无法采信"
                             f"（{'晚于巡检日期' if bad.status == FUTURE else '日历上没有这一天'}）",
                    f"List date '{bad.raw}' of '{item.title}' in column '{col.name}' cannot be trusted "
                    f"({bad.reason})", target=item.href,
                    evidence={"column": col.name, "raw": bad.raw, "status": bad.status, "reason": bad.reason})
