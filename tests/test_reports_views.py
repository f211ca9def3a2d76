"""The HTML report's three views, change view and data block, as a reader meets them.

The findings ship once as JSON (reports/html_data.py) and report.js renders the view the
URL fragment names: by rule, by page (worst page first), by owner/column. Checks: the data
block cannot be closed by a crawled string; fixed findings of the previous run are in it;
the per-rule "previous -> this run" table and the verdict trend; in headless Chromium each
view switched to through the fragment, with axe-core finding no violation in any; the
change cards link to their filters; anchors into the rule view; and the page without
JavaScript (verdict, counts, first findings per rule, no dead controls).
"""

from __future__ import annotations

import json
import re

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from reports import html_data, html_report
from tests.test_reports_browser import AXE_TAGS, _axe_violations, _status, _visible_rows  # noqa: F401
from tests.test_reports_data import BASE, FIXED_FINGERPRINT, XSS

DATA_BLOCK = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def _data(path) -> dict:
    return json.loads(DATA_BLOCK.search(path.read_text(encoding="utf-8")).group(1))


def test_data_block_is_inert_and_complete(report_files):
    html = report_files["zh"].read_text(encoding="utf-8")
    block = DATA_BLOCK.search(html).group(1)
    assert "<" not in block and ">" not in block  # a crawled </script> cannot end the block
    data = json.loads(block)
    assert XSS in data["strings"]  # ...and still reads as the page said
    fields = {name: i for i, name in enumerate(data["fields"])}
    rows = data["findings"]
    changes = [data["changes"][r[fields["change"]]] for r in rows]
    assert (changes.count("new"), changes.count("persisting"), changes.count("fixed")) == (46, 2, 1)
    fixed = rows[changes.index("fixed")]
    assert data["strings"][fixed[fields["page"]]] == f"{BASE}/fixed.html"
    assert data["rules"][fixed[fields["rule"]]]["id"] == "link-broken"
    assert FIXED_FINGERPRINT not in block  # fingerprints stay in report.json: the page needs none


def test_owner_group_falls_back_to_column_then_url_section():
    assert html_data.owner_group({"owner": "执法科", "column": "通知公告"}) == "执法科"
    assert html_data.owner_group({"owner": {"name": "办公室"}, "column": "x"}) == "办公室"
    assert html_data.owner_group({"column": "通知公告", "page_url": f"{BASE}/tzgg/"}) == "通知公告"
    assert html_data.owner_group({"column": "", "page_url": f"{BASE}/xwzx/1.html"}) == "/xwzx/"


def test_owners_and_their_contacts_go_into_the_data_block():
    rule = {"id": "r", "title_zh": "规则", "title_en": "Rule", "severity": "error", "assessment": "deduction",
            "basis": "", "advice_zh": "改", "advice_en": "fix", "doc": "", "known": True}
    finding = {"rule_id": "r", "severity": "error", "change": "new", "page_url": f"{BASE}/tzgg/1.html",
               "target": "", "message_zh": "问题", "message_en": "problem", "column": "通知公告", "owner": "办公室",
               "first_seen": "2026-11-21", "evidence": {}, "referrers": [], "deadline": "2026-11-26"}
    data = html_data.blob({"rules": [rule], "findings": [finding], "fixed": [], "previous_run": None,
                           "owners": [{"dept": "办公室", "contact": "张三 021-1234"}]}, "zh")
    fields = {name: i for i, name in enumerate(data["fields"])}
    row = data["findings"][0]
    assert data["has_owners"] and data["contacts"] == {"办公室": "张三 021-1234"}
    assert [data["strings"][row[fields[k]]] for k in ("owner", "column", "deadline")] == [
        "办公室", "通知公告", "2026-11-26"]


def test_change_table_and_verdict_trend(report_files):
    html = report_files["zh"].read_text(encoding="utf-8")
    row = html[html.index('<th scope="row"><a href="#rule-link-broken">'):]
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row[:row.index("</tr>")])
    # previous run: 1 (fixed since); this run: 41, all new; the counts link to their filters
    assert cells[:3] == ["1", "41", "+40"]
    assert cells[3:] == ['<a href="#rule=link-broken&amp;ch=new">41</a>',
                         '<a href="#rule=link-broken&amp;ch=fixed">1</a>', "0"]
    assert '<a class="card card-fixed" href="#ch=fixed">' in html


def test_trend_points_judge_each_run_with_todays_veto_items():
    model = {"veto_items": [{"rules": ["veto-a"]}], "rules": [{"id": "ded", "assessment": "deduction"}],
             "trend": [{"today": "2026-11-20", "by_rule": {"ded": 4}},
                       {"today": "2026-11-21", "by_rule": {"veto-a": 1, "ded": 2}}]}
    points = html_report.trend_points(model)
    assert [(p["veto"], p["deductions"]) for p in points] == [("pass", 4), ("fail", 2)]


def _axe_again(drv) -> list:
    """axe-core on the same document after a fragment change (the engine is already loaded)."""
    result = drv.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: arguments[0]}).then(r => done(r.violations.map(v => [v.id, v.help])),"
        " e => done([['axe-error', String(e)]]));", AXE_TAGS)
    return result


def _changing_fragment(drv, act) -> None:
    """Run ``act`` (it changes the URL fragment) and return once the page has handled the change:
    ``hashchange`` is dispatched after the script or click that set the fragment has returned, so
    reading the page at once could see the previous view."""
    drv.execute_script("window.__fragmentChanged = false; window.addEventListener('hashchange',"
                       " () => { window.__fragmentChanged = true; }, {once: true});")
    act()
    WebDriverWait(drv, 60).until(lambda d: d.execute_script("return window.__fragmentChanged"))


def _groups(drv) -> list[list[str]]:
    return drv.execute_script("return Array.from(document.querySelectorAll('#groups section.group'), s =>"
                              " [s.querySelector('.rule-title').textContent,"
                              "  s.querySelector('.rule-count').textContent,"
                              "  s.querySelector('.rule-toggle').getAttribute('aria-expanded')])")


def test_three_views_through_the_fragment_pass_axe(driver, report_files):
    drv = driver
    drv.get(report_files["zh"].as_uri() + "#v=page")
    pressed = drv.execute_script("return Array.from(document.querySelectorAll('.view-btn'),"
                                 " b => [b.dataset.view, b.getAttribute('aria-pressed')])")
    assert pressed == [["rule", "false"], ["page", "true"], ["owner", "false"]]
    pages = _groups(drv)
    assert len(pages) == 48 and pages[0][0] == f"{BASE}/tzgg/"  # the page with the critical finding first
    assert pages[0][2] == "true" and pages[-1][2] == "false"
    first = _visible_rows(drv, "#groups section.group:first-of-type")
    assert [r["rule"] for r in first] == ["veto-v4c-blank-columns"]
    assert _axe_violations(drv) == []

    # switching through the fragment (a shared link, the back button) re-renders in place
    _changing_fragment(drv, lambda: drv.execute_script("location.hash = '#v=owner&ch=new'"))
    # no owners in this profile: by column, else URL section of the page to fix (a broken link's
    # citing page); the most findings first among equally bad groups; "/" named for a reader
    owners = [(title, count) for title, count, _open in _groups(drv)]
    assert owners == [("首页及根目录（/）", "42 · 新增 42"), ("/xwzx/", "2 · 新增 2"),
                      ("/<script>alert(1)</", "1 · 新增 1"), ("政府信息公开", "1 · 新增 1")]
    assert drv.find_element("id", "f-change").get_attribute("value") == "new"
    assert _axe_again(drv) == []

    _changing_fragment(drv, lambda: drv.execute_script("location.hash = '#v=rule&ch=fixed'"))
    assert [r["page"] for r in _visible_rows(drv)] == [f"{BASE}/fixed.html"]
    assert _status(drv).startswith("显示 1 / 共 1")
    assert "已修复" in drv.find_element("css selector", "#rule-link-broken td.c-seen").text

    # the change cards are links to their filters
    _changing_fragment(drv, drv.find_element("css selector", "a.card-new").click)
    assert drv.find_element("id", "f-change").get_attribute("value") == "new"
    assert _status(drv).startswith("显示 46 / 共 46")
    # an anchor into a rule (deduction and change tables) opens it in the rule view
    _changing_fragment(drv, lambda: drv.execute_script("location.hash = '#v=page'"))
    unverified = drv.find_element("css selector", "table.change-table a[href='#rule-link-unverified']")
    _changing_fragment(drv, unverified.click)
    rule_button = drv.find_element("css selector", ".view-btn[data-view='rule']")
    assert rule_button.get_attribute("aria-pressed") == "true"
    toggle = drv.find_element("css selector", "#rule-link-unverified .rule-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert [r["rule"] for r in _visible_rows(drv, "#rule-link-unverified")] == ["link-unverified"]


def test_without_javascript_the_page_still_reads(driver, report_files):
    drv = driver
    drv.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        drv.get(report_files["en"].as_uri())
        assert "Veto items: FAIL" in drv.find_element("css selector", ".verdict-text").text
        assert drv.find_element("css selector", "a.card-new .card-n").text == "46"
        assert not drv.find_element("css selector", "form.toolbar").is_displayed()  # no dead controls
        assert "first 5 findings (48 in all)" in drv.find_element("id", "f-status").text
        # every rule with findings lists its first 5; link-broken says how many more there are
        assert len(_visible_rows(drv, "#rule-link-broken")) == 5
        assert "… +36" in drv.find_element("id", "rule-link-broken").text
        assert len(drv.find_elements("css selector", "#static-findings section.rule")) == 8
    finally:
        drv.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_trend_deduction_points_follow_the_score_table(tmp_path):
    """Each run's points by this run's table, evidence filters included: the last equals the score."""
    from crawler.store import Finding
    from reports import model
    from tests.test_reports_data import TEST_RULES, build_store
    store, _prev, latest = build_store(tmp_path / "s.sqlite", older_runs=1)
    rid = store.start_run("demo", "2026-11-22", "", "0.1.0")
    for kind, n in (("policy", 1), ("news", 3)):  # D1: 5 points per policy column; D4: 1 per news column
        for i in range(n):
            store.put_finding(rid, Finding("column-stale", "error", f"{BASE}/{kind}{i}/", "栏目未更新", "stale",
                                           target=f"{kind}{i}", evidence={"type": kind, "column": f"{kind}{i}"}))
    store.finish_run(rid, "complete", {"pages": 10})
    store.commit()
    doc = model.build(store, rid, rules=TEST_RULES)
    store.close()
    points = {p["today"]: p["deduction_points"] for p in doc["trend"]}
    assert points["2026-11-20"] == 1.1  # one broken link (0.1) and one on the homepage (1)
    assert points["2026-11-22"] == doc["score"]["lost"] == 5 + 3
