"""``xunjian report [RUN]``: (re-)render the daily report of a stored run.

Writes into ``<out>/<site>/<YYYY-MM-DD>_run<id>_<store id>/`` (``--out`` default:
the ``report.out_dir`` recorded in the run manifest, else ``xunjian-runs``), or
exactly into ``--dir``. RUN is a run id, ``latest`` (default: the newest complete
run) or ``latest~N``; an incomplete run is rendered with its banner when named by
id. Exit 0, or 2 on a bad store, run, format or language.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import reports
from checks import manifest
from config import ConfigError
from reports import history
from xunjian import gate
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="render the report of a stored run",
                       description="Render the daily inspection report of a stored run again.")
    p.add_argument("run", nargs="?", default="latest",
                   help="run id, 'latest' or 'latest~N' (default: latest)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--site", help="site name, to pick 'latest' among several sites")
    p.add_argument("--out", help="report root folder (default: the profile's report.out_dir)")
    p.add_argument("--dir", type=Path, help="write into exactly this folder instead of the dated one")
    p.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="report language (default: the profile's, else zh)")
    p.add_argument("--format", dest="formats", action="append",
                   help="output format, repeatable or comma-separated "
                        f"({', '.join(reports.DEFAULT_FORMATS)})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        store = history.open_store(args.db)
    except history.RunNotFound as exc:
        print(f"xunjian report: {exc}", file=sys.stderr)
        return 2
    try:
        run_id = history.resolve_run(store, args.run, args.site)
        row = history.get_run(store, run_id)
        if str(args.run).startswith("latest"):
            for newer, state in history.newer_unfinished(store, run_id):
                print(f"xunjian report: note: run {newer} is newer but {state.status}; "
                      f"rendering run {run_id}, the latest complete run", file=sys.stderr)
        recorded = (manifest.for_run(store, run_id, row["state"].complete)[0].get("profile") or {})
        report_cfg = (recorded.get("settings") or {}).get("report") or {}
        lang = args.lang or report_cfg.get("lang") or "zh"
        out_root = args.out or report_cfg.get("out_dir") or "xunjian-runs"
        formats = reports.check_formats(args.formats or reports.DEFAULT_FORMATS)
        folder = args.dir or reports.report_dir(out_root, row["site"], row["today"], run_id, store.store_id)
        try:  # a run stored before exit records: its gate judged now, and the report says so
            judged = gate.judge_recorded(store, run_id, date.today())
        except ConfigError as exc:
            print(f"xunjian report: note: gate not judged ({exc})", file=sys.stderr)
            judged = None
        files = reports.render(store, run_id, folder, lang=lang, formats=formats, gate=judged)
    except (history.RunNotFound, ValueError) as exc:
        print(f"xunjian report: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for kind, path in files.items():
        print(f"  {kind:6} {path}", file=sys.stderr)
    print(folder)
    return 0
