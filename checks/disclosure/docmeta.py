"""Document-metadata rules: the fields an item of its kind must print, 文号 and 索引号
well-formed, 文号 year consistent with 成文日期, disclosure within 20 working days.

Disclosure pages are items of policy/normative columns and any page whose metadata carries
索引号 plus another field (``checks._columns.document_urls``). Each is classified
(``item_kind``): a 规范性文件 (normative column or URL pattern, a printed 有效性, or a 体裁 of
``docmeta.normative_markers``), a 公文 (``document``: a printed 文号, a 体裁 of
``docmeta.document_genres``, or an item of a ``docmeta.document_column_types`` column; titles
matching ``docmeta.record_title_patterns`` never are) or a plain ``record`` (行政处罚 decisions,
news-like 法定主动公开 items). Required fields by kind: ``docmeta.required_fields`` (record;
document adds its own; 规范性文件 validity is checked by checks/disclosure/normative.py), overridable by the
profile's ``disclosure.required_fields`` / ``disclosure.document_fields``. Labels and
placeholders come from the label table (``labels:``, ``docmeta.empty_values``). Also governed by
``docno_pattern``, ``docno_year_tolerance_days``, ``index_no_pattern`` (or the profile's
``disclosure.index_no_pattern``), ``latency_working_days`` and ``holidays``. The mapping and its
sources: docs/disclosure-rules.md, "Required metadata by item kind".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from checks._columns import document_urls, site_facts
from checks._dates import parse_iso_list, read_date, working_days_between
from checks._pages import config_regex, squash
from checks._views import PageView
from checks.base import CheckContext, Rule
from config.labels import LabelTable, label_table, required_by_kind, resolve_fields
from crawler.store import Finding


def _missing_finding(url: str, lacking: list[str], evidence: dict) -> Finding:
    """One page's doc-meta-missing; each missing field is its own gap, so a field the template
    never prints folds into one site/column finding (checks._aggregate) and the rest stays here."""
    return META_MISSING.finding(
        url, f"元数据缺少：{'、'.join(lacking)}", f"Metadata lacks: {', '.join(lacking)}",
        target="、".join(lacking),
        evidence={**evidence, "missing": lacking, "gaps": {name: {"field": name} for name in lacking}})


def _remake_missing(finding: Finding, left: dict) -> Finding | None:
    """The page's finding once the template-wide gaps are folded away: only its own gaps."""
    if not left:
        return None
    lacking = [name for name in finding.evidence.get("missing", []) if name in left]
    return _missing_finding(finding.page_url, lacking, finding.evidence)


META_MISSING = Rule(
    id="doc-meta-missing", title_zh="公开信息元数据不全", title_en="Document metadata incomplete",
    severity="warning", assessment="advisory",
    basis="政府信息公开条例 Art 12 目录要素 [C]; GB/T 9704-2012 公文版头（文号、成文日期）[S]; 各地文件页元数据惯例 [S]",
    advice_zh="按信息类别补全元数据：所有公开信息标注索引号、发布机构、公开类型、发布日期；公文另标注文号和成文日期（印发日期）。",
    advice_en="Complete the metadata for the item's kind: every disclosure item shows 索引号, 发布机构, 公开类型 and "
              "发布日期; a 公文 also shows its 文号 and 成文日期 (印发日期).",
    doc="A disclosure page lacks a field its kind requires (docmeta.required_fields: record for every item, "
        "document in addition for a 公文); a nested list means any one of them. Example: a notice with 体裁 "
        "通知 and no 文号 row; a 行政处罚 decision needs no 成文日期. A field the template never prints "
        "(missing on most disclosure pages of the site or of a column, settings aggregate:) is one "
        "site/column finding with the count and sample pages.",
    aggregate="template", remake=_remake_missing,
)
DOCNO_FORMAT = Rule(
    id="docno-format", title_zh="发文字号格式不规范", title_en="Document number (文号) malformed",
    severity="warning", assessment="advisory", basis="GB/T 9704-2012 §7.2.4; 党政机关公文处理工作条例 Art 9 [S]",
    advice_zh="文号应写作“机关代字〔年份〕序号号”，年份用六角括号〔〕，序号不编虚位、不加“第”，以“号”结尾，"
              "如 沪城管规〔2024〕3号。",
    advice_en="Write 文号 as 机关代字〔YYYY〕N号: hexagonal brackets, no leading zeros, no 第, ending in 号, "
              "e.g. 沪城管规〔2024〕3号.",
    doc="A format defect of the 文号 itself: wrong brackets ([2024], (2024), 【2024】, （2024）), leading zeros "
        "(〔2024〕03号), 第, a missing 号, or any other mismatch with docmeta.docno_pattern. A year that "
        "differs from 成文日期 is not a format defect (docno-year-hint).",
)
DOCNO_YEAR = Rule(
    id="docno-year-hint", title_zh="文号年份与成文日期相差较大（提示）", title_en="文号 year far from the issue date (hint)",
    severity="info", assessment=None, basis="GB/T 9704-2012 §7.2.4 年份为发文年份 [S]; 跨年编号惯例 [U]",
    advice_zh="核对文号年份与成文日期：年底签发、次年年初编号属正常；相差更远时可能是文号或日期录入错误。",
    advice_en="Check the 文号 year against 成文日期: numbering in January a document signed in late December is "
              "normal; a larger gap suggests a typing error in one of them.",
    doc="The year in the 文号 is further from 成文日期/印发日期 than docmeta.docno_year_tolerance_days (31): "
        "沪城管规〔2025〕1号 signed 2024-12-29 is fine, 沪城管规〔2023〕5号 signed 2024-06-28 is a hint.",
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

RULES = [META_MISSING, DOCNO_FORMAT, DOCNO_YEAR, INDEX_NO_FORMAT, LATENCY]

_DOCNO_YEAR = re.compile(r"[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]")
_BAD_BRACKETS = {"[": "[ ]", "【": "【 】", "(": "( )", "（": "（ ）"}


def docno_problems(docno: str, pattern: str) -> list[str]:
    """The format defects of a 文号 (empty list when it is well-formed)."""
    text = squash(docno).replace(" ", "")
    problems: list[str] = []
    for bracket, shown in _BAD_BRACKETS.items():
        if re.search(re.escape(bracket) + r"\d{4}", text):
            problems.append(f"年份括号应为六角括号〔〕，不是{shown}")
    if "第" in text:
        problems.append("文号中不加“第”")
    if re.search(r"[〕\]】)）]0\d*号", text):
        problems.append("序号不编虚位（不加前导0）")
    if re.search(r"[〕\]】)）]\d+$", text):
        problems.append("序号后缺少“号”")
    if not problems and not re.fullmatch(pattern, text):
        problems.append("不符合“机关代字〔年份〕序号号”格式")
    return problems


def docno_year_gap(docno: str, issued: date | None) -> tuple[int, int] | None:
    """(文号 year, days from ``issued`` to the nearest day of that year), or None when either is
    unknown. 0 days: the year agrees."""
    m = _DOCNO_YEAR.search(squash(docno).replace(" ", ""))
    if not m or issued is None:
        return None
    year = int(m.group(1))
    if issued.year == year:
        return year, 0
    try:
        nearest = date(year, 1, 1) if issued.year < year else date(year, 12, 31)
    except ValueError:
        return None
    return year, abs((issued - nearest).days)


def missing_fields(fields: dict[str, str], required: list,
                   empty: set[str] | LabelTable = frozenset()) -> list[str]:
    """Required entries absent from ``fields`` (a nested list: any one of them), as printed names."""
    def present(name: str) -> bool:
        value = fields.get(name, "").strip()
        if isinstance(empty, LabelTable):
            return bool(value) and not empty.is_placeholder(value)
        return bool(value) and value not in empty

    out = []
    for need in required:
        options = need if isinstance(need, list) else [need]
        if not any(present(o) for o in options):
            out.append("/".join(options))
    return out


@dataclass
class KindRules:
    """How items are classified and what each kind must print (from config and the profile)."""

    required: dict[str, list]
    genres: set[str]
    column_types: set[str]
    record_titles: list[re.Pattern]

    @classmethod
    def from_context(cls, ctx: CheckContext, table: LabelTable) -> "KindRules":
        where = "config/rules.yaml (or the profile's thresholds:)"
        required = required_by_kind(table, ctx.threshold("docmeta.required_fields"), where,
                                    "docmeta.required_fields")
        disclosure = (ctx.site or {}).get("disclosure") or {}
        profile = getattr(ctx.site, "path", "") or "profile"
        if disclosure.get("required_fields"):
            required.update(required_by_kind(table, disclosure["required_fields"], profile,
                                             "disclosure.required_fields"))
        if disclosure.get("document_fields"):
            required["document"] = resolve_fields(table, disclosure["document_fields"], profile,
                                                  "disclosure.document_fields")
        return cls(required=required, genres=set(ctx.threshold("docmeta.document_genres")),
                   column_types=set(ctx.threshold("docmeta.document_column_types")),
                   record_titles=[config_regex(p, "docmeta.record_title_patterns")
                                  for p in ctx.threshold("docmeta.record_title_patterns")])

    def kind(self, view: PageView, listed_kind: str, in_document_column: bool) -> str:
        """normative / document / record for one disclosure page (``listed_kind`` from
        ``document_urls``: normative wins, it has its own validity rules)."""
        if listed_kind == "normative":
            return "normative"
        title = view.fields.get("标题") or view.title
        if any(rx.search(title) for rx in self.record_titles):
            return "record"
        if in_document_column or view.fields.get("文号") or view.fields.get("体裁", "").strip() in self.genres:
            return "document"
        return "record"

    def needed(self, kind: str) -> list:
        levels = ["record"] + (["document"] if kind in ("document", "normative") else [])
        return [f for level in levels for f in self.required.get(level, [])]


def _issued(view: PageView) -> tuple[date | None, str]:
    got = read_date(view.fields.get("成文日期", ""), None, allow_short=False)
    if got.ok:
        return got.value, view.printed.get("成文日期", "成文日期")
    return None, ""


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    table = label_table(ctx.threshold)
    kinds = KindRules.from_context(ctx, table)
    disclosure = (ctx.site or {}).get("disclosure") or {}
    docno_pattern = config_regex(ctx.threshold("docmeta.docno_pattern"),
                                 "docmeta.docno_pattern").pattern
    tolerance = int(ctx.threshold("docmeta.docno_year_tolerance_days"))
    index_pattern = disclosure.get("index_no_pattern") or ctx.threshold("docmeta.index_no_pattern")
    if index_pattern:
        index_pattern = config_regex(index_pattern, "docmeta.index_no_pattern").pattern
    limit = int(ctx.threshold("docmeta.latency_working_days"))
    holidays = parse_iso_list(ctx.threshold("docmeta.holidays"))
    document_column_items = {i.href for c in facts.columns if c.type in kinds.column_types for i in c.items}
    pages = document_urls(ctx, facts)
    ctx.consider(META_MISSING, pages)  # the denominator when a never-printed field is folded
    for url, listed in sorted(pages.items()):
        view = facts.views[url]
        fields = view.fields
        kind = kinds.kind(view, listed, url in document_column_items)
        lacking = missing_fields(fields, kinds.needed(kind), table)
        if lacking:
            yield _missing_finding(url, lacking, {"present": sorted(fields), "kind": kind,
                                                  "体裁": fields.get("体裁", ""), "printed_labels": view.printed})
        issued, issued_label = _issued(view)
        docno = fields.get("文号", "")
        if docno:
            shown = view.printed.get("文号", "文号")
            problems = docno_problems(docno, docno_pattern)
            if problems:
                yield DOCNO_FORMAT.finding(
                    url, f"{shown}“{docno}”不规范：{'；'.join(problems)}",
                    f"文号 '{docno}' is malformed: {'; '.join(problems)}", target="文号",
                    evidence={"文号": docno, "problems": problems, "label": shown})
            gap = docno_year_gap(docno, issued)
            if gap and gap[1] > tolerance:
                yield DOCNO_YEAR.finding(
                    url, f"{shown}“{docno}”的年份{gap[0]}与{issued_label}{issued.isoformat()}相差{gap[1]}天"
                         f"（超过跨年容差{tolerance}天），请核对",
                    f"文号 year {gap[0]} is {gap[1]} days from the issue date {issued.isoformat()} "
                    f"(tolerance {tolerance} days): check both", target="文号",
                    evidence={"文号": docno, "docno_year": gap[0], issued_label: issued.isoformat(),
                              "days_apart": gap[1], "tolerance_days": tolerance})
        if index_pattern and fields.get("索引号"):
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
