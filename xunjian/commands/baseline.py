"""``xunjian baseline [RUN] --out FILE --reason TEXT (--expires DATE | --days N)``.

Writes a baseline file accepting the findings of a stored run (optionally only
``--rule`` ids or ``--min-severity`` and worse), each with the reason and expiry
date; the gate ignores them until they expire (see xunjian/baseline.py).
RUN defaults to the latest complete run; an incomplete run is refused. Exit 0, or 2
on a bad store, run or option.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from checks.base import SEVERITIES
from config import ConfigError
from reports import history
from xunjian import baseline
from xunjian.commands.run import parse_today
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("baseline", help="accept a run's findings in a baseline file for the gate",
                       description="Write a baseline of accepted findings (with reason and expiry) "
                                   "from a run.")
    p.add_argument("run", nargs="?", default="latest",
                   help="run id, 'latest' or 'latest~N' (default: latest)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--out", type=Path, required=True, help="baseline file to write, e.g. ci/baseline.json")
    p.add_argument("--reason", required=True, help="why these findings are accepted for now")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--expires", type=parse_today, help="expiry date YYYY-MM-DD (inclusive)")
    when.add_argument("--days", type=int, help="expire this many days from today")
    p.add_argument("--rule", action="append", help="only findings of this rule id (repeatable)")
    p.add_argument("--min-severity", choices=SEVERITIES, help="only findings of this severity or worse")
    p.add_argument("--today", type=parse_today, help="today's date (default: the system date)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    today = args.today or date.today()
    if args.days is not None and args.days < 0:
        print("xunjian baseline: --days must be 0 or more", file=sys.stderr)
        return 2
    expires = args.expires or today + timedelta(days=args.days)
    try:
        store = history.open_store(args.db)
    except history.RunNotFound as exc:
        print(f"xunjian baseline: {exc}", file=sys.stderr)
        return 2
    try:
        run_id = history.resolve_run(store, args.run)
        state = history.get_run(store, run_id)["state"]
        if not state.complete:  # its findings are not the portal's state: never accept them wholesale
            print(f"xunjian baseline: run {run_id} is {state.status}"
                  + (f" ({state.code}: {state.detail})" if state.code else "")
                  + "; make the baseline from a complete run (default: latest)", file=sys.stderr)
            return 2
        n = baseline.write(store, run_id, args.out, reason=args.reason, expires=expires, today=today,
                           rules=args.rule, min_severity=args.min_severity)
    except (history.RunNotFound, ConfigError) as exc:
        print(f"xunjian baseline: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"wrote {n} accepted finding(s) of run {run_id} to {args.out} (expire {expires})")
    return 0
