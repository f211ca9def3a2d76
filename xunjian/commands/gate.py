"""``xunjian gate [RUN]``: judge a stored run with the declarative CI gate.

Assertions come from the ``gate:`` section of config/rules.yaml merged with the
run's site profile (``--site`` to name another profile, ``--rules`` another
rules file); accepted findings from ``--baseline`` (or ``gate.baseline``).
Prints one line per assertion (PASS / FAIL / WARN and why). Exit code: 0 the
gate passed, 1 an assertion failed, 2 usage, config, store or baseline error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from config import ConfigError, RULES_FILE, load_site, load_thresholds
from xunjian import gate, history
from xunjian.commands.run import parse_today
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gate", help="check a stored run against the CI gate assertions",
                       description="Evaluate the gate assertions of config/rules.yaml on a stored run.")
    p.add_argument("run", nargs="?", default="latest",
                   help="run id, 'latest' or 'latest~N' (default: latest)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--site", help="site profile whose thresholds.gate overrides apply (default: the run's)")
    p.add_argument("--rules", type=Path, default=RULES_FILE, help="rules file (default: config/rules.yaml)")
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
        profile_path = args.site or row.get("profile_path")
        site = None
        if profile_path:
            try:
                site = load_site(profile_path)
            except ConfigError as exc:
                if args.site:
                    raise
                print(f"xunjian gate: note: run profile not reloaded ({exc}); using {args.rules} alone",
                      file=sys.stderr)
        thresholds = load_thresholds(site, args.rules)
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
    print(f"gate on run {run_id} ({row['site']}, {row['today']}):")
    for line in gate.format_result(result):
        print(f"  {line}")
    return result.exit_code
