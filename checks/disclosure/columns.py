"""Column rules: required columns present, not blank, updated within their type's window,
and the 栏目不更新 veto arithmetic (国办秘函〔2019〕19号 单项否决 V4).

Columns are declared in the site profile's ``columns:`` block (or discovered from
navigation, see ``checks._columns``). Governed by config/rules.yaml ``columns:``
(``windows_days`` per type, ``veto_v4a|b|c`` counts, ``type_keywords``) and a
column's own ``window_days``. Items without a readable date count as not updated
(2015 普查 note: 未注明信息发布时间的视为不更新 [S]).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from checks._columns import Column, site_facts
from checks.base import CheckContext, Rule
from crawler.store import Finding

V4 = "国办秘函〔2019〕19号 单项否决 V4 [S]"

COLUMN_MISSING = Rule(
    id="column-missing", title_zh="必设栏目缺失", title_en="Required column missing",
    severity="error", assessment="deduction",
    basis="条例 Art 12/24 [C]; 政府信息公开专栏结构 [S]; 站点配置 columns[].required 或 columns.mandatory",
    advice_zh="在网站上开设该栏目并在导航中提供入口；若栏目已改名，请在站点配置中更新 url 或 aliases。",
    advice_en="Open the column and link it from the navigation; if it was renamed, update its url/aliases "
              "in the site profile.",
    doc="A column the profile marks `required` has no reachable list page (no URL and no navigation link "
        "with its name or aliases, or the list page does not answer 200). Without declared columns "
        "(discovery), the mandatory 政府信息公开 columns of columns.mandatory (指南, 制度, 法定主动公开内容, "
        "年报, 依申请公开) are looked for by link text and aliases in the same way. Example: 政府信息公开指南 "
        "declared at /xxgk/zn/ answers 404; no link on the portal reads 依申请公开 or 申请公开.",
)
COLUMN_BLANK = Rule(
    id="column-blank", title_zh="空白栏目", title_en="Blank column",
    severity="error", assessment="deduction", basis=V4 + " (c); 2015 普查 [S]",
    advice_zh="为栏目补充内容，或撤销该栏目并移除导航入口。",
    advice_en="Publish content in the column, or remove the column and its navigation entry.",
    doc="A column's list page is reachable but lists no items (a static column, or a discovered page, only "
        "on positive evidence of an empty list: 暂无信息/共0条, an empty list container, a Hanweb data island "
        "without records). Five or more blank columns trip veto V4(c) (rule veto-v4c-blank-columns). "
        "Example: 专项规划 list page with an empty list.",
)
COLUMN_STALE = Rule(
    id="column-stale", title_zh="栏目未按时更新", title_en="Column not updated in time",
    severity="error", assessment="deduction", basis=V4 + "; 扣分 D1/D4 [S]",
    advice_zh="按栏目类型的更新周期发布新内容（要闻动态2周、通知公告/政策文件6个月、人事/规划计划1年），"
              "并为每条信息标注发布日期。",
    advice_en="Publish new items within the column type's window (news 2 weeks, notices/policy 6 months, "
              "personnel/plans 1 year) and date every item.",
    doc="The newest dated item of a should-update column is older than its window "
        "(columns.windows_days by type, or the column's window_days). Undated items do not count as "
        "updates. Example: 通知公告 whose newest item is 8 months old.",
)
VETO_V4A = Rule(
    id="veto-v4a-stale-columns", title_zh="单项否决：动态要闻与通知公告/政策文件栏目不更新数量超标",
    title_en="Veto V4(a): too many stale news and notice/policy columns",
    severity="critical", assessment="veto", basis=V4 + " (a)",
    advice_zh="立即更新所列栏目：要闻动态类2周内、通知公告/政策文件类6个月内应有新信息。",
    advice_en="Update the listed columns now: news within 2 weeks, notices/policy within 6 months.",
    doc="Counts stale columns of the types in columns.veto_v4a.types; at min_columns (5) or more the "
        "portal fails veto V4. Evidence lists every counted column.",
)
VETO_V4B = Rule(
    id="veto-v4b-long-stale-columns", title_zh="单项否决：应更新栏目长期不更新数量超标",
    title_en="Veto V4(b): too many long-stale columns",
    severity="critical", assessment="veto", basis=V4 + " (b)",
    advice_zh="更新所列栏目，或将确已停止更新的栏目归档/撤销。",
    advice_en="Update the listed columns, or archive/remove columns that are no longer maintained.",
    doc="Counts should-update columns (any non-static type) stale by window × columns.veto_v4b."
        "window_factor; at min_columns (10) or more the portal fails veto V4.",
)
VETO_V4C = Rule(
    id="veto-v4c-blank-columns", title_zh="单项否决：空白栏目数量超标",
    title_en="Veto V4(c): too many blank columns",
    severity="critical", assessment="veto", basis=V4 + " (c)",
    advice_zh="为所列空白栏目补充内容或撤销栏目。", advice_en="Fill or remove the listed blank columns.",
    doc="Counts blank columns; at columns.veto_v4c.min_columns (5) or more the portal fails veto V4.",
)
COLUMNS_DISCOVERED = Rule(
    id="columns-discovered", title_zh="栏目由导航自动识别", title_en="Columns discovered from navigation",
    severity="info", assessment=None, basis="xunjian practice: profile declares no columns",
    advice_zh="在站点配置 columns: 中声明栏目（名称、类型、是否必设），使栏目检查更准确。",
    advice_en="Declare the columns (name, type, required) in the profile's columns: block for exact checks.",
    doc="The profile declares no columns, so the mandatory 政府信息公开 columns were located by name and "
        "alias (columns.mandatory) and further columns discovered from the homepage navigation and content "
        "links (columns.discover_depth levels below overview pages), typed by columns.type_keywords. Empty "
        "list pages are found as blank columns; a renamed non-mandatory column cannot be missed this way.",
)

COLUMN_UNREADABLE = Rule(
    id="column-unreadable", title_zh="栏目列表由脚本生成，无法核查", title_en="Column list rendered by script: not checked",
    severity="info", assessment=None, basis="xunjian practice: an unverifiable column is not a blank column",
    advice_zh="在站点配置中为该栏目设置 list_xpath 或提供静态列表页地址；必要时人工核查该栏目。",
    advice_en="Give the column a static list URL or list_xpath in the profile, or check it by hand.",
    doc="The column's list page has no items in its HTML but loads them with a script (a marker of "
        "columns.scripted_list_markers is present; for a static column, only next to an empty list). It is neither counted blank nor stale, because a "
        "crawler that does not run JavaScript cannot tell. Example: a list filled by createPageHTML().",
)

RULES = [COLUMN_MISSING, COLUMN_BLANK, COLUMN_STALE, VETO_V4A, VETO_V4B, VETO_V4C, COLUMNS_DISCOVERED,
         COLUMN_UNREADABLE]

ITEMS_RECORDED = 300  # item URLs per column kept in run stat columns_located (reports/owners.py)
TYPE_ZH = {"news": "要闻动态", "notice": "通知公告", "policy": "政策文件", "personnel": "人事",
           "plan": "规划计划", "static": "静态"}


def is_stale(col: Column, ctx: CheckContext, factor: float = 1.0) -> bool:
    if not col.present or not col.items or not col.window_days:
        return False
    newest = col.newest
    return newest is None or ctx.today - newest > timedelta(days=col.window_days * factor)


def _brief(col: Column) -> dict:
    newest = col.newest
    return {"column": col.name, "type": col.type, "url": col.url, "window_days": col.window_days,
            "newest": newest.isoformat() if newest else None, "items": len(col.items)}


def _veto(rule: Rule, counted: list[Column], minimum: int, home: str, what_zh: str, what_en: str) -> Finding:
    names = "、".join(c.name for c in counted)
    return rule.finding(
        home, f"{what_zh}共{len(counted)}个（否决线{minimum}个）：{names}",
        f"{len(counted)} {what_en} (veto at {minimum}): {', '.join(c.name for c in counted)}",
        target="V4", evidence={"count": len(counted), "threshold": minimum,
                               "columns": [_brief(c) for c in counted]})


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    home = facts.homepage
    # the report files each finding under its column (reports/owners.py): record where they are
    ctx.store.update_run_stats(ctx.run_id, {"columns_located": [
        {"name": c.name, "type": c.type, "url": c.url, "items": [i.href for i in c.items[:ITEMS_RECORDED]]}
        for c in facts.columns if c.present and c.url]})
    if facts.discovered:
        found = [c for c in facts.columns if not c.declared and c.present]
        yield COLUMNS_DISCOVERED.finding(
            home, f"站点配置未声明栏目，已从首页导航识别{len(found)}个栏目",
            f"The profile declares no columns; {len(found)} were discovered from the homepage navigation",
            evidence={"columns": [_brief(c) for c in found]})
    blank: list[Column] = []
    for col in facts.columns:
        if not col.present:
            if col.required and (col.declared or col.mandatory):
                yield COLUMN_MISSING.finding(
                    col.url or home, f"必设栏目“{col.name}”缺失：{col.problem_zh or col.problem}",
                    f"Required column '{col.name}' is missing: {col.problem}",
                    target=col.name, evidence={"column": col.name, "url": col.url, "status": col.status,
                                               "aliases": col.aliases, "mandatory": col.mandatory})
            continue
        # a static column (指南, an overview) has no list unless the page shows an empty one: a
        # script elsewhere on it (a header date widget's document.write) says nothing about a list
        if not col.items and col.scripted and (col.type != "static" or col.empty):
            yield COLUMN_UNREADABLE.finding(
                col.url, f"栏目“{col.name}”的列表由脚本（{col.scripted}）生成，未能核查更新情况",
                f"Column '{col.name}' fills its list with a script ({col.scripted}); not checked",
                target=col.name, evidence={**_brief(col), "script_marker": col.scripted})
            continue
        if not col.items and (col.type != "static" or col.empty):
            blank.append(col)
            yield COLUMN_BLANK.finding(col.url, f"栏目“{col.name}”为空白栏目（列表无任何信息）",
                                       f"Column '{col.name}' lists no items", target=col.name,
                                       evidence={**_brief(col), "evidence": col.empty})
            continue
        if is_stale(col, ctx):
            newest = col.newest
            age = f"最新信息日期{newest.isoformat()}" if newest else "栏目信息均无可读的发布日期"
            age_en = f"newest item {newest.isoformat()}" if newest else "no item has a readable date"
            yield COLUMN_STALE.finding(
                col.url, f"{TYPE_ZH.get(col.type, col.type)}栏目“{col.name}”超过{col.window_days}天未更新（{age}）",
                f"{col.type} column '{col.name}' not updated within {col.window_days} days ({age_en})",
                target=col.name, evidence=_brief(col))
    v4a = ctx.threshold("columns.veto_v4a")
    types = set(v4a["types"])
    counted = [c for c in facts.columns if c.type in types and is_stale(c, ctx)]
    if counted and len(counted) >= int(v4a["min_columns"]):
        yield _veto(VETO_V4A, counted, int(v4a["min_columns"]), home,
                    "动态要闻类与通知公告/政策文件类栏目不更新", "stale news and notice/policy columns")
    v4b = ctx.threshold("columns.veto_v4b")
    factor = float(v4b["window_factor"])
    counted = [c for c in facts.columns if is_stale(c, ctx, factor)]
    if counted and len(counted) >= int(v4b["min_columns"]):
        yield _veto(VETO_V4B, counted, int(v4b["min_columns"]), home,
                    "应更新栏目长期不更新", "long-stale should-update columns")
    minimum = int(ctx.threshold("columns.veto_v4c.min_columns"))
    if blank and len(blank) >= minimum:
        yield _veto(VETO_V4C, blank, minimum, home, "空白栏目", "blank columns")
