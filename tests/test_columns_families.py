"""Discovery mode on every bundled portal family (xunjian/demo/family.py): the family's own
profile with ``columns: []``. Each render is crawled over loopback once per session (the runs of
tests/test_families.py, and the demo audit of tests/conftest.py for the planted trs render); its
checks stage runs again here with the discovery profile on a copy of the store (``_rechecked``).

Planted render: every planted blank column (``column-blank`` Expect of the family's plants)
is found from the navigation alone, the mandatory 政府信息公开 column each family unlinks
(plants_mandatory.py) is reported missing and no other (one is linked under an alias: a
decoy), and no column decoy is flagged. Clean render: every mandatory column is found (each
family links all five, under its own names) and the precision budget holds in discovery mode
too (no finding of severity warning or worse).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.base import CheckContext, severity_rank
from checks.registry import run_checks
from config import deep_merge, load_site, load_thresholds
from crawler.store import Store
from tests._demo_audit import copy_store
from xunjian.demo import build_site, expectations
from xunjian.demo.family import family_names
from xunjian.demo.harness import TODAY, FamilyRun, points_at, resolve
from xunjian.demo.profiles import apply_env, restore_env

DISCOVERY = {"columns": []}
COLUMN_RULES = {"column-missing", "column-blank", "column-unreadable", "column-stale"}
_runs: dict[tuple[str, bool], FamilyRun] = {}


def _rechecked(run: FamilyRun, tmp: Path) -> FamilyRun:
    """The checks stage of a discovery-mode audit of ``run``'s crawl: the family's own profile with
    ``columns: []`` merged in (as ``runner.audit(overrides=...)`` loads it), every check module run
    on a private copy of the run's store. The crawl does not read ``columns`` (only the checks and
    the browser stage's sample do), so it is the crawl a discovery-mode audit would make."""
    site = build_site(TODAY, run.family, clean=run.clean)
    profile = site.family.profile(site, run.bases, run.clean)
    previous = apply_env(profile.env)
    try:
        loaded = load_site(profile.path, deep_merge(profile.overrides, DISCOVERY))
    finally:
        restore_env(previous)
    store = Store(copy_store(run.db, tmp / "x.sqlite"))
    try:
        ctx = CheckContext(store=store, run_id=run.result.run_id, site=loaded,
                           thresholds=load_thresholds(loaded), today=TODAY)
        run_checks(ctx)
        assert not store.run_stats(run.result.run_id).get("check_errors")
        findings = store.findings(run.result.run_id)
    finally:
        store.close()
    return FamilyRun(run.family, run.clean, run.result, findings, run.bases, run.stats, tmp / "x.sqlite")


def _run(family: str, clean: bool, request, family_runs) -> FamilyRun:
    if (family, clean) not in _runs:
        factory = request.getfixturevalue("tmp_path_factory")
        if family == "trs" and not clean:  # the trs planted render is the session's demo audit
            demo = request.getfixturevalue("demo_audit")
            crawled = FamilyRun("trs", False, demo.result, demo.findings, demo.bases, demo.stats,
                                demo.stats["db"])
        else:  # the run tests/test_families.py asserts on (one audit per render for the session)
            crawled = family_runs(family, clean)
        assert crawled.result.incomplete is None, crawled.result.messages
        tmp = factory.mktemp(f"discovery-{family}-{'clean' if clean else 'planted'}")
        _runs[(family, clean)] = _rechecked(crawled, tmp)
    return _runs[(family, clean)]


@pytest.fixture(scope="module", params=family_names())
def planted(request, family_runs) -> FamilyRun:
    return _run(request.param, False, request, family_runs)


@pytest.fixture(scope="module", params=family_names())
def clean(request, family_runs) -> FamilyRun:
    return _run(request.param, True, request, family_runs)


def test_planted_blank_columns_are_found_from_the_navigation(planted):
    expected, _ = expectations(planted.family)
    blanks = [e for e in expected if e.rule_id == "column-blank"]
    assert blanks, f"{planted.family} plants no blank column"
    missed = [f"{e.where} ({e.note})" for e in blanks
              if not any(f.rule_id == "column-blank" and points_at(f, resolve(e.where, planted.bases))
                         for f in planted.findings)]
    assert not missed, f"{planted.family}: blank columns not found in discovery mode:\n" + "\n".join(missed)
    assert any(f.rule_id == "columns-discovered" for f in planted.findings)


def test_the_planted_missing_mandatory_column_and_no_other_is_reported(planted):
    """Each family unlinks one mandatory column (plants_mandatory.py) and links another under an
    alias (a decoy): exactly the unlinked one is reported, on the homepage, naming the column."""
    expected, _ = expectations(planted.family)
    planted_missing = {e.where for e in expected
                       if e.rule_id == "column-missing" and not e.where.startswith("/")}
    assert planted_missing, f"{planted.family} plants no missing mandatory column"
    reported = {f.target for f in planted.findings
                if f.rule_id == "column-missing" and f.evidence.get("mandatory")}
    assert reported == planted_missing, f"{planted.family}: mandatory columns reported missing: {reported}"
    home = [f.page_url for f in planted.findings if f.rule_id == "columns-discovered"]
    assert all(f.page_url in home for f in planted.findings if f.rule_id == "column-missing"
               and f.target in planted_missing)


def test_every_mandatory_column_is_found_on_the_clean_render(clean):
    missing = [f.target for f in clean.findings if f.rule_id == "column-missing"]
    assert not missing, f"{clean.family} (clean): mandatory columns not found: {missing}"


def test_no_column_decoy_is_flagged(planted):
    _, decoys = expectations(planted.family)
    flagged = [f"{f.rule_id} @ {d.where} ({d.note})" for d in decoys if d.rule_id in COLUMN_RULES | {"*"}
               for f in planted.findings if f.rule_id in COLUMN_RULES and d.rule_id in ("*", f.rule_id)
               and points_at(f, resolve(d.where, planted.bases))]
    assert not flagged, f"{planted.family}: column decoys flagged in discovery mode:\n" + "\n".join(flagged)


def test_clean_render_in_discovery_mode_stays_within_the_budget(clean):
    loud = [f"{f.severity} {f.rule_id} page={f.page_url} target={f.target}" for f in clean.findings
            if severity_rank(f.severity) >= severity_rank("warning")]
    assert not loud, f"{clean.family} (clean, discovery): findings of warning or worse:\n" + "\n".join(loud)
