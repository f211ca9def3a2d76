"""Systematic gaps are one finding (checks/_aggregate.py), on a real crawl of a loopback portal.

The portal is written for this test (a plain ``<div class="site-foot">`` footer, ``/a/``,
``/b/``, ``/c/`` sections), not the demo's markup: 30 pages (homepage, three section lists
and their articles). Its template gaps:

* the ICP number is missing on 28 of 30 pages  -> ONE site-level footer-ids finding, count 28;
* the 公安备案号 is missing on 2 of 30 pages    -> two per-page footer-ids findings;
* <meta name="SiteDomain"> is missing on every page of section /b/ (10 of 30) -> one
  column-level meta-tags finding, count 10 of 10;
* no <html lang> anywhere -> one a11y-static-lang finding; the header logo without alt on every
  page folds away while the one content image without alt stays on its page.
"""

from __future__ import annotations

import json
import zlib
from datetime import date
from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import ConfigError, load_site, load_thresholds, validate_aggregate
from crawler.run import crawl
from crawler.store import Store
from reports import render
from tests._servers import TestServer, html

TODAY = date(2026, 11, 22)
SECTIONS = {"a": 9, "b": 9, "c": 8}          # articles per section: 1 + 3 lists + 26 articles = 30 pages
HAS_ICP = {"/", "/a/1.html"}
NO_POLICE = {"/b/3.html", "/c/2.html"}


def _page(path: str, title: str, body: str) -> str:
    icp = "沪ICP备12345678号" if path in HAS_ICP else ""
    police = "" if path in NO_POLICE else "沪公网安备 31010102001234号"
    domain = "" if path.startswith("/b/") else '<meta name="SiteDomain" content="www.example.gov.cn">'
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="SiteName" content="示例区城管执法局">{domain}<meta name="SiteIDCode" content="3101000001">
</head><body><div class="top"><img src="/logo.png"><a href="/">首页</a> <a href="/a/">执法动态</a>
<a href="/b/">通知公告</a> <a href="/c/">政策解读</a></div>
<div class="main">{body}</div>
<div class="site-foot"><span>主办单位：示例区城管执法局</span> <span>联系电话：021-12345678</span>
<a href="https://bszs.conac.cn/">党政机关</a> 网站标识码：3101000001 {icp} {police}</div></body></html>"""


def _portal() -> TestServer:
    server = TestServer().start()
    server.route("/", html(_page("/", "示例区城管执法局", "<p>欢迎访问</p>")))
    for section, count in SECTIONS.items():
        items = "".join(f'<li><a href="/{section}/{i}.html">第{i}条信息</a><span>2026-11-0{1 + i % 9}</span></li>'
                        for i in range(1, count + 1))
        server.route(f"/{section}/", html(_page(f"/{section}/", f"栏目{section}", f"<ul>{items}</ul>")))
        for i in range(1, count + 1):
            path = f"/{section}/{i}.html"
            extra = '<img src="/photo.jpg">' if path == "/c/5.html" else ""
            server.route(path, html(_page(path, f"第{i}条信息", f"<h1>第{i}条信息</h1><p>正文内容。</p>{extra}")))
    server.route("/logo.png", html("png", status=200))
    server.route("/photo.jpg", html("jpg", status=200))
    return server


@pytest.fixture(scope="module")
def folded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("aggregate")
    server = _portal()
    try:
        profile = tmp / "site.yaml"
        profile.write_text(f"""
name: aggregate
start_urls: ["{server.base}/"]
limits: {{max_pages: 100, max_depth: 4, timeout_s: 5}}
politeness: {{obey_robots: false, concurrency: 4, concurrency_per_host: 4, delay_s: 0, autothrottle: false}}
links: {{check_external: false}}
""", encoding="utf-8")
        db = tmp / "x.sqlite"
        store = Store(db)
        run_id = store.start_run("aggregate", TODAY.isoformat())
        store.close()
        assert crawl(str(profile), str(db), run_id, today=TODAY.isoformat(), progress=False) == 0
    finally:
        server.stop()
    site = load_site(profile)
    store = Store(db)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    run_checks(ctx, only={"identity", "static_a11y"})
    assert not store.run_stats(run_id).get("check_errors")
    assert len(store.html_page_urls(run_id)) == 30
    html_report = render(store, run_id, tmp / "report", "zh", ["html"])["html"].read_text(encoding="utf-8")
    yield server.base, store.findings(run_id), html_report
    store.close()


def _of(findings, rule_id, target=None):
    return [f for f in findings if f.rule_id == rule_id and (target is None or f.target == target)]


def test_footer_gap_on_28_of_30_pages_is_one_site_finding(folded):
    base, findings, _html = folded
    icp = _of(findings, "footer-ids", "ICP备案号")
    assert len(icp) == 1
    agg = icp[0].evidence["aggregate"]
    assert (agg["scope"], agg["count"], agg["total"]) == ("site", 28, 30)
    assert len(agg["sample"]) == 5 and all(u.startswith(base) for u in agg["sample"])
    assert base + "/" not in agg["sample"] and base + "/a/1.html" not in agg["sample"]
    assert "28/30" in icp[0].message_zh and "28 of 30" in icp[0].message_en


def test_footer_gap_on_2_of_30_pages_stays_per_page(folded):
    base, findings, _html = folded
    police = _of(findings, "footer-ids", "公安机关备案号")
    assert sorted(f.page_url.removeprefix(base) for f in police) == sorted(NO_POLICE)
    assert all("aggregate" not in f.evidence for f in police)


def test_gap_of_one_column_is_one_column_finding(folded):
    base, findings, _html = folded
    domain = _of(findings, "meta-tags", "SiteDomain")
    assert len(domain) == 1
    agg = domain[0].evidence["aggregate"]
    assert (agg["scope"], agg["count"], agg["total"]) == ("column", 10, 10)
    assert domain[0].page_url == base + "/b/"
    assert all(u.startswith(base + "/b/") for u in agg["sample"])
    assert not _of(findings, "meta-tags", "SiteName") and not _of(findings, "footer-ids", "网站标识码")


def test_static_template_gaps_fold_and_page_defects_stay(folded):
    base, findings, _html = folded
    lang = _of(findings, "a11y-static-lang")
    assert len(lang) == 1 and lang[0].evidence["aggregate"]["count"] == 30
    img = _of(findings, "a11y-static-img-alt")
    site = [f for f in img if "aggregate" in f.evidence]
    page = [f for f in img if "aggregate" not in f.evidence]
    assert len(site) == 1 and site[0].evidence["aggregate"]["count"] == 30
    assert 'src="/logo.png"' in site[0].evidence["gap"]
    assert [(f.page_url.removeprefix(base), f.evidence["count"]) for f in page] == [("/c/5.html", 1)]
    assert page[0].evidence["nodes"][0]["src"] == "/photo.jpg" and "gaps" not in page[0].evidence


def test_aggregate_settings_are_validated():
    assert validate_aggregate({"min_ratio": 0.6, "min_pages": 5, "samples": 5}, "x")["min_pages"] == 5
    with pytest.raises(ConfigError, match="aggregate.min_ratio"):
        validate_aggregate({"min_ratio": 60, "min_pages": 5, "samples": 5}, "rules.yaml")
    with pytest.raises(ConfigError, match="aggregate.min_pages"):
        validate_aggregate({"min_ratio": 0.6, "min_pages": 1, "samples": 5}, "rules.yaml")
    with pytest.raises(ConfigError, match="aggregate.samples: required"):
        validate_aggregate({"min_ratio": 0.6, "min_pages": 5}, "rules.yaml")


def test_report_shows_the_folded_finding_with_count_and_samples(folded):
    base, findings, report = folded
    icp = _of(findings, "footer-ids", "ICP备案号")[0]
    assert "28/30" in report
    for url in icp.evidence["aggregate"]["sample"]:
        assert f'<a href="{url}"' in report


def _axe_violation(rule_id: str, selectors: list[str]) -> dict:
    return {"id": rule_id, "impact": "moderate", "tags": ["wcag2a", "wcag131"], "help": rule_id,
            "nodes": [{"selector": s, "html": f"<div class='{s}'>", "impact": "moderate"} for s in selectors]}


def test_axe_rule_failing_on_the_same_elements_of_most_pages_is_one_finding(tmp_path):
    """Stored browser results (as crawler/browser/stage.py writes them): the header's landmark
    defect on all 6 scanned pages folds; one page's own image defect stays on that page."""
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("axe", TODAY.isoformat())
    urls = [f"http://127.0.0.1:9/p{i}.html" for i in range(6)]
    for i, url in enumerate(urls):
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200,
                           content_type="text/html; charset=utf-8")
        store.put_body(run_id, url, f"<html><body><p>page {i}</p></body></html>")
        violations = [_axe_violation("region", ["div.header", "div.footer"])]
        if i == 3:
            violations.append(_axe_violation("image-alt", ["img.photo"]))
        result = zlib.compress(json.dumps({"axe": {"violations": violations}}).encode())
        store.db.execute("INSERT INTO a11y_results VALUES (?,?,?,?,?,?,?,?)",
                         (run_id, url, "scanned", "axe-core 4.14.1", "", 0, result, None))
    store.commit()
    profile = tmp_path / "site.yaml"
    profile.write_text('name: axe\nstart_urls: ["http://127.0.0.1:9/p0.html"]\n', encoding="utf-8")
    site = load_site(profile)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    run_checks(ctx, only={"a11y"})
    found = store.findings(run_id, "a11y-axe")
    region = [f for f in found if f.evidence["axe_rule"] == "region"]
    assert len(region) == 1 and region[0].page_url == urls[0]
    assert (region[0].evidence["aggregate"]["count"], region[0].evidence["aggregate"]["total"]) == (6, 6)
    own = [(f.page_url, f.target) for f in found if f.evidence["axe_rule"] == "image-alt"]
    assert own == [(urls[3], "image-alt")]
    store.close()


def test_held_findings_wait_on_disk_and_read_back_in_order_each_pass():
    from checks._aggregate import HeldFindings
    from crawler.store import Finding
    held = HeldFindings()
    made = [Finding(rule_id="meta-tags", severity="warning", page_url=f"http://127.0.0.1/p/{n}.html",
                    message_zh="缺", message_en="missing", target="SiteDomain", evidence={"tag": "SiteDomain"})
            for n in range(500)]
    for finding in made:
        held.append(finding)
    assert len(held) == 500 and held._file.tell() > 500 * 100  # in the temporary file, not in a list
    assert list(held) == made and list(held) == made           # fold reads them in several passes
    held.append(made[0])                                        # appending after a pass goes at the end
    assert list(held)[-1] == made[0] and len(held) == 501
    held.close()
