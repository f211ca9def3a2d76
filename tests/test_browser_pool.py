"""Starting a browser session is retried with backoff (a11y.start_attempts, start_backoff_s):
a start that fails now and then (a loaded machine) recovers; one that always fails gives one
clear error naming the attempts. No Chromium is needed for those: the failing endpoint is a closed
loopback port, the flaky start a stand-in for the real one. A TMPDIR too long for Chromium's
singleton socket (crawler/browser/tmpdir.py) starts a real Chromium with a short one, or, when no
short folder exists, fails a real run's browser stage in one line (the run incomplete)."""

from __future__ import annotations

import logging
import socket

import pytest

from config import ConfigError
from crawler.browser.pool import Browser, BrowserUnavailable
from config.a11y import validate_a11y


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_start_that_always_fails_names_the_attempts():
    settings = validate_a11y({"remote_url": f"http://127.0.0.1:{_closed_port()}", "start_attempts": 3,
                              "start_backoff_s": 0}, "test")
    browser = Browser(0, settings)
    with pytest.raises(BrowserUnavailable) as err:
        browser.start()
    message = str(err.value)
    assert "could not start a browser session" in message and "after 3 attempts" in message
    assert "\n" not in message and browser.starts == 0


def test_a_start_that_fails_once_is_retried(monkeypatch):
    settings = validate_a11y({"start_attempts": 2, "start_backoff_s": 0}, "test")
    browser = Browser(0, settings)
    calls = []

    def flaky_start() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise BrowserUnavailable("could not start a browser session on /usr/bin/chromium: timeout")
        browser.starts += 1

    monkeypatch.setattr(browser, "_start_once", flaky_start)
    browser.start()
    assert len(calls) == 2 and browser.starts == 1


def test_a_closed_pool_stops_retrying(monkeypatch):
    settings = validate_a11y({"start_attempts": 5, "start_backoff_s": 30}, "test")
    browser = Browser(0, settings)

    def failing_start() -> None:
        browser.closed.set()  # Ctrl-C arrives while the first attempt fails
        raise BrowserUnavailable("could not start a browser session on /usr/bin/chromium: killed")

    monkeypatch.setattr(browser, "_start_once", failing_start)
    with pytest.raises(BrowserUnavailable):
        browser.start()  # returns at once: no 30 s backoff once the pool is closed


@pytest.mark.parametrize("block, message", [
    ({"start_attempts": 0}, "a11y.start_attempts: must be at least 1"),
    ({"start_backoff_s": -1}, "a11y.start_backoff_s: .*(at least 0|0 or more)"),
])
def test_start_settings_are_validated(block, message):
    with pytest.raises(ConfigError, match=message):
        validate_a11y(block, "test")


def _long_tmpdir(tmp_path, monkeypatch) -> str:
    """A TMPDIR too long for Chromium's singleton socket, for this process and its children."""
    import tempfile
    from crawler.browser.tmpdir import fits
    folder = tmp_path / ("long-tmpdir-" + "x" * 60)
    folder.mkdir()
    assert not fits(str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return str(folder)


def test_a_long_tmpdir_still_starts_chromium(tmp_path, monkeypatch):
    """Chromium under a TMPDIR over 62 characters exits at start-up ("Chrome instance exited"): the
    pool gives it a short one; the profile still goes to the user's temporary folder."""
    long_tmpdir = _long_tmpdir(tmp_path, monkeypatch)
    browser = Browser(0, validate_a11y({"start_attempts": 1}, "test"))
    try:
        browser.start()
        assert browser.driver is not None and browser.chromium_pids()
        assert browser.user_data_dir.startswith(long_tmpdir)
        assert not browser.chromium_tmpdir.startswith(long_tmpdir)
    finally:
        browser.kill()


def test_no_short_tmpdir_is_one_line_and_the_run_says_a11y_did_not_run(tmp_path, monkeypatch, capfd, caplog):
    """When no folder is short enough, a real ``xunjian run`` says why in one line and the fix, starts
    no Chromium, and its verdict is incomplete (browser-failed), never a pass."""
    import json
    from crawler.browser import tmpdir
    from crawler.store import Store
    from tests._servers import TestServer, html
    from xunjian.cli import main
    _long_tmpdir(tmp_path, monkeypatch)
    monkeypatch.setattr(tmpdir, "FALLBACK_DIRS", ())
    server = TestServer().start()
    server.route("/", html('<html lang="zh-CN"><head><title>首页</title></head><body><p>x</p></body></html>'))
    site = tmp_path / "site.yaml"
    site.write_text(f'name: tmpdir\nstart_urls: ["{server.url("/")}"]\n'
                    "politeness: {delay_s: 0, autothrottle: false, obey_robots: false}\n", encoding="utf-8")
    db = tmp_path / "runs.sqlite"
    try:
        code = main(["run", "--site", str(site), "--db", str(db), "--out", str(tmp_path / "out"), "--quiet",
                     "--today", "2026-11-22", "--format", "json", "--fail-on", "none"])
    finally:
        server.stop()
    err = capfd.readouterr().err
    assert code == 2, err
    said = [line for line in err.splitlines()
            if line.startswith("[xunjian] the accessibility (browser) stage")]
    assert len(said) == 1 and "too long for Chromium's singleton socket" in said[0], err
    assert "set TMPDIR to a short writable folder" in said[0] and "Traceback" not in err, err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback on the console
    assert "INCOMPLETE (browser-failed)" in err
    store = Store(db)
    try:
        run_id = int(store.runs(complete_only=False)[0]["id"])
        state = store.run_state(run_id)
        assert (state.status, state.code) == ("incomplete", "browser-failed"), state
        assert store.manifest(run_id)["stages"]["browser"] == "failed"
    finally:
        store.close()
    report = json.loads(next((tmp_path / "out").rglob("report.json")).read_text(encoding="utf-8"))
    assert report["run"]["status"] == "incomplete", report["run"]
    assert report["verdict"]["veto"] == "incomplete", report["verdict"]
