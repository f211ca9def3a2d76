"""Serious wording errors (严重表述错误): dictionary hits of wrong forms of fixed phrases and names.

国办秘函〔2019〕19号 lists 严重表述错误 among the V1 单项否决 problems [S]. What counts as "serious"
is editorial, so this rule never guesses: it reports only the wrong forms listed in the
dictionary ``wording.entries`` of config/rules.yaml (fixed political phrases, full names of state
organs, each with the correct form and the source that fixes it) plus the profile's
``thresholds.wording.site_entries`` (the bureau's own leaders' names and titles, its full name).

Matched in every in-scope 2xx page's ``<title>`` and visible text, read in the checks run's page pass
(``scan``, ``checks.pagepass``).
One finding per page listing each wrong form with its correct form, its source and the sentence
it occurs in (cut to ``wording.sentence_chars``). An entry whose wrong form is part of its own
right form would fire on correct text: it is refused when the config is loaded
(``config.wording``: one line naming the entry and the fix).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.base import CheckContext, Rule
from checks.pagepass import Page
from config.wording import WordingEntry, wording_entries
from crawler.store import Finding

WORDING = Rule(
    id="wording-serious-error", title_zh="严重表述错误", title_en="Serious wording error",
    severity="critical", assessment="veto",
    basis="国办秘函〔2019〕19号 单项否决 V1（严重表述错误）[S]",
    advice_zh="按词典给出的正确表述立即更正标题和正文（含已转载的页面），并检查同批发布的内容。",
    advice_en="Correct the title and text to the form the dictionary gives (including republished copies) "
              "at once, and check content published alongside.",
    doc="Reports only wrong forms listed in wording.entries (config/rules.yaml, each with its right form "
        "and source) or the profile's wording.site_entries, found in a page's title or visible text; the "
        "finding cites the sentence. No spelling model: precision stays near 1, recall is the dictionary's. "
        "Example: 中华人名共和国 for 中华人民共和国. Severity critical: a V1 veto problem.",
)
RULES = [WORDING]
# its scan reads the page's title and text and the wording dictionaries only
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs
_SENTENCE_END = "。！？!?；;"


def sentence_around(text: str, start: int, end: int, limit: int) -> str:
    """The sentence holding text[start:end], at most ``limit`` characters centred on the match."""
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    if right - left > limit:
        half = max(0, (limit - (end - start)) // 2)
        left, right = max(left, start - half), min(right, end + half)
    return text[left:right].strip()


def find_wrong_forms(title: str, text: str, entries: list[WordingEntry], limit: int) -> list[dict[str, str]]:
    hits = []
    for place, body in (("title", title), ("text", text)):
        for entry in entries:
            for m in re.finditer(re.escape(entry.wrong), body):
                hits.append({"wrong": entry.wrong, "right": entry.right, "source": entry.source,
                             "where": place,
                             "sentence": sentence_around(body, m.start(), m.end(), limit)})
    return hits


def _settings(ctx: CheckContext) -> tuple[list[WordingEntry], int]:
    return ctx.memo("wording.settings", lambda: (wording_entries(ctx.threshold("wording")),
                                                 int(ctx.threshold("wording.sentence_chars"))))


def scan(ctx: CheckContext, page: Page) -> Iterator[Finding]:
    """One page of the run's page pass (``checks.pagepass``): its title and visible text."""
    entries, limit = _settings(ctx)
    if not entries or not page.ok:
        return
    title, text = page.visible
    hits = find_wrong_forms(title, text, entries, limit)
    if hits:
        first = hits[0]
        forms = sorted({f"{h['wrong']}→{h['right']}" for h in hits})
        yield WORDING.finding(
            page.url, f"页面含 {len(hits)} 处严重表述错误（{'、'.join(forms)}）：“{first['sentence']}”",
            f"The page carries {len(hits)} serious wording error(s) ({', '.join(forms)}): "
            f"\"{first['sentence']}\"", target=first["wrong"],
            evidence={"count": len(hits), "hits": hits[:20]})


def run(ctx: CheckContext) -> Iterator[Finding]:
    _settings(ctx)  # a bad word list fails the module even on a site without pages
    return iter(())  # every finding is a page's: made by ``scan`` in the page pass
