"""findings.xlsx: the office workbook: a findings sheet (one row per finding, Chinese
headers, filter and frozen header row) and a summary sheet (verdict, veto items, counts).

Written in openpyxl's write-only mode so a portal with tens of thousands of findings
streams out quickly. Every text cell is a string, never a formula (``reports.safe``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports import i18n, safe, write_atomic
from reports.model import localized
from reports.rows import finding_rows

FILENAME = "findings.xlsx"
_WIDTHS = {"page_url": 50, "message": 50, "evidence": 50, "referrers": 50, "advice": 40, "basis": 30,
           "rule_title": 28, "target": 30}
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws, value: Any, font: Font | None = None, fill: PatternFill | None = None,
          alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=safe.spreadsheet_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # belt and braces: a string cell is never a formula
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    words = i18n.strings(lang)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(words["findings"][:31])
    ws.freeze_panes = "A2"
    for col, (key, _zh, _en) in enumerate(i18n.EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(key, 14)
    rows = len(model["findings"]) + 1 + (1 if i18n.run_banner(model, lang) else 0)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(i18n.EXPORT_COLUMNS))}{rows}"
    ws.append([_cell(ws, label, _HEADER_FONT, _HEADER_FILL) for label in i18n.export_headers(lang)])
    for row in finding_rows(model, lang):
        ws.append([_cell(ws, value, alignment=_WRAP) for value in row])

    summary = wb.create_sheet(words["verdict"][:31])
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 30
    run = model["run"]
    lines: list[tuple[str, Any]] = [
        (words["site"], run["site"]), (words["run"], run["id"]), (words["today"], run["today"]),
        (words["verdict"], i18n.verdict_text(model, lang)),
        ("", localized(model["verdict"], "coverage_line", lang)),
        (words["total_findings"], model["summary"]["total"]),
    ]
    if i18n.run_banner(model, lang):
        lines.insert(3, (words["status"], i18n.run_banner(model, lang)))
    lines += [(words[f"sev_{s}"], n) for s, n in model["summary"]["by_severity"].items()]
    lines += [(words[k], model["summary"][k]) for k in ("new", "persisting", "fixed")]
    lines.append(("", ""))
    lines += [(f"{v['id']} {localized(v, 'title', lang)}", words[f"veto_status_{v['status']}"])
              for v in model["veto_items"]]
    for label, value in lines:
        summary.append([_cell(summary, label, _BOLD), _cell(summary, value)])
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomic(out_dir / FILENAME, buf.getvalue())
