"""Discovery mode (a profile with an empty ``columns:``) on three mini portals of different CMS
families (tests/_mini_portals.py: TRS-like, Shanghai intensive platform, Hanweb in GBK), each
crawled for real by Scrapy over HTTP on 127.0.0.1.

Per family: the one mandatory 政府信息公开 column the portal lacks is column-missing, the one
empty list page is column-blank; decoys: a mandatory column linked under an alias is found,
a list filled by JavaScript is column-unreadable (info), never blank, and nothing else is
missing or blank. The homepage-block rule runs on the same crawls (tests/test_home_blocks.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.run import crawl
from crawler.store import Store
from tests._mini_portals import FAMILIES, TODAY, MiniPortal

MODULES = {"columns", "freshness", "home_blocks"}


def crawl_family(tmp: Path, portal: MiniPortal, modules: set[str] = MODULES) -> tuple[list, str, Store]:
    server = portal.serve()
    try:
        profile = tmp / f"{portal.family}.yaml"
        profile.write_text(f"""
name: mini-{portal.family}
start_urls: ["{server.base}/"]
limits: {{max_pages: 300, max_depth: 6, max_response_mb: 1, timeout_s: 5}}
politeness: {{obey_robots: false, concurrency: 8, concurrency_per_host: 8, delay_s: 0, autothrottle: false}}
links: {{retries: 1, retry_backoff_s: 0.1, max_retry_after_s: 1, max_redirects: 3}}
columns: []
""", encoding="utf-8")
        db = tmp / f"{portal.family}.sqlite"
        store = Store(db)
        run_id = store.start_run(portal.family, TODAY.isoformat())
        store.close()
        rc = crawl(str(profile), str(db), run_id, today=TODAY.isoformat(), progress=False)
        assert rc == 0, f"crawl exited with {rc}"
    finally:
        server.stop()
    store = Store(db)
    site = load_site(profile)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    run_checks(ctx, only=modules)
    assert not store.run_stats(run_id).get("check_errors")
    return store.findings(run_id), server.base, store


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request, tmp_path_factory):
    portal = FAMILIES[request.param]()
    findings, base, store = crawl_family(tmp_path_factory.mktemp(request.param), portal)
    yield portal, findings, base
    store.close()


def test_missing_mandatory_column_is_reported_once(family):
    portal, findings, base = family
    missing = [f for f in findings if f.rule_id == "column-missing"]
    assert [f.target for f in missing] == [portal.missing]
    assert missing[0].severity == "error" and missing[0].evidence["mandatory"] is True


def test_empty_list_page_is_the_only_blank_column(family):
    portal, findings, base = family
    blank = [(f.page_url.removeprefix(base), f.target) for f in findings if f.rule_id == "column-blank"]
    assert blank == [portal.blank]


def test_script_filled_list_is_unreadable_not_blank(family):
    portal, findings, base = family
    unreadable = [(f.page_url.removeprefix(base), f.target, f.severity) for f in findings
                  if f.rule_id == "column-unreadable"]
    assert unreadable == [(*portal.scripted, "info")]


def test_mandatory_column_under_an_alias_is_found(family):
    portal, findings, base = family
    discovered = next(f for f in findings if f.rule_id == "columns-discovered")
    names = {c["column"]: c["url"] for c in discovered.evidence["columns"]}
    column, alias = portal.alias
    assert column in names and names[column].startswith(base)
    assert not [f for f in findings if f.rule_id == "column-missing" and f.target == column]


def test_one_stale_homepage_block_next_to_a_fresh_one(family):
    """Homepage blocks: a fresh news block and a news block whose newest item is 53 days old
    (tabs on TRS, div rows on the platform, a table on Hanweb) -> exactly one home-block-stale;
    the block of static links (no dates) is no block at all."""
    portal, findings, base = family
    stale = [f for f in findings if f.rule_id == "home-block-stale"]
    assert [(f.target, f.page_url) for f in stale] == [(portal.stale_block, base + "/")]
    assert stale[0].severity == "warning"
    assert stale[0].evidence["age_days"] == 53 and stale[0].evidence["window_days"] == 14
    assert stale[0].evidence["type"] == "news"
    assert not [f for f in findings if f.rule_id == "home-stale"], "the homepage as a whole is fresh (V3)"


@pytest.mark.parametrize("table, message", [
    ({"mandatory": [{"name": "政府信息公开指南", "aliases": ["公开指南"]}, {"name": "政府信息公开制度",
                                                                     "aliases": ["公开 指南"]}]},
     "columns.mandatory\\[1\\].aliases: '公开 指南' already names '政府信息公开指南'"),
    ({"mandatory": [{"aliases": ["公开指南"]}]}, "columns.mandatory\\[0\\].name: required key is missing"),
    ({"mandatory": [{"name": "依申请公开", "alias": ["申请公开"]}]}, "did you mean 'aliases'"),
    ({"empty_list_markers": ["暂无(信息"]}, "columns.empty_list_markers\\[0\\]: bad regular expression"),
    ({"home_blocks": {"default_type": "newz"}}, "columns.home_blocks.default_type: unknown column type"),
    ({"discover_depth": 0}, "columns.discover_depth: 0 is out of range; use a number at least 1"),
])
def test_column_settings_are_validated_on_load(table, message):
    """A profile's thresholds.columns overrides config/rules.yaml and is validated with it."""
    from config import ConfigError, SiteProfile
    with pytest.raises(ConfigError, match=message):
        load_thresholds(SiteProfile({"thresholds": {"columns": table}}))
