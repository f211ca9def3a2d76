"""``a11y.scope: all`` night after night, in real Chromium, on pages of the demo portal.

Four pages of the served demo portal (the homepage and three articles of one template, among
them the page-specific plant: an inline-style pale photo credit, xunjian/demo/plants_a11y.py)
are stored as a crawl would store them. The first night scans them all and finds the plant; a
night with one article edited rescans exactly that article (counted from the run's stored
stats) and carries every other result, and its screenshots, over, so its accessibility
findings are those of the full scan. That sample mode misses the plant is tests/test_demo_audit.py.
"""

from __future__ import annotations

import tempfile
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import run_checks
from config import load_thresholds
from crawler.browser import run_a11y
from crawler.store import Store
from tests.test_a11y_support import build_store, profile
from xunjian.demo import build_site
from xunjian.demo.plants_a11y import PALE_ARTICLE
from xunjian.demo.server import serve

pytestmark = pytest.mark.browser
A11Y_MODULES = {"a11y", "static_a11y", "elder"}
TODAY = date(2026, 11, 22)
# the plant's template siblings sort before it: they are the sample of per_template 2
ARTICLES = ["/xwzx/ywdt/202611/t20261114_4.html", "/xwzx/ywdt/202611/t20261116_3.html", PALE_ARTICLE]
EDITED = ARTICLES[0]


def _night(db: Path, base: str, site, paths: list[str]) -> tuple[int, dict, set[tuple], set[tuple]]:
    """Store the served pages as one run, run the browser stage and the accessibility checks:
    (run id, the run's stored a11y stats, findings, screenshots as (url, reason))."""
    pages = {}
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=10) as resp:  # loopback only
            pages[path] = resp.read().decode("utf-8")
    run_id = build_store(db, base, pages, site_name=site.name)
    run_a11y(str(db), run_id, site, progress=False)
    store = Store(db)
    try:
        ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
        run_checks(ctx, only=A11Y_MODULES)
        findings = {(f.rule_id, f.page_url[len(base):], f.target, f.severity) for f in store.findings(run_id)}
        shots = {(s["url"][len(base):], s["reason"]) for s in store.run_screenshots(run_id)}
        return run_id, store.run_stats(run_id)["a11y"], findings, shots
    finally:
        store.close()


def test_all_pages_finds_the_page_specific_plant_and_rescans_only_changed_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the browsers' user-data-dirs
    site = build_site(TODAY)
    db = tmp_path / "a11y.sqlite"
    paths = ["/", *ARTICLES]
    with serve(site) as server:
        base = server.portal_base.rstrip("/")
        every = profile(tmp_path, base, {"scope": "all"}, name="demo-a11y")

        # first night: every page is scanned; the plant on one article is found (the sample of
        # per_template 2 is the homepage and the first two articles: tests/test_demo_audit.py
        # shows sample mode missing it in the whole demo audit)
        run1, stats1, found1, shots1 = _night(db, base, every, paths)
        assert (stats1["scope"], stats1["pages_scanned"], stats1["pages_total"]) == ("all", 4, 4)
        assert ("a11y-contrast", PALE_ARTICLE, "color-contrast", "warning") in found1
        assert not [f for f in found1 if f[1] in ARTICLES and f[1] != PALE_ARTICLE
                    and f[0].startswith("a11y")], "the plant's siblings are clean"
        assert (PALE_ARTICLE, "a11y") in shots1

        # next night one article was edited (an innocuous line): exactly that page is scanned,
        # every other result and screenshot is carried over, the findings are the full scan's
        site.insert_before("portal", EDITED, "<p>（本文于11月15日更新）</p>\n", marker="</div>\n</article>")
        run2, stats2, found2, shots2 = _night(db, base, every, paths)
        assert (stats2["pages_scanned"], stats2["pages_reused"], stats2["pages_failed"]) == (1, 3, 0)
        assert found2 == found1 and shots2 == shots1
        store = Store(db)
        try:
            first = {r["url"][len(base):]: r for r in store.a11y_results(run1)}
            second = {r["url"][len(base):]: r for r in store.a11y_results(run2)}
        finally:
            store.close()
        assert {path: r["status"] for path, r in second.items()} == \
            {path: "scanned" if path == EDITED else "reused" for path in paths}
        for path in paths:
            if path != EDITED:  # the stored axe result itself, not a fresh scan that happens to agree
                assert second[path]["data"]["axe"] == first[path]["data"]["axe"]
                assert second[path]["data"]["reused_from_run"] == run1
