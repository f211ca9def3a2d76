"""Score (checks/score.py), owners and columns (config/owners.py, reports/owners.py) and the
per-owner 整改通知单 sheets, on a real SQLite store with a recorded manifest (no crawl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from checks import manifest as manifest_mod
from checks.score import deadline, score_run
from config import ConfigError, load_site, load_thresholds
from config.owners import validate_owners
from config.scoring import validate_scoring
from crawler.store import Finding, Store
from reports.owners import Assigner

BASE = "http://127.0.0.1:8711"
COLUMNS = [{"name": "执法动态", "aliases": ["城管动态"], "url": "/xwzx/zfdt/index.html", "type": "news"},
           {"name": "通知公告", "aliases": [], "url": "/tzgg/index.html", "type": "notice"}]
OWNERS = [{"dept": "办公室", "contact": "张三 021-1234", "columns": ["执法动态"]},
          {"dept": "法制处", "contact": "李四", "url_prefixes": ["/xxgk/"]},
          {"dept": "信息中心", "contact": "王五", "default": True}]
TABLE = {"total": 100, "pass_mark": 60, "indicators": [
    {"id": "D1", "rules": ["column-stale"], "evidence": {"type": ["policy"]}, "points": 5, "mark": "S"},
    {"id": "D6", "rules": ["link-broken"], "points": 0.5, "max": 1, "mark": "U"},
    {"id": "D5", "rules": ["zhaocuo-entry"], "points": 2, "per": "indicator", "mark": "U"},
    {"id": "D2", "rules": ["service-stats-stale"], "points": 2, "mark": "S"}]}


def _ran(*off: str):
    return lambda rule_id: (rule_id not in off, "module-disabled" if rule_id in off else "")


def test_score_counts_points_caps_and_filters():
    found = [("column-stale", {"type": "policy"}), ("column-stale", {"type": "news"}),
             *[("link-broken", {})] * 5, ("zhaocuo-entry", {}), ("zhaocuo-entry", {})]
    score = score_run(TABLE, found, _ran(), "pass", deduction_rules=["column-stale", "footer-ids"])
    lost = {i["id"]: i["lost"] for i in score["indicators"]}
    assert lost == {"D1": 5, "D6": 1, "D5": 2, "D2": 0}  # news column not D1; D6 capped; D5 once
    assert score["score"] == 92 and score["verdict"] == "pass" and score["unscored_rules"] == ["footer-ids"]
    assert next(i for i in score["indicators"] if i["id"] == "D6")["capped"] is True


def test_score_never_a_false_pass():
    assert score_run(TABLE, [], _ran(), "fail")["verdict"] == "fail"  # a veto fails: nothing else scored
    assert score_run(TABLE, [], _ran(), "fail")["reason"] == "veto"
    below = score_run({**TABLE, "pass_mark": 99}, [("column-stale", {"type": "policy"})], _ran(), "pass")
    assert (below["verdict"], below["reason"]) == ("fail", "below_pass_mark")
    unchecked = score_run(TABLE, [], _ran("service-stats-stale"), "pass")
    assert unchecked["verdict"] == "provisional" and unchecked["not_checked"] == ["D2"]
    assert score_run(TABLE, [], _ran(), "incomplete")["verdict"] == "provisional"
    assert score_run(TABLE, [], _ran(), "pass", run_complete=False)["verdict"] == "incomplete"
    assert score_run(None, [], _ran(), "pass") is None


def test_deadline_per_severity():
    assert deadline("2026-11-28", "error", {"error": 5}) == "2026-12-03"
    assert deadline("2026-11-28", "info", {"error": 5}) == ""


def test_shipped_score_table_lists_every_deduction_rule():
    from checks.registry import all_rules
    table = load_thresholds(None)["assessment"]["score"]
    listed = {r for ind in table["indicators"] for r in ind["rules"]}
    deduction = {rid for rid, rule in all_rules().items() if rule.assessment == "deduction"}
    assert deduction <= listed, f"deduction rules without points: {sorted(deduction - listed)}"
    assert listed <= set(all_rules()), sorted(listed - set(all_rules()))
    assert all(ind["mark"] in ("C", "S", "U") for ind in table["indicators"])


@pytest.mark.parametrize("owners, fragment", [
    ([{"dept": "办公室", "colums": ["执法动态"]}], "owners[0].colums: unknown key; did you mean 'columns'?"),
    ([{"dept": "办公室", "columns": ["执法动向"]}], "'执法动向' is not a column of this profile; did you mean '执法动态'?"),
    ([{"dept": "", "columns": ["执法动态"]}], "owners[0].dept: every owner needs a 科室 name"),
    ([{"dept": "办公室"}], "owns nothing"),
    ([{"dept": "甲", "columns": ["执法动态"]}, {"dept": "乙", "columns": ["执法动态"]}], "already owned by '甲'"),
    ([{"dept": "甲", "url_prefixes": ["xxgk"]}], "write it as /channel_87/"),
    ([{"dept": "甲", "default": True}, {"dept": "乙", "default": True}], "already the default owner"),
])
def test_owner_block_errors_are_one_line(owners, fragment):
    with pytest.raises(ConfigError) as err:
        validate_owners(owners, COLUMNS, "site.yaml")
    assert fragment in str(err.value) and "\n" not in str(err.value)


def _table(**indicator) -> dict:
    return {"score": {"indicators": [{"id": "D1", "rules": ["x"], "points": 1, "mark": "S", **indicator}]}}


@pytest.mark.parametrize("assessment, fragment", [
    (_table(mark="Q"), "use C (confirmed)"),
    (_table(ponits=2), "did you mean 'points'?"),
    (_table(rules=[]), "non-empty list of rule ids"),
    ({"score": {"total": 100, "pass_mark": 120}}, "pass_mark: is above the total"),
    ({"deadline_days": {"eror": 5}}, "deadline_days.eror: unknown severity"),
])
def test_score_settings_errors_are_one_line(assessment, fragment):
    with pytest.raises(ConfigError) as err:
        validate_scoring(assessment, "rules.yaml")
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_template_profile_documents_owners():
    site = load_site(Path(__file__).resolve().parents[1] / "config" / "sites" / "template-shanghai-cgzf.yaml")
    assert site["owners"] and any(o["default"] for o in site["owners"])


def _finding(page: str, rule: str = "column-stale", **kw) -> dict:
    return {"page_url": page, "rule_id": rule, "evidence": kw.pop("evidence", {}),
            "referrers": kw.pop("refs", [])}


def _profile() -> dict:
    return {"start_urls": [f"{BASE}/"], "columns": COLUMNS, "owners": validate_owners(OWNERS, COLUMNS, "x")}


def test_columns_by_the_column_list_not_the_url_prefix():
    located = [{"name": "执法动态", "url": f"{BASE}/xwzx/zfdt/index.html", "items": [f"{BASE}/art/2026/1.html"]},
               {"name": "通知公告", "url": f"{BASE}/tzgg/index.html", "items": []}]
    a = Assigner(_profile(), located)
    stale = _finding(f"{BASE}/xwzx/zfdt/index.html", evidence={"column": "城管动态"})  # an alias: its column
    assert a.column(stale) == "执法动态" and a.owner("执法动态", a.fix_page(stale)) == "办公室"
    assert a.column(_finding(f"{BASE}/art/2026/1.html")) == "执法动态"  # an item of the column, elsewhere
    assert a.column(_finding(f"{BASE}/xwzx/zfdt/202611/2.html")) == "执法动态"  # under its list folder
    assert a.column(_finding(f"{BASE}/xwzx/other.html")) == ""  # /xwzx/ is a URL prefix, not a column
    link = _finding(f"{BASE}/gone.html", "link-broken", refs=[{"page": f"{BASE}/tzgg/3.html"}])
    assert a.fix_page(link) == f"{BASE}/tzgg/3.html" and a.column(link) == "通知公告"  # fixed where cited
    assert a.owner("", f"{BASE}/xxgk/gz/1.html") == "法制处" and a.owner("", f"{BASE}/") == "信息中心"


def test_owner_sheets_and_exports(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    rid = store.start_run("demo", "2026-11-28", "", "0.1.0")
    thresholds = load_thresholds(None)
    settings = _profile()
    doc = manifest_mod.legacy(thresholds)
    doc["profile"]["settings"] = settings
    doc["exit"] = {"mode": "fail-on", "fail_on": "error", "exit_code": 1, "passed": False, "assertions": [
        {"name": "--fail-on error", "level": "error", "passed": False, "count": 2, "limit": 0,
         "detail": "2 error", "fingerprints": []}]}
    store.put_manifest(rid, doc)
    for finding in (
        Finding("column-stale", "error", f"{BASE}/xwzx/zfdt/index.html", "栏目“执法动态”超过14天未更新",
                "stale", target="执法动态", evidence={"column": "执法动态", "type": "news", "window_days": 14}),
        Finding("link-broken", "error", f"{BASE}/gone.html", "链接返回 404", "404",
                referrers=[{"page": f"{BASE}/xxgk/a.html", "text": "x", "tag": "a", "attr": "href"}]),
        Finding("footer-ids", "error", f"{BASE}/", "缺少网站标识码", "no site id", evidence={"item": "网站标识码"})):
        store.put_finding(rid, finding)
    store.finish_run(rid, "complete", {"pages": 3})
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4  # bytes only: the report never decodes them
    shot = store.put_screenshot(rid, f"{BASE}/xxgk/a.html", ["broken-link"], "image/jpeg", jpeg, 640, 400)
    files = reports.render(store, rid, tmp_path / "out", formats=("json", "xlsx", "csv", "md", "html"))
    report = json.loads(files["json"].read_text(encoding="utf-8"))
    owner_of = {f["rule_id"]: (f["column"], f["owner"], f["deadline"]) for f in report["findings"]}
    assert owner_of == {"column-stale": ("执法动态", "办公室", "2026-12-03"),
                        "link-broken": ("", "法制处", "2026-12-03"), "footer-ids": ("", "信息中心", "2026-12-03")}
    assert report["gate"]["recorded"] and report["gate"]["exit_code"] == 1
    # 截图取证: the broken link's citing page has a screenshot; file beside the report, inlined in HTML
    assert {f["rule_id"]: f["screenshot"] for f in report["findings"]}["link-broken"] == shot
    entry = report["screenshots"][0]
    assert entry["pages"] == [f"{BASE}/xxgk/a.html"] and entry["reasons"] == ["broken-link"]
    assert (tmp_path / "out" / entry["file"]).read_bytes() == jpeg
    html = files["html"].read_text(encoding="utf-8")
    assert "data:image/jpeg;base64," in html and "截图取证" in html and "含失效链接" in html
    assert report["score"]["lost"] == 3.1 and report["score"]["verdict"] == "pass"  # D4 1, D5 2, D6b 0.1
    wb = load_workbook(files["xlsx"])
    notices = [ws for ws in wb.worksheets if ws.title.startswith("整改通知单-")]
    assert [ws.title for ws in notices] == ["整改通知单-办公室", "整改通知单-法制处", "整改通知单-信息中心"]
    rows = list(notices[0].iter_rows(min_row=4, values_only=True))
    assert rows[0][:7] == ("序号", "问题", "严重程度", "栏目", "整改页面", "整改建议", "整改期限")
    assert rows[1][0] == 1 and "执法动态" in rows[1][1] and rows[1][6] == "2026-12-03" and rows[1][5]
    assert list(notices[1].iter_rows(min_row=5, values_only=True))[0][4] == f"{BASE}/xxgk/a.html"
    header = files["csv"].read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "责任科室" in header and "整改期限" in header
    summary = files["md"].read_text(encoding="utf-8")
    assert "**退出码 1**" in summary and "--fail-on error（实际 2，最多 0）" in summary and "得分 96.9 / 100" in summary
    store.close()


def test_evidence_labels_and_regex_wording():
    from reports.evidence import evidence_items
    from reports.evidence_words import LABELS, regex_text
    assert all(zh and en and not any("\u4e00" <= c <= "\u9fff" for c in en) for zh, en in LABELS.values())
    zh = evidence_items({"window_days": 14, "in_scope": True, "pattern": r"^[0-9A-Z]{9,18}/\d{4}-\d{5}$",
                         "reason": "no such day: 2026-02-30"}, "zh")
    assert [(i["key"], i["text"]) for i in zh] == [
        ("更新周期（天）", "14"), ("属于本站", "是"), ("匹配规则", "格式：9–18 位字母或数字 + “/” + 4 位数字 + “-” + 5 位数字"),
        ("原因", "日历上没有这一天：2026-02-30")]
    assert regex_text(r"^(长者|关怀)(模式|版)?$", "en") == "format: ('长者' or '关怀') + [optional: ('模式' or '版')]"
    assert regex_text(r"(?<=a)b", "zh") is None  # not put into words: shown as written
