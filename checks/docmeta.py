"""Document-metadata rules: required fields present, 文号 and 索引号 well-formed, disclosure
within 20 working days.

Disclosure pages are items of policy/normative columns (``document``) and any page
whose metadata table carries 索引号 plus another field (``record``); see
``checks._columns.document_urls``. Governed by config/rules.yaml ``docmeta:``
(``field_aliases``, ``required_fields``, ``document_fields``, ``empty_values``,
``docno_pattern``, ``index_no_pattern``, ``latency_working_days``, ``holidays``)
and the profile's ``disclosure.required_fields`` / ``disclosure.index_no_pattern``.
有效性 on normative documents is checked by ``checks/normative.py``, not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from checks._columns import document_urls, site_facts
from checks._dates import parse_iso_list, read_date, working_days_between
from checks._pages import config_regex, squash
from checks.base import CheckContext, Rule
from crawler.store import Finding

META_MISSING = Rule(
    id="doc-meta-missing", title_zh="公开信息元数据不全", title_en="Document metadata incomplete",
    severity="warning", assessment="advisory", basis="政府信息公开目录 条例 Art 12 [C]; 各地文件页元数据惯例 [S]",
    advice_zh="在文件页元数据表中补全缺失字段（索引号、发文机构、公开类型、成文日期、发布日期、文号等）。",
    advice_en="Add the missing fields to the document's metadata table.",
    doc="A disclosure page lacks fields of docmeta.required_fields (plus document_fields on policy "
        "documents); a nested list means any one of them. Example: a policy page with no 文号 row.",
)
DOCNO_FORMAT = Rule(
    id="docno-format", title_zh="发文字号格式不规范", title_en="Document number (文号) malformed",
    severity="warning", assessment="advisory", basis="GB/T 9704-2012 §7.2.4; 党政机关公文处理工作条例 Art 9 [S]",
    advice_zh="文号应写作“机关代字〔年份〕序号号”，年份用六角括号〔〕，序号不编虚位、不加“第”，"
              "年份与成文日期一致，如 沪城管规〔2024〕3号。",
    advice_en="Write 文号 as 机关代字〔YYYY〕N号: hexagonal brackets, no leading zeros, no 第, year equal to "
              "the issue year, e.g. 沪城管规〔2024〕3号.",
    doc="The 文号 does not match docno_pattern: wrong brackets ([2024], (2024), 【2024】, （2024）), "
        "leading zeros (〔2024〕03号), 第, or a year that disagrees with 成文日期/印发日期.",
)
INDEX_NO_FORMAT = Rule(
    id="index-no-format", title_zh="索引号格式不规范", title_en="Index number (索引号) malformed",
    severity="warning", assessment="advisory", basis="政府信息公开目录 索引 条例 Art 12 [C]; 格式惯例 [S]",
    advice_zh="按本单位索引号规则（机构代码/年份-流水号）更正索引号。",
    advice_en="Correct the 索引号 to the site's scheme (agency code/year-serial).",
    doc="索引号 does not match the profile's disclosure.index_no_pattern (default docmeta."
        "index_no_pattern, e.g. 000014349/2017-00110).",
)
LATENCY = Rule(
    id="disclose-latency", title_zh="信息公开超过20个工作日", title_en="Disclosed later than 20 working days",
    severity="warning", assessment="advisory", basis="政府信息公开条例 Art 26 [C]",
    advice_zh="政府信息应自形成或变更之日起20个工作日内公开；请核实成文日期与发布日期。",
    advice_en="Publish within 20 working days of the information being formed; check both dates.",
    doc="发布日期 is more than docmeta.latency_working_days (20) working days after 成文日期 (or 印发日期). "
        "Weekends are skipped; statutory holidays only when listed in docmeta.holidays.",
)

RULES = [META_MISSING, DOCNO_FORMAT, INDEX_NO_FORMAT, LATENCY]

_DOCNO_YEAR = re.compile(r"[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]")
_BAD_BRACKETS = {"[": "[ ]", "【": "【 】", "(": "( )", "（": "（ ）"}


def docno_problems(docno: str, pattern: str, issued: date | None = None) -> list[str]:
    """Why a 文号 is malformed (empty list when it is fine)."""
    text = squash(docno).replace(" ", "")
    problems: list[str] = []
    for bracket, shown in _BAD_BRACKETS.items():
        if re.search(re.escape(bracket) + r"\d{4}", text):
            problems.append(f"年份括号应为六角括号〔〕，不是{shown}")
    if "第" in text:
        problems.append("文号中不加“第”")
    if re.search(r"[〕\]】)）]0\d*号", text):
        problems.append("序号不编虚位（不加前导0）")
    m = _DOCNO_YEAR.search(text)
    if m and issued is not None and int(m.group(1)) != issued.year:
        problems.append(f"文号年份{m.group(1)}与成文日期年份{issued.year}不一致")
    if not problems and not re.fullmatch(pattern, text):
        problems.append("不符合“机关代字〔年份〕序号号”格式")
    return problems


def _present(fields: dict[str, str], name: str, empty: set[str]) -> bool:
    value = fields.get(name, "").strip()
    return bool(value) and value not in empty


def missing_fields(fields: dict[str, str], required: list, empty: set[str]) -> list[str]:
    out = []
    for need in required:
        options = need if isinstance(need, list) else [need]
        if not any(_present(fields, o, empty) for o in options):
            out.append("/".join(options))
    return out


def _issued(fields: dict[str, str]) -> tuple[date | None, str]:
    for label in ("成文日期", "印发日期"):
        got = read_date(fields.get(label, ""), None, allow_short=False)
        if got.ok:
            return got.value, label
    return None, ""


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    disclosure = (ctx.site or {}).get("disclosure") or {}
    required = disclosure.get("required_fields") or ctx.threshold("docmeta.required_fields", []) or []
    doc_fields = disclosure.get("document_fields") or ctx.threshold("docmeta.document_fields", []) or []
    empty = set(ctx.threshold("docmeta.empty_values", []) or [])
    docno_pattern = config_regex(ctx.threshold("docmeta.docno_pattern", r"^.+〔\d{4}〕[1-9]\d*号$"),
                                 "docmeta.docno_pattern").pattern
    index_pattern = disclosure.get("index_no_pattern") or ctx.threshold("docmeta.index_no_pattern")
    if index_pattern:
        index_pattern = config_regex(index_pattern, "docmeta.index_no_pattern").pattern
    limit = int(ctx.threshold("docmeta.latency_working_days", 20))
    holidays = parse_iso_list(ctx.threshold("docmeta.holidays", []))
    for url, kind in sorted(document_urls(ctx, facts).items()):
        fields = facts.views[url].fields
        needed = list(required) + (list(doc_fields) if kind in ("document", "normative") else [])
        lacking = missing_fields(fields, needed, empty)
        if lacking:
            yield META_MISSING.finding(
                url, f"元数据缺少：{'、'.join(lacking)}", f"Metadata lacks: {', '.join(lacking)}",
                target="、".join(lacking), evidence={"missing": lacking, "present": sorted(fields), "kind": kind})
        issued, issued_label = _issued(fields)
        if _present(fields, "文号", empty):
            problems = docno_problems(fields["文号"], docno_pattern, issued)
            if problems:
                yield DOCNO_FORMAT.finding(
                    url, f"文号“{fields['文号']}”不规范：{'；'.join(problems)}",
                    f"文号 '{fields['文号']}' is malformed: {'; '.join(problems)}", target="文号",
                    evidence={"文号": fields["文号"], "problems": problems,
                              issued_label or "成文日期": issued.isoformat() if issued else None})
        if index_pattern and _present(fields, "索引号", empty):
            value = fields["索引号"].replace(" ", "")
            if not re.fullmatch(index_pattern, value):
                yield INDEX_NO_FORMAT.finding(
                    url, f"索引号“{value}”不符合本站格式", f"索引号 '{value}' does not match the site's scheme",
                    target="索引号", evidence={"索引号": value, "pattern": index_pattern})
        published = read_date(fields.get("发布日期", ""), ctx.today, allow_short=False)
        if issued is not None and published.ok and published.value:
            days = working_days_between(issued, published.value, holidays)
            if days > limit:
                yield LATENCY.finding(
                    url, f"{issued_label}{issued.isoformat()}至发布日期{published.value.isoformat()}"
                         f"相隔{days}个工作日（上限{limit}个）",
                    f"{days} working days from {issued.isoformat()} to publication "
                    f"{published.value.isoformat()} (limit {limit})", target="发布日期",
                    evidence={"issued": issued.isoformat(), "published": published.value.isoformat(),
                              "working_days": days, "limit": limit})
