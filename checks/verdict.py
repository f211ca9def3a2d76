"""The one veto (单项否决) evaluation, used by the report (reports/model.py) and the gate.

``evaluate_veto(veto_items, rule_ran, rule_counts, run_complete)`` judges every item of
``assessment.veto_items`` (config/rules.yaml, as recorded in the run manifest):

* ``fail``: a listed rule has a finding;
* ``pass``: every listed rule ran and found nothing;
* ``not_checked`` with a reason: ``no_rule`` (no automated rule exists: a manual item),
  ``partial`` (an item marked ``partial: true`` whose rules cover only some of its problems, e.g.
  V1: wording errors and hijacked links are found, leaked secrets are not; nothing found is no
  pass, the rest is checked by hand),
  ``not_run`` (a listed rule did not run: module disabled, crashed, rule switched off),
  ``unknowable`` (the site could not be read, so the rule had nothing to judge), a
  ``NOTHING_TO_JUDGE`` code (the rule ran but found nothing to judge, e.g. no 咨询 column) or
  ``run_incomplete`` (the run never finished).

The verdict: ``incomplete`` when the run is not complete (whatever was found); else ``fail``
when an item fails; else ``incomplete`` when an automatable item was not checked; else
``pass``. Manual (``no_rule``) items never make a verdict incomplete, they are listed for a
human, and so do ``partial`` ones. The gate's ``veto: no-fail`` assertion passes only on ``pass``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

PASS, FAIL, INCOMPLETE = "pass", "fail", "incomplete"
# not checked and a person's job (or a schedule's: V2 needs a week of `xunjian probe` results, which a
# single audit cannot make up): such items never make a verdict incomplete
MANUAL_REASONS = ("no_rule", "partial", "no-probe-data", "probe-coverage-low")
# reasons a rule that ran gives for judging nothing (CheckContext.not_judged); the item says why
NOTHING_TO_JUDGE = ("no-consult-column", "no-service-guide", "no-probe-data", "probe-coverage-low")


def _item(item: dict[str, Any], rule_ran: Callable[[str], tuple[bool, str]], rule_counts: Mapping[str, int],
          run_complete: bool) -> dict[str, Any]:
    listed = [str(r) for r in item.get("rules") or []]
    outcomes = {r: rule_ran(r) for r in listed}
    ran = [r for r in listed if outcomes[r][0]]
    hits = {r: rule_counts.get(r, 0) for r in listed if rule_counts.get(r, 0)}
    if hits:
        status, reason = FAIL, ""
    elif not listed:
        status, reason = "not_checked", "no_rule"
    elif item.get("partial"):
        status, reason = "not_checked", "partial"
    elif not run_complete:
        status, reason = "not_checked", "run_incomplete"
    elif len(ran) < len(listed):
        why = [outcomes[r][1] for r in listed if not outcomes[r][0]]
        nothing = [w for w in why if w in NOTHING_TO_JUDGE]
        status = "not_checked"
        reason = "unknowable" if "unknowable" in why else nothing[0] if nothing else "not_run"
    else:
        status, reason = PASS, ""
    return {
        "id": str(item["id"]), "title_zh": item.get("title_zh", ""), "title_en": item.get("title_en", ""),
        "note_zh": item.get("note_zh", ""), "note_en": item.get("note_en", ""),
        "rules": listed, "rules_ran": ran, "status": status, "reason": reason,
        "findings": sum(hits.values()),
    }


def evaluate_veto(veto_items: list[dict[str, Any]] | None, rule_ran: Callable[[str], tuple[bool, str]],
                  rule_counts: Mapping[str, int], run_complete: bool = True) -> tuple[list[dict[str, Any]],
                                                                                    dict[str, Any]]:
    """(items, verdict) for the configured veto items; see the module docstring.

    ``rule_ran(rule_id) -> (ran, reason)``; ``rule_counts``: findings per rule id (after any
    baseline the caller applies)."""
    items = [_item(item, rule_ran, rule_counts, run_complete)
             for item in veto_items or [] if isinstance(item, dict) and "id" in item]
    failed = sum(1 for v in items if v["status"] == FAIL)
    unchecked = sum(1 for v in items if v["status"] == "not_checked")
    automatable_unchecked = sum(1 for v in items if v["status"] == "not_checked"
                                and v["reason"] not in MANUAL_REASONS)
    if not run_complete:
        verdict = INCOMPLETE
    elif failed:
        verdict = FAIL
    else:
        verdict = INCOMPLETE if automatable_unchecked else PASS
    return items, {"veto": verdict, "veto_failed": failed, "veto_not_checked": unchecked,
                   "veto_passed": sum(1 for v in items if v["status"] == PASS)}
