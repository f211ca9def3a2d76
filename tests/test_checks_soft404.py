"""Soft 404 from what a browser user sees (crawler probes + checks/links/_notfound.py), on real crawls.

Three loopback portals written for this test (not the demo's markup), each crawled by the
real spider, then judged by the link rules:

* ``custom``   answers every unknown URL with 200 and its own error page (title 温馨提示, no
               signature in it): a linked dead URL showing that page is a soft 404 (fingerprint);
               articles whose text says 页面不存在 / 您访问的页面不存在 are not; the error page's
               skip link (#main) does not make it cite itself;
* ``honest``   answers unknown URLs with a real 404: an article titled 关于页面不存在问题的说明
               is not a soft 404, a 200 page titled 页面不存在 is (title fallback); its robots.txt
               disallows /hdjl/, and no probe is sent there;
* ``redirect`` answers unknown URLs with a 302 to the homepage: a linked dead URL is a soft 404
               (it lands where missing pages land); the homepage itself is not.

Probes are never resources: no link finding, no page count.
"""

from __future__ import annotations

from datetime import date

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import ConfigError, load_site, load_thresholds, validate_fingerprint
from crawler.notfound import PROBE_MARK
from crawler.run import crawl
from crawler.store import Store
from tests._servers import Hit, Reply, TestServer, html

TODAY = date(2026, 11, 22)


def _shell(title: str, main: str) -> str:
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><a class="skip" href="#main">跳到主要内容</a>
<div class="masthead"><span class="logo-text">示例区城市管理行政执法局</span>
<ul class="menu"><li><a href="/">首页</a></li><li><a href="/news/">执法动态</a></li>
<li><a href="/xxgk/">信息公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div id="main" class="content-area">{main}</div>
<div class="bottom-bar"><p>主办单位：示例区城市管理行政执法局　联系电话：021-00000000</p></div></body></html>"""


def _error_page(hit: Hit) -> Reply:
    path = hit.path.split("?", 1)[0]
    return html(_shell("温馨提示", f"""<div class="tip-box"><div class="tip-icon"></div>
<h3 class="tip-head">抱歉，出错了</h3><p class="tip-line">您要找的内容已删除或暂时无法访问。</p>
<p class="tip-url">请求地址：{path}</p>
<p class="tip-back"><a href="/">返回首页</a>　<a href="javascript:history.back()">返回上一页</a></p>
</div>"""))


def _article(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return _shell(f"{title}_示例区城市管理行政执法局",
                  f'<div class="article"><h1 class="art-title">{title}</h1><div class="art-info">发布日期：'
                  f'2026-11-0{len(title) % 9 + 1}</div><div class="art-body">{body}</div></div>')


def _list(name: str, items: list[tuple[str, str]]) -> str:
    lis = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in items)
    return _shell(f"{name}_示例区城市管理行政执法局", f'<div class="list"><h2>{name}</h2><ul>{lis}</ul></div>')


BODY_SAYS = ["近日有市民反映，在手机上打开部分旧链接时提示“您访问的页面不存在”。",
             "经排查，原因是栏目迁移后旧地址未做跳转，现已全部修复。如仍遇到页面不存在的情况，请拨打热线反映。"]
SHORT_SAYS = ["页面不存在的问题已修复。"]


def _custom_portal() -> TestServer:
    s = TestServer().start()
    s.fallback = _error_page
    s.route("/", html(_list("首页", [("/news/1.html", "关于旧链接提示页面不存在的说明"),
                                     ("/news/2.html", "短讯"), ("/news/old-2019.html", "一条已删除的旧闻"),
                                     ("/xxgk/", "信息公开")])))
    s.route("/news/", html(_list("执法动态", [("/news/1.html", "说明"), ("/news/2.html", "短讯")])))
    s.route("/xxgk/", html(_list("信息公开", [("/xxgk/a.html", "公开指南")])))
    s.route("/hdjl/", html(_list("互动交流", [])))
    s.route("/news/1.html", html(_article("关于部分旧链接无法打开的情况说明", BODY_SAYS)))
    s.route("/news/2.html", html(_article("短讯", SHORT_SAYS)))
    s.route("/xxgk/a.html", html(_article("政府信息公开指南", ["本指南说明公开的方式和程序。"] * 3)))
    return s


def _honest_portal() -> TestServer:
    s = TestServer().start()  # unrouted paths: the helper's real 404
    s.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /hdjl/\n", content_type="text/plain"))
    s.route("/", html(_list("首页", [("/news/3.html", "说明"), ("/news/gone.html", "旧闻")])))
    for path in ("/news/", "/xxgk/", "/hdjl/"):
        s.route(path, html(_list("栏目", [("/news/3.html", "说明")])))
    s.route("/news/3.html", html(_article("关于页面不存在问题的说明", BODY_SAYS)))
    s.route("/news/gone.html", html(_shell("页面不存在 - 示例区城市管理行政执法局",
                                           "<h1>页面不存在</h1><p>该信息已撤下。</p>")))
    return s


def _redirect_portal() -> TestServer:
    s = TestServer().start()
    s.fallback = Reply(status=302, headers={"Location": "/"}, body=b"", content_type=None)
    s.route("/", html(_list("首页", [("/news/4.html", "新闻"), ("/news/removed.html", "已删除的新闻")])))
    for path in ("/news/", "/xxgk/", "/hdjl/"):
        s.route(path, html(_list("栏目", [("/news/4.html", "新闻")])))
    s.route("/news/4.html", html(_article("执法队员走进社区开展宣传", ["内容。" * 40])))
    return s


def _audit(tmp, name: str, server: TestServer):
    profile = tmp / f"{name}.yaml"
    profile.write_text(f"""
name: {name}
start_urls: ["{server.base}/"]
limits: {{max_pages: 50, max_depth: 4, timeout_s: 5}}
politeness: {{obey_robots: true, concurrency: 4, concurrency_per_host: 4, delay_s: 0, autothrottle: false}}
links: {{check_external: false, retries: 0}}
""", encoding="utf-8")
    db = tmp / f"{name}.sqlite"
    store = Store(db)
    run_id = store.start_run(name, TODAY.isoformat())
    store.close()
    assert crawl(str(profile), str(db), run_id, today=TODAY.isoformat(), progress=False) == 0
    site = load_site(profile)
    store = Store(db)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    run_checks(ctx, only={"links", "crawl"})
    assert not store.run_stats(run_id).get("check_errors")
    return store, run_id


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("soft404")
    out = {}
    portals = (("custom", _custom_portal), ("honest", _honest_portal), ("redirect", _redirect_portal))
    for name, build in portals:
        server = build()
        try:
            store, run_id = _audit(tmp, name, server)
        finally:
            server.stop()
        out[name] = (server, store, run_id)
    yield out
    for _server, store, _run in out.values():
        store.close()


def _findings(audit, rule_id: str = "link-soft-404"):
    server, store, run_id = audit
    return {f.page_url.removeprefix(server.base): f for f in store.findings(run_id, rule_id)}


def test_custom_error_page_is_learnt_and_articles_that_mention_it_are_not_soft_404(audits):
    server, store, run_id = audits["custom"]
    soft = _findings(audits["custom"])
    assert set(soft) == {"/news/old-2019.html"}
    evidence = soft["/news/old-2019.html"].evidence
    assert evidence["matched_in"] == "fingerprint" and evidence["fingerprint"]["kind"] == "page"
    assert evidence["containment"] >= evidence["min_containment"]
    probes = store.probes(run_id)
    assert {p["prefix"].removeprefix(server.base) for p in probes} >= {"/", "/news/", "/xxgk/"}
    assert all(p["status"] == 200 and p["title"] == "温馨提示" and p["shingles"] for p in probes)


def test_a_skip_link_does_not_make_a_page_cite_itself(audits):
    server, _store, _run = audits["custom"]
    finding = _findings(audits["custom"])["/news/old-2019.html"]
    assert [r["page"].removeprefix(server.base) for r in finding.referrers] == ["/"]


def test_real_404_site_judges_by_title_and_heading_only(audits):
    server, store, run_id = audits["honest"]
    soft = _findings(audits["honest"])
    assert set(soft) == {"/news/gone.html"}
    assert soft["/news/gone.html"].evidence["matched_in"] == "title"
    probes = store.probes(run_id)
    assert {p["status"] for p in probes if not p["skip_reason"]} == {404}
    # robots.txt governs probes too: /hdjl/ is disallowed, so its probes were never sent
    assert {p["skip_reason"] for p in probes if "/hdjl/" in p["prefix"]} == {"robots"}
    assert not [h for h in server.hits if h.path.startswith("/hdjl/")]


def test_redirect_to_homepage_is_the_fingerprint(audits):
    server, store, run_id = audits["redirect"]
    soft = _findings(audits["redirect"])
    assert set(soft) == {"/news/removed.html"}
    evidence = soft["/news/removed.html"].evidence
    assert evidence["matched_in"] == "redirect" and evidence["landing"] == server.base + "/"
    assert [r["page"].removeprefix(server.base) for r in soft["/news/removed.html"].referrers] == ["/"]
    assert all(p["final_url"] == server.base + "/" and p["redirect_chain"] for p in store.probes(run_id))


# honest: /hdjl/ is excluded by robots.txt; redirect: /news/removed.html lands on the homepage
@pytest.mark.parametrize("name, pages", [("custom", 8), ("honest", 5), ("redirect", 5)])
def test_probes_are_not_pages_of_the_site(audits, name, pages):
    server, store, run_id = audits[name]
    probed = [h.path for h in server.hits if PROBE_MARK in h.path]
    assert probed, "the crawl probed surely-missing URLs"
    assert not [r["url"] for r in store.resources(run_id) if PROBE_MARK in r["url"]]
    assert not [ln["target_url"] for ln in store.links(run_id) if PROBE_MARK in ln["target_url"]]
    assert not [f for f in store.findings(run_id) if PROBE_MARK in f.page_url + f.target]
    assert store.run_stats(run_id)["pages"] == pages == len(store.html_page_urls(run_id))


def test_fingerprint_settings_are_validated():
    good = {"min_containment": 0.8, "max_novelty": 0.5, "chrome_sample_pages": 40, "chrome_min_share": 0.5,
            "min_distinct_shingles": 3, "max_size_ratio": 3}
    assert validate_fingerprint(good, "rules.yaml")["max_size_ratio"] == 3
    with pytest.raises(ConfigError, match="soft404.fingerprint.min_containment: 80.0 is out of range; use a number between 0 and 1"):
        validate_fingerprint({**good, "min_containment": 80}, "rules.yaml")
    with pytest.raises(ConfigError, match="soft404.fingerprint.max_size_ratio"):
        validate_fingerprint({**good, "max_size_ratio": 0.5}, "rules.yaml")



def test_probe_counts_are_range_checked(tmp_path):
    profile = tmp_path / "s.yaml"
    profile.write_text('name: x\nstart_urls: ["http://127.0.0.1:9/"]\nsoft404: {probes_per_prefix: 0}\n',
                       encoding="utf-8")
    with pytest.raises(ConfigError, match="soft404.probes_per_prefix"):
        load_site(profile)
