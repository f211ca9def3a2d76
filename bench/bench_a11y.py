"""Accessibility-stage benchmark: pages/min scanned by the Chromium pool, cold and incremental.

Usage (from the repository root)::

    .venv/bin/python bench/bench_a11y.py                      # 60 demo pages, pools of 1 and 2
    .venv/bin/python bench/bench_a11y.py --pages 120 --pools 1 2 3 --json out.json

Steps: build the bundled demo portal and serve it on 127.0.0.1; fetch ``--pages`` of its
HTML pages over HTTP and store them as a crawl would (resources, bodies, links) in a
temporary SQLite store; then for each pool size run ``crawler.browser.run_a11y`` with
``a11y.all_pages: true`` on a fresh run (cold: every page scanned) and once more on a
second run of identical pages (warm: every result reused from the incremental cache).
Prints wall time and pages/min per configuration. Figures are printed, never asserted;
load from other processes on the machine shows up in them, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
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
            target = urldefrag(urljoin(url, href))[0]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60, help="HTML pages to scan (default 60)")
    parser.add_argument("--pools", type=int, nargs="+", default=[1, 2], help="pool sizes (default 1 2)")
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
            if len(paths) >= args.pages:
                break
        for pool in args.pools:
            profile = Path(tmp) / f"bench{pool}.yaml"
            profile.write_text(yaml.safe_dump({
                "name": f"bench-{pool}", "start_urls": [base + "/"],
                "a11y": {"all_pages": True, "max_pages": 0, "browsers": pool}}), encoding="utf-8")
            profile_site = load_site(profile)
            db = Path(tmp) / f"bench{pool}.sqlite"
            for label in ("cold", "incremental"):
                run_id = store_pages(db, base, paths, profile_site.name)
                started = time.monotonic()
                stats = run_a11y(str(db), run_id, profile_site, progress=False)
                wall = time.monotonic() - started
                done = stats["pages_scanned"] + stats["pages_reused"]
                phases = phase_medians(db, run_id)
                rows.append({"phases_ms": phases, "pool": pool, "mode": label, "pages": done, "scanned": stats["pages_scanned"],
                             "reused": stats["pages_reused"], "failed": stats["pages_failed"],
                             "wall_s": round(wall, 2), "pages_per_min": round(done / wall * 60, 1),
                             "engine": stats["engine"]})
                print(f"pool={pool} {label:11} {done:4} pages ({stats['pages_scanned']} scanned, "
                      f"{stats['pages_reused']} reused, {stats['pages_failed']} failed) in {wall:7.2f}s "
                      f"= {done / wall * 60:8.1f} pages/min"
                      + (f"  (median per page: {', '.join(f'{k} {v}' for k, v in phases.items())})" if phases else ""),
                      flush=True)
    print(f"engine {rows[0]['engine'] if rows else '?'}; cores {os.cpu_count()}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
