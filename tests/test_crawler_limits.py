"""Crawl limits, scope switches, bad input and Ctrl-C, each with a real crawl on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.notfound import PROBE_MARK
from crawler.run import REPO_ROOT, crawl
from crawler.store import Store
from tests._servers import Hit, Reply, TestServer, html


def _write_profile(tmp: Path, start: str, robots: bool = True, check_external: bool = True,
                   per_host: int = 4) -> Path:
    path = tmp / "site.yaml"
    path.write_text(f'name: limits\nstart_urls: ["{start}"]\n'
                    f"politeness: {{delay_s: 0, autothrottle: false, concurrency: {per_host},"
                    f" concurrency_per_host: {per_host},"
                    f" obey_robots: {str(robots).lower()}}}\n"
                    f"links: {{retries: 0, retry_backoff_s: 0.1, reverify_failures: false,"
                    f" check_external: {str(check_external).lower()}}}\n"
                    "limits: {timeout_s: 3}\n", encoding="utf-8")
    return path


def _crawl(tmp: Path, profile: Path, progress: bool = False, **kw) -> tuple[int, Store, int]:
    db = tmp / "facts.sqlite"
    store = Store(db)
    run_id = store.start_run("limits", "2026-11-22")
    store.close()
    rc = crawl(str(profile), str(db), run_id, today="2026-11-22", progress=progress, **kw)
    return rc, Store(db), run_id


def test_depth_and_page_limits_are_recorded_not_fetched(tmp_path):
    server = TestServer().start()
    try:
        server.route("/", html('<a href="/deep/1.html">deep</a>'
                               + "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(6))))
        for i in range(6):
            server.route(f"/p{i}.html", html(f"<title>p{i}</title>"))
        for i in range(1, 5):
            server.route(f"/deep/{i}.html", html(f'<a href="/deep/{i + 1}.html">next</a>'))
        profile = _write_profile(tmp_path, server.url("/"))
        rc, store, run = _crawl(tmp_path, profile, overrides={"limits": {"max_depth": 1, "max_pages": 5}})
        rows = {r["url"].replace(server.base, ""): r for r in store.resources(run)}
        assert rc == 0
        # pages in link order: /, /deep/1, /p0, /p1, /p2 fill max_pages 5; /p3../p5 do not fit
        assert sorted(u for u, r in rows.items() if r["status"] == 200) == sorted(
            ["/", "/deep/1.html", "/p0.html", "/p1.html", "/p2.html"])
        assert {u for u, r in rows.items() if r["skip_reason"] == "limit:max-pages"} == {
            "/p3.html", "/p4.html", "/p5.html"}
        assert rows["/deep/2.html"]["skip_reason"] == "limit:max-depth" and rows["/deep/2.html"]["depth"] == 2
        assert "/deep/3.html" not in rows
        for url, row in rows.items():
            if row["skip_reason"]:
                assert server.hits_for(url) == []
        assert store.run_stats(run)["limits"] == {"limit:max-pages": 3, "limit:max-depth": 1}
    finally:
        server.stop()


def test_dead_homepage_is_recorded_and_crawl_ends_cleanly(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile = _write_profile(tmp_path, f"http://127.0.0.1:{port}/", robots=False)
    rc, store, run = _crawl(tmp_path, profile)
    home = store.resource(run, f"http://127.0.0.1:{port}/")
    assert rc == 0 and home["error_class"] == "refused" and home["status"] is None and home["kind"] == "page"
    assert store.run_stats(run)["errors"] == 1


def test_bad_profile_is_one_line_error_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart_urls: [ftp://x]\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={bad}",
                           "-a", f"db={tmp_path / 'x.sqlite'}"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "start_urls[0]" in lines[0] and "Traceback" not in proc.stderr
    rc = crawl(str(bad), str(tmp_path / "x.sqlite"), 1, today="2026-11-22", progress=False)
    assert rc == 2
    good = _write_profile(tmp_path, "http://127.0.0.1:9/")
    assert crawl(str(good), str(tmp_path / "x.sqlite"), 1, today="2026-11-22", progress=False,
                 overrides={"limits": {"max_pagez": 3}}) == 2
    assert crawl(str(good), str(tmp_path / "x.sqlite"), 99, today="2026-11-22", progress=False) == 2
    assert crawl(str(good), str(tmp_path / "x.sqlite"), 1, today="22.11.2026", progress=False) == 2


def test_ctrl_c_stops_the_child_cleanly_and_keeps_facts(tmp_path):
    server = TestServer().start()
    try:
        def slow_page(hit: Hit):
            time.sleep(0.3)
            n = int(hit.path.strip("/p") or 0)
            return html("".join(f'<a href="/p{n * 4 + i}">x</a>' for i in range(1, 5)))
        server.route("/", slow_page)
        for n in range(1, 2000):
            server.route(f"/p{n}", slow_page)
        profile = _write_profile(tmp_path, server.url("/"), robots=False)
        db = tmp_path / "facts.sqlite"
        store = Store(db)
        run = store.start_run("limits", "2026-11-22")
        store.close()
        code = (f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); from crawler.run import crawl\n"
                f"try:\n    crawl({str(profile)!r}, {str(db)!r}, {run}, today='2026-11-22', progress=False)\n"
                "except KeyboardInterrupt:\n    sys.exit(42)\n")
        parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT)
        deadline = time.monotonic() + 30
        fetched = 0
        while fetched < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
            fetched = len(server.hits)
        assert fetched >= 5, "crawl did not start"
        parent.send_signal(signal.SIGINT)
        assert parent.wait(timeout=60) == 42
        store = Store(db)
        rows = list(store.resources(run))
        stats = store.run_stats(run)
        assert len(rows) >= 1 and stats["crawl_finish_reason"] == "shutdown"
        assert len(rows) < 2000
        time.sleep(0.5)
        settled = len(server.hits)
        time.sleep(1.0)
        assert len(server.hits) == settled  # the child is gone: no more requests
        json.dumps(stats)
    finally:
        server.stop()


def test_homepage_moved_to_another_port_is_followed_into_scope(tmp_path, capfd):
    """Same host name, another port (x.gov.cn -> www.x.gov.cn:8080 is the portal moving; a move
    to another host name is off-site: tests/test_faults_network.py)."""
    old, new = TestServer().start(), TestServer().start()
    try:
        old.route("/", Reply(status=301, headers={"Location": new.url("/")}))
        new.route("/", html('<title>新首页</title><a href="/news.html">新闻</a>'
                            '<a href="http://127.0.0.3:9/elsewhere.html">外链</a>'))
        new.route("/news.html", html("<title>新闻</title>"))
        profile = _write_profile(tmp_path, old.url("/"), robots=False, check_external=False)
        rc, store, run = _crawl(tmp_path, profile, progress=True)
        assert rc == 0
        home = store.resource(run, old.url("/"))
        assert home["status"] == 200 and home["final_url"] == new.url("/")
        assert store.resource(run, new.url("/news.html"))["title"] == "新闻"
        err = capfd.readouterr().err
        assert f"redirects to host {new.base.removeprefix('http://')}" in err
        # progress on a pipe: plain lines, and a closing summary with the finish reason
        assert "[crawl] 页面 pages 2 |" in err and "| finished in" in err
        assert store.resource(run, "http://127.0.0.3:9/elsewhere.html")["skip_reason"] == "external-disabled"
    finally:
        old.stop()
        new.stop()


def test_crawl_delay_and_retry_after_pace_requests_to_the_host(tmp_path):
    """robots.txt Crawl-delay spaces every request; a 429 Retry-After pauses the whole host
    (one request at a time, so "nothing sent meanwhile" is deterministic)."""
    server = TestServer().start()
    try:
        server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain"))
        server.route("/", html('<a href="/limited.html">a</a>'
                               + "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(3))))
        state = {"n": 0}

        def limited(hit: Hit):
            state["n"] += 1
            return html("slow down", 429, headers={"Retry-After": "1"}) if state["n"] == 1 else html("ok")
        server.route("/limited.html", limited)
        for i in range(3):
            server.route(f"/p{i}.html", html(f"<title>p{i}</title>"))
        profile = _write_profile(tmp_path, server.url("/"), per_host=1)
        # not-found probes off: this test is about the spacing of the page requests themselves
        rc, store, run = _crawl(tmp_path, profile, overrides={"links": {"retries": 1},
                                                              "soft404": {"probes": False}})
        assert rc == 0 and store.run_stats(run)["pages"] == 5
        assert store.resource(run, server.url("/limited.html"))["status"] == 200
        assert not [h for h in server.hits if PROBE_MARK in h.path]
        pages = sorted(h.at for h in server.hits if h.path != "/robots.txt")
        assert len(pages) == 6  # /, /limited twice, /p0../p2
        assert all(later - earlier >= 0.3 for earlier, later in zip(pages, pages[1:]))  # ms apart without
        first_429 = server.hits_for("/limited.html")[0].at
        assert min(t for t in pages if t > first_429) - first_429 >= 0.95
    finally:
        server.stop()


def test_child_stops_by_itself_when_the_parent_is_killed(tmp_path):
    psutil = pytest.importorskip("psutil")
    server = TestServer().start()
    try:
        def slow_page(hit: Hit):
            time.sleep(0.3)
            n = int(hit.path.strip("/p") or 0)
            return html("".join(f'<a href="/p{n * 4 + i}">x</a>' for i in range(1, 5)))
        server.route("/", slow_page)
        for n in range(1, 2000):
            server.route(f"/p{n}", slow_page)
        profile = _write_profile(tmp_path, server.url("/"), robots=False)
        store = Store(tmp_path / "f.sqlite")
        run = store.start_run("limits", "2026-11-22")
        store.close()
        code = (f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); from crawler.run import crawl\n"
                f"crawl({str(profile)!r}, {str(tmp_path / 'f.sqlite')!r}, {run}, today='2026-11-22',"
                " progress=False)\n")
        parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT)
        deadline = time.monotonic() + 30
        while len(server.hits) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        children = psutil.Process(parent.pid).children()
        assert len(server.hits) >= 3 and len(children) == 1, "crawl did not start"
        parent.kill()
        parent.wait()
        children[0].wait(timeout=30)  # raises psutil.TimeoutExpired if the orphan kept crawling
        stats = Store(tmp_path / "f.sqlite").run_stats(run)
        assert stats["crawl_finish_reason"] == "shutdown"  # stopped cleanly: stats saved
    finally:
        server.stop()
