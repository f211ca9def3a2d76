"""The 扣分 score (得分/总分) of a run, from the deduction table of ``assessment.score``.

Governed by config/rules.yaml ``assessment.score`` (validated by config/scoring.py: total,
pass_mark, indicators with rules, points, per, max, evidence filter, confidence mark) and
``assessment.deadline_days`` (整改期限 per severity). Used by the report model
(reports/model.py); the gate reads the veto verdict, not the score.

``score_run(config, findings, rule_ran, veto, run_complete)`` returns::

    {"total": 100, "pass_mark": 60, "lost": 7.5, "score": 92.5, "verdict": "pass",
     "reason": "", "indicators": [{"id": "D2", "points": 2, "count": 1, "lost": 2, "status": ...}],
     "unscored_rules": [...]}

Verdict (never a false pass): ``incomplete`` when the run did not finish; ``fail`` with reason
``veto`` when the 单项否决 verdict fails (the rule book: a vetoed site is 不合格 and nothing else
is scored; the table still shows what was found); ``fail`` with reason ``below_pass_mark``;
``provisional`` when the score passes but an indicator could not be judged (its rules did not
run) or the veto verdict is incomplete: the score is then an upper bound; else ``pass``.
``unscored_rules``: rules of assessment ``deduction`` that no indicator lists (their findings
lose no points; the report says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

PASS, FAIL, PROVISIONAL, INCOMPLETE = "pass", "fail", "provisional", "incomplete"


def _counts(indicator: Mapping[str, Any], evidence: Any) -> bool:
    """Does a finding with this evidence count for the indicator (its ``evidence:`` filter)?"""
    wanted = indicator.get("evidence") or {}
    if not wanted:
        return True
    facts = evidence if isinstance(evidence, dict) else {}
    return all(key not in facts or facts[key] in values for key, values in wanted.items())


def _round(points: float) -> float:
    return round(points + 0.0, 2)


def score_run(config: Mapping[str, Any] | None, findings: Iterable[tuple[str, Any]],
              rule_ran: Callable[[str], tuple[bool, str]], veto: str, run_complete: bool = True,
              deduction_rules: Iterable[str] = ()) -> dict[str, Any] | None:
    """The score block (see the module docstring); None when no score table is configured.

    ``findings``: (rule id, evidence) of every finding; ``rule_ran(rule_id) -> (ran, reason)``;
    ``veto``: the verdict of ``checks.verdict.evaluate_veto``; ``deduction_rules``: the ids of
    registered rules with assessment ``deduction``."""
    if not config or not config.get("indicators"):
        return None
    total = float(config.get("total", 100))
    pass_mark = float(config.get("pass_mark", 60))
    by_rule: dict[str, list[Any]] = {}
    for rule_id, evidence in findings:
        by_rule.setdefault(rule_id, []).append(evidence)
    indicators = []
    listed: set[str] = set()
    for ind in config["indicators"]:
        rules = [str(r) for r in ind["rules"]]
        listed.update(rules)
        per_rule = {r: sum(1 for ev in by_rule.get(r, []) if _counts(ind, ev)) for r in rules}
        count = sum(per_rule.values())
        points = float(ind["points"])
        cap = float(ind["max"]) if "max" in ind else None
        raw = points * count if ind.get("per", "finding") == "finding" else (points if count else 0.0)
        lost = min(raw, cap) if cap is not None else raw
        not_run = [r for r in rules if not rule_ran(r)[0]]
        status = "lost" if count else ("not_checked" if len(not_run) == len(rules) else "clear")
        indicators.append({
            "id": str(ind["id"]), "title_zh": ind.get("title_zh", ""), "title_en": ind.get("title_en", ""),
            "note_zh": ind.get("note_zh", ""), "note_en": ind.get("note_en", ""),
            "rules": rules, "by_rule": {r: n for r, n in per_rule.items() if n}, "rules_not_run": not_run,
            "points": points, "per": ind.get("per", "finding"),
            "max": cap, "mark": ind.get("mark", "U"), "count": count, "lost": _round(lost),
            "capped": cap is not None and raw > cap, "status": status,
        })
    lost = min(sum(i["lost"] for i in indicators), total)
    score = _round(total - lost)
    unchecked = [i["id"] for i in indicators if i["status"] == "not_checked"]
    if not run_complete:
        verdict, reason = INCOMPLETE, "run_incomplete"
    elif veto == "fail":
        verdict, reason = FAIL, "veto"
    elif score < pass_mark:
        verdict, reason = FAIL, "below_pass_mark"
    elif unchecked:
        verdict, reason = PROVISIONAL, "indicators_not_checked"
    elif veto != "pass":
        verdict, reason = PROVISIONAL, "veto_incomplete"
    else:
        verdict, reason = PASS, ""
    return {"total": total, "pass_mark": pass_mark, "lost": _round(lost), "score": score,
            "verdict": verdict, "reason": reason, "indicators": indicators, "not_checked": unchecked,
            "unscored_rules": sorted(set(deduction_rules) - listed)}


def deadline(today: str | date, severity: str, days_by_severity: Mapping[str, int] | None) -> str:
    """The 整改期限 (ISO date) of a finding of ``severity`` found on ``today``; "" when not configured."""
    days = (days_by_severity or {}).get(severity)
    if days is None:
        return ""
    start = today if isinstance(today, date) else date.fromisoformat(str(today))
    return (start + timedelta(days=int(days))).isoformat()
