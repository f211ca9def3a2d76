"""Audit harness for the bundled portal families (tests/test_families.py, bench/families.py).

``audit_family(family, tmp, clean=..., browser=...)`` builds the family's site for ``TODAY``,
serves it on loopback, runs the real audit (``xunjian.runner.audit``) with the profile the
family derives for the served ports, and returns a ``FamilyRun`` with the findings and the
base URLs. ``missing_expects``, ``flagged_decoys`` and ``unplanted_link_findings`` compare the
findings with the family's ``Expect``/``Decoy`` declarations (``expected_in``: a page-specific
accessibility plant counts only when the run audited every page); ``budget_breaches`` applies the
clean-render precision budget (no warning or worse, at most ``MAX_CLEAN_INFO`` info findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checks.base import severity_rank
from config import deep_merge
from crawler.store import Finding, Store
from xunjian import runner
from xunjian.demo import Decoy, Expect, build_site, expectations
from xunjian.demo.profiles import apply_env, restore_env
from xunjian.demo.server import serve

TODAY = date(2026, 11, 22)
MAX_CLEAN_INFO = 5


@dataclass
class FamilyRun:
    family: str
    clean: bool
    result: runner.AuditResult
    findings: list[Finding]
    bases: dict[str, str]
    stats: dict = field(default_factory=dict)
    db: Path | None = None  # the run's store (reports.model.build reads the veto table from it)


def audit_family(family: str, tmp: Path, *, clean: bool, browser: bool,
                 overrides: dict | None = None) -> FamilyRun:
    """``overrides`` are deep-merged over the family's own (e.g. ``{"columns": []}`` for a
    discovery-mode run, where the columns come from the navigation)."""
    tmp.mkdir(parents=True, exist_ok=True)
    site = build_site(TODAY, family, clean=clean)
    with serve(site) as server:
        bases = {"portal": server.portal_base.rstrip("/"), "external": server.external_base.rstrip("/")}
        profile = site.family.profile(site, bases, clean)
        previous = apply_env(profile.env)
        try:
            merged = deep_merge(profile.overrides, overrides or {})
            result = runner.audit(profile.path, db=tmp / "x.sqlite", out=tmp / "out", today=TODAY,
                                  overrides=merged or None, fail_on="error", progress=False,
                                  browser=browser)
        finally:
            restore_env(previous)
    store = Store(tmp / "x.sqlite")
    try:
        findings = store.findings(result.run_id)
        stats = store.run_stats(result.run_id)
    finally:
        store.close()
    return FamilyRun(family, clean, result, findings, bases, stats, tmp / "x.sqlite")


def resolve(where: str, bases: dict[str, str]) -> str:
    # an absolute target outside the served hosts, or a name (a missing column's finding targets
    # the column's name: no URL to point at)
    if where.startswith(("http://", "https://")) or not where.startswith(("/", "external:")):
        return where
    host, _, path = where.rpartition(":") if where.startswith("external:") else ("portal", "", where)
    return bases[host] + path


def points_at(finding: Finding, url: str) -> bool:
    return (url in (finding.page_url, finding.target)
            or finding.target.startswith(url + "#") and "#" not in url)


def audited_every_page(stats: dict) -> bool:
    """True when the run's browser stage audited every page (``a11y.scope: all``)."""
    return (stats.get("a11y") or {}).get("scope") == "all"


def expected_in(expected: list[Expect], stats: dict) -> list[Expect]:
    """The plants a run with these stats must find: a page-specific accessibility defect
    (``Expect.a11y_scope == "all"``) only when the browser stage audited every page."""
    every_page = audited_every_page(stats)
    return [e for e in expected if e.a11y_scope != "all" or every_page]


def missing_expects(run: FamilyRun, skip_rules: set[str] = frozenset()) -> list[str]:
    expected, _ = expectations(run.family)
    return [f"{e.rule_id} @ {e.where} ({e.note})" for e in expected_in(expected, run.stats)
            if e.rule_id not in skip_rules
            and not any(f.rule_id == e.rule_id and points_at(f, resolve(e.where, run.bases))
                        for f in run.findings)]


def decoy_hits(run: FamilyRun) -> list[tuple[Decoy, Finding]]:
    _, decoys = expectations(run.family)
    return [(decoy, f) for decoy in decoys for f in run.findings
            if decoy.rule_id in ("*", f.rule_id) and points_at(f, resolve(decoy.where, run.bases))]


def flagged_decoys(run: FamilyRun) -> list[str]:
    return [f"{f.rule_id} @ {decoy.where} ({decoy.note})" for decoy, f in decoy_hits(run)]


def link_rule_ids() -> set[str]:
    import checks.crawl.crawl
    import checks.links.links
    return {r.id for r in checks.links.links.RULES} | {r.id for r in checks.crawl.crawl.RULES}


def unplanted_link_finding_list(run: FamilyRun) -> list[Finding]:
    """Link and crawl findings that no ``Expect`` of the family declares."""
    expected, _ = expectations(run.family)
    ids = link_rule_ids()
    planted = {(e.rule_id, resolve(e.where, run.bases)) for e in expected if e.rule_id in ids}
    return [f for f in run.findings
            if f.rule_id in ids and not any(rule == f.rule_id and points_at(f, url) for rule, url in planted)]


def unplanted_link_findings(run: FamilyRun) -> list[str]:
    return [f"{f.rule_id} page={f.page_url} target={f.target}" for f in unplanted_link_finding_list(run)]


def false_alarms(run: FamilyRun) -> list[Finding]:
    """Findings on a decoy, plus link/crawl findings nobody planted (each finding once)."""
    seen: dict[int, Finding] = {id(f): f for _, f in decoy_hits(run)}
    seen.update((id(f), f) for f in unplanted_link_finding_list(run))
    return list(seen.values())


def budget_breaches(findings: list[Finding], known: set[str] = frozenset()) -> list[str]:
    """Clean-render findings over the precision budget, ignoring the rules in ``known``."""
    counted = [f for f in findings if f.rule_id not in known]
    severe = [f for f in counted if severity_rank(f.severity) >= severity_rank("warning")]
    info = [f for f in counted if f.severity == "info"]
    out = [f"{f.severity} {f.rule_id} page={f.page_url} target={f.target}: {f.message_en}" for f in severe]
    if len(info) > MAX_CLEAN_INFO:
        out += [f"{len(info)} info findings > {MAX_CLEAN_INFO}:"]
        out += [f"  info {f.rule_id} page={f.page_url} target={f.target}: {f.message_en}" for f in info]
    return out
