"""政策解读 三同步: every policy that needs an interpretation has one, published with it.

The bureau's 政务公开工作要点 (rule book §6a [C]) ask that a 政策解读 is drafted, signed off and
published together with its policy ("三同步"). Policies judged: the 行政规范性文件 of the crawl
(``checks._columns.normative_urls``: ``normative: true`` columns, ``disclosure.normative_url_patterns``,
a 有效性 field or a 规范性文件 体裁) and the items of every profile column marked
``needs_interpretation: true``, published within ``interpretation.lookback_days``, unless
marked 失效/废止 (``normative.invalid_words``).

A page is an interpretation when its title (the 标题 field, else ``<title>``) matches
``interpretation.title_pattern`` and it is no column list page. It belongs to a policy when one
links to the other (either direction) or when the book title it names (关于《…》的解读,
《…》政策解读) is the policy's: the text inside the policy's 《》, else its title.

* ``policy-interpretation-missing``: a policy without any interpretation;
* ``policy-interpretation-late``: the earliest interpretation came more than
  ``interpretation.window_working_days`` working days (Mon–Fri, minus ``docmeta.holidays``) after
  the policy's publication date (the work plans say "同步"; the tolerance is a setting [U]).

Each column's interpretation rate (policies with an interpretation / policies judged) is in every
finding's evidence and in the run notes. No dated policy in the window: "not checked"
(``no-policy-documents``), never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from checks._columns import normative_urls, page_date, site_facts
from checks._dates import parse_iso_list, working_days_between
from checks._pages import config_regex
from checks._views import PageView
from checks.base import CheckContext, Rule
from crawler.store import Finding

BASIS = ("2024 政务公开工作要点（上海市城市管理行政执法局、普陀区）政策解读“三同步”：同步起草、同步审签、"
         "同步发布 [C]; rule book §6a")

MISSING = Rule(
    id="policy-interpretation-missing", title_zh="政策文件缺少政策解读", title_en="Policy without an interpretation",
    severity="warning", assessment="advisory", basis=BASIS,
    advice_zh="为该文件发布政策解读（文字解读、图解或视频），并在文件页与解读页之间互相链接。",
    advice_en="Publish an interpretation (text, diagram or video) of the document and link the two pages "
              "to each other.",
    doc="A 行政规范性文件 (or a document of a column the profile marks needs_interpretation) published within "
        "interpretation.lookback_days has no 解读: no page titled as an interpretation links to it or is "
        "linked from it, and none names its title (关于《…》的解读). Example: 《浦江区户外招牌设置管理办法》 "
        "published in June, no 政策解读 anywhere on the site.",
)
LATE = Rule(
    id="policy-interpretation-late", title_zh="政策解读未与文件同步发布", title_en="Interpretation published late",
    severity="warning", assessment="advisory", basis=BASIS + "; 容许的工作日数为配置项 [U]",
    advice_zh="政策解读应与文件同步起草、同步审签、同步发布；今后在文件发布当日（至迟在配置的工作日内）发布解读。",
    advice_en="Draft, sign off and publish the interpretation together with the document; publish it the "
              "same day (at the latest within the configured working days).",
    doc="The earliest interpretation of a policy was published more than interpretation.window_working_days "
        "working days after the policy. Example: a 规范性文件 of 2 June, its 解读 of 16 June.",
)

RULES = [MISSING, LATE]

_BOOK = re.compile(r"《([^《》]{2,80})》")
_WRAPPERS = re.compile(r"^(关于)?(印发|发布|转发)?|(的)?(通知|公告|通告|决定|批复)$")
_PUNCT = re.compile(r"[\s\u3000\xa0,，.。:：;；、“”\"'‘’()（）\[\]【】<>《》-]")


@dataclass
class Policy:
    url: str
    title: str
    published: date
    column: str


@dataclass
class Reading:
    url: str
    title: str
    published: date | None
    links: set[str]


def _title(view: PageView) -> str:
    return (view.fields.get("标题") or view.title or "").strip()


def _key(text: str) -> str:
    return _PUNCT.sub("", text)


def _book(title: str) -> str:
    """The policy an interpretation names (关于《X》的解读 -> X), or the policy's own core title."""
    match = _BOOK.search(title)
    return _key(match.group(1)) if match else ""


def _core(title: str) -> str:
    book = _book(title)
    return book or _key(_WRAPPERS.sub("", title.strip()))


def _belongs(reading: Reading, policy: Policy, policy_links: set[str]) -> bool:
    if policy.url in reading.links or reading.url in policy_links:
        return True
    named = _book(reading.title)
    return len(named) >= 4 and (named == _core(policy.title) or named in _key(policy.title))


def _policies(ctx: CheckContext, facts, since: date) -> tuple[list[Policy], int]:
    """Dated policies published on or after ``since``; and how many policies had no readable date."""
    marked = {str(spec.get("name")) for spec in ctx.site.get("columns") or []
              if isinstance(spec, dict) and spec.get("needs_interpretation")}
    column_of: dict[str, str] = {}
    for col in facts.columns:
        if col.normative or col.name in marked:
            for item in col.items:
                column_of.setdefault(item.href, col.name)
    urls = normative_urls(ctx, facts) | {u for u in column_of if u in facts.views}
    invalid = [str(w) for w in ctx.threshold("normative.invalid_words")]
    out, undated = [], 0
    for url in sorted(urls):
        view = facts.views[url]
        if any(w in view.fields.get("有效性", "") for w in invalid):
            continue  # repealed or lapsed: nobody publishes a 解读 of it any more
        published = page_date(view, ctx.today, ctx)[0]
        if not (published.ok and published.value):
            undated += 1
            continue
        if published.value >= since:
            out.append(Policy(url, _title(view), published.value, column_of.get(url, "规范性文件")))
    return out, undated


def _targets(ctx: CheckContext, url: str) -> set[str]:
    """Where a page links to (the crawl's links table, fragments dropped)."""
    return {ln["target_url"] for ln in ctx.store.links_from(ctx.run_id, url)}


def _readings(ctx: CheckContext, facts, pattern: re.Pattern, exclude: set[str]) -> list[Reading]:
    list_pages = {c.url for c in facts.columns if c.url}
    out = []
    for url, view in facts.views.items():
        title = _title(view)
        if url in exclude or url in list_pages or not pattern.search(title):
            continue
        published = page_date(view, ctx.today, ctx)[0]
        out.append(Reading(url, title, published.value if published.ok else None, _targets(ctx, url)))
    return out


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    window = int(ctx.threshold("interpretation.window_working_days"))
    lookback = int(ctx.threshold("interpretation.lookback_days"))
    pattern = config_regex(ctx.threshold("interpretation.title_pattern"),
                           "interpretation.title_pattern")
    holidays = parse_iso_list(ctx.threshold("docmeta.holidays"))
    policies, undated = _policies(ctx, facts, ctx.today - timedelta(days=lookback))
    if not policies:
        ctx.not_judged(MISSING, "no-policy-documents")
        ctx.not_judged(LATE, "no-policy-documents")
        return
    readings = _readings(ctx, facts, pattern, {p.url for p in policies})
    ctx.consider(MISSING, [p.url for p in policies])
    found: dict[str, list[Reading]] = {}
    for policy in policies:
        links = _targets(ctx, policy.url)
        found[policy.url] = sorted((r for r in readings if _belongs(r, policy, links)),
                                   key=lambda r: (r.published is None, r.published or date.max, r.url))
    rates: dict[str, dict[str, int]] = {}
    for policy in policies:
        rate = rates.setdefault(policy.column, {"policies": 0, "interpreted": 0})
        rate["policies"] += 1
        rate["interpreted"] += bool(found[policy.url])
    summary = "; ".join(f"{col} {r['interpreted']}/{r['policies']}" for col, r in sorted(rates.items()))
    ctx.note(f"政策解读率（近 {lookback} 天）：{summary}"
             + (f"；{undated} 件政策文件日期无法识别，未判断" if undated else ""),
             f"policy interpretation rate (政策解读率, last {lookback} days): {summary}"
             + (f"; {undated} policies without a readable date not judged" if undated else ""))
    checked_late = False
    for policy in policies:
        rate = rates[policy.column]
        evidence = {"policy": policy.title, "published": str(policy.published), "column": policy.column,
                    "column_rate": {**rate, "ratio": round(rate["interpreted"] / rate["policies"], 3)}}
        matches = found[policy.url]
        if not matches:
            yield MISSING.finding(
                policy.url, f"政策文件“{policy.title}”（{policy.published}）未发布政策解读"
                            f"（{policy.column}解读率 {rate['interpreted']}/{rate['policies']}）",
                f"No interpretation of '{policy.title}' ({policy.published}); column {policy.column}: "
                f"{rate['interpreted']}/{rate['policies']} interpreted", target="解读", evidence=evidence)
            continue
        first = matches[0]
        if first.published is None:
            continue
        checked_late = True
        delay = working_days_between(policy.published, first.published, holidays)
        if delay > window:
            yield LATE.finding(
                policy.url, f"政策解读晚于文件{delay}个工作日发布（文件 {policy.published}，解读 {first.published}，"
                            f"要求{window}个工作日内）",
                f"Interpretation published {delay} working days after the policy ({policy.published} -> "
                f"{first.published}; allowed {window})", target=first.url,
                evidence={**evidence, "interpretation": first.title, "interpretation_url": first.url,
                          "interpretation_published": str(first.published), "working_days": delay,
                          "window_working_days": window})
    if not checked_late:
        ctx.not_judged(LATE, "no-dated-interpretation")
