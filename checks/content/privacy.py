"""Unmasked personal data in page text and attachment text (条例 Art 15 [C]; rule book §6).

Reads the visible text of every in-scope page (read once per run in the page pass,
``checks.pagepass``) and the text the
attachment stage read (``crawler.doctext``; ``Store.attachment_texts``), finds 居民身份证号码,
mobile numbers and bank card numbers with ``checks.content._pii`` and reports one finding per page (or
attachment) and kind, listing every hit **masked** with its position ("page text, character
N" / "attachment page N") and the label before it. The full value never leaves this module.

Also reports what was not read: an attachment that is encrypted or corrupt
(``attachment-unreadable``, info, per file) and attachments not read at all (OFD, over the
size cap, beyond ``max_files``, fetch failures, a failed stage: ``attachment-not-read``, info,
ONE finding with the count, since it is a property of the run rather than of one page).

Settings: ``privacy:`` in config/rules.yaml (labels, window, ``min_birth_year``,
``office_numbers``, ``office_number_min_pages``: a mobile number printed on at least this many
pages is the office's published contact number, not a person's) and ``privacy.attachments``
(caps of the attachment stage).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from checks.links._common import homepage_identities
from checks.content._pii import Hit, PiiSettings, find_pii
from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.store import Finding
from crawler.store import NOT_READ, UNREADABLE

_BASIS = "政府信息公开条例 Art 15 [C]; 行政处罚法 Art 50 [C]; 处罚信息公开屏蔽个人信息做法 (rule book §6) [S]"
_SEVERITY_WHY = (" Severity error, assessment advisory: a breach of law ([C]) that the State Council "
                 "indicators score nowhere, and the harm (identity theft, fraud) cannot be undone.")

PII_ID = Rule(
    id="pii-id-number", title_zh="公开内容含未脱敏的身份证号码", title_en="Unmasked ID card number published",
    severity="error", assessment="advisory", basis=_BASIS,
    advice_zh="对身份证号码作去标识化处理（如 3101**********1234），替换页面或附件，并排查同类信息。",
    advice_en="Mask the ID number (e.g. 3101**********1234), replace the page or attachment and review "
              "similar documents.",
    doc="Finds 18-digit 居民身份证号码 with a valid GB 11643 check character, a real province code and a "
        "plausible birth date (and the 15-digit form next to an ID label) in page text and attachment text. "
        "统一社会信用代码, 索引号, 文号 and numbers labelled so do not fire; masked forms do not match. Example: "
        "a 行政处罚决定书 PDF listing the party's 身份证号 with all 18 characters." + _SEVERITY_WHY,
)
PII_MOBILE = Rule(
    id="pii-mobile", title_zh="公开内容含未脱敏的手机号码", title_en="Unmasked mobile number published",
    severity="error", assessment="advisory", basis=_BASIS,
    advice_zh="隐去自然人的手机号码（如 138****5678）；单位对外公布的联系电话可在站点配置 privacy.office_numbers 中声明。",
    advice_en="Mask a person's mobile number (e.g. 138****5678); declare the office's own published numbers "
              "in privacy.office_numbers.",
    doc="Finds mobile numbers 1[3-9] + 9 digits not inside a longer digit run. A number printed on "
        "privacy.office_number_min_pages pages or more, or listed in privacy.office_numbers, is the office's "
        "own contact number and does not fire. Example: the party's 联系电话 printed with all 11 digits in a "
        "penalty notice."
        + _SEVERITY_WHY,
)
PII_BANK = Rule(
    id="pii-bank-card", title_zh="公开内容含未脱敏的银行卡号", title_en="Unmasked bank card number published",
    severity="error", assessment="advisory", basis=_BASIS,
    advice_zh="隐去自然人及单位的银行账号（仅保留末四位），替换页面或附件。",
    advice_en="Mask bank account numbers (keep the last four digits at most) and replace the page or "
              "attachment.",
    doc="Finds 16-19 digit numbers passing the Luhn check with a bank word (privacy.bank_labels: 银行, 账号, "
        "卡号 …) within privacy.label_window characters before them: Luhn alone passes one number in ten, "
        "so the label keeps precision. Example: a 退款账号 printed with all 19 digits." + _SEVERITY_WHY,
)
UNREADABLE_RULE = Rule(
    id="attachment-unreadable", title_zh="附件无法读取", title_en="Attachment could not be read",
    severity="info", basis="rule book §6 [C] (attachments are published content too)",
    advice_zh="发布可读取的附件：去除密码保护，修复损坏的文件，或同时提供 HTML 正文。",
    advice_en="Publish readable attachments: remove password protection, fix corrupt files, or also publish "
              "the text as HTML.",
    doc="The attachment stage could not read the file's text (encrypted PDF, corrupt DOCX/XLSX, a file "
        "that is not what its name says), so nothing in it was checked. Example: a password-protected PDF.",
)
NOT_READ_RULE = Rule(
    id="attachment-not-read", title_zh="部分附件未读取内容", title_en="Some attachments were not read",
    severity="info", basis="rule book §6 [C] (attachments are published content too)",
    advice_zh="OFD 等格式暂无可用的文本读取器；如需检查，可调大 privacy.attachments 的上限或同时发布 PDF 版本。",
    advice_en="Formats such as OFD have no text reader here; raise the privacy.attachments caps or also "
              "publish a PDF.",
    doc="One finding per run counting the attachments whose text was not checked, with the reasons (OFD "
        "format, over the size cap, beyond max_files, fetch failure, the stage failed). Never a pass for "
        "them.",
)
RULES = [PII_ID, PII_MOBILE, PII_BANK, UNREADABLE_RULE, NOT_READ_RULE]
# its scan reads the page's text, privacy settings and today only; run orders what it kept by URL
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs
_BY_KIND = {"id-number": PII_ID, "mobile": PII_MOBILE, "bank-card": PII_BANK}
_KIND_ZH = {"id-number": "身份证号码", "mobile": "手机号码", "bank-card": "银行卡号"}
_KIND_EN = {"id-number": "ID number", "mobile": "mobile number", "bank-card": "bank card number"}


def _settings(ctx: CheckContext) -> PiiSettings:
    return ctx.memo("privacy.settings", lambda: PiiSettings.from_config(ctx.threshold("privacy")))


def _sources(ctx: CheckContext) -> list[tuple[str, str, list[tuple[str, list[Hit]]]]]:
    """(url, where, [(position, hits)]) of every page and attachment with a hit, pages first."""
    return ctx.memo("privacy.sources", list)


def scan(ctx: CheckContext, page: Page) -> None:
    """One page of the run's page pass (``checks.pagepass``): its hits wait for ``run``, which
    needs every page's to tell the office's published numbers from a leak."""
    if page.ok:
        hits = find_pii(page.visible[1], ctx.today, _settings(ctx))
        if hits:
            _sources(ctx).append((page.url, "page", [("page text", hits)]))


def run(ctx: CheckContext) -> Iterator[Finding]:
    settings = _settings(ctx)
    min_pages = int(ctx.threshold("privacy.office_number_min_pages"))
    sources = _sources(ctx)
    sources.sort(key=lambda source: source[0])  # the pages by URL, in whatever order they were scanned
    for doc in ctx.store.attachment_texts(ctx.run_id):
        pages = [(f"attachment page {n}", find_pii(text, ctx.today, settings))
                 for n, text in enumerate(doc["pages"], start=1)]
        pages = [(pos, hits) for pos, hits in pages if hits]
        if pages:
            sources.append((doc["url"], "attachment", pages))
    office = _site_published_mobiles(sources, min_pages)
    for url, where, pages in sources:
        yield from _findings(ctx, url, where, pages, office)
    yield from _read_gaps(ctx)


def _site_published_mobiles(sources: list, min_pages: int) -> set[str]:
    """Mobile numbers printed on ``min_pages`` pages or more: the office's contact numbers."""
    if min_pages <= 0:
        return set()
    seen: dict[str, set[str]] = defaultdict(set)
    for url, _where, pages in sources:
        for _pos, hits in pages:
            for hit in hits:
                if hit.kind == "mobile":
                    seen[hit.value].add(url)
    return {value for value, urls in seen.items() if len(urls) >= min_pages}


def _findings(ctx: CheckContext, url: str, where: str, pages: list[tuple[str, list[Hit]]],
              office: set[str]) -> Iterator[Finding]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for position, hits in pages:
        for hit in hits:
            if hit.kind == "mobile" and hit.value in office:
                continue
            at = f"{position}, character {hit.offset}" if position == "page text" else position
            at_zh = (f"正文第 {hit.offset} 个字符" if position == "page text"
                     else position.replace("attachment page ", "附件第 ") + " 页")
            by_kind[hit.kind].append({"masked": hit.masked, "position": at, "position_zh": at_zh,
                                      "label": hit.label.strip()})
    for kind, items in by_kind.items():
        rule = _BY_KIND[kind]
        shown = "、".join(f"{i['masked']}（{i['position_zh']}）" for i in items[:5])
        shown_en = ", ".join(f"{i['masked']} ({i['position']})" for i in items[:5])
        place_zh, place_en = ("附件", "attachment") if where == "attachment" else ("页面正文", "page text")
        evidence: dict[str, Any] = {"kind": kind, "where": where, "count": len(items), "items": items[:20]}
        referrers = ctx.referrers(url) if where == "attachment" else []
        yield rule.finding(url, f"{place_zh}含 {len(items)} 处未脱敏的{_KIND_ZH[kind]}：{shown}",
                           f"The {place_en} carries {len(items)} unmasked {_KIND_EN[kind]}(s): {shown_en}",
                           target=place_en, evidence=evidence, referrers=referrers)


def _read_gaps(ctx: CheckContext) -> Iterator[Finding]:
    stats = ctx.store.run_stats(ctx.run_id) or {}
    reasons: dict[str, list[str]] = defaultdict(list)
    for doc in ctx.store.attachment_texts(ctx.run_id):
        if doc["status"] == UNREADABLE:
            kind = str(doc["kind"] or "").upper()
            yield UNREADABLE_RULE.finding(doc["url"], f"附件无法读取（{kind} 文件无法解析），内容未检查",
                                          f"The attachment could not be read, its text was not checked: "
                                          f"{doc['reason']}", target="attachment",
                                          evidence={"reason": doc["reason"], "kind": doc["kind"]},
                                          referrers=ctx.referrers(doc["url"]))
        elif doc["status"] == NOT_READ:
            reasons[doc["reason"] or "not read"].append(doc["url"])
    capped = int((stats.get("attachments") or {}).get("skipped-cap") or 0)
    if capped:
        reasons["beyond privacy.attachments.max_files"].extend([""] * capped)
    if stats.get("attachments_error"):
        reasons[f"the attachment stage failed: {stats['attachments_error']}"].append("")
    if not reasons:
        return
    total = sum(len(urls) for urls in reasons.values())
    detail = "; ".join(f"{reason}: {len(urls)}" for reason, urls in sorted(reasons.items()))
    samples = [{"reason": reason, "count": len(urls), "sample": [u for u in urls if u][:5]}
               for reason, urls in sorted(reasons.items())]
    home, _row, _ids = homepage_identities(ctx)
    yield NOT_READ_RULE.finding(home or "",
                                f"{total} 个附件的内容未读取（未检查个人信息），原因见证据",
                                f"{total} attachment(s) were not read (personal data not checked): {detail}",
                                target="attachments", evidence={"count": total, "reasons": samples})
