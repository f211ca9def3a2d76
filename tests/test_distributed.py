"""The distributed crawl on Redis (crawler/distributed.py, crawler/redis_writer.py, crawler/worker.py).

A real ``redis-server`` started here on a free loopback port, real ``xunjian worker`` processes
and a real ``xunjian run --redis`` (``runner.audit(redis=...)``) on a small TRS-like portal
(tests/_mini_portals.py) served on 127.0.0.1. The stored pages, links and findings must equal a
single-process run's: with a second worker started only once the first holds leases and the queue
still has work (the portal holds its answers back until the late worker has leased a page of its
own, so both crawl and the late one must fetch pages; no timing involved), and with one of two
workers killed with SIGKILL mid-crawl while it holds leased requests (they go back to the queue).
``xunjian run --workers 2`` (xunjian/localworkers.py: a private redis-server and two local workers)
stores the same, also when one of its two workers is killed mid-crawl, and leaves no redis-server
or worker process behind: after a normal end, after Ctrl-C, and when every worker dies (the run is
then incomplete, exit 2); a ``--workers`` run stopped with Ctrl-C mid-crawl is resumed by the next
run without ``--workers``, which stores what an uninterrupted run stores; without redis-server on
PATH it refuses in one line. Skipped, saying why, only when redis-server is not installed
(scripts/setup.sh installs it).
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import yaml

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
    # timeout_s: answers some tests hold back (answers_held) must not time out on a loaded machine
    profile.write_text(f"""
name: mini-trs
start_urls: ["{server.base}/"]
limits: {{max_pages: 300, max_depth: 6, max_response_mb: 1, timeout_s: 60}}
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


@contextmanager
def answers_held(site, hold):
    """The portal answers each request once ``hold(hit)`` returned; its routes are restored after."""
    routes, fallback = dict(site.routes), site.fallback

    def held(reply):
        def answer(hit):
            hold(hit)
            return reply(hit) if callable(reply) else reply
        return answer

    site.routes = {path: held(reply) for path, reply in routes.items()}
    site.fallback = held(fallback)
    try:
        yield
    finally:
        site.routes, site.fallback = routes, fallback


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

    def hold(hit) -> None:  # the home page answers at once; every other answer waits for the late worker
        if hit.path != "/":
            release.wait(60)

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
    with answers_held(site, hold):
        controller.start()
        try:
            result = runner.audit(profile, db=tmp / "late.sqlite", out=tmp / "out", today=TODAY,
                                  progress=False, browser=False, redis=redis_url, redis_join_timeout=30,
                                  formats=("json",))
        finally:
            release.set()
            controller.join()
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


class Descendants(threading.Thread):
    """Every process started below this test process while it watches (pid -> start time), so the
    test can tell afterwards whether any of them is still alive, orphans reparented to init included."""

    def __init__(self):
        super().__init__(daemon=True)
        self.me = psutil.Process()
        self.before = {p.pid for p in self.me.children(recursive=True)}  # e.g. the fixture's redis-server
        self.seen: dict[int, float] = {}
        self.stopped = threading.Event()

    def snapshot(self) -> list[psutil.Process]:
        found = []
        for proc in self.me.children(recursive=True):
            try:
                if proc.pid not in self.before:
                    self.seen.setdefault(proc.pid, proc.create_time())
                    found.append(proc)
            except psutil.Error:
                pass  # exited meanwhile
        return found

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            self.snapshot()

    def alive(self) -> list[str]:
        self.stopped.set()
        self.join(timeout=5)
        left = []
        for pid, started in self.seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == started and proc.status() != psutil.STATUS_ZOMBIE:
                    left.append(" ".join(proc.cmdline()))
            except psutil.Error:
                pass  # gone
        return left


def _crawl_children(watch: Descendants) -> list[psutil.Process]:
    """The local workers' Scrapy processes (``python -m crawler.worker``) running now."""
    out = []
    for proc in watch.snapshot():
        try:
            if "crawler.worker" in proc.cmdline():
                out.append(proc)
        except psutil.Error:
            pass
    return out


def _job_of(proc: psutil.Process) -> tuple[str, str] | None:
    """The private Redis URL and the run's key prefix a local crawl process works on (its arguments)."""
    try:
        cmd = proc.cmdline()
        return cmd[cmd.index("--redis") + 1], cmd[cmd.index("--job") + 1]
    except (psutil.Error, ValueError, IndexError):
        return None


def test_workers_option_crawls_like_one_process_and_leaves_no_process(portal):
    """The portal answers once both local workers joined the run: on a loaded machine the second can
    start seconds after the first, which would crawl this small portal alone (no timing involved)."""
    tmp, profile, single, site = portal
    watch = Descendants()
    watch.start()
    release, joined = threading.Event(), threading.Event()

    def release_once_both_joined() -> None:
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and not release.is_set():
                jobs = {job for job in map(_job_of, _crawl_children(watch)) if job}
                if any(connect(url).scard(f"{prefix}:workers") == 2 for url, prefix in jobs):
                    joined.set()
                    return
                time.sleep(0.02)
        finally:
            release.set()

    controller = threading.Thread(target=release_once_both_joined)
    with answers_held(site, lambda hit: release.wait(60)):
        controller.start()
        try:
            result = runner.audit(profile, db=tmp / "local.sqlite", out=tmp / "out", today=TODAY,
                                  progress=False, browser=False, workers=2, formats=("json",))
        finally:
            release.set()
            controller.join()
    assert joined.is_set(), "the two local workers never both joined the run"
    assert watch.seen and watch.alive() == []  # redis-server, 2 workers and their crawl children: all gone
    assert result.incomplete is None
    got = facts(tmp / "local.sqlite", result.run_id)
    assert_same(single, got)
    assert got["stats"]["workers"] == 2  # both workers crawled and reported
    assert got["stats"]["local_workers"] == {"started": 2, "exited_early": []}
    assert got["stats"]["incremental"] == {"off": "distributed"}  # a cold crawl, said so


def test_a_dead_local_worker_leaves_its_pages_to_the_other(portal):
    """One of two local workers killed mid-crawl while it holds leased requests (the portal holds
    back every answer but the home page's until then: no timing): the run notices at once (no lease
    expiry to wait for), the other worker fetches its requests, and the stored facts equal a
    one-process run's."""
    tmp, profile, single, site = portal
    watch = Descendants()
    watch.start()
    killed: dict = {}
    release = threading.Event()

    def kill_one_holding_leases() -> None:
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and not release.is_set():
                for proc in _crawl_children(watch):
                    job = _job_of(proc)
                    if job is None:
                        continue
                    owners = {_pid(o.decode()) for o in connect(job[0]).hvals(f"{job[1]}:owners")}
                    if proc.pid in owners:
                        os.killpg(proc.pid, signal.SIGKILL)
                        killed["pid"] = proc.pid
                        return
                time.sleep(0.02)
        finally:
            release.set()

    def hold(hit) -> None:
        if hit.path != "/":
            release.wait(60)

    killer = threading.Thread(target=kill_one_holding_leases)
    with answers_held(site, hold):
        killer.start()
        try:
            result = runner.audit(profile, db=tmp / "one-dead.sqlite", out=tmp / "out", today=TODAY,
                                  progress=False, browser=False, workers=2, formats=("json",))
        finally:
            release.set()
            killer.join()
    assert killed, "no worker was killed while holding leases"
    assert watch.alive() == []
    assert result.incomplete is None
    got = facts(tmp / "one-dead.sqlite", result.run_id)
    assert_same(single, got)
    assert got["stats"]["local_workers"] == {"started": 2, "exited_early": [-signal.SIGKILL]}


def _pid(owner: str) -> int | None:
    """The pid in a lease owner (host:pid:tag)."""
    try:
        return int(owner.split(":")[1])
    except (ValueError, IndexError):
        return None


def test_workers_all_dead_fail_the_run_and_leave_no_process(portal):
    tmp, profile, _, _ = portal
    watch = Descendants()
    watch.start()
    killed: list[int] = []

    def kill_workers_once_crawling() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_crawl_children(watch)) < 2:
            time.sleep(0.02)
        for proc in _crawl_children(watch):
            os.killpg(os.getpgid(proc.pid), signal.SIGKILL)  # the worker and its crawl child
            killed.append(proc.pid)

    killer = threading.Thread(target=kill_workers_once_crawling)
    killer.start()
    result = runner.audit(profile, db=tmp / "dead.sqlite", out=tmp / "out", today=TODAY, progress=False,
                          browser=False, workers=2, formats=("json",), overrides=SLOW)
    killer.join()
    assert len(killed) == 2
    assert watch.alive() == []
    assert result.exit_code == runner.EXIT_ERROR and result.incomplete[0] == "crawl-failed"
    stats = Store(tmp / "dead.sqlite").run_stats(result.run_id)
    assert stats["crawl_finish_reason"] == "workers-lost"
    assert stats["local_workers"] == {"started": 2, "exited_early": [-signal.SIGKILL] * 2}


def _stored_pages(db: Path) -> int:
    """Resources stored so far by the run writing ``db`` (read-only: the test must not create the store)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return int(con.execute("SELECT COUNT(*) FROM resources").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:  # not made yet
        return 0


def test_ctrl_c_stops_the_workers_and_redis_and_the_next_run_resumes(portal):
    """Ctrl-C of ``xunjian run --workers 2`` mid-crawl (pages stored, later answers held back by the
    portal: no timing), then a run without --workers on the same store: it resumes the cut-short run
    (replays what it stored) and stores the facts and findings of an uninterrupted run."""
    tmp, profile, single, site = portal
    db = tmp / "ctrlc.sqlite"
    release, lock, hits = threading.Event(), threading.Lock(), []

    def hold(hit) -> None:  # the first few answers at once, the rest once the run was interrupted
        with lock:
            hits.append(hit.path)
            waits = len(hits) > 6
        if waits:
            release.wait(60)

    watch = Descendants()
    watch.start()
    with answers_held(site, hold):
        try:
            run = subprocess.Popen([sys.executable, "-m", "xunjian.cli", "run", "--site", str(profile),
                                    "--workers", "2", "--db", str(db), "--out", str(tmp / "out"),
                                    "--no-browser", "--quiet", "--today", str(TODAY), "--format", "json"],
                                   cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and run.poll() is None and not (
                    len(_crawl_children(watch)) == 2 and len(hits) > 6 and _stored_pages(db) > 0):
                time.sleep(0.02)
            assert len(_crawl_children(watch)) == 2, "the workers never started crawling"
            assert _stored_pages(db) > 0 and len(hits) > 6, "the crawl never got mid-way"
            run.send_signal(signal.SIGINT)  # a terminal's Ctrl-C (the workers have sessions of their own)
            out, err = run.communicate(timeout=60)
        finally:
            release.set()
    assert run.returncode == 2 and b"interrupted" in err and out == b""
    assert watch.alive() == []
    store = Store(db)
    try:
        cut = int(store.runs(complete_only=False)[0]["id"])
        assert (store.run_state(cut).status, store.run_state(cut).code) == ("incomplete", "interrupted")
        stored = len(list(store.resources(cut)))
    finally:
        store.close()
    assert 0 < stored < len(single["resources"])
    from xunjian import cli
    assert cli.main(["gate", str(cut), "--db", str(db)]) == 2  # never a pass
    resumed = runner.audit(profile, db=db, out=tmp / "out", today=TODAY, progress=False, browser=False,
                           formats=("json",))
    assert resumed.incomplete is None
    got = facts(db, resumed.run_id)
    assert got["stats"]["incremental"]["resumed_from"] == cut and got["stats"]["incremental"]["replayed"] > 0
    assert_same(single, got)
    store = Store(db)
    assert store.resumed_by(cut) == resumed.run_id
    store.close()


def test_workers_without_redis_server_or_with_bad_options_is_one_line(portal, tmp_path, monkeypatch, capsys):
    _, profile, _, _ = portal
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server there
    from xunjian import cli
    code = cli.main(["run", "--site", str(profile), "--workers", "2", "--db", str(tmp_path / "x.sqlite"),
                     "--out", str(tmp_path / "out"), "--no-browser"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "redis-server" in err and "not installed" in err and "scripts/setup.sh" in err
    assert not (tmp_path / "x.sqlite").exists()  # refused before anything was stored
    monkeypatch.undo()
    for bad in (["--workers", "1"], ["--workers", "2", "--redis", "redis://127.0.0.1:1/0"]):
        assert cli.main(["run", "--site", str(profile), *bad, "--db", str(tmp_path / "x.sqlite")]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "x.sqlite").exists()


def test_a_process_that_outlives_its_sigkill_is_named(monkeypatch, capsys):
    """A --workers process still there after SIGKILL and REAP_S (stuck in the kernel) is not left
    silently: one warning line names its pid. The stuck process is imitated by a kill that does not land."""
    from xunjian import localworkers
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        monkeypatch.setattr(localworkers.os, "killpg", lambda pid, sig: None)
        monkeypatch.setattr(localworkers, "REAP_S", 0.05)
        localworkers._kill_group(proc)
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"process {proc.pid} did not exit" in err[0] and "ps -o" in err[0]
    finally:
        proc.kill()
        proc.wait()
    localworkers._kill_group(proc)  # reaped: nothing to say
    assert capsys.readouterr().err == ""
