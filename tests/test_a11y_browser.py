"""The accessibility stage end to end in real headless Chromium, against fixture pages.

Planted defects must be found, decoys must not be flagged; the pinned engine and
locale must show in the results; the second run over unchanged pages reuses every
stored result; a killed browser is restarted and its page retried; a page that
hangs is reported as not scanned with the reason; no Chromium outlives a run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import zlib
from datetime import date
from pathlib import Path

import psutil
import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import load_thresholds
from crawler.browser import run_a11y
from crawler.store import Store
from tests.test_a11y_support import (FixturePortal, build_store, chromium_pids_under, fixture_pages, page,
                                     profile, wait_for)

pytestmark = pytest.mark.browser
A11Y_MODULES = {"a11y", "static_a11y", "elder"}

EXPECTED = {
    ("elder-entry", "/col/a/", "missing:elder"),
    ("a11y-contrast", "/col/a/", "color-contrast"),
    ("elder-zoom", "/col/b/", ""),
    ("a11y-axe", "/col/b/", "meta-viewport"),
    ("elder-focus-visible", "/col/b/", ""),
    ("elder-nav-keyboard", "/col/b/", ""),
    ("elder-popup", "/col/b/", ""),
    ("elder-text-size", "/col/c/", ""),
    ("a11y-axe", "/art/1.html", "html-has-lang"),
    ("a11y-axe", "/art/1.html", "image-alt"),
    ("a11y-axe", "/art/1.html", "link-name"),
    ("a11y-axe", "/art/1.html", "label"),
    ("a11y-static-img-alt", "/art/3.html", ""),
}
# pages that look suspicious but are correct: decorative alt="", a linked image with alt, a
# labelled input, a fixed bottom bar and a small 返回顶部 button, outline replaced by a focus
# background that fades in (CSS transition), 12px footer under 16px body text, maximum-scale=5,
# 关怀版 as the elder entry
CLEAN_PAGES = {"/", "/art/2.html"}


def _audit(tmp_path: Path, portal: FixturePortal, site, db: Path, run_id: int):
    stats = run_a11y(str(db), run_id, site, progress=False)
    store = Store(db)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=date.today())
    run_checks(ctx, only=A11Y_MODULES)
    findings = store.findings(run_id)
    rows = {r["url"]: dict(r) for r in store.db.execute("SELECT * FROM a11y_results WHERE run_id=?", (run_id,))}
    store.close()
    return stats, findings, rows


@pytest.fixture()
def portal(tmp_path, monkeypatch):
    # browsers' user-data-dirs go under tmp_path, so leak checks and the kill below only ever
    # see this test's Chromium (other suites may run the browser stage at the same time)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    server = FixturePortal(fixture_pages())
    yield server
    server.stop()


def test_planted_defects_found_decoys_spared_and_cache_reused(tmp_path, portal):
    site = profile(tmp_path, portal.base, {"scope": "sample", "per_template": 1, "browsers": 2})
    db = tmp_path / "a11y.sqlite"
    run_id = build_store(db, portal.base, portal.pages)
    stats, findings, rows = _audit(tmp_path, portal, site, db, run_id)

    got = {(f.rule_id, f.page_url[len(portal.base):], f.target) for f in findings}
    missing = EXPECTED - {(r, p, t if r in ("a11y-axe", "a11y-contrast", "elder-entry") else "") for r, p, t in got}
    assert not missing, f"planted defects not found: {sorted(missing)}"
    on_clean = sorted(g for g in got if g[1] in CLEAN_PAGES)
    assert not on_clean, f"decoys flagged: {on_clean}"
    assert not [g for g in got if g[0] == "elder-entry" and g[1] == "/col/b/"], "关怀版 must count as an elder entry"
    assert not [g for g in got if g[0] == "elder-focus-visible" and g[1] == "/col/c/"]
    assert not [g for g in got if g[0].startswith("a11y-static") and g[1] != "/art/3.html"], \
        "static checks must skip pages axe scanned and spare clean pages"

    # engine and locale: pinned axe-core 4.14.1, messages in Chinese, the four outcomes kept apart
    assert stats["engine"] == "axe-core 4.14.1"
    image_alt = next(f for f in findings if f.target == "image-alt")
    assert image_alt.message_zh.startswith("图像必须有替代文本"), image_alt.message_zh
    assert image_alt.evidence["wcag"] == ["1.1.1"] and "GB/T 37668-2019 可感知" in image_alt.evidence["gbt37668"]
    assert image_alt.evidence["nodes"][0]["selector"] and "<img" in image_alt.evidence["nodes"][0]["html"]
    assert image_alt.evidence["help_url"].startswith("https://dequeuniversity.com/rules/axe/4.14/image-alt")
    assert image_alt.evidence["passes"] > 0 and image_alt.severity == "error"
    assert {r["engine"] for r in rows.values()} == {"axe-core 4.14.1"}

    # coverage: homepage + 3 columns + one page per remaining template; /art/3.html only by template
    assert stats["pages_total"] == 9 and stats["pages_failed"] == 0
    assert stats["templates_found"] == 5
    assert portal.base + "/art/3.html" not in rows and portal.base + "/art/1.html" in rows
    assert stats["pages_scanned"] == len(rows) == stats["pages_selected"]
    assert stats["pages_represented"] == 9
    assert not chromium_pids_under(str(tmp_path)), "Chromium outlived the run"

    # 截图取证: a thumbnail of each scanned page with violations, none of a clean page, each image once
    store = Store(db)
    shots = {s["url"][len(portal.base):]: s for s in store.run_screenshots(run_id)}
    reasons: dict[str, set[str]] = {}
    for s in store.run_screenshots(run_id):
        reasons.setdefault(s["url"][len(portal.base):], set()).add(s["reason"])
    assert "a11y" in reasons["/art/1.html"] and stats["screenshots"]["taken"] == len(reasons)
    assert not [p for p in CLEAN_PAGES if "a11y" in reasons.get(p, set())]  # a clean page: no a11y shot
    cited = store.broken_link_citers(run_id)
    assert all(("broken-link" in reasons.get(p[len(portal.base):], set())) == (p in cited) for p in rows)
    mime, image = store.screenshot(shots["/art/1.html"]["hash"])
    assert mime == "image/jpeg" and image[:2] == b"\xff\xd8" and len(image) > 1000
    again = store.put_screenshot(run_id, portal.base + "/again", ["a11y"], mime, image)
    assert again == shots["/art/1.html"]["hash"]  # the same image is stored once
    blobs = store.db.execute("SELECT COUNT(*) FROM screenshots").fetchone()[0]
    assert blobs == len({s["hash"] for s in shots.values()})
    store.close()

    # incremental: same pages in a new run -> every result reused, no browser needed
    run2 = build_store(db, portal.base, portal.pages)
    stats2, findings2, rows2 = _audit(tmp_path, portal, site, db, run2)
    assert stats2["pages_reused"] == stats["pages_scanned"] and stats2["pages_scanned"] == 0
    assert {f.fingerprint for f in findings2} == {f.fingerprint for f in findings}
    assert {r["status"] for r in rows2.values()} == {"reused"}

    # one page changes -> only that page is scanned again
    changed = dict(portal.pages)
    changed["/col/c/"] = changed["/col/c/"].replace("font-size:12px", "font-size:16px")
    portal.pages.update(changed)
    run3 = build_store(db, portal.base, changed)
    no_shots = profile(tmp_path, portal.base, {"scope": "sample", "per_template": 1, "browsers": 2, "screenshots": False})
    stats3, findings3, _ = _audit(tmp_path, portal, no_shots, db, run3)  # the profile switch turns them off
    store = Store(db)
    assert store.run_screenshots(run3) == [] and "screenshots" not in stats3
    store.close()
    assert (stats3["pages_scanned"], stats3["pages_reused"]) == (1, stats["pages_scanned"] - 1)
    assert ("elder-text-size", portal.base + "/col/c/") not in {(f.rule_id, f.page_url) for f in findings3}

    # a result older than a11y.cache_max_age_days (7) is rescanned although nothing changed
    store = Store(db)
    blob = store.db.execute("SELECT result_z FROM a11y_results WHERE run_id=? AND url=?",
                            (run3, portal.base + "/art/1.html")).fetchone()[0]
    data = json.loads(zlib.decompress(blob))
    data["scanned_at"] = "2026-01-01T00:00:00+00:00"
    store.db.execute("UPDATE a11y_results SET result_z=? WHERE run_id=? AND url=?",
                     (zlib.compress(json.dumps(data).encode()), run3, portal.base + "/art/1.html"))
    store.close()
    run4 = build_store(db, portal.base, changed)
    stats4, _, rows4 = _audit(tmp_path, portal, site, db, run4)
    assert stats4["pages_scanned"] == 1 and rows4[portal.base + "/art/1.html"]["status"] == "scanned"


def test_killed_browser_is_restarted_and_hung_page_reported(tmp_path, portal):
    # page_timeout_s bounds /hang; /0slow is held by the server until the kill below has happened
    # (release_slow), so nothing here depends on how fast a loaded machine is
    site = profile(tmp_path, portal.base, {"scope": "sample", "per_template": 0, "browsers": 2, "page_timeout_s": 5,
                                           "script_timeout_s": 10, "keyboard_tabs": 5,
                                           "nav_selectors": [".nav"]})
    portal.slow_s = 120
    pages = {"/": portal.pages["/"], "/col/a/": portal.pages["/col/a/"], "/col/c/": portal.pages["/col/c/"]}
    # the homepage nav decides the column pages: /0slow (sorts first, so the kill below
    # happens while it loads and before the timeouts of /hang and /loop) and /hang
    pages["/"] = pages["/"].replace('href="/col/b/"', 'href="/0slow"').replace('href="/col/c/"', 'href="/hang"') \
        .replace('<div class="nav">', '<div class="nav"><a href="/loop">循环</a> <a href="/alert">弹框</a> ')
    # hostile pages: a script that never returns (hung renderer), alert()/confirm() and a
    # beforeunload prompt on load (must neither block the browser nor the next page)
    pages["/loop"] = page("循环", "<main><p>x</p><script>setTimeout(function () { while (true) {} }, 50)</script></main>")
    pages["/alert"] = page("弹框", "<main><p>x</p><script>alert('欢迎访问'); confirm('领取优惠？');"
                                 "window.onbeforeunload = function () { return '确定离开？'; };</script></main>")
    portal.pages.update(pages)
    db = tmp_path / "a11y.sqlite"
    run_id = build_store(db, portal.base, pages, extra_urls=("/0slow", "/hang"))

    def kill_the_browser_loading_slow() -> None:
        assert portal.slow_started.wait(60)
        # the renderer is busy with /0slow: kill the main Chromium process of every browser (the
        # other one is on the homepage or idle); the stage must restart both and retry
        for pid in chromium_pids_under(str(tmp_path)):
            try:
                cmd = psutil.Process(pid).cmdline()
            except psutil.Error:
                continue
            if cmd and "chromium" in cmd[0] and not any(a.startswith("--type=") for a in cmd):
                os.kill(pid, signal.SIGKILL)
        portal.release_slow.set()  # the retry of /0slow (a second hit) is answered at once anyway

    killer = threading.Thread(target=kill_the_browser_loading_slow, daemon=True)
    killer.start()
    stats, findings, rows = _audit(tmp_path, portal, site, db, run_id)
    killer.join(5)

    slow = rows[portal.base + "/0slow"]
    assert slow["status"] == "scanned", slow["error"]
    assert "crashed" in slow["error"] or "disconnected" in slow["error"], slow["error"]  # honest: retried
    # a page that never loads or never lets a script finish is reported as such; whether
    # chromedriver's own timeout or the watchdog's kill comes first depends on the machine's load,
    # so either honest reason is accepted (the reason, not the race, is what is tested)
    hung = ("timed out", "hung for more than")
    hang = rows[portal.base + "/hang"]
    assert hang["status"] == "failed" and any(reason in hang["error"] for reason in hung), hang["error"]
    not_scanned = [f for f in findings if f.rule_id == "a11y-not-scanned"]
    assert sorted(f.page_url for f in not_scanned) == [portal.base + "/hang", portal.base + "/loop"]
    assert not_scanned[0].evidence["attempts"] == 2
    loop_notes = next(f for f in findings if f.rule_id == "a11y-not-scanned" and f.page_url.endswith("/loop")) \
        .evidence["notes"]
    assert rows[portal.base + "/loop"]["status"] == "failed"
    # (the kill of /0slow's browser may hit one attempt)
    assert any(reason in note for note in loop_notes for reason in hung), loop_notes
    assert rows[portal.base + "/alert"]["status"] == "scanned"
    popup = next(f for f in findings if f.rule_id == "elder-popup")
    assert popup.page_url == portal.base + "/alert" and popup.evidence["dialogs"] == ["alert: 欢迎访问",
                                                                                      "confirm: 领取优惠？"]
    assert stats["pages_failed"] == 2 and stats["pages_retried"] >= 1
    assert rows[portal.base + "/"]["status"] == "scanned"
    assert wait_for(lambda: not chromium_pids_under(str(tmp_path)), 5), "Chromium outlived the run"


def test_remote_webdriver_endpoint_replaces_local_pool(tmp_path, portal):
    driver = subprocess.Popen(["/usr/bin/chromedriver", "--port=0", "--allowed-ips=127.0.0.1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        port = None
        for line in driver.stdout:
            if "started successfully on port" in line:
                port = int(line.rsplit("port", 1)[1].strip(" .\n"))
                break
        assert port, "chromedriver did not start"
        site = profile(tmp_path, portal.base, {"scope": "sample", "per_template": 0, "remote_url": f"http://127.0.0.1:{port}",
                                               "nav_selectors": [".nav"]})
        pages = {"/": portal.pages["/"], "/col/a/": portal.pages["/col/a/"]}
        db = tmp_path / "a11y.sqlite"
        run_id = build_store(db, portal.base, pages)
        stats, findings, rows = _audit(tmp_path, portal, site, db, run_id)
        assert stats["remote"] is True and stats["pages_scanned"] == 2
        assert ("a11y-contrast", portal.base + "/col/a/") in {(f.rule_id, f.page_url) for f in findings}
        assert wait_for(lambda: not psutil.Process(driver.pid).children(recursive=True), 10), \
            "the remote session's browser was not closed"
    finally:
        os.killpg(driver.pid, signal.SIGKILL)
        driver.wait(5)


def test_ctrl_c_leaves_no_chromium(tmp_path, portal):
    pages = {"/": portal.pages["/"].replace('href="/col/a/"', 'href="/hang"')}
    db = tmp_path / "a11y.sqlite"
    run_id = build_store(db, portal.base, pages, extra_urls=("/hang",))
    profile(tmp_path, portal.base, {"scope": "sample", "per_template": 0, "nav_selectors": [".nav"]})
    # the browsers' user-data-dirs go under tmp_path (tempfile.tempdir of the child, as the portal
    # fixture does in-process), but Chromium's own TMPDIR stays short: it puts a Unix socket there,
    # and under a long tmp_path (a pytest-xdist worker's, a long user name) the socket path is over
    # the Unix socket path limit (108 bytes) and Chromium exits at start-up
    script = (f"import sys, tempfile; sys.path.insert(0, {str(Path(__file__).parents[1])!r})\n"
              f"tempfile.tempdir = {str(tmp_path)!r}\n"
              "from config import load_site\nfrom crawler.browser import run_a11y\n"
              f"run_a11y({str(db)!r}, {run_id}, load_site({str(tmp_path / 'fixture.yaml')!r}), progress=False)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: portal.hits.get("/hang", 0) >= 1, 60), "the run never reached /hang"
        assert chromium_pids_under(str(tmp_path)), "expected a running Chromium"
        child.send_signal(signal.SIGINT)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert "KeyboardInterrupt" in child.stderr.read()
    assert wait_for(lambda: not chromium_pids_under(str(tmp_path)), 5), "Chromium outlived Ctrl-C"
