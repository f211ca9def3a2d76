"""Scale benchmark of the HTML report: 10,000 findings, file size and time to interactive.

Usage (from the repository root)::

    .venv/bin/python bench/report_scale.py                    # 10,000 findings, 3 loads
    .venv/bin/python bench/report_scale.py --findings 5000 --loads 5 --keep

Steps: write a temporary SQLite store through the ``Store`` API with ``--history`` older
complete runs, a previous run and the latest run of ``--findings`` findings of a portal of
that size (broken links cited from 1-4 list pages, axe-core contrast and ARIA findings with
node records, stale columns, undated items, meta tags, mixed content; ~8 % new since the
previous run, and ~6 % of the previous run's findings fixed); build the report model and
render report.html (timed); then open it ``--loads`` times from disk in Debian's headless
Chromium (Selenium + chromedriver) and read:

- **interactive**: the ``report-interactive`` performance mark report.js sets once the view
  is rendered and every control works, in ms since navigation start;
- **painted**: the same plus the first frame after it (style, layout, paint);
- the number of DOM elements, and the time to switch to the page view, to the owner view
  and to search (each: fragment or input change until the next frame).

Targets (issue 14, on 2 cores): interactive ≤ 2 s, HTML ≤ 5 MB. Figures are printed, never
asserted; load from other processes shows up in them, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawler.store import Finding, Store  # noqa: E402
from report_screens import chromium  # noqa: E402

BASE = "http://127.0.0.1:8080"
COLUMNS = {"xwzx/zwdt": "政务动态", "xwzx/tzgg": "通知公告", "xxgk/zcwj": "政策文件", "xxgk/ghjh": "规划计划",
           "xxgk/rsxx": "人事信息", "xxgk/czzj": "财政资金", "xxgk/xzcf": "行政处罚", "xxgk/xzxk": "行政许可",
           "bmfw/bszn": "办事指南", "bmfw/cjwt": "常见问题", "hdjl/zxly": "在线留言", "hdjl/myzj": "民意征集",
           "zwgk/jgzn": "机构职能", "zwgk/ldxx": "领导信息", "zwgk/tjsj": "统计数据", "ztzl/cgzf": "城管执法",
           "ztzl/wmcj": "文明创建", "ztzl/aqsc": "安全生产", "xwzx/jcdt": "基层动态", "xwzx/mtbd": "媒体报道"}
# (rule, severity, share of the findings)
MIX = [("link-broken", "error", 0.50), ("a11y-contrast", "warning", 0.20), ("a11y-axe", "error", 0.10),
       ("item-no-date", "warning", 0.10), ("meta-tags", "warning", 0.06), ("column-stale", "error", 0.02),
       ("mixed-content", "warning", 0.02)]


def _broken(rng: random.Random, page: str, path: str, name: str) -> Finding:
    refs = [{"page": f"{BASE}/{path}/index_{rng.randrange(40)}.html", "tag": "a", "attr": "href",
             "text": f"{name}第{rng.randrange(999)}号文件", "href": page.rsplit("/", 1)[1]}
            for _ in range(rng.randint(1, 4))]
    return Finding("link-broken", "error", page, f"链接返回 404（{name}）", "Link answers 404",
                   evidence={"status": 404, "checked": "GET", "column": name}, referrers=refs)


def _axe(rng: random.Random, rule: str, sev: str, page: str, i: int) -> Finding:
    selector = f"#content > div.list > ul > li:nth-child({rng.randrange(30)}) > span.date"
    node = {"selector": selector, "html": f'<span class="date">2026-11-0{i % 9 + 1}</span>',
            "summary": "修复以下问题：\n  对比度不足 2.8:1"}
    return Finding(rule, sev, page, "文字对比度 2.8:1，低于 4.5:1", "Contrast 2.8:1 is below 4.5:1",
                   target=selector,
                   evidence={"axe_rule": "color-contrast", "impact": "serious", "impact_zh": "严重",
                             "wcag": ["1.4.3"], "help": "元素必须满足最低颜色对比度",
                             "help_en": "Elements must meet minimum color contrast ratio thresholds",
                             "nodes": [node]})


def findings(count: int, seed: int) -> list[Finding]:
    """``count`` findings of a large portal, deterministic for ``seed``."""
    rng = random.Random(seed)
    paths = list(COLUMNS)
    out: list[Finding] = []
    for rule, sev, share in MIX:
        for i in range(int(count * share)):
            col = rng.randrange(len(paths))
            path, name = paths[col], COLUMNS[paths[col]]
            page = f"{BASE}/{path}/202611/t20261{col:02d}{i:05d}_{rng.randrange(10**6)}.html"
            if rule == "link-broken":
                out.append(_broken(rng, page, path, name))
            elif rule.startswith("a11y"):
                out.append(_axe(rng, rule, sev, page, i))
            elif rule == "column-stale":
                days = rng.randint(95, 400)
                out.append(Finding(rule, sev, f"{BASE}/{path}/index.html", f"栏目“{name}”{days} 天未更新",
                                   f"Column {name} not updated for {days} days", target=f"{name}{i}",
                                   evidence={"column": name, "days": days, "last_item": "2026-05-01"}))
            else:
                out.append(Finding(rule, sev, page, f"{rule}：第 {i} 项", f"{rule} #{i}",
                                   evidence={"column": name, "detail": f"item {i}"}))
    return out


def build_store(db: Path, count: int, history: int, seed: int) -> int:
    store = Store(db)
    latest = findings(count, seed)
    rng = random.Random(seed + 1)
    fresh = set(rng.sample(range(len(latest)), int(len(latest) * 0.08)))
    previous = [f for i, f in enumerate(latest) if i not in fresh]
    previous += findings(int(count * 0.06), seed + 2)  # gone by the latest run: fixed
    for n in range(history):
        rid = store.start_run("scale", f"2026-11-{n + 1:02d}", "", "0.1.0")
        for f in previous[: len(previous) - rng.randrange(len(previous) // 5)]:
            store.put_finding(rid, f)
        store.finish_run(rid, "complete", {"pages": 5000 + n * 10})
    rid = store.start_run("scale", "2026-11-20", "", "0.1.0")
    for f in previous:
        store.put_finding(rid, f)
    store.finish_run(rid, "complete", {"pages": 5100})
    rid = store.start_run("scale", "2026-11-21", "", "0.1.0")
    for f in latest:
        store.put_finding(rid, f)
    store.finish_run(rid, "complete", {"pages": 5120, "links": 240000})
    store.commit()
    store.close()
    return rid


FRAME_JS = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0));
"""
ACTION_JS = """
const [kind, value] = [arguments[0], arguments[1]];
const done = arguments[arguments.length - 1];
const start = performance.now();
if (kind === 'hash') { location.hash = value; }
else { const q = document.getElementById('f-search'); q.value = value; q.dispatchEvent(new Event('input')); }
requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
"""


def measure(html: Path, loads: int) -> list[dict[str, float]]:
    drv = chromium(1440, 900)
    out = []
    try:
        for _ in range(loads):
            drv.get("about:blank")
            drv.get(html.as_uri())
            painted = drv.execute_async_script(FRAME_JS)
            mark = drv.execute_script("const m = performance.getEntriesByName('report-interactive')[0];"
                                      " return m ? m.startTime : null")
            row = {"interactive": mark, "painted": painted,
                   "elements": drv.execute_script("return document.getElementsByTagName('*').length")}
            row["page view"] = drv.execute_async_script(ACTION_JS, "hash", "#v=page")
            row["owner view"] = drv.execute_async_script(ACTION_JS, "hash", "#v=owner")
            row["search"] = drv.execute_async_script(ACTION_JS, "search", "zcwj")
            out.append(row)
    finally:
        drv.quit()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=8, help="older complete runs (the trend)")
    parser.add_argument("--loads", type=int, default=3, help="page loads in Chromium (the median is printed)")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (store, report)")
    args = parser.parse_args()
    from reports import html_report, model

    tmp = Path(tempfile.mkdtemp(prefix="report-scale-"))
    print(f"cpus {os.cpu_count()}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    run_id = build_store(tmp / "scale.sqlite", args.findings, args.history, args.seed)
    print(f"store: {args.findings:,} findings in the latest run, {args.history + 2} runs "
          f"({time.perf_counter() - started:.1f} s) in {tmp}")
    store = Store(tmp / "scale.sqlite")
    started = time.perf_counter()
    doc = model.build(store, run_id, "zh")
    built = time.perf_counter() - started
    started = time.perf_counter()
    (tmp / "out").mkdir()
    html = html_report.render(doc, tmp / "out", "zh")
    rendered = time.perf_counter() - started
    store.close()
    text = html.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S)
    summary = doc["summary"]
    print(f"model: {summary['total']:,} findings ({summary['new']:,} new, "
          f"{summary['persisting']:,} persisting, {summary['fixed']:,} fixed) built in {built:.2f} s;"
          f" HTML rendered in {rendered:.2f} s")
    size = html.stat().st_size
    print(f"report.html: {size / 1e6:.2f} MB (data block {len(block.group(1).encode()) / 1e6:.2f} MB) "
          f"-- target <= 5 MB: {'met' if size <= 5e6 else 'MISSED'}")
    rows = measure(html, args.loads)
    for key in ("interactive", "painted", "page view", "owner view", "search"):
        values = [r[key] for r in rows if r[key] is not None]
        each = ", ".join(f"{v:.0f}" for v in values)
        print(f"{key:12s} median {statistics.median(values):7.0f} ms   ({each})")
    tti = statistics.median(r["painted"] for r in rows)
    print(f"DOM elements after load: {rows[0]['elements']:,}; time to interactive (painted)"
          f" {tti / 1000:.2f} s -- target <= 2 s: {'met' if tti <= 2000 else 'MISSED'}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not args.keep:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
