"""The coordinator and the one writer of a distributed crawl (``xunjian run --redis URL``).

``coordinate(...)`` replaces the crawl child of a one-machine run (``crawler.run.crawl``) and
returns an exit code the same way; the checks and reports that follow are unchanged. It:

1. publishes the job in ``xunjian:jobs`` (the effective profile as YAML, run id, today), so every
   ``xunjian worker`` joins it (``crawler.worker``), and seeds the queue with the start requests;
2. while the workers crawl, drains their result batches into the SQLite store
   (``drain``: each batch exactly once, ``Store.claim_batch`` in the batch's own transaction; a
   batch being written when the writer died is in ``:writing`` and is written again, once) and
   puts the leases of dead workers back on the queue (``Bus.requeue_orphans``);
3. when the frontier (queued + leased requests) has been empty ``DRAIN_CHECKS`` times in a row,
   queues the reverification pass of failed external links once and waits for it to drain;
4. sets ``:done``, waits for the workers to report (``:stats``), saves the run stats (the
   counters carried by every stored batch, ``run_stats``) and removes the run's keys.

No worker joining within ``join_timeout_s`` (``--redis-join-timeout``) fails the crawl (exit 1, the
run is incomplete), as do a Redis error and the local workers of ``--workers`` all gone (``watch``).
With ``progress`` a line every ``XUNJIAN_PROGRESS_INTERVAL`` seconds (default 10) says pages, queue
and pages/s (``Progress``), as a one-process crawl does. ``XUNJIAN_REDIS_LEASE_S`` (environment, default
``crawler.distributed.DEFAULT_LEASE_S``): seconds after which a silent worker's requests are requeued.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
import yaml

from crawler.distributed import DEFAULT_LEASE_S, JOBS_KEY, WORKER_KEY, Bus, LeasedQueue, connect, run_prefix
from crawler.facts import failed
from crawler.store_writer import write_item
from crawler.store import Store

EXIT_OK, EXIT_INCOMPLETE = 0, 1
DRAIN_CHECKS = 3
POLL_S = 0.2
DRAIN_CHUNK = 50
STATS_WAIT_S = 30


def _ingest(store: Store, run_id: int, data: bytes, totals: dict[str, Any]) -> None:
    batch = pickle.loads(data)
    with store.whole():  # the claim and the batch's facts commit together (a page never without its links)
        if store.claim_batch(run_id, str(batch["id"])):
            for item in batch["items"]:
                if not write_item(store, run_id, item):
                    raise ValueError(f"batch {batch['id']}: unknown item table {item.get('_table')!r}")
            add_counters(totals, batch.get("counters") or {})


def add_counters(totals: dict[str, Any], delta: dict[str, Any]) -> None:
    for key, value in delta.items():
        if isinstance(value, dict):
            tally = totals.setdefault(key, {})
            for k, n in value.items():
                tally[k] = tally.get(k, 0) + n
        else:
            totals[key] = totals.get(key, 0) + value


def drain(bus: Bus, store: Store, run_id: int, totals: dict[str, Any], limit: int = 500) -> int:
    """Store up to ``limit`` result batches (their counters added to ``totals``); the number taken."""
    writing = bus.key("writing")
    leftover = bus.r.lrange(writing, 0, -1)  # a writer died mid-batch: claims make this idempotent
    for data in leftover:
        _ingest(store, run_id, data, totals)
    taken = 0
    while taken < limit:
        want = min(DRAIN_CHUNK, limit - taken)
        pipe = bus.r.pipeline(transaction=False)  # one round trip moves a chunk of batches to :writing
        for _ in range(want):
            pipe.lmove(bus.key("items"), writing, "LEFT", "RIGHT")
        moved = [data for data in pipe.execute() if data is not None]
        for data in moved:
            _ingest(store, run_id, data, totals)
        taken += len(moved)
        if len(moved) < want:
            break
    store.commit()
    if leftover or taken:
        bus.r.delete(writing)
    return taken + len(leftover)


def run_stats(c: dict[str, Any], store: Store, run_id: int, elapsed: float, prefixes: int, profile: str,
              workers: list[dict[str, Any]]) -> dict[str, Any]:
    """The run stats a one-process crawl saves (``PortalSpider.run_stats``), from the counters of
    every stored batch; ``errors`` from the stored facts; plus pages per worker."""
    pages = int(c.get("pages", 0))
    errors = sum(1 for row in store.resources(run_id) if failed(dict(row)))
    return {
        "pages": pages, "resources": c.get("resources", 0) - c.get("reverified", 0),
        "links": c.get("links", 0),
        "skipped_by_scheme": c.get("skipped_by_scheme", {}), "traps": c.get("traps", {}),
        "limits": c.get("limits", {}), "robots_skipped": c.get("robots", 0), "ignored": c.get("ignored", 0),
        "errors": errors, "retries": c.get("retries", 0), "reverified": c.get("reverified", 0),
        "bytes": c.get("bytes", 0), "elapsed_s": round(elapsed, 2),
        "pages_per_s": round(pages / max(elapsed, 1e-6), 2),
        "crawl_finish_reason": "finished", "notfound_probe_prefixes": prefixes, "profile": profile,
        "workers": len(workers), "worker_pages": {w["worker"]: w.get("pages", 0) for w in workers},
        # workers never read the store: nothing revalidated, replayed or resumed (docs/operations.md)
        "incremental": {"off": "distributed"},
    }


class Progress:
    """The crawl's progress line on stderr, as a one-process crawl prints it (crawler.extensions),
    from the batches stored so far: every ``XUNJIAN_PROGRESS_INTERVAL`` seconds (default 10)."""

    def __init__(self, interval_s: float, stream=None):
        self.interval_s, self.stream = interval_s, stream or sys.stderr
        self.started = self.last = time.monotonic()

    def line(self, c: dict[str, Any], frontier: int) -> str:
        pages = int(c.get("pages", 0))
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        return (f"[crawl] 页面 pages {pages} | 队列 queue {frontier} | 链接 links {c.get('links', 0)} "
                f"| 已检查 checked {c.get('resources', 0)} | {rate:.1f} pages/s")

    def tick(self, c: dict[str, Any], frontier: int) -> None:
        if time.monotonic() - self.last >= self.interval_s:
            self.last = time.monotonic()
            print(self.line(c, frontier), file=self.stream, flush=True)

    def close(self, c: dict[str, Any]) -> None:
        print(f"{self.line(c, 0)} | finished in {time.monotonic() - self.started:.1f}s", file=self.stream,
              flush=True)


class Coordinator:
    def __init__(self, site_path: str, site: dict[str, Any], store: Store, run_id: int, redis_url: str,
                 today: str, lease_s: float, say):
        self.site_path, self.site, self.store, self.run_id = site_path, site, store, run_id
        self.redis_url, self.today, self.lease_s, self.say = redis_url, today, lease_s, say
        self.bus = Bus(connect(redis_url), run_prefix(store.store_id, run_id))
        self.tmp = tempfile.TemporaryDirectory(prefix="xunjian-coord-")
        self.profile_file = Path(self.tmp.name) / "profile.yaml"
        self.profile_yaml = yaml.safe_dump(dict(site), allow_unicode=True, sort_keys=False)
        self.profile_file.write_text(self.profile_yaml, encoding="utf-8")
        self.spider = None
        self.queue = None
        self.totals: dict[str, Any] = {}
        self.progress: Progress | None = None

    def _seeder(self):
        """A worker spider without a crawler: makes the start and reverification requests."""
        from crawler.spiders.worker import WorkerPortalSpider
        if self.spider is None:
            self.spider = WorkerPortalSpider(site=str(self.profile_file), today=self.today,
                                             redis_url=self.redis_url, prefix=self.bus.prefix,
                                             run_id=self.run_id, worker_id="coordinator")
            self.queue = LeasedQueue(self.bus.r, self.spider, self.bus.key("requests"))
        return self.spider

    def _push(self, requests: list) -> None:
        """Queue requests the seeder made, with the pages it counted and the URLs it checks without body."""
        self.spider._deliver(None, requests, None, self.spider.checked_without_body.flush(),
                             self.spider.pages_scheduled.take())

    def publish(self) -> None:
        for name in ("requests", "leases", "owners", "scores", "seen", "prefixes", "unbodied", "upgrades",
                     "pages", "reverify", "items", "writing", "stats", "done", "workers", "patterns",
                     "pattern_urls"):
            self.bus.r.delete(self.bus.key(name))
        spider = self._seeder()
        # a later one-process run may reuse this run's answers (crawler.spiders.reuse)
        self.store.mark_incremental_key(self.run_id, spider.incremental_key)

        async def collect() -> list:
            return [request async for request in spider.seed_requests()]
        self._push(asyncio.run(collect()))
        job = {"prefix": self.bus.prefix, "run_id": self.run_id, "today": self.today,
               "site": self.site["name"], "profile_yaml": self.profile_yaml, "lease_s": self.lease_s}
        self.bus.r.hset(JOBS_KEY, self.bus.prefix, json.dumps(job, ensure_ascii=False))

    def wait_drained(self, join_timeout_s: float, watch=None) -> tuple[str, str] | None:
        """None once the frontier stayed empty ``DRAIN_CHECKS`` polls in a row; else why the crawl
        cannot finish, (finish reason, message): no worker joined in time, or what ``watch()``
        reported (local workers gone)."""
        started = time.monotonic()
        quiet = 0
        while quiet < DRAIN_CHECKS:
            drain(self.bus, self.store, self.run_id, self.totals)
            if self.bus.requeue_orphans():
                self.say("a worker died: its requests went back to the queue")
            if not self.bus.r.scard(self.bus.key("workers")) and time.monotonic() - started > join_timeout_s:
                return "no-worker", (f"no worker joined within {join_timeout_s:g}s; "
                                     f"start `xunjian worker --redis {self.redis_url}`")
            problem = watch() if watch is not None else None
            if problem:
                return "workers-lost", problem
            frontier = self.bus.frontier()
            quiet = quiet + 1 if frontier == 0 else 0
            if self.progress is not None:
                self.progress.tick(self.totals, frontier)
            time.sleep(POLL_S)
        return None

    def finish(self) -> list[dict[str, Any]]:
        self.bus.r.set(self.bus.key("done"), "1")
        self.bus.r.hdel(JOBS_KEY, self.bus.prefix)
        workers = {w.decode() for w in self.bus.r.smembers(self.bus.key("workers"))}
        deadline = time.monotonic() + STATS_WAIT_S
        stats: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            stats = [pickle.loads(s) for s in self.bus.r.lrange(self.bus.key("stats"), 0, -1)]
            reported = {s.get("worker") for s in stats}
            if all(w in reported or not self.bus.r.exists(WORKER_KEY + w) for w in workers):
                break
            time.sleep(POLL_S)
        drain(self.bus, self.store, self.run_id, self.totals)
        return stats

    def cleanup(self) -> None:
        self.bus.r.hdel(JOBS_KEY, self.bus.prefix)
        keys = list(self.bus.r.scan_iter(match=f"{self.bus.prefix}:*"))
        if keys:
            self.bus.r.delete(*keys)
        self.tmp.cleanup()


def coordinate(site_path: str, site: dict[str, Any], store: Store, run_id: int, redis_url: str, *,
               today: str, join_timeout_s: float = 60.0, lease_s: float | None = None,
               say=lambda m: print(f"[xunjian] {m}", file=sys.stderr, flush=True), progress: bool = False,
               watch=None, on_published=None) -> int:
    """Run the distributed crawl of ``run_id`` (see the module docstring); 0 when it finished.
    ``progress``: the progress line on stderr; ``watch()``: polled while waiting, a message when the
    crawl cannot finish; ``on_published(prefix)``: called once the job is published (both used by
    ``xunjian.localworkers.LocalWorkers``, which then starts its workers on that job)."""
    started = time.monotonic()
    lease_s = lease_s or float(os.environ.get("XUNJIAN_REDIS_LEASE_S") or DEFAULT_LEASE_S)
    try:
        coordinator = Coordinator(site_path, site, store, run_id, redis_url, today, lease_s, say)
    except redis.RedisError as exc:
        say(f"error: Redis at {redis_url} cannot be used ({exc}); start redis-server or fix --redis")
        return EXIT_INCOMPLETE
    if progress:
        coordinator.progress = Progress(float(os.environ.get("XUNJIAN_PROGRESS_INTERVAL") or 10.0))
    try:
        coordinator.publish()
        if on_published is not None:
            on_published(coordinator.bus.prefix)
        else:
            say(f"run {run_id}: queue seeded on {redis_url}; waiting for workers "
                "(xunjian worker --redis URL)")
        say("distributed crawl: cold, every page fetched in full (the workers never read the store: no "
            "conditional requests, replay or resume; nightly incremental runs are single-process, and "
            "one resumes this run if it is cut short; docs/operations.md)")
        problem = coordinator.wait_drained(join_timeout_s, watch)
        spider = coordinator._seeder()
        if problem is None and spider._reverify:
            coordinator._push(spider.reverify_requests())
            problem = coordinator.wait_drained(join_timeout_s, watch)
        if problem is not None:
            say(f"error: {problem[1]}; the crawl did not finish")
            store.update_run_stats(run_id, {"crawl_finish_reason": problem[0]})
            return EXIT_INCOMPLETE
        stats = coordinator.finish()
        if coordinator.progress is not None:
            coordinator.progress.close(coordinator.totals)
        prefixes = int(coordinator.bus.r.hlen(coordinator.bus.key("prefixes")))
        elapsed = time.monotonic() - started
        store.update_run_stats(run_id, run_stats(coordinator.totals, store, run_id, elapsed, prefixes,
                                                 site_path, stats))
        store.commit()
        return EXIT_OK
    except redis.RedisError as exc:
        say(f"error: Redis failed during the crawl ({exc}); the run is incomplete")
        return EXIT_INCOMPLETE
    finally:
        try:
            coordinator.cleanup()
        except redis.RedisError:
            pass
