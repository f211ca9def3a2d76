"""A disk that fills up (or a folder that cannot be written) under a running crawl: the frontier
(crawler/frontier.py, the waiting requests on disk) and the store (crawler/store_writer.py).

The disk is exhausted for real: a tiny tmpfs is mounted for the test (``mount -t tmpfs -o size=...``,
which needs root or CAP_SYS_ADMIN; the test is skipped, saying so, where mounting is refused). The
frontier is put on it with ``XUNJIAN_FRONTIER_DIR``, the store with ``--db``. Each case asserts: one
line naming the problem and the fix, no traceback, the run incomplete with its reason (the gate exits
2), what was stored kept, and the next run able to resume (frontier) or to start over on a sound
store once space is freed (store). No timing is involved: the site is simply larger than the disk.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crawler.store import Store
from crawler.storereserve import reserve_path
from tests._servers import TestServer, html
from xunjian import runner
from xunjian.cli import main

TODAY = "2026-11-22"
PAGES = 200


def _site(page_bytes: int) -> TestServer:
    """A home page linking to ``PAGES`` pages of ``page_bytes`` bytes of incompressible text each."""
    server = TestServer().start()
    links = "".join(f'<a href="/p{n}.html">第{n}页</a>' for n in range(1, PAGES + 1))
    server.route("/", html(f"<html><head><title>首页</title></head><body>{links}</body></html>"))
    server.fallback = lambda hit: html(f"<html><head><title>页面{hit.path}</title></head><body>"
                                       f"<p>{os.urandom(page_bytes // 2).hex()}</p></body></html>")
    return server


def _profile(tmp_path: Path, server: TestServer) -> Path:
    path = tmp_path / "disk.yaml"
    path.write_text(f'name: disk\nstart_urls: ["{server.url("/")}"]\n'
                    "politeness: {delay_s: 0, autothrottle: false, concurrency: 4, concurrency_per_host: 4,"
                    " obey_robots: false}\n"
                    "links: {retries: 0, retry_backoff_s: 0.1, reverify_failures: false}\n"
                    "a11y: {enabled: false}\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny_disk(tmp_path):
    """Mount a tmpfs of the given size (KiB) under tmp_path; unmounted at the end."""
    mounted: list[Path] = []

    def mount(kib: int) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"a tiny tmpfs cannot be mounted here (needs root): {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _run(tmp_path: Path, server: TestServer, db: Path, capfd) -> tuple[int, str]:
    code = main(["run", "--site", str(_profile(tmp_path, server)), "--db", str(db), "--out",
                 str(tmp_path / "out"), "--no-browser", "--quiet", "--today", TODAY, "--format", "json"])
    return code, capfd.readouterr().err


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("xunjian: error:")]


def _assert_stopped_in_one_line(code: int, err: str, db: Path, says: str, fix: str, reason: str,
                                resumed: bool) -> int:
    """What every full-disk case asserts; returns the run's id. Exit 2; one error line saying ``says``
    and naming the ``fix``, no traceback, no Scrapy 'Dropped' lines; the run stored incomplete with
    ``reason`` and never judged (no findings, the gate exits 2); the next run resumes it or not."""
    assert code == 2, err
    errors = _error_lines(err)
    assert len(errors) == 1 and errors[0].startswith(f"xunjian: error: {says}") and fix in errors[0], err
    assert "Traceback" not in err and "Dropped" not in err, err
    store = Store(db)
    try:
        run_id = int(store.runs(complete_only=False)[0]["id"])
        state = store.run_state(run_id)
        assert (state.status, state.code) == ("incomplete", reason), state
        assert store.findings(run_id) == []
        key = store.run_stats(run_id)["incremental_key"]
        assert store.resumable_run("disk", key) == (run_id if resumed else None)
    finally:
        store.close()
    assert main(["gate", str(run_id), "--db", str(db)]) == 2
    return run_id


@pytest.mark.fault(item="disk", case="the frontier's disk fills up mid-crawl (real ENOSPC on a tmpfs)",
                   expected="one line; run incomplete (frontier-error); facts kept; next run resumes; exit 2")
def test_full_frontier_disk_stops_the_crawl_with_one_line_and_the_next_run_resumes(tmp_path, tiny_disk,
                                                                                     monkeypatch, capfd):
    frontier = tiny_disk(16)  # the home page alone queues ~100 KB of requests
    monkeypatch.setenv("XUNJIAN_FRONTIER_DIR", str(frontier))
    monkeypatch.setenv("XUNJIAN_FRONTIER_MEMORY_REQUESTS", "0")  # every waiting request on that disk
    server, db = _site(200), tmp_path / "runs.sqlite"
    try:
        code, err = _run(tmp_path, server, db, capfd)
    finally:
        server.stop()
    says = f"frontier: no space left on device writing {frontier}"
    run_id = _assert_stopped_in_one_line(code, err, db, says, "XUNJIAN_FRONTIER_DIR", "frontier-error",
                                         resumed=True)
    assert not list(frontier.iterdir())  # the job directory is removed however the crawl ended
    store = Store(db)
    try:
        stored = store.db.execute("SELECT COUNT(*) FROM resources WHERE run_id=? AND status=200",
                                  (run_id,)).fetchone()[0]
        assert stored >= 1  # at least the home page: the writer committed everything it was sent
    finally:
        store.close()


def test_unwritable_frontier_folder_is_one_line_before_anything_is_fetched(tmp_path, monkeypatch, capsys):
    from crawler.run import EXIT_FRONTIER
    from crawler.run import main as crawl_main
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the frontier folder should be")  # holds for root too
    monkeypatch.setenv("XUNJIAN_FRONTIER_DIR", str(blocker))
    server = _site(100)
    try:
        code = crawl_main(["--site", str(_profile(tmp_path, server)), "--db", str(tmp_path / "runs.sqlite"),
                           "--today", TODAY, "--no-progress"])
        assert server.hits == []
    finally:
        server.stop()
    err = capsys.readouterr().err
    assert code == EXIT_FRONTIER, err
    errors = _error_lines(err)
    assert len(errors) == 1 and errors[0].startswith("xunjian: error: frontier: ") and str(blocker) in errors[0]
    assert "XUNJIAN_FRONTIER_DIR" in errors[0]


@pytest.mark.fault(item="disk", case="the store's disk fills up mid-crawl (real SQLITE_FULL on a tmpfs)",
                   expected="one line; run incomplete (store-error); store sound; next run starts over; exit 2")
def test_full_store_disk_stops_the_crawl_with_one_line_and_leaves_a_sound_store(tmp_path, tiny_disk, capfd,
                                                                                 monkeypatch):
    disk = tiny_disk(768)  # the site's bodies are ~3 MB
    server, db = _site(16000), disk / "runs.sqlite"
    assert reserve_path(db).name == "runs.sqlite.reserve"
    marked = runner._crawl_failure

    def still_full_when_marked(rc: int) -> tuple[str, str]:
        """Once the crawl stopped, and before the runner records the run, the disk is full with no
        room left in the store's WAL either (SQLite reuses the failed transaction's room, which may
        be too little: here none): the runner gives up the reserve to record the run."""
        subprocess.run(["mount", "-o", "remount,size=2m", str(disk)], check=True)
        with sqlite3.connect(db) as other:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with pytest.raises(OSError, match="No space left"), open(disk / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        return marked(rc)

    monkeypatch.setattr(runner, "_crawl_failure", still_full_when_marked)
    try:
        code, err = _run(tmp_path, server, db, capfd)
    finally:
        server.stop()
    subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)  # space freed
    (disk / "filler").unlink()
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # recorded store-error in the reserve's room (without it the row stayed "running": process-died,
    # resumed) and not resumed (what a failed writer stored may stop mid-page): the next run starts over
    says = f"store: no space left on device writing {db}"
    run_id = _assert_stopped_in_one_line(code, err, db, says, "--db", "store-error", resumed=False)
    assert not reserve_path(db).exists()
    store = Store(db)
    try:
        assert store.start_run("disk", TODAY) > run_id  # and can write again
    finally:
        store.close()
