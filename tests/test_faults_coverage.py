"""Fault matrix, issue 9 items 9.9-9.12 (crawl coverage, malformed links, link extraction gaps).

Each case is a real audit (Scrapy crawl in a subprocess, checks, every report format) of a small
portal served on 127.0.0.1 by tests/_servers.py. The fixtures are written for these tests: pager
markup of the CMS families in the reference notes (TRS ``index_N.html``, ``?page=N``,
``createPageHTML('page_div', ...)`` scripts, Hanweb ``?uid=&pageNum=``), not the demo's markup.
``bench/faults.py -k faults_coverage`` prints the matrix.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.store import Store
from reports.safe import md_text
from tests._servers import Reply, TestServer, html
from xunjian import runner

TODAY = date(2026, 11, 22)
ITEMS_PER_PAGE = 2


def _profile(tmp: Path, server: TestServer, extra: str = "") -> Path:
    path = tmp / "site.yaml"
    path.write_text(f'name: faults\nstart_urls: ["{server.url("/")}"]\n'
                    "politeness: {delay_s: 0, autothrottle: false, concurrency: 8, concurrency_per_host: 8,"
                    " obey_robots: false}\n"
                    "links: {retries: 0, retry_backoff_s: 0.1, reverify_failures: false}\n"
                    + extra, encoding="utf-8")
    return path


def _audit(tmp: Path, profile: Path, **kw) -> dict:
    result = runner.audit(profile, db=tmp / "x.sqlite", out=tmp / "out", today=TODAY, progress=False,
                          browser=False, fail_on="error", **kw)
    store = Store(tmp / "x.sqlite")
    try:
        rows = {r["url"]: r for r in store.resources(result.run_id)}
        return {"result": result, "db": tmp / "x.sqlite", "findings": store.findings(result.run_id),
                "stats": store.run_stats(result.run_id), "resources": rows,
                "links": list(store.links(result.run_id))}
    finally:
        store.close()


def _rules(run: dict, rule_id: str) -> list:
    return [f for f in run["findings"] if f.rule_id == rule_id]


def _page(title: str, body: str) -> Reply:
    return html(f"<html><head><title>{title}</title></head><body>{body}</body></html>")


# -- 9.9: pagination must not eat depth ------------------------------------------------------
def _items(prefix: str, page: int) -> str:
    return "".join(f'<li><a href="{prefix}{page * 10 + i}.html">行政处罚决定书 {page}-{i}</a>'
                   f"<span>2026-11-{1 + i:02d}</span></li>" for i in range(ITEMS_PER_PAGE))


def _serve_item(server: TestServer, path: str, title: str) -> None:
    server.route(path, _page(title, f"<h1>{title}</h1><p>处罚内容</p><a href='/'>首页</a>"))


def _build_paginated(server: TestServer) -> dict[str, list[str]]:
    """Five list families; returns {family: [item paths]}."""
    items: dict[str, list[str]] = {}
    # TRS 行政处罚: /xxgk/xzcf/ = index.html, then index_1 ... index_59 (0-based), text pager
    trs = items["trs"] = []
    for k in range(60):
        name = "index.html" if k == 0 else f"index_{k}.html"
        nxt = f'<a href="index_{k + 1}.html">下一页</a>' if k < 59 else ""
        body = (f"<ul class='xxgk-list'>{_items('./202611/t20261101_', k)}</ul>"
                f"<p class='turn'>{nxt} <a href='index_59.html'>尾页</a></p>")
        server.route(f"/xxgk/xzcf/{name}", _page(f"行政处罚 第{k + 1}页", body))
        if k == 0:
            server.route("/xxgk/xzcf/", _page("行政处罚", body))
        for i in range(ITEMS_PER_PAGE):
            path = f"/xxgk/xzcf/202611/t20261101_{k * 10 + i}.html"
            trs.append(path)
            _serve_item(server, path, f"行政处罚决定书 {k}-{i}")
    # ?page=N with numbered links in a pagination container
    qp = items["page-param"] = []

    def query_list(hit):
        page = int(parse_qs(urlsplit(hit.path).query).get("page", ["1"])[0])
        numbers = "".join(f'<li><a href="list.jsp?page={n}">{n}</a></li>'
                          for n in range(page + 1, min(page + 3, 31)))
        return _page(f"双随机 第{page}页",
                     f"<ul>{_items('/gk/item_', page)}</ul><ul class='pagination'>{numbers}</ul>")
    server.route("/gk/list.jsp", query_list)
    for page in range(1, 31):
        for i in range(ITEMS_PER_PAGE):
            qp.append(f"/gk/item_{page * 10 + i}.html")
            _serve_item(server, qp[-1], f"双随机 {page}-{i}")
    # page_div family: the pager exists only as a createPageHTML(...) call
    div = items["createPageHTML"] = []
    for n in range(1, 31):
        name = "list_zw_wj.shtml" if n == 1 else f"list_zw_wj_{n}.shtml"
        script = (f"<div id='page_div'></div>"
                  f"<script>createPageHTML('page_div',30, {n},'list_zw_wj','shtml',60);</script>")
        server.route(f"/zfgs/{name}",
                     _page(f"执法公示 {n}", f"<ul class='list'>{_items('/zfgs/doc_', n)}</ul>{script}"))
        for i in range(ITEMS_PER_PAGE):
            div.append(f"/zfgs/doc_{n * 10 + i}.html")
            _serve_item(server, div[-1], f"执法公示 {n}-{i}")
    # Hanweb column paged in the browser: ?uid=<unit>&pageNum=<n>
    han = items["hanweb-pageNum"] = []

    def hanweb_list(hit):
        page = int(parse_qs(urlsplit(hit.path).query).get("pageNum", ["1"])[0])
        nxt = f'<a href="?uid=297589&pageNum={page + 1}">下页</a>' if page < 30 else ""
        return _page(f"通知公告 {page}", f"<ul>{_items('/art/2026/11/2/art_4975_', page)}</ul><div>{nxt}</div>")
    server.route("/col/col4975/index.html", hanweb_list)
    for page in range(1, 31):
        for i in range(ITEMS_PER_PAGE):
            han.append(f"/art/2026/11/2/art_4975_{page * 10 + i}.html")
            _serve_item(server, han[-1], f"通知公告 {page}-{i}")
    server.route("/", _page("首页", "<a href='/xxgk/xzcf/'>行政处罚</a><a href='/gk/list.jsp'>双随机</a>"
                                    "<a href='/zfgs/list_zw_wj.shtml'>执法公示</a>"
                                    "<a href='/col/col4975/index.html'>通知公告</a>"))
    return items


@pytest.fixture(scope="module")
def paginated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paginated")
    server = TestServer().start()
    try:
        items = _build_paginated(server)
        run = _audit(tmp, _profile(tmp, server, "limits: {max_depth: 5, timeout_s: 5}\n"))
        yield {"run": run, "items": items, "server": server}
    finally:
        server.stop()


def _family(name: str, case: str):
    return pytest.param(name, marks=pytest.mark.fault(
        item="9.9", case=case, expected="every item fetched; no coverage loss"), id=name)


@pytest.mark.parametrize("family", [
    _family("trs", "deep 行政处罚 pagination (60 list pages) with max_depth 5"),
    _family("page-param", "?page=N pager (30 pages, numbers in a pagination box) with max_depth 5"),
    _family("createPageHTML", "pager written only by createPageHTML('page_div', ...) with max_depth 5"),
    _family("hanweb-pageNum", "Hanweb ?uid=&pageNum= pager (30 pages) with max_depth 5"),
])
def test_pagination_keeps_depth_and_every_item_is_fetched(paginated, family):
    server, run = paginated["server"], paginated["run"]
    missing = [p for p in paginated["items"][family]
               if (run["resources"].get(server.url(p)) or {}).get("status") != 200]
    assert missing == [], f"{len(missing)} items of {family} not fetched, e.g. {missing[:3]}"
    assert not _rules(run, "crawl-coverage-lost")
    assert run["stats"]["coverage"]["percent"] == 100.0 and run["stats"]["coverage"]["not_fetched"] == 0
    assert run["stats"]["limits"] == {}


def test_list_pages_share_the_depth_of_the_first_list_page(paginated):
    server, rows = paginated["server"], paginated["run"]["resources"]
    depths = {rows[server.url(f"/xxgk/xzcf/index_{k}.html")]["depth"] for k in range(1, 60)}
    assert depths == {1}
    assert rows[server.url("/xxgk/xzcf/202611/t20261101_590.html")]["depth"] == 2


def _records(first: int, last: int) -> str:
    return "".join(f'<record><![CDATA[<li><a href="/art/2026/11/3/art_5000_{n}.html" title="公告{n}">公告{n}</a>'
                   f'<span>2026-11-03</span></li>]]></record>' for n in range(first, last + 1))


@pytest.mark.fault(item="9.9",
                   case="Hanweb data island: 30 dataproxy.jsp?startrecord= groups with max_depth 3",
                   expected="every record fetched; no coverage loss")
def test_hanweb_proxy_groups_keep_depth(tmp_path):
    server, total, per = TestServer().start(), 60, 2

    def group(start: int) -> str:
        end = min(start + per - 1, total)
        following = (f'<nextgroup><![CDATA[<a href="./dataproxy.jsp?startrecord={end + 1}'
                     f'&endrecord={end + per}&perpage={per}&columnid=5000&unitid=5000"></a>]]></nextgroup>'
                     if end < total else "")
        return (f"<datastore>{following}<totalrecord>{total}</totalrecord><recordset>{_records(start, end)}"
                "</recordset></datastore>")

    def proxy(hit):
        start = int(parse_qs(urlsplit(hit.path).query).get("startrecord", ["1"])[0])
        return Reply(body=group(start).encode("utf-8"), content_type="text/xml; charset=utf-8")
    try:
        server.route("/module/web/jpage/dataproxy.jsp", proxy)
        server.route("/col/col5000/index.html", _page("通知公告", (
            f'<div id="5000"><script type="text/xml">{group(1)}</script>'
            "<script>var p = new Jpage({totalRecord:60, proxyUrl:'/module/web/jpage/dataproxy.jsp',"
            " perPage:2, ajaxParam:{columnid:5000, unitid:5000}});</script></div>")))
        for n in range(1, total + 1):
            _serve_item(server, f"/art/2026/11/3/art_5000_{n}.html", f"公告{n}")
        server.route("/", _page("首页", "<a href='/col/col5000/index.html'>通知公告</a>"))
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {max_depth: 3, timeout_s: 5}\n"))
    finally:
        server.stop()
    rows = run["resources"]
    missing = [n for n in range(1, total + 1)
               if (rows.get(server.url(f"/art/2026/11/3/art_5000_{n}.html")) or {}).get("status") != 200]
    assert missing == []
    assert not _rules(run, "crawl-coverage-lost") and run["stats"]["coverage"]["percent"] == 100.0


# -- 9.9: limits that cut the crawl are findings and a verdict line --------------------------
def _chain_site(server: TestServer, pages: int) -> None:
    """A home page linking 'pages' sections, each section a chain of three content levels."""
    server.route("/", _page("首页", "".join(f"<a href='/s{i}/'>栏目{i}</a>" for i in range(pages))))
    for i in range(pages):
        server.route(f"/s{i}/", _page(f"栏目{i}", f"<a href='/s{i}/a.html'>文章</a>"))
        server.route(f"/s{i}/a.html", _page(f"文章{i}", f"<a href='/s{i}/b.html'>详情</a>"))
        server.route(f"/s{i}/b.html", _page(f"详情{i}", "<p>end</p>"))


@pytest.fixture(scope="module")
def max_pages_cut(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("maxpages")
    server = TestServer().start()
    try:
        _chain_site(server, 12)
        run = _audit(tmp, _profile(tmp, server, "limits: {max_pages: 10, timeout_s: 5}\n"))
        yield {"run": run, "server": server}
    finally:
        server.stop()


@pytest.mark.fault(item="9.9", case="max_pages cuts the crawl",
                   expected="crawl-coverage-lost with count; coverage % in verdict; gate fails")
def test_max_pages_cut_is_a_finding_a_verdict_line_and_fails_the_gate(max_pages_cut):
    run = max_pages_cut["run"]
    lost = _rules(run, "crawl-coverage-lost")
    skipped = [r for r in run["resources"].values() if r["skip_reason"] == "limit:max-pages"]
    assert len(lost) == 1 and lost[0].severity == "error" and lost[0].target == "limit:max_pages"
    assert lost[0].evidence["not_fetched"] == len(skipped) > 0 and lost[0].evidence["value"] == 10
    assert lost[0].evidence["examples"] and lost[0].referrers
    coverage = run["stats"]["coverage"]
    fetched = sum(1 for r in run["resources"].values()
                  if r["kind"] == "page" and r["in_scope"] and not r["skip_reason"])
    assert coverage["fetched"] == fetched and coverage["by_limit"] == {"max_pages": len(skipped)}
    assert coverage["percent"] < 100
    result = run["result"]
    assert result.exit_code == 1
    line_zh = f"抓取覆盖率：{coverage['percent']:g} %（{len(skipped)} 个 URL 因上限未抓取：max_pages）"
    line_en = f"coverage: {coverage['percent']:g} % ({len(skipped)} URLs not fetched: max_pages)"
    report = json.loads((result.report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"]["coverage_line_zh"] == line_zh
    assert report["verdict"]["coverage_line_en"] == line_en
    assert line_zh in (result.report_dir / "report.html").read_text(encoding="utf-8")
    assert md_text(line_zh) in (result.report_dir / "summary.md").read_text(encoding="utf-8")
    assert line_zh in (result.report_dir / "junit.xml").read_text(encoding="utf-8")
    assert "crawl-coverage-lost" in (result.report_dir / "findings.csv").read_text(encoding="utf-8-sig")
    from openpyxl import load_workbook
    book = load_workbook(result.report_dir / "findings.xlsx")
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert line_zh in cells


@pytest.mark.fault(item="9.9", case="max_pages cut, then `xunjian gate` with the shipped assertions",
                   expected="gate exits 1 naming crawl-coverage")
def test_gate_fails_on_lost_coverage_even_when_not_new(max_pages_cut):
    from config import load_thresholds
    from xunjian.gate import evaluate
    store = Store(max_pages_cut["run"]["db"])
    try:
        verdict = evaluate(store, max_pages_cut["run"]["result"].run_id, load_thresholds(None)["gate"], None,
                           TODAY)
    finally:
        store.close()
    assert verdict.exit_code == 1 and any("crawl-coverage" in line for line in verdict.failures)


@pytest.mark.fault(item="9.9", case="max_depth 2 on a three-level portal (no pagination)",
                   expected="crawl-coverage-lost (max_depth) with count and examples")
def test_max_depth_cut_is_reported_with_count(tmp_path):
    server = TestServer().start()
    try:
        _chain_site(server, 5)
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {max_depth: 2, timeout_s: 5}\n"))
    finally:
        server.stop()
    lost = _rules(run, "crawl-coverage-lost")
    assert [f.target for f in lost] == ["limit:max_depth"]
    assert lost[0].evidence["not_fetched"] == 5 and len(lost[0].evidence["examples"]) == 5
    assert run["stats"]["coverage"]["by_limit"] == {"max_depth": 5}
    assert run["stats"]["coverage"]["percent"] == pytest.approx(68.7)  # 11 fetched of 16, rounded down


@pytest.mark.fault(item="9.9", case="per-pattern cap: 30 distinct ?id= articles vs a 30-way sort-order trap",
                   expected="articles: crawl-coverage-lost; sort orders: crawl-trap (info) only")
def test_pattern_cap_on_real_content_is_lost_coverage_on_a_trap_is_not(tmp_path):
    server = TestServer().start()
    try:
        ids = "".join(f"<a href='/detail.jsp?id={i}'>公告{i}</a>" for i in range(30))
        sorts = "".join(f"<a href='/search.jsp?order={i}'>排序{i}</a>" for i in range(30))
        server.route("/", _page("首页", ids + sorts))
        server.route("/detail.jsp", lambda hit: _page(f"公告 {hit.path}", "<p>正文</p>"))
        server.route("/search.jsp", _page("检索结果", "<p>同一份结果</p>"))
        run = _audit(tmp_path, _profile(tmp_path, server, "traps: {max_pages_per_pattern: 10}\n"))
    finally:
        server.stop()
    lost = _rules(run, "crawl-coverage-lost")
    assert [f.target for f in lost] == ["limit:max_pages_per_pattern"]
    assert lost[0].evidence["not_fetched"] == 20
    assert [p["pattern"] for p in lost[0].evidence["patterns"]] == [server.url("/detail.jsp")]
    traps = _rules(run, "crawl-trap")
    assert len(traps) == 1 and traps[0].severity == "info" and traps[0].evidence["skipped"] == 20
    assert all("search.jsp" in url for url in traps[0].evidence["examples"])


def _serve_pager(server: TestServer, distinct_items: bool) -> None:
    def list_page(hit):
        name = hit.path.rsplit("/", 1)[1]
        k = int(name[6:-5]) if name.startswith("index_") else 0
        item = f"<a href='item_{k}.html'>条目 {k}</a>" if distinct_items else "<a href='item.html'>同一条目</a>"
        return _page(f"列表 {k}", f"{item}<div class='page'><a href='index_{k + 1}.html'>下一页</a></div>")
    for k in range(200):
        server.route("/list/" + ("index.html" if k == 0 else f"index_{k}.html"), list_page)
    server.route("/", _page("首页", "<a href='/list/index.html'>列表</a>"))


@pytest.mark.fault(item="9.9", case="a 200-page list (distinct items) with max_pagination_pages 15",
                   expected="stopped at 15 pager hops; crawl-coverage-lost (max_pagination_pages)")
def test_long_pager_is_bounded_and_reported(tmp_path):
    server = TestServer().start()
    try:
        _serve_pager(server, distinct_items=True)
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {max_pagination_pages: 15}\n"))
    finally:
        server.stop()
    fetched = [u for u, r in run["resources"].items() if "/list/index" in u and r["status"] == 200]
    assert len(fetched) == 16  # the first list page and 15 pager hops
    lost = _rules(run, "crawl-coverage-lost")
    assert [f.target for f in lost] == ["limit:max_pagination_pages"] and lost[0].evidence["not_fetched"] == 1


@pytest.mark.fault(item="9.9", case="endless pager repeating the same list under every page number",
                   expected="crawl-trap (repeating-pager, info); no coverage loss")
def test_endless_repeating_pager_is_a_trap_not_lost_coverage(tmp_path):
    server = TestServer().start()
    try:
        _serve_pager(server, distinct_items=False)
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {timeout_s: 5}\n"))
    finally:
        server.stop()
    fetched = [u for u, r in run["resources"].items() if "/list/index" in u and r["status"] == 200]
    assert len(fetched) == 2  # the second page repeats the first: its pager is not followed
    traps = _rules(run, "crawl-trap")
    assert [(f.evidence["cause"], f.severity) for f in traps] == [("repeating-pager", "info")]
    assert not _rules(run, "crawl-coverage-lost") and run["stats"]["coverage"]["percent"] == 100.0


# -- 9.10: one malformed href must not disable check modules ---------------------------------
@pytest.mark.fault(item="9.10", case="href http://localhost] on a page",
                   expected="link-malformed on that page; every check module runs")
def test_malformed_href_is_a_finding_not_a_module_crash(tmp_path):
    server = TestServer().start()
    try:
        server.route("/", _page("首页", "<a href='/xxgk/'>信息公开</a><a href='http://localhost]'>本地</a>"
                                      "<footer>网站标识码：3101990012</footer>"))
        server.route("/xxgk/", _page("信息公开", "<ul class='list'><li><a href='http://localhost]/a.html'>坏</a>"
                                            "<span>2026-11-01</span></li>"
                                            "<li><a href='/xxgk/a.html'>通知</a>"
                                            "<span>2026-11-02</span></li></ul>"))
        server.route("/xxgk/a.html", _page("通知", "<table><tr><td>索引号</td><td>000014349/2026-00001</td></tr>"
                                                  "</table><a href='http://localhost]'>x</a>"))
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {timeout_s: 5}\n"))
    finally:
        server.stop()
    assert "check_errors" not in run["stats"], run["stats"].get("check_errors")
    report = json.loads((run["result"].report_dir / "report.json").read_text(encoding="utf-8"))
    crashed = [r["id"] for r in report["rules"] if r["not_run_reason"] == "module-crashed"]
    assert crashed == []
    malformed = _rules(run, "link-malformed")
    by_target = {f.target: f for f in malformed}
    assert set(by_target) == {"http://localhost]", "http://localhost]/a.html"}
    home_bad = by_target["http://localhost]"]
    assert home_bad.page_url == server.url("/") and home_bad.severity == "error"
    assert {r["page"] for r in home_bad.referrers} == {server.url("/"), server.url("/xxgk/a.html")}
    assert home_bad.evidence["cause"] == "unparsable"


# -- 9.11: link extraction gaps --------------------------------------------------------------
@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("extraction")
    server, hints = TestServer().start(), TestServer("127.0.0.2").start()
    try:
        css = "text/css; charset=utf-8"
        server.route("/css/main.css", Reply(body="@import 'parts/fonts.css';\n/* url(commented.png) */\n"
                                                 ".hero{background:url(../img/hero-missing.png)}"
                                                 ".ok{background:url(\"../img/ok.png\")}", content_type=css))
        server.route("/css/parts/fonts.css", Reply(
            body="@font-face{font-family:x;src:url(../../fonts/missing.woff2) format('woff2')}", content_type=css))
        server.route("/img/ok.png", Reply(body=b"\x89PNG", content_type="image/png"))
        server.route("/to-ftp", Reply(status=302, headers={"Location": "ftp://ftp.example.gov.cn/x.zip"}))
        server.route("/to-file", Reply(status=302, headers={"Location": "file:///etc/hosts"}))
        doc = _page("目录", "<h2 id='sec1'>一</h2>")
        server.route("/dir/", doc)
        server.route("/dir/index.html", doc)
        server.route("/", html(
            "<html><head><title>首页</title><link rel='stylesheet' href='/css/main.css'>"
            f"<link rel='preconnect' href='{hints.url('/')}'>"
            f"<link rel='dns-prefetch' href='{hints.url('/dns')}'>"
            "<link rel='preload' href='/fonts/preload-missing.woff2' as='font'>"
            "<style>.banner{background-image:url('/img/banner-missing.jpg')}</style></head><body>"
            "<div style='background:url(/img/inline-missing.gif)'>横幅</div>"
            "<a href='file:///D:/办公/通知.docx'>附件</a><a href='http://localhost]'>坏链</a><a href='http://'>空</a>"
            "<a href='/to-ftp'>下载</a><a href='/to-file'>文件</a>"
            "<form action='/search.jsp'><input name=q><button formaction='/search-missing.jsp'>搜索</button>"
            "<input type='submit' formaction='/input-missing.jsp' value='高级'></form>"
            "<form method='post'><button formaction='/post-only'>提交</button></form>"
            "<a href='/dir/#sec9'>章节</a><a href='/dir/index.html#sec9'>章节</a></body></html>"))
        server.route("/search.jsp", _page("检索", "<p>ok</p>"))
        run = _audit(tmp, _profile(tmp, server, "limits: {timeout_s: 5}\n"))
        yield {"run": run, "server": server, "hints": hints}
    finally:
        server.stop()
        hints.stop()


def _broken(run: dict, url: str) -> list:
    return [f for f in run["findings"]
            if f.rule_id in ("link-broken", "link-broken-home") and f.target == url]


@pytest.mark.fault(item="9.11", case="CSS: <style>, style=\"url()\", linked .css with @import and a font",
                   expected="each missing image/font reported broken, cited by its stylesheet")
def test_css_urls_are_links(extraction):
    run, s = extraction["run"], extraction["server"]
    assert _broken(run, s.url("/img/banner-missing.jpg")) and _broken(run, s.url("/img/inline-missing.gif"))
    hero = _broken(run, s.url("/img/hero-missing.png"))
    assert hero and {r["page"] for r in hero[0].referrers} == {s.url("/css/main.css")}
    font = _broken(run, s.url("/fonts/missing.woff2"))  # relative to /css/parts/fonts.css, not the page
    assert font and font[0].referrers[0]["page"] == s.url("/css/parts/fonts.css")
    assert run["resources"][s.url("/img/ok.png")]["status"] == 200 and not _broken(run, s.url("/img/ok.png"))
    assert s.url("/css/commented.png") not in run["resources"]


@pytest.mark.fault(item="9.11",
                   case="<link rel=preconnect|dns-prefetch> to a host, rel=preload of a missing font",
                   expected="hints never requested nor judged; preload checked (broken)")
def test_resource_hints_are_not_links_but_preload_is(extraction):
    run, hints = extraction["run"], extraction["hints"]
    assert hints.hits == []
    assert not any(u.startswith(hints.base) for u in run["resources"])
    assert _broken(run, extraction["server"].url("/fonts/preload-missing.woff2"))


@pytest.mark.fault(item="9.11", case="file:/// link, http://localhost], bare http://",
                   expected="link-malformed for each (not skipped silently)")
def test_file_and_unparsable_links_are_reported(extraction):
    targets = {f.target: f.evidence["cause"] for f in _rules(extraction["run"], "link-malformed")}
    assert targets == {"file:///D:/办公/通知.docx": "file", "http://localhost]": "unparsable",
                       "http://": "no-host"}


@pytest.mark.fault(item="9.11", case="redirects to ftp: and file:",
                   expected="link-broken (not link-unverified)")
def test_redirect_to_ftp_or_file_is_broken(extraction):
    run, s = extraction["run"], extraction["server"]
    for path in ("/to-ftp", "/to-file"):
        found = _broken(run, s.url(path))
        assert found and found[0].evidence["error_class"] == "bad-redirect", path
    assert not [f for f in _rules(run, "link-unverified") if "/to-" in f.target]


@pytest.mark.fault(item="9.11", case="<button formaction> and <input formaction> in a GET form",
                   expected="extracted and checked; a POST formaction is not")
def test_formaction_is_extracted(extraction):
    run, s = extraction["run"], extraction["server"]
    assert _broken(run, s.url("/search-missing.jsp")) and _broken(run, s.url("/input-missing.jsp"))
    assert {(ln["tag"], ln["attr"]) for ln in run["links"] if "missing.jsp" in ln["target_url"]} == {
        ("button", "formaction"), ("input", "formaction")}
    assert not [ln for ln in run["links"] if "post-only" in ln["target_url"]]


@pytest.mark.fault(item="9.11", case="/dir/#sec9 and /dir/index.html#sec9, same document",
                   expected="one link-anchor-missing, citing both")
def test_directory_and_its_index_document_are_one_anchor_target(extraction):
    anchors = _rules(extraction["run"], "link-anchor-missing")
    assert len(anchors) == 1 and anchors[0].target == extraction["server"].url("/dir/") + "#sec9"
    assert {r["href"] for r in anchors[0].referrers} == {"/dir/#sec9", "/dir/index.html#sec9"}


# -- 9.12: a body cut at the size cap splits a character --------------------------------------
@pytest.mark.fault(item="9.12", case="UTF-8 and GBK bodies cut mid-character at max_response_mb",
                   expected="page-too-large, no page-decode-error")
def test_body_cut_at_the_cap_is_no_decode_error(tmp_path):
    cap = int(0.05 * 1024 * 1024)
    utf8_head, gbk_head = b"<html><title>utf-8</title><p>", b"<html><title>gbk!!</title><p>"
    assert (cap - len(utf8_head)) % 3 and (cap - len(gbk_head)) % 2  # the cut splits a character
    server = TestServer().start()
    try:
        server.route("/u.html", Reply(body=utf8_head + ("城管执法" * 20000).encode("utf-8"),
                                      content_type="text/html; charset=utf-8"))
        server.route("/g.html", Reply(body=gbk_head + ("城管执法" * 20000).encode("gbk"),
                                      content_type="text/html; charset=gbk"))
        server.route("/", _page("首页", "<a href='/u.html'>u</a><a href='/g.html'>g</a>"))
        run = _audit(tmp_path, _profile(tmp_path, server, "limits: {max_response_mb: 0.05}\n"))
    finally:
        server.stop()
    cut = {f.page_url for f in _rules(run, "page-too-large")}
    assert cut == {server.url("/u.html"), server.url("/g.html")}
    assert _rules(run, "page-decode-error") == []
    assert run["resources"][server.url("/g.html")]["decode_errors"] == 0


def test_coverage_line_names_every_limit_and_never_rounds_a_loss_up():
    from checks.crawl.coverage import coverage_figures
    from reports.model import coverage_line
    figures = coverage_figures(59_000, {"max_depth": 1_200, "max_pages": 65}, pages_cut=2)
    assert figures["percent"] == 97.9  # 97.901... rounded down
    assert coverage_line(figures, "en") == ("coverage: 97.9 % (1,265 URLs not fetched: max_depth 1,200, "
                                            "max_pages 65; 2 pages cut at max_response_mb)")
    assert coverage_line(figures, "zh").startswith("抓取覆盖率：97.9 %（1,265 个 URL 因上限未抓取：max_depth 1,200")
    assert coverage_figures(99_999, {"max_pages": 1}, 0)["percent"] == 99.9
    full = coverage_line(coverage_figures(10, {}, 0), "en")
    assert full == "coverage: 100 % (no URL left unfetched by a limit)"
    one = coverage_line(coverage_figures(10, {"max_pages": 1}, pages_cut=1), "en")
    assert one.endswith("(1 URL not fetched: max_pages; 1 page cut at max_response_mb)")
    assert coverage_line(None, "zh") == ""
