"""Link and crawl rules (checks/links/links.py, checks/crawl/crawl.py) over real SQLite stores.

Every scenario writes facts through the ``Store`` API exactly as the crawler does
(docs/ARCHITECTURE.md vocabulary), runs ``checks.registry.run_checks`` and asserts the
exact set of findings: each rule's positive case and the decoys that must stay silent
(429, bot walls recovered by re-verification, ``#top``, a long article mentioning 404,
robots skips, HEAD refused then 200 ...).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checks.links._common import citing_pages
from checks.base import CheckContext
from checks.registry import run_checks
from config import load_site, load_thresholds
from crawler.notfound import page_view, probe_urls
from crawler.store import Store

P = "http://127.0.0.1:8710"
E = "http://127.0.0.2:8711"
HOME = P + "/"
ARTICLE = P + "/news/a.html"
OTHER = P + "/news/b.html"
LINK_MODULES = {"links", "crawl"}

PROFILE = f"""
name: t
start_urls: ["{HOME}"]
links:
  max_redirects: 3
  jump_link_patterns: ["^http://127\\\\.0\\\\.0\\\\.2:[0-9]+/zwdt/"]
soft404:
  max_text_chars: 400
"""

LONG_ARTICLE = ("<html><head><title>关于网站改版的说明</title></head><body><h1>关于网站改版的说明</h1>"
                + "<p>本站改版期间，部分旧地址会返回 404 Not Found，出现“页面不存在”提示时请通过站内搜索查找。</p>"
                + "<p>" + "政务公开工作持续推进，栏目内容不断丰富。" * 60 + "</p></body></html>")
NAV = "".join(f"<li><a href='/c{i}/'>栏目导航第{i}项</a></li>" for i in range(120))


class Run:
    """A store with one run and helpers that write facts the way the crawler does."""

    def __init__(self, tmp_path: Path, profile: str = PROFILE, commit_every: int = 200):
        (tmp_path / "site.yaml").write_text(profile, encoding="utf-8")
        self.site = load_site(tmp_path / "site.yaml")
        self.store = Store(tmp_path / "x.sqlite", commit_every=commit_every)
        self.run_id = self.store.start_run("t", "2026-11-22")
        self._pos = 0

    def res(self, url: str, kind: str = "page", status: int | None = 200, **fields) -> None:
        in_scope = fields.pop("in_scope", url.startswith(P))
        if kind == "page" and status and "content_type" not in fields:
            fields["content_type"] = "text/html; charset=utf-8"
        self.store.put_resource(self.run_id, url=url, kind=kind, in_scope=in_scope, status=status,
                                method=fields.pop("method", "GET"), attempts=fields.pop("attempts", 1),
                                final_url=fields.pop("final_url", url if status else None), **fields)

    def page(self, url: str, html: str, title: str | None = None, anchors: list[str] | None = None,
             **fields) -> None:
        self.res(url, anchors=anchors if anchors is not None else [], title=title, **fields)
        self.store.put_body(self.run_id, url, html)

    def link(self, source: str, href: str, text: str = "链接", tag: str = "a", attr: str = "href") -> None:
        scheme = href.split(":", 1)[0]
        target, _, fragment = href.partition("#")
        self.store.put_links(self.run_id, [{
            "source_url": source, "target_url": target if scheme in ("http", "https") else href,
            "fragment": fragment if "#" in href else None, "raw_href": href, "scheme": scheme,
            "text": text, "tag": tag, "attr": attr, "position": self._pos}])
        self._pos += 1

    def check(self, **thresholds) -> dict[tuple[str, str, str], object]:
        limits = load_thresholds(self.site)
        for dotted, value in thresholds.items():
            node = limits
            *parents, leaf = dotted.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        ctx = CheckContext(self.store, self.run_id, self.site, limits, date(2026, 11, 22))
        self.ctx = ctx
        run_checks(ctx, only=LINK_MODULES)
        return {(f.rule_id, f.page_url, f.target): f for f in self.store.findings(self.run_id)}


def base_site(run: Run) -> None:
    run.page(HOME, "<html><head><title>首页</title></head><body><a href='/news/a.html'>新闻</a></body></html>",
             title="首页", anchors=["main"])
    run.page(ARTICLE, "<html><head><title>新闻</title></head><body><h2 id='section2'>二</h2></body></html>",
             title="新闻", anchors=["section2", "附件", "attachments"])
    run.page(OTHER, "<html><head><title>其他</title></head><body><p id='x'>x</p></body></html>",
             title="其他", anchors=["x"])
    run.link(HOME, ARTICLE)
    run.link(ARTICLE, OTHER)


def reverified(first: dict, second: dict, **final_headers) -> dict:
    """Row headers as the crawler's reverification pass writes them (both attempts kept)."""
    attempts = [{"method": "GET", "user_agent": "crawler", "error_class": None, **first},
                {"method": "GET", "user_agent": "browser", "error_class": None, **second}]
    return {**final_headers, "x-xunjian-attempts": json.dumps(attempts)}


CF_WALL = {"status": 403, "headers": {"server": "cloudflare", "cf-mitigated": "challenge"}}

# (name, resource facts, expected rule or None); each target is linked from ARTICLE.
STATUS_CASES = [
    ("wall-then-404", dict(status=404, attempts=2, kind="external",
                           headers=reverified(CF_WALL, {"status": 404, "headers": {"server": "nginx"}},
                                              server="nginx")), "link-broken"),
    ("wall-then-bare-503", dict(status=503, attempts=2, kind="external",
                                headers=reverified(CF_WALL, {"status": 503, "headers": {}})), "link-unverified"),
    ("wall-then-200", dict(status=200, attempts=2, kind="external", content_type="text/html",
                           headers=reverified(CF_WALL, {"status": 200, "headers": {}})), None),
    ("gone-410", dict(status=410), "link-broken"),
    ("err-500", dict(status=500, attempts=3), "link-broken"),
    ("nginx-502", dict(status=502, attempts=3), "link-broken"),
    ("dns", dict(status=None, error_class="dns", error="DNS lookup failed", kind="external"), "link-broken"),
    ("refused", dict(status=None, error_class="refused", error="Connection refused", kind="external"),
     "link-broken"),
    ("reset", dict(status=None, error_class="reset", kind="external"), "link-broken"),
    ("tls", dict(status=None, error_class="tls", error="certificate has expired", kind="external"),
     "link-broken"),
    ("slow", dict(status=None, error_class="timeout", attempts=3, kind="external"), "link-timeout"),
    ("odd-error", dict(status=None, error_class="other", error="weird {0} reply", kind="external"), "link-unverified"),
    ("rate-429", dict(status=429, headers={"retry-after": "120"}, kind="external"), "link-unverified"),
    ("auth-401", dict(status=401, kind="external"), "link-unverified"),
    ("proxy-407", dict(status=407, kind="external"), "link-unverified"),
    ("forbidden-403", dict(status=403, kind="external"), "link-unverified"),
    ("linkedin-999", dict(status=999, kind="external"), "link-unverified"),
    ("cf-503", dict(status=503, headers={"server": "cloudflare", "cf-mitigated": "challenge"}, kind="external"),
     "link-unverified"),
    ("cf-403", dict(status=403, headers={"server": "cloudflare", "cf-ray": "8a"}, kind="external"),
     "link-unverified"),
    ("challenge-503", dict(status=503, title="Just a moment...", kind="external"), "link-unverified"),
    ("cf-real-404", dict(status=404, headers={"server": "cloudflare"}, kind="external"), "link-broken"),
    ("head-only-405", dict(status=405, method="HEAD", kind="external"), "link-unverified"),
    ("get-405", dict(status=405, method="GET", kind="external"), "link-broken"),
    # decoys
    ("botwall-reverified", dict(status=200, attempts=2, headers={"server": "nginx"}, kind="external",
                                content_type="text/html"), None),
    ("head-refused-then-200", dict(status=200, method="GET", attempts=2, kind="asset",
                                   content_type="image/png"), None),
    ("recovered-503", dict(status=200, attempts=2, kind="asset", content_type="text/css"), None),
    ("robots", dict(status=None, skip_reason="robots"), None),
    ("ignored", dict(status=None, skip_reason="ignored", kind="external"), None),
    ("depth", dict(status=None, skip_reason="limit:max-depth"), None),
    ("pages", dict(status=None, skip_reason="limit:max-pages"), None),
    ("ext-off", dict(status=None, skip_reason="external-disabled", kind="external"), None),
    ("not-fetched", dict(status=None), None),
]


def _case_url(name: str, facts: dict) -> str:
    return (E if facts.get("kind") == "external" else P) + f"/{name}"


def test_status_verdicts_table(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    expected = set()
    for name, facts, rule in STATUS_CASES:
        url = _case_url(name, facts)
        facts = dict(facts)
        run.res(url, kind=facts.pop("kind", "asset"), **facts)
        run.link(ARTICLE, url, text=name)
        if rule:
            expected.add((rule, url, url))
    findings = run.check()
    assert set(findings) == expected
    cf = findings[("link-unverified", E + "/cf-503", E + "/cf-503")]
    assert cf.evidence["cause"] == "bot-wall" and "cf-mitigated" in cf.evidence["signal"]
    assert cf.evidence["headers"]["server"] == "cloudflare" and cf.severity == "info"
    assert "Retry-After: 120" in findings[("link-unverified", E + "/rate-429", E + "/rate-429")].message_en
    dns = findings[("link-broken", E + "/dns", E + "/dns")]
    assert dns.evidence["error_class"] == "dns" and dns.evidence["error"] == "DNS lookup failed"
    assert dns.referrers == [{"page": ARTICLE, "text": "dns", "tag": "a", "attr": "href", "href": E + "/dns"}]
    assert findings[("link-timeout", E + "/slow", E + "/slow")].severity == "warning"
    assert findings[("link-broken", P + "/err-500", P + "/err-500")].evidence["attempts"] == 3
    walled = findings[("link-unverified", E + "/wall-then-bare-503", E + "/wall-then-bare-503")]
    assert walled.evidence["cause"] == "bot-wall" and len(walled.evidence["reverification"]) == 2
    assert "x-xunjian-attempts" not in walled.evidence["headers"]


def test_homepage_citation_makes_broken_home_with_every_referrer(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    gone, old = P + "/gone.html", P + "/old.html"
    run.res(gone, status=404, content_type="text/html")
    run.res(old, status=404, content_type="text/html")
    run.link(HOME, gone, text="旧通知", tag="a")
    run.link(ARTICLE, gone, text="旧通知", tag="a")
    run.link(OTHER, gone, text="", tag="img", attr="src")
    run.link(ARTICLE, old)
    findings = run.check()
    assert set(findings) == {("link-broken-home", gone, gone), ("link-broken", old, old)}
    home = findings[("link-broken-home", gone, gone)]
    assert home.severity == "error" and home.evidence["status"] == 404
    assert [(r["page"], r["tag"], r["attr"]) for r in home.referrers] == [
        (HOME, "a", "href"), (ARTICLE, "a", "href"), (OTHER, "img", "src")]
    assert "首页" in home.message_zh and "3" in home.message_en
    # the index-forced referrer query returns exactly what CheckContext.referrers returns
    assert citing_pages(run.ctx, gone) == run.ctx.referrers(gone) == home.referrers


def test_homepage_compared_canonically_through_its_redirect(tmp_path):
    profile = PROFILE.replace(f'["{HOME}"]', '["HTTP://127.0.0.1:8710"]')
    run = Run(tmp_path, profile)
    index = P + "/index.html"
    run.res(HOME, status=200, final_url=index, redirect_chain=[{"url": HOME, "status": 302}])
    run.page(index, "<html><body>首页</body></html>")
    run.res(P + "/gone.html", status=404)
    run.link(index, P + "/gone.html")
    findings = run.check()
    assert set(findings) == {("link-broken-home", P + "/gone.html", P + "/gone.html")}


def test_redirect_loop_chain_and_decoys(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    hop = lambda n: [{"url": f"{P}/hop{i}", "status": 301} for i in range(n)]  # noqa: E731
    cases = {
        P + "/loop": (dict(status=None, error_class="redirect-loop", final_url=None,
                           redirect_chain=[{"url": P + "/loop", "status": 302}, {"url": P + "/b", "status": 302}]),
                      "link-redirect-loop"),
        P + "/chain5": (dict(status=200, redirect_chain=hop(5), content_type="text/html"), "link-redirect-chain"),
        P + "/endless": (dict(status=None, error_class="too-many-redirects", redirect_chain=hop(10)),
                         "link-redirect-chain"),
        P + "/chain3": (dict(status=200, redirect_chain=hop(3), content_type="text/html"), None),
        P + "/onehop": (dict(status=200, redirect_chain=hop(1), content_type="text/html"), None),
        # a cookie bounce (/a -> /login -> /a) that ends on a real page is not a loop
        P + "/cookie": (dict(status=200, redirect_chain=[{"url": P + "/cookie", "status": 302},
                                                          {"url": P + "/login", "status": 302}],
                             final_url=P + "/cookie", content_type="text/html"), None),
    }
    for url, (facts, _) in cases.items():
        run.res(url, kind="asset", **facts)
        run.link(ARTICLE, url)
    findings = run.check()
    assert set(findings) == {(rule, url, url) for url, (_, rule) in cases.items() if rule}
    chain = findings[("link-redirect-chain", P + "/chain5", P + "/chain5")]
    assert chain.evidence["hops"] == 5 and chain.evidence["max_redirects"] == 3
    assert findings[("link-redirect-chain", P + "/endless", P + "/endless")].evidence["unterminated"] is True


def test_attachment_answered_with_html(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    facts = {
        P + "/files/plan.pdf": (dict(status=200, content_type="text/html; charset=utf-8",
                                     redirect_chain=[{"url": P + "/files/plan.pdf", "status": 302}],
                                     final_url=HOME), "attachment-type-mismatch"),
        P + "/files/ok.pdf": (dict(status=200, content_type="application/pdf"), None),
        P + "/files/gone.docx": (dict(status=404, content_type="text/html"), "link-broken"),
    }
    for url, (f, _) in facts.items():
        run.res(url, kind="attachment", **f)
        run.link(ARTICLE, url, text="附件")
    findings = run.check()
    assert set(findings) == {(rule, url, url) for url, (_, rule) in facts.items() if rule}


def test_soft404_and_jump_links(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    soft, titled, long_ = P + "/soft.html", P + "/titled.html", P + "/notice.html"
    run.page(soft, "<?xml version='1.0' encoding='gbk'?>\n<html><head><title>提示</title><style>.x{}</style></head><body>"
                   "<div class='err'><p>对不起，您访问的页面不存在！</p><a href='/'>返回首页</a></div></body></html>",
             title="提示")
    run.page(titled, f"<html><head><title>404 Not Found - 某区城管执法局</title></head><body><ul>{NAV}</ul>"
                     "</body></html>", title="404 Not Found - 某区城管执法局")
    run.page(long_, LONG_ARTICLE, title="关于网站改版的说明")
    # a long article whose title merely contains a signature is not a not-found page
    run.page(P + "/faq.html", LONG_ARTICLE.replace("关于网站改版的说明", "关于“页面不存在”提示的常见问题"),
             title="关于“页面不存在”提示的常见问题")
    # the signature only inside a script (invisible) on a normal page: not a soft 404
    run.page(P + "/script.html", "<html><head><title>正常</title><script>var m='页面不存在';</script></head>"
                                 "<body><p>正常内容</p></body></html>", title="正常")
    # the site answers missing URLs with this 200 page: the crawl's probes are its fingerprint,
    # so soft.html (same page) is a soft 404 although its title "提示" is no signature
    error_page = ("<html><head><title>提示</title></head><body><div class='err'><p>对不起，您访问的页面不存在！</p>"
                  "<a href='/'>返回首页</a></div></body></html>")
    for probe in probe_urls(P + "/", "t", 2):  # the error page echoes the URL asked for
        view = page_view(error_page.replace("</div>", f"<p>{probe}</p></div>"))
        run.store.put_probe(run.run_id, prefix=P + "/", url=probe, status=200, final_url=probe,
                            title=view.title, h1=view.h1, size=200, shingles=view.shingles)
    bad, good = E + "/zwdt/item?code=XX999", E + "/zwdt/item?code=A001"
    run.page(bad, "<html><head><title>一网通办</title></head><body>事项不存在</body></html>",
             title="一网通办", kind="external", in_scope=False)
    run.page(good, "<html><head><title>一网通办</title></head><body>事项名称：占道许可</body></html>",
             title="一网通办", kind="external", in_scope=False)
    # an external non-jump page with a stored body whose heading says it is a not-found page; an
    # external page that only says so in its text is not judged (no fingerprint, body text alone)
    ext_soft, ext_text = E + "/moved.html", E + "/text.html"
    run.page(ext_soft, "<html><body><h1>Page Not Found</h1></body></html>", kind="external", in_scope=False)
    run.page(ext_text, "<html><body>Page Not Found</body></html>", kind="external", in_scope=False)
    for url in (soft, titled, long_, bad, good, ext_soft, ext_text, P + "/script.html", P + "/faq.html"):
        run.link(ARTICLE, url)
    findings = run.check()
    assert set(findings) == {("link-soft-404", soft, soft), ("link-soft-404", titled, titled),
                             ("link-soft-404", ext_soft, ext_soft), ("link-jump-invalid", bad, bad)}
    assert findings[("link-soft-404", titled, titled)].evidence["matched_in"] == "title"
    assert findings[("link-soft-404", soft, soft)].evidence["matched_in"] == "fingerprint"
    assert findings[("link-soft-404", ext_soft, ext_soft)].evidence["matched_in"] == "h1"
    jump = findings[("link-jump-invalid", bad, bad)]
    assert jump.referrers[0]["page"] == ARTICLE and jump.evidence["pattern"] == "事项不存在"


def test_body_text_alone_never_makes_a_soft_404(tmp_path):
    """However high soft404.max_text_chars, a page whose only signature is in its text stays a page."""
    run = Run(tmp_path, PROFILE.replace("max_text_chars: 400", "max_text_chars: 100000"))
    run.page(P + "/notice.html", LONG_ARTICLE, title="关于网站改版的说明")
    run.page(P + "/short.html", "<html><head><title>通知</title></head><body><p>页面不存在</p></body></html>",
             title="通知")
    assert set(run.check()) == set()


def test_fragments(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    ext_page, ext_head = E + "/page.html", E + "/head-only.html"
    run.res(ext_page, kind="external", status=200, content_type="text/html", anchors=["frag"])
    run.res(ext_head, kind="external", status=200, content_type="text/html", method="HEAD")  # anchors NULL
    run.res(P + "/files/ok.pdf", kind="attachment", status=200, content_type="application/pdf")
    run.res(P + "/big.html", status=200, truncated=1, anchors=["early"], size=5 * 2**20)
    run.res(P + "/gone.html", status=404)
    hrefs = {
        ARTICLE + "#section2": None, ARTICLE + "#top": None, ARTICLE + "#TOP": None, ARTICLE + "#": None,
        ARTICLE + "#%E9%99%84%E4%BB%B6": None,  # percent-encoded 附件
        OTHER + "#missing": "link-anchor-missing", OTHER + "#/route": None, OTHER + "#!/spa": None,
        OTHER + "#:~:text=hello": None, ext_page + "#frag": None, ext_page + "#nope": "link-anchor-missing",
        ext_head + "#x": None, P + "/files/ok.pdf#page=2": None, P + "/big.html#late": None,
        P + "/gone.html#x": None, P + "/never-fetched.html#x": None,
    }
    for href in hrefs:
        run.link(ARTICLE, href)
    run.link(HOME, OTHER + "#missing", text="其他")
    findings = run.check()
    expected = {(rule, href.split("#")[0], href) for href, rule in hrefs.items() if rule}
    expected |= {("page-too-large", P + "/big.html", ""), ("link-broken", P + "/gone.html", P + "/gone.html")}
    assert set(findings) == expected
    missing = findings[("link-anchor-missing", OTHER, OTHER + "#missing")]
    assert {r["page"] for r in missing.referrers} == {ARTICLE, HOME}
    assert missing.evidence["anchors_sample"] == ["x"]


def test_mailto_tel_javascript_links_are_not_judged(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    for href in ("mailto:xx@example.gov.cn", "tel:021-12345678", "javascript:void(0)"):
        run.link(ARTICLE, href)
    assert run.check() == {}


def test_home_unreachable_and_no_duplicate_broken_link(tmp_path):
    run = Run(tmp_path)
    run.res(HOME, status=None, error_class="refused", error="Connection refused", attempts=3)
    run.page(OTHER, "<html><body>x</body></html>")
    run.link(OTHER, HOME, text="首页")
    findings = run.check()
    assert set(findings) == {("home-unreachable", HOME, "")}
    f = findings[("home-unreachable", HOME, "")]
    assert f.severity == "critical" and f.evidence["error_class"] == "refused" and f.evidence["single_run"]
    assert "V2" in f.message_en


@pytest.mark.parametrize("facts, expected_rules", [
    (dict(status=None, error_class="timeout", attempts=3), {"home-unreachable"}),
    (dict(status=503, attempts=3), {"home-unreachable"}),
    (dict(status=503, headers={"cf-mitigated": "challenge"}), {"link-unverified"}),
    (dict(status=403), {"link-unverified"}),
    (dict(status=None, skip_reason="robots"), set()),
    (dict(status=200), set()),
])
def test_homepage_verdicts(tmp_path, facts, expected_rules):
    run = Run(tmp_path)
    run.res(HOME, **facts)
    assert {rule for rule, _, _ in run.check()} == expected_rules


def test_missing_homepage_fact_is_a_note_not_a_veto(tmp_path):
    run = Run(tmp_path)
    assert run.check() == {}
    assert any("no fact recorded for the homepage" in n["text_en"] and "没有任何抓取记录" in n["text_zh"]
               for n in run.ctx.notes)
    run.check()  # re-running the checks does not repeat the stored note
    assert len(run.store.run_stats(run.run_id)["check_notes"]) == 1


def test_traps_one_finding_per_cause(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    months = [f"{P}/calendar/?month=2031-{m:02d}" for m in range(1, 8)]
    for url in months:
        run.res(url, status=None, skip_reason="trap:calendar")
    run.link(P + "/calendar/?month=2026-11", months[0], text="下一月")
    run.res(P + "/list;jsessionid=AB12", status=None, skip_reason="trap:session-id")
    run.res(P + "/list;jsessionid=CD34", status=None, skip_reason="trap:session-id")
    run.res(P + "/hdjl/lt/(S(ab12))/thread.aspx?tid=9", status=None, skip_reason="trap:cookieless")
    run.res(P + "/hdjl/lt/(S(cd34))/thread.aspx?tid=9", status=None, skip_reason="trap:cookieless")
    run.res(P + "/a/x?p=1", status=None, skip_reason="trap:pattern-limit")
    run.res(P + "/b/y?p=1", status=None, skip_reason="trap:pattern-limit")
    findings = run.check()
    assert set(findings) == {("crawl-trap", P + "/calendar/", "trap:calendar"),
                             ("crawl-trap", P + "/list", "trap:session-id"),
                             ("crawl-trap", P + "/hdjl/lt/", "trap:cookieless"),
                             ("crawl-trap", HOME, "trap:pattern-limit")}
    cal = findings[("crawl-trap", P + "/calendar/", "trap:calendar")]
    assert cal.evidence["skipped"] == 7 and cal.evidence["examples"] == sorted(months)[:5]
    assert cal.referrers[0]["page"] == P + "/calendar/?month=2026-11" and cal.severity == "info"


def test_decode_errors_threshold_and_truncation(tmp_path):
    run = Run(tmp_path)
    base_site(run)
    run.res(P + "/gbk.html", status=200, charset="utf-8", decode_errors=12)
    run.res(P + "/stray.html", status=200, charset="gb18030", decode_errors=1)
    run.res(P + "/huge.html", status=200, truncated=1, size=5 * 2**20, headers={"content-length": "2147483648"})
    findings = run.check()
    assert set(findings) == {("page-decode-error", P + "/gbk.html", ""),
                             ("page-decode-error", P + "/stray.html", ""),
                             ("page-too-large", P + "/huge.html", "")}
    big = findings[("page-too-large", P + "/huge.html", "")]
    assert big.evidence["content_length"] == "2147483648" and big.evidence["max_response_mb"] == 10
    assert set(run.check(**{"crawl.max_decode_errors": 5})) == {
        ("page-decode-error", P + "/gbk.html", ""), ("page-too-large", P + "/huge.html", "")}


def test_thresholds_from_config_change_verdicts(tmp_path):
    """429 is unverified by config, not by code: dropping it from the set makes it broken."""
    run = Run(tmp_path)
    base_site(run)
    run.res(E + "/rl", kind="external", status=429)
    run.link(ARTICLE, E + "/rl")
    assert set(run.check()) == {("link-unverified", E + "/rl", E + "/rl")}
    assert set(run.check(**{"links.unverified_statuses": [401, 403]})) == {("link-broken", E + "/rl", E + "/rl")}


def test_bad_jump_pattern_is_a_one_line_error_and_other_checks_run(tmp_path):
    run = Run(tmp_path, PROFILE.replace("/zwdt/", "/zwdt/(("))
    base_site(run)
    run.res(P + "/huge.html", status=200, truncated=1)
    run.res(P + "/gone.html", status=404)
    run.link(ARTICLE, P + "/gone.html")
    # crawl.py and the other link rules still run; only the bad pattern is dropped
    assert set(run.check()) == {("page-too-large", P + "/huge.html", ""),
                                ("link-broken", P + "/gone.html", P + "/gone.html")}
    errors = run.store.run_stats(run.run_id)["check_errors"]
    assert any("site.yaml: links.jump_link_patterns[0]: bad regular expression" in e for e in errors)


def test_streaming_with_many_pages_and_commit_every_batch(tmp_path):
    """Findings are written while the fact queries are still open (commit_every=1)."""
    run = Run(tmp_path, commit_every=1)
    base_site(run)
    for i in range(300):
        url = f"{P}/p{i}.html"
        run.page(url, f"<html><body id='b{i}'>第{i}页</body></html>", anchors=[f"b{i}"])
        run.link(ARTICLE, url)
        run.link(url, f"{P}/dead{i % 7}.html")
        run.link(url, f"{url}#b{i}")
        run.link(url, f"{url}#nope")
    for k in range(7):
        run.res(f"{P}/dead{k}.html", status=404)
    findings = run.check()
    rules = [rule for rule, _, _ in findings]
    assert rules.count("link-broken") == 7 and rules.count("link-anchor-missing") == 300
    assert all(len(f.referrers) in (42, 43) for (rule, _, _), f in findings.items() if rule == "link-broken")


def test_redirect_landing_rows_are_judged_through_the_linked_url(tmp_path):
    """The crawler stores an in-scope redirect's landing page under its own URL too; only the
    URL that pages actually link carries a link finding, and a soft 404 behind a redirect is
    attributed to the pages citing the redirecting URL."""
    profile = PROFILE.replace(f'["{HOME}"]', f'["{HOME}", "{P}/start-gone.html"]')
    run = Run(tmp_path, profile)
    base_site(run)
    moved, landing = P + "/moved.html", P + "/landing.html"
    run.res(moved, status=404, final_url=landing, redirect_chain=[{"url": moved, "status": 301}])
    run.res(landing, status=404)  # the landing row: nobody links it
    old, nf = P + "/old.html", P + "/nf.html"
    run.res(old, status=200, final_url=nf, redirect_chain=[{"url": old, "status": 301}])
    run.page(nf, "<html><head><title>信息不存在</title></head><body>信息不存在</body></html>", title="信息不存在")
    run.link(ARTICLE, moved)
    run.link(OTHER, old, text="旧链接")
    run.res(P + "/start-gone.html", status=404)  # a start URL: reported although nobody links it
    findings = run.check()
    assert set(findings) == {("link-broken", moved, moved), ("link-soft-404", nf, nf),
                             ("link-broken", P + "/start-gone.html", P + "/start-gone.html")}
    soft = findings[("link-soft-404", nf, nf)]
    assert [(r["page"], r["via"]) for r in soft.referrers] == [(OTHER, old)]
    assert findings[("link-broken", P + "/start-gone.html", P + "/start-gone.html")].referrers == []


def test_every_link_and_crawl_rule_is_documented():
    import re

    import checks.crawl.coverage
    import checks.crawl.crawl
    import checks.links.link_malformed
    import checks.links.links

    rules = checks.links.links.RULES + checks.crawl.crawl.RULES + checks.crawl.coverage.RULES + checks.links.link_malformed.RULES
    assert {r.id for r in rules} == {
        "link-broken-home", "link-broken", "link-timeout", "link-unverified", "link-redirect-loop",
        "link-redirect-chain", "link-anchor-missing", "link-soft-404", "link-jump-invalid",
        "attachment-type-mismatch", "crawl-trap", "page-too-large", "page-decode-error", "home-unreachable",
        "link-forbidden-address", "crawl-coverage-lost", "link-malformed"}
    for rule in rules:
        assert re.search(r"[\u4e00-\u9fff]", rule.title_zh) and rule.title_en and rule.advice_en, rule.id
        assert re.search(r"[\u4e00-\u9fff]", rule.advice_zh), rule.id
        assert re.search(r"\[[CSU]\]", rule.basis), f"{rule.id}: basis lacks a confidence mark"
        assert all(part in rule.doc for part in ("What:", "Why:", "Example:")), rule.id
    by_id = {r.id: r for r in rules}
    assert by_id["link-broken-home"].assessment == by_id["link-broken"].assessment == "deduction"
    assert by_id["home-unreachable"].assessment == "veto" and "single" in by_id["home-unreachable"].doc
    assert by_id["link-unverified"].assessment is None and by_id["crawl-trap"].assessment is None
