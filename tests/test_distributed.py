"""The distributed crawl on Redis (crawler/distributed.py, crawler/redis_writer.py, crawler/worker.py).

A real ``redis-server`` started here on a free loopback port, real ``xunjian worker`` processes
and a real ``xunjian run --redis`` (``runner.audit(redis=...)``) on a small TRS-like portal
(tests/_mini_portals.py) served on 127.0.0.1. The stored pages, links and findings must equal a
single-process run's: with a second worker started only once the first holds leases and the queue
still has work (the portal holds its answers back until the late worker has leased a page of its
own, so both crawl and the late one must fetch pages; no timing involved), and with one of two
workers killed with SIGKILL mid-crawl while it holds leased requests (they go back to the queue).
Skipped, saying why, only when redis-server is not installed (scripts/setup.sh installs it).
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler.distributed import WORKER_KEY, connect
from crawler.facts import PURPOSE_PAGE
from crawler.store import Store
from tests._mini_portals import FAMILIES, TODAY
from xunjian import runner

REPO = Path(__file__).resolve().parent.parent
REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed: run scripts/setup.sh "
                                                      "(apt-get install redis-server)")
SLOW = {"politeness": {"delay_s": 0.2, "concurrency_per_host": 2}}  # a crawl long enough to kill a worker in


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    port = _free_port()
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            connect(url).ping()
            break
        except Exception:  # noqa: BLE001 - not listening yet
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("distributed")
    server = FAMILIES["trs"]().serve()
    profile = tmp / "trs.yaml"
    profile.write_text(f"""
name: mini-trs
start_urls: ["{server.base}/"]
limits: {{max_pages: 300, max_depth: 6, max_response_mb: 1, timeout_s: 5}}
politeness: {{obey_robots: false, concurrency: 8, concurrency_per_host: 8, delay_s: 0, autothrottle: false}}
links: {{retries: 1, retry_backoff_s: 0.1, max_retry_after_s: 1, max_redirects: 3}}
columns: []
""", encoding="utf-8")
    single = runner.audit(profile, db=tmp / "single.sqlite", out=tmp / "out", today=TODAY, progress=False,
                          browser=False)
    assert single.incomplete is None
    yield tmp, profile, facts(tmp / "single.sqlite", single.run_id), server
    server.stop()


def facts(db: Path, run_id: int) -> dict:
    """What a run stored, without timings and crawl order (depth, elapsed, fetch time)."""
    store = Store(db)
    try:
        resources = sorted((r["url"], r["kind"], r["in_scope"], r["method"], r["status"], r["final_url"],
                            r["error_class"], r["skip_reason"], r["title"], r["content_hash"])
                           for r in store.resources(run_id))
        links = sorted(tuple(str(row[k]) for k in row.keys() if k != "run_id")
                       for row in store.db.execute("SELECT * FROM links WHERE run_id=?", (run_id,)))
        findings = sorted((f.fingerprint, f.rule_id, f.severity) for f in store.findings(run_id))
        return {"resources": resources, "links": links, "findings": findings,
                "stats": store.run_stats(run_id)}
    finally:
        store.close()


def start_worker(url: str) -> subprocess.Popen:
    """``xunjian worker --once`` in a session of its own (so the test can kill it and its child)."""
    return subprocess.Popen([sys.executable, "-m", "xunjian.cli", "worker", "--redis", url, "--once"],
                            cwd=str(REPO), start_new_session=True, stderr=subprocess.DEVNULL)


def assert_same(single: dict, distributed: dict) -> None:
    assert len(single["resources"]) > 20 and len(single["links"]) > 50
    for key in ("resources", "links", "findings"):
        assert distributed[key] == single[key], key
    assert distributed["stats"]["pages"] == single["stats"]["pages"]


def _group(owner: str) -> int | None:
    """The process group of the crawl process named in a lease owner (host:pid:tag)."""
    try:
        return os.getpgid(int(owner.split(":")[1]))
    except (ProcessLookupError, ValueError, IndexError):
        return None


def test_a_killed_worker_loses_no_page(redis_url, portal, monkeypatch):
    tmp, profile, single, _ = portal
    monkeypatch.setenv("XUNJIAN_REDIS_LEASE_S", "2")  # a dead worker's leases come back after 2 s
    server = connect(redis_url)
    workers = [start_worker(redis_url) for _ in range(2)]
    killed: dict = {}

    def kill_one_mid_crawl() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for key in server.scan_iter(match="xunjian:*:owners"):
                owners = {v.decode() for v in server.hvals(key)}
                items = server.llen(key.decode().replace(":owners", ":items"))
                victim = next((w for w in workers for owner in owners if _group(owner) == w.pid), None) \
                    if items and owners else None
                if victim is not None:
                    os.killpg(victim.pid, signal.SIGKILL)
                    killed.update(worker=victim, leases=len(owners))
                    return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_one_mid_crawl)
    killer.start()
    result = runner.audit(profile, db=tmp / "killed.sqlite", out=tmp / "out", today=TODAY, progress=False,
                          browser=False, redis=redis_url, redis_join_timeout=30, overrides=SLOW)
    killer.join()
    assert killed, "no worker was killed mid-crawl"
    for worker in workers:
        worker.wait(timeout=60)
    assert killed["worker"].returncode == -signal.SIGKILL
    assert result.incomplete is None
    got = facts(tmp / "killed.sqlite", result.run_id)
    assert_same(single, got)
    assert len(got["stats"]["worker_pages"]) == 1  # the survivor reported; the dead one never did
    assert not list(server.scan_iter(match="xunjian:*:*"))  # the coordinator removed the run's keys
    assert not list(server.scan_iter(match=WORKER_KEY + "*"))


def _lease_purpose(server, bus_prefix: str, lease: bytes) -> str | None:
    """The purpose of a leased request (scrapy-redis pickles the request dict)."""
    data = server.hget(f"{bus_prefix}:leases", lease)
    if data is None:
        return None
    state = pickle.loads(data).get("meta", {}).get("xj")
    return getattr(state, "purpose", None)


def test_a_late_worker_picks_up_work(redis_url, portal):
    tmp, profile, single, site = portal
    server = connect(redis_url)
    release = threading.Event()
    routes, fallback = dict(site.routes), site.fallback

    def held(reply):
        def answer(hit):  # the home page answers at once; every other answer waits for the late worker
            if hit.path != "/":
                release.wait(60)
            return reply(hit) if callable(reply) else reply
        return answer

    site.routes = {path: held(reply) for path, reply in routes.items()}
    site.fallback = held(fallback)
    first = start_worker(redis_url)
    seen: dict = {}

    def start_late_worker_then_release() -> None:
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and "late" not in seen:  # worker 1 busy, work still queued
                for key in server.scan_iter(match="xunjian:*:owners"):
                    prefix = key.decode().rsplit(":", 1)[0]
                    busy = any(_group(o.decode()) == first.pid for o in server.hvals(key))
                    if busy and server.zcard(f"{prefix}:requests"):
                        seen.update(prefix=prefix, late=start_worker(redis_url))
                time.sleep(0.02)
            while time.monotonic() < deadline and "owner" not in seen:  # worker 2 holds a page request
                for lease, owner in server.hgetall(f"{seen['prefix']}:owners").items():
                    if _group(owner.decode()) == seen["late"].pid \
                            and _lease_purpose(server, seen["prefix"], lease) == PURPOSE_PAGE:
                        seen["owner"] = owner.decode()
                time.sleep(0.02)
        finally:
            release.set()

    controller = threading.Thread(target=start_late_worker_then_release)
    controller.start()
    try:
        result = runner.audit(profile, db=tmp / "late.sqlite", out=tmp / "out", today=TODAY, progress=False,
                              browser=False, redis=redis_url, redis_join_timeout=30, formats=("json",),
                              overrides={"limits": {"timeout_s": 60}})  # held answers must not time out
    finally:
        release.set()
        controller.join()
        site.routes, site.fallback = routes, fallback
    late = seen.get("late")
    assert late is not None, "worker 1 never held leases while requests were queued"
    assert [first.wait(timeout=60), late.wait(timeout=60)] == [0, 0]
    assert "owner" in seen, "the late worker never leased a page"
    assert result.incomplete is None and result.exit_code == 1  # the portal's planted errors
    got = facts(tmp / "late.sqlite", result.run_id)
    assert_same(single, got)
    assert got["stats"]["workers"] == 2
    assert got["stats"]["worker_pages"][seen["owner"]] > 0
    assert got["stats"]["incremental"] == {"off": "distributed"}  # said, not silently cold


def test_the_trap_pattern_cap_holds_for_the_run_not_per_worker(redis_url):
    """Two workers' trap guards count ``?id=N`` pages of one path in Redis: together they let
    ``max_pages_per_pattern`` through, not that many each; a URL asked about again (a request re-run
    after its worker died) gets the verdict it got the first time."""
    from crawler.distributed import Bus, RedisPatternCounts
    from crawler.traps import TrapGuard

    bus = Bus(connect(redis_url), "xunjian:test-traps:1")
    limits = {"max_url_length": 500, "max_query_params": 8, "max_repeated_segments": 3,
              "max_pages_per_pattern": 3, "calendar_years": [-3, 2]}
    workers = [TrapGuard(limits, TODAY), TrapGuard(limits, TODAY)]
    for guard in workers:
        guard.pattern_counts = RedisPatternCounts(bus)
    try:
        urls = [f"http://127.0.0.1:1/list.html?id={n}" for n in range(10)]
        verdicts = [workers[n % 2].check(url).cause for n, url in enumerate(urls)]
        assert verdicts == [None] * 3 + ["pattern-limit"] * 7
        assert [workers[1 - n % 2].check(url).cause for n, url in enumerate(urls)] == verdicts  # re-asked
        assert workers[1].check("http://127.0.0.1:1/other.html?id=1").cause is None  # its own pattern
    finally:
        bus.r.delete(bus.key("patterns"), bus.key("pattern_urls"))
