"""Accessibility pieces that need no browser: profile validation, the pinned-engine guard,
template sampling, the WCAG ↔ GB/T 37668 mapping, and the static and 适老化 rules over a
real SQLite store (results of a browser scan are stored exactly as the stage writes them)."""

from __future__ import annotations

import json
import shutil
import zlib
from datetime import date
from pathlib import Path

import pytest

from checks.a11y._common import gbt_clause, wcag_refs
from checks.base import CheckContext
from checks.registry import all_rules, run_checks
from config import ConfigError, load_thresholds
from crawler.browser import engine as engine_mod
from crawler.browser.engine import EngineMissing, load_engine
from crawler.browser.sampling import Candidate, choose, parse, skeleton
from config.a11y import validate_a11y
from crawler.store import Store
from tests.test_a11y_support import build_store, fixture_pages, page, profile

BASE = "http://127.0.0.1:9"


@pytest.mark.parametrize("block, message", [
    ({"browsers": 0}, "a11y.browsers: must be at least 1"),
    ({"per_templte": 2}, "a11y.per_templte: unknown key; did you mean 'per_template'?"),
    ({"window": "big"}, "a11y.window: 'big' is not WIDTHxHEIGHT"),
    ({"remote_url": "127.0.0.1:4444"}, "a11y.remote_url: '127.0.0.1:4444' is not an http(s) URL"),
    ({"axe_rules": {"region": "off"}}, "a11y.axe_rules.region: expected true or false"),
    ({"page_timeout_s": 0}, "a11y.page_timeout_s: must be a positive number"),
    ({"all_pages": "yes"}, "a11y.all_pages: expected true or false"),
    ({"all_pages": True, "scope": "sample"}, "a11y.all_pages: true contradicts a11y.scope: sample"),
    ({"scope": "every"}, "a11y.scope: 'every' is not a scope; write all"),
])
def test_profile_a11y_block_errors_are_one_line(tmp_path, block, message):
    with pytest.raises(ConfigError) as err:
        profile(tmp_path, BASE, block)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_profile_a11y_defaults():
    data = validate_a11y({}, "x.yaml")
    assert data["enabled"] is True and data["browsers"] == 2 and data["per_template"] == 2
    assert data["axe_tags"][:2] == ["wcag2a", "wcag2aa"] and data["locale"] == "zh_CN"


def test_missing_engine_names_the_setup_step(tmp_path, monkeypatch):
    with pytest.raises(EngineMissing, match=r"bash scripts/setup.sh"):
        load_engine(axe_dir=tmp_path / "node_modules" / "axe-core")
    # a copy without the locale file: still no fallback, one line naming the step
    axe = tmp_path / "node_modules" / "axe-core"
    axe.mkdir(parents=True)
    for name in ("axe.min.js", "package.json"):
        shutil.copy(engine_mod.AXE_DIR / name, axe / name)
    with pytest.raises(EngineMissing, match=r"zh_CN.json not found.*bash scripts/setup.sh"):
        load_engine(axe_dir=axe)
    # run_a11y itself refuses to start without the engine (before any browser is launched)
    from crawler.browser import run_a11y
    monkeypatch.setattr(engine_mod, "AXE_DIR", tmp_path / "nowhere")
    db = tmp_path / "x.sqlite"
    run_id = build_store(db, BASE, {"/": page("t", "<p>x</p>")})
    with pytest.raises(EngineMissing) as err:
        run_a11y(str(db), run_id, profile(tmp_path, BASE), progress=False)
    assert "\n" not in str(err.value)


def test_pinned_engine_is_4_14_1_with_chinese_locale():
    eng = load_engine()
    assert eng.version == "4.14.1" and eng.label == "axe-core 4.14.1"
    assert eng.locale["lang"] == "zh-CN" and "image-alt" in eng.locale["rules"]


def test_template_skeleton_groups_articles_apart_from_lists():
    pages = fixture_pages()
    sig = {p: skeleton(parse(html), 7) for p, html in pages.items()}
    assert sig["/art/2.html"] == sig["/art/3.html"] == sig["/wza.html"]
    assert sig["/art/1.html"] != sig["/art/2.html"]        # has a form block
    assert sig["/col/a/"] == sig["/col/c/"] != sig["/art/2.html"]
    assert skeleton(None, 7) == "unparsed"


def test_choose_keeps_home_and_columns_and_n_per_template():
    cands = [Candidate("h", "1", "T0", {"home"}), Candidate("c1", "2", "T1", {"column"}),
             Candidate("c2", "3", "T1", {"column"})] + [Candidate(f"a{i}", str(i), "T2") for i in range(5)]
    settings = validate_a11y({"scope": "sample", "per_template": 2}, "x")
    chosen, cov = choose(cands, settings)
    assert [c.url for c in chosen] == ["h", "c1", "c2", "a0", "a1"]
    assert cov["templates_found"] == 3 and cov["pages_represented"] == 8
    # scope: all is the default; all_pages is its old name (true: all, false: sample)
    for block in ({}, {"scope": "all"}, {"all_pages": True}):
        chosen_all, _ = choose(cands, validate_a11y(block, "x"))
        assert len(chosen_all) == 8, block
    assert validate_a11y({"all_pages": False}, "x")["scope"] == "sample"
    capped, _ = choose(cands, validate_a11y({"max_pages": 2}, "x"))
    assert [c.url for c in capped] == ["h", "c1"]
    # under a cap, one page of every template before a second page of any
    capped, _ = choose(cands, validate_a11y({"max_pages": 3, "scope": "sample", "per_template": 2}, "x"))
    assert [c.url for c in capped] == ["h", "c1", "a0"]


def test_wcag_and_gbt_mapping():
    refs = wcag_refs(["cat.text-alternatives", "wcag2a", "wcag111", "section508"])
    assert refs == {"sc": ["1.1.1"], "versions": ["2.0"], "levels": ["A"]}
    clause = gbt_clause(["1.4.3"])
    assert clause["zh"] == "GB/T 37668-2019 可感知（≈WCAG 1.4.3 对比度（最低限度），AA）"
    assert gbt_clause(["2.5.8"]) is None  # WCAG 2.2 only: GB/T 37668-2019 predates it


def test_every_a11y_rule_is_documented():
    rules = {rid: r for rid, r in all_rules().items() if rid.startswith(("a11y-", "elder-"))}
    assert len(rules) >= 15
    for rule in rules.values():
        assert rule.basis and rule.doc and rule.advice_zh and rule.advice_en and rule.title_zh


def _ctx(db: Path, run_id: int, site) -> CheckContext:
    return CheckContext(store=Store(db), run_id=run_id, site=site, thresholds=load_thresholds(site),
                        today=date(2026, 11, 22))


def test_static_and_elder_rules_without_a_browser(tmp_path):
    pages = fixture_pages()
    pages["/col/c/"] = pages["/col/c/"].replace('<a href="/wza.html">无障碍</a>', '<a href="/gone.html">无障碍</a>')
    db = tmp_path / "x.sqlite"
    run_id = build_store(db, BASE, pages)
    site = profile(tmp_path, BASE, {"enabled": False})
    ctx = _ctx(db, run_id, site)
    run_checks(ctx, only={"static_a11y", "elder", "a11y"})
    got = {(f.rule_id, f.page_url[len(BASE):], f.target) for f in ctx.store.findings(run_id)}
    assert got == {
        ("a11y-static-lang", "/art/1.html", ""),
        ("a11y-static-img-alt", "/art/1.html", ""),
        ("a11y-static-link-name", "/art/1.html", ""),
        ("a11y-static-label", "/art/1.html", ""),
        ("a11y-static-img-alt", "/art/3.html", ""),
        ("elder-entry", "/col/a/", "missing:elder"),
        ("elder-entry", "/col/c/", "broken:accessibility"),
        ("elder-zoom", "/col/b/", ""),
    }, sorted(got)
    broken = next(f for f in ctx.store.findings(run_id, "elder-entry") if f.target.startswith("broken:"))
    assert "404" in broken.message_en and broken.evidence["href"] == "/gone.html"


def _stored_result(db: Path, run_id: int, url: str, data: dict, status: str = "scanned", error: str = "") -> None:
    store = Store(db)
    store.db.execute("INSERT OR REPLACE INTO a11y_results VALUES (?,?,?,?,?,?,?,?)",
                     (run_id, url, status, "axe-core 4.14.1", "k", 0,
                      zlib.compress(json.dumps(data).encode()), error or None))
    store.close()


def test_probe_rules_judge_stored_measurements_with_config_thresholds(tmp_path):
    db = tmp_path / "x.sqlite"
    run_id = build_store(db, BASE, {"/": page("t", "<p>x</p>")})
    probe = {"viewport": {"width": 1280, "height": 700}, "text_sizes": {"13": 300, "16": 100}, "text_chars": 400,
             "overlays": [
                 {"selector": "#bar", "html": "", "width": 1280, "height": 60, "left": 0, "top": 0, "position": "fixed",
                  "dialog": False, "text": "", "visible_area": 76800},
                 {"selector": "#ad", "html": "", "width": 300, "height": 200, "left": 400, "top": 200,
                  "position": "fixed", "dialog": False, "text": "广告", "visible_area": 60000}],
             "opened_windows": [], "dialogs": [],
             "keyboard": {"walk": [{"selector": "a.x", "html": "<a>", "changed": False, "in_nav": True},
                                   {"selector": "a.y", "html": "<a>", "changed": True, "in_nav": True},
                                   {"selector": "div", "html": "<div>", "changed": None}]},
             "nav": {"selector": ".nav", "items": 3, "unreached": [{"selector": "span", "html": "", "text": "政策"}]}}
    axe = {"violations": [{"id": "image-alt", "impact": "critical", "tags": ["wcag2a", "wcag111"], "help": "图像必须有替代文本",
                           "help_en": "Images must have alternative text", "helpUrl": "u", "node_count": 1,
                           "nodes": [{"selector": "img", "html": "<img>", "impact": "critical", "summary": "s"}]},
                          {"id": "meta-viewport", "impact": "moderate", "tags": ["wcag2aa", "wcag144"], "help": "h",
                           "node_count": 1, "nodes": [{"selector": "meta", "html": "", "impact": "moderate"}]}],
           "incomplete": [{"id": "color-contrast", "impact": "serious", "tags": ["wcag2aa", "wcag143"], "help": "h",
                           "node_count": 1, "nodes": [{"selector": "p", "html": "<p>", "impact": "serious"}]}],
           "passes": ["document-title"], "inapplicable": ["audio-caption", "video-caption"]}
    _stored_result(db, run_id, BASE + "/", {"axe": axe, "probe": probe, "represents": 4})
    _stored_result(db, run_id, BASE + "/x", {"attempts": 2, "notes": ["a", "b"]}, "failed", "timed out")
    site = profile(tmp_path, BASE)
    ctx = _ctx(db, run_id, site)
    run_checks(ctx, only={"a11y", "elder"})
    found = {(f.rule_id, f.target): f for f in ctx.store.findings(run_id)}
    assert set(found) >= {("elder-text-size", ""), ("elder-popup", ""), ("elder-focus-visible", ""),
                          ("elder-nav-keyboard", ""), ("a11y-axe", "image-alt"), ("a11y-axe", "meta-viewport"),
                          ("a11y-axe-review", "color-contrast"), ("a11y-not-scanned", "")}
    assert [o["selector"] for o in found[("elder-popup", "")].evidence["overlays"]] == ["#ad"]  # bar excepted
    assert found[("elder-focus-visible", "")].evidence["count"] == 1
    assert found[("a11y-axe", "image-alt")].severity == "error"
    assert found[("a11y-axe", "meta-viewport")].severity == "warning"   # moderate impact
    assert found[("a11y-axe-review", "color-contrast")].severity == "info"
    ev = found[("a11y-axe", "image-alt")].evidence
    assert ev["passes"] == 1 and ev["inapplicable"] == 2 and ev["pages_with_same_template"] == 4
    assert found[("a11y-axe", "image-alt")].message_en.startswith("Images must have alternative text")

    # thresholds come from config: a 12px floor and a larger pop-up area clear both findings
    ctx2 = _ctx(db, run_id, site)
    ctx2.thresholds["a11y"]["elder"].update(min_body_text_px=12, popup_min_area_ratio=0.1)
    run_checks(ctx2, only={"elder"})
    rules = {f.rule_id for f in ctx2.store.findings(run_id)}
    assert "elder-text-size" not in rules and "elder-popup" not in rules


def test_dead_remote_endpoint_is_one_clear_error(tmp_path):
    from crawler.browser import run_a11y
    from crawler.browser.pool import BrowserUnavailable

    db = tmp_path / "x.sqlite"
    run_id = build_store(db, BASE, {"/": page("t", "<p>x</p>")})
    site = profile(tmp_path, BASE, {"remote_url": "http://127.0.0.1:1"})
    with pytest.raises(BrowserUnavailable) as err:
        run_a11y(str(db), run_id, site, progress=False)
    message = str(err.value)
    assert message.startswith("could not start a browser session on http://127.0.0.1:1") and "\n" not in message


def test_target_size_review_of_a_linked_image_of_declared_size_is_dropped(tmp_path):
    """axe cannot measure a link whose image content overflows it (a linked banner): when the image
    declares at least a11y.review_target_min_px in both dimensions there is nothing to review; a
    small icon or a text link stays a review item, and so does any other axe rule."""
    db = tmp_path / "x.sqlite"
    run_id = build_store(db, BASE, {"/": page("t", "<p>x</p>"), "/b": page("b", "<p>y</p>"),
                                    "/c": page("c", "<p>z</p>")})

    def review(nodes_html: list[str], rule: str = "target-size") -> dict:
        return {"id": rule, "impact": "serious", "tags": ["wcag22aa", "wcag258"], "help": "h",
                "node_count": len(nodes_html),
                "nodes": [{"selector": f"a:nth-child({i})", "html": h, "impact": "serious",
                           "summary": "overflow"}
                          for i, h in enumerate(nodes_html)]}

    banner = '<a href="/"><img src="/logo.png" alt="某区城管" width="420" height="60"></a>'
    icon = '<a href="/rss"><img src="/rss.png" alt="订阅" width="16" height="16"></a>'
    _stored_result(db, run_id, BASE + "/", {"axe": {"incomplete": [review([banner])], "violations": []}})
    _stored_result(db, run_id, BASE + "/b", {"axe": {"incomplete": [
        review([banner, icon]), review([banner], "bypass")], "violations": []}})
    _stored_result(db, run_id, BASE + "/c", {"axe": {"incomplete": [review(['<a href="/x">更多</a>'])],
                                                     "violations": []}})
    ctx = _ctx(db, run_id, profile(tmp_path, BASE))
    run_checks(ctx, only={"a11y"})
    found = sorted((f.page_url.removeprefix(BASE), f.target) for f in ctx.store.findings(run_id))
    assert found == [("/b", "bypass"), ("/b", "target-size"), ("/c", "target-size")]
    ctx.thresholds["a11y"]["review_target_min_px"] = 100   # the banner is 60 px high: reviewed again
    ctx.store.clear_findings(run_id)
    run_checks(ctx, only={"a11y"})
    again = {(f.page_url.removeprefix(BASE), f.target) for f in ctx.store.findings(run_id)}
    assert ("/", "target-size") in again
