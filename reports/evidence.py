"""Evidence of a finding, shaped for the HTML report.

Check modules put whatever facts prove a finding into ``evidence`` (a JSON
object): scalars, lists, records such as axe-core nodes (selector, html,
summary) or the stale columns behind a veto item. This module turns it into
display items of a few kinds (``text``, ``pre``, ``code``, ``url``,
``records``) that the template renders without ever emitting raw markup.

Bilingual pairs (``help`` / ``help_en``, ``x_zh`` / ``x_en``) show only the
report language's member. Long values are cut at ``MAX_TEXT`` characters and
long record lists at ``MAX_RECORDS`` (the full evidence is in report.json).
"""

from __future__ import annotations

import json
from typing import Any

from reports.evidence_words import label as key_label
from reports.evidence_words import value_text
from reports.safe import is_web_url

CODE_KEYS = {"snippet", "html", "selector", "target", "href", "axe_rule", "xpath", "css", "tag", "attr",
             "fingerprint", "template", "raw_href", "pattern"}
MAX_TEXT = 600
MAX_RECORDS = 10
MAX_DEPTH = 2
PRIMARY = 6  # items shown at once; the rest fold away under "more evidence"
# engine bookkeeping goes after the facts a webmaster acts on (selector, snippet, how to fix)
LAST = ("wcag_versions", "wcag_levels", "engine", "passes", "inapplicable", "incomplete", "template", "gap",
        "pages_with_same_template", "reused", "node_count", "help_url", "axe_rule", "headers", "method",
        "attempts", "user_agent")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _hidden(key: str, keys: set[str], lang: str) -> bool:
    """Keep only the report language's member of a bilingual pair (x / x_zh / x_en)."""
    mine, other = ("_zh", "_en") if lang == "zh" else ("_en", "_zh")
    if key.endswith(other):
        return key[:-3] in keys or f"{key[:-3]}{mine}" in keys
    if not key.endswith(mine):
        return f"{key}{mine}" in keys
    return False


def _base(key: str) -> str:
    return key[:-3] if key.endswith(("_zh", "_en")) else key


def _scalar(key: str, value: Any, lang: str = "zh") -> dict[str, Any]:
    if value is None:
        return {"kind": "text", "text": "—"}
    worded = value_text(_base(key), value, lang)
    if worded is not None:
        return {"kind": "text", "text": _cut(worded)}
    text = str(value)
    if is_web_url(text) and " " not in text:
        return {"kind": "url", "text": _cut(text)}
    if key in CODE_KEYS:
        return {"kind": "code", "text": _cut(text)}
    return {"kind": "pre" if "\n" in text else "text", "text": _cut(text.strip())}


def _fields(record: dict[str, Any], lang: str, depth: int) -> list[dict[str, Any]]:
    keys = {str(k) for k in record}
    out = []
    for key, value in sorted(record.items(), key=lambda kv: _base(str(kv[0])) in LAST):
        key = str(key)
        if _hidden(key, keys, lang) or value is None or value == "":
            continue  # empty facts only lengthen the cell
        out.append({"key": key_label(_base(key), lang), **_value(key, value, lang, depth)})
    return out


def _value(key: str, value: Any, lang: str, depth: int) -> dict[str, Any]:
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return {"kind": "code", "text": _cut(json.dumps(value, ensure_ascii=False))}
        return {"kind": "records", "records": [_fields(value, lang, depth + 1)], "more": 0}
    if isinstance(value, list):
        if value and all(isinstance(v, str) and is_web_url(v) and " " not in v for v in value):
            # sample pages of a folded template gap (and any URL list): one link per line
            links = [[{"key": "", **_scalar(key, v, lang)}] for v in value[:MAX_RECORDS]]
            return {"kind": "records", "records": links, "more": max(0, len(value) - MAX_RECORDS)}
        if all(not isinstance(v, (dict, list)) for v in value):
            worded = [value_text(_base(key), v, lang) for v in value]
            joined = ("；" if lang == "zh" and any(worded) else ", ").join(
                "—" if v is None else w if w is not None else str(v) for v, w in zip(value, worded))
            if any(w is not None for w in worded):
                return {"kind": "text", "text": _cut(joined)}
            return {"kind": "code" if key in CODE_KEYS else "text", "text": _cut(joined)}
        if depth >= MAX_DEPTH:
            return {"kind": "code", "text": _cut(json.dumps(value, ensure_ascii=False))}
        records = []
        for item in value[:MAX_RECORDS]:
            if isinstance(item, dict):
                records.append(_fields(item, lang, depth + 1))
            else:
                records.append([{"key": "", **_value(key, item, lang, depth + 1)}])
        return {"kind": "records", "records": records, "more": max(0, len(value) - MAX_RECORDS)}
    return _scalar(key, value, lang)


def evidence_items(evidence: Any, lang: str) -> list[dict[str, Any]]:
    """Display items of one finding's evidence (see the module docstring)."""
    if not isinstance(evidence, dict):
        return [] if evidence in (None, "", [], {}) else [{"key": "", **_value("", evidence, lang, 0)}]
    return _fields(evidence, lang, 0)
