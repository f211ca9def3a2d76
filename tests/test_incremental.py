"""Incremental nightly runs (issue 11.1): a rerun reuses what the store knows and reports exactly
what a cold run reports.

A small portal on loopback (real HTTP, real Scrapy crawl through ``xunjian.runner.audit``) whose
pages send ETag/Last-Modified and answer conditional requests with 304 (``Reply(validators=True)``),
except two pages that send neither (the body-hash path), plus an "external" host on 127.0.0.2.
Night 1 is cold. Then the site changes: an article is edited (and links a new article with a
missing anchor), an article is deleted but still listed (broken link), another is deleted and
unlisted (gone), a page without validators gains a broken link. Night 2 is incremental, night 3
the same site with ``--full``: their findings must be identical, and night 2 must have reused
(304s, unchanged bodies, the fresh external verdict) while re-fetching what failed.
"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.store import Store
from tests._servers import Reply, TestServer, html
from xunjian import runner

TODAY = date(2026, 11, 22)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><h1 id="top">{title}</h1>{body}<a href="/">首页</a></body></html>')


class Site:
    def __init__(self) -> None:
        self.portal = TestServer().start()
        self.external = TestServer("127.0.0.2").start()
        self.external.route("/ok.html", html(_page("外部", "<p>ok</p>"), validators=True))
        # hijack plants: their verdicts are reused on night 2, and the findings need their samples
        self.external.route("/casino.html", html(_page("澳门娱乐城 在线投注", "<p>欢迎</p>")))
        self.external.route("/parked.html", html(_page("Welcome", "<p>This domain is for sale.</p>")))
        moved = Reply(status=302, headers={"Location": self.portal.url("/about.html")})
        self.external.route("/moved.html", moved)  # another registrable domain: link-offsite-redirect
        self.pages: dict[str, tuple[str, bool]] = {}
        ext = self.external.base
        self.put("/", _page("首页", '<a href="/col/a/index.html">A栏目</a><a href="/col/b/index.html">B栏目</a>'
                               f'<a href="/about.html">关于</a><a href="/contact.html">联系</a>'
                               f'<a href="{ext}/ok.html">外部链接</a><a href="{ext}/gone.html">失效外链</a>'
                               f'<a href="{ext}/casino.html">友情链接一</a><a href="{ext}/parked.html">友情链接二</a>'
                               f'<a href="{ext}/moved.html">友情链接三</a>'
                               '<a href="/files/same.pdf">附件一</a><a href="/files/edited.pdf">附件二</a>'))
        self.attachment("/files/same.pdf", b"%PDF-1.4 unchanged")
        self.attachment("/files/edited.pdf", b"%PDF-1.4 first version")
        self.put("/about.html", _page("关于", "<p>本站介绍。</p>"), validators=False)
        self.put("/contact.html", _page("联系", "<p>电话。</p>"), validators=False)
        for col in "ab":
            self.put(f"/col/{col}/index.html", self.listing(col, range(1, 6)))
            for n in range(1, 6):
                self.put(f"/col/{col}/{n}.html", self.article(col, n))
        self.put("/col/a/2.html", self.article("a", 2, '<a href="/col/a/3.html#sec-9">第九节</a>'))

    def put(self, path: str, text: str, validators: bool = True) -> None:
        self.pages[path] = (text, validators)
        self.portal.route(path, html(text, validators=validators))

    def attachment(self, path: str, body: bytes) -> None:
        self.portal.route(path, Reply(body=body, content_type="application/pdf", validators=True))

    def delete(self, path: str) -> None:
        del self.pages[path]
        del self.portal.routes[path]

    @staticmethod
    def listing(col: str, numbers) -> str:
        return _page(f"{col}栏目", "".join(f'<a href="/col/{col}/{n}.html">文章{col}{n}</a>' for n in numbers))

    @staticmethod
    def article(col: str, n: int, extra: str = "") -> str:
        sibling = 1 + n % 5
        return _page(f"文章{col}{n}", f'<p id="sec-1">正文{col}{n}。</p>'
                                      f'<a href="/col/{col}/{sibling}.html">下一篇</a>'
                                      f'<a href="/col/{col}/{sibling}.html#sec-1">下一篇第一节</a>{extra}')

    def change(self) -> None:
        """What happened on the site between night 1 and night 2."""
        self.put("/col/a/1.html", self.article("a", 1, '<p>更新：补充说明。</p><a href="/col/a/new.html">新文章</a>'))
        self.put("/col/a/new.html", _page("新文章", '<a href="/col/b/2.html#nope">不存在的锚点</a>'))
        self.delete("/col/b/3.html")                      # still listed: a broken link
        self.delete("/col/a/5.html")                      # unlisted too: gone
        self.put("/col/a/index.html", self.listing("a", range(1, 5)))
        # a/4 linked a/5: its "next" is now a/1
        self.put("/col/a/4.html", self.article("a", 4).replace("/col/a/5.html", "/col/a/1.html"))
        self.put("/about.html", _page("关于", '<p>本站介绍（修订）。</p><a href="/nowhere.html">旧链接</a>'),
                 validators=False)
        self.attachment("/files/edited.pdf", b"%PDF-1.4 second, longer version")

    def stop(self) -> None:
        self.portal.stop()
        self.external.stop()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    site = Site()
    profile = tmp / "inc.yaml"
    profile.write_text(f'name: inc\nstart_urls: ["{site.portal.url("/")}"]\n'
                       "politeness: {delay_s: 0, autothrottle: false, concurrency: 8,"
                       " concurrency_per_host: 8, obey_robots: false}\n"
                       "links: {retries: 0, reverify_failures: false}\n"
                       "network: {allow_addresses: [\"127.0.0.0/8\"]}\n"  # the external host is loopback
                       "a11y: {enabled: false}\n", encoding="utf-8")
    db = tmp / "inc.sqlite"

    def night(full: bool = False) -> tuple[int, int, int]:
        portal_before, external_before = len(site.portal.hits), len(site.external.hits)
        result = runner.audit(str(profile), db=db, out=tmp / "out", progress=False, browser=False,
                              formats=("json",), fail_on="none", full=full, today=TODAY)
        assert result.incomplete is None, result.messages
        return result.run_id, portal_before, external_before

    try:
        cold = night()
        site.change()
        incremental = night()
        incremental_hits = (site.portal.hits[incremental[1]:], site.external.hits[incremental[2]:])
        full = night(full=True)
        store = Store(db)
        yield store, cold[0], incremental[0], full[0], incremental_hits, site
        store.close()
    finally:
        site.stop()


def _findings(store: Store, run_id: int) -> list[tuple]:
    return sorted((f.rule_id, f.severity, f.page_url, f.target, f.message_en,
                   tuple(sorted((r.get("page"), r.get("href")) for r in f.referrers)))
                  for f in store.findings(run_id))


def test_incremental_run_reports_exactly_what_a_cold_run_reports(nights):
    store, _cold, incremental, full, _hits, site = nights
    got, want = _findings(store, incremental), _findings(store, full)
    assert got == want
    rules = {(rule, page.split("/", 3)[-1]) for rule, _sev, page, *_ in got}
    # the night's changes are in both: a re-parsed page without validators, a deleted page, a new page
    assert ("link-broken", "nowhere.html") in rules
    assert ("link-broken", "col/b/3.html") in rules
    assert any(rule == "link-anchor-missing" and "nope" in str(target) for rule, _s, _p, target, *_ in got)
    # reused external verdicts keep what the checks read of the target (its sample, its redirects)
    hijacked = sorted(str(t).rsplit("/", 1)[-1] for rule, _s, _p, t, *_ in got if rule == "link-hijacked")
    assert hijacked == ["casino.html", "parked.html"]
    moved = [t for rule, _s, _p, t, *_ in got if rule == "link-offsite-redirect"]
    assert moved == [site.external.url("/moved.html")]


def test_incremental_run_reused_unchanged_pages_and_fresh_external_verdicts(nights):
    store, cold, incremental, full, (portal_hits, external_hits), site = nights
    stats = store.run_stats(incremental)["incremental"]
    assert stats["baseline_run"] == cold
    # conditional requests: the 11 baseline pages with validators still there, and b/3 (now 404);
    # 304 for all but the three that changed (a/index, a/1, a/4)
    asked = sorted(h.path for h in portal_hits if h.headers.get("if-none-match"))
    assert len(asked) == stats["conditional_requests"] == 12 and "/col/b/3.html" in asked
    assert stats["not_modified"] == 8
    assert stats["same_body"] == 1  # contact.html: no validators, same body; about.html changed
    assert stats["pages_gone"] == 2 and any(u.endswith("/col/a/5.html") for u in stats["pages_gone_examples"])
    # the external target that answered is not asked again within the recheck window; the failed one is
    assert [h.path for h in external_hits if h.path in ("/ok.html", "/casino.html", "/parked.html")] == []
    samples = store.external_samples(incremental)
    assert samples[site.external.url("/casino.html")]["title"] == "澳门娱乐城 在线投注"
    assert [h.path for h in external_hits if h.path == "/gone.html"]
    assert stats["external_reused"] >= 1
    assert "incremental" not in store.run_stats(full)  # --full reused nothing
    # the facts of a reused page are those of the cold run: its links and body are stored again
    page = site.portal.url("/col/b/1.html")
    assert len(store.links_from(incremental, page)) == len(store.links_from(full, page)) > 0
    assert store.body(incremental, page) == store.body(full, page)


def test_incremental_run_reads_again_only_the_attachments_that_changed(nights):
    store, _cold, incremental, full, (portal_hits, _external), site = nights
    read_again = sorted(h.path for h in portal_hits if h.method == "GET" and h.path.endswith(".pdf"))
    assert read_again == ["/files/edited.pdf"]  # same.pdf: same ETag, size and type as last night
    assert store.run_stats(incremental)["attachments_reused"] == 1
    assert store.run_stats(full)["attachments_reused"] == 0  # --full: every attachment is read

    def texts(run_id: int) -> list[tuple]:
        return [(t["url"], t["status"], t["reason"], t["size"]) for t in store.attachment_texts(run_id)]
    assert texts(incremental) == texts(full) and len(texts(full)) == 2
