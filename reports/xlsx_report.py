"""findings.xlsx: the office workbook: a findings sheet (one row per finding, Chinese
headers, filter and frozen header row) and a summary sheet (verdict, veto items, counts).

Every text cell is written as a string, never a formula (``reports.safe``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports import i18n, safe, write_atomic
from reports.model import localized
from reports.rows import finding_rows

FILENAME = "findings.xlsx"
_WIDTHS = {"page_url": 50, "message": 50, "evidence": 50, "referrers": 50, "advice": 40, "basis": 30,
           "rule_title": 28, "target": 30}
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")


def _put(ws, row: int, col: int, value: Any):
    cell = ws.cell(row=row, column=col)
    cell.value = safe.spreadsheet_cell(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise treat a leading "=" as a formula
    return cell


def _header(ws, labels: list[str]) -> None:
    for col, label in enumerate(labels, 1):
        cell = _put(ws, 1, col, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    words = i18n.strings(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = words["findings"][:31]
    _header(ws, i18n.export_headers(lang))
    wrap = Alignment(wrap_text=True, vertical="top")
    n = 1
    for n, row in enumerate(finding_rows(model, lang), 2):
        for col, value in enumerate(row, 1):
            _put(ws, n, col, value).alignment = wrap
    for col, (key, _zh, _en) in enumerate(i18n.EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(key, 14)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(i18n.EXPORT_COLUMNS))}{max(n, 1)}"

    summary = wb.create_sheet(words["verdict"][:31])
    run = model["run"]
    lines: list[tuple[str, Any]] = [
        (words["site"], run["site"]), (words["run"], run["id"]), (words["today"], run["today"]),
        (words["verdict"], words[f"verdict_{model['verdict']['veto']}"]),
        (words["total_findings"], model["summary"]["total"]),
    ]
    lines += [(words[f"sev_{s}"], n) for s, n in model["summary"]["by_severity"].items()]
    lines += [(words[k], model["summary"][k]) for k in ("new", "persisting", "fixed")]
    lines.append(("", ""))
    lines += [(f"{v['id']} {localized(v, 'title', lang)}", words[f"veto_status_{v['status']}"])
              for v in model["veto_items"]]
    for r, (label, value) in enumerate(lines, 1):
        _put(summary, r, 1, label).font = Font(bold=True)
        _put(summary, r, 2, value)
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 30
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomic(out_dir / FILENAME, buf.getvalue())
