"""Scope and kind decisions (crawler.scope) from a validated profile."""

from __future__ import annotations

import pytest

from config import SITE_SCHEMA, SiteProfile, validate
from crawler.scope import Scope


def _scope(**sections) -> Scope:
    raw = {"name": "t", "start_urls": ["http://www.x.gov.cn/"], **sections}
    profile = SiteProfile(validate(raw, SITE_SCHEMA, "test"))
    return Scope(profile, profile.scope_hosts)


def test_hosts_default_to_start_urls_and_ignore_scheme_and_default_port():
    scope = _scope()
    assert scope.in_scope("http://www.x.gov.cn/a") and scope.in_scope("https://www.x.gov.cn/a")
    assert scope.in_scope("http://WWW.X.GOV.CN:80/a".lower())
    assert not scope.in_scope("http://x.gov.cn/a") and not scope.in_scope("http://www.x.gov.cn:8080/")


def test_include_and_exclude_patterns():
    scope = _scope(scope={"hosts": ["www.x.gov.cn", "127.0.0.1:8710"], "include": ["/zwgk/", "^http://127"],
                          "exclude": [r"\.jsp\?print="]})
    assert scope.in_scope("http://www.x.gov.cn/zwgk/a.html")
    assert not scope.in_scope("http://www.x.gov.cn/news/a.html")           # not included
    assert not scope.in_scope("http://www.x.gov.cn/zwgk/a.jsp?print=1")    # excluded
    assert scope.in_scope("http://127.0.0.1:8710/anything")


@pytest.mark.parametrize("url, tag, attr, in_scope, kind", [
    ("http://www.x.gov.cn/a.html", "a", "href", True, "page"),
    ("http://www.x.gov.cn/f/a.PDF", "a", "href", True, "attachment"),
    ("http://www.x.gov.cn/i/a.png", "img", "src", True, "asset"),          # shown, not offered for download
    ("http://www.x.gov.cn/i/a.png", "a", "href", True, "attachment"),
    ("http://www.x.gov.cn/s.css", "link", "href", True, "asset"),
    ("http://www.x.gov.cn/f/n.doc", "li", "onclick", True, "attachment"),
    ("http://www.x.gov.cn/search", "form", "action", True, "page"),
    ("http://other.gov.cn/a.html", "a", "href", False, "external"),
])
def test_kind_of(url, tag, attr, in_scope, kind):
    assert _scope().kind_of(url, tag, attr, in_scope) == kind


def test_kind_of_non_html_answers_and_special_lists():
    scope = _scope(links={"ignore": ["logout"], "jump_link_patterns": [r"^https://zwdt\.sh\.gov\.cn/"]})
    assert scope.kind_from_response("http://www.x.gov.cn/dl?id=1", "application/pdf", None) == "attachment"
    assert scope.kind_from_response("http://www.x.gov.cn/dl?id=2", "text/plain", "attachment; filename=a.txt") \
        == "attachment"
    assert scope.kind_from_response("http://www.x.gov.cn/feed", "application/rss+xml", None) == "asset"
    assert scope.ignored("http://www.x.gov.cn/logout.do") and not scope.ignored("http://www.x.gov.cn/")
    assert scope.is_jump_link("https://zwdt.sh.gov.cn/govPortals/item?id=1")
