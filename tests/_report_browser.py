"""The session's one headless Chromium for the report tests, and the zh/en HTML reports it opens.

tests/test_reports_browser.py, tests/test_reports_views.py and tests/test_reports_rendering.py all
look at the HTML report in Chromium: one browser serves them all (``driver``, session-scoped through
tests/conftest.py) instead of one per module, and ``report_files`` renders the stored demo run of
tests/test_reports_data.py once. Each test leaves the page as it found it (emulation overrides are
cleared in ``finally`` blocks) and opens the URL it needs itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import reports
from tests.test_reports_data import TEST_RULES, build_store

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def report_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-report")
    store, _prev, latest = build_store(root / "store.sqlite")
    files = {lang: reports.render(store, latest, root / lang, lang=lang, formats=("html",),
                                  rules=TEST_RULES)["html"] for lang in ("zh", "en")}
    store.close()
    return files


@pytest.fixture(scope="session")
def report_chromium(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1366,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_script_timeout(180)  # axe-core on a machine busy with other work can take well over 30 s
    yield drv
    drv.quit()


@pytest.fixture
def driver(report_chromium):
    """The session's Chromium on a blank page: a test's first ``get`` of a report loads it anew.

    Without this, a test opening the report another test left open (``report.html#v=page`` after
    ``report.html#v=rule``) makes only a same-document fragment change: the page's state (filters,
    open groups) carries over and the re-render happens after ``get`` returns.
    """
    report_chromium.get("about:blank")
    return report_chromium
