"""Neutralising crawled strings for each output format (HTML escaping is Jinja2 autoescape).

Anything taken from a crawled page (titles, link text, URLs, snippets) may be
hostile. Spreadsheet cells starting with ``= + - @`` (or tab / carriage return)
are formulas to Excel and WPS: they get a leading apostrophe (OWASP CSV
injection advice). XML 1.0 forbids most control characters: they are dropped
from JUnit and XLSX text. Markdown escapes its own syntax and raw HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~!])")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV/XLSX cell that can never be read as a formula; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = xml_text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return "'" + text if text.startswith(_FORMULA_START) else text


def xml_text(value: Any) -> str:
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def md_text(value: Any, limit: int = 0) -> str:
    """One Markdown table-cell-safe line: no HTML, no links, no pipes, no newlines."""
    text = " ".join(xml_text(value).split())
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def is_web_url(url: Any) -> bool:
    """Only http(s) URLs become links in a report; javascript:, data: etc. stay text."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def evidence_text(evidence: Any, limit: int = 2000) -> str:
    """Evidence as short ``key: value`` text for one-line outputs (CSV, XLSX, JUnit)."""
    if not evidence:
        return ""
    if isinstance(evidence, dict):
        parts = []
        for key, val in evidence.items():
            if isinstance(val, (dict, list)):
                val = json.dumps(val, ensure_ascii=False)
            parts.append(f"{key}: {val}")
        text = "; ".join(parts)
    else:
        text = json.dumps(evidence, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def referrers_text(referrers: list[dict[str, Any]], limit: int = 50) -> str:
    lines = []
    for ref in referrers[:limit]:
        text = (ref.get("text") or "").strip()
        where = f"{ref.get('tag', '')}[{ref.get('attr', '')}]" if ref.get("tag") else ""
        lines.append(" ".join(p for p in (str(ref.get("page", "")), f"“{text}”" if text else "", where) if p))
    if len(referrers) > limit:
        lines.append(f"… +{len(referrers) - limit}")
    return "\n".join(lines)
