"""Print, per bundled portal family, planted / found / false alarms per rule family, and the
finding counts by severity on the clean render (the precision budget of issue 8).

Runs the same audits as tests/test_families.py (xunjian.demo.harness: the family served on
loopback, the real ``xunjian.runner.audit``), one planted and two clean per family (without the
browser stage, and with it on a capped sample as the test does):

    .venv/bin/python bench/families.py                      # every family, browser stage on planted runs
    .venv/bin/python bench/families.py --family shanghai --no-browser

Columns: ``planted`` = Expect rows of the rule family (rows of browser-only rules are left out
without the browser, their browserless twins with it), ``found`` = of those, found;
``false`` = findings on a decoy plus, for links and crawl, findings nobody planted (each finding
counted once); ``other`` = the
remaining findings of the rule family on the planted render (consequences of plants, e.g. a
veto counted from planted stale columns). Figures are printed, never asserted here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.base import SEVERITIES  # noqa: E402
from checks.registry import families, rule_families  # noqa: E402
from xunjian.demo import expectations  # noqa: E402
from xunjian.demo.family import family_names  # noqa: E402
from xunjian.demo.harness import audit_family, false_alarms, link_rule_ids, points_at, resolve  # noqa: E402

BROWSER_ONLY = {"a11y-axe", "a11y-contrast", "a11y-axe-review", "a11y-not-scanned", "elder-popup",
                "elder-focus-visible", "elder-nav-keyboard", "elder-text-size"}
STATIC_TWINS = {"a11y-static-lang", "a11y-static-title", "a11y-static-img-alt", "a11y-static-link-name",
                "a11y-static-label"}
CLEAN_BROWSER_PAGES = 6  # as tests/test_families.py: one page per template first


def planted_rows(family: str, browser: bool, tmp: Path) -> list[tuple]:
    run = audit_family(family, tmp, clean=False, browser=browser)
    fam_of = rule_families()  # the family is the folder of the rule's module
    skip = STATIC_TWINS if browser else BROWSER_ONLY
    expected, _ = expectations(family)
    expected = [e for e in expected if e.rule_id not in skip]
    false_found = false_alarms(run)
    matched = set()
    rows = []
    for rf in families():
        exp = [e for e in expected if fam_of.get(e.rule_id) == rf]
        found = 0
        for e in exp:
            url = resolve(e.where, run.bases)
            hits = [f for f in run.findings if f.rule_id == e.rule_id and points_at(f, url)]
            found += bool(hits)
            matched.update(id(f) for f in hits)
        false = sum(1 for f in false_found if fam_of.get(f.rule_id) == rf)
        other = sum(1 for f in run.findings if fam_of.get(f.rule_id) == rf and id(f) not in matched
                    and f not in false_found and f.rule_id not in link_rule_ids())
        rows.append((rf, len(exp), found, false, other))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append", choices=family_names(), help="only this family (repeatable)")
    ap.add_argument("--no-browser", action="store_true", help="skip the browser stage on planted runs")
    args = ap.parse_args(argv)
    families = args.family or family_names()
    browser = not args.no_browser
    print(f"{'family':10} {'rule family':11} {'planted':>7} {'found':>6} {'false':>6} {'other':>6}")
    clean_lines = []
    with tempfile.TemporaryDirectory(prefix="families-bench-") as tmp:
        for family in families:
            for rf, planted, found, false, other in planted_rows(family, browser, Path(tmp) / f"{family}-p"):
                print(f"{family:10} {rf:11} {planted:7d} {found:6d} {false:6d} {other:6d}", flush=True)
            for with_browser in (False, True) if browser else (False,):
                cap = {"a11y": {"max_pages": CLEAN_BROWSER_PAGES, "scope": "sample"}} if with_browser else None
                run = audit_family(family, Path(tmp) / f"{family}-c{int(with_browser)}", clean=True,
                                   browser=with_browser, overrides=cap)
                counts = Counter(f.severity for f in run.findings)
                scanned = (run.stats.get("a11y") or {}).get("pages_audited", 0)
                clean_lines.append(f"{family:10} {'browser' if with_browser else 'no browser':10} "
                                   + " ".join(f"{s}={counts.get(s, 0)}" for s in SEVERITIES)
                                   + f"  ({run.stats.get('pages', 0)} pages, {scanned} scanned)"
                                   + "".join(f"\n{'':21}{f.severity} {f.rule_id} {f.page_url}"
                                             for f in run.findings))
    print("\nclean render (no plants): findings by severity, without and with the browser stage "
          f"(capped at {CLEAN_BROWSER_PAGES} pages, one per template first)")
    print("\n".join(clean_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
