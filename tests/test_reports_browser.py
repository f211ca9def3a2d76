"""The HTML report as a person sees it: real headless Chromium, real clicks, axe-core.

Renders a stored run with every kind of finding, opens report.html from disk (in the session's
one Chromium, tests/_report_browser.py), checks structure, filters (kept in the URL fragment), search, sort, paging and
collapsing, that a hostile page title shows as text, that axe-core (wcag2a/aa,
wcag21a/aa) reports no violation, and saves desktop and print-emulated screenshots to
``$XUNJIAN_SCREENSHOTS`` (default: a pytest tmp dir) for a human to look at.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from tests.test_reports_data import XSS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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


def _open(drv, rule: str) -> None:
    """Expand a rule's section in the rule view (groups beyond the first screen start collapsed)."""
    toggle = drv.find_element("css selector", f"#rule-{rule} .rule-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def test_report_in_chromium(driver, report_files, tmp_path):
    from selenium.webdriver.support.ui import Select

    drv = driver
    drv.get(report_files["zh"].as_uri())
    assert drv.title.startswith("每日巡检报告")
    assert drv.find_element("css selector", "html").get_attribute("lang") == "zh-CN"
    assert drv.execute_script("return document.documentElement.dataset.ready") == "1"
    # the verdict a reader needs first
    assert "不通过" in drv.find_element("css selector", ".verdict-text").text
    veto_rows = drv.find_elements("css selector", "table.veto tbody tr")
    assert [r.find_element("css selector", "th").text for r in veto_rows] == ["V1", "V2", "V3", "V4", "V5", "V6"]
    assert "不通过" in veto_rows[3].text
    # the hostile page title is text, not markup; no script ran; the data block is data
    scripts = drv.execute_script("return window.__xss === undefined && Array.from(document.scripts, s => s.type)")
    assert scripts == ["application/json", ""]
    # the first screen is open, the rest collapsed: only opened groups have rows in the page at all
    toggles = drv.execute_script("return Array.from(document.querySelectorAll('.rule-toggle'),"
                                 " b => [b.closest('section').id, b.getAttribute('aria-expanded')])")
    assert toggles[:2] == [["rule-veto-v4c-blank-columns", "true"], ["rule-link-broken", "true"]]
    assert {state for _id, state in toggles[2:]} == {"false"}
    assert drv.execute_script("return document.querySelectorAll('tr.finding').length") == 1 + 25
    _open(drv, "mystery-rule")
    assert XSS in drv.find_element("id", "rule-mystery-rule").text
    assert drv.find_elements("css selector", "a[href^='javascript:']") == []
    # the unknown rule renders generically; rules render with basis and advice
    assert "mystery-rule" in drv.find_element("id", "rule-mystery-rule-h").text
    assert "国办秘函〔2019〕19号 V4(c)" in drv.find_element("id", "rule-veto-v4c-blank-columns").text

    total = 48
    assert _status(drv).startswith(f"显示 {total} / 共 {total}")
    # link-broken has 41 rows: 25 a page, then the next page; 50 a page shows every one
    broken = drv.find_element("id", "rule-link-broken")
    assert len(_visible_rows(drv, "#rule-link-broken")) == 25
    assert "第 1 / 2 页" in broken.find_element("css selector", ".pager").text
    broken.find_element("css selector", ".pg-next").click()
    assert len(_visible_rows(drv, "#rule-link-broken")) == 16
    assert drv.switch_to.active_element.get_attribute("class") == "pg pg-prev"  # focus stays on the pager
    Select(drv.find_element("id", "f-size")).select_by_value("50")
    assert len(_visible_rows(drv, "#rule-link-broken")) == 41
    assert drv.find_elements("css selector", "#rule-link-broken .pager") == []
    sizes = Select(drv.find_element("id", "f-size")).options
    assert [o.get_attribute("value") for o in sizes] == ["25", "50", "100"]

    Select(drv.find_element("id", "f-severity")).select_by_value("warning")
    assert {r["severity"] for r in _visible_rows(drv)} == {"warning"}
    assert len(_visible_rows(drv)) == 3 and _status(drv).startswith(f"显示 3 / 共 {total}")
    assert drv.find_elements("id", "rule-link-broken") == []
    # the filters are in the URL fragment: a reload (or a shared link) shows the same
    assert "sev=warning" in drv.execute_script("return location.hash")
    drv.refresh()
    assert drv.find_element("id", "f-severity").get_attribute("value") == "warning"
    assert len(_visible_rows(drv)) == 3
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
    sort_btn = drv.find_element("css selector", "#rule-link-broken button.sort[data-key='page']")
    sort_btn.click()
    pages = [r["page"] for r in _visible_rows(drv, "#rule-link-broken")]
    assert pages == sorted(pages)
    drv.find_element("css selector", "#rule-link-broken button.sort[data-key='page']").click()
    pages = [r["page"] for r in _visible_rows(drv, "#rule-link-broken")]
    assert pages == sorted(pages, reverse=True) and len(pages) == 25
    page_header = drv.find_element("css selector", "#rule-link-broken th.c-page")
    assert page_header.get_attribute("aria-sort") == "descending"

    # collapsing a rule hides its findings and says so to assistive tech
    toggle = drv.find_element("css selector", "#rule-link-broken .rule-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not drv.find_element("id", "rule-link-broken-body").is_displayed()
    toggle.click()

    # trend charts inline (verdict, deductions, severity, pages, broken links), nothing loaded from anywhere
    assert len(drv.find_elements("css selector", "svg.chart[role='img']")) == 5
    resources = drv.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []

    violations = _axe_violations(drv)
    assert violations == [], violations

    shots = Path(os.environ.get("XUNJIAN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    drv.execute_script("window.scrollTo(0, 0)")
    _screenshot(drv, shots / "report-desktop-zh.png", 1366)
    # print: no toolbar; every group of the view prints expanded, even those collapsed on screen
    drv.get(report_files["zh"].as_uri() + "#v=rule")
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert drv.execute_script(
        "return getComputedStyle(document.querySelector('.toolbar')).display") == "none"
    _screenshot(drv, shots / "report-print-zh.png", 794)  # A4 width at 96 dpi
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(drv.print_page())
    assert pdf.startswith(b"%PDF")
    (shots / "report-zh.pdf").write_bytes(pdf)
    import io

    import pypdf
    text = "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "alert(1)" in text and "外部链接返回403" in text  # rules collapsed on screen print expanded
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
