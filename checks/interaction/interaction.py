"""Interaction (互动交流): the 咨询建言 channel exists and messages are answered in time.

* ``veto-v5a-no-channel`` (V5 a): no link anywhere in the crawl names an online 咨询建言 channel
  (``interaction.channel_pattern``; links whose text matches ``interaction.excluded_pattern``,
  网上信访 and 纪检举报, do not count) and no consultation message was read.
* ``veto-v5b-unanswered`` (V5 b): a valid message of a 政务咨询 column asked within
  ``interaction.lookback_days`` (365) was left unanswered longer than ``interaction.reply_window_days``
  (92): no reply yet and older than that, or answered later than that. One finding per message
  (at most ``interaction.max_message_findings``; the count is in the evidence).
* ``reply-not-updated`` (D3): the newest reply is older than ``interaction.update_window_days`` (61).

Messages are read by ``checks.interaction._messages`` from tables, labelled lists and detail pages (labels:
``interaction.labels``); messages of excluded types (信访, 举报, 访谈, 征集) and invalid ones
(``interaction.invalid_pattern``) do not count. When the crawl read no consultation message,
V5 b and D3 are "not checked: no 咨询 column found" (``CheckContext.not_judged``), never a pass.
Every finding carries the reply-time distribution (median, 90th percentile, slowest five).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from checks._columns import site_facts
from checks.interaction._messages import Labels, Message, compile_pattern, mark_excluded, merge, page_messages
from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.store import Finding

NO_CHANNEL = Rule(
    id="veto-v5a-no-channel", title_zh="无在线咨询建言渠道", title_en="No online consultation channel",
    severity="critical", assessment="veto", basis="国办秘函〔2019〕19号 单项否决 V5 互动回应差 [S]",
    advice_zh="开设在线咨询建言栏目（如“政务咨询”“建言献策”“局长信箱”），并在首页设置入口；网上信访、纪检举报不能替代。",
    advice_en="Open an online consultation channel (政务咨询, 建言献策, a director's mailbox) linked from the "
              "homepage; online petitions (信访) and discipline reports (举报) do not count.",
    doc="No crawled link names a consultation channel (interaction.channel_pattern) except excluded ones "
        "(interaction.excluded_pattern), and no consultation message was read. Example: a portal whose only "
        "interaction entry is 网上信访.",
)
UNANSWERED = Rule(
    id="veto-v5b-unanswered", title_zh="留言超过3个月未答复", title_en="Message unanswered for over 3 months",
    severity="critical", assessment="veto", basis="国办秘函〔2019〕19号 单项否决 V5 互动回应差 [S]",
    advice_zh="尽快答复该留言并公开答复内容和答复日期；建立留言办理时限提醒，确保3个月内答复。",
    advice_en="Answer the message and publish the reply with its date; set reminders so every message is "
              "answered within 3 months.",
    doc="A valid message of a 政务咨询 column asked within interaction.lookback_days was not answered within "
        "interaction.reply_window_days (no reply and older than that, or a reply later than that). Example: "
        "a message asked 2026-03-02 still marked 未回复 in November.",
)
REPLY_STALE = Rule(
    id="reply-not-updated", title_zh="留言答复超过2个月未更新", title_en="Message replies not updated in 2 months",
    severity="error", assessment="deduction", basis="国办秘函〔2019〕19号 扣分 D3 留言答复更新 [S]",
    advice_zh="及时答复并公开网民留言，保持留言答复栏目持续更新。",
    advice_en="Answer and publish messages regularly so the replies column keeps being updated.",
    doc="The newest reply date of the consultation messages read is older than "
        "interaction.update_window_days (61). Example: the last published reply is dated four months ago.",
)

RULES = [NO_CHANNEL, UNANSWERED, REPLY_STALE]
# its scan reads the raw page and interaction.labels only, and keeps a set of URLs
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs


_ASKED_PAGES = "interaction.asked_pages"


def _asked_labels(ctx: CheckContext) -> list[str]:
    labels = ctx.memo("interaction.labels", lambda: Labels(ctx.threshold("interaction.labels")))
    return ctx.memo("interaction.asked_labels",
                    lambda: [label for label, name in labels.by_label.items() if name == "asked"])


def scan(ctx: CheckContext, page: Page) -> None:
    """The page pass (``checks.pagepass``): note the pages printing an 'asked' label, the only ones
    ``read_messages`` reads again (so the other bodies are read once per run)."""
    pages = ctx.memo(_ASKED_PAGES, set)
    if any(label in page.html for label in _asked_labels(ctx)):
        pages.add(page.url)


def read_messages(ctx: CheckContext) -> list[Message]:
    """Every message record of the crawl, merged and marked excluded where it does not count."""
    labels = Labels(ctx.threshold("interaction.labels"))
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    facts = site_facts(ctx)
    records: list[Message] = []
    asked_labels = _asked_labels(ctx)
    scanned = ctx.memos.get(_ASKED_PAGES)  # the page pass's pre-filter, when it ran
    for url in facts.views:  # in URL order
        if scanned is not None and url not in scanned:
            continue
        html = ctx.store.body(ctx.run_id, url) or ""
        if not any(label in html for label in asked_labels):
            continue  # cheap pre-filter: a message prints when it was asked; parse only such pages
        records += page_messages(html, url, labels, ctx.today, tolerance)
    messages = [m for m in merge(records) if m.asked_on is not None]
    sources = {page for message in messages for page in message.sources}
    titles = {url: view.title for url in sorted(sources) if (view := facts.views.get(url)) is not None}
    mark_excluded(messages, titles, compile_pattern(ctx, "interaction.excluded_pattern"))
    return messages


def distribution(messages: list[Message]) -> dict[str, Any]:
    """Reply times in days: median, 90th percentile and the slowest five (answered messages)."""
    answered = sorted((((m.replied_on - m.asked_on).days, m) for m in messages  # type: ignore[operator]
                       if m.replied_on and m.asked_on), key=lambda pair: (pair[0], pair[1].url))
    days = [d for d, _ in answered]
    p90 = days[min(len(days) - 1, int(round(0.9 * (len(days) - 1))))] if days else None
    return {"answered": len(days), "median_days": statistics.median(days) if days else None, "p90_days": p90,
            "slowest": [{"title": m.title, "url": m.url, "asked": str(m.asked_on),
                         "replied": str(m.replied_on), "days": d} for d, m in reversed(answered[-5:])]}


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    channel = compile_pattern(ctx, "interaction.channel_pattern")
    excluded = compile_pattern(ctx, "interaction.excluded_pattern")
    invalid = compile_pattern(ctx, "interaction.invalid_pattern")
    unanswered_rx = compile_pattern(ctx, "interaction.unanswered_pattern")
    messages = read_messages(ctx)
    counted = [m for m in messages if not m.excluded and not invalid.search(m.status)]
    entries = sorted({text for text in facts.link_index
                      if channel.search(text) and not excluded.search(text)})
    if not entries and not counted:
        yield NO_CHANNEL.finding(
            facts.homepage, "网站未提供在线咨询建言渠道（网上信访、纪检举报不计）",
            "The portal offers no online consultation channel (petition and report channels do not count)",
            target="V5a", evidence={
                "messages_excluded": len(messages),
                "excluded_entries": sorted(t for t in facts.link_index if excluded.search(t))[:5]})
    if not counted:
        ctx.not_judged(UNANSWERED, "no-consult-column")
        ctx.not_judged(REPLY_STALE, "no-consult-column")
        return
    evidence = {"messages": len(counted), "excluded": len(messages) - len(counted),
                "channel_entries": entries[:5], "reply_times": distribution(counted)}
    window = int(ctx.threshold("interaction.reply_window_days"))
    since = ctx.today - timedelta(days=int(ctx.threshold("interaction.lookback_days")))
    late = []
    for msg in sorted(counted, key=lambda m: (m.asked_on, m.url)):
        asked = msg.asked_on
        if asked is None or asked < since:
            continue
        if msg.replied_on is not None:
            waited = (msg.replied_on - asked).days
        elif unanswered_rx.search(msg.status) or not msg.status:
            waited = (ctx.today - asked).days
        else:
            continue  # marked answered without a reply date: cannot be timed
        if waited > window:
            late.append((msg, waited))
    cap = int(ctx.threshold("interaction.max_message_findings"))
    for msg, waited in late[:cap]:
        replied = msg.replied_on.isoformat() if msg.replied_on else None
        yield UNANSWERED.finding(
            msg.url, f"留言“{msg.title}”（{msg.asked_on}留言，答复：{replied or '无'}）超过{window}天未答复",
            f"Message '{msg.title}' (asked {msg.asked_on}, reply: {replied or 'none'}) "
            f"waited over {window} days",
            target="V5b", evidence={"title": msg.title, "asked": str(msg.asked_on), "replied": replied,
                                    "days": waited, "unit": msg.unit, "status": msg.status,
                                    "late_messages": len(late), **evidence})
    replies = [m.replied_on for m in counted if m.replied_on]
    newest = max(replies) if replies else None
    update = int(ctx.threshold("interaction.update_window_days"))
    if newest is None or (ctx.today - newest).days > update:
        seen = newest.isoformat() if newest else "无"
        yield REPLY_STALE.finding(
            facts.homepage, f"留言答复{update}天内未更新（最近答复：{seen}）",
            f"No message reply within {update} days (newest reply: {newest or 'none'})",
            target="D3", evidence={"newest_reply": newest.isoformat() if newest else None, **evidence})
