"""Resume after a crash (issue 11.3): ``kill -9`` in the middle of a run, the same command again.

``xunjian run`` is started as a subprocess on a loopback portal whose pages answer slowly; once
the store holds some crawled pages, the crawl child and the run process are killed with SIGKILL.
The same command then resumes: every page the killed run stored is replayed without a request,
the rest is fetched, and the findings equal those of an uninterrupted run of the same site (its
own store). ``xunjian diff --list`` shows the killed run as incomplete and resumed by the new one.
Waits poll for a state with a generous ceiling; nothing asserts on time.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from crawler.store import Store
from tests._servers import Hit, TestServer, html
from xunjian.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
PAGES = 30


class SlowPortal:
    """A tree of ``PAGES`` pages with a broken link and a missing anchor; ``slow`` delays pages."""

    def __init__(self) -> None:
        self.server = TestServer().start()
        self.slow = False
        self.server.route("/", self._page)
        for n in range(1, PAGES + 1):
            self.server.route(f"/p{n}.html", self._page)

    def _page(self, hit: Hit):
        if self.slow and hit.path != "/":
            time.sleep(0.4)
        n = 0 if hit.path == "/" else int(hit.path[2:].split(".")[0])
        links = "".join(f'<a href="/p{k}.html">第{k}页</a>' for k in range(n * 3 + 1, n * 3 + 4) if k <= PAGES)
        if n == 7:
            links += '<a href="/gone.html">已删除</a><a href="/p8.html#nope">锚点</a>'
        return html(f'<html lang="zh-CN"><head><title>页面{n}</title></head><body><h1 id="top">页面{n}</h1>'
                    f"{links}</body></html>")


def _profile(tmp: Path, start: str) -> Path:
    path = tmp / "resume.yaml"
    path.write_text(f'name: resume\nstart_urls: ["{start}"]\n'
                    "politeness: {delay_s: 0, autothrottle: false, concurrency: 2, concurrency_per_host: 2,"
                    " obey_robots: false}\n"
                    "links: {retries: 0, reverify_failures: false}\n"
                    "a11y: {enabled: false}\n", encoding="utf-8")
    return path


def _command(profile: Path, db: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "xunjian.cli", "run", "--site", str(profile), "--db", str(db),
            "--out", str(out),
            "--no-browser", "--quiet", "--today", TODAY, "--format", "json", "--fail-on", "none"]


def _scalar(db: Path, sql: str, *params):
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _stored_pages(db: Path) -> int:
    try:
        return _scalar(db, "SELECT COUNT(*) FROM page_parses") if db.exists() else 0
    except sqlite3.OperationalError:  # the store is being created
        return 0


def _wait_for(condition, what: str, ceiling: float = 120.0) -> None:
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def _findings(db: Path, run_id: int) -> list[tuple]:
    store = Store(db)
    try:
        return sorted((f.rule_id, f.severity, f.page_url, f.target, f.message_en)
                      for f in store.findings(run_id))
    finally:
        store.close()


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resume")
    portal = SlowPortal()
    profile = _profile(tmp, portal.server.url("/"))
    try:
        reference = subprocess.run(_command(profile, tmp / "ref.sqlite", tmp / "out"), cwd=REPO_ROOT,
                                   capture_output=True, text=True, timeout=300)
        assert reference.returncode == 0, reference.stderr
        db = tmp / "resume.sqlite"
        portal.slow = True
        killed = subprocess.Popen(_command(profile, db, tmp / "out"), cwd=REPO_ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # some pages committed (the pipeline commits at least every XUNJIAN_COMMIT_INTERVAL_S)
        _wait_for(lambda: _stored_pages(db) >= 5, "the killed run storing pages")
        killed_run = _scalar(db, "SELECT MAX(id) FROM runs")
        child = int(_scalar(db, "SELECT json_extract(stats, '$.crawl_pid') FROM runs WHERE id=?", killed_run))
        os.kill(child, signal.SIGKILL)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        stored = [u for (u,) in sqlite3.connect(db).execute(
            "SELECT url FROM page_parses WHERE run_id=?", (killed_run,))]
        portal.slow = False
        before = len(portal.server.hits)
        again = subprocess.run(_command(profile, db, tmp / "out"), cwd=REPO_ROOT, capture_output=True,
                               text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        new_run = _scalar(db, "SELECT MAX(id) FROM runs")
        yield {"db": db, "ref": tmp / "ref.sqlite", "killed": killed_run, "new": new_run, "stored": stored,
               "hits": portal.server.hits[before:], "base": portal.server.base, "stderr": again.stderr}
    finally:
        portal.server.stop()


def test_resumed_run_does_not_refetch_what_the_killed_run_stored(resumed):
    store = Store(resumed["db"])
    try:
        stats = store.run_stats(resumed["new"])
        assert stats["resumed_from"] == resumed["killed"]
        assert stats["incremental"]["replayed"] >= len(resumed["stored"]) >= 5
        assert store.run_state(resumed["killed"]).status == "incomplete"
    finally:
        store.close()
    refetched = {resumed["base"] + h.path for h in resumed["hits"]} & set(resumed["stored"])
    assert refetched == set()
    assert "crawl resumed run" in resumed["stderr"]


def test_resumed_run_reports_what_an_uninterrupted_run_reports(resumed):
    got = _findings(resumed["db"], resumed["new"])
    want = _findings(resumed["ref"], _scalar(resumed["ref"], "SELECT MAX(id) FROM runs"))
    assert got == want
    assert any(rule == "link-broken" for rule, *_ in got)


def test_history_shows_the_killed_run_as_resumed(resumed, capsys):
    assert main(["diff", "--list", "--db", str(resumed["db"])]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.split()[0] == str(resumed["killed"]))
    assert "incomplete" in line and f"resumed by run {resumed['new']}" in line


# ``xunjian run`` whose report writing waits for a line on stdin once it has begun (the kill point)
_PAUSED_AT_REPORTS = """
import sys
import reports
from xunjian.cli import main
real_render = reports.render
def render(*args, **kwargs):
    print("rendering", flush=True)
    sys.stdin.readline()
    return real_render(*args, **kwargs)
reports.render = render
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_while_writing_its_reports_is_not_complete(tmp_path, capsys):
    """Killed after its checks, as its reports are written: the run is not stored complete
    (complete means the reports were written), the gate gives no verdict, the next run resumes it."""
    portal = SlowPortal()
    db = tmp_path / "store.sqlite"
    try:
        run_args = _command(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out")[3:]
        proc = subprocess.Popen([sys.executable, "-c", _PAUSED_AT_REPORTS, *run_args],
                                cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout.readline().strip() == "rendering"
        run_id = _scalar(db, "SELECT MAX(id) FROM runs")
        assert Store(db).run_state(run_id).status == "running"  # a reader meanwhile: not complete yet
        proc.kill()
        proc.wait(timeout=60)
    finally:
        portal.server.stop()
    store = Store(db)
    try:
        assert store.run_state(run_id).code == "process-died"
        assert store.recover_orphans() == [run_id]  # what the next run does first: then it resumes it
        assert store.resumable_run("resume", store.run_stats(run_id)["incremental_key"]) == run_id
    finally:
        store.close()
    assert main(["gate", str(run_id), "--db", str(db)]) == 2
    assert "incomplete (process-died" in capsys.readouterr().err


def test_a_run_whose_store_writer_is_killed_is_resumed(tmp_path):
    """Only the crawl's store writer process is killed (kill -9, the OOM killer): the run says so and
    is incomplete, and since the writer commits whole pages only, the next run resumes it rather than
    fetching again what it stored (a failed write, by contrast, is started over)."""
    portal = SlowPortal()
    portal.slow = True
    db = tmp_path / "store.sqlite"
    try:
        proc = subprocess.Popen(_command(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out"),
                                cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        crawl_pid = "SELECT json_extract(stats, '$.crawl_pid') FROM runs ORDER BY id DESC LIMIT 1"
        writers: list[psutil.Process] = []

        def writer_started() -> bool:  # the crawl opens its writer once the spider has started
            try:
                child = _scalar(db, crawl_pid) if db.exists() else None
                writers[:] = [p for p in psutil.Process(child).children()
                              if "crawler.store_writer" in p.cmdline()] if child else []
            except (sqlite3.OperationalError, psutil.NoSuchProcess):  # the store is being created
                return False
            return bool(writers)

        _wait_for(writer_started, "the crawl's store writer")
        writers[0].kill()
        portal.slow = False  # the pages still in flight answer at once
        _out, err = proc.communicate(timeout=120)
        run_id = _scalar(db, "SELECT MAX(id) FROM runs")
    finally:
        portal.server.stop()
    assert proc.returncode == 2, err
    assert "store writer process ended unexpectedly" in err and "store writer process was killed" in err
    store = Store(db)
    try:
        assert store.run_state(run_id).code == "crawl-killed"
        assert store.resumable_run("resume", store.run_stats(run_id)["incremental_key"]) == run_id
    finally:
        store.close()


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path):
    """SIGTERM (systemctl stop, a cancelled CI job) to ``xunjian run`` mid-crawl: the crawl child is
    stopped and awaited, the run is stored interrupted at once (resumable), one line, exit 2."""
    portal = SlowPortal()
    portal.slow = True
    db = tmp_path / "store.sqlite"
    try:
        proc = subprocess.Popen(_command(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out"),
                                cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: len(portal.server.hits) >= 2, "the crawl fetching pages")
        run_id = _scalar(db, "SELECT MAX(id) FROM runs")
        crawl = psutil.Process(_scalar(db, "SELECT json_extract(stats, '$.crawl_pid') FROM runs WHERE id=?",
                                       run_id))
        proc.send_signal(signal.SIGTERM)
        portal.slow = False
        _out, err = proc.communicate(timeout=120)
    finally:
        portal.server.stop()
    assert proc.returncode == 2, err
    assert err.splitlines()[-1] == "xunjian: stopped by SIGTERM; facts written so far are kept in the store"
    assert not crawl.is_running()  # stopped and awaited before this process exited
    store = Store(db)
    try:
        assert store.run(run_id)["status"] == "incomplete" and store.run_state(run_id).code == "interrupted"
        assert store.resumable_run("resume", store.run_stats(run_id)["incremental_key"]) == run_id
    finally:
        store.close()
