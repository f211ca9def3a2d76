"""Starting a browser session is retried with backoff (a11y.start_attempts, start_backoff_s):
a start that fails now and then (a loaded machine) recovers; one that always fails gives one
clear error naming the attempts. No Chromium is needed: the failing endpoint is a closed
loopback port, the flaky start a stand-in for the real one."""

from __future__ import annotations

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
