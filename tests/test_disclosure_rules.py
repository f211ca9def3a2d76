"""Disclosure rules over a real SQLite store built from the HTML fixtures in
tests/fixtures/disclosure/ (profile: tests/fixtures/disclosure/site.yaml).

Every fixture file becomes one crawled page (``home.html`` -> ``/``, ``xwzx.html`` ->
``/xwzx/``, ``zcwj_d1.html`` -> ``/zcwj/d1.html``); the checks then run exactly as
in an audit (``checks.registry.run_checks``) and the findings are compared with
the complete expected set, so a decoy flagged or a violation missed both fail.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import deep_merge, load_site, load_thresholds
from crawler.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "disclosure"
BASE = "http://gov.test"
TODAY = date(2026, 11, 22)
MODULES = {"columns", "freshness", "normative", "docmeta", "identity", "annual_report", "gk_guide"}


def fixture_url(name: str) -> str:
    stem = name.removesuffix(".html")
    if stem.startswith("home"):
        return BASE + "/"
    if "_" in stem:
        folder, leaf = stem.split("_", 1)
        return f"{BASE}/{folder}/{leaf}.html"
    return f"{BASE}/{stem}/"


def build_run(tmp_path: Path, names: list[str], thresholds: dict | None = None,
              profile_overrides: dict | None = None) -> tuple[Store, CheckContext]:
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("disclosure-fixtures", TODAY.isoformat())
    for name in names:
        url = fixture_url(name)
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           content_type="text/html; charset=utf-8")
        store.put_body(run_id, url, (FIXTURES / name).read_text(encoding="utf-8"))
    # a page that failed: its column must count as missing, its body must not be read
    store.put_resource(run_id, url=BASE + "/xxgk/zn/", kind="page", in_scope=True, status=404)
    store.commit()
    site = load_site(FIXTURES / "site.yaml", overrides=profile_overrides)
    merged = deep_merge(load_thresholds(site), thresholds or {})
    return store, CheckContext(store=store, run_id=run_id, site=site, thresholds=merged, today=TODAY)


def findings_of(ctx: CheckContext) -> set[tuple[str, str, str]]:
    run_checks(ctx, only=MODULES)
    assert not ctx.store.run_stats(ctx.run_id).get("check_errors")
    return {(f.rule_id, f.page_url.removeprefix(BASE), f.target) for f in ctx.store.findings(ctx.run_id)}


MAIN_SITE = sorted(p.name for p in FIXTURES.glob("*.html") if p.name not in ("home_stale.html", "home_navonly.html"))

EXPECTED_MAIN = {
    ("column-missing", "/xxgk/zn/", "政府信息公开指南"),
    ("column-stale", "/tzgg/", "通知公告"),
    ("column-blank", "/kbl/", "专项规划"),
    ("column-unreadable", "/bsgg/", "办事公告"),   # empty list filled by createPageHTML(): not blank
    ("item-no-date", "/rsxx/a2.html", ""),
    ("date-unreadable", "/art/bad.html", "发布日期"),
    ("date-unreadable", "/art/future.html", "发布日期"),
    ("date-unreadable", "/gfxwj/n6.html", "有效期至"),
    ("doc-validity-expired", "/gfxwj/n2.html", "有效性"),
    ("doc-validity-missing", "/gfxwj/n4.html", "有效性"),
    ("doc-validity-term", "/gfxwj/n5.html", "有效期至"),
    ("docno-format", "/zcwj/d2.html", "文号"),
    ("docno-format", "/zcwj/d3.html", "文号"),
    ("docno-year-hint", "/zcwj/d4.html", "文号"),  # 〔2025〕 on a 2026-09-01 document: a hint (info), not a format defect
    ("disclose-latency", "/zcwj/d5.html", "发布日期"),
    ("doc-meta-missing", "/zcwj/d6.html", "公开类型"),
    ("index-no-format", "/zcwj/d7.html", "索引号"),
    ("footer-ids", "/art/nofooter.html", "ICP备案号"),
    ("meta-tags", "/art/nometa.html", "SiteDomain"),
    ("annual-report-missing", "/ndbg/", "2025"),
    ("annual-report-sections", "/ndbg/2024.html", "存在的主要问题及改进情况、其他需要报告的事项"),
}


def test_fixture_site_findings_are_exactly_the_planted_ones(tmp_path):
    store, ctx = build_run(tmp_path, MAIN_SITE)
    got = findings_of(ctx)
    assert got - EXPECTED_MAIN == set(), "unexpected findings (decoys flagged?)"
    assert EXPECTED_MAIN - got == set(), "planted violations not found"
    store.close()


@pytest.mark.parametrize("decoy", [
    "/xwzx/",            # recently updated column with year-less [11-18] dates
    "/rsxx/a1.html",     # its only date is in the metadata table (a <dl>), not in the list
    "/zcwj/d1.html",     # correct 文号 示城管〔2024〕12号, all metadata present
    "/gfxwj/n1.html",    # 有效, term 5 years to the day
    "/gfxwj/n3.html",    # expired but correctly marked 失效
    "/",                 # complete footer, 找错 entry, fresh items
])
def test_decoys_have_no_finding(tmp_path, decoy):
    store, ctx = build_run(tmp_path, MAIN_SITE)
    got = findings_of(ctx)
    assert [f for f in got if f[1] == decoy] == []
    store.close()


def test_veto_arithmetic_follows_the_configured_counts(tmp_path):
    store, ctx = build_run(tmp_path, MAIN_SITE)
    got = findings_of(ctx)
    assert not {f for f in got if f[0].startswith("veto-")}, "1 stale and 1 blank column are below the veto"
    store.close()
    lowered = {"columns": {"veto_v4a": {"min_columns": 1}, "veto_v4b": {"min_columns": 1},
                           "veto_v4c": {"min_columns": 1}}}
    store, ctx = build_run(tmp_path / "low", MAIN_SITE, thresholds=lowered)
    run_checks(ctx, only={"columns"})
    vetoes = {f.rule_id: f for f in store.findings(ctx.run_id) if f.rule_id.startswith("veto-")}
    assert set(vetoes) == {"veto-v4a-stale-columns", "veto-v4b-long-stale-columns", "veto-v4c-blank-columns"}
    assert all(f.severity == "critical" for f in vetoes.values())
    assert [c["column"] for c in vetoes["veto-v4a-stale-columns"].evidence["columns"]] == ["通知公告"]
    assert [c["column"] for c in vetoes["veto-v4c-blank-columns"].evidence["columns"]] == ["专项规划"]
    store.close()


def test_stale_homepage_and_identity_defects(tmp_path):
    names = [n for n in MAIN_SITE if n != "home.html"] + ["home_stale.html"]
    store, ctx = build_run(tmp_path, names)
    got = findings_of(ctx)
    home = {f for f in got if f[1] == "/"}
    assert home == {("home-stale", "/", "V3"), ("zhaocuo-entry", "/", "我为政府网站找错"),
                    ("footer-ids", "/", "ICP备案号"), ("meta-tags", "/", "SiteIDCode")}
    stale = next(f for f in store.findings(ctx.run_id, "home-stale"))
    assert stale.severity == "critical" and stale.evidence["newest"] == "2026-09-01"
    store.close()


def test_discovered_columns_when_the_profile_declares_none(tmp_path):
    store, ctx = build_run(tmp_path, MAIN_SITE, profile_overrides={"columns": []},
                           thresholds={"columns": {"discover_min_items": 2}})
    got = findings_of(ctx)
    discovered = store.findings(ctx.run_id, "columns-discovered")
    assert len(discovered) == 1 and discovered[0].severity == "info"
    names = {c["column"]: c["type"] for c in discovered[0].evidence["columns"]}
    assert names == {"工作动态": "news", "通知公告": "notice", "政策文件": "policy", "规范性文件": "policy",
                     "专项规划": "plan", "政府信息公开年报": "static"}
    assert ("column-stale", "/tzgg/", "通知公告") in got
    # the mandatory 政府信息公开 columns are checked without a profile: only 年报 is linked here
    missing = {f[2] for f in got if f[0] == "column-missing"}
    assert missing == {"政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "依申请公开"}
    # an empty list page (暂无信息) is blank; an overview or text page never is
    assert {f for f in got if f[0] == "column-blank"} == {("column-blank", "/kbl/", "专项规划")}
    store.close()


def test_hostile_pages_do_not_sink_the_checks(tmp_path):
    store, ctx = build_run(tmp_path, ["home.html"])
    for path, body in {"/empty.html": "", "/binary.html": "\x00\x01\x02PK\x03",
                       "/huge-table.html": "<table>" + "<tr><th>索引号</th><td>x</td></tr>" * 3000 + "</table>",
                       "/nested.html": "<div>" * 2000 + "发布日期：2024年2月30日" + "</div>" * 2000}.items():
        store.put_resource(ctx.run_id, url=BASE + path, kind="page", in_scope=True, status=200)
        store.put_body(ctx.run_id, BASE + path, body)
    store.commit()
    got = findings_of(ctx)
    assert ("date-unreadable", "/nested.html", "发布日期") in got
    store.close()


@pytest.mark.parametrize("window, stale", [(14, False), (1, True)])
def test_navigation_only_homepage_is_judged_by_second_level_pages(tmp_path, window, stale):
    names = [n for n in MAIN_SITE if n != "home.html"] + ["home_navonly.html"]
    store, ctx = build_run(tmp_path, names, thresholds={"freshness": {"home_window_days": window}})
    run_checks(ctx, only={"freshness"})
    found = store.findings(ctx.run_id, "home-stale")
    assert bool(found) is stale
    if stale:
        assert found[0].evidence["judged_by"] == "second-level pages"
        assert found[0].evidence["newest"] == "2026-11-18"   # [11-18] on /xwzx/, year inferred
    store.close()


def test_bad_pattern_in_thresholds_is_a_one_line_error_naming_the_key(tmp_path):
    bad = {"identity": {"zhaocuo_text_patterns": ["我为(政府网站找错"]}}
    store, ctx = build_run(tmp_path, MAIN_SITE, thresholds=bad)
    run_checks(ctx, only={"identity", "columns"})
    errors = store.run_stats(ctx.run_id)["check_errors"]
    assert len(errors) == 1 and "identity.zhaocuo_text_patterns" in errors[0] and "\n" not in errors[0]
    assert store.findings(ctx.run_id, "column-stale"), "the other modules still ran"
    store.close()
