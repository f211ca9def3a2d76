"""The report model: one plain dict, built once per run, that IS the report.json document.

Every renderer (HTML, JUnit, CSV, XLSX, Markdown) renders this dict and reads
nothing else, so all formats agree. The shape is versioned (``SCHEMA_VERSION``)
and documented in docs/report-schema.json and docs/report.md.

Sources: ``Store.run`` (site, dates, stats), ``Store.findings``, the rule
registry (``checks.registry``) for rule metadata, ``xunjian.history`` for
new / persisting / fixed, first-seen dates and the 30-run trend, and
``config/rules.yaml`` → ``assessment.veto_items`` for the 单项否决 summary.

Which rules "ran": a registered rule ran unless its module is listed in the site
profile's ``checks.disable``, it is switched off with ``rules.<id>.enabled:
false``, or its module crashed (``check_errors`` in the run stats). When the
run stats carry ``checks_run`` (module names), that list is taken as is.
Findings of rule ids the registry does not know still render, as generic rules.
``rules[].not_run_reason`` is a code (``NOT_RUN_REASONS``) the renderers translate.

Strings from crawled pages are kept raw here; each renderer escapes for its format.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import xunjian
from checks.base import SEVERITIES, Rule, severity_rank
from crawler.store import Store
from xunjian import history

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"
NOT_RUN_REASONS = ("rule-disabled", "not-registered", "module-not-run", "module-disabled", "module-crashed")
_CHECK_ERROR_RE = re.compile(r"checks/([A-Za-z0-9_]+)\.py failed")


def _rule_modules() -> tuple[dict[str, Rule], dict[str, str]]:
    """Registered rules and the check module each comes from."""
    from checks.registry import check_modules
    rules: dict[str, Rule] = {}
    module_of: dict[str, str] = {}
    for mod in check_modules():
        name = mod.__name__.rsplit(".", 1)[-1]
        for rule in mod.RULES:
            rules[rule.id] = rule
            module_of[rule.id] = name
    return rules, module_of


def load_run_config(profile_path: str | None) -> tuple[dict[str, Any], list[str], list[str]]:
    """(thresholds, disabled check modules, notes) for a stored run's profile.

    A profile that no longer loads (moved, env var unset) must not cost the
    report: fall back to config/rules.yaml alone and say so in the notes.
    """
    from config import ConfigError, load_site, load_thresholds
    notes: list[str] = []
    if profile_path:
        try:
            site = load_site(profile_path)
            return load_thresholds(site), list(site["checks"]["disable"]), notes
        except ConfigError as exc:
            notes.append(f"profile not reloaded, using config/rules.yaml defaults: {exc}")
    return load_thresholds(None), [], notes


def column_of(finding_evidence: dict[str, Any], page_url: str) -> str:
    """The site column (栏目) a finding belongs to: the check's own label when it gave
    one (evidence ``column``), else the first path segment of the page URL."""
    label = finding_evidence.get("column") if isinstance(finding_evidence, dict) else None
    if isinstance(label, str) and label.strip():
        return label.strip()
    try:
        path = urlsplit(page_url).path
    except ValueError:
        return "/"
    segment = path.strip("/").split("/", 1)[0] if path.strip("/") else ""
    # a bare file at the root ("/index.html") belongs to the homepage
    return f"/{segment}/" if segment and "." not in segment else "/"


def _rule_entry(rule_id: str, rule: Rule | None, ran: bool, why_not: str) -> dict[str, Any]:
    if rule is None:
        return {"id": rule_id, "known": False, "title_zh": rule_id, "title_en": rule_id,
                "severity": None, "assessment": None, "basis": "", "advice_zh": "", "advice_en": "",
                "doc": "", "ran": ran, "not_run_reason": why_not}
    return {**rule.as_dict(), "known": True, "ran": ran, "not_run_reason": why_not}


def _empty_counts() -> dict[str, int]:
    return {s: 0 for s in SEVERITIES}


def _veto_items(thresholds: dict[str, Any], rules: dict[str, dict[str, Any]],
                rule_counts: dict[str, int]) -> list[dict[str, Any]]:
    items = []
    for item in (thresholds.get("assessment") or {}).get("veto_items") or []:
        if not isinstance(item, dict) or "id" not in item:
            continue
        listed = [str(r) for r in item.get("rules") or []]
        ran = [r for r in listed if rules.get(r, {}).get("ran")]
        hits = {r: rule_counts.get(r, 0) for r in listed if rule_counts.get(r, 0)}
        if hits:
            status, reason = "fail", ""
        elif not listed:
            status, reason = "not_checked", "no_rule"
        elif not ran:
            status, reason = "not_checked", "not_run"
        else:
            status, reason = "pass", ""
        items.append({
            "id": str(item["id"]), "title_zh": item.get("title_zh", ""), "title_en": item.get("title_en", ""),
            "note_zh": item.get("note_zh", ""), "note_en": item.get("note_en", ""),
            "rules": listed, "rules_ran": ran, "status": status, "reason": reason,
            "findings": sum(hits.values()),
        })
    return items


def build(store: Store, run_id: int, lang: str = "zh", *, rules: dict[str, Rule] | None = None,
          thresholds: dict[str, Any] | None = None, disabled_modules: list[str] | None = None,
          trend_runs: int = 30) -> dict[str, Any]:
    """Build the report model of ``run_id``.

    ``rules`` adds (or overrides) rule metadata on top of the registry; ``thresholds`` and
    ``disabled_modules`` replace what would be read from the run's site profile.
    """
    run = history.get_run(store, run_id)
    notes: list[str] = []
    if thresholds is None:
        thresholds, profile_disabled, notes = load_run_config(run.get("profile_path"))
        disabled_modules = profile_disabled if disabled_modules is None else disabled_modules
    disabled_modules = list(disabled_modules or [])
    stats = run["stats"] if isinstance(run["stats"], dict) else {}

    registered, module_of = _rule_modules()
    extra = dict(rules or {})
    known = {**registered, **extra}
    disabled_rules = {rid for rid, cfg in (thresholds.get("rules") or {}).items()
                      if isinstance(cfg, dict) and cfg.get("enabled") is False}
    failed_modules = {m for err in stats.get("check_errors") or [] for m in _CHECK_ERROR_RE.findall(str(err))}
    modules_run = stats.get("checks_run") if isinstance(stats.get("checks_run"), list) else None

    def ran(rule_id: str) -> tuple[bool, str]:
        if rule_id in disabled_rules:
            return False, "rule-disabled"
        module = module_of.get(rule_id)
        if module is None:
            return (rule_id in extra), ("" if rule_id in extra else "not-registered")
        if modules_run is not None and module not in modules_run:
            return False, "module-not-run"
        if module in disabled_modules:
            return False, "module-disabled"
        if module in failed_modules:
            return False, "module-crashed"
        return True, ""

    findings = store.findings(run_id)
    diff = history.changes_since_previous(store, run_id)
    change = diff.status_of()
    seen = history.first_seen(store, run_id)

    rule_ids = list(known) + sorted({f.rule_id for f in findings} - set(known))
    rule_entries: dict[str, dict[str, Any]] = {}
    for rid in rule_ids:
        did_run, why = ran(rid)
        rule_entries[rid] = _rule_entry(rid, known.get(rid), did_run, why)
        rule_entries[rid]["counts"] = {"total": 0, "new": 0, "persisting": 0, "by_severity": _empty_counts()}
    for f in findings:  # a finding proves its rule ran, whatever the config says now
        rule_entries[f.rule_id]["ran"] = True
        rule_entries[f.rule_id]["not_run_reason"] = ""

    out_findings = []
    by_sev = _empty_counts()
    for f in findings:
        sev = f.severity if f.severity in SEVERITIES else "warning"
        status = change.get(f.fingerprint, "new")
        first_run, first_date = seen.get(f.fingerprint, (run_id, run["today"]))
        counts = rule_entries[f.rule_id]["counts"]
        counts["total"] += 1
        counts[status] += 1
        counts["by_severity"][sev] += 1
        by_sev[sev] += 1
        out_findings.append({
            "fingerprint": f.fingerprint, "rule_id": f.rule_id, "severity": sev,
            "page_url": f.page_url, "target": f.target, "message_zh": f.message_zh,
            "message_en": f.message_en, "evidence": f.evidence if isinstance(f.evidence, dict) else
            {"value": f.evidence}, "referrers": [r for r in f.referrers if isinstance(r, dict)],
            "column": column_of(f.evidence, f.page_url), "change": status,
            "first_seen": first_date, "first_seen_run": first_run,
        })
    # worst first, then rule, page: the order a webmaster works through them
    out_findings.sort(key=lambda d: (-severity_rank(d["severity"]), d["rule_id"], d["page_url"], d["target"]))

    rule_counts = {rid: e["counts"]["total"] for rid, e in rule_entries.items()}
    veto = _veto_items(thresholds, rule_entries, rule_counts)
    failed = sum(1 for v in veto if v["status"] == "fail")
    unchecked = sum(1 for v in veto if v["status"] == "not_checked")
    verdict = "fail" if failed else ("incomplete" if unchecked else "pass")

    deductions = [{"rule_id": rid, "title_zh": e["title_zh"], "title_en": e["title_en"],
                   "count": e["counts"]["total"]}
                  for rid, e in rule_entries.items()
                  if e["assessment"] == "deduction" and e["counts"]["total"]]

    def rule_order(e: dict[str, Any]) -> tuple:
        worst = max((severity_rank(s) for s, n in e["counts"]["by_severity"].items() if n), default=-1)
        return (-worst, -e["counts"]["total"], e["id"])

    # a finding is only "fixed" if its rule ran again: a disabled or crashed check fixes nothing
    fixed = [{"fingerprint": f.fingerprint, "rule_id": f.rule_id, "severity": f.severity,
              "page_url": f.page_url, "target": f.target, "message_zh": f.message_zh,
              "message_en": f.message_en} for f in diff.fixed if rule_entries.get(f.rule_id, {}).get("ran")]
    prev = history.get_run(store, diff.base_run) if diff.base_run is not None else None
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "xunjian", "version": xunjian.__version__},
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "lang": lang,
        "run": {
            "id": run_id, "site": run["site"], "today": run["today"], "started_at": run["started_at"],
            "finished_at": run["finished_at"], "status": run["status"],
            "tool_version": run.get("tool_version") or "", "profile_path": run.get("profile_path") or "",
            "stats": stats,
        },
        "previous_run": {"id": prev["id"], "today": prev["today"]} if prev else None,
        "verdict": {"veto": verdict, "veto_failed": failed, "veto_not_checked": unchecked,
                    "veto_passed": sum(1 for v in veto if v["status"] == "pass")},
        "summary": {
            "total": len(out_findings), "by_severity": by_sev,
            "new": len(diff.new), "persisting": len(diff.persisting), "fixed": len(fixed),
            "deductions": sum(d["count"] for d in deductions),
            "rules_with_findings": sum(1 for e in rule_entries.values() if e["counts"]["total"]),
        },
        "veto_items": veto,
        "deductions": deductions,
        "rules": sorted(rule_entries.values(), key=rule_order),
        "findings": out_findings,
        "fixed": fixed,
        "trend": history.trend(store, run_id, trend_runs),
        "notes": notes,
    }


def rule_index(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in model["rules"]}


def localized(entry: dict[str, Any], key: str, lang: str) -> str:
    """``entry[key_zh]`` or ``entry[key_en]``, falling back to the other language."""
    first, second = (f"{key}_zh", f"{key}_en") if lang == "zh" else (f"{key}_en", f"{key}_zh")
    return str(entry.get(first) or entry.get(second) or "")
