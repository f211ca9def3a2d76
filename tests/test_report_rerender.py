"""A stored run re-renders exactly as the run wrote it, from the store alone (issue 10).

The report, the gate and ``xunjian report`` read the run record (facts, findings, the run manifest
with the effective profile and thresholds, the exit record); nothing reloads the profile or
rules.yaml from disk. Proof: audit a bundled portal family, then forbid every config load and
render the stored run again with ``xunjian report``; every format equals what the run wrote (the
JSON's ``generated_at`` and the HTML header's generation time aside; the XLSX compared cell by
cell, its zip timestamps aside).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

import config
from xunjian.cli import main

# a planted render with findings in every format, audited without the browser stage: the planted
# run tests/test_families.py audits for this family (tests/_family_runs.py), not a second audit
FAMILY = "hanweb"


@pytest.fixture(scope="module")
def stored_run(family_runs):
    # the planted run tests/test_families.py asserts on (audited once per session); only read here
    run = family_runs(FAMILY, False)
    assert run.result.report_dir and run.findings, run.result.messages
    return run.db, run


def _forbid_config(monkeypatch):
    # Import every command first: a module importing ``from config import load_site`` while the
    # patch is on would keep the refusing stand-in after the test (and break later tests).
    import xunjian.commands
    for info in pkgutil.iter_modules(xunjian.commands.__path__):
        importlib.import_module(f"xunjian.commands.{info.name}")

    def refuse(*_args, **_kwargs):
        raise AssertionError("a stored run's report must not reload the profile or rules.yaml")
    monkeypatch.setattr(config, "load_site", refuse)
    monkeypatch.setattr(config, "load_thresholds", refuse)


def _json_without_clock(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at", None)
    return data


# the HTML header's 生成时间 (minute precision): a shared run is re-rendered minutes after it was written
_HTML_CLOCK = re.compile(r"(<strong>(?:生成时间|Generated)</strong>) \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def _html_without_clock(path: Path) -> str:
    text, count = _HTML_CLOCK.subn(r"\1 (clock)", path.read_text(encoding="utf-8"))
    assert count == 1, f"{path.name}: expected one generation time in the header, found {count}"
    return text


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_stored_run_rerenders_identically_without_its_config(stored_run, tmp_path, monkeypatch):
    db, run = stored_run
    original = Path(run.result.report_dir)
    _forbid_config(monkeypatch)
    again = tmp_path / "again"
    assert main(["report", str(run.result.run_id), "--db", str(db), "--dir", str(again)]) == 0
    written = sorted(p.name for p in original.iterdir() if p.is_file())
    assert written == sorted(p.name for p in again.iterdir() if p.is_file())
    assert {"report.html", "report.json", "summary.md", "junit.xml", "findings.csv"} <= set(written)
    for name in written:
        if name.endswith(".json"):
            assert _json_without_clock(original / name) == _json_without_clock(again / name), name
        elif name.endswith(".xlsx"):
            assert _cells(original / name) == _cells(again / name), name
        elif name.endswith(".html"):
            assert _html_without_clock(original / name) == _html_without_clock(again / name), name
        else:
            assert (original / name).read_bytes() == (again / name).read_bytes(), name


def test_gate_of_a_stored_run_needs_no_config(stored_run, monkeypatch, capsys):
    db, run = stored_run
    _forbid_config(monkeypatch)
    code = main(["gate", str(run.result.run_id), "--db", str(db)])
    assert code == run.result.exit_code, capsys.readouterr()


def test_run_notes_reach_the_report_in_its_language(stored_run, tmp_path):
    """The checks' run notes (e.g. the 政策解读率 of each column) are shown under 注意 / Notes."""
    db, run = stored_run
    zh = (Path(run.result.report_dir) / "report.html").read_text(encoding="utf-8")
    assert "政策解读率（近" in zh and "policy interpretation rate" not in zh
    en_dir = tmp_path / "en"
    assert main(["report", str(run.result.run_id), "--db", str(db), "--dir", str(en_dir),
                 "--lang", "en", "--format", "html"]) == 0
    en = (en_dir / "report.html").read_text(encoding="utf-8")
    assert "policy interpretation rate (政策解读率" in en
