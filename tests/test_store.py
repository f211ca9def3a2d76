"""The SQLite store: round trips, fingerprints, streaming and schema guard."""

import os
import socket
import sqlite3
import subprocess
import sys

import pytest

from crawler.store import SCHEMA_VERSION, Finding, Store, fingerprint


def test_resource_link_body_roundtrip(tmp_path):
    store = Store(tmp_path / "x.sqlite", commit_every=2)
    run = store.start_run("demo", "2026-11-22", "config/sites/demo.yaml", "0.1.0")
    store.put_resource(run, url="http://h/a", kind="page", in_scope=True, status=200,
                       redirect_chain=[{"url": "http://h/b", "status": 301}], anchors=["x", "y"],
                       headers={"server": "nginx"})
    store.put_body(run, "http://h/a", "页面 <b>中文</b>")
    store.put_links(run, [{"source_url": "http://h/a", "target_url": "http://h/c", "fragment": "f",
                           "raw_href": "c#f", "scheme": "http", "text": "链接", "tag": "a", "attr": "href",
                           "position": 0}])
    store.commit()
    res = store.resource(run, "http://h/a")
    assert res["redirect_chain"] == [{"url": "http://h/b", "status": 301}]
    assert res["anchors"] == ["x", "y"] and res["headers"] == {"server": "nginx"}
    assert store.body(run, "http://h/a") == "页面 <b>中文</b>"
    pages = list(store.pages_with_bodies(run))
    assert len(pages) == 1 and pages[0][1].startswith("页面")
    assert store.links_to(run, "http://h/c")[0]["text"] == "链接"
    with pytest.raises(ValueError, match="unknown resource fields"):
        store.put_resource(run, url="u", kind="page", in_scope=1, bogus=1)


@pytest.mark.parametrize("depths", [(3, 2), (2, 3), (None, 2), (2, None)])
def test_a_rewritten_resource_keeps_the_smaller_depth_whatever_the_order(tmp_path, depths):
    """An external target linked from a depth-1 page and (with a fragment, so fetched again for its
    body) from a depth-2 page: which answer is written last depends on response timing; the depth
    stored must not. The rewritten row still moves above the live pass's write mark."""
    store = Store(tmp_path / "x.sqlite")
    run = store.start_run("demo", "2026-11-22")
    url = "http://other.example/doc"
    first, second = depths
    store.put_resource(run, url=url, kind="external", in_scope=False, status=200, method="HEAD", depth=first)
    mark = store.page_write_mark()
    store.put_resource(run, url=url, kind="external", in_scope=False, status=200, method="GET", depth=second)
    row = store.resource(run, url)
    assert (row["depth"], row["method"]) == (2, "GET")  # the later answer wins but for its depth
    assert list(store.urls_written_between(run, mark, store.page_write_mark())) == [url]
    later = store.start_run("demo", "2026-11-23")  # an incremental run copies the row (crawler.spiders.reuse)
    store.put_resource(later, url=url, kind="external", in_scope=False, status=200, depth=1)
    store.copy_resource(run, later, url, {"depth": 2, "in_scope": False})
    assert store.resource(later, url)["depth"] == 1 and store.resource(later, url)["method"] == "GET"
    store.close()


def test_findings_fingerprint_is_stable_and_replaces(tmp_path):
    store = Store(tmp_path / "x.sqlite")
    run = store.start_run("demo", "2026-11-22")
    f = Finding("link-broken", "error", "http://h/gone", "断链", "broken", target="http://h/gone",
                referrers=[{"page": "http://h/", "text": "旧链接"}])
    store.put_finding(run, f)
    store.put_finding(run, f)  # same fingerprint: replaced, not duplicated
    got = store.findings(run)
    assert len(got) == 1 and got[0].referrers[0]["text"] == "旧链接"
    assert f.fingerprint == fingerprint("link-broken", "http://h/gone", "http://h/gone")
    assert fingerprint("a", "p", "t") != fingerprint("a", "p", "u")


def test_run_lifecycle_and_stats(tmp_path):
    store = Store(tmp_path / "x.sqlite")
    run = store.start_run("demo", "2026-11-22")
    store.update_run_stats(run, {"pages": 3})
    store.finish_run(run, "complete", {"links": 9})
    row = store.run(run)
    assert row["status"] == "complete" and row["finished_at"]
    assert store.run_stats(run) == {"pages": 3, "links": 9}
    assert store.latest_run_id("demo") == run


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "x.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="newer than this xunjian"):
        Store(path)


# the runs table and meta of schema v1 (before run states, owners and manifests)
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, profile_path TEXT,
    today TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT, stats TEXT NOT NULL DEFAULT '{}');
INSERT INTO runs (site, today, started_at, finished_at, status, stats)
    VALUES ('demo', '2026-11-01', 't', 't', 'complete', '{"pages": 4}'),
           ('demo', '2026-11-02', 't', 't', 'partial', '{}'),
           ('demo', '2026-11-03', 't', NULL, 'running', '{}');
"""


def test_store_of_schema_v1_opens_and_migrates(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.commit()
    db.close()
    store = Store(path)
    version = store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert version == str(SCHEMA_VERSION)
    assert len(store.store_id) == 8
    rows = sorted(store.runs(complete_only=False), key=lambda r: r["id"])
    states = [store.run_state(r["id"]) for r in rows]
    assert [(s.status, s.code) for s in states] == [
        ("complete", ""), ("incomplete", "legacy-partial"),
        ("incomplete", "process-died")]  # v1 recorded no owner
    assert store.run_stats(1) == {"pages": 4} and store.latest_run_id("demo") == 1
    run = store.start_run("demo", "2026-11-04")  # the migrated table takes new runs
    assert store.run(run)["owner_pid"] == os.getpid()
    made = store.store_id
    store.close()
    assert Store(path).store_id == made  # opened again: same id, no second migration


def test_running_run_of_a_dead_owner_is_incomplete_and_recovered(tmp_path):
    store = Store(tmp_path / "x.sqlite")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = store.start_run("demo", "2026-11-22", owner={"pid": dead.pid, "host": socket.gethostname(),
                                                           "token": "boot:1"})
    live = store.start_run("demo", "2026-11-22")  # this process: alive
    assert store.run_state(orphan).code == "process-died" and store.run_state(live).status == "running"
    assert store.recover_orphans() == [orphan]
    assert store.run(orphan)["status"] == "incomplete" and store.run(live)["status"] == "running"
    with pytest.raises(ValueError, match="needs a reason"):
        store.finish_run(live, "incomplete")
    with pytest.raises(ValueError, match="status must be"):
        store.finish_run(live, "partial")
    store.close()
