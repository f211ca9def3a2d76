"""The checks run reads and parses each page body a small constant number of times (issue 11).

Every check module that reads page content sees pages through the registry's page pass
(checks/pagepass.py): one streaming read of the stored bodies, one parse a page shared by every
module's ``scan`` hook and the site-facts views. The three mini portals (TRS-like, Shanghai
intensive platform, Hanweb in GBK with data islands) are loaded into a real store and ALL check
modules run; the test counts calls (never time): lxml document parses, full passes over the
stored bodies, single-body reads. A module that walks every page on its own again fails it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import lxml.html
import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.store import Store
from tests._mini_portals import FAMILIES, TODAY

HOST = "http://gov.test"
ARTICLES = 80  # plain article pages added to each portal: most pages of a real portal are articles
# A page is parsed once by the pass; its island-expanded form (Hanweb), a column list page's items
# and the homepage/column sampling of the a11y rules parse a few pages again. No document more often:
MAX_PARSES_PER_DOCUMENT = 3
# ... and those re-parses are of the portal's own list and home pages, a few each, never of articles:
MAX_EXTRA_PARSES_PER_LIST_PAGE = 2


def _article(n: int) -> str:
    return (f"<html><head><title>第{n}号通知</title></head><body><div class=\"content\"><h1>第{n}号通知</h1>"
            f"<p>发布日期：2026-11-{1 + n % 20:02d}</p><p>关于第{n}项工作的通知正文。</p></div>"
            "<div class=\"footer\">版权所有</div></body></html>")


def _load(tmp_path, family: str) -> tuple[Store, int, int, CheckContext]:
    portal = FAMILIES[family]()
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: {family}\nstart_urls: ['{HOST}/']\n", encoding="utf-8")
    site = load_site(profile)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run(family, TODAY.isoformat())
    pages = dict(portal.pages)
    pages.update({f"/art/{n}.html": _article(n) for n in range(ARTICLES)})
    for path, text in pages.items():
        url = HOST + path
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200,
                           depth=0 if path == "/" else 1, content_type="text/html")
        store.put_body(run_id, url, text)
    store.commit()
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site),
                       today=date.fromisoformat(TODAY.isoformat()))
    return store, len(pages), len(portal.pages), ctx


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_page_is_read_and_parsed_a_constant_number_of_times(tmp_path, monkeypatch, family):
    store, pages, list_pages, ctx = _load(tmp_path, family)
    parses: Counter[bytes] = Counter()
    counts = {"passes": 0, "body": 0}
    parse, passes, body = lxml.html.document_fromstring, Store.pages_with_bodies, Store.body

    def counting_parse(text, *args, **kwargs):
        parses[text] += 1
        return parse(text, *args, **kwargs)

    def counting_passes(self, *args, **kwargs):
        counts["passes"] += 1
        return passes(self, *args, **kwargs)

    def counting_body(self, *args, **kwargs):
        counts["body"] += 1
        return body(self, *args, **kwargs)

    monkeypatch.setattr(lxml.html, "document_fromstring", counting_parse)  # crawler.htmldoc's one parser
    monkeypatch.setattr(Store, "pages_with_bodies", counting_passes)
    monkeypatch.setattr(Store, "body", counting_body)
    run_checks(ctx)
    manifest = store.manifest(ctx.run_id) or {}
    store.close()
    assert counts["passes"] == 1, f"{counts['passes']} full passes over the stored bodies (one expected)"
    assert max(parses.values()) <= MAX_PARSES_PER_DOCUMENT, parses.most_common(3)
    total = sum(parses.values())
    assert total - pages <= MAX_EXTRA_PARSES_PER_LIST_PAGE * list_pages, (total, pages, list_pages)
    assert counts["body"] <= MAX_EXTRA_PARSES_PER_LIST_PAGE * list_pages, (counts, list_pages)
    # every module ran to the end: a crash would also cut a module's page reading short
    modules = manifest.get("modules") or {}
    assert modules and not [name for name, entry in modules.items() if entry.get("status") == "crashed"]


def test_a_scan_that_raises_crashes_its_module_only(tmp_path, monkeypatch):
    import checks.content.hidden_links as hidden_links

    store, _pages, _lists, ctx = _load(tmp_path, "trs")

    def broken(ctx, page):
        raise RuntimeError("scan broke")

    monkeypatch.setattr(hidden_links, "scan", broken)
    run_checks(ctx)
    modules = (store.manifest(ctx.run_id) or {})["modules"]
    errors = store.run_stats(ctx.run_id).get("check_errors")
    store.close()
    assert modules["hidden_links"]["status"] == "crashed"
    assert modules["hidden_links"]["error"] == "RuntimeError: scan broke"
    assert errors == ["checks/content/hidden_links.py failed: RuntimeError: scan broke"]
    # the modules scanning the same pages after it still ran
    assert modules["wording"]["status"] == "ran" and modules["static_a11y"]["status"] == "ran"
