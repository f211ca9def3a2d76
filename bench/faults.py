"""Print the fault matrix: every injected-fault test, what it expects and what was observed.

Fault tests live in ``tests/test_faults_*.py`` and carry
``@pytest.mark.fault(item="9.1", case="kill -9 of the run parent", expected="run incomplete; gate exits 2")``.
This script runs them (real servers on loopback, as the suite does) and prints one row per case:
the issue item, the case, the expected behaviour and the observed outcome (``as expected`` when the
test passed, otherwise the first line of its failure).

    .venv/bin/python bench/faults.py            # all fault cases
    .venv/bin/python bench/faults.py -k ssrf    # a subset (any pytest -k expression)

Figures are printed, never asserted here; the suite asserts the same tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class _Collector:
    """One row per test (per parameter set): the first phase that did not pass decides, so a
    setup skip or failure is shown, and a failing teardown never adds a second row."""

    def __init__(self) -> None:
        self.by_test: dict[str, tuple[str, str, str, str]] = {}

    @property
    def rows(self) -> list[tuple[str, str, str, str]]:
        return list(self.by_test.values())

    @staticmethod
    def _observed(report) -> str:
        if report.passed:
            return "as expected"
        if report.skipped:
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            return "skipped: " + str(reason)[:120]
        text = str(report.longrepr).strip().splitlines()
        last = next((ln for ln in reversed(text) if ln.startswith("E ")), text[-1] if text else "")
        return f"NOT as expected ({report.when}): " + last[2:].strip()[:120]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("fault")
        if marker is None:
            return
        previous = self.by_test.get(item.nodeid)
        if previous is not None and previous[3] != "as expected":
            return  # an earlier phase already failed or skipped: keep that
        if report.passed and report.when != "call":
            return  # setup/teardown passing says nothing about the case
        kw = marker.kwargs
        case = kw.get("case", item.name)
        callspec = getattr(item, "callspec", None)
        if callspec is not None:
            case = f"{case} [{callspec.id}]"
        self.by_test[item.nodeid] = (str(kw.get("item", "?")), case, kw.get("expected", ""),
                                     self._observed(report))


def main(argv: list[str]) -> int:
    collector = _Collector()
    args = [str(ROOT / "tests"), "-m", "fault", "-q", "-p", "no:cacheprovider", *argv]
    rc = pytest.main(args, plugins=[collector])
    # issue items sort numerically (9.2 before 9.12); a non-numeric part sorts after numbers
    rows = sorted(collector.rows, key=lambda r: [(0, int(p), "") if p.isdigit() else (1, 0, p)
                                                 for p in r[0].split(".")])
    widths = [max(len(r[i]) for r in rows + [("item", "case", "expected", "observed")]) for i in range(4)]
    widths = [min(w, 60) for w in widths]
    if not rows:
        print("\nno fault case was selected")
        return int(rc)
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(("item", "case", "expected", "observed"), widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(f"\n{sum(r[3] == 'as expected' for r in rows)}/{len(rows)} fault cases as expected")
    return int(rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
