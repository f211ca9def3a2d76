"""The CI gate: declarative assertions over one run's findings (cf. Lighthouse CI ``assert``).

Governed by the ``gate:`` section of config/rules.yaml (or a profile's
``thresholds.gate``) and an optional baseline file (``xunjian.baseline``)::

    gate:
      baseline: ci/baseline.json        # optional; --baseline wins
      assertions:
        - name: no-veto-item-fails
          veto: no-fail                 # no 单项否决 item may fail
        - name: homepage-broken-links
          rules: [link-broken-home]     # rule ids or globs ("a11y-*")
          max: 0                        # fail when more findings than this match
        - name: no-new-errors
          min_severity: error           # or severity: [error, critical]
          new_only: true                # only findings absent from the previous run
        - name: a11y-serious
          rules: ["a11y-*"]
          impact: [serious, critical]   # axe impact in the finding's evidence
          max: 20
          level: warn                   # print, never fail
        - name: news-column
          url_pattern: "/xwzx/"         # regex searched in the page URL
          assessment: [deduction]
          max: 5

Findings accepted in the baseline are left out of every count until their entry
expires. ``evaluate`` returns a ``GateResult``: ``passed``, ``failures`` (one
line per failed assertion, naming it and why), ``warnings`` and ``exit_code``
(0 pass, 1 fail, 2 the run is not complete: ``incomplete`` holds the one-line
reason and no assertion is judged; configuration errors raise ``ConfigError``,
which the CLI turns into exit code 2).

``veto: no-fail`` uses ``checks.verdict.evaluate_veto``, the report's own
evaluation, on the run manifest: it passes only when the verdict is ``pass``
(an automatable item that was not checked fails it, with the reason).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checks.base import ASSESSMENTS, SEVERITIES, severity_rank
from config import ConfigError, validate
from config.thresholds import GATE_SCHEMA
from crawler.store import Finding, Store
from xunjian import baseline as baseline_mod
from reports import history

EXIT_PASS, EXIT_FAIL, EXIT_INCOMPLETE = 0, 1, 2
WHERE = "config/rules.yaml: gate"
EXAMPLES_SHOWN = 3


@dataclass
class Outcome:
    name: str
    level: str
    passed: bool
    count: int
    limit: int | None
    detail: str
    fingerprints: list[str] = field(default_factory=list)  # the findings it counted (JUnit failures)


@dataclass
class GateResult:
    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suppressed: int = 0
    incomplete: str = ""  # the run is not complete: why (no assertion was judged)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.incomplete

    @property
    def exit_code(self) -> int:
        if self.incomplete:
            return EXIT_INCOMPLETE
        return EXIT_PASS if self.passed else EXIT_FAIL


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def check_config(gate_config: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Validate the gate section; return normalised assertions. Raises ConfigError."""
    # keys and types: the one schema of config/rules.yaml (config.thresholds.GATE_SCHEMA)
    raw = validate(gate_config or {}, GATE_SCHEMA, WHERE.split(":")[0], "gate.")["assertions"]
    out = []
    for i, item in enumerate(raw):
        a: dict[str, Any] = {"name": str(item.get("name") or f"assertion-{i + 1}")}
        where = f"{WHERE}.assertions[{i}] ({a['name']})"
        a["level"] = item.get("level", "error")
        if a["level"] not in ("error", "warn"):
            raise ConfigError(f"{where}.level: must be 'error' or 'warn', got {a['level']!r}")
        a["max"] = item.get("max", 0)
        if "veto" in item:
            if item["veto"] != "no-fail":
                raise ConfigError(f"{where}.veto: the only check is 'no-fail', got {item['veto']!r}")
            extra = set(item) - {"name", "level", "veto"}
            if extra:
                raise ConfigError(f"{where}: 'veto' cannot be combined with {', '.join(sorted(extra))}")
            a["veto"] = True
            out.append(a)
            continue
        a["rules"] = _as_list(item["rules"]) if "rules" in item else []
        a["severity"] = _as_list(item["severity"]) if "severity" in item else []
        for sev in a["severity"] + ([item["min_severity"]] if "min_severity" in item else []):
            if sev not in SEVERITIES:
                raise ConfigError(f"{where}: severity {sev!r} unknown; use one of {', '.join(SEVERITIES)}")
        a["min_severity"] = item.get("min_severity")
        a["assessment"] = _as_list(item["assessment"]) if "assessment" in item else []
        for value in a["assessment"]:
            if value not in [x for x in ASSESSMENTS if x]:
                raise ConfigError(f"{where}.assessment: {value!r} unknown; use veto, deduction or advisory")
        a["new_only"] = item.get("new_only", False)
        a["impact"] = _as_list(item["impact"]) if "impact" in item else []
        a["url_pattern"] = re.compile(item["url_pattern"]) if "url_pattern" in item else None
        out.append(a)
    return out


def _matches(a: dict[str, Any], f: Finding, change: str, assessment_of: dict[str, str | None]) -> bool:
    if a["rules"] and not any(fnmatch.fnmatchcase(f.rule_id, pat) for pat in a["rules"]):
        return False
    if a["severity"] and f.severity not in a["severity"]:
        return False
    if a["min_severity"] and (f.severity not in SEVERITIES
                              or severity_rank(f.severity) < severity_rank(a["min_severity"])):
        return False
    if a["assessment"] and assessment_of.get(f.rule_id) not in a["assessment"]:
        return False
    if a["new_only"] and change != "new":
        return False
    if a["url_pattern"] is not None and not a["url_pattern"].search(f.page_url):
        return False
    if a["impact"]:
        impact = f.evidence.get("impact") if isinstance(f.evidence, dict) else None
        if impact not in a["impact"]:
            return False
    return True


def _examples(found: list[Finding]) -> str:
    shown = [f"{f.rule_id} {f.page_url}" + (f" -> {f.target}" if f.target else "")
             for f in found[:EXAMPLES_SHOWN]]
    more = f" and {len(found) - EXAMPLES_SHOWN} more" if len(found) > EXAMPLES_SHOWN else ""
    return "; ".join(shown) + more


def evaluate(store: Store, run_id: int, gate_config: dict[str, Any] | None, baseline: Path | None,
             today: date, *, veto_items: list[dict[str, Any]] | None = None,
             rules: dict[str, Any] | None = None) -> GateResult:
    """Judge ``run_id`` against the assertions; see the module docstring.

    ``veto_items`` replaces the run manifest's ``assessment.veto_items``; ``rules`` adds rule
    metadata (assessment) on top of the registry. An incomplete or still running run is not
    judged: ``incomplete`` says why and the exit code is 2.
    """
    assertions = check_config(gate_config)
    run = history.get_run(store, run_id)
    state = run["state"]
    if not state.complete:
        why = f"{state.code}: {state.detail}" if state.code else "it has not finished yet"
        return GateResult(incomplete=f"run {run_id} is {state.status} ({why}); no verdict on an unfinished "
                                     "run: run the audit again")
    baseline_path = baseline or (gate_config or {}).get("baseline")
    result = GateResult()
    accepted: set[str] = set()
    if baseline_path:
        expired = []
        for entry in baseline_mod.load(baseline_path):
            if entry.active(today):
                accepted.add(entry.fingerprint)
            else:
                expired.append(entry)
        for entry in expired[:EXAMPLES_SHOWN]:
            result.warnings.append(f"baseline entry {entry.fingerprint} ({entry.rule_id or '?'}) expired on "
                                   f"{entry.expires}; the finding counts again (reason was: {entry.reason})")
        if len(expired) > EXAMPLES_SHOWN:
            result.warnings.append(f"{len(expired) - EXAMPLES_SHOWN} more baseline entries expired; "
                                   "renew them with `xunjian baseline` or fix the findings")
    change = history.changes_since_previous(store, run_id).status_of()
    all_findings = store.findings(run_id)
    findings = [f for f in all_findings if f.fingerprint not in accepted]
    result.suppressed = len(all_findings) - len(findings)
    from checks.registry import all_rules
    assessment_of = {rid: rule.assessment for rid, rule in {**all_rules(), **(rules or {})}.items()}

    for a in assertions:
        if a.get("veto"):
            outcome = _veto_outcome(a, store, run_id, findings, veto_items, set(rules or {}))
        else:
            found = [f for f in findings if _matches(a, f, change.get(f.fingerprint, "new"), assessment_of)]
            passed = len(found) <= a["max"]
            detail = (f"{len(found)} matching finding(s), at most {a['max']} allowed"
                      + (f": {_examples(found)}" if found and not passed else ""))
            outcome = Outcome(a["name"], a["level"], passed, len(found), a["max"], detail,
                              [f.fingerprint for f in found])
        result.outcomes.append(outcome)
        if not outcome.passed:
            line = f"gate: {outcome.name}: {outcome.detail}"
            (result.failures if outcome.level == "error" else result.warnings).append(line)
    return result


def _veto_outcome(a: dict[str, Any], store: Store, run_id: int, findings: list[Finding],
                  veto_items: list[dict[str, Any]] | None, extra_rules: set[str]) -> Outcome:
    """The ``veto: no-fail`` assertion: the report's veto evaluation on the run manifest."""
    from checks import manifest as manifest_mod
    from checks.verdict import MANUAL_REASONS, PASS, evaluate_veto
    manifest, _notes = manifest_mod.for_run(store, run_id)
    if veto_items is None:
        veto_items = ((manifest.get("thresholds") or {}).get("assessment") or {}).get("veto_items") or []
    outcome = manifest_mod.rule_outcome(manifest)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule_id] = counts.get(f.rule_id, 0) + 1

    def ran(rule_id: str) -> tuple[bool, str]:
        if counts.get(rule_id):  # a finding proves its rule ran
            return True, ""
        return outcome.get(rule_id, (rule_id in extra_rules, "not-registered"))

    items, verdict = evaluate_veto(veto_items, ran, counts)
    problems = []
    counted: list[str] = []
    for item in items:
        title = item.get("title_en") or item.get("title_zh", "")
        if item["status"] == "fail":
            hits = [f for f in findings if f.rule_id in item["rules"]]
            counted += [f.fingerprint for f in hits]
            problems.append(f"{item['id']} {title} ({len(hits)}: {_examples(hits)})")
        elif item["status"] == "not_checked" and item["reason"] not in MANUAL_REASONS:
            problems.append(f"{item['id']} {title} not checked ({item['reason']})")
    passed = verdict["veto"] == PASS
    detail = ("no veto item fails" if passed else
              f"veto verdict {verdict['veto']}: " + " | ".join(problems))
    return Outcome(a["name"], a["level"], passed, len(problems), 0, detail, counted)


def exit_record(result: GateResult, mode: str, fail_on: str = "", baseline: str = "") -> dict[str, Any]:
    """What decided a run's exit code, for the run manifest (``exit``) and every report format:
    ``mode`` (``gate`` or ``fail-on``), the exit code, and each assertion with its threshold
    (``limit``), its value (``count``), whether it passed, its level and the findings it counted."""
    return {"mode": mode, "fail_on": fail_on, "baseline": baseline, "exit_code": result.exit_code,
            "passed": result.passed, "suppressed": result.suppressed,
            "warnings": [w for w in result.warnings if not w.startswith("gate: ")],
            "assertions": [{"name": o.name, "level": o.level, "passed": o.passed, "count": o.count,
                            "limit": o.limit, "detail": o.detail, "fingerprints": o.fingerprints}
                           for o in result.outcomes]}


def judge_recorded(store: Store, run_id: int, today: date) -> dict[str, Any] | None:
    """The exit record of a complete run stored without one (older runs), judged now with the gate
    of its recorded thresholds and no baseline; None when the run has its record or is incomplete."""
    from checks import manifest as manifest_mod
    run = history.get_run(store, run_id)
    manifest, _notes = manifest_mod.for_run(store, run_id, run["state"].complete)
    if manifest.get("exit") or not run["state"].complete:
        return None
    thresholds = manifest.get("thresholds") or {}
    veto_items = (thresholds.get("assessment") or {}).get("veto_items") or []
    result = evaluate(store, run_id, thresholds.get("gate") or {}, None, today, veto_items=veto_items)
    return exit_record(result, "gate")


def fail_on_result(findings: list[Finding], fail_on: str | None) -> GateResult:
    """``--fail-on SEVERITY`` as a one-assertion gate: no finding at or above the severity."""
    result = GateResult()
    if not fail_on or fail_on == "none":
        return result
    floor = severity_rank(fail_on)
    found = [f for f in findings if f.severity in SEVERITIES and severity_rank(f.severity) >= floor]
    by_sev: dict[str, int] = {}
    for f in found:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    worst_first = sorted(by_sev.items(), key=lambda kv: -severity_rank(kv[0]))
    detail = (", ".join(f"{n} {sev}" for sev, n in worst_first) if found
              else f"no finding at or above '{fail_on}'")
    outcome = Outcome(f"--fail-on {fail_on}", "error", not found, len(found), 0, detail,
                      [f.fingerprint for f in found])
    result.outcomes.append(outcome)
    if found:
        result.failures.append(f"--fail-on {fail_on}: {detail}")
    return result


def format_result(result: GateResult) -> list[str]:
    """Console lines: one per assertion, then warnings, then the verdict."""
    if result.incomplete:
        return [f"gate not judged: {result.incomplete}"]
    lines = []
    for o in result.outcomes:
        mark = "PASS" if o.passed else ("FAIL" if o.level == "error" else "WARN")
        lines.append(f"{mark}  {o.name}: {o.detail}")
    lines += [f"warning: {w}" for w in result.warnings if not w.startswith("gate: ")]
    if result.suppressed:
        lines.append(f"note: {result.suppressed} finding(s) accepted by the baseline were not counted")
    lines.append("gate passed" if result.passed else f"gate FAILED: {len(result.failures)} assertion(s)")
    return lines
