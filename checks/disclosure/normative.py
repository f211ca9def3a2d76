"""Normative-document (行政规范性文件) validity rules: marked, not expired while shown 有效,
term within the maximum.

Which pages are normative documents: items of profile columns with
``normative: true``, pages matching ``disclosure.normative_url_patterns`` and any
page printing a 有效性 field (``checks._columns.normative_urls``). Governed by
config/rules.yaml ``normative:`` (``valid_words``, ``invalid_words``,
``max_term_years``, ``short_terms`` for 暂行/试行/通告). Basis: 沪府令第26号
Art 26 as quoted in 徐府办发〔2012〕14号, carried into 沪府令第17号 (2019) [S/U].
A document correctly marked 失效/废止 is never a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from checks._columns import normative_urls, site_facts
from checks._dates import add_years, read_date, term_end_text
from checks._views import PageView
from checks.base import CheckContext, Rule
from crawler.store import Finding

BASIS = "上海市行政规范性文件管理规定 沪府令第17号（承沪府令第26号 第26条）[S/U]"

VALIDITY_MISSING = Rule(
    id="doc-validity-missing", title_zh="规范性文件未标注有效性", title_en="Normative document without validity",
    severity="error", assessment="deduction", basis=BASIS + "; 政务公开工作要点 现行有效文件库 [S]",
    advice_zh="在文件页元数据中标注“有效性：有效/失效/废止”及“有效期至”。",
    advice_en="Show 有效性 (有效/失效/废止) and 有效期至 in the document's metadata.",
    doc="A normative document page shows neither a 有效性 marking nor a 有效期至 date. "
        "Example: a 沪城管规〔2024〕3号 page whose metadata table has no 有效性 row.",
)
VALIDITY_EXPIRED = Rule(
    id="doc-validity-expired", title_zh="规范性文件已过有效期仍标注有效",
    title_en="Normative document past its term still shown as valid",
    severity="error", assessment="deduction", basis=BASIS + ": 有效期届满自动失效",
    advice_zh="将有效性改为“失效”，或公布延期/修订后的文件并更新有效期。",
    advice_en="Mark the document 失效, or publish the extension/revision and update the term.",
    doc="The page says 有效 but its 有效期至 date has passed; the document lapsed automatically. "
        "Example: 有效性 有效, 有效期至 2023年12月31日, checked in 2026.",
)
VALIDITY_TERM = Rule(
    id="doc-validity-term", title_zh="规范性文件有效期超过上限", title_en="Normative document term too long",
    severity="warning", assessment="advisory", basis=BASIS + ": 有效期≤5年，暂行/试行≤2年，通告≤1年",
    advice_zh="核对有效期：一般不超过5年，暂行、试行不超过2年；确需更长应在文件中说明理由。",
    advice_en="Check the term: at most 5 years (暂行/试行 2 years) unless the document states a reason.",
    doc="From 施行日期 (or 成文日期/印发日期) to 有效期至 is longer than normative.max_term_years, or the "
        "short_terms limit when the title says 暂行/试行/通告. Example: 试行 rules valid for 3 years.",
)

RULES = [VALIDITY_MISSING, VALIDITY_EXPIRED, VALIDITY_TERM]

_UNTIL_TEXT = re.compile(r"有效期至\s*[:：]?\s*(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?)")
_START_TEXT = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|生效)")


@dataclass
class Validity:
    status_word: str
    state: str                 # "valid", "invalid", "unknown" (word not recognised), "" (none)
    until: date | None
    start: date | None
    start_source: str


def read_validity(view: PageView, valid_words: list[str], invalid_words: list[str],
                  text: str | None = None) -> Validity:
    """The document's validity marking, term end and start; ``text`` is the page text
    (defaults to ``view.text``)."""
    text = view.text if text is None else text
    word = view.fields.get("有效性", "").strip()
    state = ""
    if word:
        if any(w in word for w in invalid_words):
            state = "invalid"
        elif any(w in word for w in valid_words):
            state = "valid"
        else:
            state = "unknown"
    until_raw = view.fields.get("有效期至", "")
    if not until_raw:
        m = _UNTIL_TEXT.search(text)
        until_raw = m.group(1) if m else ""
    until = read_date(term_end_text(until_raw), None, allow_short=False) if until_raw else None
    start, source = None, ""
    for label in ("施行日期",):
        if view.fields.get(label):
            got = read_date(view.fields[label], None, allow_short=False)
            if got.ok:
                start, source = got.value, label
    if start is None:
        m = _START_TEXT.search(text)
        if m:
            got = read_date(m.group(1), None, allow_short=False)
            if got.ok:
                start, source = got.value, "正文施行日期"
    if start is None:
        for label in ("成文日期",):  # 印发日期 is a label of 成文日期 (labels: in config)
            got = read_date(view.fields.get(label, ""), None, allow_short=False)
            if got.ok:
                start, source = got.value, label
                break
    return Validity(word, state, until.value if until is not None and until.ok else None, start, source)


def max_term_years(title: str, ctx: CheckContext) -> tuple[int, str]:
    limit, why = int(ctx.threshold("normative.max_term_years")), "一般"
    for word, years in ctx.threshold("normative.short_terms").items():
        if word in title and int(years) < limit:
            limit, why = int(years), word
    return limit, why


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    valid_words = list(ctx.threshold("normative.valid_words"))
    invalid_words = list(ctx.threshold("normative.invalid_words"))
    for url in sorted(normative_urls(ctx, facts)):
        view = facts.views[url]
        v = read_validity(view, valid_words, invalid_words, facts.text(ctx, url))
        evidence = {"有效性": v.status_word, "有效期至": v.until.isoformat() if v.until else None,
                    "start": v.start.isoformat() if v.start else None, "start_source": v.start_source,
                    "title": view.title}
        if v.state == "invalid":
            continue  # correctly marked 失效/废止: nothing to fix
        if v.state in ("", "unknown") and v.until is None:
            detail = f"（“{v.status_word}”不是可识别的有效性）" if v.state == "unknown" else ""
            yield VALIDITY_MISSING.finding(
                url, f"规范性文件未标注有效性或有效期{detail}",
                "Normative document shows no validity (有效性) and no 有效期至", target="有效性",
                evidence=evidence)
            continue
        if v.state == "valid" and v.until is not None and v.until < ctx.today:
            yield VALIDITY_EXPIRED.finding(
                url, f"标注“{v.status_word}”，但有效期至{v.until.isoformat()}已届满",
                f"Shown as valid but its term ended on {v.until.isoformat()}", target="有效性",
                evidence=evidence)
        if v.start is not None and v.until is not None:
            years, why = max_term_years(view.title + view.fields.get("标题", ""), ctx)
            if v.until > add_years(v.start, years):
                yield VALIDITY_TERM.finding(
                    url, f"有效期{v.start.isoformat()}至{v.until.isoformat()}，超过{why}文件上限{years}年",
                    f"Term {v.start.isoformat()} to {v.until.isoformat()} exceeds the {years}-year maximum",
                    target="有效期至", evidence={**evidence, "max_years": years, "limit_reason": why})
