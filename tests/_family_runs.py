"""One audit per bundled portal family and render, shared by every test module of the session.

``family_run(family, clean, tmp_path_factory)`` (tests use it through the session fixture
``family_runs`` of tests/conftest.py, which keeps them on one pytest-xdist worker) audits the family's
planted or clean render once (``xunjian.demo.harness.audit_family``) and hands the same ``FamilyRun``
to each later caller:
tests/test_families.py asserts on every run, tests/test_report_rerender.py re-renders the planted
``hanweb`` run from its store. A family audit waits out its planted slow and rate-limited links
(tens of seconds of an otherwise idle suite), so auditing the same render twice is pure waste.
Callers only read a run (its store and report folder); anything they write goes to their own tmp.
"""

from __future__ import annotations

from xunjian.demo.harness import FamilyRun, audit_family

# the planted renders audited with the browser stage (the trs one is tests/test_demo_audit.py)
PLANTED_BROWSER = {"shanghai"}
# the clean renders are audited WITH the browser stage on a capped sample: one page of each
# template first (crawler/browser/sampling.py), so the homepage, a column list and an article of
# every family are scanned by axe and the keyboard/elder probes (the precision budget covers them)
CLEAN_BROWSER_PAGES = 6

_runs: dict[tuple[str, bool], FamilyRun] = {}


def family_run(family: str, clean: bool, tmp_path_factory) -> FamilyRun:
    key = (family, clean)
    if key not in _runs:
        tmp = tmp_path_factory.mktemp(f"{family}-{'clean' if clean else 'planted'}")
        if clean:
            capped = {"a11y": {"max_pages": CLEAN_BROWSER_PAGES, "scope": "sample"}}
            _runs[key] = audit_family(family, tmp, clean=True, browser=True, overrides=capped)
        else:
            # the sample (a11y.scope: sample) keeps the browser stage to a few pages per template
            _runs[key] = audit_family(family, tmp, clean=False, browser=family in PLANTED_BROWSER,
                                      overrides={"a11y": {"scope": "sample"}})
    return _runs[key]
