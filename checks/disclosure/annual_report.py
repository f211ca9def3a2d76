"""Annual-report rules: the previous year's 政府信息公开工作年度报告 published by the deadline,
with the sections of the unified format that applies to its year.

Governed by config/rules.yaml ``annual_report:`` (``deadline`` "MM-DD", ``title_pattern`` with
``{year}``, ``templates``: the section format by report year, each ``{from_year, name,
sections}``) and the profile's ``disclosure.annual_report`` (``column``, ``deadline``,
``title_pattern``, ``enabled``, and ``sections``, which replaces every template's sections).
Before the deadline the report of two years ago is the one required. A report is found by a
crawled page title or by any link text (PDF reports count for existence; only HTML reports can
be checked for sections). Reports for years before the first template (written under the 2007
条例, since 2008) are history: never checked for sections.
Basis: 条例 Art 49/50 [C]; 国办公开办函〔2019〕60号 and 〔2021〕30号 formats [S].
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from checks._columns import site_facts
from checks._pages import config_regex
from checks.base import CheckContext, Rule
from crawler.store import Finding

REPORT_MISSING = Rule(
    id="annual-report-missing", title_zh="未按期公布政府信息公开工作年度报告",
    title_en="Annual disclosure report not published by the deadline",
    severity="warning", assessment="advisory", basis="政府信息公开条例 Art 49 [C]: 每年1月31日前公布上一年度报告",
    advice_zh="在政府信息公开年报栏目公布上一年度政府信息公开工作年度报告。",
    advice_en="Publish last year's 政府信息公开工作年度报告 in the annual-report column.",
    doc="No crawled page title and no link text matches annual_report.title_pattern for the required "
        "year (the previous year once the deadline has passed). Example: in November 2026 no "
        "“2025年政府信息公开工作年度报告”.",
)
REPORT_SECTIONS = Rule(
    id="annual-report-sections", title_zh="年度报告缺少规定章节", title_en="Annual report lacks mandated sections",
    severity="warning", assessment="advisory", basis="政府信息公开条例 Art 50 [C]; 国办公开办函〔2019〕60号、〔2021〕30号 [S]",
    advice_zh="按统一格式补全六部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
              "政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
    advice_en="Complete the six sections of the unified format.",
    doc="An HTML annual report for a year covered by annual_report.templates (2019 on: the revised 条例) lacks "
        "a section of its year's format. Example: a 2023 report without “存在的主要问题及改进情况”; a 2012 "
        "report in the old format is not reported.",
)

RULES = [REPORT_MISSING, REPORT_SECTIONS]


def required_year(today: date, deadline: str) -> int:
    """The report year that must be online on ``today`` ("01-31": last year's from 1 February)."""
    month, day = (int(x) for x in deadline.split("-"))
    return today.year - 1 if (today.month, today.day) > (month, day) else today.year - 2


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    conf = {**ctx.threshold("annual_report"),
            **(((ctx.site or {}).get("disclosure") or {}).get("annual_report") or {})}
    if conf.get("enabled") is False:
        return
    pattern = conf["title_pattern"]
    deadline = str(conf["deadline"])
    year = required_year(ctx.today, deadline)
    any_year = config_regex(pattern.replace("{year}", r"(?P<year>\d{4})"), "annual_report.title_pattern")
    reports: dict[str, int] = {}
    linked_years: set[int] = set()
    for url, view in facts.views.items():
        m = any_year.search(view.title)
        if m:
            reports[url] = int(m.group("year"))
    for text in facts.link_index:
        lm = any_year.search(text)
        if lm:
            linked_years.add(int(lm.group("year")))
    if year not in set(reports.values()) | linked_years:
        column = next((c for c in facts.columns if c.name == conf.get("column") and c.url), None)
        where = column.url if column else facts.homepage
        yield REPORT_MISSING.finding(
            where, f"未找到{year}年度政府信息公开工作年度报告（应于{year + 1}年{deadline}前公布）",
            f"No {year} annual disclosure report found (due by {year + 1}-{deadline})",
            target=str(year), evidence={"year": year, "years_found": sorted(set(reports.values()) | linked_years)})
    templates = sorted(ctx.threshold("annual_report.templates"), key=lambda t: t["from_year"])
    override = (((ctx.site or {}).get("disclosure") or {}).get("annual_report") or {}).get("sections")
    compiled: dict[int, dict] = {}
    for url, report_year in sorted(reports.items()):
        template = template_for(report_year, templates)
        if template is None:
            continue  # before the revised 条例's format: history, not a defect
        key = template["from_year"]
        if key not in compiled:
            compiled[key] = {name: config_regex(rx, f"annual_report.templates[{key}].sections.{name}")
                             for name, rx in (override or template["sections"]).items()}
        text = facts.text(ctx, url)
        lacking = [name for name, rx in compiled[key].items() if not rx.search(text)]
        if lacking:
            yield REPORT_SECTIONS.finding(
                url, f"{report_year}年度报告缺少（{template['name']}格式）：{'、'.join(lacking)}",
                f"The {report_year} report lacks ({template['name']} format): {', '.join(lacking)}",
                target="、".join(lacking),
                evidence={"year": report_year, "missing": lacking, "template": template["name"]})


def template_for(report_year: int, templates: list[dict]) -> dict | None:
    """The section format for a report year: the last template whose from_year it reaches."""
    chosen = None
    for template in templates:
        if report_year >= int(template["from_year"]):
            chosen = template
    return chosen
