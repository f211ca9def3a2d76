"""Link extraction (crawler.extract), decoding (crawler.encoding), fetch policy (crawler.fetchpolicy)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from crawler.encoding import decode_html, is_html
from crawler.extract import parse_document, parse_srcset
from crawler.fetchpolicy import RetryPolicy, parse_retry_after


def test_every_link_source_and_text():
    doc = parse_document("""<html><head><base href="/sub/"><title> 首页 </title>
        <link rel=stylesheet href="s.css"><script src="a.js"></script>
        <meta http-equiv="refresh" content="5; URL='/next'"></head>
        <body><a href="a.html" id="x">链接 <b>一</b></a><a name="old"></a>
        <area href="m.html" alt="区域"><iframe src="f.html"></iframe><frame src="fr.html">
        <img src="i.png" alt="图片" srcset="s1.png 1x, s2.png 2x"><embed src="e.swf"><object data="o.pdf"></object>
        <video src="v.mp4" poster="p.jpg"><source src="v.webm"></video>
        <a href="d.pdf"><img src="icon.gif" alt="下载"></a>
        <li onclick="window.open('/files/n.doc')">附件</li><div data-href="/go">去</div>
        <form action="/search/index.html" aria-label="站内搜索"><input name=q></form>
        <form method="post" action="/login.do"></form></body></html>""",
                         "http://h/dir/page.html")
    assert doc.base_url == "http://h/sub/" and doc.title == "首页"
    assert doc.anchors == ["x", "old"]
    got = [(ln.tag, ln.attr, ln.raw) for ln in doc.links]
    for expected in [("link", "href", "s.css"), ("script", "src", "a.js"), ("meta", "content", "/next"),
                     ("a", "href", "a.html"), ("area", "href", "m.html"), ("iframe", "src", "f.html"),
                     ("frame", "src", "fr.html"), ("img", "src", "i.png"), ("img", "srcset", "s2.png"),
                     ("embed", "src", "e.swf"), ("object", "data", "o.pdf"), ("video", "poster", "p.jpg"),
                     ("source", "src", "v.webm"), ("li", "onclick", "/files/n.doc"), ("div", "data-href", "/go"),
                     ("form", "action", "/search/index.html")]:
        assert expected in got
    assert ("form", "action", "/login.do") not in got
    texts = {ln.raw: ln.text for ln in doc.links}
    assert texts["a.html"] == "链接 一" and texts["m.html"] == "区域" and texts["d.pdf"] == "下载"
    assert texts["/files/n.doc"] == "附件" and texts["i.png"] == "图片"


@pytest.mark.parametrize("value, urls", [
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png, b.png 2x", ["a.png", "b.png"]),
    ("img,1.png 100w,img,2.png 200w", ["img,1.png", "img,2.png"]),
    ("  ", []),
])
def test_srcset(value, urls):
    assert parse_srcset(value) == urls


@pytest.mark.parametrize("text", ["", "\x00\x01\x02", "<" * 10000, "<a href='" + "x" * 100000, "<html><a href=>"])
def test_hostile_markup_never_raises(text):
    doc = parse_document(text, "http://h/")
    assert isinstance(doc.links, list)


def test_decode_gbk_gb2312_bom_and_errors():
    text, charset, errors = decode_html("<p>镕</p>".encode("gbk"), "text/html; charset=gb2312")
    assert (text, charset, errors) == ("<p>镕</p>", "gb18030", 0)
    body = '<meta charset="GBK"><p>堃</p>'.encode("gbk")
    assert decode_html(body, "text/html")[0].endswith("堃</p>")
    assert decode_html("\ufeff<p>中</p>".encode("utf-8"), None)[:2] == ("<p>中</p>", "utf-8")
    assert decode_html("<p>中文</p>".encode("gb18030"), None)[0] == "<p>中文</p>"  # sniffed
    assert decode_html(b"<p>\xff\xfe</p>", "text/html; charset=utf-8")[2] == 2
    assert decode_html("<p>\ufffd</p>".encode("utf-8"), "text/html; charset=utf-8")[2] == 0


def test_is_html():
    assert is_html("text/html; charset=utf-8") and is_html("application/xhtml+xml")
    assert not is_html("application/pdf") and is_html(None, b"  <!DOCTYPE html><html>")
    assert not is_html(None, b"%PDF-1.4")


def test_retry_after_seconds_and_http_date():
    now = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0 and parse_retry_after("1.5") == 1.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after("") is None


def test_retry_policy_backoff_and_retry_after_cap():
    policy = RetryPolicy(retries=2, backoff_s=0.5, max_retry_after_s=30)
    assert [policy.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, None]
    assert policy.delay(1, 429, "10") == 10.0
    assert policy.delay(1, 503, "3600") is None      # longer than we may wait: record as is
    assert policy.delay(1, 429, "nonsense") == 0.5   # unusable header: normal backoff
