"""The availability probe and veto V2 (xunjian/probe.py, xunjian/commands/probe.py,
checks/crawl/availability.py): real probes of a real loopback server into a real store, then the rule
and the report over a week of stored probe results (typed Store methods, explicit times)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from checks.base import CheckContext
from checks.crawl import availability
from checks.verdict import evaluate_veto
from config import load_site, load_thresholds
from crawler.store import Store
from reports.model import availability_line
from tests._servers import Reply, TestServer, html
from xunjian.cli import main

TODAY = date(2026, 11, 22)


def _profile(tmp_path, base: str) -> str:
    path = tmp_path / "site.yaml"
    path.write_text(f"name: probe-test\nstart_urls: ['{base}/']\n"
                    "network: {allow_addresses: ['127.0.0.0/8']}\n"
                    "columns:\n  - {name: 通知公告, url: /tzgg/index.html, type: notice}\n"
                    "  - {name: 外站, url: 'http://127.0.0.9:1/x.html', type: news}\n", encoding="utf-8")
    return str(path)


def test_the_probe_fetches_the_homepage_and_key_pages_and_stores_each_result(tmp_path, capsys):
    server = TestServer().start()
    try:
        server.route("/", html("<title>首页</title>"))
        server.route("/tzgg/index.html", Reply(status=503, body=b"busy"))
        rc = main(["probe", "--site", _profile(tmp_path, server.base), "--db", str(tmp_path / "x.sqlite")])
    finally:
        server.stop()
    out, err = capsys.readouterr()
    assert rc == 1, "a failing key page makes the probe exit 1"
    assert "outside the profile's scope" in err and "127.0.0.9" not in out
    store = Store(tmp_path / "x.sqlite")
    rows = store.availability("probe-test", "2000-01-01")
    store.close()
    assert [(r["url"].rsplit("/", 1)[-1] or "/", r["status"], r["ok"]) for r in rows] == [
        ("/", 200, True), ("index.html", 503, False)]
    assert rows[1]["error"] == "HTTP 503" and rows[0]["checked_at"].endswith("+00:00")


def _week(store: Store, home: str, failures: int, per_day: int = 20) -> None:
    for day in range(7):
        for n in range(per_day):
            at = datetime(2026, 11, 16, 0, 0, tzinfo=timezone.utc) + timedelta(days=day, minutes=70 * n)
            failed = day * per_day + n < failures
            store.put_availability(site="probe-test", url=home, checked_at=at.isoformat(timespec="seconds"),
                                   status=None if failed else 200, elapsed_ms=15001 if failed else 80,
                                   ok=not failed, error="timeout" if failed else "")


@pytest.mark.parametrize("failures, per_day, fires, judged", [
    (7, 20, True, "judged"),            # 7 of 140 = 5.0 %: 超过(含) -> fails
    (6, 20, False, "judged"),           # 4.3 %: passes
    (0, 10, False, "probe-coverage-low"),
    (0, 0, False, "no-probe-data"),
])
def test_v2_is_judged_from_a_week_of_probes(tmp_path, failures, per_day, fires, judged):
    site = load_site(_profile(tmp_path, "http://127.0.0.1:9"))
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("probe-test", TODAY.isoformat())
    _week(store, site.homepage, failures, per_day)
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site), today=TODAY)
    found = list(availability.run(ctx))
    figures = store.run_stats(run_id)["availability"]
    store.close()
    assert bool(found) == fires and figures["judged"] == judged
    assert (availability.UNREACHABLE.id in ctx.unjudged) == (judged != "judged")
    line = availability_line(figures, "zh")
    assert ("无探测数据" in line) == (judged == "no-probe-data") and line
    if fires:
        assert found[0].severity == "critical" and "≥5 % [S]" in found[0].message_zh
        assert figures["share_pct"] == 5.0
    items = [{"id": "V2", "rules": ["site-unreachable"]}]
    ran = lambda rule: (judged == "judged", "" if judged == "judged" else judged)  # noqa: E731
    [v2], verdict = evaluate_veto(items, ran, {"site-unreachable": len(found)})
    assert v2["status"] == ("fail" if fires else "pass" if judged == "judged" else "not_checked")
    assert verdict["veto"] in ("fail", "pass"), "missing probe data is said, not an incomplete verdict"
