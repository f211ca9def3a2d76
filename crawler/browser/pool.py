"""A pool of headless Chromium browsers driven by Selenium WebDriver.

Local browsers are Debian's ``/usr/bin/chromium`` driven by ``/usr/bin/chromedriver``;
both paths are set explicitly, which keeps Selenium Manager from looking for (or
downloading) anything. Each browser gets a fresh ``--user-data-dir``, the
flags that keep a headless Chromium quiet on a closed network, and a ``TMPDIR`` short enough
for Chromium's singleton socket (``crawler.browser.tmpdir``: a long TMPDIR is replaced by /tmp). With the
profile's ``a11y.remote_url`` set, sessions are opened on that WebDriver
endpoint (Selenium Grid, or chromedriver started as a server) instead.

Robustness (profile keys ``a11y.browsers``, ``page_timeout_s``, ``script_timeout_s``,
``start_attempts``, ``start_backoff_s``):

* starting a session is retried (``start_attempts`` tries, waiting ``start_backoff_s``,
  then twice that, ...) because a loaded machine makes Chromium miss chromedriver's start-up
  deadline now and then; when every try fails the error names the attempts and the last cause;
* every WebDriver call of a page runs under a deadline; a watchdog thread kills
  a browser that overruns it, so a hung renderer cannot stall the run;
* a crashed or killed browser is detected by the failing call, restarted, and
  the caller retries the page (``crawler.browser.run_a11y``);
* ``close()`` quits every session and then kills, by process group and by the
  unique user-data-dir in the command line, any Chromium left behind, so no
  process survives the run, also on Ctrl-C or an exception.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from typing import Any

import psutil
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.client_config import ClientConfig

from config.a11y import window_size
from crawler.browser import StageUnavailable
from crawler.browser.tmpdir import TmpdirTooLong, chromium_tmpdir

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio", "--hide-scrollbars",
)
USER_DATA_PREFIX = "xunjian-chromium-"

# Installed before any page script runs (CDP, local Chromium only): records
# window.open() and alert()/confirm()/prompt() instead of letting them block.
NEW_DOCUMENT_HOOK = """
window.__xunjianOpened = []; window.__xunjianDialogs = [];
window.open = function (u) { window.__xunjianOpened.push(String(u || "")); return null; };
window.alert = function (m) { window.__xunjianDialogs.push("alert: " + String(m).slice(0, 80)); };
window.confirm = function (m) { window.__xunjianDialogs.push("confirm: " + String(m).slice(0, 80)); return false; };
window.prompt = function (m) { window.__xunjianDialogs.push("prompt: " + String(m).slice(0, 80)); return null; };
"""


class BrowserUnavailable(StageUnavailable):
    """Chromium/chromedriver missing or not starting; str() is one line with the fix."""


def check_local_browser() -> None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            raise BrowserUnavailable(f"{path} not found; install Debian's {package} "
                                     "(`bash scripts/setup.sh`) or set a11y.remote_url")


class Browser:
    """One WebDriver session with a deadline-guarded life cycle."""

    def __init__(self, index: int, settings: dict[str, Any], preload: str = "",
                 closed: threading.Event | None = None):
        self.index = index
        self.settings = settings
        self.preload = preload
        self.closed = closed or threading.Event()
        self.driver: Any = None
        self.user_data_dir: str | None = None
        self.driver_pid: int | None = None
        self.chromium_tmpdir: str | None = None  # Chromium's TMPDIR (local browsers), set by start()
        self.starts = 0
        self.deadline: float | None = None
        self.killed_by_watchdog = False
        self._lock = threading.Lock()

    @property
    def remote(self) -> bool:
        return bool(self.settings["remote_url"])

    def _options(self) -> Options:
        options = Options()
        width, height = window_size(self.settings)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--window-size={width},{height}")
        # "accept" lets a beforeunload prompt (possible after our Tab presses) leave the page
        options.set_capability("unhandledPromptBehavior", "accept")
        options.page_load_strategy = "normal"
        if not self.remote:
            options.binary_location = CHROMIUM
            self.user_data_dir = tempfile.mkdtemp(prefix=USER_DATA_PREFIX)
            options.add_argument(f"--user-data-dir={self.user_data_dir}")
        return options

    def start(self) -> None:
        """Open a session, retrying a failed start with exponential backoff (``start_attempts``,
        ``start_backoff_s``); raise ``BrowserUnavailable`` naming the attempts when all fail."""
        if not self.remote and self.chromium_tmpdir is None:  # a setting, not a flaky start: no retry
            try:
                self.chromium_tmpdir = chromium_tmpdir()
            except TmpdirTooLong as exc:
                raise BrowserUnavailable(str(exc)) from None
        attempts = max(1, int(self.settings.get("start_attempts", 1)))
        backoff = float(self.settings.get("start_backoff_s", 0.0))
        for attempt in range(1, attempts + 1):
            try:
                self._start_once()
                return
            except BrowserUnavailable as exc:
                if self.closed.is_set() or attempt == attempts:
                    if attempts > 1 and not self.closed.is_set():
                        raise BrowserUnavailable(f"{exc} (after {attempts} attempts; raise "
                                                 "a11y.start_attempts or free the machine)") from exc.__cause__
                    raise
                log.warning("browser %d did not start (attempt %d/%d): %s",
                            self.index, attempt, attempts, exc)
                # wait on the pool's closed event, so Ctrl-C does not sit out the backoff
                if self.closed.wait(backoff * (2 ** (attempt - 1))):
                    raise BrowserUnavailable("browser pool closed (run interrupted)") from exc

    def _start_once(self) -> None:
        options = self._options()
        self.killed_by_watchdog = False
        try:
            if self.remote:
                timeout = int(self.settings["page_timeout_s"] + self.settings["script_timeout_s"] + 30)
                config = ClientConfig(remote_server_addr=self.settings["remote_url"], timeout=timeout)
                self.driver = webdriver.Remote(command_executor=self.settings["remote_url"], options=options,
                                               client_config=config)
            else:
                # own session: Ctrl-C in the terminal reaches us, not chromedriver, and the whole
                # browser tree can be killed by process group as a last resort
                service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL,
                                  env={**os.environ, "TMPDIR": self.chromium_tmpdir or tempfile.gettempdir()},
                                  popen_kw={"start_new_session": True})
                self.driver = webdriver.Chrome(options=options, service=service)
                self.driver_pid = service.process.pid if service.process else None
                for source in filter(None, (NEW_DOCUMENT_HOOK, self.preload)):
                    try:
                        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
                    except Exception:  # noqa: BLE001 - both are optimisations; the scanner checks and injects
                        log.debug("CDP new-document script unavailable", exc_info=True)
            self.driver.set_page_load_timeout(self.settings["page_timeout_s"])
            self.driver.set_script_timeout(self.settings["script_timeout_s"])
        except Exception as exc:
            self.kill()
            where = self.settings["remote_url"] or CHROMIUM
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise BrowserUnavailable(f"could not start a browser session on {where}: {first}") from exc
        self.starts += 1
        if self.closed.is_set():  # the pool closed while this browser was starting: do not leak it
            self.kill()
            raise BrowserUnavailable("browser pool closed (run interrupted)")

    def chromium_pids(self) -> list[int]:
        """Chromium processes of this browser (descendants of chromedriver)."""
        pids: set[int] = set()
        if self.driver_pid:
            try:
                pids.update(p.pid for p in psutil.Process(self.driver_pid).children(recursive=True))
            except psutil.Error:
                pass
        if self.user_data_dir:
            pids.update(_pids_with_arg(self.user_data_dir))
        return sorted(pids)

    def arm(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def disarm(self) -> None:
        self.deadline = None

    def overdue(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def kill(self, graceful: bool = True) -> None:
        """Quit the session; kill whatever is left of the local browser tree. ``graceful=False``
        (Ctrl-C) kills a local browser at once instead of asking it to quit first."""
        with self._lock:
            driver, self.driver = self.driver, None
            if driver is not None and (graceful or self.remote):
                _call_with_timeout(driver.quit, (5 if graceful else 3) if not self.remote else 15)
            if not self.remote:
                _kill_tree(self.driver_pid, self.user_data_dir)
                if self.user_data_dir:
                    shutil.rmtree(self.user_data_dir, ignore_errors=True)
            self.driver_pid = None
            self.user_data_dir = None

    def watchdog_kill(self) -> None:
        """Kill a hung browser from another thread so its blocked WebDriver call fails."""
        self.killed_by_watchdog = True
        if self.remote:
            threading.Thread(target=self.kill, daemon=True).start()
        else:
            _kill_tree(self.driver_pid, self.user_data_dir)


def _pids_with_arg(needle: str) -> list[int]:
    out = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if any(needle in part for part in proc.info["cmdline"] or []):
                out.append(proc.pid)
        except psutil.Error:
            continue
    return out


def _kill_tree(driver_pid: int | None, user_data_dir: str | None) -> None:
    victims: set[int] = set()
    if driver_pid:
        try:
            parent = psutil.Process(driver_pid)
            victims.update(p.pid for p in parent.children(recursive=True))
            victims.add(driver_pid)
        except psutil.Error:
            pass
        try:  # last resort: chromedriver leads its own process group (checked: pids get reused)
            if "chromedriver" in psutil.Process(driver_pid).name() and os.getpgid(driver_pid) == driver_pid:
                os.killpg(driver_pid, signal.SIGKILL)
        except (psutil.Error, ProcessLookupError, PermissionError, OSError):
            pass
    if user_data_dir:
        victims.update(_pids_with_arg(user_data_dir))
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for pid in victims:  # reap our own children so none lingers as a zombie
        try:
            psutil.Process(pid).wait(timeout=2)
        except (psutil.Error, subprocess.TimeoutExpired):
            pass


def _call_with_timeout(fn: Any, seconds: float) -> None:
    worker = threading.Thread(target=lambda: _quietly(fn), daemon=True)
    worker.start()
    worker.join(seconds)


def _quietly(fn: Any) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - quitting a dead session fails; the kill below covers it
        pass


class BrowserPool:
    """N browsers, started lazily, guarded by one watchdog thread; ``close()`` is idempotent."""

    def __init__(self, settings: dict[str, Any], preload: str = ""):
        self.settings = settings
        if not settings["remote_url"]:
            check_local_browser()
        self._closed = threading.Event()
        self.browsers = [Browser(i, settings, preload, self._closed) for i in range(settings["browsers"])]
        self._watchdog = threading.Thread(target=self._watch, name="xunjian-browser-watchdog", daemon=True)
        self._watchdog.start()

    def _watch(self) -> None:
        while not self._closed.wait(0.25):
            for browser in self.browsers:
                if browser.driver is not None and browser.overdue():
                    log.warning("browser %d overran its deadline; killing it", browser.index)
                    browser.disarm()
                    browser.watchdog_kill()

    def close(self, graceful: bool = True) -> None:
        self._closed.set()
        for browser in self.browsers:
            browser.kill(graceful)

    def __enter__(self) -> "BrowserPool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
