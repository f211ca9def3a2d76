"""A distributed crawl on Redis: the shared frontier of N crawl workers (scrapy-redis).

The portal spider runs unchanged in each worker process; what it shares goes through Redis, all
under one key prefix per run (``run_prefix``: ``xunjian:<store id>:<run id>``):

* ``:requests`` the request queue: scrapy-redis' ``Scheduler`` with ``LeasedQueue``, its priority
  queue whose ``pop`` atomically moves the request into ``:leases`` (owner worker in ``:owners``,
  priority in ``:scores``). A lease is released only together with the outcome of the request
  (``Bus.deliver``): the requests its answer led to and the facts it produced, in one MULTI/EXEC.
  A worker that dies (``kill -9``) leaves its leases behind; once its heartbeat key
  (``xunjian:worker:<id>``, refreshed every second, or every quarter of the lease if that is
  shorter, expiring after ``XUNJIAN_REDIS_LEASE_S``) is gone, the coordinator puts them back on
  the queue (``requeue_orphans``): no page is lost.
* ``:seen`` the shared duplicate filter: one field per canonical URL (and ``:prefixes`` per
  not-found probe prefix), claimed atomically (HSETNX) by the request that first decided it. A
  request that runs again after its worker died still owns its claims, so it decides its
  links again exactly as the first attempt would have.
* ``:unbodied`` / ``:upgrades`` the late-fragment body upgrades, ``:pages`` the ``max_pages``
  counter, ``:reverify`` the failed external URLs of the final reverification pass.
* ``:items`` result batches ``{"id": request id, "items": [...]}``; workers never open SQLite:
  ``crawler.redis_writer`` (one writer) stores each batch exactly once (``Store.claim_batch``).
* ``:stats`` each worker's crawl counters at close; ``:done`` set by the coordinator when the
  frontier has drained (workers then close).

* ``:patterns`` / ``:pattern_urls`` the spider-trap per-pattern counts (``traps.max_pages_per_pattern``
  caps the run, whatever the number of workers; ``RedisPatternCounts``).

Per worker, not shared: the rest of the trap guards' memory (the repeating-pager signature) and
data-island link positions. Redis must be private to the crawl (requests and
batches are pickled, as scrapy-redis does). Settings: ``XUNJIAN_REDIS_LEASE_S`` (heartbeat expiry).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
import time
import uuid
from typing import Any

import redis
from scrapy_redis.queue import PriorityQueue

from crawler.frontier import spider_method_name

JOBS_KEY = "xunjian:jobs"
WORKER_KEY = "xunjian:worker:"
DEFAULT_LEASE_S = 10

# pop the best request and lease it to a worker, atomically (a worker dying between the two
# steps would otherwise lose it); also returns the shared page count and probe-prefix count, so
# the worker decides on fresh figures without a round trip per link
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[1], r[2])
return {r[1], redis.call('GET', KEYS[5]) or '0', redis.call('HLEN', KEYS[6])}
"""
# put the leases of a dead worker back on the queue
_REQUEUE = """
local n = 0
for _, lease in ipairs(ARGV) do
  local data = redis.call('HGET', KEYS[2], lease)
  if data then
    local score = redis.call('HGET', KEYS[4], lease) or '0'
    redis.call('ZADD', KEYS[1], score, data)
    n = n + 1
  end
  redis.call('HDEL', KEYS[2], lease)
  redis.call('HDEL', KEYS[3], lease)
  redis.call('HDEL', KEYS[4], lease)
end
return n
"""
# count a URL against its trap pattern once, whoever asks and however often (a request re-run
# after its worker died asks again): the URL's rank in its pattern
_PATTERN = """
local rank = redis.call('HGET', KEYS[1], ARGV[2])
if rank then return tonumber(rank) end
local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[1], ARGV[2], n)
return n
"""
# claim a field for an owner: 1 when it was free or is already this owner's, else the holder
_CLAIM = """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
if v == ARGV[2] then return 1 end
return v
"""


def run_prefix(store_id: str, run_id: int) -> str:
    return f"xunjian:{store_id}:{run_id}"


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def request_id(parent: str, url: str, method: str, purpose: str, seq: int) -> str:
    """Deterministic id of a request made while handling ``parent``: an attempt repeated after
    its worker died makes the same ids, so its claims and its batch are recognised."""
    return hashlib.sha1(f"{parent}\n{seq}\n{method}\n{purpose}\n{url}".encode()).hexdigest()[:20]


class Bus:
    """The Redis structures of one run (see the module docstring)."""

    def __init__(self, server: redis.Redis, prefix: str):
        self.r = server
        self.prefix = prefix
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._claim = server.register_script(_CLAIM)
        self._pattern = server.register_script(_PATTERN)

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def claim(self, name: str, field: str, owner: str) -> str | None:
        """None when ``owner`` holds ``field`` now (claimed or already its own), else the holder."""
        got = self._claim(keys=[self.key(name)], args=[field, owner])
        return None if got == 1 else got.decode()

    def lease_keys(self) -> list[str]:
        return [self.key("requests"), self.key("leases"), self.key("owners"), self.key("scores")]

    def pop(self, worker: str) -> tuple[str, bytes, int, int] | None:
        """(lease, request, shared page count, probe prefixes claimed) or None when nothing is queued."""
        lease = f"{worker}:{uuid.uuid4().hex[:10]}"
        keys = [*self.lease_keys(), self.key("pages"), self.key("prefixes")]
        got = self._pop(keys=keys, args=[lease, worker])
        if not got:
            return None
        data, pages, prefixes = got
        return lease, data, int(pages), int(prefixes)

    def deliver(self, lease: str | None, requests: list[tuple[bytes, float]], batch: dict[str, Any] | None,
                unbodied: list[str] = (), pages: int = 0) -> int | None:
        """The outcome of one request, atomically: follow-up requests, its facts, the URLs it checked
        without body, the pages it scheduled, lease released. The shared page count after it, if
        ``pages``."""
        pipe = self.r.pipeline(transaction=True)
        for data, score in requests:
            pipe.zadd(self.key("requests"), {data: score})
        if batch is not None and batch["items"]:
            pipe.rpush(self.key("items"), pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        if unbodied:
            pipe.sadd(self.key("unbodied"), *unbodied)
        if lease:
            pipe.hdel(self.key("leases"), lease)
            pipe.hdel(self.key("owners"), lease)
            pipe.hdel(self.key("scores"), lease)
        if pages:
            pipe.incrby(self.key("pages"), pages)
        done = pipe.execute()
        return int(done[-1]) if pages else None

    def requeue_orphans(self) -> int:
        """Put back the leases of workers whose heartbeat expired; the number requeued."""
        owners = {k.decode(): v.decode() for k, v in self.r.hgetall(self.key("owners")).items()}
        alive = {w: bool(self.r.exists(WORKER_KEY + w)) for w in set(owners.values())}
        dead = [lease for lease, worker in owners.items() if not alive[worker]]
        if not dead:
            return 0
        return int(self._requeue(keys=self.lease_keys(), args=dead))

    def frontier(self) -> int:
        """Requests queued or leased (in flight) right now."""
        pipe = self.r.pipeline(transaction=True)
        pipe.zcard(self.key("requests"))
        pipe.hlen(self.key("leases"))
        queued, leased = pipe.execute()
        return int(queued) + int(leased)

    def heartbeat(self, worker: str, lease_s: float) -> None:
        self.r.set(WORKER_KEY + worker, "1", px=int(lease_s * 1000))


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop leases the request to this worker (see ``Bus``)."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        spider.redis_queue = self  # the worker spider encodes its follow-up requests with it

    def pop(self, timeout: int = 0):
        bus: Bus = self.spider.bus
        popped = bus.pop(self.spider.worker_id)
        if popped is None:
            return None
        lease, data, pages, prefixes = popped
        self.spider.observe_shared(pages, prefixes)
        request = self._decode_request(data)
        request.meta["xj_lease"] = lease
        state = request.meta.get("xj")
        if state is not None:  # timings are this process's: monotonic clocks differ between hosts
            state.started = time.monotonic()
        return request

    def encode(self, request) -> bytes:
        """scrapy-redis' encoding, with the callbacks named here: Scrapy's ``Request.to_dict`` finds
        a method's name by listing every method of the spider (``inspect.getmembers``), twice per
        request, which cost more CPU than the rest of the encoding."""
        try:
            names = {attr: spider_method_name(self.spider, getattr(request, attr))
                     for attr in ("callback", "errback")}
        except ValueError:  # not a plain method of the spider: Scrapy's way
            return self._encode_request(request)
        fields = request.replace(callback=None, errback=None).to_dict()
        fields.update(names)  # request_from_dict looks the names up on the spider
        return self.serializer.dumps(fields)


class RedisClaims:
    """A set-like view of a claims hash. ``claim(x)`` is True once per attempt of a request for a
    field that was free or that this same request (``owner()``: its deterministic id) claimed in
    an attempt that died; ``x in claims`` is True when any request, this attempt included, holds
    it. ``new_attempt()`` starts the handling of another request."""

    def __init__(self, bus: Bus, name: str, owner):
        self.bus, self.name, self.owner = bus, name, owner
        self.known_len = 0  # fields claimed, at least (claims only grow; ``observe`` and own claims)
        self.mine: set[str] = set()
        # claims are never released: a field held by another request needs no second round trip
        # (pages cite the same targets again and again: Redis calls per URL, not per link). The
        # holder is kept so a re-run of that request (its worker died) still finds its claims.
        self.others: dict[str, str] = {}

    def new_attempt(self) -> None:
        self.mine = set()

    def _held_by_other(self, item: str) -> bool:
        holder = self.others.get(item)
        return holder is not None and holder != self.owner()

    def claim(self, item: str) -> bool:
        if item in self.mine or self._held_by_other(item):
            return False
        holder = self.bus.claim(self.name, item, self.owner())
        if holder is None:
            self.mine.add(item)
            self.known_len += 1
            return True
        self.others[item] = holder
        return False

    def __contains__(self, item: str) -> bool:
        if item in self.mine or self._held_by_other(item):
            return True
        holder = self.bus.r.hget(self.bus.key(self.name), item)
        if holder is not None and holder.decode() != self.owner():
            self.others[item] = holder.decode()
            return True
        return False

    def add(self, item: str) -> None:
        self.claim(item)

    def observe(self, claimed: int) -> None:
        self.known_len = max(self.known_len, claimed)

    def __len__(self) -> int:
        """Fields claimed by every worker as last seen (at this worker's last pop) plus its own
        claims since: exact with one worker, a lower bound with several (a cap on it, such as
        ``soft404.probe_prefixes``, may be passed by the claims other workers made meanwhile)."""
        return self.known_len


class RedisSet:
    """A shared set. ``add`` is written at once (``write_behind=False``) or kept here until the
    outcome of the request being handled goes to Redis (``flush``, in ``Bus.deliver``): the URLs
    checked without body are only of use to other workers once the check request is queued."""

    def __init__(self, bus: Bus, name: str, write_behind: bool = False, may_hold=None):
        self.bus, self.key, self.write_behind = bus, bus.key(name), write_behind
        self.may_hold = may_hold  # False: the item can never be in the set (no need to ask Redis)
        self.pending: set[str] = set()
        self.added: set[str] = set()  # by this worker: known without asking

    def __contains__(self, item: str) -> bool:
        if item in self.pending or item in self.added:
            return True
        if self.may_hold is not None and not self.may_hold(item):
            return False
        return bool(self.bus.r.sismember(self.key, item))

    def add(self, item: str) -> None:
        if self.write_behind:
            self.pending.add(item)
        else:
            self.bus.r.sadd(self.key, item)
            self.added.add(item)

    def take(self, item: str) -> bool:
        if item in self.pending:
            self.pending.discard(item)
            return True
        return bool(self.bus.r.srem(self.key, item))

    def flush(self) -> list[str]:
        out, self.pending = sorted(self.pending), set()
        return out


class RedisCounter:
    """``counter >= n`` and ``counter += 1`` over the shared ``max_pages`` count without a round
    trip per link: the count as last seen (at this worker's last pop or delivery) plus this
    worker's increments not delivered yet. Exact with one worker; with several it may lag by the
    pages other workers scheduled since (``limits.max_pages`` may be overshot by requests in flight)."""

    def __init__(self, bus: Bus, name: str):
        self.bus, self.key = bus, bus.key(name)
        self.known = 0        # the shared count as last seen (it only grows)
        self.pending = 0      # this worker's increments for the request being handled
        self.undelivered = 0  # taken with a request's outcome that is not in Redis yet (a delayed retry)

    def __int__(self) -> int:
        return self.known + self.pending + self.undelivered

    def __ge__(self, other: int) -> bool:
        return int(self) >= other

    def __iadd__(self, n: int) -> "RedisCounter":
        self.pending += n
        return self

    def observe(self, count: int) -> None:
        self.known = max(self.known, count)

    def take(self) -> int:
        """The increments of the request being handled, to deliver with its outcome."""
        n, self.pending = self.pending, 0
        self.undelivered += n
        return n

    def delivered(self, n: int, count: int | None) -> None:
        self.undelivered -= n
        if count is not None:
            self.observe(count)


class RedisPatternCounts:
    """``crawler.traps.PatternCounts`` shared by every worker (``traps.max_pages_per_pattern``
    caps the run, not each worker): one atomic script per counted URL, which also remembers each
    URL's rank so a re-run of a request decides its links as the first attempt did."""

    def __init__(self, bus: Bus):
        self.bus = bus

    def count(self, pattern: str, url: str) -> int:
        return int(self.bus._pattern(keys=[self.bus.key("pattern_urls"), self.bus.key("patterns")],
                                     args=[pattern, url]))


class RedisFirstAttempts:
    """The reverification candidates (``PortalSpider._reverify``) kept in a Redis hash."""

    def __init__(self, bus: Bus):
        self.bus, self.key = bus, bus.key("reverify")

    def setdefault(self, url: str, row: dict[str, Any]) -> None:
        self.bus.r.hsetnx(self.key, url, pickle.dumps(row))

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        return sorted((k.decode(), pickle.loads(v)) for k, v in self.bus.r.hgetall(self.key).items())

    def __bool__(self) -> bool:
        return bool(self.bus.r.hlen(self.key))
