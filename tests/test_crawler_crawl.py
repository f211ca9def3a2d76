"""Real crawls via ``crawler.run.crawl`` of a purpose-built portal on 127.0.0.1 with an
"external" host on 127.0.0.2: charsets, retries, Retry-After, HEAD fallback, redirects,
robots.txt, size caps, check-once, anchors, non-http schemes, hostile pages.

One crawl (module fixture) serves most tests; each test asserts one behaviour on the
facts it stored. Timing assertions are lower bounds proving a wait happened, never speed.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from pathlib import Path

import pytest

from crawler.run import crawl
from crawler.store import Store
from tests._servers import Hit, Reply, TestServer, html

GBK_ONLY = "镕堃"  # characters in GBK but not in GB2312


def _profile(tmp: Path, portal: TestServer, extra: str = "") -> Path:
    path = tmp / "site.yaml"
    path.write_text(f"""
name: testportal
start_urls: ["{portal.base}/"]
limits: {{max_pages: 200, max_depth: 5, max_response_mb: 1, timeout_s: 3}}
politeness: {{obey_robots: true, concurrency: 8, concurrency_per_host: 8, delay_s: 0, autothrottle: false}}
links:
  retries: 2
  retry_backoff_s: 0.2
  max_retry_after_s: 2
  max_redirects: 3
  jump_link_patterns: ["^http://127\\\\.0\\\\.0\\\\.2:[0-9]+/zwdt/"]
  ignore: ["/logout\\\\.do"]
network: {{allow_addresses: ["127.0.0.0/8"]}}  # the "external" host is loopback too
{extra}
""", encoding="utf-8")
    return path


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return sock.getsockname()[1]


def _sequence(*replies: Reply):
    """A route answering with each reply in turn, then repeating the last one."""
    state = {"n": 0}

    def answer(hit: Hit) -> Reply:
        reply = replies[min(state["n"], len(replies) - 1)]
        state["n"] += 1
        return reply
    return answer


def _build(portal: TestServer, ext: TestServer, dead_port: int) -> None:
    e = ext.base
    home_links = "".join(f'<a href="{href}">{text}</a>\n' for href, text in [
        ("/gbk.html", "GBK"), ("/gb2312.html", "GB2312"), ("/bom.html", "BOM"), ("/bad-utf8.html", "bad"),
        ("/binary.html", "binary"), ("/flaky.html", "flaky"), ("/slow-down.html", "429 then ok"),
        ("/always429.html", "always 429"), ("/wall429.html", "429 long retry-after"),
        ("/nohead.pdf", "HEAD 405"), ("/headclose.doc", "HEAD closed"), ("/r1", "redirect chain"),
        ("/loop-a", "loop"), ("/private/secret.html", "robots"), ("/huge.html", "huge"),
        ("/big.zip", "2GB"), ("/anchors.html#intro", "anchor"), ("/many.html", "many"),
        ("/cal?year=1990&month=1", "calendar"), ("/a/b/a/b/a/b/x.html", "repeated"),
        (f"{e}/ext.html", "external"), (f"{e}/doc.html#sec-2", "external fragment"),
        (f"{e}/zwdt/item?id=7", "jump link"), (f"{e}/late.html", "plain first"),
        (f"{e}/late.html#s1", "then #"),
        (f"http://127.0.0.2:{dead_port}/gone", "dead"),
        (f"{e}/botwall", "bot wall"), ("mailto:office@example.gov.cn", "mail"), ("tel:12345", "phone"),
        ("javascript:void(0)", "js"), ("/logout.do?next=/", "ignored"), ("/removed.html", "404 page"),
        ("/gz.html", "gzip"), ("/gzbomb.html", "bomb"), ("http://[::1", "bad ipv6"), ("/short.html", "cut"),
        ("/t0", "12 redirects"), ("/sess", "jsessionid redirect"), ("/reset-once.html", "reset"),
        ("/slow-once.html", "timeout"),
        ("http://127.0.0.2:99999/", "bad port"),
    ])
    portal.route("/", html(f"<html><head><title>首页</title></head><body id=top>{home_links}"
                           f'<img src="/logo.png" srcset="/logo-2x.png 2x, /logo-3x.png 3x" alt="徽标">'
                           f'<span onclick="window.open(\'/files/notice.pdf\')">通知</span></body></html>'))
    portal.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n",
                                      content_type="text/plain"))
    portal.route("/gbk.html", Reply(body=f"<html><title>GBK页</title><p>中文{GBK_ONLY}</p><a href='{e}/ext.html'>x</a>"
                                    "<a href='/search.jsp?q=城管'>搜索</a>"
                                    .encode("gbk"), content_type="text/html; charset=GBK"))
    portal.route("/gb2312.html", Reply(body=f'<html><head><meta charset="gb2312"><title>国标</title></head>'
                                       f"<p>{GBK_ONLY}</p><a href='{e}/ext.html'>x</a>".encode("gbk"),
                                       content_type="text/html"))
    portal.route("/bom.html", Reply(body="\ufeff<html><title>带BOM</title><p>统一码</p>".encode("utf-8"),
                                    content_type="text/html"))
    portal.route("/bad-utf8.html", Reply(body=b"<html><title>bad</title><p>ok \xff\xfe\xfd end</p>",
                                         content_type="text/html; charset=utf-8"))
    portal.route("/binary.html", Reply(body=bytes(range(256)) * 64, content_type="text/html"))
    ok = html("<html><title>ok</title><p>fine</p></html>")
    portal.route("/flaky.html", _sequence(html("busy", 503), html("busy", 503), ok))
    portal.route("/slow-down.html", _sequence(html("slow down", 429, headers={"Retry-After": "1"}), ok))
    portal.route("/always429.html", html("slow down", 429))
    portal.route("/wall429.html", html("slow down", 429, headers={"Retry-After": "3600"}))
    pdf = Reply(body=b"%PDF-1.4 tiny", content_type="application/pdf")
    portal.route("/nohead.pdf", lambda hit: html("no", 405) if hit.method == "HEAD" else pdf)
    portal.route("/headclose.doc", lambda hit: Reply(drop=True) if hit.method == "HEAD"
                 else Reply(body=b"DOC", content_type="application/msword"))
    portal.route("/files/notice.pdf", pdf)
    for name in ("/logo.png", "/logo-2x.png", "/logo-3x.png"):
        portal.route(name, Reply(body=b"\x89PNG", content_type="image/png"))
    portal.route("/r1", Reply(status=301, headers={"Location": "/r2"}))
    portal.route("/r2", Reply(status=302, headers={"Location": "/r3"}))
    portal.route("/r3", Reply(status=307, headers={"Location": "/final.html"}))
    portal.route("/final.html", html("<html><title>final</title></html>"))
    portal.route("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    portal.route("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    portal.route("/private/secret.html", html("secret"))
    portal.route("/huge.html", Reply(endless=True, content_type="text/html"))
    portal.route("/big.zip", lambda hit: html("no", 405) if hit.method == "HEAD"
                 else Reply(endless=True, content_type="application/zip", content_length=2 * 1024 ** 3))
    gz = {"Content-Encoding": "gzip"}
    portal.route("/gz.html", Reply(body=gzip.compress("<title>压缩</title><p id=z>".encode()), headers=gz))
    portal.route("/gzbomb.html", Reply(body=gzip.compress(b"<title>bomb</title>" + b" " * (20 * 1024 * 1024)),
                                       headers=gz))
    portal.route("/short.html", html("<title>半截</title><p id=cut>", content_length=10_000))
    for i in range(12):
        portal.route(f"/t{i}", Reply(status=302, headers={"Location": f"/t{i + 1}"}))
    portal.route("/t12", ok)
    portal.route("/sess", Reply(status=302, headers={"Location": "/sess;jsessionid=ABC123"}))
    portal.route("/sess;jsessionid=ABC123", html("<title>会话</title>"))
    portal.route("/reset-once.html", _sequence(Reply(drop=True), ok))

    def slow_once(hit: Hit) -> Reply:
        if len(portal.hits_for("/slow-once.html")) == 1:
            time.sleep(3.5)  # beyond limits.timeout_s 3
        return ok
    portal.route("/slow-once.html", slow_once)
    portal.route("/search.jsp", html("<title>结果</title>"))
    portal.route("/removed.html", html('<title>页面不存在</title><a href="/only-from-404.html">nav</a>', 404))
    portal.route("/anchors.html", html('<html><h2 id="intro">Intro</h2><a name="legacy"></a><p id="end"></html>'))
    many = "".join(f'<a href="/anchors.html#n{i}" title="t{i}">第{i}条</a>' for i in range(3000))
    portal.route("/many.html", html(f"<html><p class='{'x' * 200000}'>{many}<div><table><tr><td>broken"))
    ext.route("/ext.html", html("<html><title>外部</title></html>"))
    ext.route("/doc.html", html('<html><h2 id="sec-1">One</h2><h2 id="sec-2">Two</h2></html>'))
    ext.route("/late.html", html('<html><p id="s1">late</p></html>'))
    ext.route("/zwdt/item", html("<html><title>事项不存在</title><p>您访问的页面不存在</p></html>"))
    ext.route("/botwall", lambda hit: html("ok") if "Chrome" in hit.user_agent
              else html("blocked", 403, headers={"Server": "cloudflare", "cf-mitigated": "challenge"}))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    portal, ext = TestServer("127.0.0.1").start(), TestServer("127.0.0.2").start()
    try:
        _build(portal, ext, _closed_port())
        db = tmp / "facts.sqlite"
        store = Store(db)
        run_id = store.start_run("testportal", "2026-11-22")
        store.close()
        rc = crawl(str(_profile(tmp, portal)), str(db), run_id, today="2026-11-22", progress=False)
        store = Store(db)
        yield {"rc": rc, "store": store, "run": run_id, "portal": portal, "ext": ext}
        store.close()
    finally:
        portal.stop()
        ext.stop()


def _res(c, url: str) -> dict:
    row = c["store"].resource(c["run"], url)
    assert row is not None, f"no resource row for {url}"
    return row


def test_crawl_exits_cleanly_and_saves_run_stats(crawled):
    assert crawled["rc"] == 0
    stats = crawled["store"].run_stats(crawled["run"])
    assert stats["crawl_finish_reason"] == "finished"
    assert stats["pages"] >= 8 and stats["links"] >= 3000
    # "invalid": http://[::1 and a port out of range (checks/links/link_malformed.py reports them)
    assert stats["skipped_by_scheme"] == {"mailto": 1, "tel": 1, "javascript": 1, "invalid": 2}
    assert stats["traps"] == {"calendar": 1, "repeated-segments": 1}


@pytest.mark.parametrize("path, needle", [
    ("/gbk.html", "中文" + GBK_ONLY), ("/gb2312.html", GBK_ONLY), ("/bom.html", "统一码")])
def test_chinese_charsets_decode_cleanly(crawled, path, needle):
    url = crawled["portal"].url(path)
    row = _res(crawled, url)
    assert row["decode_errors"] == 0
    text = crawled["store"].body(crawled["run"], url)
    assert needle in text and "\ufeff" not in text
    assert row["charset"] in ("gb18030", "utf-8")


def test_undecodable_pages_are_recorded_with_error_counts(crawled):
    bad = _res(crawled, crawled["portal"].url("/bad-utf8.html"))
    assert bad["status"] == 200 and bad["decode_errors"] == 3 and bad["title"] == "bad"
    binary = _res(crawled, crawled["portal"].url("/binary.html"))
    assert binary["status"] == 200 and binary["kind"] == "page" and binary["decode_errors"] > 0
    assert binary["content_hash"] and binary["size"] == 256 * 64


def test_503_is_retried_with_exponential_backoff(crawled):
    row = _res(crawled, crawled["portal"].url("/flaky.html"))
    assert row["status"] == 200 and row["attempts"] == 3
    hits = crawled["portal"].hits_for("/flaky.html")
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:])]
    assert len(hits) == 3 and gaps[0] >= 0.2 and gaps[1] >= 0.4


def test_429_retry_after_is_honoured_then_succeeds(crawled):
    row = _res(crawled, crawled["portal"].url("/slow-down.html"))
    assert row["status"] == 200 and row["attempts"] == 2
    first, second = crawled["portal"].hits_for("/slow-down.html")
    assert second.at - first.at >= 0.95


def test_permanent_429_is_recorded_as_429(crawled):
    row = _res(crawled, crawled["portal"].url("/always429.html"))
    assert row["status"] == 429 and row["attempts"] == 3 and row["error_class"] is None
    wall = _res(crawled, crawled["portal"].url("/wall429.html"))  # Retry-After beyond max_retry_after_s
    assert wall["status"] == 429 and wall["attempts"] == 1 and wall["headers"]["retry-after"] == "3600"


def test_head_refused_or_closed_falls_back_to_get(crawled):
    pdf = _res(crawled, crawled["portal"].url("/nohead.pdf"))
    assert (pdf["kind"], pdf["method"], pdf["status"], pdf["attempts"]) == ("attachment", "GET", 200, 2)
    doc = _res(crawled, crawled["portal"].url("/headclose.doc"))
    assert (doc["method"], doc["status"]) == ("GET", 200)
    assert [h.method for h in crawled["portal"].hits_for("/headclose.doc")] == ["HEAD", "GET"]


def test_huge_attachment_check_stops_after_headers(crawled):
    row = _res(crawled, crawled["portal"].url("/big.zip"))
    assert row["status"] == 200 and row["size"] == 2 * 1024 ** 3 and row["content_hash"] is None
    assert crawled["portal"].bytes_written.get("/big.zip", 0) < 64 * 1024 * 1024


def test_endless_page_is_capped_and_marked_truncated(crawled):
    row = _res(crawled, crawled["portal"].url("/huge.html"))
    assert row["status"] == 200 and row["truncated"] == 1 and row["size"] == 1024 * 1024


def test_redirect_chain_is_recorded_hop_by_hop(crawled):
    p = crawled["portal"]
    row = _res(crawled, p.url("/r1"))
    assert row["redirect_chain"] == [{"url": p.url("/r1"), "status": 301}, {"url": p.url("/r2"), "status": 302},
                                     {"url": p.url("/r3"), "status": 307}]
    assert row["status"] == 200 and row["final_url"] == p.url("/final.html") and row["error_class"] is None
    assert _res(crawled, p.url("/final.html"))["title"] == "final"


def test_redirect_loop_is_detected_not_swallowed(crawled):
    row = _res(crawled, crawled["portal"].url("/loop-a"))
    assert row["error_class"] == "redirect-loop" and len(row["redirect_chain"]) == 2


def test_robots_excluded_path_is_not_fetched(crawled):
    row = _res(crawled, crawled["portal"].url("/private/secret.html"))
    assert row["skip_reason"] == "robots" and row["status"] is None
    assert crawled["portal"].hits_for("/private/secret.html") == []


def test_external_url_is_checked_once_however_often_cited(crawled):
    url = crawled["ext"].url("/ext.html")
    assert len(crawled["store"].links_to(crawled["run"], url)) == 3
    # one check (HEAD), then one GET sampling its title and text when the crawl is done
    # (links.sample_external, crawler/spiders/sampling.py), however often it is cited
    assert [h.method for h in crawled["ext"].hits_for("/ext.html")] == ["HEAD", "GET"]
    row = _res(crawled, url)
    assert (row["kind"], row["in_scope"], row["method"], row["status"]) == ("external", 0, "HEAD", 200)
    sample = crawled["store"].external_samples(crawled["run"])[url]
    assert sample["status"] == 200 and sample["final_url"] == url


def test_anchors_are_stored_for_pages_and_fragment_targets(crawled):
    page = _res(crawled, crawled["portal"].url("/anchors.html"))
    assert page["anchors"] == ["intro", "legacy", "end"]
    ext = _res(crawled, crawled["ext"].url("/doc.html"))
    assert ext["method"] == "GET" and ext["anchors"] == ["sec-1", "sec-2"]
    links = crawled["store"].links_to(crawled["run"], crawled["ext"].url("/doc.html"))
    assert [ln["fragment"] for ln in links] == ["sec-2"]


def test_fragment_cited_after_a_plain_check_still_gets_anchors(crawled):
    row = _res(crawled, crawled["ext"].url("/late.html"))
    assert row["method"] == "GET" and row["anchors"] == ["s1"]
    assert sorted(h.method for h in crawled["ext"].hits_for("/late.html")) == ["GET", "HEAD"]


def test_jump_link_body_is_kept_for_soft_404_checks(crawled):
    url = crawled["ext"].url("/zwdt/item?id=7")
    assert _res(crawled, url)["status"] == 200
    assert "您访问的页面不存在" in crawled["store"].body(crawled["run"], url)


def test_non_http_schemes_are_recorded_not_fetched(crawled):
    home = crawled["portal"].url("/")
    rows = {ln["scheme"]: ln for ln in crawled["store"].links_from(crawled["run"], home)}
    assert rows["mailto"]["target_url"] == "mailto:office@example.gov.cn" and rows["mailto"]["text"] == "mail"
    assert rows["tel"]["raw_href"] == "tel:12345" and rows["javascript"]["tag"] == "a"
    urls = {r["url"] for r in crawled["store"].resources(crawled["run"])}
    assert not any(u.startswith(("mailto:", "tel:", "javascript:")) for u in urls)


def test_malformed_hrefs_are_recorded_never_crash(crawled):
    home = crawled["portal"].url("/")
    targets = {ln["raw_href"]: ln for ln in crawled["store"].links_from(crawled["run"], home)}
    assert targets["http://[::1"]["scheme"] == "invalid"
    assert targets["http://127.0.0.2:99999/"]["scheme"] == "invalid"  # no browser opens it: never fetched
    assert crawled["store"].resource(crawled["run"], "http://127.0.0.2:99999/") is None
    assert _res(crawled, crawled["portal"].url("/"))["status"] == 200


def test_every_link_source_is_recorded(crawled):
    home = crawled["portal"].url("/")
    found = {(ln["tag"], ln["attr"], ln["target_url"]) for ln in crawled["store"].links_from(crawled["run"], home)}
    p = crawled["portal"]
    assert ("img", "src", p.url("/logo.png")) in found
    assert ("img", "srcset", p.url("/logo-3x.png")) in found
    assert ("span", "onclick", p.url("/files/notice.pdf")) in found
    assert _res(crawled, p.url("/logo-2x.png"))["kind"] == "asset"
    assert _res(crawled, p.url("/files/notice.pdf"))["status"] == 200


def test_thousands_of_links_and_huge_attributes_are_handled(crawled):
    url = crawled["portal"].url("/many.html")
    links = crawled["store"].links_from(crawled["run"], url)
    assert len(links) == 3000 and links[2999]["text"] == "第2999条" and links[2999]["fragment"] == "n2999"


def test_dead_external_is_classified_and_reverified(crawled):
    rows = [r for r in crawled["store"].resources(crawled["run"]) if r["url"].endswith("/gone")]
    assert len(rows) == 1 and rows[0]["error_class"] == "refused" and rows[0]["status"] is None
    attempts = json.loads(rows[0]["headers"]["x-xunjian-attempts"])
    assert [a["user_agent"] for a in attempts] == ["crawler", "browser"]


def test_bot_wall_keeps_both_attempts(crawled):
    row = _res(crawled, crawled["ext"].url("/botwall"))
    attempts = json.loads(row["headers"]["x-xunjian-attempts"])
    assert attempts[0]["status"] == 403 and attempts[0]["headers"]["cf-mitigated"] == "challenge"
    assert attempts[1]["status"] == 200 and row["status"] == 200
    agents = [h.user_agent for h in crawled["ext"].hits_for("/botwall")]
    assert "Chrome" not in agents[0] and "Chrome" in agents[-1]


def test_ignored_urls_are_recorded_not_fetched(crawled):
    p = crawled["portal"]
    assert _res(crawled, p.url("/logout.do?next=/"))["skip_reason"] == "ignored"
    assert p.hits_for("/logout.do?next=/") == [] and crawled["store"].run_stats(crawled["run"])["ignored"] == 1


def test_trap_skips_are_recorded_once(crawled):
    p = crawled["portal"]
    assert _res(crawled, p.url("/cal?month=1&year=1990"))["skip_reason"] == "trap:calendar"
    assert _res(crawled, p.url("/a/b/a/b/a/b/x.html"))["skip_reason"] == "trap:repeated-segments"
    assert p.hits_for("/cal?year=1990&month=1") == []


def test_error_pages_are_recorded_but_not_crawled(crawled):
    row = _res(crawled, crawled["portal"].url("/removed.html"))
    assert row["status"] == 404 and row["title"] == "页面不存在"
    assert crawled["store"].resource(crawled["run"], crawled["portal"].url("/only-from-404.html")) is None
    assert crawled["store"].body(crawled["run"], crawled["portal"].url("/removed.html")) is None


def test_gzip_pages_inflate_and_a_gzip_bomb_is_capped(crawled):
    page = _res(crawled, crawled["portal"].url("/gz.html"))
    assert page["status"] == 200 and page["title"] == "压缩" and page["anchors"] == ["z"]
    bomb = _res(crawled, crawled["portal"].url("/gzbomb.html"))
    assert bomb["status"] == 200 and bomb["truncated"] == 1 and bomb["size"] == 1024 * 1024
    assert bomb["title"] == "bomb" and bomb["error"] is None


def test_body_cut_before_content_length_is_kept_and_noted(crawled):
    row = _res(crawled, crawled["portal"].url("/short.html"))
    assert row["status"] == 200 and row["title"] == "半截" and row["anchors"] == ["cut"]
    assert "Content-Length" in row["error"] and row["error_class"] is None


def test_too_many_redirects_is_cut_at_the_hard_cap(crawled):
    row = _res(crawled, crawled["portal"].url("/t0"))
    assert row["error_class"] == "too-many-redirects" and len(row["redirect_chain"]) == 10
    assert crawled["portal"].hits_for("/t10") == []


def test_reset_and_timeout_are_retried(crawled):
    reset = _res(crawled, crawled["portal"].url("/reset-once.html"))
    assert (reset["status"], reset["attempts"], reset["error_class"]) == (200, 2, None)
    slow = _res(crawled, crawled["portal"].url("/slow-once.html"))
    assert (slow["status"], slow["attempts"], slow["error_class"]) == (200, 2, None)


def test_session_id_redirect_is_followed_not_mistaken_for_a_loop(crawled):
    p = crawled["portal"]
    row = _res(crawled, p.url("/sess"))
    assert row["error_class"] is None and row["status"] == 200 and row["title"] == "会话"
    assert row["final_url"] == p.url("/sess;jsessionid=ABC123")
    assert row["redirect_chain"] == [{"url": p.url("/sess"), "status": 302}]


def test_query_of_a_gbk_page_link_is_sent_in_gbk_like_a_browser(crawled):
    p = crawled["portal"]
    assert p.hits_for("/search.jsp?q=%B3%C7%B9%DC")
    assert _res(crawled, p.url("/search.jsp?q=%B3%C7%B9%DC"))["title"] == "结果"


def test_waiting_requests_are_kept_on_disk_and_the_frontier_removed(crawled):
    # crawler.frontier: none fell back to Scrapy's memory queue, and no queue files left behind
    assert crawled["store"].run_stats(crawled["run"])["frontier_in_memory"] == 0
    db = crawled["store"].path
    assert not list(db.parent.glob(db.name + ".frontier-*"))
