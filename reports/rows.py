"""One flat row per finding, shared by the office exports (CSV and XLSX).

Columns and their Chinese / English headers are ``reports.i18n.EXPORT_COLUMNS``.
Values are raw here; each writer neutralises them with ``reports.safe``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reports import i18n, safe
from reports.model import localized, rule_index


def finding_rows(model: dict[str, Any], lang: str) -> Iterator[list[Any]]:
    """Rows of the findings; an unfinished run starts with a ``run-incomplete`` row (the banner)."""
    words = i18n.strings(lang)
    rules = rule_index(model)
    banner = i18n.run_banner(model, lang)
    if banner:
        first = {key: "" for key, _zh, _en in i18n.EXPORT_COLUMNS}
        first.update(rule_id="run-incomplete", rule_title=i18n.verdict_text(model, lang),
                     severity=words["sev_critical"], message=banner, page_url=model["run"]["site"])
        yield [first[key] for key, _zh, _en in i18n.EXPORT_COLUMNS]
    for f in model["findings"]:
        rule = rules.get(f["rule_id"], {})
        assess = rule.get("assessment")
        values = {
            "rule_id": f["rule_id"],
            "rule_title": localized(rule, "title", lang) or f["rule_id"],
            "severity": words[f"sev_{f['severity']}"],
            "assessment": words[f"assess_{assess}"] if assess else words["assess_none"],
            "change": words[f["change"]],
            "first_seen": f["first_seen"],
            "column": f["column"],
            "owner": f.get("owner") or words["no_owner"],
            "deadline": f.get("deadline", ""),
            "page_url": f["page_url"],
            "target": f["target"],
            "message": localized(f, "message", lang),
            "evidence": safe.evidence_text(f["evidence"]),
            "referrers": safe.referrers_text(f["referrers"]),
            "basis": rule.get("basis", ""),
            "advice": localized(rule, "advice", lang),
            "fingerprint": f["fingerprint"],
        }
        yield [values[key] for key, _zh, _en in i18n.EXPORT_COLUMNS]
