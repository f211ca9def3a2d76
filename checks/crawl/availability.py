"""Veto V2 站点无法访问 from the availability probe's week of results (``xunjian probe``).

V2 [S] (rule book §1.2): the site is monitored for ``availability.window_days`` (7) days with at
least ``min_probes_per_day`` (20) visits a day; it fails when ``failure_share`` (5 %, "超过(含)")
or more of the visits did not open within ``timeout_s`` (15 s, applied by the probe). This module
reads the probe results the store holds for the profile's ``name`` in the window ending on the
run's "today" (``Store.availability``), judges the homepage's probes (the page the national
monitoring visits; key column pages are reported alongside) and writes the figures into the run
stats (``availability``: the report's availability line and the V2 row).

Never a false pass: with no probe result in the window the rule is not judged
(``no-probe-data``), with fewer than ``min_coverage`` of the expected probes it is not judged
either (``probe-coverage-low``), and the V2 row says so instead of passing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

from checks.base import CheckContext, Rule
from crawler.store import Finding

UNREACHABLE = Rule(
    id="site-unreachable", title_zh="站点无法访问（一周监测）", title_en="Site unreachable (a week of probes)",
    severity="critical", assessment="veto",
    basis="国办秘函〔2019〕19号 单项否决 V2（监测一周、每天不少于20次，超过15秒仍无法打开的比例≥5%）[S]",
    advice_zh="排查服务器、网络和域名解析的稳定性，配置监控告警，确保首页在15秒内可以打开。",
    advice_en="Check the stability of the server, network and DNS, set up monitoring alerts, and make sure "
              "the homepage opens within 15 seconds.",
    doc="Reads the results of `xunjian probe` (run 20+ times a day, docs/availability.md) for the last "
        "availability.window_days days: fires when availability.failure_share or more of the homepage "
        "probes failed (no 2xx answer within availability.timeout_s). Without probe data, or with fewer than "
        "availability.min_coverage of the expected probes, it is not judged and V2 says so. Example: 12 of "
        "140 homepage probes timed out during a week.",
)
RULES = [UNREACHABLE]
NEEDS_CONTENT = False  # probe results, not page content: judged even when tonight's homepage failed


def window(ctx: CheckContext, days: int) -> tuple[str, str]:
    """[since, until) as UTC ISO strings: the ``days`` days ending with the run's today."""
    start = ctx.today - timedelta(days=days - 1)
    return start.isoformat(), (ctx.today + timedelta(days=1)).isoformat()


def run(ctx: CheckContext) -> Iterator[Finding]:
    block = ctx.threshold("availability")
    days = int(block["window_days"])
    per_day = int(block["min_probes_per_day"])
    share_limit = float(block["failure_share"])
    coverage = float(block["min_coverage"])
    home = str(ctx.site.homepage) if hasattr(ctx.site, "homepage") else ""
    since, until = window(ctx, days)
    rows = ctx.store.availability(str((ctx.site or {}).get("name") or ""), since, until)
    home_rows = [r for r in rows if r["url"] == home]
    failed = [r for r in home_rows if not r["ok"]]
    expected = days * per_day
    figures = {
        "window_days": days, "since": since, "until": until, "homepage": home,
        "probes": len(home_rows), "failed": len(failed), "expected": expected,
        "share_pct": round(100 * len(failed) / len(home_rows), 2) if home_rows else None,
        "threshold_pct": round(100 * share_limit, 2), "mark": "[S]",
        "days_probed": len({r["checked_at"][:10] for r in home_rows}),
        "other_pages": {"probes": len(rows) - len(home_rows),
                        "failed": sum(1 for r in rows if r["url"] != home and not r["ok"])},
    }
    if not home_rows:
        figures["judged"] = "no-probe-data"
        ctx.not_judged(UNREACHABLE, "no-probe-data")
    elif len(home_rows) < coverage * expected:
        figures["judged"] = "probe-coverage-low"
        ctx.not_judged(UNREACHABLE, "probe-coverage-low")
    else:
        figures["judged"] = "judged"
    ctx.store.update_run_stats(ctx.run_id, {"availability": figures})
    if figures["judged"] != "judged" or len(failed) < share_limit * len(home_rows):
        return
    errors = Counter((r["error"] or f"HTTP {r['status']}")[:80] for r in failed)
    yield UNREACHABLE.finding(
        home, f"近 {days} 天首页探测 {len(home_rows)} 次，失败 {len(failed)} 次（{figures['share_pct']:g} %，"
              f"否决阈值 ≥{figures['threshold_pct']:g} % [S]）",
        f"{len(failed)} of {len(home_rows)} homepage probes in the last {days} days failed "
        f"({figures['share_pct']:g} %; veto threshold ≥{figures['threshold_pct']:g} % [S])",
        target="availability",
        evidence={**{key: figures[key] for key in ("window_days", "probes", "failed", "share_pct",
                                                   "threshold_pct")},
                  "errors": dict(errors.most_common(5)), "failures": [r["checked_at"] for r in failed[:20]]})
