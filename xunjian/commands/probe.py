"""``xunjian probe --site PROFILE``: one availability probe of the portal (veto V2), stored.

Fetches the profile's homepage and its first ``availability.key_pages`` columns once
(``xunjian.probe``), stores each result in ``--db`` (the audit's store, so the nightly report
finds them) and prints one line per URL. Run it on a schedule, at least 20 times a day
(docs/availability.md: a cron line and a systemd timer). Exit code: 0 every URL answered 2xx
in time, 1 some did not, 2 a usage, config or store error.
"""

from __future__ import annotations

import argparse
import sys

from config import load_site
from crawler.store import Store
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("probe", help="probe the portal's availability once (V2) and store the result",
                       description="Fetch the homepage and key column pages once; store status and time.")
    p.add_argument("--site", required=True, help="site profile (YAML)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xunjian.probe import probe_site
    site = load_site(args.site)
    store = Store(args.db)
    try:
        results, notes = probe_site(site, store)
    finally:
        store.close()
    for note in notes:
        print(f"xunjian probe: note: {note}", file=sys.stderr)
    for r in results:
        state = "ok  " if r.ok else "FAIL"
        print(f"{state} {r.status if r.status is not None else '---'} {r.elapsed_ms:>6} ms {r.url}"
              + (f"  ({r.error})" if r.error else ""))
    return 0 if all(r.ok for r in results) else 1
