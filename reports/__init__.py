"""Report rendering: ``render(store, run_id, out_dir, lang, formats)`` writes the daily report.

The model (``reports.model.build``) is built once; each format is one module
with ``render(model, out_dir, lang) -> Path``: ``html`` (report.html, single
offline file), ``json`` (report.json, the model itself, schema
docs/report-schema.json), ``junit`` (junit.xml), ``csv`` (findings.csv), ``xlsx``
(findings.xlsx) and ``md`` (summary.md). ``report_dir`` chooses the dated folder
``<out_root>/<site>/<YYYY-MM-DD>_run<id>_<store id>/``: the store id (``Store.store_id``,
random per store file) keeps a second or recreated store from writing over another
store's folders; re-rendering a run writes into its own folder again. Language: ``lang`` ("zh" default,
"en"), from ``--lang`` or the profile's ``report.lang``.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from config import ConfigError
from crawler.store import Store

DEFAULT_FORMATS = ("html", "json", "junit", "csv", "xlsx", "md")
FORMAT_MODULES = {
    "html": "reports.html_report", "json": "reports.json_report", "junit": "reports.junit_report",
    "csv": "reports.csv_report", "xlsx": "reports.xlsx_report", "md": "reports.md_report",
}
_UNSAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


class FormatError(ConfigError, ValueError):
    """An unknown report format or language (a usage error: the CLI exits 2 with this line)."""


def report_dir(out_root: str | Path, site: str, today: date | str, run_id: int, store_id: str) -> Path:
    """``<out_root>/<site>/<YYYY-MM-DD>_run<id>_<store id>/`` (site name made filesystem-safe)."""
    day = today.isoformat() if isinstance(today, date) else str(today)
    safe_site = _UNSAFE_NAME.sub("_", site).strip("._") or "site"
    safe_store = _UNSAFE_NAME.sub("_", str(store_id)).strip("._") or "store"
    return Path(out_root) / safe_site / f"{day}_run{int(run_id)}_{safe_store}"


def check_formats(formats: tuple[str, ...] | list[str]) -> list[str]:
    wanted = []
    for fmt in formats:
        for part in str(fmt).split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in FORMAT_MODULES:
                raise FormatError(f"unknown report format {part!r}; use one of {', '.join(DEFAULT_FORMATS)}")
            if part not in wanted:
                wanted.append(part)
    return wanted


def render(store: Store, run_id: int, out_dir: str | Path, lang: str = "zh",
           formats: tuple[str, ...] | list[str] = DEFAULT_FORMATS, **model_options: Any) -> dict[str, Path]:
    """Write the report of ``run_id`` in each format into ``out_dir``; return format -> file.

    ``model_options`` go to ``reports.model.build`` (extra rules, thresholds, disabled modules).
    """
    from reports import i18n, model as model_mod
    if lang not in i18n.LANGS:
        raise FormatError(f"unknown report language {lang!r}; use one of {', '.join(i18n.LANGS)}")
    wanted = check_formats(formats)
    model = model_mod.build(store, run_id, lang, **model_options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_screenshots(store, model, out)
    return {fmt: importlib.import_module(FORMAT_MODULES[fmt]).render(model, out, lang) for fmt in wanted}


def write_screenshots(store: Store, model: dict[str, Any], out: Path) -> None:
    """The run's screenshots as files beside the report (``screenshots/<hash>.jpg``), each once."""
    for shot in model.get("screenshots") or []:
        found = store.screenshot(shot["hash"])
        if found is None:
            continue
        path = out / shot["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            write_atomic(path, found[1])


def write_atomic(path: Path, data: bytes) -> Path:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
