"""The report model: one plain dict, built once per run, that IS the report.json document.

Every renderer (HTML, JUnit, CSV, XLSX, Markdown) renders this dict and reads
nothing else, so all formats agree. The shape is versioned (``SCHEMA_VERSION``)
and documented in docs/report-schema.json and docs/report.md.

Sources: ``Store.run`` (site, dates, stats, effective state), ``Store.findings``,
the run manifest (``Store.manifest``, see checks/manifest.py: thresholds and veto
items as judged, which modules ran / were disabled / crashed / could not judge),
the rule registry for rule metadata, and ``reports.history`` for new / persisting
/ fixed, first-seen dates and the 30-run trend (complete runs only). The profile
is never reloaded from disk; a run stored before manifests existed is judged with
the shipped config/rules.yaml and a note says so.

The 单项否决 verdict comes from ``checks.verdict.evaluate_veto``, the same function the
gate uses. An incomplete run (``run.state``: crawl killed, module crashed, owner
process gone...) has the verdict ``incomplete`` and a ``run.incomplete`` block
(reason code and detail) that every renderer shows as a banner.
Findings of rule ids the registry does not know still render, as generic rules.
``rules[].not_run_reason`` is a code (``NOT_RUN_REASONS``) the renderers translate.

Strings from crawled pages are kept raw here; each renderer escapes for its format.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from checks.base import SEVERITIES, Rule, severity_rank
from checks.score import deadline, score_run
from crawler.store import Store
from crawler.version import tool_version
from reports.owners import Assigner
from reports import history

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"
NOT_RUN_REASONS = ("rule-disabled", "not-registered", "module-not-run", "module-disabled", "module-crashed",
                   "unknowable", "run-incomplete")


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


def section_of(page_url: str) -> str:
    """The first folder of a URL's path (``/xxgk/``; ``/`` for the homepage and root files): where a
    page sits on the site, kept apart from its column (reports/owners.py)."""
    try:
        path = urlsplit(page_url).path
    except ValueError:
        return "/"
    segment = path.strip("/").split("/", 1)[0] if path.strip("/") else ""
    # a bare file at the root ("/index.html") belongs to the homepage
    return f"/{segment}/" if segment and "." not in segment else "/"


def column_of(finding_evidence: dict[str, Any], page_url: str) -> str:
    """The check's own column label (evidence ``column``), else the URL section: for callers that
    group findings stored without a ``column`` (the model's own ``column`` is reports/owners.py's)."""
    label = finding_evidence.get("column") if isinstance(finding_evidence, dict) else None
    if isinstance(label, str) and label.strip():
        return label.strip()
    return section_of(page_url)


def _rule_entry(rule_id: str, rule: Rule | None, ran: bool, why_not: str) -> dict[str, Any]:
    if rule is None:
        return {"id": rule_id, "known": False, "title_zh": rule_id, "title_en": rule_id,
                "severity": None, "assessment": None, "basis": "", "advice_zh": "", "advice_en": "",
                "doc": "", "ran": ran, "not_run_reason": why_not}
    return {**rule.as_dict(), "known": True, "ran": ran, "not_run_reason": why_not}


def _empty_counts() -> dict[str, int]:
    return {s: 0 for s in SEVERITIES}


def build(store: Store, run_id: int, lang: str = "zh", *, rules: dict[str, Rule] | None = None,
          thresholds: dict[str, Any] | None = None, disabled_modules: list[str] | None = None,
          trend_runs: int = 30, gate: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the report model of ``run_id``.

    ``rules`` adds (or overrides) rule metadata on top of the registry; ``thresholds`` and
    ``disabled_modules`` replace what the run manifest recorded (for tests and tools); ``gate`` is
    the exit record (``xunjian.gate.exit_record``) to show for a run whose manifest has none.
    """
    from checks import manifest as manifest_mod
    from checks.verdict import evaluate_veto
    run = history.get_run(store, run_id)
    state = run["state"]
    manifest, notes = manifest_mod.for_run(store, run_id, state.complete)
    if thresholds is not None:  # callers (tests, tools) may judge with other thresholds
        manifest = {**manifest, "thresholds": thresholds,
                    "rules_disabled": manifest_mod.disabled_rules(thresholds)}
    thresholds = manifest.get("thresholds") or {}
    modules = {name: dict(m) for name, m in (manifest.get("modules") or {}).items()}
    for name in disabled_modules or []:
        modules.setdefault(name, {"rules": []})["status"] = manifest_mod.DISABLED
    stats = run["stats"] if isinstance(run["stats"], dict) else {}

    registered, module_of = _rule_modules()
    for rid, module in module_of.items():  # rules registered since the run: their module decides
        if module in modules and rid not in (modules[module].get("rules") or []):
            modules[module]["rules"] = [*(modules[module].get("rules") or []), rid]
    outcome = manifest_mod.rule_outcome({**manifest, "modules": modules})
    extra = dict(rules or {})
    known = {**registered, **extra}

    def ran(rule_id: str) -> tuple[bool, str]:
        if rule_id in outcome:
            return outcome[rule_id]
        return (rule_id in extra), ("" if rule_id in extra else "not-registered")

    findings = store.findings(run_id)
    profile = (manifest.get("profile") or {}).get("settings") or {}
    assigner = Assigner(profile, stats.get("columns_located"))
    shots = store.run_screenshots(run_id)  # 截图取证 of the browser stage (crawler/browser/screens.py)
    shot_of: dict[str, str] = {}
    for shot in shots:
        shot_of.setdefault(shot["url"], shot["hash"])
    assessment = dict(thresholds.get("assessment") or {})
    if "score" not in assessment or "deadline_days" not in assessment:
        # a run judged before the score table existed: the shipped table, and a note that says so
        from config import load_thresholds
        shipped = load_thresholds(None).get("assessment") or {}
        for key in ("score", "deadline_days"):
            if key not in assessment and shipped.get(key):
                assessment[key] = shipped[key]
                notes.append({"text_zh": f"该次运行未记录 assessment.{key}：使用随附 config/rules.yaml 中的表",
                              "text_en": f"run recorded without assessment.{key}: "
                                         "the shipped config/rules.yaml table is used"})
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
        entry = {
            "fingerprint": f.fingerprint, "rule_id": f.rule_id, "severity": sev,
            "page_url": f.page_url, "target": f.target, "message_zh": f.message_zh,
            "message_en": f.message_en, "evidence": f.evidence if isinstance(f.evidence, dict) else
            {"value": f.evidence}, "referrers": [r for r in f.referrers if isinstance(r, dict)],
            "change": status, "first_seen": first_date, "first_seen_run": first_run,
        }
        entry["fix_page"] = assigner.fix_page(entry)
        entry["column"] = assigner.column(entry)
        entry["section"] = section_of(entry["fix_page"])
        entry["owner"] = assigner.owner(entry["column"], entry["fix_page"])
        entry["deadline"] = deadline(run["today"], sev, assessment.get("deadline_days"))
        entry["screenshot"] = shot_of.get(entry["fix_page"]) or shot_of.get(f.page_url) or ""
        out_findings.append(entry)
    # worst first, then rule, page: the order a webmaster works through them
    out_findings.sort(key=lambda d: (-severity_rank(d["severity"]), d["rule_id"], d["page_url"], d["target"]))

    rule_counts = {rid: e["counts"]["total"] for rid, e in rule_entries.items()}
    def rule_ran(rule_id: str) -> tuple[bool, str]:
        entry = rule_entries.get(rule_id, {})
        return bool(entry.get("ran")), entry.get("not_run_reason") or "not-registered"

    veto, verdict = evaluate_veto((thresholds.get("assessment") or {}).get("veto_items"), rule_ran,
                                  rule_counts, run_complete=state.complete)

    deductions = [{"rule_id": rid, "title_zh": e["title_zh"], "title_en": e["title_en"],
                   "count": e["counts"]["total"]}
                  for rid, e in rule_entries.items()
                  if e["assessment"] == "deduction" and e["counts"]["total"]]
    score = score_run(assessment.get("score"), ((f["rule_id"], f["evidence"]) for f in out_findings),
                      rule_ran, verdict["veto"], state.complete,
                      [rid for rid, e in rule_entries.items() if e["assessment"] == "deduction"])
    for d in deductions:  # the points each rule lost: its share of its indicators' (the trend reads it)
        d["points"] = round(sum(i["lost"] * i["by_rule"].get(d["rule_id"], 0) / i["count"]
                                for i in (score or {}).get("indicators", []) if i["count"]), 2)
    gate = _gate_block(manifest, state, gate)
    owners = assigner.contacts()
    for o in owners:
        o["findings"] = sum(1 for f in out_findings if f["owner"] == o["dept"])

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
        "generator": {"name": "xunjian", "version": tool_version()},
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "lang": lang,
        "run": {
            "id": run_id, "site": run["site"], "today": run["today"], "started_at": run["started_at"],
            "finished_at": run["finished_at"], "status": state.status,
            "incomplete": ({"code": state.code, "detail": state.detail} if not state.complete else None),
            "tool_version": run.get("tool_version") or "", "profile_path": run.get("profile_path") or "",
            "stats": stats,
        },
        "previous_run": {"id": prev["id"], "today": prev["today"]} if prev else None,
        # crawl coverage (checks/crawl/coverage.py): figures and the line every format prints
        "verdict": {**verdict,
                    "coverage": stats.get("coverage") if isinstance(stats.get("coverage"), dict) else None,
                    "coverage_line_zh": coverage_line(stats.get("coverage"), "zh"),
                    "coverage_line_en": coverage_line(stats.get("coverage"), "en"),
                    # V2 figures of the availability probe (checks/crawl/availability.py)
                    "availability": stats.get("availability") if isinstance(stats.get("availability"), dict)
                    else None,
                    "availability_line_zh": availability_line(stats.get("availability"), "zh"),
                    "availability_line_en": availability_line(stats.get("availability"), "en")},
        "summary": {
            "total": len(out_findings), "by_severity": by_sev,
            "new": len(diff.new), "persisting": len(diff.persisting), "fixed": len(fixed),
            "deductions": sum(d["count"] for d in deductions),
            "rules_with_findings": sum(1 for e in rule_entries.values() if e["counts"]["total"]),
        },
        "veto_items": veto,
        "deductions": deductions,
        "score": score,
        "gate": gate,
        "deadline_days": dict(assessment.get("deadline_days") or {}),
        "owners": owners,
        "screenshots": _screenshots(shots),
        "unowned": sum(1 for f in out_findings if not f["owner"]),
        "rules": sorted(rule_entries.values(), key=rule_order),
        "findings": out_findings,
        "fixed": fixed,
        "trend": _trend_with_points(store, history.trend(store, run_id, trend_runs),
                                    assessment.get("score")),
        "notes": [localized(n, "text", lang) for n in notes + _check_notes(stats) + [
            {"text_zh": f"检查模块 {name} 运行出错（其规则未检查）：{error}",
             "text_en": f"check module {name} crashed (its rules were not checked): {error}"}
            for name, error in sorted(manifest_mod.crashed(manifest).items())]],
        "manifest": {"modules": {name: m.get("status") for name, m in sorted(modules.items())},
                     "engines": manifest.get("engines") or {},
                     "site_readable": manifest.get("site_readable", True)},
    }


def _screenshots(shots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per image: the page it shows, why (a11y / broken-link), size and the file name
    reports.render writes it under (``screenshots/<hash>.jpg``)."""
    by_hash: dict[str, dict[str, Any]] = {}
    for shot in shots:
        entry = by_hash.setdefault(shot["hash"], {
            "hash": shot["hash"], "pages": [], "reasons": [], "mime": shot["mime"], "width": shot["width"],
            "height": shot["height"],
            "file": f"screenshots/{shot['hash'][:16]}.{'png' if shot['mime'] == 'image/png' else 'jpg'}"})
        if shot["url"] not in entry["pages"]:
            entry["pages"].append(shot["url"])
        if shot["reason"] not in entry["reasons"]:
            entry["reasons"].append(shot["reason"])
    return list(by_hash.values())


def _gate_block(manifest: dict[str, Any], state: Any,
                judged_now: dict[str, Any] | None) -> dict[str, Any] | None:
    """Why the run's exit code is what it is: the record the runner stored in the manifest
    (``exit``: gate or --fail-on assertions with threshold and value); for an incomplete run exit
    code 2 and the reason; for a run without a record, ``judged_now`` (``xunjian report`` judges an
    older run's gate with its recorded thresholds: ``recorded: false``), else None."""
    if not state.complete:
        return {"mode": "incomplete", "exit_code": 2, "passed": False, "recorded": True, "assertions": [],
                "detail": f"{state.code}: {state.detail}" if state.code else state.status, "warnings": []}
    recorded = manifest.get("exit")
    if isinstance(recorded, dict) and "exit_code" in recorded:
        return {**recorded, "recorded": True}
    if isinstance(judged_now, dict) and "exit_code" in judged_now:
        return {**judged_now, "recorded": False}
    return None


def _trend_with_points(store: Store, trend: list[dict[str, Any]],
                       score_config: Any) -> list[dict[str, Any]]:
    """The trend with each run's deduction points (``deduction_points``) by this run's score table,
    from the findings' rules and the evidence facts the table filters on (the HTML trend chart)."""
    indicators = (score_config or {}).get("indicators") if isinstance(score_config, dict) else None
    if not indicators:
        return trend
    keys = sorted({key for ind in indicators for key in (ind.get("evidence") or {})})
    for point in trend:
        facts = store.finding_facts(point["run_id"], keys)
        found = [(rule, evidence) for rule, evidence, n in facts for _ in range(n)]
        scored = score_run(score_config, found, lambda _rule: (True, ""), "pass")
        point["deduction_points"] = scored["lost"] if scored else 0
    return trend


def coverage_line(coverage: dict[str, Any] | None, lang: str) -> str:
    """The verdict's coverage line ("coverage: 97.9 % (1,265 URLs not fetched: max_depth)") from
    the run stats' ``coverage`` block (checks/crawl/coverage.py); "" when the run has none."""
    if not isinstance(coverage, dict) or coverage.get("percent") is None:
        return ""
    from reports import i18n
    w = i18n.strings(lang)
    by_limit = coverage.get("by_limit") or {}
    lost = int(coverage.get("not_fetched") or 0)
    if lost:
        limits = ", ".join(name if len(by_limit) == 1 else f"{name} {n:,}" for name, n in by_limit.items())
        detail = w["coverage_lost_one" if lost == 1 else "coverage_lost"].format(n=f"{lost:,}", limits=limits)
    else:
        detail = w["coverage_full"]
    cut = int(coverage.get("pages_cut") or 0)
    if cut:  # "1 page cut", "2 pages cut" (the zh strings have no plural)
        detail += ("；" if lang == "zh" else "; ") + w["coverage_cut_one" if cut == 1 else "coverage_cut"].format(
            n=f"{cut:,}")
    return w["coverage_line"].format(pct=f"{coverage['percent']:g}", detail=detail)


def availability_line(figures: dict[str, Any] | None, lang: str) -> str:
    """The verdict's availability line (V2: homepage probes of the last week and the threshold with
    its confidence mark) from the run stats' ``availability`` block; "" when the run has none."""
    if not isinstance(figures, dict):
        return ""
    from reports import i18n
    w = i18n.strings(lang)
    if not figures.get("probes"):
        return w["availability_none"].format(days=figures.get("window_days", 7))
    pct = f"{figures.get('share_pct') or 0:g}"
    return w["availability_line"].format(days=figures.get("window_days", 7), probes=figures["probes"],
                                         failed=figures.get("failed", 0), pct=pct,
                                         limit=f"{figures.get('threshold_pct', 5):g}",
                                         mark=figures.get("mark", ""))


def rule_index(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in model["rules"]}


def _check_notes(stats: dict[str, Any]) -> list[dict[str, str]]:
    """The checks' run notes (``CheckContext.note``); a run stored before notes were bilingual
    kept plain strings, shown as they are in both languages."""
    out = []
    for entry in stats.get("check_notes") or []:
        if isinstance(entry, dict):
            out.append({"text_zh": str(entry.get("text_zh") or ""), "text_en": str(entry.get("text_en") or "")})
        elif isinstance(entry, str):
            out.append({"text_zh": entry, "text_en": entry})
    return out


def localized(entry: dict[str, Any], key: str, lang: str) -> str:
    """``entry[key_zh]`` or ``entry[key_en]``, falling back to the other language."""
    first, second = (f"{key}_zh", f"{key}_en") if lang == "zh" else (f"{key}_en", f"{key}_zh")
    return str(entry.get(first) or entry.get(second) or "")
