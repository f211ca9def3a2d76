"""Accessibility-stage benchmark: pages/min with N browsers, first night (every page) and next night.

Usage (from the repository root)::

    .venv/bin/python bench/bench_a11y.py                      # 60 demo pages, pools of 1 and 2
    .venv/bin/python bench/bench_a11y.py --pages 0 --pools 1 2 --changed 0.05 --json out.json

Steps: build the bundled demo portal and serve it on 127.0.0.1; fetch ``--pages`` of its
HTML pages (0 = all of them) over HTTP and store them as a crawl would (resources, bodies,
links) in a temporary SQLite store. Then for each pool size (``a11y.browsers``), on a fresh store:

* ``sample``: the fast mode (``a11y.scope: sample``, per_template 2), for comparison;
* ``first-night``: ``a11y.scope: all`` with incremental off, every page scanned;
* ``next-night``: ``--changed`` of the pages edited on the server (a line of text each, default
  5 %), the pages stored again as a new run and ``scope: all`` run with the incremental cache:
  only the edited pages are scanned, the rest carried over;
* ``unchanged``: the same pages once more, nothing rescanned.

Prints wall time, pages/min (audited pages over wall time; for the first night that is scans
per minute) and CPU seconds of the whole process tree (this process, chromedriver, Chromium),
polled with psutil.
Figures are printed, never asserted; load from other processes on the machine shows up in the
wall times (not much in the CPU seconds), so the load average is printed too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
import psutil  # noqa: E402
import yaml  # noqa: E402

from config import load_site  # noqa: E402
from crawler.browser import run_a11y  # noqa: E402
from crawler.store import Store  # noqa: E402
from xunjian.demo import build_site  # noqa: E402
from xunjian.demo.server import serve  # noqa: E402


def store_pages(db: Path, base: str, paths: list[str], site_name: str) -> int:
    """One run's crawl facts for ``paths`` fetched from the live demo server."""
    store = Store(db)
    run_id = store.start_run(site_name, date.today().isoformat())
    for path in paths:
        url = base + path
        with urllib.request.urlopen(url, timeout=10) as resp:  # loopback only
            raw = resp.read()
            charset = resp.headers.get_content_charset() or "utf-8"
        html = raw.decode(charset, "replace")
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           depth=0 if path == "/" else 1, content_hash=hashlib.sha256(raw).hexdigest())
        store.put_body(run_id, url, html)
        links = []
        for pos, (el, attr, href, _) in enumerate(lxml.html.document_fromstring(raw).iterlinks()):
            try:
                target = urldefrag(urljoin(url, href))[0]
            except ValueError:  # the demo plants malformed hrefs (e.g. "http://[bad"): no target
                continue
            links.append({"source_url": url, "target_url": target, "raw_href": href, "scheme": "http",
                          "text": "", "tag": el.tag, "attr": attr, "position": pos})
        store.put_links(run_id, links)
    store.close()
    return run_id


def phase_medians(db: Path, run_id: int) -> dict[str, int]:
    """Median milliseconds per scan phase (load, axe, probe) of the pages scanned in a run."""
    store = Store(db)
    per_phase: dict[str, list[int]] = {}
    for (blob,) in store.db.execute("SELECT result_z FROM a11y_results WHERE run_id=? AND status='scanned'",
                                    (run_id,)):
        for name, ms in (json.loads(zlib.decompress(blob)).get("timings") or {}).items():
            per_phase.setdefault(name, []).append(ms)
    store.close()
    return {name: int(statistics.median(values)) for name, values in per_phase.items()}


class TreeCpu:
    """CPU seconds of this process plus its descendants (chromedriver, Chromium and its renderers),
    polled with psutil every ``POLL_S`` while a night runs: the browsers are killed at the end of
    the stage, so they never show up in RUSAGE_CHILDREN."""

    POLL_S = 0.25

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.by_pid: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self.stop.wait(self.POLL_S):
            try:
                kids = self.me.children(recursive=True)
            except psutil.Error:
                continue
            for proc in kids:
                try:
                    times = proc.cpu_times()
                    self.by_pid[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass  # gone between listing and reading

    def __enter__(self) -> "TreeCpu":
        own = self.me.cpu_times()
        self.own_before = own.user + own.system
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        own = self.me.cpu_times()
        self.seconds = own.user + own.system - self.own_before + sum(self.by_pid.values())


def night(db: Path, base: str, paths: list[str], tmp: Path, pool: int, label: str,
          a11y: dict) -> dict:
    """One run of the stored pages through the browser stage with the given ``a11y`` block."""
    profile = tmp / f"bench{pool}-{label}.yaml"
    profile.write_text(yaml.safe_dump({
        "name": f"bench-{pool}", "start_urls": [base + "/"],
        "a11y": {"max_pages": 0, "browsers": pool, **a11y}}), encoding="utf-8")
    site = load_site(profile)
    run_id = store_pages(db, base, paths, site.name)
    started = time.monotonic()
    with TreeCpu() as tree:
        stats = run_a11y(str(db), run_id, site, progress=False)
    wall, cpu = time.monotonic() - started, tree.seconds
    done = stats["pages_scanned"] + stats["pages_reused"]
    phases = phase_medians(db, run_id)
    row = {"pool": pool, "mode": label, "pages": done, "total": stats["pages_total"],
           "scanned": stats["pages_scanned"], "reused": stats["pages_reused"], "failed": stats["pages_failed"],
           "wall_s": round(wall, 2), "cpu_s": round(cpu, 1), "pages_per_min": round(done / wall * 60, 1),
           "phases_ms": phases, "engine": stats["engine"]}
    print(f"pool={pool} {label:11} {done:4}/{stats['pages_total']} pages ({stats['pages_scanned']} scanned, "
          f"{stats['pages_reused']} reused, {stats['pages_failed']} failed) in {wall:7.2f}s, CPU {cpu:6.1f}s "
          f"= {done / wall * 60:8.1f} pages/min"
          + (f"  (median per scan: {', '.join(f'{k} {v}' for k, v in phases.items())})" if phases else ""),
          flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60, help="HTML pages to scan, 0 = all (default 60)")
    parser.add_argument("--pools", type=int, nargs="+", default=[1, 2], help="pool sizes (default 1 2)")
    parser.add_argument("--changed", type=float, default=0.05,
                        help="share of pages edited before the next night (default 0.05)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    site = build_site(date(2026, 11, 22))
    html_paths = sorted(p for p in site.paths("portal") if p == "/" or p.endswith((".html", "/")))
    rows = []
    with tempfile.TemporaryDirectory(prefix="xunjian-bench-a11y-") as tmp, serve(site) as server:
        base = server.portal_base.rstrip("/")
        paths = []
        for path in html_paths:  # keep pages that answer 200 quickly (the demo also plants faults)
            try:
                with urllib.request.urlopen(base + path, timeout=2) as resp:
                    if resp.status == 200 and "html" in resp.headers.get("Content-Type", ""):
                        paths.append(path)
            except OSError:
                continue
            if args.pages and len(paths) >= args.pages:
                break
        # every n-th page is edited before the next night (never the homepage)
        step = max(1, round(1 / args.changed)) if args.changed > 0 else 0
        edited = [p for i, p in enumerate(paths) if step and i % step == step - 1 and p != "/"]
        for pool in args.pools:
            db = Path(tmp) / f"bench{pool}.sqlite"
            rows.append(night(Path(tmp) / f"sample{pool}.sqlite", base, paths, Path(tmp), pool, "sample",
                              {"scope": "sample"}))
            rows.append(night(db, base, paths, Path(tmp), pool, "first-night",
                              {"scope": "all", "incremental": False}))
            for path in edited:
                site.edit("portal", path, lambda text, n=pool: text.replace(
                    "</body>", f"<p>本页已更新（第 {n} 次）</p></body>", 1), "bench edit")
            rows.append(night(db, base, paths, Path(tmp), pool, "next-night", {"scope": "all"}))
            rows.append(night(db, base, paths, Path(tmp), pool, "unchanged", {"scope": "all"}))
    print(f"engine {rows[0]['engine'] if rows else '?'}; {len(paths)} pages, {len(edited)} edited before the "
          f"next night; cores {os.cpu_count()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
