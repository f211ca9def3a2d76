"""Rendering defects a reader would see: template leaks, overflowing URLs, print tables, phone layout.

A report in every format (zh and en) must never show Python or Jinja internals
(``<built-in method …>``, ``<bound method …>``, ``Undefined``); the HTML is read
as written to disk, i.e. as it reads with JavaScript off. The browser tests
open the HTML report in Debian's headless Chromium (the session's one driver,
tests/_report_browser.py) and measure it: no table cell's content wider
than its cell, the findings table's header repeated on every printed PDF page,
and the filter bar not pinned on a 390 px phone.
"""

from __future__ import annotations

import base64
import io
import re

import pypdf
import pytest
from openpyxl import load_workbook

import reports
from tests.test_reports_data import TEST_RULES, build_store

LEAKS = re.compile(r"built-in method|bound method|at 0x[0-9a-f]{6,}|Undefined")  # also HTML-escaped (&lt;…)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("rendering")
    store, _prev, latest = build_store(root / "store.sqlite")
    files = {lang: reports.render(store, latest, root / lang, lang=lang, rules=TEST_RULES)
             for lang in ("zh", "en")}
    store.close()
    return files


def _text_of(fmt: str, path) -> str:
    if fmt == "xlsx":
        wb = load_workbook(path)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    return path.read_text(encoding="utf-8-sig")


def test_no_python_or_jinja_internals_in_any_format(rendered):
    for lang, files in rendered.items():
        assert sorted(files) == sorted(reports.DEFAULT_FORMATS)
        for fmt, path in files.items():
            leaks = [m.group(0) for m in LEAKS.finditer(_text_of(fmt, path))]
            assert leaks == [], (lang, fmt, leaks)
    # the status line as written, i.e. as it reads without JavaScript: what is listed and how many
    zh = rendered["zh"]["html"].read_text(encoding="utf-8")
    assert re.search(r'<p id="f-status"[^>]*>未启用 JavaScript：每条规则只列出前 5 条问题（共 48 条）。', zh)
    en = rendered["en"]["html"].read_text(encoding="utf-8")
    assert re.search(r'<p id="f-status"[^>]*>JavaScript is off: each rule lists its first 5 findings'
                     r' \(48 in all\)', en)


# Percent-encoded Chinese paths and long queries: one "word" with no break opportunity of its own.
LONG_PATH = "/xxgk/" + "%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80" * 6 + ".html?id=" + "7" * 60
LONG_SELECTOR = ("#main > div.content-wrapper-outer > div.content-wrapper-inner > ul.news-list-items"
                 " > li:nth-child(12)")


@pytest.fixture(scope="module")
def long_url_report(tmp_path_factory):
    """The fixture run plus a run whose findings, referrers and fixed items carry very long URLs."""
    from crawler.store import Finding
    from tests.test_reports_data import BASE, LATEST_FINDINGS

    root = tmp_path_factory.mktemp("long-urls")
    store, _prev, latest = build_store(root / "store.sqlite")
    gone = Finding("link-broken", "error", BASE + LONG_PATH.replace("id=", "gone="), "链接返回 404", "404")
    store.put_finding(latest, gone)  # fixed in the next run: listed under 已修复 with its long URL
    store.commit()
    rid = store.start_run("demo", "2026-11-22", "", "0.1.0")
    for f in LATEST_FINDINGS:
        store.put_finding(rid, f)
    store.put_finding(rid, Finding("link-broken", "error", BASE + LONG_PATH, "链接返回 404", "Link answers 404",
                                   evidence={"status": 404, "url": BASE + LONG_PATH},
                                   referrers=[{"page": BASE + LONG_PATH + "&from=list", "text": "长链接",
                                               "tag": "a", "attr": "href", "href": LONG_PATH}]))
    store.put_finding(rid, Finding("a11y-color-contrast", "warning", BASE + LONG_PATH, "文字对比度不足",
                                   "Contrast too low", target=LONG_SELECTOR,
                                   evidence={"selector": LONG_SELECTOR}))
    store.finish_run(rid, "complete", {"pages": 163, "links": 1311})
    store.commit()
    path = reports.render(store, rid, root / "zh", lang="zh", formats=("html",), rules=TEST_RULES)["html"]
    store.close()
    return path


# Every text line box in a table cell must end inside that cell's border box (1 px rounding slack).
OVERFLOWING_CELLS_JS = """
const out = [];
for (const cell of document.querySelectorAll('table td, table th')) {
  if (!cell.checkVisibility()) continue;
  const box = cell.getBoundingClientRect();
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = Math.max(...Array.from(range.getClientRects(), r => r.right), -Infinity);
    if (right > box.right + 1) {
      out.push([cell.className || cell.tagName, Math.round(right - box.right),
                node.textContent.slice(0, 60)]);
      break;
    }
  }
}
// nor a table wider than its box (unless that box scrolls)
for (const table of document.querySelectorAll('table')) {
  const parent = table.parentElement;
  if (table.checkVisibility() && getComputedStyle(parent).overflowX === 'visible'
      && table.getBoundingClientRect().right > parent.getBoundingClientRect().right + 1) {
    out.push(['table', Math.round(table.getBoundingClientRect().right - parent.getBoundingClientRect().right),
              table.innerText.slice(0, 60)]);
  }
}
return out;
"""


def test_long_urls_wrap_inside_their_cells(driver, long_url_report):
    driver.set_window_size(1366, 900)
    driver.get(long_url_report.as_uri() + "#v=rule&ps=100")  # every row on screen
    driver.find_element("id", "f-toggle-all").click()  # every group open
    assert LONG_PATH[:40] in driver.find_element("id", "rule-link-broken").text
    assert driver.execute_script(OVERFLOWING_CELLS_JS) == []
    # print media on the width of an A4 page inside its margins (186 mm at 96 dpi = 703 px)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 703, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    try:
        assert driver.execute_script(OVERFLOWING_CELLS_JS) == []
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


PRINT_TABLE_STYLES_JS = """
const out = [];
for (const table of document.querySelectorAll('table.grid')) {
  const head = table.tHead, row = table.tBodies[0] && table.tBodies[0].rows[0];
  if (!head || !row || !table.checkVisibility()) continue;
  out.push({findings: table.classList.contains('findings'), head: getComputedStyle(head).display, row: getComputedStyle(row).breakInside,
            labels: Array.from(head.querySelectorAll('th'),
                               th => th.checkVisibility() ? th.innerText.trim() : ''),
            // Chromium paints no form control in a header repeated on a new page: labels must be text
            controls: Array.from(head.querySelectorAll('button, input, select'),
                                 control => getComputedStyle(control).display)
                .filter(display => display !== 'contents' && display !== 'none')});
}
return out;
"""
FINDINGS_LABELS = ("页面", "问题描述", "证据", "引用位置", "严重程度", "栏目", "首次发现")


def test_printed_tables_repeat_their_labelled_header_on_every_page(driver, long_url_report):
    driver.get(long_url_report.as_uri())
    # under print media: every table's header repeats per page, rows stay whole, every label is visible
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        tables = driver.execute_script(PRINT_TABLE_STYLES_JS)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert len(tables) >= 5
    for table in tables:
        assert table["head"] == "table-header-group" and table["row"] == "avoid", table
        assert all(table["labels"]) and table["controls"] == [], table
    assert [t["labels"] for t in tables if t["findings"] and len(t["labels"]) == 7][0] == list(FINDINGS_LABELS)
    # the PDF Chromium prints: each page holding link-broken rows shows the findings header again
    pdf = pypdf.PdfReader(io.BytesIO(base64.b64decode(driver.print_page())))
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in pdf.pages]
    with_rows = [i for i, text in enumerate(pages) if "链接返回404（第" in text]
    print(f"print: {len(pages)} A4 pages, link-broken rows on pages {with_rows}")
    assert len(with_rows) >= 2, [len(t) for t in pages]
    for i in with_rows:
        assert all(label in pages[i] for label in FINDINGS_LABELS), (i, pages[i][:300])
    assert not any("重置" in t for t in pages)  # the filter bar does not print


PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
TOOLBAR_RECT_JS = """
const rule = document.getElementById('rule-link-broken');
window.scrollTo(0, rule.getBoundingClientRect().top + window.scrollY);
const bar = document.querySelector('.toolbar').getBoundingClientRect();
return {top: bar.top, height: bar.height,
        position: getComputedStyle(document.querySelector('.toolbar')).position,
        page_width: document.documentElement.scrollWidth, viewport: window.innerWidth};
"""


def test_filter_bar_does_not_pin_on_a_phone(driver, long_url_report):
    driver.get(long_url_report.as_uri())
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        bar = driver.execute_script(TOOLBAR_RECT_JS)
        print(f"phone 390x844: filter bar {bar['height']:.0f} px high, position {bar['position']}")
        # scrolled down to the findings, the bar has left the screen instead of covering it
        assert bar["position"] != "sticky" and bar["top"] + bar["height"] <= 0, bar
        # and nothing is wider than the phone (else the page zooms out and every line is tiny)
        assert bar["page_width"] == bar["viewport"] == PHONE["width"], bar
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    desktop = driver.execute_script(TOOLBAR_RECT_JS)
    assert desktop["position"] == "sticky" and desktop["top"] == 0, desktop  # still pinned on a desktop


def test_chinese_text_is_drawn_with_a_cjk_font_the_report_names(driver, long_url_report):
    """Without a CJK font every Chinese character is a box; scripts/setup.sh installs one the CSS names."""
    driver.get(long_url_report.as_uri())
    stack = driver.execute_script("return getComputedStyle(document.body).fontFamily")
    named = {name.strip().strip('"') for name in stack.split(",")}
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    for selector in ("h1", "#findings-h"):  # 每日巡检报告, 问题明细: Chinese only
        node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        used = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert used and all(font["familyName"] in named for font in used), (
            f"{selector} is drawn with {[f['familyName'] for f in used]}, not a CJK font of the report's"
            f" stack ({stack}); install one with scripts/setup.sh")
