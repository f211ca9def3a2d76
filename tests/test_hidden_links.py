"""link-hidden-offsite (checks/content/hidden_links.py): hidden off-site links in page HTML, in a real store."""

from __future__ import annotations

from datetime import date

import pytest

from checks.base import CheckContext
from checks.content.hidden_links import hidden_offsite_links
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.store import Store

BASE = "http://gov.test/a/page.html"
SCOPE = {"gov.test"}


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("body,head,how", [
    ('<div style="display: none"><a href="http://casino.example/">娱乐城</a></div>', "", "display: none"),
    ('<p style="visibility:hidden"><a href="http://x.test/">a</a></p>', "", "visibility:hidden"),
    ('<span style="font-size:0px;"><a href="http://x.test/">a</a></span>', "", "font-size:0px"),
    ('<div style="position:absolute;left:-9999px"><a href="http://x.test/">a</a></div>', "", "left:-9999px"),
    ('<div hidden><a href="http://x.test/">a</a></div>', "", "hidden"),
    ('<noscript><a href="http://x.test/">a</a></noscript>', "", "<noscript>"),
    ('<div class="f yl"><a href="http://x.test/">a</a></div>', "<style>.yl{display:none}</style>",
     "class=yl"),
])
def test_hidden_offsite_links_are_found(body, head, how):
    found = hidden_offsite_links(page(body, head), BASE, SCOPE, ())
    assert len(found) == 1 and how in found[0]["how"]


@pytest.mark.parametrize("body", [
    '<ul style="display:none"><li><a href="/xxgk/">公开</a></li><li><a href="http://gov.test/b">b</a></li>'
    '</ul>',
    '<p><a href="http://o.test/">visible</a></p>',
    '<div style="display:none"><a href="http://www.shanghai.gov.cn/">上海</a></div>',
    '<div style="display:none"><a href="javascript:void(0)">x</a><a href="mailto:a@b.c">m</a></div>',
    '<div style="font-size:0.9em"><a href="http://x.test/">small but visible</a></div>',
    '<div style="display:none"><a href="http://[bad/">malformed</a></div>',
])
def test_visible_or_in_site_or_trusted_links_are_not(body):
    assert hidden_offsite_links(page(body), BASE, SCOPE, ("gov.cn",)) == []


def test_rule_reports_one_finding_per_page(tmp_path):
    profile = tmp_path / "site.yaml"
    profile.write_text("name: h\nstart_urls: ['http://gov.test/']\n", encoding="utf-8")
    site = load_site(profile)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("h", "2026-11-22")
    bodies = {"http://gov.test/": page("<p>home</p>"),
              BASE: page('<footer><div style="display:none"><a href="http://casino.example/1">娱乐城</a>'
                         '<a href="http://bet.example/2">彩票</a></div></footer>')}
    for url, html in bodies.items():
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200)
        store.put_body(run_id, url, html)
    store.commit()
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site),
                       today=date(2026, 11, 22))
    run_checks(ctx, only={"hidden_links"})
    found = store.findings(run_id, "link-hidden-offsite")
    assert [(f.page_url, f.evidence["count"], f.evidence["hosts"]) for f in found] == [
        (BASE, 2, ["bet.example", "casino.example"])]
    store.close()
