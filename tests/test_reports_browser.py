"""The HTML report as a person sees it: real headless Chromium, real clicks, axe-core.

Renders a stored run with every kind of finding, opens report.html from disk,
checks structure, filters, search, sort, paging and collapsing, that a hostile
page title shows as text, that axe-core (wcag2a/aa, wcag21a/aa) reports no
violation, and saves desktop and print-emulated screenshots to
``$XUNJIAN_SCREENSHOTS`` (default: a pytest tmp dir) for a human to look at.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

import reports
from tests.test_reports_data import TEST_RULES, XSS, build_store

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def report_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-report")
    store, _prev, latest = build_store(root / "store.sqlite")
    files = {lang: reports.render(store, latest, root / lang, lang=lang, formats=("html",), rules=TEST_RULES)["html"]
             for lang in ("zh", "en")}
    store.close()
    return files


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1366,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield drv
    drv.quit()


def _screenshot(drv, path: Path, width: int) -> None:
    """Full-page PNG at ``width`` CSS pixels via the DevTools protocol."""
    height = drv.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": min(height, 12000), "deviceScaleFactor": 1, "mobile": False})
    shot = drv.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _axe_violations(drv) -> list:
    """Run the pinned axe-core on the open page; (rule, help, first targets) per violation."""
    drv.execute_script(AXE.read_text(encoding="utf-8"))
    result = drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: arguments[0]}).then(r => done(JSON.stringify(r.violations)),"
        " e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));", AXE_TAGS)
    return [(v["id"], v.get("help"), [n.get("target") for n in v.get("nodes", [])][:3])
            for v in json.loads(result)]


def _visible_rows(drv, within: str = "") -> list[dict]:
    """data-* of the finding rows a person can see (one round trip, not one per row)."""
    return drv.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tr.finding'))"
        ".filter(r => r.checkVisibility()).map(r => Object.assign({}, r.dataset))", within)


def _status(drv) -> str:
    return drv.find_element("id", "f-status").text


def test_report_in_chromium(driver, report_files, tmp_path):
    from selenium.webdriver.support.ui import Select

    drv = driver
    drv.get(report_files["zh"].as_uri())
    assert drv.title.startswith("每日巡检报告")
    assert drv.find_element("css selector", "html").get_attribute("lang") == "zh-CN"
    # the verdict a reader needs first
    assert "不通过" in drv.find_element("css selector", ".verdict-text").text
    veto_rows = drv.find_elements("css selector", "table.veto tbody tr")
    assert [r.find_element("css selector", "th").text for r in veto_rows] == ["V1", "V2", "V3", "V4", "V5", "V6"]
    assert "不通过" in veto_rows[3].text
    # the hostile page title is text, not markup; no script ran
    assert drv.execute_script("return window.__xss === undefined && document.querySelectorAll('script').length") == 1
    assert XSS in drv.find_element("id", "rule-mystery-rule").text
    assert drv.find_elements("css selector", "a[href^='javascript:']") == []
    # the unknown rule renders generically; rules render with basis and advice
    assert "mystery-rule" in drv.find_element("id", "rule-mystery-rule-h").text
    assert "国办秘函〔2019〕19号 V4(c)" in drv.find_element("id", "rule-veto-v4c-blank-columns").text

    total = 48
    assert _status(drv).startswith(f"显示 {total} / 共 {total}")
    assert len(_visible_rows(drv)) == total - 16  # link-broken has 41 rows, 25 shown until "show all"
    broken = drv.find_element("id", "rule-link-broken")
    more = broken.find_element("css selector", "button.more")
    assert more.is_displayed() and "41" in more.text
    assert len(_visible_rows(drv, "#rule-link-broken")) == 25
    more.click()
    assert len(_visible_rows(drv, "#rule-link-broken")) == 41
    assert not more.is_displayed()

    Select(drv.find_element("id", "f-severity")).select_by_value("warning")
    assert {r["severity"] for r in _visible_rows(drv)} == {"warning"}
    assert len(_visible_rows(drv)) == 3 and _status(drv).startswith(f"显示 3 / 共 {total}")
    assert not broken.is_displayed()
    Select(drv.find_element("id", "f-change")).select_by_value("persisting")
    assert _visible_rows(drv) == [] and drv.find_element("id", "f-none").is_displayed()
    drv.find_element("id", "f-reset").click()
    Select(drv.find_element("id", "f-column")).select_by_value("通知公告")
    assert [r["rule"] for r in _visible_rows(drv)] == ["veto-v4c-blank-columns"]
    drv.find_element("id", "f-reset").click()
    Select(drv.find_element("id", "f-rule")).select_by_value("link-broken-home")
    assert [r["rule"] for r in _visible_rows(drv)] == ["link-broken-home"]
    drv.find_element("id", "f-reset").click()

    search = drv.find_element("id", "f-search")
    search.send_keys("onerror")  # a referrer's link text
    assert [r["rule"] for r in _visible_rows(drv)] == ["link-broken-home"]
    search.clear()
    search.send_keys("old/039")
    assert len(_visible_rows(drv)) == 1
    drv.find_element("id", "f-reset").click()

    # sorting by page, descending on the second click
    sort_btn = broken.find_element("css selector", "button.sort[data-key='page']")
    sort_btn.click()
    pages = [r["sortPage"] for r in _visible_rows(drv, "#rule-link-broken")]
    assert pages == sorted(pages)
    sort_btn.click()
    pages = [r["sortPage"] for r in _visible_rows(drv, "#rule-link-broken")]
    assert pages == sorted(pages, reverse=True)
    assert sort_btn.find_element("xpath", "..").get_attribute("aria-sort") == "descending"

    # collapsing a rule hides its findings and says so to assistive tech
    toggle = drv.find_element("css selector", "#rule-link-unverified .rule-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not drv.find_element("id", "rule-link-unverified-body").is_displayed()
    toggle.click()

    # trend chart inline, nothing loaded from anywhere
    assert len(drv.find_elements("css selector", "svg.chart[role='img']")) == 3
    resources = drv.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []

    violations = _axe_violations(drv)
    assert violations == [], violations

    shots = Path(os.environ.get("XUNJIAN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    drv.execute_script("window.scrollTo(0, 0)")
    _screenshot(drv, shots / "report-desktop-zh.png", 1366)
    # print: no toolbar; collapsed rules and rows beyond the page size print anyway
    drv.get(report_files["zh"].as_uri())  # fresh page: link-broken shows 25 of 41 again
    drv.find_element("css selector", "#rule-link-unverified .rule-toggle").click()
    assert len(_visible_rows(drv, "#rule-link-broken")) == 25
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert drv.execute_script(
        "return getComputedStyle(document.querySelector('.toolbar')).display") == "none"
    assert len(_visible_rows(drv, "#rule-link-broken")) == 41
    assert len(_visible_rows(drv, "#rule-link-unverified")) == 1
    _screenshot(drv, shots / "report-print-zh.png", 794)  # A4 width at 96 dpi
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(drv.print_page())
    assert pdf.startswith(b"%PDF")
    (shots / "report-zh.pdf").write_bytes(pdf)
    for name in ("report-desktop-zh.png", "report-print-zh.png"):
        assert (shots / name).stat().st_size > 20_000


def test_english_report_in_chromium(driver, report_files, tmp_path):
    drv = driver
    drv.get(report_files["en"].as_uri())
    assert drv.find_element("css selector", "html").get_attribute("lang") == "en"
    assert drv.title.startswith("Daily inspection report")
    assert "Veto items: FAIL" in drv.find_element("css selector", ".verdict-text").text
    assert "Broken link on the homepage" in drv.find_element("id", "rule-link-broken-home").text
    assert _axe_violations(drv) == []
    shots = Path(os.environ.get("XUNJIAN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    _screenshot(drv, shots / "report-desktop-en.png", 1366)
    assert (shots / "report-desktop-en.png").stat().st_size > 20_000
