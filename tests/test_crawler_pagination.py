"""Pager-link recognition (crawler/pagination.py), CSS URLs (crawler/css.py) and unusable URLs
(crawler.urls.url_problem), with the profile's default ``pagination:`` settings."""

from __future__ import annotations

import pytest

from config import SITE_SCHEMA
from crawler.css import css_urls
from crawler.pagination import Pagination
from crawler.urls import join_url, url_problem

B = "http://www.x.gov.cn"


@pytest.fixture(scope="module")
def pager() -> Pagination:
    return Pagination({key: default for key, (_type, default) in SITE_SCHEMA["pagination"].items()})


@pytest.mark.parametrize("source, target", [
    ("/xxgk/xzcf/index.html", "/xxgk/xzcf/index_1.html"),            # TRS, 0-based
    ("/xxgk/xzcf/index_3.html", "/xxgk/xzcf/index_4.html"),
    ("/xxgk/xzcf/", "/xxgk/xzcf/index_1.html"),                       # directory = its index
    ("/xxgk/xzcf/index_7.shtml", "/xxgk/xzcf/index.shtml"),
    ("/c100079/list_zw_wj.shtml", "/c100079/list_zw_wj_2.shtml"),     # createPageHTML('page_div'...)
    ("/zwgk/202009/t20201201_6116434.html", "/zwgk/202009/t20201201_6116434_1.html"),  # multi-page article
    ("/gk/list.jsp", "/gk/list.jsp?page=2"),
    ("/gk/list.jsp?page=2&type=3", "/gk/list.jsp?page=3&type=3"),
    ("/col/col4975/index.html", "/col/col4975/index.html?uid=297589&pageNum=2"),  # Hanweb
    ("/col/col4975/index.html", "/module/web/jpage/dataproxy.jsp?startrecord=21&endrecord=40&perpage=20"),
    ("/zwgk/mlxxlb.jsp?a51t=1&a51p=1&a51c=10&wbtreeid=86",                  # VSB
     "/zwgk/mlxxlb.jsp?a51t=1&a51p=2&a51c=10&wbtreeid=86"),
])
def test_pager_urls_of_the_cms_families(pager, source, target):
    assert pager.is_pager_link(B + source, B + target, "", False)


@pytest.mark.parametrize("source, target, text, in_pager", [
    ("/xxgk/xzcf/index.html", "/xxgk/xzcf/202611/t20261101_123.html", "决定书", False),  # an item
    ("/art/2020/2/13/art_4975_1503934.html", "/art/2020/2/13/art_4975_1503935.html", "下一篇", False),
    ("/zwgk/202009/t20200903_2748784.html", "/zwgk/202009/t20200903_2748785.html", "", False),
    ("/gk/list.jsp?page=2", "/gk/list.jsp?page=2&id=9", "", False),  # a new parameter that is no pager
    ("/gk/detail.jsp?id=1", "/gk/detail.jsp?id=2", "", False),
    ("/news/a.html", "/news/b.html", "next", False),                # "next" outside a pager: next article
    ("/news/a.html", "/", "首页", False),                            # the homepage link of the chrome
    ("/news/a.html", "/news/2.html", "2", False),                   # a number outside a pager box
])
def test_content_links_are_not_pager_links(pager, source, target, text, in_pager):
    assert not pager.is_pager_link(B + source, B + target, text, in_pager)


def test_pager_words_and_numbers_in_a_pager_box(pager):
    assert pager.is_pager_link(B + "/a/list.aspx", B + "/a/list.aspx?pg=2", "", False)
    assert pager.is_pager_link(B + "/a/x.html", B + "/a/y.html", "下一页", False)
    assert pager.is_pager_link(B + "/a/x.html", B + "/a/y.html", "尾页", False)
    assert pager.is_pager_link(B + "/a/x.html", B + "/a/y.html", "3", True)
    assert pager.is_pager_link(B + "/a/x.html", B + "/a/y.html", "next", True)
    assert not pager.is_pager_link(B + "/a/x.html", "http://other.gov.cn/a/y.html", "下一页", False)
    assert pager.in_pager_container("pagination clearfix") and pager.in_pager_container("fenye")
    assert not pager.in_pager_container("news-list")


def test_css_urls_and_imports():
    text = ("@charset 'utf-8'; @import \"a.css\"; @import url(b.css) print; /* url(gone.png) */"
            ".x{background:url( 'img/x.png' )} .y{behavior:url(#default#VML)}"
            "@font-face{src:url(f.woff2) format('woff2'),url(data:font/woff;base64,AA)}")
    assert css_urls(text) == [("a.css", "import"), ("b.css", "import"), ("img/x.png", "url"),
                              ("f.woff2", "url"), ("data:font/woff;base64,AA", "url")]
    assert css_urls("color: red") == []


@pytest.mark.parametrize("href, problem", [
    ("http://localhost]", "unparsable"), ("http://[::1", "unparsable"),
    ("http://x.gov.cn:99999/", "unparsable"),
    ("http://", "no-host"), ("https://", "no-host"), ("http://a b.gov.cn/", "bad-host"),
    ("http://x.gov.cn/a", None), ("http://[::1]:8080/", None), ("/relative", None),
    ("file:///C:/a.doc", None),
])
def test_url_problem(href, problem):
    assert url_problem(href) == problem
    assert (join_url("http://x.gov.cn/dir/", href) is None) == (problem is not None)
