"""Discovery mode on every bundled portal family (xunjian/demo/family.py): the family's own
profile with ``columns: []``, audited end to end over loopback without the browser stage.

Planted render: every planted blank column (``column-blank`` Expect of the family's plants)
is found from the navigation alone, the mandatory 政府信息公开 column each family unlinks
(plants_mandatory.py) is reported missing and no other (one is linked under an alias: a
decoy), and no column decoy is flagged. Clean render: every mandatory column is found (each
family links all five, under its own names) and the precision budget holds in discovery mode
too (no finding of severity warning or worse).
"""

from __future__ import annotations

import pytest

from checks.base import severity_rank
from xunjian.demo import expectations
from xunjian.demo.family import family_names
from xunjian.demo.harness import FamilyRun, audit_family, points_at, resolve

DISCOVERY = {"columns": []}
COLUMN_RULES = {"column-missing", "column-blank", "column-unreadable", "column-stale"}
_runs: dict[tuple[str, bool], FamilyRun] = {}


def _run(family: str, clean: bool, tmp_path_factory) -> FamilyRun:
    if (family, clean) not in _runs:
        tmp = tmp_path_factory.mktemp(f"discovery-{family}-{'clean' if clean else 'planted'}")
        _runs[(family, clean)] = audit_family(family, tmp, clean=clean, browser=False, overrides=DISCOVERY)
    return _runs[(family, clean)]


@pytest.fixture(scope="module", params=family_names())
def planted(request, tmp_path_factory) -> FamilyRun:
    return _run(request.param, False, tmp_path_factory)


@pytest.fixture(scope="module", params=family_names())
def clean(request, tmp_path_factory) -> FamilyRun:
    return _run(request.param, True, tmp_path_factory)


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
