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

import difflib
from typing import Any

SCORE_KEYS = ("total", "pass_mark", "indicators")
INDICATOR_KEYS = ("id", "title_zh", "title_en", "rules", "points", "per", "max", "mark", "evidence",
                  "note_zh", "note_en")
MARKS = ("C", "S", "U")
PER = ("finding", "indicator")
SEVERITIES = ("info", "warning", "error", "critical")


def _error(where: str, key: str, problem: str) -> Exception:
    from config import ConfigError  # local: config/__init__ imports this module
    return ConfigError(f"{where}: {key}: {problem}")


def _unknown(where: str, key: str, name: str, allowed: tuple[str, ...]) -> Exception:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
    return _error(where, f"{key}.{name}", f"unknown key; {hint}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _indicator(raw: Any, key: str, where: str) -> None:
    if not isinstance(raw, dict):
        raise _error(where, key, "expected a mapping such as "
                                 "{id: D2, rules: [service-stats-stale], points: 2, mark: S}")
    for name in raw:
        if name not in INDICATOR_KEYS:
            raise _unknown(where, key, str(name), INDICATOR_KEYS)
    if not str(raw.get("id") or "").strip():
        raise _error(where, f"{key}.id", "every indicator needs an id (D1, D6 ...)")
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
        raise _error(where, f"{key}.rules", "expected a non-empty list of rule ids")
    if not _number(raw.get("points")):
        raise _error(where, f"{key}.points", f"expected a number of points >= 0, got {raw.get('points')!r}")
    if raw.get("per", "finding") not in PER:
        raise _error(where, f"{key}.per", f"use one of {', '.join(PER)}, got {raw.get('per')!r}")
    if "max" in raw and not _number(raw["max"]):
        raise _error(where, f"{key}.max", f"expected a number of points >= 0, got {raw['max']!r}")
    if raw.get("mark") not in MARKS:
        raise _error(where, f"{key}.mark", f"use C (confirmed), S (secondary) or U (unconfirmed), "
                                          f"got {raw.get('mark')!r}")
    evidence = raw.get("evidence", {})
    if not isinstance(evidence, dict) or not all(isinstance(v, list) for v in evidence.values()):
        raise _error(where, f"{key}.evidence", "expected a mapping of evidence key -> list of values, "
                                               "e.g. {type: [policy]}")


def validate_scoring(assessment: Any, where: str) -> None:
    if not isinstance(assessment, dict):
        return
    score = assessment.get("score")
    if score is not None:
        key = "assessment.score"
        if not isinstance(score, dict):
            raise _error(where, key, "expected a mapping with total, pass_mark and indicators")
        for name in score:
            if name not in SCORE_KEYS:
                raise _unknown(where, key, str(name), SCORE_KEYS)
        for name in ("total", "pass_mark"):
            if name in score and not _number(score[name]):
                raise _error(where, f"{key}.{name}", f"expected a number >= 0, got {score[name]!r}")
        if _number(score.get("pass_mark")) and score["pass_mark"] > score.get("total", 100):
            raise _error(where, f"{key}.pass_mark", "is above the total; lower it or raise total")
        indicators = score.get("indicators") or []
        if not isinstance(indicators, list):
            raise _error(where, f"{key}.indicators", "expected a list of indicators")
        seen: set[str] = set()
        for i, raw in enumerate(indicators):
            _indicator(raw, f"{key}.indicators[{i}]", where)
            if str(raw["id"]) in seen:
                raise _error(where, f"{key}.indicators[{i}].id",
                             f"{raw['id']!r} is declared twice; merge them")
            seen.add(str(raw["id"]))
    days = assessment.get("deadline_days")
    if days is not None:
        key = "assessment.deadline_days"
        if not isinstance(days, dict):
            raise _error(where, key, "expected a mapping of severity -> days, e.g. {critical: 1, error: 5}")
        for sev, value in days.items():
            if sev not in SEVERITIES:
                raise _error(where, f"{key}.{sev}", f"unknown severity; use one of {', '.join(SEVERITIES)}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _error(where, f"{key}.{sev}", f"expected a whole number of days >= 0, got {value!r}")
