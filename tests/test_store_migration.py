"""A store written by the previous schema (v1) opens with the current code and its runs still render.

The v1 file is written here from v1's own DDL (as ``crawler/store.py`` shipped it before run
states, owners and manifests) with a small audited run in it: pages, a body, links, findings.
Opening it runs the forward migration; ``xunjian report`` then renders the old runs.
"""

from __future__ import annotations

import json
import sqlite3
import zlib

from crawler.store import SCHEMA_VERSION, Store
from xunjian.cli import main

# schema v1, verbatim apart from the rows: every table the first schema had
V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, profile_path TEXT,
    today TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT, stats TEXT NOT NULL DEFAULT '{}');
CREATE TABLE resources (run_id INTEGER NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,
    in_scope INTEGER NOT NULL, method TEXT, status INTEGER, final_url TEXT,
    redirect_chain TEXT NOT NULL DEFAULT '[]', content_type TEXT, charset TEXT, size INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0, elapsed_ms INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
    depth INTEGER, title TEXT, error TEXT, error_class TEXT, skip_reason TEXT,
    headers TEXT NOT NULL DEFAULT '{}', anchors TEXT, content_hash TEXT,
    decode_errors INTEGER NOT NULL DEFAULT 0, fetched_at TEXT, PRIMARY KEY (run_id, url));
CREATE TABLE bodies (run_id INTEGER NOT NULL, url TEXT NOT NULL, text_z BLOB NOT NULL,
    PRIMARY KEY (run_id, url));
CREATE TABLE links (run_id INTEGER NOT NULL, source_url TEXT NOT NULL, target_url TEXT NOT NULL,
    fragment TEXT, raw_href TEXT NOT NULL, scheme TEXT NOT NULL, text TEXT, tag TEXT NOT NULL,
    attr TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX links_target ON links (run_id, target_url);
CREATE INDEX links_source ON links (run_id, source_url);
CREATE TABLE findings (run_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, rule_id TEXT NOT NULL,
    severity TEXT NOT NULL, page_url TEXT NOT NULL DEFAULT '', target TEXT NOT NULL DEFAULT '',
    message_zh TEXT NOT NULL, message_en TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '{}',
    referrers TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (run_id, fingerprint));
CREATE INDEX findings_rule ON findings (run_id, rule_id);
CREATE TABLE a11y_results (run_id INTEGER NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL, engine TEXT,
    cache_key TEXT, reused INTEGER NOT NULL DEFAULT 0, result_z BLOB, error TEXT, PRIMARY KEY (run_id, url));
INSERT INTO meta VALUES ('schema_version', '1');
"""

HOME, GONE, NEWS = "http://127.0.0.1:8801/", "http://127.0.0.1:8801/old.html", "http://127.0.0.1:8801/news/"


def _finding(run_id, rule_id, severity, page, target, zh, en, referrers=()):
    from crawler.store import fingerprint
    return (run_id, fingerprint(rule_id, page, target), rule_id, severity, page, target, zh, en,
            json.dumps({"status": 404} if rule_id == "link-broken" else {}),
            json.dumps([{"page": r, "text": "旧通知", "tag": "a", "attr": "href", "href": "old.html"}
                        for r in referrers], ensure_ascii=False))


def _write_v1_store(path):
    db = sqlite3.connect(path)
    db.executescript(V1_DDL)
    stats = json.dumps({"pages": 2, "links": 3})
    db.executemany("INSERT INTO runs (site, profile_path, today, started_at, finished_at, status, tool_version, "
                   "stats) VALUES (?,?,?,?,?,?,?,?)",
                   [("legacy", "config/sites/legacy.yaml", "2026-10-01", "2026-10-01T01:00:00+00:00",
                     "2026-10-01T01:02:00+00:00", "complete", "0.0.9", stats),
                    ("legacy", "config/sites/legacy.yaml", "2026-10-02", "2026-10-02T01:00:00+00:00",
                     "2026-10-02T01:02:00+00:00", "complete", "0.0.9", stats),
                    ("legacy", "config/sites/legacy.yaml", "2026-10-03", "2026-10-03T01:00:00+00:00",
                     None, "partial", "0.0.9", "{}")])
    for run_id in (1, 2):
        db.executemany("INSERT INTO resources (run_id, url, kind, in_scope, status, content_type, title, "
                       "depth) VALUES (?,?,?,?,?,?,?,?)",
                       [(run_id, HOME, "page", 1, 200, "text/html", "首页", 0),
                        (run_id, NEWS, "page", 1, 200, "text/html", "新闻", 1),
                        (run_id, GONE, "page", 1, 404, "text/html", None, 1)])
        db.execute("INSERT INTO bodies VALUES (?,?,?)",
                   (run_id, HOME, zlib.compress("<html><title>首页</title></html>".encode())))
        db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?)",
                       [(run_id, HOME, NEWS, None, "news/", "http", "新闻", "a", "href", 0),
                        (run_id, HOME, GONE, None, "old.html", "http", "旧通知", "a", "href", 1),
                        (run_id, NEWS, HOME, None, "/", "http", "首页", "a", "href", 0)])
    rows = [_finding(1, "link-broken", "error", GONE, GONE, "链接失效（404）", "Broken link (404)", [HOME]),
            _finding(1, "page-decode-error", "warning", NEWS, NEWS, "乱码", "Mojibake"),
            _finding(2, "link-broken", "error", GONE, GONE, "链接失效（404）", "Broken link (404)", [HOME])]
    db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    db.close()


def test_a_v1_store_migrates_and_its_runs_render(tmp_path, capsys):
    path = tmp_path / "v1.sqlite"
    _write_v1_store(path)

    store = Store(path)  # the migration runs here
    assert store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] \
        == str(SCHEMA_VERSION)
    assert [store.run_state(r).status for r in (1, 2, 3)] == ["complete", "complete", "incomplete"]
    assert store.run_state(3).code == "legacy-partial"
    assert store.referrers(2, GONE) == [{"page": HOME, "text": "旧通知", "tag": "a", "attr": "href",
                                         "href": "old.html"}]
    assert store.first_seen(2, "legacy") == {f.fingerprint: (1, "2026-10-01") for f in store.findings(2)}
    store.close()

    out = tmp_path / "report"
    assert main(["report", "latest", "--db", str(path), "--dir", str(out), "--format", "json,html,md"]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["id"] == 2 and report["run"]["site"] == "legacy"
    assert report["run"]["status"] == "complete" and report["run"]["stats"]["pages"] == 2
    assert report["previous_run"]["id"] == 1
    findings = {f["rule_id"]: f for f in report["findings"]}
    assert set(findings) == {"link-broken"}
    assert findings["link-broken"]["page_url"] == GONE
    assert [r["page"] for r in findings["link-broken"]["referrers"]] == [HOME]
    assert [f["rule_id"] for f in report["fixed"]] == ["page-decode-error"]
    assert [p["run_id"] for p in report["trend"]] == [1, 2]  # the partial run is no night of the trend
    assert "旧通知" in (out / "report.html").read_text(encoding="utf-8")
    capsys.readouterr()

    # the run v1 stored as 'partial' renders too, said to be incomplete
    assert main(["report", "3", "--db", str(path), "--dir", str(tmp_path / "partial"), "--format", "json"]) == 0
    partial = json.loads((tmp_path / "partial" / "report.json").read_text(encoding="utf-8"))
    assert partial["run"]["status"] == "incomplete" and partial["run"]["incomplete"]
