"""URL canonicalisation (crawler.urls): one canonical form per page, table-driven."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize, clean_href, extension, host_key, link_scheme, normalise_host_entry, \
    remove_dot_segments

SESSIONS = ["jsessionid", "phpsessid", "sid", "token"]


@pytest.mark.parametrize("raw, canonical, fragment", [
    # scheme and host case, default ports, empty path
    ("HTTP://WWW.Example.GOV.cn", "http://www.example.gov.cn/", ""),
    ("http://www.example.gov.cn:80/a", "http://www.example.gov.cn/a", ""),
    ("https://www.example.gov.cn:443/a", "https://www.example.gov.cn/a", ""),
    ("https://www.example.gov.cn:8443/a", "https://www.example.gov.cn:8443/a", ""),
    ("http://www.example.gov.cn./a", "http://www.example.gov.cn/a", ""),
    # dot segments
    ("http://h/a/./b/../c", "http://h/a/c", ""),
    ("http://h/a/b/../../../c", "http://h/c", ""),
    ("http://h/a/b/..", "http://h/a/", ""),
    # percent-encoding: unreserved decoded, hex upper-cased, raw non-ASCII and spaces encoded
    ("http://h/%7euser/%41", "http://h/~user/A", ""),
    ("http://h/%e4%b8%ad", "http://h/%E4%B8%AD", ""),
    ("http://h/中文 页", "http://h/%E4%B8%AD%E6%96%87%20%E9%A1%B5", ""),
    ("http://h/s?q=%d6%d0", "http://h/s?q=%D6%D0", ""),   # GBK-escaped query stays GBK
    ("http://h/100%", "http://h/100%25", ""),
    ("http://h/a%2Fb", "http://h/a%2Fb", ""),               # an escaped slash is not a separator
    # fragment split off
    ("http://h/p.html#sec-2", "http://h/p.html", "sec-2"),
    ("http://h/p.html#", "http://h/p.html", ""),
    # session ids stripped, query sorted, empty query dropped
    ("http://h/a;jsessionid=ABC123?x=1", "http://h/a?x=1", ""),
    ("http://h/a;JSESSIONID=ABC;v=2", "http://h/a;v=2", ""),
    ("http://h/a?b=2&a=1&SID=9&token=t", "http://h/a?a=1&b=2", ""),
    ("http://h/a?", "http://h/a", ""),
    ("http://h/a?b=1&a=2&a=1", "http://h/a?a=1&a=2&b=1", ""),
    ("http://h/a?&&x=1&", "http://h/a?x=1", ""),
    # non-http schemes untouched apart from scheme case
    ("MAILTO:Office@Example.gov.cn", "mailto:Office@Example.gov.cn", ""),
    ("tel:+86-21-1234", "tel:+86-21-1234", ""),
    # a broken port is kept as written (the fetch then fails and is recorded), never "repaired"
    ("http://a.gov.cn:99999/x#f", "http://a.gov.cn:99999/x", "f"),
])
def test_canonicalize(raw, canonical, fragment):
    assert canonicalize(raw, SESSIONS) == (canonical, fragment)


def test_raw_query_characters_use_the_page_charset_path_stays_utf8():
    url = "http://h/搜索/s.jsp?q=城管&x=%D6%D0"
    assert canonicalize(url, SESSIONS, "gb18030")[0] == \
        "http://h/%E6%90%9C%E7%B4%A2/s.jsp?q=%B3%C7%B9%DC&x=%D6%D0"
    assert canonicalize(url, SESSIONS)[0] == "http://h/%E6%90%9C%E7%B4%A2/s.jsp?q=%E5%9F%8E%E7%AE%A1&x=%D6%D0"
    assert canonicalize("http://h/?q=😀", SESSIONS, "gb2312")[0] == "http://h/?q=%F0%9F%98%80"  # not in GB2312


def test_canonical_form_is_idempotent():
    for raw in ("http://h/中文/./x?b=%e4&a=1#f", "HTTP://H:80/a/../b;jsessionid=1?sid=2"):
        once, _ = canonicalize(raw, SESSIONS)
        assert canonicalize(once, SESSIONS) == (once, "")


def test_equivalent_spellings_share_one_canonical_url():
    spellings = ["http://WWW.x.gov.cn:80/zwgk/./index.html?b=2&a=1",
                 "http://www.x.gov.cn/zwgk/index.html?a=1&b=2#top",
                 "http://www.x.gov.cn/zwgk/sub/../index.html;jsessionid=Z?a=1&b=2&sid=q"]
    assert len({canonicalize(u, SESSIONS)[0] for u in spellings}) == 1


@pytest.mark.parametrize("path, expected", [
    ("/a/b/c/./../../g", "/a/g"), ("mid/content=5/../6", "mid/6"), ("/..", "/"), ("/a/.", "/a/"), ("/", "/")])
def test_remove_dot_segments_rfc3986(path, expected):
    assert remove_dot_segments(path) == expected


@pytest.mark.parametrize("href, scheme", [
    ("mailto:a@b", "mailto"), ("JavaScript:void(0)", "javascript"), ("/x", ""), ("x.html", ""),
    ("data:image/png;base64,AAA", "data"), ("https://h/", "https"), ("//h/x", "")])
def test_link_scheme(href, scheme):
    assert link_scheme(href) == scheme


def test_clean_href_strips_whitespace_like_a_browser():
    assert clean_href("  /a\n/b\t.html \r\n") == "/a/b.html"


def test_host_keys_and_extensions():
    assert host_key("http://127.0.0.1:8710/x") == "127.0.0.1:8710"
    assert host_key("https://www.x.gov.cn:443/") == "www.x.gov.cn"
    assert normalise_host_entry("WWW.X.gov.cn:80") == "www.x.gov.cn"
    assert normalise_host_entry("http://127.0.0.1:8710/") == "127.0.0.1:8710"
    assert extension("http://h/files/通知.PDF") == "pdf"
    assert extension("http://h/files/a.docx;jsessionid=1") == "docx"
    assert extension("http://h/dir.v2/") == ""


def test_digest_set_holds_urls_as_a_set_does():
    """crawler.digestset: the crawl's per-URL memory answers like a set of the URL strings."""
    from crawler.digestset import DigestSet

    urls = [f"http://h/col/art/{i:06d}.html" for i in range(20000)] + ["http://h/中文", "http://h/\udcff"]
    seen = DigestSet()
    assert [seen.claim(u) for u in urls] == [True] * len(urls)
    assert not any(seen.claim(u) for u in urls) and len(seen) == len(urls)
    assert all(u in seen for u in urls) and "http://h/col/art/020000.html" not in seen
    for u in urls[::2]:
        seen.discard(u)
    seen.discard("http://h/never-added")
    assert len(seen) == len(urls) // 2
    assert [u in seen for u in urls[:6]] == [False, True] * 3
    seen.add(urls[0])
    assert urls[0] in seen and len(seen) == len(urls) // 2 + 1


def test_digest_set_ignores_a_match_across_two_records():
    """A record's bytes found straddling two stored records are not that record."""
    from crawler.digestset import _aligned

    bucket = bytearray(b"\x00" * 4 + b"ABCDEFGH" + b"\x00" * 4)  # records 0000ABCD and EFGH0000
    assert bucket.find(b"ABCDEFGH") == 4 and _aligned(bucket, b"ABCDEFGH", 4) == -1
    bucket += b"ABCDEFGH"
    assert _aligned(bucket, b"ABCDEFGH", 4) == 16
