"""``xunjian gate [RUN]``: judge a stored run with the declarative CI gate.

Assertions and veto items are those the run was judged with (its run manifest:
config/rules.yaml merged with the run's profile, as they were when it ran);
``--site`` or ``--rules`` judge it with another profile or rules file instead.
Accepted findings come from ``--baseline`` (or ``gate.baseline``). ``latest``
is the newest complete run; a note names newer runs that did not complete.
Prints one line per assertion (PASS / FAIL / WARN and why). Exit code: 0 the
gate passed, 1 an assertion failed, 2 the run is incomplete (or still running),
or a usage, config, store or baseline error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from config import ConfigError, RULES_FILE, load_site, load_thresholds
from checks import manifest
from reports import history
from xunjian import gate
from xunjian.commands.run import parse_today
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gate", help="check a stored run against the CI gate assertions",
                       description="Evaluate the gate assertions of config/rules.yaml on a stored run.")
    p.add_argument("run", nargs="?", default="latest",
                   help="run id, 'latest' or 'latest~N' (default: latest)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--site", help="site profile whose thresholds.gate overrides apply (default: the run's)")
    p.add_argument("--rules", type=Path, default=None,
                   help=f"rules file (default: as recorded for the run; else {RULES_FILE.name})")
    p.add_argument("--baseline", type=Path, help="baseline file of accepted findings")
    p.add_argument("--today", type=parse_today, help="date for baseline expiry (default: today)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        store = history.open_store(args.db)
    except history.RunNotFound as exc:
        print(f"xunjian gate: {exc}", file=sys.stderr)
        return 2
    try:
        run_id = history.resolve_run(store, args.run)
        row = history.get_run(store, run_id)
        if str(args.run).startswith("latest"):
            for newer, state in history.newer_unfinished(store, run_id):
                print(f"xunjian gate: note: run {newer} is newer but {state.status}"
                      + (f" ({state.code})" if state.code else "") + f"; judging run {run_id}, the latest "
                      "complete run", file=sys.stderr)
        if args.site or args.rules:  # an explicit request to judge with other settings
            site = load_site(args.site) if args.site else None
            thresholds = load_thresholds(site, args.rules or RULES_FILE)
        else:
            thresholds = manifest.for_run(store, run_id, row["state"].complete)[0].get("thresholds") or {}
        veto_items = (thresholds.get("assessment") or {}).get("veto_items") or []
        result = gate.evaluate(store, run_id, thresholds.get("gate") or {}, args.baseline,
                               args.today or date.today(), veto_items=veto_items)
    except history.RunNotFound as exc:
        print(f"xunjian gate: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"xunjian gate: config error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if result.incomplete:
        print(f"xunjian gate: {result.incomplete}", file=sys.stderr)
        return result.exit_code
    print(f"gate on run {run_id} ({row['site']}, {row['today']}):")
    for line in gate.format_result(result):
        print(f"  {line}")
    return result.exit_code
