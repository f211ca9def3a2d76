"""Validation of the score settings: ``assessment.score`` and ``assessment.deadline_days``
of config/rules.yaml (or a profile's ``thresholds.assessment``).

``score`` is the deduction table of the rule book (docs/rule-book.md §1.1, §1.3): a ``total``
(100), a ``pass_mark`` (60) and ``indicators``, each an indicator of the 扣分 frame with the rules
that feed it, the points it loses per finding (``per: finding``) or once (``per: indicator``),
the most it can lose (``max``: an indicator never loses more than its own weight), an optional
evidence filter (``evidence: {type: [policy]}``: only findings whose evidence matches count) and
its confidence ``mark`` (C, S or U; U and S figures are settings precisely because they are not
confirmed). ``deadline_days`` maps a severity to the days a finding's 整改期限 is set after the run.

``validate_scoring(assessment, where)`` raises ``ConfigError`` with one line naming the key and
the fix; the score itself is computed by ``checks.score``.
"""

from __future__ import annotations

from typing import Any

from config.schema import ANY, OMIT, ConfigError, validate

MARKS = ("C", "S", "U")
PER = ("finding", "indicator")
SEVERITIES = ("info", "warning", "error", "critical")

# The one declaration (style: config/schema.py); config/thresholds.py RULES_SCHEMA uses it for
# rules.yaml, validate_scoring for a block on its own. Meaning-level rules follow in code.
INDICATOR_SCHEMA: dict[str, Any] = {
    "id": ("str", ""), "title_zh": ("str", ""), "title_en": ("str", ""), "rules": ("list[str]", []),
    "points": ("int|num", ANY), "per": ("str", "finding"), "max": ("int|num", OMIT), "mark": ("str", ""),
    "evidence": ("map[list]", {}), "note_zh": ("str", ""), "note_en": ("str", ""),
}
SCORE_SCHEMA: dict[str, Any] = {"total": ("int|num", ANY), "pass_mark": ("int|num", ANY),
                                "indicators": [INDICATOR_SCHEMA]}


def _error(where: str, key: str, problem: str) -> Exception:
    return ConfigError(f"{where}: {key}: {problem}")


def _check_indicator(ind: dict[str, Any], key: str, where: str) -> None:
    if not ind["id"].strip():
        raise _error(where, f"{key}.id", "every indicator needs an id (D1, D6 ...)")
    if not ind["rules"]:
        raise _error(where, f"{key}.rules", "expected a non-empty list of rule ids")
    if ind["per"] not in PER:
        raise _error(where, f"{key}.per", f"use one of {', '.join(PER)}, got {ind['per']!r}")
    if ind["mark"] not in MARKS:
        raise _error(where, f"{key}.mark", f"use C (confirmed), S (secondary) or U (unconfirmed), "
                                          f"got {ind['mark']!r}")


def validate_scoring(assessment: Any, where: str) -> None:
    """Check ``assessment.score`` and ``assessment.deadline_days`` (each optional when checked on its
    own; config/rules.yaml requires both through RULES_SCHEMA)."""
    if not isinstance(assessment, dict):
        return
    score = assessment.get("score")
    if score is not None:
        key = "assessment.score"
        optional = {name: (spec[0], OMIT) if isinstance(spec, tuple) else spec for name, spec in SCORE_SCHEMA.items()}
        score = validate(score, optional, where, key + ".")
        if score.get("pass_mark", 0) > score.get("total", 100):
            raise _error(where, f"{key}.pass_mark", "is above the total; lower it or raise total")
        seen: set[str] = set()
        for i, ind in enumerate(score.get("indicators") or []):
            _check_indicator(ind, f"{key}.indicators[{i}]", where)
            if ind["id"] in seen:
                raise _error(where, f"{key}.indicators[{i}].id", f"{ind['id']!r} is declared twice; merge them")
            seen.add(ind["id"])
    days = assessment.get("deadline_days")
    if days is not None:
        key = "assessment.deadline_days"
        days = validate({"deadline_days": days}, {"deadline_days": ("map[int]", ANY)}, where, "assessment.")
        for sev in days["deadline_days"]:
            if sev not in SEVERITIES:
                raise _error(where, f"{key}.{sev}", f"unknown severity; use one of {', '.join(SEVERITIES)}")
