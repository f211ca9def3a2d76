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
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("fault")
        if marker is None or report.when != "call" and not report.failed:
            return
        if report.when == "call" or report.failed:
            kw = marker.kwargs
            if report.passed:
                observed = "as expected"
            elif report.skipped:
                observed = "skipped: " + str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else "")
            else:
                text = str(report.longrepr).strip().splitlines()
                last = next((ln for ln in reversed(text) if ln.startswith("E ")), text[-1] if text else "")
                observed = "NOT as expected: " + last[2:].strip()[:120]
            self.rows.append((str(kw.get("item", "?")), kw.get("case", item.name), kw.get("expected", ""),
                              observed))


def main(argv: list[str]) -> int:
    collector = _Collector()
    args = [str(ROOT / "tests"), "-m", "fault", "-q", "-p", "no:cacheprovider", *argv]
    rc = pytest.main(args, plugins=[collector])
    rows = sorted(collector.rows, key=lambda r: [int(p) if p.isdigit() else p for p in r[0].split(".")])
    widths = [max(len(r[i]) for r in rows + [("item", "case", "expected", "observed")]) for i in range(4)]
    widths = [min(w, 60) for w in widths]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(("item", "case", "expected", "observed"), widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(f"\n{sum(r[3] == 'as expected' for r in rows)}/{len(rows)} fault cases as expected")
    return int(rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
