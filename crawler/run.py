"""Run one crawl in a child process: ``crawl(site_path, db_path, run_id, ...) -> exit code``.

Twisted's reactor cannot be restarted, so every crawl runs in a fresh interpreter
(``python -m crawler.run ...``, cwd at the repository root so ``scrapy.cfg`` and
``crawler.settings`` apply). That lets ``xunjian`` and the tests crawl many times per
process. The child's stderr (progress line, warnings, one-line errors) passes through.

Exit codes: 0 crawl finished; 1 crawl ended otherwise (see the run's
``crawl_finish_reason`` stat); 2 bad profile or arguments (one line on stderr);
3 a write to the store failed (one line on stderr); 4 the frontier (the waiting requests on disk,
crawler.frontier) could not be written, e.g. its disk is full (one line on stderr); 5 the store writer
process (crawler.store_writer) was killed by a signal (one line on stderr; what it committed is
resumed by the next run); 130 interrupted. A child killed by a signal shows as ``-N`` to ``crawl()``'s
caller.

``crawl(..., lock_fd=FD)`` hands the store lock (``crawler.storelock``) to the child, so
the store stays locked while an orphaned child is still writing.

Ctrl-C: the child runs in its own session so a terminal's SIGINT reaches only this
process (if this process is killed outright, the child notices and stops by itself), which forwards exactly one SIGINT: Scrapy then stops cleanly (pipelines close,
the store commits, run stats are saved). A second Ctrl-C forwards a second SIGINT
(Scrapy's forced shutdown; at most one uncommitted batch is lost). The child is awaited
and ``KeyboardInterrupt`` re-raised, so the caller stops too; facts already written stay.

Command line (what the child runs; also usable by hand)::

    python -m crawler.run --site config/sites/demo.yaml --db xunjian-runs/xunjian.sqlite \\
        [--run-id N] [--today YYYY-MM-DD] [--overrides JSON] [--no-progress] [--full] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_INCOMPLETE, EXIT_CONFIG, EXIT_STORE, EXIT_FRONTIER, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_WRITER_KILLED = 5
INTERRUPT_GRACE_S = 60


def crawl(site_path: str, db_path: str, run_id: int, *, today: str, overrides: dict[str, Any] | None = None,
          progress: bool = True, settings: dict[str, Any] | None = None, lock_fd: int | None = None,
          on_start: Any = None, full: bool = False) -> int:
    """Crawl the site into ``db_path`` under ``run_id`` in a subprocess; return its exit code.
    ``settings`` are extra Scrapy settings (``-s NAME=VALUE``), e.g. ``{"LOG_LEVEL": "INFO"}``;
    ``on_start(pid)`` is called once the child runs (the runner records it)."""
    cmd = [sys.executable, "-m", "crawler.run", "--site", str(Path(site_path).resolve()),
           "--db", str(Path(db_path).resolve()), "--run-id", str(run_id), "--today", str(today)]
    if overrides:
        cmd += ["--overrides", json.dumps(overrides, ensure_ascii=False)]
    if not progress:
        cmd.append("--no-progress")
    if full:
        cmd.append("--full")
    cmd.append("--watch-parent")
    for name, value in (settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from crawler.publicsuffix import OFFLINE_ENV
    env.update(OFFLINE_ENV)  # every tldextract in the child: bundled snapshot, no fetch, no cache
    child = subprocess.Popen(cmd, cwd=str(REPO_ROOT), env=env, start_new_session=True,
                             pass_fds=(lock_fd,) if lock_fd is not None else ())
    if on_start is not None:
        on_start(child.pid)
    try:
        return child.wait()
    except KeyboardInterrupt:
        _stop_child(child)
        raise


def _stop_child(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout=INTERRUPT_GRACE_S)
        return
    except KeyboardInterrupt:  # second Ctrl-C: Scrapy's forced shutdown
        child.send_signal(signal.SIGINT)
    except subprocess.TimeoutExpired:
        child.terminate()
    try:
        child.wait(timeout=10)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        child.kill()
        child.wait()


def _watch_parent(parent_pid: int) -> None:
    """The child runs in its own session, so a parent killed outright (CI timeout, SIGKILL)
    would leave it crawling: when the parent is gone, stop like Ctrl-C would (facts kept)."""
    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                print("xunjian: parent process gone; stopping the crawl", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGINT)
                return
    threading.Thread(target=watch, name="xunjian-watch-parent", daemon=True).start()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.run",
                                     description="Crawl one portal into the store.")
    parser.add_argument("--site", required=True, help="site profile, e.g. config/sites/demo.yaml")
    parser.add_argument("--db", default="xunjian-runs/xunjian.sqlite", help="SQLite store")
    parser.add_argument("--run-id", type=int, default=None, help="write into this run (default: start one)")
    parser.add_argument("--today", default=None, help="YYYY-MM-DD the calendar trap judges against")
    parser.add_argument("--overrides", default=None, help="JSON deep-merged into the profile")
    parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    parser.add_argument("--full", action="store_true",
                        help="cold crawl: reuse nothing an earlier run stored (crawler.spiders.reuse)")
    parser.add_argument("--watch-parent", action="store_true",
                        help="stop cleanly when the launching process dies (set by crawl())")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    from crawler.arguments import ArgumentError, check_arguments
    try:  # fail fast with one line, before Scrapy is even imported
        check_arguments(args.site, args.db, args.run_id, args.today, args.overrides)
    except ArgumentError as exc:
        print(f"xunjian: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.frontier import frontier_dir, frontier_failure, prepare_frontier, remove_frontier
    from crawler.spiders.portal import PortalSpider

    settings = get_project_settings()
    settings.set("XUNJIAN_PROGRESS", not args.no_progress, priority="cmdline")
    # the spider class is handed over below: no need for Scrapy's loader to import every spider module
    # (the distributed worker spider's imports redis and scrapy-redis: ~0.1 s of CPU per crawl)
    settings.set("SPIDER_MODULES", [], priority="cmdline")
    # the scheduler's queue on disk (crawler.frontier): memory stays flat however large the site
    try:
        settings.set("JOBDIR", str(prepare_frontier(args.db)), priority="project")
    except OSError as exc:
        print(f"xunjian: error: {frontier_failure(frontier_dir(args.db), exc)}", file=sys.stderr, flush=True)
        return EXIT_FRONTIER
    for item in args.settings:
        name, _, value = item.partition("=")
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    outcome: dict[str, str] = {}

    def closed(spider, reason) -> None:
        outcome["reason"] = reason

    crawler = process.create_crawler(PortalSpider)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    spider_args = {"site": args.site, "db": args.db, "today": args.today, "overrides": args.overrides,
                   "full": args.full}
    if args.run_id is not None:
        spider_args["run_id"] = args.run_id
    process.crawl(crawler, **spider_args)
    if args.watch_parent:
        _watch_parent(os.getppid())
    try:
        process.start()
    finally:
        remove_frontier(args.db)
    reason = outcome.get("reason")
    if getattr(crawler.spider, "store_error", None):  # a failed write fails the crawl, whatever else
        print(f"xunjian: error: {crawler.spider.store_error}", file=sys.stderr, flush=True)
        return EXIT_WRITER_KILLED if getattr(crawler.spider, "store_writer_killed", None) else EXIT_STORE
    if getattr(crawler.spider, "frontier_error", None):
        print(f"xunjian: error: {crawler.spider.frontier_error}", file=sys.stderr, flush=True)
        return EXIT_FRONTIER
    if reason == "finished":
        return EXIT_OK
    if reason == "shutdown":
        return EXIT_INTERRUPTED
    if reason is None and getattr(process, "bootstrap_failed", False):
        return EXIT_CONFIG
    return EXIT_INCOMPLETE


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # SIGINT before Scrapy's own handler is installed, i.e. while starting
        print("xunjian: crawl interrupted while starting; nothing was fetched yet", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
