"""Personal data in 行政处罚 decisions: a party's full name, a home address, a filled ID field.

Reads the visible text of every in-scope page (read once per run in the page pass,
``checks.pagepass``) and the text of
attachments (``Store.attachment_texts``) that look like a decision (``privacy.penalty.
decision_pattern``) and applies ``checks.content._penalty_pii``. One finding per page (or attachment) and
kind, values **masked**, with the position ("page text, character N" / "attachment page N").

Names depend on the site's own practice: ``pii-person-name`` fires only when at least
``privacy.penalty.min_masked_decisions`` decisions of the run name their party masked (张某某):
then a decision naming a natural person in full is the exception that leaked. Home addresses and
filled ID fields are on the masking list itself (rule book §6) and fire on any decision.

Settings: ``privacy.penalty`` in config/rules.yaml (labels, surname list, organisation suffixes,
``address_detail``, ``min_masked_decisions``), overridable in the profile's ``thresholds:``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from checks.content._penalty_pii import PenaltyHit, PenaltySettings, find_penalty_pii, is_decision, party_is_masked
from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.store import Finding
from crawler.store import READ

_BASIS = "政府信息公开条例 Art 15 [C]; 行政处罚法 Art 50 [C]; 处罚信息公开屏蔽个人信息做法 (rule book §6) [S]"

NAME_RULE = Rule(
    id="pii-person-name", title_zh="行政处罚决定公开了自然人全名", title_en="Penalty decision names a person in full",
    severity="warning", assessment="advisory", basis=_BASIS,
    advice_zh="按本站其他处罚决定的做法隐去自然人姓名（如 张某某），替换页面或附件。",
    advice_en="Mask the person's name as the site's other decisions do (e.g. 张某某) and replace the page or "
              "attachment.",
    doc="In a 行政处罚 decision, the party (当事人/被处罚人) is a natural person named with two or three Han "
        "characters starting with a common surname, while at least privacy.penalty.min_masked_decisions "
        "other "
        "decisions of the site name their party masked (张某某). Company names and a company's 法定代表人 do "
        "not fire. Severity warning: names are site practice [S], not on the masking list of numbers and "
        "addresses.",
)
ADDRESS_RULE = Rule(
    id="pii-home-address", title_zh="行政处罚决定公开了自然人住址", title_en="Penalty decision publishes a home address",
    severity="error", assessment="advisory", basis=_BASIS,
    advice_zh="隐去自然人的住址（如 浦江区***），替换页面或附件。单位住所和本机关地址无需处理。",
    advice_en="Mask the person's home address (e.g. 浦江区***) and replace the page or attachment; a company's "
              "registered address and the office's own address are fine.",
    doc="In a 行政处罚 decision, an address after a home-address label (住址, 家庭住址, 现住址 …; 住所 when the "
        "party is a natural person) printed in full with a house number, 弄, 室 or 幢. A company's 住所 and the "
        "office's 地址 do not fire; masked forms (浦江区***) do not fire.",
)
ID_FIELD_RULE = Rule(
    id="pii-id-field", title_zh="行政处罚决定的证件号码未脱敏", title_en="Penalty decision shows an ID field in full",
    severity="error", assessment="advisory", basis=_BASIS,
    advice_zh="隐去自然人的证件号码（护照、港澳通行证等，仅保留首尾字符），替换页面或附件。",
    advice_en="Mask the person's document number (passport, travel permit …; keep the first and last "
              "characters at most) and replace the page or attachment.",
    doc="In a 行政处罚 decision whose party is a natural person, an ID field (证件号码, 身份证号, 护照号码 …) "
        "filled with six or more letters or digits and no masking: a passport or permit number, or an ID "
        "number with a wrong check character. A valid 18-digit ID is pii-id-number's finding; a "
        "统一社会信用代码 is not personal.",
)
RULES = [NAME_RULE, ADDRESS_RULE, ID_FIELD_RULE]
# its scan reads the page's text and privacy.penalty settings only; run orders what it kept by URL
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs
_BY_KIND = {"name": NAME_RULE, "address": ADDRESS_RULE, "id-field": ID_FIELD_RULE}
_KIND_ZH = {"name": "自然人姓名", "address": "住址", "id-field": "证件号码"}
_KIND_EN = {"name": "person's name", "address": "home address", "id-field": "ID field"}


def _settings(ctx: CheckContext) -> PenaltySettings:
    return ctx.memo("privacy_penalty.settings",
                    lambda: PenaltySettings.from_config(ctx.threshold("privacy.penalty")))


def _texts(ctx: CheckContext) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(url, where, [(position, text)]) of the penalty decisions, pages first: only decisions'
    text is kept (a few pages of a portal), never every page's."""
    return ctx.memo("privacy_penalty.texts", list)


def scan(ctx: CheckContext, page: Page) -> None:
    """One page of the run's page pass (``checks.pagepass``): a decision's text waits for ``run``,
    which needs every decision to know whether the site masks parties' names."""
    if page.ok:
        title, text = page.visible
        if is_decision(f"{title} {text}", _settings(ctx)):
            _texts(ctx).append((page.url, "page", [("page text", text)]))


def run(ctx: CheckContext) -> Iterator[Finding]:
    settings = _settings(ctx)
    min_masked = int(ctx.threshold("privacy.penalty.min_masked_decisions"))
    texts = _texts(ctx)
    texts.sort(key=lambda text: text[0])  # the pages by URL, in whatever order they were scanned
    for doc in ctx.store.attachment_texts(ctx.run_id):
        if doc["status"] == READ and is_decision(" ".join(doc["pages"]), settings):
            texts.append((doc["url"], "attachment",
                          [(f"attachment page {n}", t) for n, t in enumerate(doc["pages"], start=1)]))
    masked = sum(1 for _u, where, pages in texts if where == "page"
                 and any(party_is_masked(t, settings) for _p, t in pages))
    check_names = min_masked > 0 and masked >= min_masked
    for url, where, pages in texts:
        by_kind: dict[str, list[dict]] = defaultdict(list)
        for position, text in pages:
            for hit in find_penalty_pii(text, settings, check_names=check_names):
                by_kind[hit.kind].append(_item(hit, position))
        for kind, items in by_kind.items():
            yield _finding(ctx, url, where, kind, items, masked)


def _item(hit: PenaltyHit, position: str) -> dict:
    at = f"{position}, character {hit.offset}" if position == "page text" else position
    at_zh = (f"正文第 {hit.offset} 个字符" if position == "page text"
             else position.replace("attachment page ", "附件第 ") + " 页")
    return {"masked": hit.masked, "position": at, "position_zh": at_zh, "label": hit.label}


def _finding(ctx: CheckContext, url: str, where: str, kind: str, items: list[dict], masked: int) -> Finding:
    rule = _BY_KIND[kind]
    shown = "、".join(f"{i['label']}：{i['masked']}（{i['position_zh']}）" for i in items[:5])
    shown_en = ", ".join(f"{i['label']}: {i['masked']} ({i['position']})" for i in items[:5])
    place_zh, place_en = ("附件", "attachment") if where == "attachment" else ("页面正文", "page text")
    extra_zh = f"；本站另有 {masked} 份处罚决定对当事人姓名作了脱敏" if kind == "name" else ""
    extra_en = f"; {masked} other decisions of the site mask the party's name" if kind == "name" else ""
    evidence = {"kind": kind, "where": where, "count": len(items), "items": items[:20]}
    if kind == "name":
        evidence["masked_decisions"] = masked
    return rule.finding(url, f"{place_zh}含 {len(items)} 处未脱敏的{_KIND_ZH[kind]}：{shown}{extra_zh}",
                        f"The {place_en} shows {len(items)} unmasked {_KIND_EN[kind]}(s): "
                        f"{shown_en}{extra_en}",
                        target=place_en, evidence=evidence,
                        referrers=ctx.referrers(url) if where == "attachment" else [])
