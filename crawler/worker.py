"""A crawl worker of the distributed crawl: ``xunjian worker --redis redis://HOST:PORT``.

``serve(redis_url, once=False)`` watches ``xunjian:jobs`` (published by ``xunjian run --redis``,
crawler/redis_writer.py) and joins each run it has not joined yet: one child process per run
(``python -m crawler.worker --redis URL --job PREFIX``: Twisted's reactor cannot be restarted),
running the ``portal-worker`` spider (crawler/spiders/worker.py) with scrapy-redis' scheduler on
the run's shared queue. A worker started late joins a run in progress and takes work from the
same queue. Runs are crawled side by side (a multi-site run publishes one job per site).
``once=True`` returns after one run (tests, one-shot deployments).

The child's Scrapy settings: scrapy-redis' ``Scheduler`` with ``crawler.distributed.LeasedQueue``
(persisting: the coordinator owns the keys), no item pipeline (facts go to Redis, never to
SQLite), ``XUNJIAN_REDIS_LEASE_S`` from the job. The engine's idle heartbeat is shortened
(``IDLE_POLL_S``) so an idle worker picks up requests other workers queue within a fraction of a
second instead of Scrapy's default five. The child is killed when its ``xunjian worker`` dies
(``die_with_parent``), so a worker stopped outright leaves no crawl process behind.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.5
IDLE_POLL_S = 0.2


def serve(redis_url: str, once: bool = False, say=None) -> int:
    from crawler.distributed import JOBS_KEY, connect
    say = say or (lambda m: print(f"[xunjian worker] {m}", file=sys.stderr, flush=True))
    server = connect(redis_url)
    server.ping()
    joined: set[str] = set()
    children: dict[str, subprocess.Popen] = {}
    say(f"waiting for runs on {redis_url}")
    while True:
        for prefix, child in list(children.items()):
            if child.poll() is not None:
                say(f"{prefix}: crawl worker exited with {child.returncode}")
                del children[prefix]
                if once:
                    return child.returncode
        jobs = {k.decode(): v for k, v in server.hgetall(JOBS_KEY).items()}
        for prefix in sorted(set(jobs) - joined):
            if once and (joined or children):
                break
            joined.add(prefix)
            job = json.loads(jobs[prefix])
            say(f"joining run {job['run_id']} ({job['site']})")
            children[prefix] = start_child(redis_url, prefix)
        time.sleep(POLL_S)


PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL):
    """A ``preexec_fn`` asking Linux to send ``sig`` to the child when the thread that started it
    dies (prctl PR_SET_PDEATHSIG): a parent killed outright (SIGKILL, OOM) then leaves no orphan.
    Elsewhere a no-op."""
    parent = os.getpid()

    def arm() -> None:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
            if os.getppid() != parent:  # the parent died before the request was armed
                os._exit(1)
    return arm


def start_child(redis_url: str, prefix: str, **popen) -> subprocess.Popen:
    """The crawl process of one run (``python -m crawler.worker``); ``popen``: extra Popen options
    (``xunjian.localworkers`` starts it in a session of its own, its stdout on stderr)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from crawler.publicsuffix import OFFLINE_ENV
    env.update(OFFLINE_ENV)
    cmd = [sys.executable, "-m", "crawler.worker", "--redis", redis_url, "--job", prefix]
    return subprocess.Popen(cmd, cwd=str(REPO_ROOT), env=env, preexec_fn=die_with_parent(), **popen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.worker", description="Crawl one run's share.")
    parser.add_argument("--redis", required=True)
    parser.add_argument("--job", required=True, help="the run's key prefix in xunjian:jobs")
    args = parser.parse_args(argv)
    from crawler.distributed import JOBS_KEY, connect, new_worker_id
    raw = connect(args.redis).hget(JOBS_KEY, args.job)
    if raw is None:
        print(f"xunjian: error: no job {args.job} on {args.redis} (finished already?)", file=sys.stderr)
        return 2
    job = json.loads(raw)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    import warnings

    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import ScrapyDeprecationWarning
    # scrapy-redis' own calls of deprecated Scrapy APIs: four warnings per worker on every run, none
    # of them actionable here
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
    from scrapy.utils.project import get_project_settings
    settings = get_project_settings()
    for name, value in {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{args.job}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{args.job}:dupefilter",
        # scrapy-redis reads DUPEFILTER_CLASS; Scrapy 2.19's own filter lacks the from_settings it calls
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": args.redis,
        "ITEM_PIPELINES": {},
        "XUNJIAN_PROGRESS": False,
        "XUNJIAN_REDIS_LEASE_S": float(job.get("lease_s") or 10),
    }.items():
        settings.set(name, value, priority="cmdline")
    with tempfile.TemporaryDirectory(prefix="xunjian-worker-") as tmp:
        profile = Path(tmp) / "profile.yaml"
        profile.write_text(job["profile_yaml"], encoding="utf-8")
        process = CrawlerProcess(settings)  # installs the reactor: Twisted imports only after this
        from scrapy.core.engine import ExecutionEngine

        from crawler.spiders.worker import WorkerPortalSpider
        # an idle worker polls the shared queue; Scrapy's 5 s slot heartbeat would leave it idle long
        ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_S
        outcome: dict[str, str] = {}
        crawler = process.create_crawler(WorkerPortalSpider)
        from scrapy import signals

        def closed(spider, reason) -> None:  # a named receiver: Scrapy holds signal receivers weakly
            outcome["reason"] = reason
        crawler.signals.connect(closed, signal=signals.spider_closed)
        process.crawl(crawler, site=str(profile), today=job["today"], redis_url=args.redis,
                      prefix=args.job, run_id=job["run_id"], worker_id=new_worker_id())
        process.start()
    return 0 if outcome.get("reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
