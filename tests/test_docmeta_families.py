"""Document metadata across CMS families (issue 8: 8.1, 8.5, 8.6 and the label table), on fixtures
written after `docs/cms-families.md`, not copied from the demo portal:

* tests/fixtures/docmeta/trs/: TRS-style articles (``tYYYYMMDD_N.html``, ``TRS_Editor``), a
  gov.cn-style label table, Tianjin-style ``span.dateN`` labels, a ``<li><span>`` list;
* tests/fixtures/docmeta/shanghai/: the Shanghai intensive platform (``#ivs_title``, a
  two-column grid of label/value spans: 标题/发文机构/公开类型/索引号/印发日期/文号/体裁);
* tests/fixtures/docmeta/hanweb/: Hanweb ``art_C_A.html`` pages in GBK with ``<div>``/``<dl>``
  grids and ``<b><span>`` table labels padded with NBSP;
* tests/fixtures/docmeta/annual/: annual reports of 2012 (old 条例), 2019, 2023 and 2025.

Every page is decoded as the crawler decodes it (``crawler.encoding.decode_html``), stored in a
real SQLite store, and the docmeta, normative and annual_report modules run through the
registry; the findings are compared with the complete expected set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks._views import page_view
from checks.base import CheckContext
from checks.registry import check_modules, run_checks
from config import ConfigError, deep_merge, load_site, load_thresholds
from config.labels import label_table
from crawler.encoding import decode_html
from crawler.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "docmeta"
BASE = "http://gov.test"
TODAY = date(2026, 11, 22)
MODULES = {"docmeta", "normative", "annual_report"}
PAGES = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.html"))


def _html(name: str) -> str:
    raw = (FIXTURES / name).read_bytes()
    text, _charset, errors = decode_html(raw, "text/html")
    assert errors == 0, f"{name} did not decode cleanly"
    return text


def _context(tmp_path: Path, names: list[str], thresholds: dict | None = None) -> CheckContext:
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: families\nstart_urls: ['{BASE}/']\n", encoding="utf-8")
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("docmeta-families", TODAY.isoformat())
    for name in names:
        url = f"{BASE}/{name}"
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           content_type="text/html")
        store.put_body(run_id, url, _html(name))
    store.commit()
    site = load_site(profile)
    merged = deep_merge(load_thresholds(site), thresholds or {})
    return CheckContext(store=store, run_id=run_id, site=site, thresholds=merged, today=TODAY)


def _findings(ctx: CheckContext) -> dict[tuple[str, str, str], str]:
    run_checks(ctx, only=MODULES)
    assert not ctx.store.run_stats(ctx.run_id).get("check_errors")
    return {(f.rule_id, f.page_url.removeprefix(BASE + "/"), f.target): f.severity
            for f in ctx.store.findings(ctx.run_id)}


def _fields(name: str) -> dict[str, str]:
    ctx_thresholds = load_thresholds()
    table = label_table(lambda key, default=None: _dotted(ctx_thresholds, key, default))
    view = page_view(f"{BASE}/{name}", _html(name), table)
    assert view is not None
    return view.fields


def _dotted(data: dict, key: str, default=None):
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return default
        data = data[part]
    return data


# --- the label table: every family's markup parses into the same fields -----------------------

@pytest.mark.parametrize("name, expected", [
    ("trs/t20260903_101.html", {"索引号": "000014349/2026-00101", "主题分类": "城乡建设、环境保护",
                                "发文机构": "示范区城市管理行政执法局", "公开类型": "主动公开",
                                "成文日期": "2026年09月01日", "发布日期": "2026年09月03日",
                                "文号": "示城管发〔2026〕21号", "体裁": "通知"}),
    # 发文字号 "- -" is a placeholder: absent
    ("trs/t20260905_102.html", {"索引号": "000014349/2026-00102", "发文机构": "示范区城市管理行政执法局",
                                "发布日期": "2026-09-05", "公开类型": "主动公开", "体裁": "决定"}),
    ("trs/t20260910_103.html", {"索引号": "000014349/2026-00103", "发文机构": "示范区城市管理行政执法局",
                                "公开类型": "主动公开", "成文日期": "2026-09-08", "发布日期": "2026-09-10 09:30",
                                "体裁": "通知"}),
    ("shanghai/18c5956b08754e40ad58f593a35503d3.html", {
        "标题": "关于做好2021年春节期间市容环境保障工作的通知", "发文机构": "上海市城市管理行政执法局",
        "公开类型": "主动公开", "索引号": "MB2F300040/2021-00006", "成文日期": "2021-01-28",
        "文号": "沪城管办〔2021〕2号", "体裁": "通知", "发布日期": "2021-02-03"}),
    # a generic 文号 cell first (cut at a line break), the specific 发文字号 later: the specific one wins
    ("hanweb/art_4975_1503934.html", {"索引号": "014500815/2026-01655", "发文机构": "苏州示例区城市管理局",
                                      "公开类型": "主动公开", "成文日期": "2026年07月03日",
                                      "文号": "苏示城管〔2026〕54号", "发布日期": "2026-07-05"}),
    ("hanweb/art_4975_1503990.html", {"索引号": "014500815/2026-01702", "发文机构": "苏州示例区城市管理局",
                                      "公开类型": "主动公开", "成文日期": "2026年07月15日", "发布日期": "2026-07-16"}),
    ("hanweb/art_4975_1504120.html", {"索引号": "014500815/2026-01811", "发文机构": "苏州示例区城市管理局",
                                      "公开类型": "主动公开", "成文日期": "2026-08-10",
                                      "文号": "苏示城管〔2026〕第61号", "发布日期": "2026-08-12"}),
])
def test_every_family_markup_parses_to_the_same_fields(name, expected):
    assert _fields(name) == expected


def test_a_later_generic_label_never_overwrites_an_earlier_specific_one():
    from checks._pages import metadata_fields, parse_html
    table = load_thresholds()["labels"]
    specific = "<tr><td>发文字号：</td><td>沪〔2024〕1号</td></tr>"
    generic = "<tr><td>文号：</td><td>见正文</td></tr>"
    specific_first, generic_first = f"<table>{specific}{generic}</table>", f"<table>{generic}{specific}</table>"
    for html in (specific_first, generic_first):
        assert metadata_fields(parse_html(f"<html><body>{html}</body></html>"), table)["文号"] == "沪〔2024〕1号"


# --- required metadata by item kind, 文号 format vs year hint, annual-report years ---------------

EXPECTED = {
    # TRS: a 公文 by 体裁 通知 without 文号; the 行政处罚 decision and the news item need no 文号/成文日期
    ("doc-meta-missing", "trs/t20260910_103.html", "文号"): "warning",
    # Shanghai: wrong brackets = format (warning); 〔2019〕 on a 2021-06-28 document = hint (info);
    # 〔2021〕 on a document signed 2020-12-30 = nothing; 体裁 规范性文件 without validity
    ("docno-format", "shanghai/4c8f2e3d1a0b4f9c8e5d4c3b2a1f0e9d.html", "文号"): "warning",
    ("docno-year-hint", "shanghai/3b7e1d2c0f9a4e8b9d4c3b2a1f0e9d8c.html", "文号"): "info",
    ("doc-validity-missing", "shanghai/5d9a3f4e2b1c4a0d9f6e5d4c3b2a1f0e.html", "有效性"): "error",
    # Hanweb: 第 in the 文号
    ("docno-format", "hanweb/art_4975_1504120.html", "文号"): "warning",
    # annual reports: 2019 (trial format) and 2023 (2021 format) lack sections; 2012 is history
    ("annual-report-sections", "annual/2019.html", "存在的主要问题及改进情况、其他需要报告的事项"): "warning",
    ("annual-report-sections", "annual/2023.html", "行政复议、行政诉讼情况"): "warning",
}


def test_findings_on_the_family_fixtures_are_exactly_the_real_defects(tmp_path):
    got = _findings(_context(tmp_path, PAGES))
    assert set(got) - set(EXPECTED) == set(), "unexpected findings (a decoy flagged?)"
    assert set(EXPECTED) - set(got) == set(), "real defects not found"
    assert got == EXPECTED, "severities differ"


@pytest.mark.parametrize("page", [
    "trs/t20260903_101.html",        # complete 公文
    "trs/t20260905_102.html",        # 行政处罚 decision: a record, no 文号 or 成文日期 needed
    "trs/t20260912_104.html",        # news-like 法定主动公开 item
    "shanghai/18c5956b08754e40ad58f593a35503d3.html",   # 印发日期 is the 成文日期 of the platform
    "shanghai/2a6f0c1d9e8b4f7a8c3d2e1f0a9b8c7d.html",   # signed 2020-12-30, numbered 〔2021〕
    "hanweb/art_4975_1503990.html",  # 发文字号 — — (placeholder) and no 体裁: a record
    "annual/2012.html",              # old-条例 report in its own layout
])
def test_decoys_are_not_flagged(tmp_path, page):
    got = _findings(_context(tmp_path, PAGES))
    assert [k for k in got if k[1] == page] == []


def test_the_old_default_would_have_demanded_an_issue_date_on_records(tmp_path):
    """The behaviour issue 8.1 fixes, kept reachable through config: requiring 成文日期 on every
    record flags the 行政处罚 decision and the news item again."""
    strict = {"docmeta": {"required_fields": {"record": ["索引号", "发文机构", "公开类型", ["印发日期", "成文日期"],
                                                         "发布日期"]}}}
    got = _findings(_context(tmp_path, PAGES, strict))
    assert ("doc-meta-missing", "trs/t20260905_102.html", "成文日期") in got
    assert ("doc-meta-missing", "trs/t20260912_104.html", "成文日期") in got


def test_year_tolerance_and_template_years_come_from_config(tmp_path):
    tuned = {"docmeta": {"docno_year_tolerance_days": 800},
             "annual_report": {"templates": [{"from_year": 2020, "name": "国办公开办函〔2021〕30号", "sections": {
                 "行政复议、行政诉讼情况": "行政复议.{0,6}行政诉讼"}}]}}
    got = _findings(_context(tmp_path, PAGES, tuned))
    assert not [k for k in got if k[0] == "docno-year-hint"]
    reports = {k[1] for k in got if k[0] == "annual-report-sections"}
    assert reports == {"annual/2023.html"}   # 2019 is before the first configured template year


def test_docno_rules_are_registered_with_their_severities():
    rules = {r.id: r for m in check_modules() for r in m.RULES}
    assert rules["docno-format"].severity == "warning"
    assert rules["docno-year-hint"].severity == "info"
    assert "[" in rules["docno-year-hint"].basis       # carries a confidence mark


# --- the label table is validated on load ----------------------------------------------------

def _load_with(tmp_path: Path, thresholds: str) -> dict:
    import yaml
    profile = tmp_path / "site.yaml"
    data = {"name": "t", "start_urls": [f"{BASE}/"], "thresholds": yaml.safe_load(thresholds)}
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_thresholds(load_site(profile))


@pytest.mark.parametrize("thresholds, message", [
    ("labels: {成文日期: [成文日期, 发文字号]}", "label '发文字号' is also listed under"),
    ("labels: {体裁: [体裁, '：']}", "is empty once spaces and colons go"),
    ("docmeta: {required_fields: {record: [索引号, 发文编号]}}", "docmeta.required_fields.record[1]"),
    ("docmeta: {required_fields: {policy: [文号]}}", "unknown item kind"),
    ("docmeta: {docno_year_tolerance_days: -3}", "docmeta.docno_year_tolerance_days: -3 is out of range"),
    ("annual_report: {templates: [{from_year: 2020, name: x, sections: {a: '('}}]}",
     "bad regular expression"),
    ("annual_report: {templates: [{from_year: 2021, name: x, sections: {a: b}}, "
     "{from_year: 2019, name: y, sections: {a: b}}]}", "must increase"),
])
def test_bad_metadata_settings_are_one_line_errors_naming_the_key(tmp_path, thresholds, message):
    with pytest.raises(ConfigError) as info:
        _load_with(tmp_path, thresholds)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_label_table_without_a_field_the_checks_read_is_rejected():
    from config.labels import validate_metadata_settings
    with pytest.raises(ConfigError) as info:
        validate_metadata_settings({"labels": {"索引号": ["信息索引号"]}}, "config/rules.yaml")
    assert "missing field(s) 发文机构" in str(info.value)


def test_profile_required_fields_resolve_labels_and_reject_unknown_names(tmp_path):
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: t\nstart_urls: ['{BASE}/']\ndisclosure:\n  required_fields: [索引号, 发文编号]\n",
                       encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_thresholds(load_site(profile))
    assert "disclosure.required_fields.record[1]" in str(info.value)
    profile.write_text(f"name: t\nstart_urls: ['{BASE}/']\ndisclosure:\n  required_fields: [信息索引号, 印发日期]\n",
                       encoding="utf-8")
    load_thresholds(load_site(profile))   # printed labels resolve to their fields


def test_a_field_the_template_never_prints_is_one_finding_with_a_count(tmp_path):
    """Hanweb pages whose template has no 公开方式 row: one folded doc-meta-missing with the count
    and samples (checks/_aggregate.py), while a page's own gap (a 文号 on a 通知) stays per page."""
    base = _html("hanweb/art_4975_1503990.html")
    row = "<dt>公开方式：</dt><dd>主动公开</dd>"
    assert row in base
    names = []
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("template-gap", TODAY.isoformat())
    for n in range(7):
        html = base.replace(row, "").replace("014500815/2026-01702", f"014500815/2026-0{1710 + n}")
        if n == 3:  # this one is a 公文 by its 体裁 and prints no 文号 either
            html = html.replace("<dt>发布日期：", "<dt>体裁：</dt><dd>通知</dd><dt>发布日期：")
        url = f"{BASE}/art/2026/7/{n + 1}/art_4975_{1504000 + n}.html"
        names.append(url)
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           content_type="text/html")
        store.put_body(run_id, url, html)
    store.commit()
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: gap\nstart_urls: ['{BASE}/']\n", encoding="utf-8")
    site = load_site(profile)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    run_checks(ctx, only={"docmeta"})
    missing = [f for f in store.findings(run_id) if f.rule_id == "doc-meta-missing"]
    folded = [f for f in missing if "aggregate" in f.evidence]
    assert len(folded) == 1, [(f.page_url, f.target) for f in missing]
    assert folded[0].evidence["gap"] == "公开类型" and folded[0].evidence["pages"] == 7
    assert folded[0].evidence["aggregate"]["total"] == 7 and len(folded[0].evidence["sample"]) == 5
    own = [(f.page_url, f.target) for f in missing if "aggregate" not in f.evidence]
    assert own == [(names[3], "文号")]


def test_dates_in_running_text_use_the_label_table(tmp_path):
    """A label added to the table (挂网时间, say) is read by the metadata reader and by the
    labelled-date fallback alike: no parser keeps a label list of its own."""
    thresholds = _load_with(tmp_path, "labels: {发布日期: [发布日期, 公开日期, 发布时间, 挂网时间]}")
    table = label_table(lambda key, default=None: _dotted(thresholds, key, default))
    html = ("<html><body><div class='info'><a href='/'>首页</a> <a href='/x/'>栏目</a> <a href='/y/'>栏目</a>"
            " <a href='/z/'>栏目</a> 挂网时间：2026-09-12 09:00 来源：本局</div>"
            "<table><tr><td>挂网时间</td><td>2026-09-12</td></tr></table></body></html>")
    view = page_view(f"{BASE}/a.html", html, table, date_fields=["发布日期"])
    assert view.labelled_date == "2026-09-12" and view.fields["发布日期"] == "2026-09-12"
    plain = page_view(f"{BASE}/a.html", html, label_table(lambda key, default=None: _dotted(
        load_thresholds(), key, default)), date_fields=["发布日期"])
    assert plain.labelled_date == "" and "发布日期" not in plain.fields
