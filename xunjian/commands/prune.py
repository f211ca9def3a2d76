"""``xunjian prune --keep-days N``: retention for the run history.

Deletes runs judged more than N days before ``--today`` (default: the system
date), with their facts and findings, but never the latest run of a site nor
its latest complete run; first-seen dates of findings are kept
(reports/history.py). It takes the store lock (crawler/storelock.py), so it waits
for a run in progress. ``--dry-run`` only lists. Exit 0, or 2 on a bad store or option.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from crawler.storelock import StoreLock
from reports import history
from xunjian.commands.run import parse_today
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prune", help="delete runs older than N days (never the latest)",
                       description="Retention: delete stored runs older than --keep-days, keeping each "
                                   "site's latest run.")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--keep-days", type=int, required=True, help="keep runs of the last N days")
    p.add_argument("--site", help="only this site (default: every site in the store)")
    p.add_argument("--today", type=parse_today, help="reference date (default: the system date)")
    p.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    p.add_argument("--vacuum", action="store_true", help="compact the SQLite file afterwards")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.keep_days < 0:
        print("xunjian prune: --keep-days must be 0 or more", file=sys.stderr)
        return 2
    try:
        store = history.open_store(args.db)
    except history.RunNotFound as exc:
        print(f"xunjian prune: {exc}", file=sys.stderr)
        return 2
    # pruning writes: one writer per store, so it waits for a run in progress to finish
    lock = None if args.dry_run else StoreLock(args.db).acquire(
        wait=True, say=lambda line: print(f"xunjian prune: {line}", file=sys.stderr))
    try:
        gone = history.prune(store, args.keep_days, args.today or date.today(), args.site, args.dry_run)
        if args.vacuum and gone and not args.dry_run:
            store.vacuum()
    finally:
        store.close()
        if lock is not None:
            lock.release()
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(gone)} run(s)" + (f": {', '.join(map(str, gone))}" if gone else ""))
    return 0
