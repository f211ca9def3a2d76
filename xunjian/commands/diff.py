"""``xunjian diff [BASE] [HEAD]``: what changed between two stored runs of a site.

Findings are matched by fingerprint: ``+`` new in HEAD, ``-`` fixed (in BASE,
gone from HEAD), ``=`` persisting (listed with ``--all``). Defaults: BASE is
``latest~1``, HEAD ``latest``. ``--json`` prints a machine-readable document.
``--list`` lists every stored run with its state (complete, incomplete with the
reason, running); ``latest`` names the newest complete run. Exit 0, or 2 on a bad store or run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from reports import history
from xunjian.runner import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="new / fixed / persisting findings between two runs",
                       description="Compare the findings of two stored runs by fingerprint.")
    p.add_argument("base", nargs="?", default="latest~1", help="older run (default: latest~1)")
    p.add_argument("head", nargs="?", default="latest", help="newer run (default: latest)")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--site", help="site name, to resolve 'latest' among several sites")
    p.add_argument("--all", action="store_true", help="also list persisting findings")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--list", action="store_true", help="list stored runs and exit")
    p.set_defaults(func=run)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _line(mark: str, f) -> str:
    # crawled strings may carry terminal escape sequences: never print them raw
    target = f" -> {f.target}" if f.target else ""
    return _CONTROL.sub("?", f"{mark} [{f.severity}] {f.rule_id}  {f.page_url}{target}  {f.message_en}")


def run(args: argparse.Namespace) -> int:
    try:
        store = history.open_store(args.db)
    except history.RunNotFound as exc:
        print(f"xunjian diff: {exc}", file=sys.stderr)
        return 2
    try:
        if args.list:
            for row in store.runs(args.site):
                state = store.run_state(row)
                why = f"  ({state.code}: {state.detail})" if state.code else ""
                resumed = store.resumed_by(int(row["id"])) if state.code else None
                if resumed is not None:  # crawler.spiders.reuse: the crawl went on in that run
                    why += f"  resumed by run {resumed}"
                print(_CONTROL.sub("?", f"{row['id']:>6}  {row['site']}  {row['today']}  {state.status:<10}  "
                                        f"{row['started_at']}{why}"))
            return 0
        head = history.resolve_run(store, args.head, args.site)
        base = history.resolve_run(store, args.base, args.site or history.get_run(store, head)["site"])
        if history.get_run(store, base)["site"] != history.get_run(store, head)["site"]:
            print(f"xunjian diff: runs {base} and {head} belong to different sites; compare runs of one site",
                  file=sys.stderr)
            return 2
        diff = history.compare(store, base, head)
    except history.RunNotFound as exc:
        print(f"xunjian diff: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.json:
        def dump(items):
            return [{"fingerprint": f.fingerprint, "rule_id": f.rule_id, "severity": f.severity,
                     "page_url": f.page_url, "target": f.target, "message_en": f.message_en} for f in items]
        doc = {"base_run": base, "head_run": head, "new": dump(diff.new), "fixed": dump(diff.fixed),
               "persisting": dump(diff.persisting)}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(f"run {base} -> run {head}: {len(diff.new)} new, {len(diff.fixed)} fixed, "
          f"{len(diff.persisting)} persisting")
    for f in diff.new:
        print(_line("+", f))
    for f in diff.fixed:
        print(_line("-", f))
    if args.all:
        for f in diff.persisting:
            print(_line("=", f))
    return 0
