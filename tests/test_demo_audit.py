"""End to end: a real audit of the bundled demo portal over real HTTP.

Builds the demo portal for a fixed "today", serves it on loopback, runs the
whole pipeline (Scrapy crawl in a subprocess, Chromium stage, checks, reports)
exactly as ``xunjian demo`` does, then compares the findings with what the
plant modules declare: every ``Expect`` found, no ``Decoy`` flagged, and, for
the link and crawl rules, no finding that was not planted. The browser stage runs in
``a11y.scope: sample`` (``--a11y-sample``) to keep the suite's Chromium time down, so the
page-specific plant (``Expect.a11y_scope == "all"``) must be missed here; that it is found
with ``scope: all`` is tests/test_a11y_incremental.py. The audit is the session's ``demo_audit``
(tests/conftest.py), shared with tests/test_disclosure_demo.py.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import CONFIG_DIR, load_site, load_thresholds
from crawler.store import Store
from tests._report_language import language_problems
from tests._demo_audit import copy_store
from xunjian.demo import Decoy, Expect, expectations
from xunjian.demo.harness import expected_in, link_rule_ids, points_at, resolve

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_run(demo_audit):
    """The session's demo audit (tests/conftest.py): result, findings, bases, stats."""
    return demo_audit.result, demo_audit.findings, demo_audit.bases, demo_audit.stats


def test_run_completes_and_writes_reports(demo_run):
    result, findings, _, stats = demo_run
    assert result.run_id is not None
    assert result.exit_code == 1, "the demo portal has planted errors, so --fail-on error must fail"
    assert (result.report_dir / "report.html").is_file()
    report = json.loads((result.report_dir / "report.json").read_text(encoding="utf-8"))
    assert len(report["findings"]) == len(findings)
    assert stats.get("pages", 0) >= 100
    # the report says why the exit code is 1: the --fail-on assertion the runner recorded
    gate = report["gate"]
    assert gate["recorded"] and gate["mode"] == "fail-on" and gate["exit_code"] == result.exit_code
    assert gate["assertions"][0]["count"] == sum(1 for f in findings if f.severity in ("error", "critical"))
    assert "--fail-on error" in (result.report_dir / "summary.md").read_text(encoding="utf-8")
    assert report["score"]["verdict"] == "fail" and all(f["deadline"] for f in report["findings"])


def test_report_speaks_the_report_language(demo_run):
    """Every evidence key of the demo's findings has a zh and an en label; no English phrase in a zh
    message or the zh summary (tests/_report_language.py)."""
    result = demo_run[0]
    report = json.loads((result.report_dir / "report.json").read_text(encoding="utf-8"))
    assert language_problems(report) == []


def test_every_planted_defect_is_found(demo_run):
    _, findings, bases, stats = demo_run
    expected, _ = expectations()
    missing = []
    for exp in expected_in(expected, stats):
        url = resolve(exp.where, bases)
        if not any(f.rule_id == exp.rule_id and points_at(f, url) for f in findings):
            missing.append(f"{exp.rule_id} @ {exp.where} ({exp.note})")
    assert not missing, "planted defects not found:\n" + "\n".join(missing)


def test_sampling_misses_the_page_specific_plant(demo_run):
    """The documented limit of the fast mode: the pale credit on one ordinary article is not in the
    article template's sample, so sample mode neither scans that page nor reports its contrast."""
    _, findings, bases, stats = demo_run
    assert stats["a11y"]["scope"] == "sample"
    page_specific = [e for e in expectations()[0] if e.a11y_scope == "all"]
    assert page_specific
    audited = set(stats["a11y_audited_urls"])
    assert len(audited) == stats["a11y"]["pages_audited"] + stats["a11y"]["pages_failed"] > 10
    for exp in page_specific:
        url = resolve(exp.where, bases)
        assert url not in audited, f"{exp.where} is a template sample now; plant it on another article"
        assert not any(f.rule_id == exp.rule_id and points_at(f, url) for f in findings)


def test_no_decoy_is_flagged(demo_run):
    _, findings, bases, _ = demo_run
    _, decoys = expectations()
    flagged = []
    for decoy in decoys:
        url = resolve(decoy.where, bases)
        for f in findings:
            if (decoy.rule_id in ("*", f.rule_id)) and points_at(f, url):
                flagged.append(f"{f.rule_id} @ {decoy.where} ({decoy.note})")
    assert not flagged, "decoys flagged:\n" + "\n".join(flagged)


def test_link_findings_are_exactly_the_planted_ones(demo_run):
    _, findings, bases, _ = demo_run
    expected, _ = expectations()
    link_ids = link_rule_ids()
    planted = {(e.rule_id, resolve(e.where, bases)) for e in expected if e.rule_id in link_ids}
    unexpected = [f"{f.rule_id} page={f.page_url} target={f.target}" for f in findings
                  if f.rule_id in link_ids
                  and not any(rule == f.rule_id and points_at(f, url) for rule, url in planted)]
    assert not unexpected, "link findings nobody planted:\n" + "\n".join(unexpected)


def test_expect_and_decoy_types():
    expected, decoys = expectations()
    assert expected and decoys
    assert all(isinstance(e, Expect) for e in expected)
    assert all(isinstance(d, Decoy) for d in decoys)


def test_findings_of_the_live_page_pass_equal_a_sequential_checks_run(demo_audit, demo_run, monkeypatch,
                                                                     tmp_path):
    """The demo run scanned pages while its crawl ran (checks/livepass.py); the checks run again on
    the same stored run without it (every scan after the crawl) must store the same findings."""
    result, findings, bases, stats = demo_run
    monkeypatch.setenv("XUNJIAN_DEMO_PORT", bases["portal"].rsplit(":", 1)[1])
    live_passes = demo_audit.live_passes
    assert len(live_passes) == 1 and live_passes[0] is not None
    assert live_passes[0].unusable is None and live_passes[0].pages >= 100, live_passes[0].unusable
    site = load_site(CONFIG_DIR / "sites" / "demo.yaml")
    store = Store(copy_store(stats["db"], tmp_path / "x.sqlite"))  # the session's run stays as written
    try:
        ctx = CheckContext(store=store, run_id=result.run_id, site=site, thresholds=load_thresholds(site),
                           today=TODAY)
        run_checks(ctx)
        assert store.findings(result.run_id) == findings
    finally:
        store.close()
