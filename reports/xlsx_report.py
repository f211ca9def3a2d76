"""findings.xlsx: the office workbook: a findings sheet (one row per finding, Chinese
headers, filter and frozen header row, column, owner and 整改期限 to sort and filter by), a
summary sheet (verdict, score, exit code, veto items, counts) and, when the profile names owners
(``owners:``, reports/owners.py), one 整改通知单 sheet per 科室 (finding, page to fix, advice,
deadline) that can be sent to it as it is.

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
from reports.model import localized, rule_index
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
        ("", localized(model["verdict"], "availability_line", lang)),
        (words["total_findings"], model["summary"]["total"]),
    ]
    if i18n.run_banner(model, lang):
        lines.insert(3, (words["status"], i18n.run_banner(model, lang)))
    lines += [(words[f"sev_{s}"], n) for s, n in model["summary"]["by_severity"].items()]
    lines += [(words[k], model["summary"][k]) for k in ("new", "persisting", "fixed")]
    lines.append(("", ""))
    lines += [(f"{v['id']} {localized(v, 'title', lang)}", words[f"veto_status_{v['status']}"])
              for v in model["veto_items"]]
    score = model.get("score")
    if score:
        lines += [("", ""), (words["score_title"], i18n.score_text(score, lang)),
                  ("", words[f"score_verdict_{score['verdict']}"])]
    if model.get("gate"):
        lines += [(words["exit_code"], model["gate"]["exit_code"]),
                  ("", i18n.gate_mode_text(model["gate"], lang)),
                  ("", i18n.gate_failed_text(model["gate"], lang))]
    for label, value in lines:
        summary.append([_cell(summary, label, _BOLD), _cell(summary, value)])
    _notice_sheets(wb, model, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomic(out_dir / FILENAME, buf.getvalue())


_SHEET_UNSAFE = str.maketrans({c: "_" for c in "[]:*?/\\"})
_NOTICE_WIDTHS = (6, 60, 10, 16, 50, 50, 12)


def _sheet_name(base: str, used: set[str]) -> str:
    """A unique sheet name of at most 31 characters without the characters Excel refuses."""
    name = base.translate(_SHEET_UNSAFE)[:31] or "sheet"
    n = 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base.translate(_SHEET_UNSAFE)[:31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _notice_sheets(wb: Workbook, model: dict[str, Any], lang: str) -> None:
    """One 整改通知单 per owner (and one for unassigned findings) when the profile names owners."""
    if not model.get("owners"):
        return
    words = i18n.strings(lang)
    rules = rule_index(model)
    used = {ws.title.lower() for ws in wb.worksheets}
    run = model["run"]
    owners = [*model["owners"], *([{"dept": "", "contact": ""}] if model.get("unowned") else [])]
    for owner in owners:
        dept = owner["dept"] or words["no_owner"]
        mine = sorted((f for f in model["findings"] if (f.get("owner") or "") == owner["dept"]),
                      key=lambda f: (f.get("deadline") or "9999", f["rule_id"], f["fix_page"]))
        ws = wb.create_sheet(_sheet_name(f"{words['notice_sheet']}-{dept}", used))
        for col, width in enumerate(_NOTICE_WIDTHS, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.append([_cell(ws, words["notice_heading"].format(dept=dept), _BOLD)])
        ws.append([_cell(ws, words["site"], _BOLD), _cell(ws, run["site"]), _cell(ws, words["today"], _BOLD),
                   _cell(ws, run["today"]), _cell(ws, words["contact"], _BOLD),
                   _cell(ws, owner.get("contact", ""))])
        ws.append([])
        headers = ("serial", "finding", "severity", "column", "fix_page", "advice", "deadline")
        ws.append([_cell(ws, words[h], _HEADER_FONT, _HEADER_FILL) for h in headers])
        for n, f in enumerate(mine, 1):
            rule = rules.get(f["rule_id"], {})
            title = localized(rule, "title", lang) or f["rule_id"]
            what = f"{title}{'：' if lang == 'zh' else ': '}{localized(f, 'message', lang)}"
            ws.append([_cell(ws, n), _cell(ws, what, alignment=_WRAP),
                       _cell(ws, words[f"sev_{f['severity']}"]), _cell(ws, f["column"]),
                       _cell(ws, f["fix_page"], alignment=_WRAP),
                       _cell(ws, localized(rule, "advice", lang), alignment=_WRAP),
                       _cell(ws, f.get("deadline", ""))])
