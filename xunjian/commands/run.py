"""``xunjian run --site PROFILE``: audit one portal and write the dated report.

Several sites in one run: ``--site`` repeated, or ``--sites FOLDER`` (every profile in it;
``--only NAME`` keeps the named ones), crawled concurrently within ``--concurrency`` requests over
``--parallel-sites`` sites at a time; the overview report lists them worst first and the exit
code is over all sites (``xunjian.multisite``).

Exit code: 0 when no finding reaches ``--fail-on`` (or the gate passes with
``--gate``), 1 when one does, 2 on a usage, config or tool error and whenever the
run is incomplete (killed or failed crawl, failed browser stage, crashed check
module, report not written). A second run on the same ``--db`` waits for the first;
``--no-wait`` makes it refuse (exit 2) instead. ``--workers N`` crawls one site with N local
processes (``xunjian.localworkers``), always cold. SIGTERM (``systemctl stop``, a cancelled CI
job, ``timeout``) stops a one-site run like Ctrl-C: the crawl stops cleanly, the run is stored
incomplete (``interrupted``, resumed by the next run), one line, exit 2.
"""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import date
from pathlib import Path

from config import ConfigError
from xunjian import multisite, runner


def parse_today(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def add_audit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=runner.DEFAULT_DB, help="SQLite store (default: %(default)s)")
    p.add_argument("--out", help="report root folder (default: the profile's report.out_dir)")
    p.add_argument("--today", type=parse_today, help="judge freshness as of this date (default: today)")
    p.add_argument("--lang", choices=("zh", "en"), help="report language (default: the profile's, zh)")
    p.add_argument("--format", dest="formats", action="append",
                   help="output format, repeatable (html, json, junit, csv, xlsx, md; default: all)")
    p.add_argument("--gate", action="store_true", help="judge with the declarative gate in config/rules.yaml")
    p.add_argument("--baseline", type=Path, help="baseline file of accepted findings (implies --gate)")
    p.add_argument("--no-browser", dest="browser", action="store_false",
                   help="skip the Chromium accessibility stage")
    p.add_argument("--a11y-sample", dest="a11y_sample", action="store_true",
                   help="fast first look: scan a few pages per template instead of every page "
                        "(a11y.scope: sample; the nightly default is all, new or changed pages only)")
    p.add_argument("--quiet", action="store_true", help="no live progress line")
    p.add_argument("--full", action="store_true",
                   help="cold run: revalidate and reuse nothing from earlier runs, resume nothing")
    p.add_argument("--no-wait", dest="wait", action="store_false",
                   help="exit 2 at once when another run holds the store, instead of waiting for it")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="cold crawl on N processes; nightly incremental runs are single-process; "
                        "an interrupted --workers run is resumed by the next run without --workers "
                        "(N >= 2; starts a private redis-server, installed by scripts/setup.sh; "
                        "docs/deployment.md)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="crawl a portal, check it and write the report",
                       description="Audit the portal described by a site profile.")
    p.add_argument("--site", dest="sites", action="append", default=[], metavar="PROFILE",
                   help="site profile, e.g. config/sites/demo.yaml (repeatable: several sites in one run)")
    p.add_argument("--sites", dest="sites_dir", metavar="FOLDER",
                   help="audit every site profile (*.yaml) in FOLDER")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="with several sites: audit only the site(s) of this name or file stem (repeatable)")
    p.add_argument("--parallel-sites", type=int, default=multisite.DEFAULT_PARALLEL_SITES,
                   help="with several sites: how many are audited at once (default: %(default)s)")
    p.add_argument("--concurrency", type=int, default=multisite.DEFAULT_CONCURRENCY_BUDGET,
                   help="with several sites: concurrent requests over all sites (default: %(default)s)")
    p.add_argument("--fail-on", choices=runner.FAIL_ON_CHOICES, default="error",
                   help="exit 1 when a finding of this severity or worse exists (default: %(default)s)")
    p.add_argument("--redis", metavar="URL",
                   help="distributed crawl: seed the queue on this Redis (redis://HOST:PORT), let the "
                        "`xunjian worker`s crawl, write their results here (docs/deployment.md)")
    p.add_argument("--redis-join-timeout", type=float, default=60.0, metavar="S",
                   help="with --redis: fail when no worker joined within S seconds (default: %(default)s)")
    add_audit_options(p)
    p.set_defaults(func=run)


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C: the crawl child is stopped, the run stored ``interrupted``."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def run(args: argparse.Namespace) -> int:
    if not args.sites and not args.sites_dir:
        raise ConfigError("no site to audit; pass --site PROFILE (repeatable) or --sites FOLDER")
    if len(args.sites) > 1 or args.sites_dir or args.only:
        if args.workers:
            raise ConfigError("--workers crawls one site with N processes; for several sites use "
                              "--parallel-sites, or `xunjian worker`s on a Redis (--redis URL)")
        return _run_many(args)
    # SIGTERM's default action would end this process at once: the run left "running", no line said
    # why, and the crawl child stopped on its own only once it noticed its parent was gone
    main_thread = threading.current_thread() is threading.main_thread()  # tests call main() in threads
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if main_thread else None
    try:
        result = runner.audit(
            args.sites[0], db=args.db, out=args.out, today=args.today, lang=args.lang,
            formats=tuple(args.formats) if args.formats else None, fail_on=args.fail_on,
            gate=args.gate, baseline=args.baseline, progress=not args.quiet, browser=args.browser,
            wait=args.wait, full=getattr(args, "full", False), redis=args.redis,
            redis_join_timeout=args.redis_join_timeout, a11y_sample=args.a11y_sample, workers=args.workers,
        )
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    runner.print_summary(result)
    return result.exit_code


def _run_many(args: argparse.Namespace) -> int:
    paths = multisite.profile_paths(args.sites, args.sites_dir, args.only)
    code, folder = multisite.run_many(
        paths, db=args.db, out=args.out, today=args.today, lang=args.lang,
        formats=tuple(args.formats) if args.formats else None, fail_on=args.fail_on, gate=args.gate,
        baseline=args.baseline, browser=args.browser, wait=args.wait, parallel_sites=args.parallel_sites,
        concurrency=args.concurrency, redis=args.redis, redis_join_timeout=args.redis_join_timeout,
        full=getattr(args, "full", False), a11y_sample=args.a11y_sample)
    runner.say(f"overview written: {folder} (exit {code} over all sites)")
    print(folder)  # stdout carries only the overview folder so scripts can capture it
    return code
