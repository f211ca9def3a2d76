"""``xunjian report [RUN]``: (re-)render the daily report of a stored run.

Writes into ``<out>/<site>/<YYYY-MM-DD>_run<id>/`` (``--out`` default: the run's
profile ``report.out_dir``, else ``xunjian-runs``), or exactly into ``--dir``.
RUN is a run id, ``latest`` (default) or ``latest~N``. Exit 0, or 2 on a bad
store, run, format or language.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import reports
from config import ConfigError, load_site
from xunjian import history
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
        profile = None
        if row.get("profile_path"):
            try:
                profile = load_site(row["profile_path"])
            except ConfigError:
                profile = None
        lang = args.lang or (profile["report"]["lang"] if profile else "zh")
        out_root = args.out or (profile["report"]["out_dir"] if profile else "xunjian-runs")
        formats = reports.check_formats(args.formats or reports.DEFAULT_FORMATS)
        folder = args.dir or reports.report_dir(out_root, row["site"], row["today"], run_id)
        files = reports.render(store, run_id, folder, lang=lang, formats=formats)
    except (history.RunNotFound, ValueError) as exc:
        print(f"xunjian report: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for kind, path in files.items():
        print(f"  {kind:6} {path}", file=sys.stderr)
    print(folder)
    return 0
