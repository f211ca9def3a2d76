"""Hanweb (大汉 jcms) support in the crawler and the checks, on GBK fixtures in tests/fixtures/hanweb/.

The fixtures are GBK bytes as a Hanweb install serves them: column pages whose list is a
``<script type="text/xml"><datastore>`` data island, ``dataproxy.jsp`` replies (GBK XML, with
and without an XML declaration), articles with ``#zoom``/``ContentStart`` markup and metadata in
``table.xxgk_table`` (NBSP/U+3000-padded labels), ``<dl>`` and ``<div>`` grids, and a footer
written by ``/script/0/1234.js``. Three layers are tested: the parsers, the checks over a real
store, and a real crawl of a loopback server (proxy groups followed, GBK query strings sent as
a browser sends them, the empty group ending the walk, a wrong proxy path reported broken).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from checks._pages import list_items, meta_tags, parse_html
from checks._views import page_view
from checks.base import CheckContext
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.encoding import decode_html
from crawler.extract import parse_document, reply_links
from crawler.islands import expand_islands, find_islands, parse_reply
from crawler.run import crawl
from crawler.store import Store
from tests._servers import Hit, Reply, TestServer

FIXTURES = Path(__file__).parent / "fixtures" / "hanweb"
TODAY = date(2026, 11, 22)
BASE = "http://hanweb.test"
ART_1 = "/art/2026/11/20/art_4975_1503934.html"
ART_2 = "/art/2026/11/3/art_4975_1503801.html"
PAGES = {"/": "home.html", "/col/col4975/index.html": "col_tzgg.html",
         "/col/col4976/index.html": "col_gzdt.html", "/col/col4977/index.html": "col_zcwj.html",
         ART_1: "art_1.html", ART_2: "art_2.html"}
GBK_SITE = "上海市某区城市管理行政执法局".encode("gbk")


def text_of(name: str, content_type: str | None = "text/html") -> str:
    text, charset, errors = decode_html((FIXTURES / name).read_bytes(), content_type)
    assert charset == "gb18030" and errors == 0, (name, charset, errors)
    return text


# -- parsers -------------------------------------------------------------------------------------
def test_fixtures_are_gbk_and_decode_from_the_meta_charset_alone():
    raw = (FIXTURES / "col_tzgg.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "通知公告" in text_of("col_tzgg.html", None)


def test_island_records_and_nextgroup_are_read_from_the_cdata():
    (island,) = find_islands(text_of("col_tzgg.html"))
    assert len(island.records) == 3
    assert island.records[0].startswith('<li><a href="/art/2026/11/20/art_4975_1503934.html"')
    assert island.nextgroup.startswith("./dataproxy.jsp?startrecord=4&endrecord=6")


def test_island_links_are_page_links_and_the_next_group_resolves_against_the_proxy():
    url = BASE + "/col/col4975/index.html"
    doc = parse_document(text_of("col_tzgg.html"), url)
    hrefs = [(link.raw, link.tag, link.attr) for link in doc.links]
    assert (ART_1, "a", "href") in hrefs
    nextgroup = [raw for raw, tag, attr in hrefs if attr == "nextgroup"]
    assert len(nextgroup) == 1 and tag_of(doc, nextgroup[0]) == "datastore"
    # relative to /module/web/jpage/ (the jpage call's proxyUrl), not to /col/col4975/
    assert nextgroup[0].startswith(BASE + "/module/web/jpage/dataproxy.jsp?startrecord=4&")
    record_link = next(link for link in doc.links if link.raw == ART_1)
    assert record_link.text == "关于开展2026年冬季市容环境专项整治的通知"


def tag_of(doc, raw: str) -> str:
    return next(link.tag for link in doc.links if link.raw == raw)


def test_without_a_proxy_url_the_next_group_is_not_guessed():
    text = re.sub(r"proxyUrl:'[^']*',", "", text_of("col_tzgg.html"))
    doc = parse_document(text, BASE + "/col/col4975/index.html")
    assert not [link for link in doc.links if link.attr == "nextgroup"]
    assert ART_1 in [link.raw for link in doc.links]  # the records are still links of the page


def test_proxy_replies_without_and_with_an_xml_declaration():
    reply_url = BASE + "/module/web/jpage/dataproxy.jsp?startrecord=4"
    links, records = reply_links(text_of("proxy_group2.xml", "text/xml"), reply_url)
    assert records == 2 and parse_reply(text_of("proxy_group2.xml", "text/xml")).total == 5
    assert [link.raw for link in links if link.attr == "href"] == [
        "/art/2026/9/28/art_4975_1503500.html", "/art/2026/9/1/art_4975_1503377.html"]
    assert [link.raw for link in links if link.attr == "nextgroup"][0].startswith(
        BASE + "/module/web/jpage/dataproxy.jsp?startrecord=7")
    links, records = reply_links(text_of("proxy_group3.xml", "text/xml"), reply_url)
    assert records == 0 and links == []  # the empty group ends the walk, whatever its nextgroup says


def test_expanded_island_gives_dated_list_items_in_place():
    url = BASE + "/col/col4975/index.html"
    items = list_items(parse_html(text_of("col_tzgg.html")), url)
    assert [(i.href.removeprefix(BASE), i.date_text) for i in items] == [
        (ART_1, "2026-11-20"), (ART_2, "2026-11-03"), ("/art/2026/10/9/art_4975_1503650.html", "2026-10-09")]
    assert "<script" not in expand_islands('<script type="text/xml"><datastore></datastore></script>')


def test_hanweb_metadata_grids_are_read_with_padded_labels():
    aliases = load_thresholds(None)["labels"]  # the one label table (config/rules.yaml labels:)
    table = page_view(BASE + ART_1, text_of("art_1.html"), aliases).fields
    assert table["索引号"] == "014500815/2026-01655"       # 索&nbsp;&nbsp;引&nbsp;&nbsp;号：
    assert table["文号"] == "某城管发〔2026〕12号"           # 文 + 8 NBSP + 号
    assert table["发布日期"] == "2026-11-20"                # 发　布　日　期 (U+3000)
    assert table["成文日期"] == "2026-11-18" and table["发文机构"].endswith("执法局")
    grid = page_view(BASE + ART_2, text_of("art_2.html"), aliases).fields
    assert grid["索引号"] == "014500815/2026-01601" and grid["文号"] == "某城管规〔2026〕3号"
    assert grid["发文机构"].endswith("执法局") and grid["成文日期"] == "2026年10月30日"
    assert grid["发布日期"] == "2026-11-03"                 # the <div><span> row


def test_body_metas_are_not_head_metadata():
    meta = meta_tags(parse_html(text_of("art_1.html")))
    assert meta["PubDate"] == "2026-11-20 09:30"
    assert "ContentStart" not in meta and "ContentEnd" not in meta and "Image" not in meta


# -- checks over a real store ----------------------------------------------------------------------
def _store_run(tmp_path: Path) -> CheckContext:
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("hanweb-fixtures", TODAY.isoformat())
    for path, name in PAGES.items():
        url = BASE + path
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           content_type="text/html")
        store.put_body(run_id, url, text_of(name))
        doc = parse_document(text_of(name), url)
        store.put_links(run_id, [
            {"source_url": url, "target_url": BASE + link.raw if link.raw.startswith("/") else link.raw,
             "fragment": None, "raw_href": link.raw, "scheme": "http", "text": link.text, "tag": link.tag,
             "attr": link.attr, "position": i} for i, link in enumerate(doc.links)])
    store.commit()
    profile = tmp_path / "site.yaml"
    profile.write_text(f"""
name: hanweb-fixtures
start_urls: ["{BASE}/"]
columns:
  - {{name: 通知公告, url: /col/col4975/index.html, type: notice}}
  - {{name: 工作动态, url: /col/col4976/index.html, type: news}}
  - {{name: 政策文件, url: /col/col4977/index.html, type: policy}}
disclosure:
  site_id_code: "3101000012"
""", encoding="utf-8")
    site = load_site(profile)
    return CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)


def test_island_columns_are_judged_and_scripted_footers_are_not_checked(tmp_path):
    ctx = _store_run(tmp_path)
    run_checks(ctx, only={"columns", "freshness", "identity", "docmeta", "normative"})
    assert not ctx.store.run_stats(ctx.run_id).get("check_errors")
    found = {(f.rule_id, f.page_url.removeprefix(BASE), f.severity) for f in ctx.store.findings(ctx.run_id)}
    assert ("column-stale", "/col/col4976/index.html", "error") in found      # newest record 2026-09-20
    assert ("column-blank", "/col/col4977/index.html", "error") in found      # island without a record
    assert not [f for f in found if f[0] == "column-unreadable"]              # the island is authoritative
    assert not [f for f in found if f[0] in ("home-stale", "footer-ids")]     # homepage island is fresh
    scripted = [f for f in ctx.store.findings(ctx.run_id) if f.rule_id == "footer-scripted"]
    assert len(scripted) == 1 and scripted[0].page_url == BASE + "/" and scripted[0].severity == "info"
    assert scripted[0].evidence["pages"] == len(PAGES)
    assert scripted[0].evidence["scripts"] == [BASE + "/script/0/1234.js"]
    for decoy in ("/col/col4975/index.html", ART_1, ART_2):
        loud = [f for f in found if f[1] == decoy and f[2] != "info"]
        assert not loud, loud


def test_a_raw_footer_still_wins_over_the_script_exemption(tmp_path):
    ctx = _store_run(tmp_path)
    footer = (FIXTURES / "footer_1234.js").read_bytes().decode("gbk")
    written = "".join(re.findall(r"document\.write\('(.*)'\);", footer))
    html = text_of("art_2.html").replace("</body>", written + "</body>")
    ctx.store.put_body(ctx.run_id, BASE + ART_2, html.replace("沪ICP备12345678号-1", ""))
    ctx.store.commit()
    run_checks(ctx, only={"identity"})
    scripted = next(f for f in ctx.store.findings(ctx.run_id) if f.rule_id == "footer-scripted")
    assert scripted.evidence["pages"] == len(PAGES)  # the printed footer lacks an item: still unjudged
    ctx.store.put_body(ctx.run_id, BASE + ART_2, html)
    ctx.store.commit()
    ctx = CheckContext(store=ctx.store, run_id=ctx.run_id, site=ctx.site, thresholds=ctx.thresholds,
                       today=TODAY)  # a new context: site facts are cached per context
    run_checks(ctx, only={"identity"})
    scripted = next(f for f in ctx.store.findings(ctx.run_id) if f.rule_id == "footer-scripted")
    assert scripted.evidence["pages"] == len(PAGES) - 1
    assert BASE + ART_2 not in scripted.evidence["sample"]


def _with_footer_script(ctx: CheckContext, js: str) -> CheckContext:
    """The run with the footer script's text kept, as the crawler keeps it; a fresh context."""
    url = BASE + "/script/0/1234.js"
    ctx.store.put_resource(ctx.run_id, url=url, kind="asset", in_scope=True, status=200, final_url=url,
                           content_type="application/javascript")
    ctx.store.put_body(ctx.run_id, url, js)
    ctx.store.commit()
    return CheckContext(store=ctx.store, run_id=ctx.run_id, site=ctx.site, thresholds=ctx.thresholds,
                        today=TODAY)


def test_a_kept_footer_script_is_read_and_judged(tmp_path):
    js = (FIXTURES / "footer_1234.js").read_bytes().decode("gbk")
    ctx = _with_footer_script(_store_run(tmp_path), js)
    run_checks(ctx, only={"identity"})
    found = {(f.rule_id, f.target) for f in ctx.store.findings(ctx.run_id)}
    assert not [f for f in found if f[0] in ("footer-scripted", "footer-ids")], found
    ctx = _with_footer_script(ctx, js.replace("沪ICP备12345678号-1", "备案信息"))
    run_checks(ctx, only={"identity"})
    found = {(f.rule_id, f.target) for f in ctx.store.findings(ctx.run_id)}
    assert ("footer-ids", "ICP备案号") in found and not [f for f in found if f[0] == "footer-scripted"]
    assert len([f for f in found if f[0] == "footer-ids"]) == 1  # the other items are written


def test_a_script_writing_nothing_literal_leaves_the_footer_unchecked(tmp_path):
    ctx = _with_footer_script(_store_run(tmp_path), "var f = build(); document.write(f);")
    run_checks(ctx, only={"identity"})
    rules = {f.rule_id for f in ctx.store.findings(ctx.run_id)}
    assert "footer-scripted" in rules and "footer-ids" not in rules


# -- a real crawl -------------------------------------------------------------------------------------
def _article(title: str) -> Reply:
    body = text_of("art_2.html").replace("关于调整占道设摊管理规定的公告", title)
    return Reply(body=body.encode("gbk"), content_type="text/html;charset=GBK")


@pytest.fixture(scope="module")
def hanweb_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hanweb")
    portal = TestServer().start()

    def gbk(name: str, ctype: str = "text/html") -> Reply:
        return Reply(body=(FIXTURES / name).read_bytes(), content_type=ctype)
    for path, name in PAGES.items():
        portal.route(path, gbk(name))
    # a second column whose jpage call names a proxy path this install does not have
    wrong = text_of("col_tzgg.html").replace("/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp")
    portal.route("/col/col4978/index.html", Reply(body=wrong.encode("gbk"), content_type="text/html"))
    portal.routes["/"] = Reply(body=text_of("home.html").replace(
        "</ul></div>", '<li><a href="/col/col4978/index.html">旧栏目</a></li></ul></div>').encode("gbk"),
        content_type="text/html")

    def proxy(hit: Hit) -> Reply:
        # the proxy answers the list page's jpage script only, as a real Hanweb proxy does
        if not hit.headers.get("referer", "").endswith("/col/col4975/index.html") \
                or hit.headers.get("x-requested-with") != "XMLHttpRequest":
            return Reply(status=403, body=b"<datastore></datastore>", content_type="text/xml")
        start = parse_qs(urlsplit(hit.path).query).get("startrecord", ["1"])[0]
        name = {"4": "proxy_group2.xml", "7": "proxy_group3.xml"}.get(start)
        if name is None:
            return Reply(status=500, body=b"unexpected group")
        return Reply(body=(FIXTURES / name).read_bytes(), content_type="text/xml")
    portal.route("/module/web/jpage/dataproxy.jsp", proxy)
    for path in ("/art/2026/10/9/art_4975_1503650.html", "/art/2026/9/28/art_4975_1503500.html",
                 "/art/2026/9/20/art_4976_1502001.html", "/art/2026/9/2/art_4976_1501877.html"):
        portal.route(path, _article("通知"))
    # /art/2026/9/1/art_4975_1503377.html (listed only in group 2) is left unserved: a broken link
    for path in ("/script/0/1233.js", "/script/0/1234.js", "/module/web/jpage/jpage.js",
                 "/module/jslib/jquery/jquery.js", "/images/12/hanweb.css", "/jrobot/search.do"):
        portal.route(path, gbk("footer_1234.js", "application/javascript"))
    portal.route("/index.html", portal.routes["/"])
    for path in ("/module/visitcount/visit.jsp", "/module/changepage/gettitle.jsp"):
        portal.route(path, Reply(body=b"", content_type="text/html"))
    portal.route("/module/download/downfile.jsp",
                 Reply(body=b"PK\x03\x04", content_type="application/msword"))
    profile = tmp / "site.yaml"
    profile.write_text(f"""
name: hanweb-crawl
start_urls: ["{portal.base}/"]
limits: {{max_pages: 100, max_depth: 4, timeout_s: 5}}
politeness: {{obey_robots: false, concurrency: 4, concurrency_per_host: 4, delay_s: 0, autothrottle: false}}
links: {{retries: 0, check_external: false}}
""", encoding="utf-8")
    db = tmp / "x.sqlite"
    store = Store(db)
    run_id = store.start_run("hanweb-crawl", TODAY.isoformat())
    store.close()
    try:
        rc = crawl(str(profile), str(db), run_id, today=TODAY.isoformat(), progress=False)
    finally:
        portal.stop()
    assert rc == 0
    yield Store(db), run_id, portal


def test_proxy_groups_are_followed_until_an_empty_one(hanweb_crawl):
    store, run_id, portal = hanweb_crawl
    groups = [h.path for h in portal.hits if h.path.startswith("/module/web/jpage/dataproxy.jsp")]
    starts = sorted(parse_qs(urlsplit(p).query)["startrecord"][0] for p in groups)
    assert starts == ["4", "7"]  # group 3 came back empty: no request for startrecord=10


def test_proxy_query_strings_are_sent_in_gbk_like_a_browser(hanweb_crawl):
    _, _, portal = hanweb_crawl
    group = next(h.path for h in portal.hits if "startrecord=4" in h.path)
    encoded = "".join("%%%02X" % b for b in GBK_SITE)
    assert "webname=" + encoded in group


def test_records_of_later_groups_are_links_of_the_column_page(hanweb_crawl):
    store, run_id, portal = hanweb_crawl
    column = portal.base + "/col/col4975/index.html"
    targets = {ln["target_url"].removeprefix(portal.base) for ln in store.links_from(run_id, column)}
    assert {ART_1, "/art/2026/9/28/art_4975_1503500.html", "/art/2026/9/1/art_4975_1503377.html"} <= targets
    crawled = store.resource(run_id, portal.base + "/art/2026/9/28/art_4975_1503500.html")  # group 2
    assert crawled["kind"] == "page" and crawled["status"] == 200 and crawled["charset"] == "gb18030"
    attachment = store.resource(run_id, portal.base + "/module/download/downfile.jsp?classid=0&filename="
                                "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5.docx")
    assert attachment is not None and attachment["status"] == 200


def test_same_site_footer_scripts_are_fetched_with_their_text(hanweb_crawl):
    store, run_id, portal = hanweb_crawl
    script = store.resource(run_id, portal.base + "/script/0/1234.js")
    assert script["kind"] == "asset" and script["method"] == "GET" and script["status"] == 200
    assert "网站标识码：3101000012" in store.body(run_id, portal.base + "/script/0/1234.js")
    assert store.body(run_id, portal.base + "/module/jslib/jquery/jquery.js") is None  # other scripts: HEAD
    assert portal.base + "/script/0/1234.js" not in {r["url"] for r, _ in store.pages_with_bodies(run_id)}


def test_broken_record_and_wrong_proxy_path_are_reported_on_the_column(hanweb_crawl):
    store, run_id, portal = hanweb_crawl
    ctx = CheckContext(store=store, run_id=run_id, site={"start_urls": [portal.base + "/"]},
                       thresholds=load_thresholds(None), today=TODAY)
    run_checks(ctx, only={"links"})
    broken = {f.page_url.removeprefix(portal.base): f for f in store.findings(run_id)
              if f.rule_id in ("link-broken", "link-broken-home")}
    missing = broken["/art/2026/9/1/art_4975_1503377.html"]
    assert [r["page"].removeprefix(portal.base) for r in missing.referrers] == ["/col/col4975/index.html"]
    wrong = next(f for path, f in broken.items() if path.startswith("/module/jpage/dataproxy.jsp"))
    assert {r["page"].removeprefix(portal.base) for r in wrong.referrers} == {"/col/col4978/index.html"}
    assert set(broken) == {"/art/2026/9/1/art_4975_1503377.html", wrong.page_url.removeprefix(portal.base)}
