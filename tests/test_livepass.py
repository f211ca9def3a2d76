"""The live page pass (checks/livepass.py): pages scanned while the crawl writes them give exactly
the findings of the sequential page pass.

A mini portal (tests/_mini_portals.py, TRS family, plus articles planting findings for the modules
that scan during the crawl: a hidden off-site link, an http:// script, a wording error, a mobile
number, a viewport that forbids zoom) is written into a real store the way the crawl's writer does,
in commits of a few pages, in an order that is not URL order, some pages' resource row in one
commit and their body in a later one. The live pass polls between the commits (what its thread
does), then the registry settles it: the stored findings (rule, page, target, messages, evidence,
referrers) must equal those of a sequential checks run on the same facts. A page rewritten after
it was scanned (``INSERT OR REPLACE`` of its row, as a redirect alias or a copied row would do)
makes the live results unusable: the registry falls back to the sequential pass, same findings.
The end-to-end case (a real crawl with the live pass on) is in tests/test_demo_audit.py.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from checks.base import CheckContext
from checks.livepass import LivePagePass, scans_during_crawl, start_live_pass
from checks.registry import check_modules, module_name, run_checks
from config import ConfigError, load_site, load_thresholds
from crawler.store import Store
from tests._mini_portals import FAMILIES, TODAY

HOST = "http://gov.test"


def _planted(n: int, extra: str = "") -> str:
    plants = ['<div style="display:none"><a href="http://casino.example/">娱乐城</a></div>',
              '<script src="http://cdn.example/jquery.js"></script>',
              "<p>中华人名共和国成立纪念。</p>",
              "<p>联系人手机 13812345678。</p>",
              '<meta name="viewport" content="width=device-width, user-scalable=no">']
    # two pages link the same text to different places: the site facts keep the link of the first
    # page in URL order (/art/2.html), although the crawl writes /art/9.html first (_crawl)
    column = {2: '<a href="/zwgk/ysqgk/index.html">依申请公开</a>', 9: '<a href="/zwgk/gkzd/index.html">依申请公开</a>'}
    return (f'<html lang="zh-CN"><head><title>第{n}号通知</title>{plants[n % 5] if n % 2 else ""}</head>'
            f'<body><div class="content"><h1>第{n}号通知</h1><p>发布日期：2026-11-{1 + n % 20:02d}</p>'
            f'{plants[n % 5]}<a href="/art/{(n + 1) % 12}.html">下一篇</a>{column.get(n, "")}{extra}'
            "</div></body></html>")


def _setup(tmp_path):
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: trs\nstart_urls: ['{HOST}/']\nthresholds:\n  mixed_content:\n"
                       "    production_scheme: https\n", encoding="utf-8")
    site = load_site(profile)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("trs", TODAY.isoformat())
    pages = dict(FAMILIES["trs"]().pages)
    pages.update({f"/art/{n}.html": _planted(n) for n in range(12)})
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site),
                       today=date.fromisoformat(TODAY.isoformat()))
    modules = {module_name(m): m for m in check_modules() if scans_during_crawl(m, ctx, browser_stage=False)}
    assert "static_a11y" in modules and "hidden_links" in modules and "columns" not in modules
    live = LivePagePass(str(store.path), run_id, site, ctx.thresholds, ctx.today, modules)
    live.start(store, thread=False)
    return store, run_id, pages, ctx, live


def _put_page(store: Store, run_id: int, url: str, text: str, body: bool = True, **extra) -> None:
    store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, content_type="text/html",
                       depth=0 if url == HOST + "/" else 1, title=extra.pop("title", None), **extra)
    if body:
        store.put_body(run_id, url, text)


def _crawl(store: Store, run_id: int, pages: dict[str, str], live: LivePagePass) -> list[str]:
    """Write the pages as a crawl would, polling between commits; the URLs in write order."""
    order = sorted(pages)
    random.Random(11).shuffle(order)
    order.sort(key=lambda path: path != "/art/9.html")  # before /art/2.html (see _planted)
    late_bodies: list[str] = []
    for i, path in enumerate(order):
        url = HOST + path
        late = i % 7 == 3  # the resource row commits now, its body with the next batch
        _put_page(store, run_id, url, pages[path], body=not late)
        if late:
            late_bodies.append(path)
        if i % 4 == 3:
            store.commit()
            live.poll(store)
            for waiting in late_bodies:
                store.put_body(run_id, HOST + waiting, pages[waiting])
            late_bodies.clear()
    for waiting in late_bodies:
        store.put_body(run_id, HOST + waiting, pages[waiting])
    store.commit()
    return [HOST + p for p in order]


def _sequential(ctx: CheckContext) -> list:
    run_checks(ctx)
    return ctx.store.findings(ctx.run_id)


def _fresh(ctx: CheckContext) -> CheckContext:
    return CheckContext(store=ctx.store, run_id=ctx.run_id, site=ctx.site, thresholds=ctx.thresholds,
                        today=ctx.today)


def test_live_pass_findings_equal_the_sequential_pass(tmp_path):
    store, run_id, pages, ctx, live = _setup(tmp_path)
    _crawl(store, run_id, pages, live)
    scanned_while_crawling = live.pages
    run_checks(ctx, live=live)
    with_live = store.findings(run_id)
    assert live.unusable is None, live.unusable
    assert 0 < scanned_while_crawling < len(pages) == live.pages  # some pages live, the rest settled
    sequential = _sequential(_fresh(ctx))
    store.close()
    planted = {"link-hidden-offsite", "mixed-content", "wording-serious-error", "pii-mobile", "elder-zoom"}
    assert planted <= {f.rule_id for f in with_live}, sorted({f.rule_id for f in with_live})
    located = [f for f in with_live if f.rule_id == "column-missing" and "依申请公开" in f.message_zh]
    assert located and "/zwgk/ysqgk/" in located[0].page_url + str(located[0].evidence), located
    assert with_live == sequential


def test_a_page_rewritten_after_its_scan_falls_back_to_the_sequential_pass(tmp_path):
    store, run_id, pages, ctx, live = _setup(tmp_path)
    urls = _crawl(store, run_id, pages, live)
    live.poll(store)
    assert live.unusable is None
    # the crawl writes a page again after it was scanned: a redirect alias stored under a URL that was
    # already a page, here with a hidden link that only the final state carries
    rewritten = next(u for u in urls if u.endswith("/art/0.html"))
    _put_page(store, run_id, rewritten, _planted(0, '<div hidden><a href="http://bet.example/">x</a></div>'))
    store.commit()
    run_checks(ctx, live=live)
    with_live = store.findings(run_id)
    assert live.unusable and rewritten in live.unusable
    hidden = [f for f in with_live if f.rule_id == "link-hidden-offsite" and f.page_url == rewritten]
    assert hidden and "bet.example" in hidden[0].evidence["hosts"], "the page's final state was not scanned"
    assert with_live == _sequential(_fresh(ctx))
    store.close()


def test_a_window_cut_short_by_stop_goes_on_where_it_stopped(tmp_path):
    store, run_id, pages, ctx, live = _setup(tmp_path)
    for path, text in pages.items():
        _put_page(store, run_id, HOST + path, text)
    store.commit()
    scan, scanned = live._scan, []

    def scan_then_stop(page):  # the crawl ends (``stop``) while the thread is in the middle of a window
        scan(page)
        scanned.append(page.url)
        if len(scanned) == 5:
            live._stop.set()

    live._scan = scan_then_stop
    live.poll(store)
    assert live.pages == 5 and live.unusable is None
    live._scan = scan
    run_checks(ctx, live=live)  # settle: the rest of the window, without scanning those five again
    with_live = store.findings(run_id)
    assert live.unusable is None and live.pages == len(pages)
    assert with_live == _sequential(_fresh(ctx))
    store.close()


def test_live_pass_is_off_when_the_profile_says_so(tmp_path):
    store, run_id, _pages, ctx, _live = _setup(tmp_path)
    profile, bad = tmp_path / "off.yaml", tmp_path / "bad.yaml"
    profile.write_text(f"name: trs\nstart_urls: ['{HOST}/']\nchecks:\n  live_page_pass: false\n",
                       encoding="utf-8")
    assert start_live_pass(store, run_id, load_site(profile), ctx.thresholds, ctx.today) is None
    bad.write_text(f"name: trs\nstart_urls: ['{HOST}/']\nchecks:\n  live_page_pass: sometimes\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="live_page_pass"):
        load_site(bad)
    store.close()


@pytest.mark.parametrize("ending", ["crawl-failed", "ctrl-c"])
def test_no_scanning_thread_outlives_a_crawl_that_failed_or_was_interrupted(tmp_path, monkeypatch, ending):
    import threading

    import crawler.run
    from xunjian import runner

    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: trs\nstart_urls: ['{HOST}/']\n", encoding="utf-8")
    seen: dict = {}

    def crawl(site_path, db_path, run_id, **_options):  # what the crawl child writes, then its end
        store = Store(db_path)
        _put_page(store, run_id, HOST + "/", _planted(1))
        store.commit()
        store.close()
        seen["threads"] = [t for t in threading.enumerate() if t.name == "xunjian-live-page-pass"]
        if ending == "ctrl-c":
            raise KeyboardInterrupt
        return 1

    monkeypatch.setattr(crawler.run, "crawl", crawl)
    if ending == "ctrl-c":
        with pytest.raises(KeyboardInterrupt):
            runner.audit(profile, db=tmp_path / "x.sqlite", out=tmp_path / "out", today=TODAY, progress=False)
    else:
        result = runner.audit(profile, db=tmp_path / "x.sqlite", out=tmp_path / "out", today=TODAY,
                              progress=False)
        assert result.incomplete and result.incomplete[0] == "crawl-failed"
    assert len(seen["threads"]) == 1, "the live page pass was not running during the crawl"
    assert not seen["threads"][0].is_alive()
    store = Store(tmp_path / "x.sqlite")
    status, findings = store.run(1)["status"], store.findings(1)
    store.close()
    assert status == "incomplete" and findings == []  # no checks ran for an unfinished crawl
