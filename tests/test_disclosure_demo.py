"""The disclosure rules against the demo portal, crawled for real over HTTP on 127.0.0.1.

Takes the session's demo audit (tests/conftest.py: the demo site for a fixed "today", served over
loopback, crawled into a real SQLite store by the whole pipeline) and re-runs only the disclosure
check modules (columns, freshness, normative, docmeta, identity, annual_report) on a copy of its
store. Asserts that every ``Expect`` of ``xunjian/demo/plants_disclosure.py`` is found, that no
decoy of any plant module is flagged by these rules, and that the untouched base portal yields no
disclosure finding beyond the planted ones. The full pipeline (browser stage, reports, exit code) is
covered by tests/test_demo_audit.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from checks.base import CheckContext
from checks.registry import check_modules, run_checks
from config import CONFIG_DIR, load_site, load_thresholds
from crawler.store import Store
from tests._demo_audit import copy_store
from xunjian.demo import expectations, plants_disclosure, plants_mandatory

TODAY = date(2026, 11, 22)
MODULES = {"columns", "freshness", "normative", "docmeta", "identity", "annual_report", "gk_guide",
           "home_blocks"}
PROFILE = CONFIG_DIR / "sites" / "demo.yaml"


def _rule_ids() -> set[str]:
    return {r.id for m in check_modules() if m.__name__.rsplit(".", 1)[-1] in MODULES for r in m.RULES}


@pytest.fixture(scope="module")
def crawled(demo_audit, tmp_path_factory):
    # the session's demo audit (tests/conftest.py): its crawl is the one these checks judge; they
    # re-run on a private copy of its store (run_checks replaces the findings of the modules it runs)
    assert demo_audit.result.incomplete is None, demo_audit.result.messages  # the crawl finished
    db = copy_store(demo_audit.stats["db"], tmp_path_factory.mktemp("disclosure-demo") / "x.sqlite")
    base = demo_audit.bases["portal"]
    mp = pytest.MonkeyPatch()
    mp.setenv("XUNJIAN_DEMO_PORT", base.rsplit(":", 1)[1])
    profile = load_site(PROFILE)
    mp.undo()
    store = Store(db)
    yield store, demo_audit.result.run_id, profile, base
    store.close()


def _findings(crawled, overrides: dict | None = None):
    store, run_id, profile, base = crawled
    if overrides:
        profile = type(profile)({**profile, **overrides})
        profile.path = PROFILE
    ctx = CheckContext(store=store, run_id=run_id, site=profile, thresholds=load_thresholds(profile), today=TODAY)
    run_checks(ctx, only=MODULES)
    assert not store.run_stats(run_id).get("check_errors")
    return [f for f in store.findings(run_id) if f.rule_id in _rule_ids()], base


def _at(finding, url: str) -> bool:
    return url in (finding.page_url, finding.target)


def test_every_planted_disclosure_defect_is_found(crawled):
    findings, base = _findings(crawled)
    missing = [f"{e.rule_id} @ {e.where} ({e.note})" for e in plants_disclosure.EXPECTED
               if not any(f.rule_id == e.rule_id and _at(f, base + e.where) for f in findings)]
    assert not missing, "planted defects not found:\n" + "\n".join(missing)


def test_no_decoy_of_any_plant_is_flagged_by_disclosure_rules(crawled):
    findings, base = _findings(crawled)
    _, decoys = expectations()
    flagged = [f"{f.rule_id} @ {d.where} ({d.note})" for d in decoys if not d.where.startswith("external:")
               for f in findings if d.rule_id in ("*", f.rule_id) and _at(f, base + d.where)]
    assert not flagged, "decoys flagged:\n" + "\n".join(flagged)


def test_base_portal_has_no_unplanted_disclosure_findings(crawled):
    findings, base = _findings(crawled)
    planted = {(e.rule_id, base + e.where) for e in plants_disclosure.EXPECTED}
    named = {(e.rule_id, e.where) for e in plants_mandatory.EXPECTED}  # a missing column: by its name
    extra = [f"{f.rule_id} page={f.page_url} target={f.target}: {f.message_en}" for f in findings
             if (f.rule_id, f.page_url) not in planted and (f.rule_id, f.target) not in named]
    assert not extra, "disclosure findings nobody planted:\n" + "\n".join(extra)


def test_veto_findings_carry_the_counted_columns(crawled):
    findings, _ = _findings(crawled)
    vetoes = {f.rule_id: f for f in findings if f.rule_id.startswith("veto-")}
    assert vetoes["veto-v4c-blank-columns"].evidence["count"] == 5
    assert vetoes["veto-v4a-stale-columns"].evidence["count"] == 7
    assert vetoes["veto-v4b-long-stale-columns"].evidence["count"] == 10
    assert all(f.severity == "critical" for f in vetoes.values())


def test_columns_are_discovered_when_the_profile_declares_none(crawled):
    findings, base = _findings(crawled, {"columns": []})
    discovered = [f for f in findings if f.rule_id == "columns-discovered"]
    assert len(discovered) == 1
    names = {c["column"] for c in discovered[0].evidence["columns"]}
    # from the navigation, through the 新闻中心/政府信息公开 overview pages, and from homepage content
    assert {"要闻动态", "通知公告", "政府信息公开制度", "规范性文件", "行政处罚", "人事信息"} <= names
    assert not {"新闻中心", "政府信息公开", "首页"} & names, "overview pages are not columns"
    # every mandatory 政府信息公开 column is linked but 依申请公开 (plants_mandatory.py unlinks it; the
    # guide, linked as 信息公开指南, is found by its alias); the five planted empty lists are found
    # blank below 法定主动公开内容, the script-filled 数据开放 list stays unreadable
    assert [f.target for f in findings if f.rule_id == "column-missing"] == ["依申请公开"]
    blank = {f.page_url.removeprefix(base) for f in findings if f.rule_id == "column-blank"}
    assert blank == {f"{plants_disclosure.GK}{key}/index.html" for key, _ in plants_disclosure.BLANK}
    assert [f.page_url.removeprefix(base) for f in findings if f.rule_id == "column-unreadable"] == \
        [f"{plants_disclosure.GK}sjkf/index.html"]
    assert [f.evidence["count"] for f in findings if f.rule_id == "veto-v4c-blank-columns"] == [5]
