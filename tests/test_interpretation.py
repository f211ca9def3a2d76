"""policy-interpretation-missing / -late (checks/disclosure/interpretation.py): 政策解读 三同步 over a real store
of small hand-written pages (not the demo's markup), checked through the registry as an audit runs
it. The bundled families' plants are asserted by tests/test_families.py."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from checks.base import CheckContext
from checks.registry import all_rules, run_checks
from config import load_site, load_thresholds
from crawler.store import Store

BASE = "http://gov.test"
TODAY = date(2026, 11, 22)  # a Sunday


def _page(title: str, body: str, meta: dict[str, str] | None = None) -> str:
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in (meta or {}).items())
    table = f'<table class="gk-meta">{rows}</table>' if rows else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_某区城管局</title>'
            f'</head><body><div class="top"><a href="/">首页</a></div>{table}<h1>{title}</h1>{body}'
            '<div class="foot">某区城市管理行政执法局 主办</div></body></html>')


def _policy(title: str, day: str, extra: str = "") -> str:
    return _page(title, f"<p>发布日期：{day}</p><p>现将{title[4:-3]}印发给你们。</p>{extra}")


def _normative(title: str, day: str, validity: str) -> str:
    return _page(title, f"<p>现将{title[4:-3]}印发给你们。</p>",
                 {"发布日期": day, "文号": "某城管规〔2026〕1号", "有效性": validity})


def _reading(title: str, day: str, link: str = "") -> str:
    return _page(title, f"<p>发布日期：{day}</p><p>一、制定背景。</p>" + (f'<p>原文：<a href="{link}">原文</a></p>'
                                                                   if link else ""))


def _list(title: str, items: list[tuple[str, str, str]]) -> str:
    lis = "".join(f'<li><a href="{href}">{text}</a><span class="date">{day}</span></li>'
                  for href, text, day in items)
    return _page(title, f'<ul class="list">{lis}</ul>')


POLICIES = [("/zcwj/1.html", "关于印发《某区夜景照明管理办法》的通知", "2026-10-05"),   # 解读 links to it, same week
            ("/zcwj/2.html", "关于印发《某区桥下空间管理办法》的通知", "2026-09-14"),   # no 解读
            ("/zcwj/3.html", "关于印发《某区绿化养护管理办法》的通知", "2026-08-07"),   # 解读 by title, 6 working days
            ("/zcwj/4.html", "关于印发《某区摊点管理办法》的通知", "2024-03-01")]       # older than the lookback


def _site() -> dict[str, str]:
    pages = {
        "/": _page("某区城管局", '<a href="/zcwj/index.html">政策文件</a><a href="/zcjd/index.html">政策解读</a>'
                               '<a href="/gfxwj/index.html">规范性文件</a>'),
        "/zcwj/index.html": _list("政策文件", POLICIES),
        "/zcjd/index.html": _list("政策解读", [("/zcjd/1.html", "《某区夜景照明管理办法》解读", "2026-10-07"),
                                           ("/zcjd/3.html", "关于《某区绿化养护管理办法》的解读", "2026-08-17")]),
        "/zcjd/1.html": _reading("政策图解：夜景照明新规", "2026-10-07", "/zcwj/1.html"),
        "/zcjd/3.html": _reading("关于《某区绿化养护管理办法》的解读", "2026-08-17"),
        "/gfxwj/index.html": _list("规范性文件", [("/gfxwj/1.html", "关于印发《某区渣土管理规定》的通知", "2026-07-01"),
                                             ("/gfxwj/2.html", "关于印发《某区夜市管理规定》的通知", "2026-06-01")]),
        "/gfxwj/1.html": _normative("关于印发《某区渣土管理规定》的通知", "2026-07-01", "有效"),
        "/gfxwj/2.html": _normative("关于印发《某区夜市管理规定》的通知", "2026-06-01", "废止"),
    }
    pages.update({path: _policy(title, day) for path, title, day in POLICIES})
    return pages


def _run(tmp_path: Path, pages: dict[str, str], columns: list | None, thresholds: dict | None = None):
    profile = tmp_path / "site.yaml"
    tmp_path.mkdir(parents=True, exist_ok=True)
    profile.write_text(f"name: jd\nstart_urls: ['{BASE}/']\n", encoding="utf-8")
    site = load_site(profile, overrides={"columns": columns} if columns else None)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("jd", TODAY.isoformat())
    for path, html in pages.items():
        store.put_resource(run_id, url=BASE + path, kind="page", in_scope=True, status=200,
                           content_type="text/html; charset=utf-8")
        store.put_body(run_id, BASE + path, html)
        store.put_links(run_id, [{"source_url": BASE + path, "target_url": BASE + href, "raw_href": href,
                                  "scheme": "http", "text": "", "tag": "a", "attr": "href", "position": n}
                                 for n, href in enumerate(re.findall(r'href="(/[^"]*)"', html))])
    store.commit()
    limits = load_thresholds(site)
    for key, value in (thresholds or {}).items():
        limits["interpretation"][key] = value
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=limits, today=TODAY)
    run_checks(ctx, only={"interpretation"})
    found = {(f.rule_id, f.page_url.removeprefix(BASE)): f for f in store.findings(run_id)}
    stats = store.run_stats(run_id)
    store.close()
    return found, ctx, stats


COLUMNS = [{"name": "政策文件", "url": "/zcwj/index.html", "type": "policy", "needs_interpretation": True},
           {"name": "政策解读", "url": "/zcjd/index.html", "type": "policy"},
           {"name": "规范性文件", "url": "/gfxwj/index.html", "type": "policy", "normative": True}]


def test_missing_and_late_interpretations_with_the_column_rate(tmp_path):
    found, _, stats = _run(tmp_path, _site(), COLUMNS)
    assert sorted(found) == [("policy-interpretation-late", "/zcwj/3.html"),
                             ("policy-interpretation-missing", "/gfxwj/1.html"),
                             ("policy-interpretation-missing", "/zcwj/2.html")]
    late = found[("policy-interpretation-late", "/zcwj/3.html")]
    assert late.target == BASE + "/zcjd/3.html" and late.evidence["working_days"] == 6
    missing = found[("policy-interpretation-missing", "/zcwj/2.html")]
    assert missing.evidence["column_rate"] == {"policies": 3, "interpreted": 2, "ratio": 0.667}
    assert found[("policy-interpretation-missing", "/gfxwj/1.html")].evidence["column"] == "规范性文件"
    assert "政策文件 2/3; 规范性文件 0/1" in " ".join(n["text_zh"] + n["text_en"] for n in stats["check_notes"])


def test_the_tolerance_and_the_marking_are_settings(tmp_path):
    found, _, _ = _run(tmp_path, _site(), COLUMNS, {"window_working_days": 6})
    assert ("policy-interpretation-late", "/zcwj/3.html") not in found
    unmarked = [dict(c, needs_interpretation=False) if c["name"] == "政策文件" else c for c in COLUMNS]
    found, _, _ = _run(tmp_path / "b", _site(), unmarked)
    assert sorted(found) == [("policy-interpretation-missing", "/gfxwj/1.html")]


def test_no_policy_is_not_checked_never_a_pass(tmp_path):
    pages = {"/": _page("某区城管局", "<p>欢迎</p>")}
    found, ctx, _ = _run(tmp_path, pages, None)
    assert found == {}
    assert ctx.unjudged == {"policy-interpretation-missing": "no-policy-documents",
                            "policy-interpretation-late": "no-policy-documents"}
    assert all_rules()["policy-interpretation-late"].basis.count("[U]") == 1
