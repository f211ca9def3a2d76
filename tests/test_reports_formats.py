"""Every report format rendered from a real stored run and validated the way its reader would.

report.json against docs/report-schema.json (jsonschema), junit.xml against
reports/junit.xsd (lxml) and a strict parser, findings.xlsx opened by openpyxl,
findings.csv parsed, summary.md checked for escaping and table shape; and the
model itself: veto items, deductions, unknown rules, hostile strings.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from lxml import etree
from openpyxl import load_workbook

import reports
from reports import i18n, model
from xunjian import gate
from tests.test_reports_data import (BASE, FIXED_FINGERPRINT, LATEST_FINDINGS, TEST_RULES, XSS,
                                     build_store)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    store, prev, latest = build_store(root / "store.sqlite")
    judged = gate.judge_recorded(store, latest, date(2026, 11, 21))  # stored without an exit record
    out = {lang: reports.render(store, latest, root / lang, lang=lang, rules=TEST_RULES, gate=judged)
           for lang in ("zh", "en")}
    yield {"store": store, "prev": prev, "latest": latest, "files": out, "root": root}
    store.close()


def test_every_format_is_written(rendered):
    for lang in ("zh", "en"):
        files = rendered["files"][lang]
        assert sorted(files) == sorted(reports.DEFAULT_FORMATS)
        assert all(path.is_file() and path.stat().st_size > 200 for path in files.values())
        assert not list(files["html"].parent.glob(".*.tmp"))


def test_report_json_validates_and_counts(rendered):
    doc = json.loads(rendered["files"]["zh"]["json"].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["schema_version"] == model.SCHEMA_VERSION
    assert doc["summary"]["total"] == len(LATEST_FINDINGS) == len(doc["findings"])
    assert doc["summary"]["by_severity"] == {"info": 1, "warning": 3, "error": 43, "critical": 1}
    assert (doc["summary"]["new"], doc["summary"]["persisting"], doc["summary"]["fixed"]) == (46, 2, 1)
    assert [f["fingerprint"] for f in doc["fixed"]] == [FIXED_FINGERPRINT]
    assert doc["previous_run"] == {"id": rendered["prev"], "today": "2026-11-20"}
    by_fp = {f["fingerprint"]: f for f in doc["findings"]}
    home = by_fp[LATEST_FINDINGS[0].fingerprint]
    assert home["change"] == "persisting" and home["first_seen"] == "2026-11-10"  # oldest run
    assert by_fp[LATEST_FINDINGS[1].fingerprint]["first_seen"] == "2026-11-20"
    assert by_fp[LATEST_FINDINGS[3].fingerprint]["first_seen"] == "2026-11-21"
    assert by_fp[LATEST_FINDINGS[1].fingerprint]["column"] == "通知公告"  # the check's own label
    # no located column holds it: no column (never a URL prefix posing as one); its URL section apart
    assert by_fp[LATEST_FINDINGS[3].fingerprint]["column"] == ""
    assert by_fp[LATEST_FINDINGS[3].fingerprint]["section"] == "/xwzx/"
    # worst first
    ranks = [["info", "warning", "error", "critical"].index(f["severity"]) for f in doc["findings"]]
    assert ranks == sorted(ranks, reverse=True)
    # trend: the 8 stored runs, oldest first, with pages and broken links
    assert [p["today"] for p in doc["trend"]][-2:] == ["2026-11-20", "2026-11-21"]
    assert len(doc["trend"]) == 8 and doc["trend"][-1]["broken_links"] == 41 + 1 and doc["trend"][-1]["pages"] == 163


def test_veto_summary_and_deductions(rendered):
    doc = json.loads(rendered["files"]["en"]["json"].read_text(encoding="utf-8"))
    veto = {v["id"]: v for v in doc["veto_items"]}
    assert veto["V4"]["status"] == "fail" and veto["V4"]["findings"] == 1
    assert veto["V2"]["status"] == "pass"  # home-unreachable ran, no finding
    # V1 is partly automated (wording, hijacked links): nothing found is no pass, the rest is manual
    assert veto["V1"]["status"] == "not_checked" and veto["V1"]["reason"] == "partial"
    # V2, V3, V5, V6 ran (a legacy stand-in manifest: every module ran) and found nothing
    assert doc["verdict"] == {"veto": "fail", "veto_failed": 1, "veto_not_checked": 1,
                              "veto_passed": 4,  # no coverage or availability figures in these hand-made stats
                              "coverage": None, "coverage_line_zh": "", "coverage_line_en": "",
                              "availability": None, "availability_line_zh": "", "availability_line_en": ""}
    assert {d["rule_id"]: d["count"] for d in doc["deductions"]} == {"link-broken-home": 1, "link-broken": 41}
    assert doc["summary"]["deductions"] == 42


def test_veto_not_checked_when_module_disabled_and_pass_when_clean(tmp_path):
    from crawler.store import Store
    store = Store(tmp_path / "s.sqlite")
    rid = store.start_run("demo", "2026-11-21")
    store.finish_run(rid, "complete", {"pages": 3})
    thresholds = {"assessment": {"veto_items": [
        {"id": "V2", "title_zh": "站点无法访问", "title_en": "Site unreachable", "rules": ["home-unreachable"]},
        {"id": "V9", "title_zh": "未登记", "title_en": "Unregistered", "rules": ["no-such-rule"]}]}}
    doc = model.build(store, rid, rules={"home-unreachable": TEST_RULES["home-unreachable"]}, thresholds=thresholds)
    assert [(v["id"], v["status"], v["reason"]) for v in doc["veto_items"]] == [
        ("V2", "pass", ""), ("V9", "not_checked", "not_run")]
    assert doc["verdict"]["veto"] == "incomplete"
    disabled = {**thresholds, "rules": {"home-unreachable": {"enabled": False}}}
    doc = model.build(store, rid, rules={"home-unreachable": TEST_RULES["home-unreachable"]}, thresholds=disabled)
    assert doc["veto_items"][0]["status"] == "not_checked"
    jsonschema.validate(doc, SCHEMA)
    files = reports.render(store, rid, tmp_path / "out", thresholds=thresholds)  # no findings at all
    assert "本次巡检未发现问题" in files["html"].read_text(encoding="utf-8")
    assert json.loads(files["json"].read_text(encoding="utf-8"))["previous_run"] is None
    store.close()


def test_junit_validates_against_xsd_and_lists_findings(rendered):
    path = rendered["files"]["zh"]["junit"]
    xsd = etree.XMLSchema(etree.parse(str(ROOT / "reports" / "junit.xsd")))
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    xsd.assertValid(doc)
    root = ET.parse(path).getroot()  # and the stdlib's strict expat parser
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["demo.findings", "demo.rules", "demo.gate", "demo.veto"]
    cases = suites["demo.findings"].findall("testcase")
    assert len(cases) == len(LATEST_FINDINGS)  # one test case per finding, classname = rule id
    by_rule: dict[str, list] = {}
    for case in cases:
        by_rule.setdefault(case.get("classname"), []).append(case)
    assert len(by_rule["link-broken"]) == 41 and "mystery-rule" in by_rule
    report = json.loads(rendered["files"]["zh"]["json"].read_text(encoding="utf-8"))
    counted = {fp for a in report["gate"]["assertions"] if not a["passed"] and a["level"] == "error"
               for fp in a["fingerprints"]}
    for case in cases:  # a failure is exactly a finding a failed assertion counted
        fingerprint = next(f["fingerprint"] for f in report["findings"] if case.get("name").endswith(
            "#" + f["fingerprint"][:8]) and f["rule_id"] == case.get("classname"))
        assert (case.find("failure") is not None) == (fingerprint in counted), case.get("name")
    broken = [c for c in by_rule["link-broken"] if "old/039.html" in c.get("name")][0]
    assert broken.find("failure").get("type") == "error" and "list0.html" in broken.find("failure").text
    unverified = by_rule["link-unverified"][0]
    assert unverified.find("failure") is None
    assert "external.example/blocked" in unverified.find("system-out").text
    mystery = by_rule["mystery-rule"][0]
    listed = mystery.find("failure") if mystery.find("failure") is not None else mystery.find("system-out")
    assert XSS in listed.text
    gate = {c.get("name"): c for c in suites["demo.gate"].findall("testcase")}
    exit_case = gate["exit-code"].find("failure")
    assert exit_case is not None and exit_case.get("type") == "exit-1"
    assert "no-veto-item-fails" in exit_case.get("message")
    assert "homepage-broken-links" in exit_case.get("message")
    assert gate["homepage-broken-links"].find("failure") is not None
    assert gate["crawl-coverage"].find("failure") is None
    veto = {c.get("name").split(":")[0]: c for c in suites["demo.veto"].findall("testcase")}
    assert veto["V4"].find("failure") is not None and veto["V1"].find("skipped") is not None
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())
    assert int(suites["demo.findings"].get("tests")) == len(cases)


def test_junit_never_fails_an_advisory_finding(rendered, tmp_path):
    """Advisory rules are not failures, even when a failing assertion counted them."""
    from reports import junit_report
    doc = model.build(rendered["store"], rendered["latest"], "zh", rules=TEST_RULES)
    everything = [f["fingerprint"] for f in doc["findings"]]
    doc["gate"] = {"mode": "gate", "exit_code": 1, "passed": False, "recorded": True, "assertions": [
        {"name": "all", "level": "error", "passed": False, "count": len(everything), "limit": 0, "detail": "",
         "fingerprints": everything}]}
    root = ET.parse(junit_report.render(doc, tmp_path, "zh")).getroot()
    cases = root.find("testsuite").findall("testcase")
    advisory = [c for c in cases if c.get("classname") in ("disclosure-annual-report", "a11y-color-contrast")]
    assert len(advisory) == 2 and all(c.find("failure") is None for c in advisory)
    assert sum(1 for c in cases if c.find("failure") is not None) == len(cases) - 2


def test_xlsx_opens_with_chinese_headers_and_no_formulas(rendered):
    wb = load_workbook(rendered["files"]["zh"]["xlsx"])
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == i18n.export_headers("zh") and headers[:3] == ["规则编号", "规则名称", "严重程度"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(LATEST_FINDINGS)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    col = {h: i for i, h in enumerate(headers)}
    broken = [r for r in rows if r[col["规则编号"]] == "link-broken" and r[col["页面网址"]] == "javascript:alert(1)"][0]
    assert broken[col["问题描述"]] == "'@SUM(1+1) 链接无效"
    assert broken[col["引用页面"]].startswith(f"{BASE}/a.html")
    assert wb.worksheets[1]["B4"].value == "单项否决：不通过"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Q{len(LATEST_FINDINGS) + 1}"


def test_csv_parses_with_bom_and_neutralised_cells(rendered):
    text = rendered["files"]["zh"]["csv"].read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(text[1:].splitlines(keepends=True)))
    assert rows[0] == i18n.export_headers("zh")
    assert len(rows) == 1 + len(LATEST_FINDINGS)
    assert all(len(r) == len(rows[0]) for r in rows)
    cells = [c for r in rows[1:] for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c.startswith("'=cmd") or "=cmd" in c for c in cells)  # referrer text kept, neutralised
    mystery = [r for r in rows if r[0] == "mystery-rule"][0]
    col = {h: i for i, h in enumerate(rows[0])}
    assert mystery[col["对象"]] == XSS and mystery[col["问题描述"]] == f"页面标题 {XSS}"
    en = list(csv.reader(rendered["files"]["en"]["csv"].read_text(encoding="utf-8-sig").splitlines()))
    assert en[0][:3] == ["Rule id", "Rule", "Severity"]


def test_markdown_is_escaped_and_tables_are_well_formed(rendered):
    md = rendered["files"]["zh"]["md"].read_text(encoding="utf-8")
    assert md.startswith("## 巡检结果: demo · 2026-11-21")
    assert "❌ 单项否决：不通过" in md
    assert "<script" not in md and "<img" not in md
    for block in re.split(r"\n\n", md):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            widths = {len(re.findall(r"(?<!\\)\|", ln)) for ln in lines}
            assert len(widths) == 1, block
    assert "| 48 | 1 | 43 | 3 | 1 | 46 | 1 | 2 | 42 |" in md
    en = rendered["files"]["en"]["md"].read_text(encoding="utf-8")
    assert "Veto items: FAIL" in en and "Broken link" in en
    # the hostile finding alone, so it is among the listed new findings
    from reports.md_report import to_markdown
    doc = json.loads(rendered["files"]["zh"]["json"].read_text(encoding="utf-8"))
    doc["findings"] = [f for f in doc["findings"] if f["rule_id"] == "mystery-rule"]
    hostile = to_markdown(doc, "zh")
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" not in hostile  # parentheses are left alone
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile and "<script" not in hostile


def _tags(html: str) -> list[tuple[str, dict]]:
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[tuple[str, dict]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    parser = Collect()
    parser.feed(html)
    return parser.tags


def test_html_escapes_crawled_strings(rendered):
    html = rendered["files"]["zh"]["html"].read_text(encoding="utf-8")
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    # the report's own script, inlined, and its findings as a JSON data block that never runs
    assert html.count("<script") == 2 and html.count('<script type="application/json" id="report-data">') == 1
    # nothing is loaded from anywhere: no element with src, no <link>, no CSS url()/@import;
    # and the hostile strings produced no element of their own
    tags = _tags(html)
    assert not [t for t in tags if "src" in t[1] or t[0] in ("link", "img", "iframe", "object", "embed")]
    assert [t[1].get("type") for t in tags if t[0] == "script"] == ["application/json", None]
    assert not [t for t in tags if any(k.startswith("on") for k in t[1])]
    assert "url(" not in html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '<html lang="zh-CN">' in html and "每日巡检报告" in html
    en = rendered["files"]["en"]["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "Daily inspection report" in en


def test_i18n_tables_match():
    assert i18n.ZH.keys() == i18n.EN.keys()
    assert all(i18n.ZH[k] for k in i18n.ZH)
    with pytest.raises(ValueError, match="unknown report language"):
        i18n.strings("fr")


def test_report_dir_and_format_errors(tmp_path, rendered):
    from datetime import date
    assert (reports.report_dir(tmp_path, "demo", date(2026, 11, 21), 8, "ab12cd34")
            == tmp_path / "demo" / "2026-11-21_run8_ab12cd34")
    assert reports.report_dir(tmp_path, "../x y", "2026-11-21", 3, "../s").parent == tmp_path / "x_y"
    assert reports.report_dir(tmp_path, "x", "2026-11-21", 3, "../s").name == "2026-11-21_run3_s"
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        reports.render(rendered["store"], rendered["latest"], tmp_path, formats=("html", "pdf"))
    assert reports.check_formats(["json,md", "json"]) == ["json", "md"]


def test_report_command_renders_a_stored_run(rendered, tmp_path, capsys):
    from xunjian.cli import main
    db = str(rendered["root"] / "store.sqlite")
    assert main(["report", "latest", "--db", db, "--out", str(tmp_path), "--format", "json,md", "--lang", "en"]) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert folder == tmp_path / "demo" / f"2026-11-21_run{rendered['latest']}_{rendered['store'].store_id}"
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "summary.md"]
    assert main(["report", "999", "--db", db, "--out", str(tmp_path)]) == 2
    assert "run 999 is not in" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert main(["report", "--db", db, "--format", "pdf", "--out", str(tmp_path)]) == 2


def test_html_evidence_shows_the_report_language_and_structured_records(rendered):
    zh = rendered["files"]["zh"]["html"].read_text(encoding="utf-8")
    en = rendered["files"]["en"]["html"].read_text(encoding="utf-8")
    def finding_row(html: str, rule: str) -> str:
        row = html[html.index(f'<tr class="finding" data-rule="{rule}"'):]
        return row[:row.index("</tr>")]

    zh_row, en_row = finding_row(zh, "a11y-image-alt"), finding_row(en, "a11y-image-alt")
    assert "<dd>严重</dd>" in zh_row and "<dd>critical</dd>" not in zh_row
    assert "<dd>critical</dd>" in en_row and "<dd>严重</dd>" not in en_row
    assert "图像必须有替代文本" in zh_row and "Images must have alternate text" not in zh_row
    assert "Images must have alternate text" in en_row
    # axe nodes as records: selector and html as code, never as markup
    assert '<ol class="records">' in zh_row and "<code>img.banner</code>" in zh_row
    assert "<code>&lt;img class=&#34;banner&#34; src=&#34;b.png&#34;&gt;</code>" in zh_row
    assert '<a href="https://dequeuniversity.com/rules/axe/4.14/image-alt"' in zh_row
    assert 'class="more-ev"' in zh_row  # engine statistics fold away


def test_rules_that_did_not_run_say_why_in_the_report_language(tmp_path):
    from crawler.store import Store
    store = Store(tmp_path / "s.sqlite")
    from checks import manifest
    rid = store.start_run("demo", "2026-11-21")
    crashed = manifest.legacy({"assessment": {"veto_items": []}})
    crashed["modules"]["links"].update(status=manifest.CRASHED, error="RuntimeError: boom")
    store.put_manifest(rid, crashed)  # the manifest says so: no error string is parsed
    store.finish_run(rid, "incomplete", reason=("check-crashed", "check module(s) crashed: links (boom)"))
    files = reports.render(store, rid, tmp_path / "o", formats=("json", "html", "junit"),
                           thresholds={"assessment": {"veto_items": []}})
    doc = json.loads(files["json"].read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    reasons = {r["id"]: r["not_run_reason"] for r in doc["rules"]}
    from checks.registry import check_modules
    if "checks.links.links" in {m.__name__ for m in check_modules()}:
        assert reasons["link-broken"] == "module-crashed"
        assert "所属检查模块运行出错" in files["html"].read_text(encoding="utf-8")
        skipped = ET.parse(files["junit"]).getroot().find(".//testcase[@name]/skipped")
        assert skipped is not None and skipped.get("message") == "所属检查模块运行出错"
    assert all(reason in ("", *model.NOT_RUN_REASONS) for reason in reasons.values())
    store.close()
