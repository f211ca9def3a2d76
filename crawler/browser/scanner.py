"""Scan one page in one browser: axe-core, then the 适老化 probe, with retry on crash.

``scan_page`` loads the URL, waits ``a11y.settle_ms`` (auto-opening pop-ups get
their chance to appear), runs the pinned axe-core, measures text sizes and
overlays (``probe.js``), then walks the page with ``a11y.keyboard_tabs`` real
Tab presses to see where focus goes and whether it is visible.

``scan_with_retry`` turns browser trouble into an honest outcome: a crashed,
killed or hung browser is restarted and the page retried ``a11y.retries``
times; a page that still fails is returned as not scanned with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from crawler.browser.engine import Engine, PinnedAxe, axe_options, compact_results
from crawler.browser.pool import Browser, BrowserUnavailable
from crawler.browser.screens import capture

PROBE_JS = (Path(__file__).with_name("probe.js")).read_text(encoding="utf-8")


@dataclass
class Outcome:
    url: str
    ok: bool
    data: dict[str, Any] | None = None
    error: str = ""
    attempts: int = 0
    notes: list[str] = field(default_factory=list)


def scan_page(driver: Any, url: str, engine: Engine, settings: dict[str, Any]) -> dict[str, Any]:
    timings: dict[str, int] = {}
    started = mark = time.monotonic()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[name] = int((now - mark) * 1000)
        mark = now

    driver.get(url)
    if settings["settle_ms"]:
        time.sleep(settings["settle_ms"] / 1000)
    final_url = driver.current_url
    lap("load_ms")
    axe = PinnedAxe(driver, engine)
    version = axe.ensure()
    if version != engine.version:
        raise RuntimeError(f"page reports axe-core {version}, expected the pinned {engine.version}")
    raw = axe.run(options=axe_options(settings))
    lap("axe_ms")
    selectors = settings["nav_selectors"]
    measure = driver.execute_script(PROBE_JS, "measure", selectors)
    walk: dict[str, Any] = {}
    if settings["keyboard_tabs"]:
        driver.execute_script(PROBE_JS, "prepare", selectors)
        ActionChains(driver).send_keys(Keys.TAB * settings["keyboard_tabs"]).perform()
        walk = driver.execute_script(PROBE_JS, "walk", selectors)
    lap("probe_ms")
    result = {"axe": compact_results(raw), "probe": {**measure, **(walk or {})}, "final_url": final_url,
              "elapsed_ms": int((time.monotonic() - started) * 1000), "timings": timings}
    plan = settings.get("screenshot_plan")  # set by the stage when a11y.screenshots is on
    reasons = plan.reasons(url, bool(result["axe"].get("violations"))) if plan is not None else []
    if reasons:
        result["screenshot"] = {**capture(driver, plan.citers.get(url, [])), "reasons": reasons}
        lap("screenshot_ms")
    return result


def describe_failure(exc: BaseException, browser: Browser, settings: dict[str, Any]) -> str:
    first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    first = first.replace("Message: ", "")[:200]
    if browser.killed_by_watchdog:
        limit = settings["page_timeout_s"] + settings["script_timeout_s"]
        return f"browser hung for more than {limit:.0f}s and was killed / 浏览器无响应已被终止"
    if isinstance(exc, TimeoutException):
        return f"timed out (page load limit {settings['page_timeout_s']:.0f}s, script limit " \
               f"{settings['script_timeout_s']:.0f}s): {first} / 页面加载或脚本超时"
    if isinstance(exc, BrowserUnavailable):
        return f"{first} / 浏览器无法启动"
    if isinstance(exc, WebDriverException) or "connection" in first.lower() or "refused" in first.lower():
        return f"browser crashed or disconnected: {first} / 浏览器崩溃或断开"
    return f"{exc.__class__.__name__}: {first}"


def scan_with_retry(browser: Browser, url: str, engine: Engine, settings: dict[str, Any],
                    stopping: Any = None) -> Outcome:
    outcome = Outcome(url=url, ok=False)
    budget = settings["page_timeout_s"] + settings["script_timeout_s"] + 15
    while outcome.attempts <= settings["retries"]:
        if stopping is not None and stopping.is_set():
            outcome.error = outcome.error or "run interrupted before the page was scanned / 巡检中断"
            return outcome
        outcome.attempts += 1
        try:
            if browser.driver is None:
                browser.start()
            browser.arm(budget)
            outcome.data = scan_page(browser.driver, url, engine, settings)
            browser.disarm()
            outcome.ok = True
            outcome.error = ""
            return outcome
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reason in the report
            browser.disarm()
            reason = describe_failure(exc, browser, settings)
            outcome.notes.append(f"attempt {outcome.attempts}: {reason}")
            outcome.error = reason
            browser.kill(graceful=False)  # suspect after a failure: a fresh one for the retry and next page
    return outcome
