"""Is a report's evidence in the report's language? Shared by the demo audits (tests/test_demo_audit.py,
tests/test_families.py), which pass the report.json of a real run (no test of its own here).

``language_problems(model)`` renders the evidence of every finding in zh and en
(``reports.evidence.evidence_items``) and the zh Markdown summary, and returns one line per
problem: an evidence key with no label (reports/evidence_words.py), a zh label that is the raw key,
an en label with Chinese in it, or a zh message with an English phrase.
"""

from __future__ import annotations

import re
from typing import Any

from reports import md_report
from reports.evidence import evidence_items
from reports.evidence_words import LABELS

_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"<[^>]*>")
_QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"")  # names quoted from the page stay as written
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,:;]+[A-Za-z]{2,}){2,}\b")  # three English words in a row
_CJK = re.compile(r"[\u4e00-\u9fff]")


def evidence_keys(value: Any) -> set[str]:
    """Every key of an evidence document, nested records included, without its _zh/_en suffix."""
    keys: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            keys.add(key[:-3] if str(key).endswith(("_zh", "_en")) else str(key))
            keys |= evidence_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            keys |= evidence_keys(inner)
    return keys


def english_phrase(text: str) -> str:
    """The first English phrase of a Chinese text, once URLs, markup and quoted page text are gone."""
    bare = _QUOTED.sub("", _TAG.sub("", _URL.sub("", text)))
    m = _ENGLISH.search(bare)
    return m.group(0) if m else ""


def _shown_keys(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in items:
        out.append(item.get("key", ""))
        for record in item.get("records") or []:
            out += _shown_keys(record)
    return [k for k in out if k]


def language_problems(model: dict[str, Any]) -> list[str]:
    problems: set[str] = set()
    for f in model["findings"]:
        for key in evidence_keys(f["evidence"]) - set(LABELS):
            problems.add(f"{f['rule_id']}: evidence key {key!r} has no label in reports/evidence_words.py")
        zh_keys = _shown_keys(evidence_items(f["evidence"], "zh"))
        en_keys = _shown_keys(evidence_items(f["evidence"], "en"))
        for key in zh_keys:
            if key in evidence_keys(f["evidence"]) and key.isascii() and key not in ("URL",):
                problems.add(f"{f['rule_id']}: the zh report shows the raw key {key!r}")
        for key in en_keys:
            if _CJK.search(key) and key not in LABELS.get(key, ("", ""))[1]:
                problems.add(f"{f['rule_id']}: the en report shows the Chinese key {key!r}")
        phrase = english_phrase(f["message_zh"])
        if phrase:
            problems.add(f"{f['rule_id']}: English in the zh message: {phrase!r} ({f['message_zh'][:80]})")
    summary = md_report.to_markdown(model, "zh")
    for line in summary.splitlines():
        phrase = english_phrase(line.replace("`", "'"))
        if phrase and not line.startswith("- "):  # "- " lines list findings: their page text is quoted raw
            problems.add(f"summary.md: English in the zh summary: {phrase!r}")
    return sorted(problems)
