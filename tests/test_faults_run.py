"""Fault matrix of the run lifecycle (issue 9 items 1-4 and the unknowable findings of 9.12).

Every fault is injected for real: ``xunjian run`` is started as a subprocess against a loopback
server whose pages answer slowly (so the crawl is busy when it is hit), then the parent, the
crawl child or both are killed with SIGKILL; two runs share one ``--db``; outputs are made
unwritable in ways that hold for root too (a file where a folder is expected, a folder under
a file, a store that is not SQLite). ``bench/faults.py -k faults_run`` prints the matrix.
Waits poll for a state with a generous ceiling; nothing asserts on time.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.store import Store
from tests._servers import Hit, TestServer, html
from reports import history
from xunjian.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
SLOW_PAGES = 60


class Portal:
    """A small site on loopback; ``slow`` makes every page take ``delay`` seconds."""

    def __init__(self) -> None:
        self.server = TestServer().start()
        self.slow = False
        self.delay = 0.5
        self.server.route("/", self._page)
        for n in range(1, SLOW_PAGES + 1):
            self.server.route(f"/p{n}.html", self._page)

    def _page(self, hit: Hit):
        if self.slow and hit.path != "/":
            time.sleep(self.delay)
        n = 0 if hit.path == "/" else int(hit.path[2:].split(".")[0])
        links = "".join(f'<a href="/p{k}.html">第{k}页</a>' for k in range(n * 3 + 1, n * 3 + 4)
                        if k <= SLOW_PAGES)
        return html(f"<html><head><title>页面{n}</title></head><body>{links}</body></html>")

    @property
    def slow_hits(self) -> int:
        return sum(1 for h in list(self.server.hits) if h.path.startswith("/p"))


@pytest.fixture
def portal():
    site = Portal()
    yield site
    site.server.stop()


def _profile(tmp_path: Path, start: str, name: str = "faults") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f'name: {name}\nstart_urls: ["{start}"]\n'
                    "politeness: {delay_s: 0, autothrottle: false, concurrency: 2, concurrency_per_host: 2,"
                    " obey_robots: false}\n"
                    "links: {retries: 0, retry_backoff_s: 0.1, reverify_failures: false}\n"
                    "limits: {timeout_s: 10}\n"
                    "a11y: {enabled: false}\n", encoding="utf-8")
    return path


def _start(profile: Path, db: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "xunjian.cli", "run", "--site", str(profile), "--db", str(db), "--out",
           str(out), "--no-browser", "--quiet", "--today", TODAY, *extra]
    return subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, what: str, ceiling: float = 120.0) -> None:
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _newest_run(db: Path) -> dict:
    store = Store(db)
    try:
        rows = store.runs(complete_only=False)
        return {**dict(rows[0]), "stats": json.loads(rows[0]["stats"])} if rows else {}
    finally:
        store.close()


def _complete_run(tmp_path: Path, portal: Portal, db: Path) -> int:
    """One finished audit of the (fast) portal: the 'latest complete' run the faults must not hide."""
    proc = _start(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out")
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), err
    run = _newest_run(db)
    assert run["status"] == "complete", err
    return int(run["id"])


def _busy_run(tmp_path: Path, portal: Portal, db: Path, *extra: str) -> tuple[subprocess.Popen, int, int]:
    """Start a run on the slow portal; return (process, run id, crawl child pid) once it crawls."""
    portal.slow = True
    before = portal.slow_hits
    proc = _start(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out", *extra)
    _wait_for(lambda: portal.slow_hits >= before + 4, "the crawl fetching slow pages")
    _wait_for(lambda: _newest_run(db).get("stats", {}).get("crawl_pid"), "the crawl child pid in the store")
    run = _newest_run(db)
    return proc, int(run["id"]), int(run["stats"]["crawl_pid"])


def _state(db: Path, run_id: int):
    store = Store(db)
    try:
        return store.run_state(run_id)
    finally:
        store.close()


def _gate(db: Path, spec: str, capsys) -> tuple[int, str, str]:
    code = main(["gate", spec, "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_excluded_from_history(db: Path, good: int, bad: int, capsys) -> None:
    code, out, err = _gate(db, str(bad), capsys)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "incomplete" in err
    code, out, err = _gate(db, "latest", capsys)
    assert f"gate on run {good} " in out and f"run {bad} is newer but incomplete" in err
    store = Store(db)
    try:
        assert history.resolve_run(store, "latest") == good
        assert [p["run_id"] for p in history.trend(store, bad)] == [good]
        assert history.previous_run_id(store, bad + 1) == good if store.run(bad + 1) else True
    finally:
        store.close()
    assert main(["diff", "--list", "--db", str(db)]) == 0
    listing = capsys.readouterr().out
    assert any(line.split()[0] == str(bad) and "incomplete" in line for line in listing.splitlines())
    accepted = db.parent / "baseline.json"
    assert main(["baseline", str(bad), "--db", str(db), "--out", str(accepted), "--reason", "r",
                 "--days", "1"]) == 2
    assert "make the baseline from a complete run" in capsys.readouterr().err and not accepted.exists()


@pytest.mark.fault(item="9.1", case="kill -9 of the run parent mid-crawl",
                   expected="run incomplete (process-died); gate exits 2; excluded from latest/trend")
def test_kill_parent_mid_crawl(tmp_path, portal, capsys):
    db = tmp_path / "runs.sqlite"
    good = _complete_run(tmp_path, portal, db)
    proc, bad, child = _busy_run(tmp_path, portal, db)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    _wait_for(lambda: not _alive(child), "the orphaned crawl child stopping by itself")
    state = _state(db, bad)
    assert (state.status, state.code) == ("incomplete", "process-died")
    _assert_excluded_from_history(db, good, bad, capsys)


@pytest.mark.fault(item="9.1", case="kill -9 of the run parent and its crawl child",
                   expected="run incomplete (process-died); gate exits 2; the next run stores it so")
def test_kill_parent_and_child(tmp_path, portal, capsys):
    db = tmp_path / "runs.sqlite"
    good = _complete_run(tmp_path, portal, db)
    proc, bad, child = _busy_run(tmp_path, portal, db)
    os.kill(child, signal.SIGKILL)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    _wait_for(lambda: not _alive(child), "the crawl child gone")
    store = Store(db)
    assert store.run(bad)["status"] == "running"  # the row says running ...
    assert store.run_state(bad).code == "process-died"  # ... every reader sees it died
    store.close()
    _assert_excluded_from_history(db, good, bad, capsys)
    portal.slow = False
    _complete_run(tmp_path, portal, db)  # the next run persists the verdict on the dead one
    store = Store(db)
    assert store.run(bad)["status"] == "incomplete" and store.run(bad)["reason_code"] == "process-died"
    store.close()


@pytest.mark.fault(item="9.1", case="kill -9 of the crawl child only",
                   expected="exit 2; run incomplete (crawl-killed); no checks run; every format says so")
def test_kill_crawl_child_only(tmp_path, portal, capsys):
    db = tmp_path / "runs.sqlite"
    proc, bad, child = _busy_run(tmp_path, portal, db)
    os.kill(child, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "INCOMPLETE" in err and "SIGKILL" in err
    state = _state(db, bad)
    assert (state.status, state.code) == ("incomplete", "crawl-killed")
    store = Store(db)
    assert store.findings(bad) == []  # no column-missing, no V4 "pass" from a partial crawl
    assert all(m["status"] == "not-run" for m in store.manifest(bad)["modules"].values())
    store.close()
    folder = Path(out.strip())
    doc = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert doc["run"]["status"] == "incomplete" and doc["run"]["incomplete"]["code"] == "crawl-killed"
    assert doc["verdict"]["veto"] == "incomplete"
    assert {v["status"] for v in doc["veto_items"]} == {"not_checked"}
    banner = "本次巡检未完成"
    assert banner in (folder / "report.html").read_text(encoding="utf-8")
    assert banner in (folder / "summary.md").read_text(encoding="utf-8")
    assert banner in (folder / "findings.csv").read_text(encoding="utf-8-sig")
    junit = (folder / "junit.xml").read_text(encoding="utf-8")
    assert 'name="run-complete"' in junit and 'type="run-incomplete"' in junit
    assert main(["gate", str(bad), "--db", str(db)]) == 2


@pytest.mark.fault(item="9.2", case="two runs on one --db at once",
                   expected="--no-wait refuses (exit 2); a waiting run queues; readers work; both complete")
def test_two_runs_on_one_store(tmp_path, portal, capsys):
    db = tmp_path / "runs.sqlite"
    portal.delay = 0.1
    first, first_id, _child = _busy_run(tmp_path, portal, db)
    refused = _start(_profile(tmp_path, portal.server.url("/"), "second"), db, tmp_path / "out", "--no-wait")
    _out, err = refused.communicate(timeout=120)
    assert refused.returncode == 2
    assert err.strip().splitlines() == [err.strip()] and f"in use by run {first_id}" in err
    waiting = _start(_profile(tmp_path, portal.server.url("/"), "third"), db, tmp_path / "out")
    # readers work while the run holds the lock; the running run gets no verdict
    assert main(["diff", "--list", "--db", str(db)]) == 0
    assert "running" in capsys.readouterr().out
    assert _gate(db, str(first_id), capsys)[0] == 2
    assert main(["report", str(first_id), "--db", str(db), "--out", str(tmp_path / "r"),
                 "--format", "json"]) == 0
    doc = json.loads((Path(capsys.readouterr().out.strip()) / "report.json").read_text(encoding="utf-8"))
    assert doc["run"]["status"] == "running" and doc["verdict"]["veto"] == "incomplete"
    first.communicate(timeout=300)
    _out, err = waiting.communicate(timeout=300)
    assert "in use by run" in err and "waiting" in err
    assert first.returncode in (0, 1) and waiting.returncode in (0, 1), err
    store = Store(db)
    runs = store.runs(complete_only=False)
    assert [r["status"] for r in runs] == ["complete", "complete"]
    pages = [store.resource(r["id"], portal.server.url("/")) for r in runs]
    assert all(p is not None and p["status"] == 200 for p in pages)  # no lost homepage row
    counts = [len(list(store.resources(r["id"]))) for r in runs]
    assert counts[0] == counts[1] == SLOW_PAGES + 1
    store.close()


@pytest.mark.fault(item="9.3", case="--out is a file / under a file; --db not SQLite / under a file",
                   expected="exit 2 before any crawl, one line naming the path and the fix")
@pytest.mark.parametrize("setup", ["out-is-file", "out-under-file", "db-not-sqlite", "db-under-file"])
def test_unwritable_outputs_fail_before_the_crawl(tmp_path, portal, capsys, setup):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out, db = tmp_path / "out", tmp_path / "runs.sqlite"
    if setup == "out-is-file":
        out = blocker
    elif setup == "out-under-file":
        out = blocker / "reports"
    elif setup == "db-not-sqlite":
        db = blocker
    else:
        db = blocker / "runs.sqlite"
    code = main(["run", "--site", str(_profile(tmp_path, portal.server.url("/"))), "--db", str(db), "--out",
                 str(out), "--no-browser", "--quiet", "--today", TODAY])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and str(out if "out" in setup else db) in err
    assert "pass --" in err or "make it" in err  # the fix
    assert portal.server.hits == []  # nothing crawled
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.fault(item="9.4", case="a second (or recreated) store with the same --out",
                   expected="its own report folder; the first store's folder is not written over")
def test_report_folders_are_never_shared(tmp_path, capsys):
    out = tmp_path / "reports"
    folders = []
    for name in ("one.sqlite", "two.sqlite"):
        store = Store(tmp_path / name)
        rid = store.start_run("demo", TODAY)
        store.finish_run(rid, "complete")
        store.close()
        assert main(["report", str(rid), "--db", str(tmp_path / name), "--out", str(out),
                     "--format", "json"]) == 0
        folders.append(Path(capsys.readouterr().out.strip()))
    assert folders[0] != folders[1] and folders[0].parent == folders[1].parent
    first = (folders[0] / "report.json").read_text(encoding="utf-8")
    assert json.loads(first)["run"]["id"] == 1
    (tmp_path / "one.sqlite").unlink()  # a recreated store starts at run 1 again
    Store(tmp_path / "one.sqlite").close()
    store = Store(tmp_path / "one.sqlite")
    store.finish_run(store.start_run("demo", TODAY), "complete")
    store.close()
    assert main(["report", "1", "--db", str(tmp_path / "one.sqlite"), "--out", str(out),
                 "--format", "json"]) == 0
    assert Path(capsys.readouterr().out.strip()) not in folders
    assert (folders[0] / "report.json").read_text(encoding="utf-8") == first
    # re-rendering a run writes into its own folder again
    assert main(["report", "1", "--db", str(tmp_path / "two.sqlite"), "--out", str(out),
                 "--format", "json"]) == 0
    assert Path(capsys.readouterr().out.strip()) == folders[1]


@pytest.mark.fault(item="9.12", case="homepage unreachable (connection refused)",
                   expected="home-unreachable, V2 fail; V3/V4 and annual report 'not checked', "
                            "no content finding")
def test_unreachable_site_reports_only_what_it_can_know(tmp_path, capsys):
    closed = TestServer().start()
    start = closed.url("/")
    closed.stop()  # nothing listens there any more: refused
    db = tmp_path / "runs.sqlite"
    proc = _start(_profile(tmp_path, start), db, tmp_path / "out")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err  # the portal fails (V2); not a tool error, not a pass
    doc = json.loads((Path(out.strip()) / "report.json").read_text(encoding="utf-8"))
    assert doc["run"]["status"] == "complete"
    assert {f["rule_id"] for f in doc["findings"]} == {"home-unreachable"}
    veto = {v["id"]: (v["status"], v["reason"]) for v in doc["veto_items"]}
    assert veto["V2"] == ("fail", "")
    assert veto["V3"] == ("not_checked", "unknowable") and veto["V4"] == ("not_checked", "unknowable")
    rules = {r["id"]: r for r in doc["rules"]}
    for rule_id in ("annual-report-missing", "column-missing", "veto-v4c-blank-columns", "home-stale"):
        if rule_id in rules:
            assert not rules[rule_id]["ran"] and rules[rule_id]["not_run_reason"] == "unknowable"
    assert doc["manifest"]["site_readable"] is False
    assert _gate(db, "latest", capsys)[0] == 1


@pytest.mark.fault(item="9.2", case="a store write fails during the crawl (SQLite error on insert)",
                   expected="crawl stops; run incomplete (store-error); no checks; exit 2")
def test_failed_store_write_fails_the_run(tmp_path, portal):
    db = tmp_path / "runs.sqlite"
    Store(db).close()
    con = sqlite3.connect(db)  # every write of a crawl fact fails, as on a full disk
    con.execute("CREATE TRIGGER injected_failure BEFORE INSERT ON resources "
                "BEGIN SELECT RAISE(ABORT, 'injected write failure'); END")
    con.commit()
    con.close()
    proc = _start(_profile(tmp_path, portal.server.url("/")), db, tmp_path / "out")
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, err
    assert "injected write failure" in err
    run = _newest_run(db)
    state = _state(db, int(run["id"]))
    assert (state.status, state.code) == ("incomplete", "store-error")
    store = Store(db)
    assert store.findings(int(run["id"])) == []
    store.close()


@pytest.mark.fault(item="9.3", case="the report cannot be written after the checks ran (folder is a file)",
                   expected="run incomplete (report-failed); exit 2; gate exits 2")
def test_report_that_cannot_be_written_fails_the_run(tmp_path, portal, capsys):
    db, out = tmp_path / "runs.sqlite", tmp_path / "out"
    store = Store(db)
    blocked = out / "faults" / f"{TODAY}_run1_{store.store_id}"  # the folder run 1 will want
    store.close()
    blocked.parent.mkdir(parents=True)
    blocked.write_text("in the way", encoding="utf-8")
    proc = _start(_profile(tmp_path, portal.server.url("/")), db, out)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, err
    assert "report not written" in err and "INCOMPLETE (report-failed)" in err
    state = _state(db, 1)
    assert (state.status, state.code) == ("incomplete", "report-failed")
    assert main(["gate", "1", "--db", str(db)]) == 2
    assert "report-failed" in capsys.readouterr().err
