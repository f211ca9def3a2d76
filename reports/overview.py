"""The multi-site overview: one row per site of a multi-site run, the worst first.

``build(store, outcomes, today, lang, budget)`` makes the overview document (a plain dict, written
as overview.json); ``render(doc, folder, formats)`` writes ``overview.json``, ``overview.html``
(one offline file, sortable table, the only inline script allowed by its hash) and
``overview.xlsx`` (one sheet) into ``folder(out_root, today, store_id, run_ids)`` =
``<out_root>/overview/<YYYY-MM-DD>_runs<first>-<last>_<store id>/``. ``formats`` (``--format``)
picks among html, json and xlsx; the other formats are per-site only.

Each row is read from the site's own report model (``reports.model.build``), so the overview
and the site's report never disagree: veto verdict, veto failures, deductions, counts by
severity, new/fixed since the previous complete run, crawl coverage, pages, the gate's exit
code, and the relative link to the site's report. A profile that did not load or an audit
that crashed is a row with state ``error`` and the one-line reason.

Order (worst first): not audited, incomplete, unreachable homepage, veto fail, gate fail, veto
not all checked, pass; then more critical, more error findings, more deductions, more warnings.
Language: zh by default, en with ``--lang en`` (strings in reports/i18n.py, ``ov_*``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from checks.base import SEVERITIES
from reports import i18n, safe, write_atomic

FORMATS = ("html", "json", "xlsx")
TEMPLATES = Path(__file__).resolve().parent / "templates"
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)
# the state rank of a row: lower is worse
_RANK = {"error": 0, "incomplete": 1, "unreachable": 2}


def folder(out_root: str | Path, today: date, store_id: str, run_ids: list[int]) -> Path:
    runs = f"runs{min(run_ids)}-{max(run_ids)}" if run_ids else "runs-none"
    return Path(out_root) / "overview" / f"{today.isoformat()}_{runs}_{_UNSAFE.sub('_', store_id) or 'store'}"


def _error_row(outcome: Any) -> dict[str, Any]:
    job = outcome.job
    return {"site": job.name, "profile": str(job.path), "run_id": None, "state": "error",
            "detail": outcome.error, "veto": None, "veto_failed": 0, "deductions": 0,
            "by_severity": {s: 0 for s in SEVERITIES}, "total": 0, "new": 0, "fixed": 0,
            "coverage": None, "pages": None, "exit_code": 2, "report": None, "report_dir": None}


def _site_row(store: Any, outcome: Any, lang: str) -> dict[str, Any]:
    from reports import model as model_mod
    result = outcome.result
    model = model_mod.build(store, result.run_id, lang)
    summary, verdict, run = model["summary"], model["verdict"], model["run"]
    state = "complete" if run["status"] == "complete" else "incomplete"
    detail = i18n.run_banner(model, lang)
    if state == "complete" and not model["manifest"].get("site_readable", True):
        state, detail = "unreachable", i18n.strings(lang)["ov_unreachable_detail"]
    coverage = verdict.get("coverage") or {}
    report = None
    if result.report_dir is not None:
        report = str(result.files.get("html") or result.report_dir)
    return {"site": run["site"], "profile": str(outcome.job.path), "run_id": result.run_id, "state": state,
            "detail": detail, "veto": verdict["veto"], "veto_failed": verdict.get("veto_failed", 0),
            "deductions": summary["deductions"], "by_severity": summary["by_severity"],
            "total": summary["total"], "new": summary["new"], "fixed": summary["fixed"],
            "coverage": coverage.get("percent"), "pages": (run["stats"] or {}).get("pages"),
            "exit_code": result.exit_code, "report": report,
            "report_dir": str(result.report_dir) if result.report_dir else None}


def worst_first(row: dict[str, Any]) -> tuple:
    sev = row["by_severity"]
    if row["state"] in _RANK:
        rank = _RANK[row["state"]]
    elif row["veto"] == "fail":
        rank = 3
    elif row["exit_code"]:
        rank = 4
    elif row["veto"] != "pass":
        rank = 5
    else:
        rank = 6
    return (rank, -sev.get("critical", 0), -sev.get("error", 0), -row["deductions"],
            -sev.get("warning", 0), row["site"])


def overall_exit(codes: list[int]) -> int:
    """2 when any site is incomplete or could not be audited, else 1 when any fails, else 0."""
    if any(code not in (0, 1) for code in codes):
        return 2
    return 1 if 1 in codes else 0


def build(store: Any, outcomes: list[Any], today: date, lang: str, budget: dict[str, int]) -> dict[str, Any]:
    i18n.strings(lang)  # an unknown language fails here, before anything is written
    rows = [_site_row(store, o, lang) if o.result is not None and o.result.run_id is not None
            else _error_row(o) for o in outcomes]
    rows.sort(key=worst_first)
    return {"kind": "xunjian-overview", "schema_version": "1.0", "lang": lang, "today": today.isoformat(),
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "budget": budget, "exit_code": overall_exit([r["exit_code"] for r in rows]), "sites": rows}


def _relative(target: str | None, base: Path) -> str | None:
    if not target:
        return None
    return os.path.relpath(Path(target).resolve(), base.resolve()).replace(os.sep, "/")


def render(doc: dict[str, Any], out: Path,
           formats: tuple[str, ...] | list[str] | None = None) -> dict[str, Path]:
    wanted = [f for f in (formats or FORMATS) if f in FORMATS] or list(FORMATS)
    out.mkdir(parents=True, exist_ok=True)
    for row in doc["sites"]:
        row["report_link"] = _relative(row["report"], out)
    files: dict[str, Path] = {}
    if "json" in wanted:
        files["json"] = write_atomic(out / "overview.json",
                                     json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    if "html" in wanted:
        files["html"] = write_atomic(out / "overview.html", to_html(doc).encode("utf-8"))
    if "xlsx" in wanted:
        files["xlsx"] = write_atomic(out / "overview.xlsx", to_xlsx(doc))
    return files


def _cells(row: dict[str, Any], words: dict[str, str]) -> list[tuple[Any, Any]]:
    """(shown text, sort key) per column, in ``COLUMNS`` order."""
    veto = words[f"ov_veto_{row['veto']}"] if row["veto"] else words["ov_veto_none"]
    cov = row["coverage"]
    return [
        (row["site"], row["site"]),
        (words[f"ov_state_{row['state']}"], _RANK.get(row["state"], 9)),
        (veto, worst_first(row)[0]),
        (words[f"ov_gate_{row['exit_code']}"], -row["exit_code"]),
        (row["veto_failed"], row["veto_failed"]),
        (row["deductions"], row["deductions"]),
        *((row["by_severity"].get(s, 0), row["by_severity"].get(s, 0)) for s in reversed(SEVERITIES)),
        (row["new"], row["new"]),
        (row["fixed"], row["fixed"]),
        ("—" if cov is None else f"{cov:g} %", -1 if cov is None else cov),
        ("—" if row["pages"] is None else row["pages"], row["pages"] or 0),
    ]


def headers(words: dict[str, str]) -> list[str]:
    return [words["ov_site"], words["ov_state"], words["ov_veto"], words["ov_gate"], words["ov_veto_failed"],
            words["ov_deductions"], *(words[f"sev_{s}"] for s in reversed(SEVERITIES)), words["ov_new"],
            words["ov_fixed"], words["ov_coverage"], words["ov_pages"]]


def to_html(doc: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    words = i18n.strings(doc["lang"])
    script = (TEMPLATES / "overview.js").read_text(encoding="utf-8")
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    rows = [{**row, "cells": _cells(row, words), "rank": i} for i, row in enumerate(doc["sites"])]
    return env.get_template("overview.html.j2").render(
        d=doc, w=words, rows=rows, headers=headers(words), js=Markup(script),
        exit_text=words[f"ov_exit_{doc['exit_code']}"],
        budget_text=words["ov_budget"].format(**doc["budget"]),
        script_hash="sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode())


def to_xlsx(doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    words = i18n.strings(doc["lang"])
    wb = Workbook()
    ws = wb.active
    ws.title = words["ov_title"][:31]
    ws.freeze_panes = "A2"
    ws.append([safe.spreadsheet_cell(h) for h in [*headers(words), words["ov_detail"], words["ov_report"]]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in doc["sites"]:
        shown = [text for text, _key in _cells(row, words)]
        extra = [row["detail"] or "", row.get("report_link") or ""]
        ws.append([safe.spreadsheet_cell(v) for v in [*shown, *extra]])
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
