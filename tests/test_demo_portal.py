"""The demo portal and its fault server, over real HTTP on loopback.

Covers: determinism of ``build_site``; the portal's structure (header entries, footer identity,
meta tags, 政府信息公开 columns, document metadata); that every link resolves except the planted
targets, and the homepage carries exactly one broken link; every fault route answering as
``routes.ROUTES`` and ``plants_links`` declare (statuses, Location, Retry-After, Cloudflare
headers, the 2 GB response's headers, HEAD handling, traps, robots.txt); encodings (GBK, a
GB2312 label over GBK-only characters, a UTF-8 BOM, a page with undecodable bytes); loopback-only
binding; and the ``serve-demo`` command. No timed asserts: the slow page is shown slow by a short
read timeout.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.robotparser
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from lxml import html as lxml_html

from crawler.urls import join_url
from xunjian.demo import DemoSite, build_site, content_plants, expectations, layout, plants_links, routes
from xunjian.demo.pages import GBK_DOC_PATHS
from xunjian.demo.portal import build_portal
from xunjian.demo.server import serve

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site():
    return build_site(TODAY)


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as srv:
        yield srv


@pytest.fixture()
def fresh(site):
    """A server of its own, for routes whose answer depends on how often they were asked."""
    with serve(site) as srv:
        yield srv


def fetch(base: str, target: str, method: str = "GET", headers: dict | None = None, timeout: float = 5,
          max_body: int | None = None):
    """(status, lower-case headers, body) without following redirects."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, target, headers={"User-Agent": "xunjian-test/1.0", **(headers or {})})
        resp = conn.getresponse()
        body = resp.read(max_body) if max_body is not None else resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def links_of(body: bytes, base_url: str, encoding: str = "utf-8") -> list[str]:
    doc = lxml_html.fromstring(body.decode(encoding, errors="replace").lstrip("\ufeff"))
    out = []
    for el in doc.iter():
        if isinstance(el.tag, str):
            # an href no browser can resolve (a planted link-malformed) is kept as written
            out.extend(join_url(base_url, el.get(a)) or el.get(a) for a in ("href", "src") if el.get(a))
    return out


# -- the model ----------------------------------------------------------------------------------
def test_build_is_deterministic_and_follows_today():
    a, b = build_site(TODAY), build_site(TODAY)
    for host in ("portal", "external"):
        assert a.paths(host) == b.paths(host)
        for path in a.paths(host):
            pa, pb = a.get(host, path), b.get(host, path)
            assert (pa.body, pa.content_type, pa.status, pa.headers, pa.encoding) == \
                   (pb.body, pb.content_type, pb.status, pb.headers, pb.encoding), f"{host}:{path} differs"
    later = build_site(date(2027, 3, 1))
    assert later.get("portal", "/").body != a.get("portal", "/").body, "dates must follow today"


_DIGEST = '''
import hashlib, sys
from datetime import date
from xunjian.demo import build_site
site, h = build_site(date.fromisoformat(sys.argv[1])), hashlib.sha256()
for host in ("portal", "external"):
    for path in site.paths(host):
        page = site.get(host, path)
        body = page.body if isinstance(page.body, bytes) else page.body.encode(page.encoding)
        h.update(f"{host}{path}{page.content_type}{page.status}{sorted(page.headers.items())}".encode() + body)
print(h.hexdigest())
'''


def test_build_is_byte_identical_across_processes():
    """No set/hash ordering, randomness or wall clock leaks in: other hash seeds, same bytes."""
    digests = {subprocess.run([sys.executable, "-c", _DIGEST, TODAY.isoformat()], cwd=ROOT, check=True,
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(digests) == 1 and len(digests.pop().strip()) == 64


def test_page_count_and_every_page_encodes(site):
    base = DemoSite(TODAY)
    build_portal(base)
    assert 150 <= base.page_count() <= 400, "the base portal should be a realistic 150-400 pages"
    assert site.page_count() >= base.page_count()
    for host in ("portal", "external"):
        for path in site.paths(host):
            page = site.get(host, path)
            if isinstance(page.body, str):
                page.body.encode(page.encoding)  # strict: a GBK page must hold only GBK characters


def test_news_is_fresh_and_nothing_is_dated_after_today(site):
    newest = site.column("ywdt").sorted_items()[0].day
    assert 0 < (TODAY - newest).days <= 3
    for col in site.columns.values():
        assert all(item.day <= TODAY for item in col.items), col.key


def test_routes_never_shadow_static_pages(site):
    for route in routes.ROUTES:
        if not route.path.endswith("*"):
            with pytest.raises(KeyError):
                site.get(route.host, route.path)


def test_plant_edits_fail_loudly_when_the_text_is_gone():
    s = DemoSite(TODAY)
    build_portal(s)
    s.replace("portal", "/lxwm/index.html", "no such text", "x")
    with pytest.raises(ValueError, match="not found"):
        s.paths("portal")


# -- portal structure ---------------------------------------------------------------------------
def test_homepage_structure(server):
    status, headers, body = fetch(server.portal_base, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    doc = lxml_html.fromstring(text)
    assert {"无障碍", "长者模式"} <= {a.text_content().strip() for a in doc.cssselect(".topbar a")}
    assert [a.text_content() for a in doc.cssselect("nav.main-nav a")][:3] == ["首页", "新闻中心", "政府信息公开"]
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("meta[name]")}
    assert meta["SiteName"] == layout.SITE_NAME and meta["SiteIDCode"] == layout.SITE_ID_CODE
    footer = doc.cssselect("footer")[0].text_content()
    for needle in ("主办单位", "联系方式", f"网站标识码：{layout.SITE_ID_CODE}", "我为政府网站找错"):
        assert needle in footer
    assert re.search(r"沪ICP备\d+号(-\d+)?", footer) and re.search(r"沪公网安备\s?\d{14}号", footer)
    assert doc.cssselect('footer img[alt="党政机关网站标识"]')
    assert "{{" not in text, "placeholders must be substituted at serve time"
    assert f'href="{server.external_base}/exposure/jiucuo.html' in text
    dates = re.findall(r'<span class="date">(\d\d-\d\d)</span>', text)
    assert len(dates) >= 16


def test_disclosure_section_and_document_metadata(server, site):
    _, _, body = fetch(server.portal_base, "/xxgk/index.html")
    text = body.decode()
    # plants_mandatory.py: the guide is linked under an alias, 依申请公开 from nowhere (orphaned)
    for column in ("信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"):
        assert column in text
    assert 'href="/xxgk/ysqgk/index.html"' not in text and site.has("portal", "/xxgk/ysqgk/index.html")
    _, _, body = fetch(server.portal_base, "/xxgk/fdzdgknr/index.html")
    for column in ("机构职能", "规范性文件", "政策解读", "行政处罚", "双随机一公开", "财政预决算", "人事信息"):
        assert column in body.decode()
    status, _, body = fetch(server.portal_base, "/xxgk/gfxwj/index_1.html")
    assert status == 200 and "ColumnName" in body.decode() and "index.html" in body.decode()
    doc_path = site.column("gfxwj").sorted_items()[0].url
    _, _, body = fetch(server.portal_base, doc_path)
    doc = lxml_html.fromstring(body.decode())
    rows = dict(zip([th.text_content() for th in doc.cssselect("table.xxgk-meta th")],
                    [td.text_content() for td in doc.cssselect("table.xxgk-meta td")]))
    assert re.fullmatch(r"000014349/\d{4}-\d{5}", rows["索引号"])
    assert re.fullmatch(r"沪浦城管规〔\d{4}〕[1-9]\d*号", rows["文号"])
    assert {"发文机构", "公开类型", "印发日期", "发布日期", "体裁", "有效性"} <= rows.keys()
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("meta[name]")}
    assert meta["ArticleTitle"] and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta["PubDate"])


def test_attachments_are_served_with_their_content_types(server, site):
    seen = set()
    for path in site.paths("portal"):
        ext = path.rsplit(".", 1)[-1]
        if ext in ("pdf", "doc", "docx", "xls", "xlsx", "ofd") and ext not in seen:
            seen.add(ext)
            status, headers, body = fetch(server.portal_base, path)
            assert status == 200 and headers["content-type"] == site.get("portal", path).content_type
            if ext == "pdf":
                assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
            elif ext in ("docx", "xlsx", "ofd"):
                assert zipfile.ZipFile(BytesIO(body)).testzip() is None
                if ext == "xlsx":  # a real workbook, not just a zip
                    assert openpyxl.load_workbook(BytesIO(body)).active["A1"].value
            else:
                assert body.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    assert seen == {"pdf", "doc", "docx", "xls", "xlsx", "ofd"}


# -- links: exactly the planted ones fail --------------------------------------------------------
def _target(parts) -> str:
    return parts.path + (f"?{parts.query}" if parts.query else "")


# outbound links planted behind a redirect (hijacked, moved to another domain, moved within the host)
REDIRECT_PLANTS = {content_plants.PARTNER, content_plants.RENAMED, content_plants.MOVED}


def test_every_link_resolves_except_planted_and_routed_targets(server, site):
    routed = {(r.host, r.path) for r in routes.ROUTES}
    bases = {server.portal_base: "portal", server.external_base: "external"}
    targets: set[str] = set()
    for path in site.paths("portal"):
        page = site.get("portal", path)
        if not page.content_type.startswith("text/html") or isinstance(page.body, bytes):
            continue
        body = server.substitute(page.body).encode(page.encoding)
        targets.update(links_of(body, server.portal_base + path, page.encoding))
    failures = []
    refused = {e.where for e in plants_links.EXPECTED if e.rule_id in ("link-forbidden-address", "link-malformed")}
    for url in sorted(targets):
        if url in refused:  # the crawl never requests it (forbidden address, or no browser could)
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        host = bases.get(f"{parts.scheme}://{parts.netloc}")
        assert host, f"a link leaves loopback: {url}"
        if (host, parts.path) in routed or any(r.host == host and r.path.endswith("*") and
                                                parts.path.startswith(r.path[:-1]) for r in routes.ROUTES):
            continue
        if host == "external" and parts.path in REDIRECT_PLANTS:  # 3xx on purpose (content_plants)
            continue
        status, _, _ = fetch(f"{parts.scheme}://{parts.netloc}", _target(parts))
        if status != 200:
            failures.append(f"{status} {url}")
    assert not failures, "links nobody planted are broken:\n" + "\n".join(failures)
    assert len(targets) > 300


def test_homepage_carries_exactly_one_broken_link(server):
    _, _, body = fetch(server.portal_base, "/")
    broken = []
    for url in sorted(set(links_of(body, server.portal_base + "/"))):
        parts = urlsplit(url)
        if parts.scheme == "http":
            status, _, _ = fetch(f"http://{parts.netloc}", _target(parts))
            if status >= 400:
                broken.append((status, parts.path))
    assert broken == [(404, plants_links.HOME_BROKEN)]


def test_plants_cover_every_link_and_crawl_rule():
    table = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split("## Link rules", 1)[1]
    rule_ids = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table.split("\n## ", 1)[0], re.M))
    assert len(rule_ids) >= 14
    covered = {e.rule_id for e in plants_links.EXPECTED} | {d.rule_id for d in plants_links.DECOYS}
    assert rule_ids <= covered, f"rules without a plant or decoy: {sorted(rule_ids - covered)}"
    where = [(e.rule_id, e.where) for e in plants_links.EXPECTED]
    assert len(where) == len(set(where)), "one Expect per planted target and rule"
    expected, decoys = expectations()
    assert set(plants_links.EXPECTED) <= set(expected) and set(plants_links.DECOYS) <= set(decoys)


def test_every_declared_target_is_served(site):
    """Each Expect/Decoy of plants_links names a routed fault, a page of the site, or a link scheme
    that is never fetched: a typo in ``where`` would otherwise pass unnoticed until the e2e run."""
    for item in [*plants_links.EXPECTED, *plants_links.DECOYS]:
        if item.where.split(":", 1)[0] in ("mailto", "tel", "javascript", "http", "https"):
            continue  # never fetched: other schemes, and absolute URLs the crawl refuses (netguard)
        host, path = ("external", item.where[9:]) if item.where.startswith("external:") else ("portal", item.where)
        path = path.split("#")[0].split("?")[0]
        if routes.match(host, path) is None:
            site.get(host, path)  # KeyError names the missing page


def test_anchor_plants_match_the_served_documents(server):
    _, _, body = fetch(server.portal_base, plants_links.NORM_DOC)
    ids = set(lxml_html.fromstring(body.decode()).xpath("//@id"))
    assert {"section2", "attachments"} <= ids and plants_links.MISSING_FRAGMENT not in ids
    _, _, body = fetch(server.portal_base, plants_links.READING_DOC)
    hrefs = links_of(body, server.portal_base + plants_links.READING_DOC)
    for fragment in ("section2", "attachments", plants_links.MISSING_FRAGMENT):
        assert f"{server.portal_base}{plants_links.NORM_DOC}#{fragment}" in hrefs
    _, _, body = fetch(server.portal_base, "/lxwm/index.html")
    text = body.decode()
    for href in (f"mailto:{layout.EMAIL}", f"tel:{layout.PHONE}", "javascript:window.print()", "#top", "#"):
        assert f'href="{href}"' in text
    assert 'id="top"' not in text  # "#top" is valid by the HTML spec even without such an id


# -- fault routes -------------------------------------------------------------------------------
def test_not_found_and_server_error(server):
    missing = (plants_links.HOME_BROKEN, plants_links.DELETED_NOTICE, plants_links.MISSING_PDF, "/no/such.html")
    for path in missing:
        status, _, body = fetch(server.portal_base, path)
        assert status == 404 and "页面不存在".encode() in body
    assert [fetch(server.portal_base, "/bsfw/tjsj/index.jsp")[0] for _ in range(3)] == [500, 500, 500]


def test_flaky_503_and_one_off_429_recover_on_retry(fresh):
    assert [fetch(fresh.portal_base, "/bsfw/yyfw/index.jsp")[0] for _ in range(3)] == [503, 200, 200]
    status, headers, _ = fetch(fresh.portal_base, "/hdjl/dczj/index.jsp")
    assert status == 429 and headers["retry-after"] == "1"
    assert fetch(fresh.portal_base, "/hdjl/dczj/index.jsp")[0] == 200


def test_always_429_keeps_answering_429(server):
    for base, path in ((server.portal_base, "/search/hot.jsp"), (server.external_base, "/api/busy.html")):
        for _ in range(3):
            status, headers, _ = fetch(base, path)
            assert status == 429 and headers["retry-after"].isdigit()


def test_redirects_loop_chain_and_single_hop(server):
    status, headers, _ = fetch(server.portal_base, "/old/loop-a.html")
    assert status == 302 and headers["location"] == f"{server.portal_base}/old/loop-b.html"
    status, headers, _ = fetch(server.portal_base, "/old/loop-b.html")
    assert status == 302 and headers["location"] == f"{server.portal_base}/old/loop-a.html"
    hops, target = 0, "/go/hop1.html"
    while True:
        status, headers, _ = fetch(server.portal_base, target)
        if status != 302:
            break
        hops, target = hops + 1, urlsplit(headers["location"]).path
    assert (hops, status, target) == (5, 200, "/go/landing.html")
    status, headers, _ = fetch(server.portal_base, "/xxgk/index.shtml")
    assert status == 301 and fetch(server.portal_base, urlsplit(headers["location"]).path)[0] == 200


def test_slow_page_is_slow_without_blocking_other_requests(server):
    done = {}

    def slow_request():
        try:
            fetch(server.portal_base, "/bsfw/query/slow.jsp", timeout=1.0)
            done["slow"] = "answered"
        except (socket.timeout, TimeoutError):
            done["slow"] = "timed out"
    t = threading.Thread(target=slow_request)
    t.start()
    assert fetch(server.portal_base, "/", timeout=5)[0] == 200  # served while the slow one waits
    t.join()
    assert done["slow"] == "timed out"
    assert fetch(server.portal_base, "/bsfw/query/busy.jsp", timeout=4)[0] == 200


def test_soft_404_and_html_instead_of_attachment(server):
    status, headers, body = fetch(server.portal_base, plants_links.SOFT_404)
    assert status == 200 and "页面不存在".encode() in body
    status, headers, body = fetch(server.portal_base, plants_links.HTML_XLS)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body.lstrip().startswith(b"<!DOCTYPE")


def test_head_is_supported_and_refused_where_planted(server):
    _, get_headers, get_body = fetch(server.portal_base, "/xxgk/index.html")
    status, head_headers, _ = fetch(server.portal_base, "/xxgk/index.html", "HEAD")
    assert status == 200
    # http.client never reads a HEAD body, so look at the raw bytes: headers and nothing after
    host, port = urlsplit(server.portal_base).hostname, urlsplit(server.portal_base).port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"HEAD /xxgk/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    assert raw.startswith(b"HTTP/1.1 200") and raw.endswith(b"\r\n\r\n") and raw.count(b"\r\n\r\n") == 1
    assert head_headers["content-length"] == get_headers["content-length"] == str(len(get_body))
    assert head_headers["content-type"] == get_headers["content-type"]
    assert fetch(server.portal_base, "/xxgk/download/list.jsp", "HEAD")[0] == 405
    assert fetch(server.portal_base, "/xxgk/download/list.jsp")[0] == 200


def test_two_gigabyte_response_is_streamed_lazily(server):
    status, headers, _ = fetch(server.portal_base, "/xxgk/tjxx/archive.html", "HEAD")
    assert status == 200 and headers["content-length"] == str(2 * 1024 ** 3)
    status, headers, body = fetch(server.portal_base, "/xxgk/tjxx/archive.html", max_body=1 << 20)
    assert status == 200 and headers["content-length"] == "2147483648" and len(body) == 1 << 20
    assert body.startswith(b"<!DOCTYPE html>")
    assert fetch(server.portal_base, "/", timeout=5)[0] == 200  # the server survives the hang-up


def test_calendar_trap_is_endless(server):
    target, months = "/calendar/?month=2026-11", []
    for _ in range(16):
        _, _, body = fetch(server.portal_base, target)
        nxt = re.search(r'href="(/calendar/\?month=[0-9-]+)">下一月', body.decode()).group(1)
        months.append(nxt.rsplit("=", 1)[1])
        target = nxt
    assert months[:3] == ["2026-12", "2027-01", "2027-02"] and months[-1] == "2028-03"
    _, _, body = fetch(server.portal_base, "/calendar/?month=2023-01")
    assert 'href="/calendar/?month=2022-12">上一月' in body.decode()


def test_session_id_trap_links_carry_fresh_deterministic_ids(server):
    def sids(target):
        text = fetch(server.portal_base, target)[2].decode()
        return re.findall(r"jsessionid=([0-9A-F]+)", text), re.findall(r"\(S\(([0-9a-f]+)\)\)", text)
    first = sids("/hdjl/lt/index.jsp")
    assert first == sids("/hdjl/lt/index.jsp"), "ids derive from the URL, not from randomness"
    jsid = first[0][0]
    following = sids(f"/hdjl/lt/thread.jsp;jsessionid={jsid}?tid=1")
    assert following[0][0] != jsid and following[1][0] != first[1][0]
    assert fetch(server.portal_base, f"/hdjl/lt/(S({first[1][0]}))/thread.aspx?tid=9")[0] == 200


def test_query_growth_trap(server):
    target, lengths = "/search/result.jsp?q=%E5%9F%8E%E7%AE%A1", []
    for _ in range(6):
        _, _, body = fetch(server.portal_base, target)
        link = re.search(r'href="(/search/result\.jsp\?[^"]+)">缩小范围', body.decode()).group(1)
        target = link.replace("&amp;", "&")
        lengths.append(len(target))
    assert lengths == sorted(lengths) and len(set(lengths)) == 6


def test_robots_txt_disallows_admin_which_the_portal_links(server):
    status, headers, body = fetch(server.portal_base, "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode().splitlines())
    assert not robots.can_fetch("xunjian", f"{server.portal_base}/admin/login.html")
    assert robots.can_fetch("xunjian", f"{server.portal_base}/xxgk/index.html")
    assert b'href="/admin/login.html"' in fetch(server.portal_base, "/gywm/index.html")[2]


# -- external host ------------------------------------------------------------------------------
def test_external_host_faults(server):
    ext = server.external_base
    assert fetch(ext, "/gone.html")[0] == 404
    assert fetch(ext, "/policy/guide.html")[0] == 200
    assert fetch(ext, "/news/fbh.html")[0] == 403
    assert fetch(ext, "/news/fbh.html", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})[0] == 200
    status, headers, body = fetch(ext, "/cf/index.html")
    assert status == 503 and headers["server"] == "cloudflare" and headers["cf-mitigated"] == "challenge"
    assert b"Just a moment..." in body
    status, _, body = fetch(ext, f"/zwdt/item?code={plants_links.KNOWN_ITEM}")
    assert status == 200 and "事项不存在".encode() not in body
    status, _, body = fetch(ext, f"/zwdt/item?code={plants_links.UNKNOWN_ITEM}")
    assert status == 200 and "事项不存在".encode() in body


# -- encodings ----------------------------------------------------------------------------------
def test_gbk_pages_decode_with_gbk_only(server):
    variants = []
    for path in ["/xxgk/gkzd/index.html", *GBK_DOC_PATHS]:
        status, headers, body = fetch(server.portal_base, path)
        assert status == 200
        text = body.decode("gbk")  # strict
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        declared = re.search(r'<meta charset="([^"]+)">', text)
        variants.append(((declared.group(1) if declared else ""), headers["content-type"]))
        if declared and declared.group(1) == "gb2312":
            assert "李堃" in text
            with pytest.raises(UnicodeDecodeError):
                body.decode("gb2312")  # GBK-only characters under a GB2312 label
    assert ("gbk", "text/html") in variants and ("", "text/html; charset=GBK") in variants


def test_bom_page_and_undecodable_page(server):
    _, headers, body = fetch(server.portal_base, "/xxgk/ysqgk/index.html")
    assert body.startswith(b"\xef\xbb\xbf<!DOCTYPE html>") and "依申请公开" in body.decode("utf-8-sig")
    _, headers, body = fetch(server.portal_base, plants_links.DECODE_ERROR_PAGE)
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body.decode("utf-8", errors="replace").count("\ufffd") > 20


# -- server contract ----------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "localhost", "::1", "10.0.0.1"])
def test_refuses_to_bind_outside_loopback(site, host):
    with pytest.raises(ValueError, match="127"):
        serve(site, portal_host=host)
    with pytest.raises(ValueError, match="127"):
        serve(site, external_host=host)


def test_stop_frees_the_ports_and_logs_requests(site):
    srv = serve(site)
    fetch(srv.portal_base, "/", headers={"User-Agent": "probe/1"})
    assert srv.hits("/") == 1 and srv.requests[0].user_agent == "probe/1" and srv.hits("/admin/") == 0
    port = int(srv.portal_base.rsplit(":", 1)[1])
    srv.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with serve(site, portal_port=port) as again:  # the port is free again
        assert again.portal_base.endswith(f":{port}")


def test_serve_demo_command_prints_bases_and_serves_until_interrupted():
    proc = subprocess.Popen([sys.executable, "-m", "xunjian.cli", "serve-demo", "--today", "2026-11-22"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        portal = proc.stdout.readline().split()[2].rstrip("/")
        external = proc.stdout.readline().split()[2].rstrip("/")
        assert portal.startswith("http://127.0.0.1:") and external.startswith("http://127.0.0.2:")
        assert fetch(portal, "/")[0] == 200
        # Ctrl-C once the command says so (the banner on stderr ends with the prompt), as a user would
        banner = []
        while not banner or banner[-1] and "press Ctrl-C to stop" not in banner[-1]:
            banner.append(proc.stderr.readline())
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=10)
        err = "".join(banner) + rest
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 0 and "stopped" in err
    assert "xunjian run --site config/sites/demo.yaml" in err and "/calendar/" in err


class _CtrlCOnWrite:
    """A stderr that raises KeyboardInterrupt (Ctrl-C) when ``marker`` is first written: the moment a
    user presses it, made deterministic; everything written is kept in ``text``."""

    def __init__(self, marker: str):
        self.marker, self.text, self.pressed = marker, "", False

    def write(self, data: str) -> int:
        if not self.pressed and self.marker in data:
            self.pressed = True
            raise KeyboardInterrupt
        self.text += data
        return len(data)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("moment", ["mid-banner", "while the portal is generated"])
def test_serve_demo_stops_cleanly_on_ctrl_c_at_any_moment(monkeypatch, capsys, moment):
    """Ctrl-C mid-banner once exited 2 with the message of an interrupted run ("facts written so far
    are kept in the store"): serve-demo has no store and no verdict, Ctrl-C is how it ends."""
    from xunjian import demo
    from xunjian.cli import main
    stderr = _CtrlCOnWrite("fault routes:")
    monkeypatch.setattr(sys, "stderr", stderr)
    if moment != "mid-banner":
        def interrupted_build(*args, **kwargs):
            raise KeyboardInterrupt
        monkeypatch.setattr(demo, "build_site", interrupted_build)
    code = main(["serve-demo", "--family", "shanghai", "--clean", "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 0, stderr.text
    assert "store" not in stderr.text and "interrupted" not in stderr.text, stderr.text
    if moment == "mid-banner":
        assert stderr.text.strip().splitlines() == ["stopped: the demo portal is no longer served"]
        port = int(out.split()[2].rstrip("/").rsplit(":", 1)[1])
        with pytest.raises(OSError):  # the server stopped with the command
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    else:
        assert stderr.text.strip().splitlines() == ["stopped before the demo portal was served"] and not out
