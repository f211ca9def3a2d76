"""V5 (checks/interaction/interaction.py) and V6 (checks/interaction/services.py) on hand-written fixtures in a real store,
run through the registry as an audit runs them, and judged by the one veto evaluation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checks import manifest as manifest_mod
from checks.interaction._messages import Labels, page_messages
from checks.base import CheckContext
from checks.registry import all_rules, run_checks
from checks.verdict import evaluate_veto
from config import load_site, load_thresholds
from crawler.store import Store

FIX = Path(__file__).parent / "fixtures"
HOST = "http://gov.test"
TODAY = date(2026, 11, 22)


def _audit(tmp_path: Path, pages: dict[str, str], module: str) -> tuple[Store, int, dict]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: t\nstart_urls: ['{HOST}/']\n", encoding="utf-8")
    site = load_site(profile)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("t", TODAY.isoformat())
    for path, fixture in pages.items():
        store.put_resource(run_id, url=HOST + path, kind="page", in_scope=True, status=200)
        store.put_body(run_id, HOST + path, (FIX / fixture).read_text(encoding="utf-8"))
    store.commit()
    thresholds = load_thresholds(site)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=thresholds, today=TODAY)
    run_checks(ctx, only={module})
    return store, run_id, thresholds


def _veto(store: Store, run_id: int, thresholds: dict) -> dict[str, tuple[str, str]]:
    outcome = manifest_mod.rule_outcome(store.manifest(run_id))
    counts: dict[str, int] = {}
    for f in store.findings(run_id):
        counts[f.rule_id] = counts.get(f.rule_id, 0) + 1
    items, _ = evaluate_veto(thresholds["assessment"]["veto_items"],
                             lambda r: outcome.get(r, (False, "not-registered")), counts)
    return {v["id"]: (v["status"], v["reason"]) for v in items}


def test_rules_registered_with_documentation():
    rules = all_rules()
    for rid in ("veto-v5a-no-channel", "veto-v5b-unanswered", "reply-not-updated", "veto-v6a-no-service",
                "service-guide-incomplete", "veto-v6b-guides-incomplete"):
        rule = rules[rid]
        assert rule.title_zh and rule.title_en and rule.advice_zh and rule.advice_en and rule.doc
        assert "[S]" in rule.basis


def test_table_column_late_and_unanswered_messages_are_vetoed(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "interaction/home.html",
                                                  "/hdjl/zxzx/index.html": "interaction/table.html",
                                                  "/hdjl/xf/index.html": "interaction/xinfang.html"},
                                     "interaction")
    found = store.findings(run_id, "veto-v5b-unanswered")
    cited = {(f.evidence["title"], f.evidence["asked"], f.evidence["replied"]) for f in found}
    # late-answered and unanswered > 3 months; not the young one, the one older than a year,
    # the invalid one or the 信访 column's
    assert cited == {("夜间施工噪音", "2026-03-01", "2026-07-10"), ("占道经营何时整治", "2026-05-04", None)}
    assert all(f.severity == "critical" for f in found)
    unanswered = next(f for f in found if f.evidence["replied"] is None)
    assert "答复：无" in unanswered.message_zh and unanswered.page_url == f"{HOST}/hdjl/zxzx/m3.html"
    times = unanswered.evidence["reply_times"]
    assert times["answered"] == 2 and times["median_days"] == (7 + 131) / 2
    assert times["slowest"][0]["title"] == "夜间施工噪音" and times["slowest"][0]["days"] == 131
    assert store.findings(run_id, "veto-v5a-no-channel") == []
    assert store.findings(run_id, "reply-not-updated") == []  # newest reply 2026-10-09: 44 days
    assert _veto(store, run_id, thresholds)["V5"] == ("fail", "")


def test_list_rows_merge_with_detail_pages(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "interaction/home.html",
                                                  "/hdjl/jzxx/index.html": "interaction/list.html",
                                                  "/hdjl/jzxx/l1.html": "interaction/letter_late.html",
                                                  "/hdjl/jzxx/l2.html": "interaction/letter_ok.html"},
                                     "interaction")
    found = store.findings(run_id, "veto-v5b-unanswered")
    assert [(f.page_url, f.evidence["replied"], f.evidence["days"]) for f in found] == [
        (f"{HOST}/hdjl/jzxx/l1.html", "2026-08-20", 132)]
    assert found[0].evidence["messages"] == 2 and found[0].evidence["unit"] == "某区城管执法局"


def test_replies_not_updated_is_the_d3_deduction(tmp_path):
    store, run_id, _ = _audit(tmp_path, {"/": "interaction/home.html",
                                         "/hdjl/jzxx/l1.html": "interaction/letter_late.html"}, "interaction")
    stale = store.findings(run_id, "reply-not-updated")
    assert len(stale) == 1 and stale[0].evidence["newest_reply"] == "2026-08-20"
    assert stale[0].severity == "error"


def test_petition_only_portal_has_no_channel_and_v5b_is_not_checked(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "interaction/home_no_channel.html",
                                                  "/hdjl/xf/index.html": "interaction/xinfang.html"},
                                     "interaction")
    assert [f.target for f in store.findings(run_id, "veto-v5a-no-channel")] == ["V5a"]
    assert store.findings(run_id, "veto-v5b-unanswered") == []  # 信访 messages do not count
    outcome = manifest_mod.rule_outcome(store.manifest(run_id))
    assert outcome["veto-v5b-unanswered"] == (False, "no-consult-column")
    assert _veto(store, run_id, thresholds)["V5"] == ("fail", "")  # the absence itself fails


def test_channel_without_messages_is_not_checked_never_a_pass(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "interaction/home.html"}, "interaction")
    assert store.findings(run_id) == []
    assert _veto(store, run_id, thresholds)["V5"] == ("not_checked", "no-consult-column")


def test_message_reader_reads_tables_blocks_and_details():
    labels = Labels(load_thresholds(None)["interaction"]["labels"])
    rows = page_messages((FIX / "interaction/table.html").read_text(encoding="utf-8"), f"{HOST}/t.html",
                         labels, TODAY)
    assert len(rows) == 6 and rows[0].unit == "执法大队" and rows[0].url == f"{HOST}/m1.html"
    blocks = page_messages((FIX / "interaction/list.html").read_text(encoding="utf-8"),
                           f"{HOST}/hdjl/jzxx/index.html", labels, TODAY)
    assert [(b.title, b.status, str(b.asked_on)) for b in blocks] == [("小区违建", "已办结", "2026-04-10"),
                                                                       ("路边烧烤油烟", "已办结", "2026-09-15")]
    detail = page_messages((FIX / "interaction/letter_ok.html").read_text(encoding="utf-8"),
                           f"{HOST}/l2.html", labels, TODAY)
    assert [(d.title, str(d.replied_on), d.type) for d in detail] == [("路边烧烤油烟", "2026-09-20", "建议")]


SERVICE_PAGES = {"/": "services/home.html", "/bsfw/index.html": "services/guide_list.html",
                 "/bsfw/g1.html": "services/guide_complete.html",
                 "/bsfw/g2.html": "services/guide_incomplete.html",
                 "/bsfw/g3.html": "services/guide_linked.html",
                 "/bsfw/g4.html": "services/guide_linked_away.html",
                 "/ywtb/item/42.html": "services/ywtb_item.html"}


def test_incomplete_guides_are_named_and_the_share_vetoes(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, SERVICE_PAGES, "services")
    per_guide = store.findings(run_id, "service-guide-incomplete")
    # the complete guide and the one completed by its 一网通办 page are not reported; the one whose
    # 一网通办 page was not fetched is left unjudged
    assert [(f.page_url, f.evidence["missing"]) for f in per_guide] == [
        (f"{HOST}/bsfw/g2.html", ["办理地点", "办理时间"])]
    veto = store.findings(run_id, "veto-v6b-guides-incomplete")
    assert len(veto) == 1 and veto[0].evidence["guides"] == 3 and veto[0].evidence["incomplete"] == 1
    assert veto[0].evidence["unjudged_links_not_fetched"] == [f"{HOST}/bsfw/g4.html"]
    assert store.findings(run_id, "veto-v6a-no-service") == []
    assert _veto(store, run_id, thresholds)["V6"] == ("fail", "")


def test_share_below_threshold_passes(tmp_path):
    pages = {k: v for k, v in SERVICE_PAGES.items() if k != "/bsfw/g2.html"}
    store, run_id, thresholds = _audit(tmp_path, pages, "services")
    assert store.findings(run_id) == []
    assert _veto(store, run_id, thresholds)["V6"] == ("pass", "")


def test_no_service_entry_is_a_veto(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "services/home_none.html"}, "services")
    assert [f.target for f in store.findings(run_id, "veto-v6a-no-service")] == ["V6a"]
    assert _veto(store, run_id, thresholds)["V6"] == ("fail", "")


def test_entry_without_guides_is_not_checked(tmp_path):
    store, run_id, thresholds = _audit(tmp_path, {"/": "services/home.html"}, "services")
    assert _veto(store, run_id, thresholds)["V6"] == ("not_checked", "no-service-guide")


def test_service_stats_stale_is_the_d2_deduction(tmp_path):
    pages = {"/": "service_stats/home.html", "/bsfw/tjsj/index.html": "service_stats/stale.html"}
    store, run_id, _ = _audit(tmp_path, pages, "service_stats")
    stale = store.findings(run_id, "service-stats-stale")
    assert [(f.page_url, f.evidence["newest"]) for f in stale] == [
        (f"{HOST}/bsfw/tjsj/index.html", "2026-04-08")]


def test_service_stats_fresh_passes_and_absent_is_not_checked(tmp_path):
    pages = {"/": "service_stats/home.html", "/bsfw/tjsj/index.html": "service_stats/fresh.html"}
    store, run_id, _ = _audit(tmp_path / "a", pages, "service_stats")
    assert store.findings(run_id) == []
    assert manifest_mod.rule_outcome(store.manifest(run_id))["service-stats-stale"] == (True, "")
    store, run_id, _ = _audit(tmp_path / "b", {"/": "service_stats/home.html"}, "service_stats")
    outcome = manifest_mod.rule_outcome(store.manifest(run_id))
    assert outcome["service-stats-stale"] == (False, "no-service-stats")
