"""Spider ``portal-worker``: the ``portal`` spider as one of N workers of a distributed crawl.

Everything the portal spider decides is decided the same way; what differs is where its state
and its output live (``crawler.distributed``): the URL claims, probe prefixes, body upgrades,
page count and reverification candidates are in Redis, and the outcome of every request (the
requests it led to and the facts it produced) is captured while its callback runs and handed
to Redis in one transaction that also releases the request's lease. Nothing is written to
SQLite here and nothing goes through Scrapy's item pipeline.

Request ids (``meta["xj_id"]``) are deterministic (``crawler.distributed.request_id``), so a
request re-run after its worker died claims what it claimed before and its batch is stored once.
A retry after a delay (``later``) keeps the lease of the request that asked for it until the
retry is queued. The spider stays open while the run's ``:done`` key is unset (the coordinator
sets it once the frontier has drained), then reports to ``:stats``. The crawl counters travel
with each request's batch (``counter_delta``), so the run's figures count every request once,
including those of a worker that died.

Started by ``python -m crawler.worker`` (``xunjian worker``), never by hand.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler.distributed import (DEFAULT_LEASE_S, JOBS_KEY, WORKER_KEY, Bus, RedisClaims, RedisCounter,
                                 RedisFirstAttempts, RedisPatternCounts, RedisSet, connect, request_id)
from crawler.spiders.portal import PortalSpider

SEED = "seed"


def counter_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What one request added to the spider's counters (numbers, and {name: n} tallies)."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        if isinstance(value, dict):
            delta = {k: n - before.get(key, {}).get(k, 0) for k, n in value.items()}
            if any(delta.values()):
                out[key] = {k: n for k, n in delta.items() if n}
        elif value != before.get(key, 0):
            out[key] = value - before.get(key, 0)
    return out


class WorkerPortalSpider(PortalSpider):
    name = "portal-worker"

    def __init__(self, site: str | None = None, today: str | None = None, redis_url: str = "",
                 prefix: str = "", run_id: str | int = 0, worker_id: str = "", **kwargs: Any):
        self.job_run_id = int(run_id)
        self.worker_id = worker_id
        self.bus = Bus(connect(redis_url), prefix)
        self.current_id = SEED   # the request being handled (owner of the claims made meanwhile)
        self.seq = 0
        self.captured: list[scrapy.Request] | None = None
        self.delayed: list[tuple[scrapy.Request, float]] = []
        self.pending_deliveries = 0
        super().__init__(site=site, run_id=None, today=today, **kwargs)
        self.seen = RedisClaims(self.bus, "seen", lambda: self.current_id)
        self.probed_prefixes = RedisClaims(self.bus, "prefixes", lambda: self.current_id)
        self.checked_without_body = RedisSet(self.bus, "unbodied", write_behind=True)
        self.body_upgrades = RedisSet(self.bus, "upgrades", may_hold=self.may_be_upgraded)
        self.pages_scheduled = RedisCounter(self.bus, "pages")
        self._reverify = RedisFirstAttempts(self.bus)
        self.traps.pattern_counts = RedisPatternCounts(self.bus)

    def may_be_upgraded(self, url: str) -> bool:
        """Whether a status-only check of ``url`` can ever be upgraded to a GET with body: only an
        out-of-scope target (cited with a #fragment) or a jump link is (``_consider``'s
        ``wants_body``); most checks are in-scope assets and attachments, asked about without Redis."""
        return not self.scope.in_scope(url) or self.scope.is_jump_link(url)

    def observe_shared(self, pages: int, prefixes: int) -> None:
        """The shared counts as of a pop (``LeasedQueue.pop``): fresh figures with no round trip."""
        self.pages_scheduled.observe(pages)
        self.probed_prefixes.observe(prefixes)

    def _start_run(self) -> int:  # the coordinator started the run; workers never touch SQLite
        return self.job_run_id

    def init_reuse(self, full: bool) -> None:
        """A distributed crawl is cold (crawler.spiders.reuse reads the writer's SQLite, which
        workers never open): nothing is replayed or revalidated."""
        from crawler.reuse import incremental_key
        self.incremental_key = incremental_key(self.profile)
        self.reuse_counts = {"replayed": 0, "external_reused": 0, "not_modified": 0, "same_body": 0,
                             "conditional_requests": 0}
        self.baseline_run = self.resumed_from = None
        self.reuse_store = None

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.lease_s = crawler.settings.getfloat("XUNJIAN_REDIS_LEASE_S", DEFAULT_LEASE_S)
        crawler.signals.connect(spider.on_opened, signal=signals.spider_opened)
        return spider

    def on_opened(self, spider) -> None:
        """Join the run: heartbeat (the reactor runs by now), name in ``:workers``."""
        from twisted.internet.task import LoopingCall
        self.bus.heartbeat(self.worker_id, self.lease_s)
        self.bus.r.sadd(self.bus.key("workers"), self.worker_id)
        self.beat = LoopingCall(self.bus.heartbeat, self.worker_id, self.lease_s)
        # a quarter of the lease: a survivor whose reactor stalls for one beat is not taken for dead
        self.beat.start(min(1.0, self.lease_s / 4), now=False)

    async def start(self):
        """Nothing: the coordinator seeds the shared queue (``seed_requests``)."""
        return
        yield  # pragma: no cover - makes this an async generator

    async def seed_requests(self):
        async for request in super().start():
            yield request

    # -- shared decisions ---------------------------------------------------------------------
    def claim_url(self, url: str) -> bool:
        return self.seen.claim(url)

    def take_unbodied(self, url: str) -> bool:
        return self.checked_without_body.take(url)

    def make_request(self, state, url: str | None = None):
        request = super().make_request(state, url)
        self.seq += 1
        request.meta["xj_id"] = request_id(self.current_id, request.url, request.method, state.purpose,
                                           self.seq)
        return request

    def later(self, request, delay: float) -> None:
        self.counters["retries"] += 1
        self.delayed.append((request, delay))

    # -- one request's outcome ----------------------------------------------------------------
    def on_response(self, response):
        return self._handle(super().on_response, response, response.request)

    def on_error(self, failure):
        return self._handle(super().on_error, failure, failure.request)

    def _handle(self, callback, result, request) -> list:
        self.current_id, self.seq = request.meta.get("xj_id") or SEED, 0
        self.seen.new_attempt()
        self.probed_prefixes.new_attempt()
        self.delayed = []
        before = copy.deepcopy(self.counters)
        requests: list[scrapy.Request] = []
        items: list[dict[str, Any]] = []
        try:
            for out in callback(result) or ():
                (requests if isinstance(out, scrapy.Request) else items).append(out)
        finally:
            self.current_id = SEED
        # the counters travel with the facts, so the writer counts each request once, whoever ran it
        batch = {"id": request.meta.get("xj_id") or request.url, "items": items,
                 "counters": counter_delta(before, self.counters)}
        outcome = (request.meta.get("xj_lease"), requests, batch, self.checked_without_body.flush(),
                   self.pages_scheduled.take())
        if self.delayed:  # keep the lease until the retry is queued: a death meanwhile re-runs it
            from twisted.internet import reactor
            self.pending_deliveries += 1
            delay = max(d for _, d in self.delayed)
            requests += [r for r, _ in self.delayed]
            reactor.callLater(delay, self._deliver_later, *outcome)
            return []
        self._deliver(*outcome)
        return []

    def _deliver_later(self, *outcome) -> None:
        self.pending_deliveries -= 1
        self._deliver(*outcome)

    def _deliver(self, lease: str | None, requests: list[scrapy.Request], batch: dict[str, Any] | None,
                 unbodied: list[str] = (), pages: int = 0) -> None:
        """One request's outcome to Redis in one transaction (``Bus.deliver``)."""
        encode = self.redis_queue.encode  # scrapy-redis' request encoding
        count = self.bus.deliver(lease, [(encode(r), -r.priority) for r in requests], batch, unbodied, pages)
        self.pages_scheduled.delivered(pages, count)
        crawler = getattr(self, "crawler", None)  # none in the coordinator's seeder
        if requests and crawler is not None:  # wake the engine as engine.crawl() would: they are queued now
            slot = getattr(crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    # -- lifecycle ----------------------------------------------------------------------------
    def on_idle(self, spider) -> None:
        over = self.bus.r.exists(self.bus.key("done")) or not self.bus.r.hexists(JOBS_KEY, self.bus.prefix)
        if self.pending_deliveries or not over:
            raise DontCloseSpider

    def on_closed(self, spider, reason) -> None:
        self.close_reason = reason
        if getattr(self, "beat", None) is not None and self.beat.running:
            self.beat.stop()
        stats = {"worker": self.worker_id, "pages": self.counters["pages"], "reason": reason}
        self.bus.r.rpush(self.bus.key("stats"), pickle.dumps(stats))
        self.bus.r.delete(WORKER_KEY + self.worker_id)
