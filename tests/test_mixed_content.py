"""mixed-content (checks/content/mixed_content.py): http:// subresources on an https portal, in a real store."""

from __future__ import annotations

from datetime import date

from checks.base import CheckContext
from checks.content.mixed_content import http_subresources
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.store import Store

MIXED = ('<html><head><link rel="stylesheet" href="http://cdn.test/a.css"><link rel="canonical" '
         'href="http://gov.test/x"></head><body><script src="http://cdn.test/j.js"></script>'
         '<img src="/logo.png"><img src="https://gov.test/b.png"><a href="http://other.test/">out</a>'
         '<form action="http://gov.test/search" method="post"><input name="q"></form></body></html>')
CLEAN = ('<html><body><img src="/a.png"><script src="//cdn.test/j.js"></script><a href="http://o.test/">o</a>'
         '</body></html>')


def test_only_subresources_written_with_http_count():
    assert [(f["tag"], f["attr"]) for f in http_subresources(MIXED)] == [
        ("link", "href"), ("script", "src"), ("form", "action")]
    assert http_subresources(CLEAN) == []


def _findings(tmp_path, start: str, scheme: str | None) -> list:
    tmp_path.mkdir()
    profile = tmp_path / "site.yaml"
    extra = f"thresholds: {{mixed_content: {{production_scheme: {scheme}}}}}\n" if scheme else ""
    profile.write_text(f"name: m\nstart_urls: ['{start}']\n{extra}", encoding="utf-8")
    site = load_site(profile)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("m", "2026-11-22")
    for path, html in (("/", CLEAN), ("/mixed.html", MIXED)):
        url = start.rstrip("/") + path
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200)
        store.put_body(run_id, url, html)
    store.commit()
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site),
                       today=date(2026, 11, 22))
    run_checks(ctx, only={"mixed_content"})
    found = [(f.page_url, f.evidence["count"]) for f in store.findings(run_id, "mixed-content")]
    store.close()
    return found


def test_https_portal_is_judged_and_http_portal_is_not(tmp_path):
    assert _findings(tmp_path / "a", "https://gov.test/", None) == [("https://gov.test/mixed.html", 3)]
    assert _findings(tmp_path / "b", "http://gov.test/", None) == []
    assert _findings(tmp_path / "c", "http://gov.test/", "https") == [("http://gov.test/mixed.html", 3)]
