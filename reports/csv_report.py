"""findings.csv: one row per finding with Chinese (or English) headers, for offices.

UTF-8 with a byte-order mark so Excel and WPS open Chinese text correctly;
cells that could be read as formulas are neutralised (``reports.safe``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from reports import i18n, safe, write_atomic
from reports.rows import finding_rows

FILENAME = "findings.csv"


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(i18n.export_headers(lang))
    for row in finding_rows(model, lang):
        writer.writerow([safe.spreadsheet_cell(v) for v in row])
    return write_atomic(out_dir / FILENAME, ("\ufeff" + buf.getvalue()).encode("utf-8"))
