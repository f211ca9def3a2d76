"""Crawl benchmark: a full ``xunjian run`` side by side with LinkChecker on the same generated portal.

Usage (from the repository root)::

    .venv/bin/python bench/bench_crawl.py                  # 20,000 pages, both tools
    .venv/bin/python bench/bench_crawl.py --pages 2000 --skip-linkchecker --json out.json
    .venv/bin/python bench/bench_crawl.py --pages 2000,20000,100000 --modes --skip-linkchecker

Steps: generate a deterministic portal (bench/crawl_portal.py) into a temp dir;
serve it on 127.0.0.1 and a second "external" host on 127.0.0.2 with nginx
(installed with apt-get when missing; Python's ThreadingHTTPServer as a noted
fallback) (bench/crawl_servers.py); run ``xunjian run`` (with ``--modes``: cold,
unchanged, 1 % edited and resumed, bench/crawl_modes.py; with ``--workers N`` also a cold
``xunjian run --workers N``, the row "xunjian cold, N workers"), linkinator (npm, bench-only
folder under /tmp) and ``linkchecker`` one after the other, each measured for wall time,
peak RSS of its process tree
and CPU time (bench/crawl_tools.py); print a table, the xunjian/LinkChecker
ratios and how many of the planted defects each tool found.

Figures are printed, never asserted. Every subprocess has a timeout
(``--timeout``), servers are stopped at the end and on Ctrl-C/SIGTERM, and all
traffic stays on 127.0.0.1/127.0.0.2. Options: see ``--help``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crawl_portal  # noqa: E402 - bench modules live beside this script
import crawl_servers  # noqa: E402
import crawl_modes  # noqa: E402
import crawl_summary  # noqa: E402
import crawl_tools  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="xunjian vs LinkChecker crawl benchmark (loopback only)")
    p.add_argument("--pages", default="20000",
                   help="HTML pages to generate; a comma list runs each size in turn, e.g. 2000,20000,100000 "
                        "(default: %(default)s)")
    p.add_argument("--seed", type=int, default=20251122, help="generator seed (default: %(default)s)")
    p.add_argument("--concurrency", type=int, default=16,
                   help="xunjian concurrency and LinkChecker threads (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=0,
                   help="seconds allowed per tool and mode (default 0: max(3600, 0.06 s a page), 6,000 s at "
                        "100,000 pages)")
    p.add_argument("--skip-linkchecker", action="store_true", help="measure xunjian only")
    p.add_argument("--skip-xunjian", action="store_true", help="measure LinkChecker only")
    p.add_argument("--skip-linkinator", action="store_true", help="no linkinator (npm) run")
    p.add_argument("--linkchecker-max-pages", type=int, default=5000, metavar="N",
                   help="skip LinkChecker on sites above N pages, saying why: it crawls ~20 pages/s and did "
                        "not finish 20,000 pages in 45 min (default: %(default)s; 0 = no limit)")
    p.add_argument("--modes", action="store_true",
                   help="xunjian cold / unchanged / 1%% edited / resumed (bench/crawl_modes.py) "
                        "instead of one run")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="also run `xunjian run --workers N` cold (N local crawl processes on a private "
                        "redis-server): the row 'xunjian cold, N workers' next to the single-process one")
    p.add_argument("--python-server", action="store_true", help="use ThreadingHTTPServer instead of nginx")
    p.add_argument("--no-install", action="store_true", help="never apt-get/pip install anything")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (site, logs, stores) and print it")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    try:
        args.sizes = [int(n) for n in str(args.pages).split(",")]
    except ValueError:
        p.error(f"--pages {args.pages!r}: write a number or a comma list such as 2000,20000,100000")
    if min(args.sizes) < 50:
        p.error("--pages must be at least 50")
    return args


def _on_sigterm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt


def score(found: set[str], planted: set[str]) -> dict[str, int]:
    return {"found": len(found), "planted_found": len(found & planted), "missed": len(planted - found),
            "not_planted": len(found - planted)}


def _rate(n: float, seconds: float) -> float:
    return n / seconds if seconds > 0 else 0.0


def summarize(results: list[crawl_tools.ToolResult], manifest: crawl_portal.Manifest) -> dict:
    planted_broken = set(manifest.broken_internal) | set(manifest.broken_external)
    planted_anchors = set(manifest.missing_anchors)
    rows = []
    for r in results:
        pages = r.pages or r.server.get("html_pages", 0)
        if not r.urls and r.server.get("distinct_urls"):  # no summary (timeout): what the server saw
            r.urls = r.server["distinct_urls"]
            r.note = (r.note + "; " if r.note else "") + "links verified from the server log"
        rows.append({
            "tool": r.tool, "pages": pages, "server_pages": r.server.get("html_pages", 0),
            "server_requests": r.server.get("requests", 0), "urls": r.urls, "link_occurrences": r.links,
            "seconds": round(r.measured.seconds, 2), "cpu_s": round(r.measured.cpu_s, 1),
            "pages_per_s": round(_rate(pages, r.measured.seconds), 1),
            # "links verified" = distinct link targets checked: LinkChecker 10 de-duplicates URLs before
            # checking and counts only those, so that is the figure both tools share
            "links_per_s": round(_rate(r.urls, r.measured.seconds), 1),
            "peak_rss_mb": round(r.measured.peak_rss_mb, 1), "returncode": r.measured.returncode,
            "stage_peak_rss_mb": r.measured.stage_peaks_mb,
            "timed_out": r.measured.timed_out, "note": r.note,
            "broken": score(r.broken, planted_broken), "anchors": score(r.anchors, planted_anchors),
            "broken_not_planted_sample": sorted(r.broken - planted_broken)[:5],
            "broken_missed_sample": sorted(planted_broken - r.broken)[:5],
        })
    return {"planted": {"pages": manifest.pages, "link_occurrences": manifest.link_occurrences,
                        "broken": len(planted_broken), "missing_anchors": len(planted_anchors)},
            "tools": rows}


def print_report(summary: dict, server_kind: str) -> None:
    planted = summary["planted"]
    rows = summary["tools"]
    print()
    print(f"site: {planted['pages']} HTML pages, {planted['link_occurrences']} link occurrences; "
          f"server: {server_kind}")
    width = max([12] + [len(r["tool"]) + 2 for r in rows])
    head = (f"{'tool':<{width}}{'pages':>8}{'links verified':>16}{'seconds':>9}{'pages/s':>9}{'links/s':>10}"
            f"{'CPU s':>8}{'peak RSS MB':>13}  findings (broken / anchors)")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['tool']:<{width}}{r['pages']:>8}{r['urls']:>16}{r['seconds']:>9.1f}"
              f"{r['pages_per_s']:>9.1f}{r['links_per_s']:>10.0f}{r['cpu_s']:>8.1f}{r['peak_rss_mb']:>13.1f}"
              f"  {r['broken']['found']} / {r['anchors']['found']}"
              + (f"  [{r['note']}]" if r["note"] else ""))
    for r in rows:
        if r.get("stage_peak_rss_mb"):
            print(f"  {r['tool']} peak RSS MB by stage: "
                  + ", ".join(f"{name} {mb:.1f}" for name, mb in r["stage_peak_rss_mb"].items()))
    by_tool = {r["tool"]: r for r in rows}
    print("(links verified = distinct link targets checked; server = requests the web server saw: "
          + ", ".join(f"{r['tool']} {r['server_requests']}" for r in rows) + ")")
    print()
    for kind, key in (("broken", "broken"), ("missing anchors", "anchors")):
        parts = [f"planted {kind}: {planted[key if key == 'broken' else 'missing_anchors']}"]
        for r in rows:
            s = r[key]
            parts.append(f"{r['tool']} found: {s['planted_found']}"
                         + (f" (+{s['not_planted']} not planted)" if s["not_planted"] else ""))
        print("; ".join(parts))
    summary["ratios"] = crawl_summary.ratios(rows)
    if summary["ratios"]:
        print()
        print("ratios (> 1: xunjian / the mode faster; peak RSS < 1: xunjian smaller):")
        for line in crawl_summary.ratio_lines(summary["ratios"]):
            print(line)
    for note in summary.get("skipped", []):
        print(note)
    x, lc = by_tool.get("xunjian"), by_tool.get("LinkChecker")
    if x and lc and lc["seconds"] and x["seconds"]:
        print()
        print("ratios xunjian/LinkChecker (speed > 1 = xunjian faster; memory < 1 = xunjian smaller):")
        print(f"  pages/s {x['pages_per_s'] / lc['pages_per_s'] if lc['pages_per_s'] else float('nan'):.2f}x  "
              f"links/s {x['links_per_s'] / lc['links_per_s'] if lc['links_per_s'] else float('nan'):.2f}x  "
              f"wall time {x['seconds'] / lc['seconds']:.2f}x  "
              f"peak RSS {x['peak_rss_mb'] / lc['peak_rss_mb'] if lc['peak_rss_mb'] else float('nan'):.2f}x")
        summary["ratios_linkchecker"] = {
            "pages_per_s": x["pages_per_s"] / lc["pages_per_s"] if lc["pages_per_s"] else None,
            "links_per_s": x["links_per_s"] / lc["links_per_s"] if lc["links_per_s"] else None,
            "seconds": x["seconds"] / lc["seconds"],
            "peak_rss": x["peak_rss_mb"] / lc["peak_rss_mb"] if lc["peak_rss_mb"] else None,
        }


def run_tool(name: str, fn, servers: crawl_servers.Servers) -> crawl_tools.ToolResult:
    """``fn()`` with what the web server saw of it (``name`` is the access log's agent: linkinator
    sends no User-Agent of its own, so it is logged as ``other``)."""
    offset = servers.access_log.stat().st_size if servers.access_log.exists() else 0
    result = fn()
    time.sleep(0.3)  # let the last access-log lines land
    result.server = crawl_servers.count_requests(servers.access_log, offset, name)
    return result


def linkchecker_skip_reason(args: argparse.Namespace, pages: int) -> str | None:
    if args.linkchecker_max_pages and pages > args.linkchecker_max_pages:
        return (f"LinkChecker skipped at {pages:,} pages (--linkchecker-max-pages {args.linkchecker_max_pages:,}): "
                f"it crawls ~20 pages/s and did not finish 20,000 pages in 45 min; raise the limit to run it")
    return None


# disk a size needs: the generated site and every store of the size (2,000-page bench: site 21 MB,
# ~27 MB of store per xunjian run); --modes keeps five runs (cold, unchanged, edited; killed, resumed)
SITE_BYTES_PER_PAGE = 11_000
STORE_BYTES_PER_PAGE_RUN = 15_000


def disk_needed(pages: int, modes: bool) -> int:
    return pages * (SITE_BYTES_PER_PAGE + (5 if modes else 1) * STORE_BYTES_PER_PAGE_RUN)


def bench_size(args: argparse.Namespace, pages: int, tmp: Path) -> dict:
    """Generate, serve and measure one site size; returns the printed summary."""
    servers = None
    args = argparse.Namespace(**{**vars(args), "timeout": args.timeout or max(3600.0, 0.06 * pages)})
    need, free = disk_needed(pages, args.modes), shutil.disk_usage(tmp).free
    print(f"[bench] {pages:,} pages: ~{need / 2**30:.1f} GiB of disk needed under {tmp} "
          f"({free / 2**30:.1f} GiB free); {args.timeout:.0f} s allowed per tool and mode", flush=True)
    if need > free:
        raise SystemExit(f"[bench] not enough disk for {pages:,} pages under {tmp}: ~{need / 2**30:.1f} GiB "
                         f"needed, {free / 2**30:.1f} GiB free; free space or set TMPDIR to a larger disk")
    try:
        portal_port = crawl_servers.free_port(crawl_servers.PORTAL_HOST)
        external_port = crawl_servers.free_port(crawl_servers.EXTERNAL_HOST)
        started = time.monotonic()
        manifest = crawl_portal.generate(tmp / "site", pages, args.seed,
                                         external_base=f"http://{crawl_servers.EXTERNAL_HOST}:{external_port}")
        print(f"[bench] generated {manifest.pages} pages ({manifest.articles} articles, {manifest.list_pages} "
              f"list pages, {manifest.attachments} attachments, {manifest.link_occurrences} link occurrences) "
              f"in {time.monotonic() - started:.1f}s under {tmp / 'site'}", flush=True)
        servers = crawl_servers.start_servers(tmp / "site", tmp / "server", portal_port, external_port,
                                              prefer_nginx=not args.python_server,
                                              allow_install=not args.no_install)
        print(f"[bench] serving with {servers.kind}: portal {servers.portal_base}, "
              f"external {servers.external_base}", flush=True)

        results = []
        if not args.skip_xunjian:
            if not crawl_tools.xunjian_has_run():
                print("[bench] `xunjian run` is not available yet; skipping xunjian", flush=True)
            elif args.modes:
                results.extend(crawl_modes.run_modes(servers.portal_base, tmp / "xunjian", tmp / "site",
                                                     manifest.pages, args.concurrency, args.timeout,
                                                     access_log=servers.access_log))
            else:
                results.append(run_tool("xunjian", lambda: crawl_tools.run_xunjian(
                    servers.portal_base, tmp / "xunjian", manifest.pages, args.concurrency, args.timeout),
                    servers))
            if args.workers and crawl_tools.xunjian_has_run():
                results.append(run_tool("xunjian", lambda: crawl_tools.run_xunjian(
                    servers.portal_base, tmp / f"xunjian-{args.workers}-workers", manifest.pages,
                    args.concurrency, args.timeout, workers=args.workers), servers))
        if not args.skip_linkinator:
            results.append(run_tool("other", lambda: crawl_modes.run_linkinator(
                servers.portal_base, tmp / "linkinator", args.concurrency, args.timeout), servers))
        skipped = []
        if not args.skip_linkchecker and linkchecker_skip_reason(args, manifest.pages):
            skipped.append(linkchecker_skip_reason(args, manifest.pages))
            print(f"[bench] {skipped[-1]}", flush=True)
        elif not args.skip_linkchecker:
            if args.no_install and not (crawl_tools.LINKCHECKER_VENV / "bin" / "linkchecker").exists():
                print("[bench] LinkChecker not installed and --no-install given; skipping it", flush=True)
            else:
                results.append(run_tool("linkchecker", lambda: crawl_tools.run_linkchecker(
                    servers.portal_base, tmp / "linkchecker", args.concurrency, args.timeout), servers))

        summary = summarize(results, manifest)
        summary.update({"skipped": skipped, "server": servers.kind, "concurrency": args.concurrency, "seed": args.seed,
                        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
        print_report(summary, servers.kind)
        return summary
    finally:
        if servers:
            servers.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    summaries = []
    tmp_dirs = []
    try:
        for pages in args.sizes:
            tmp = Path(tempfile.mkdtemp(prefix=f"xunjian-bench-{pages}-"))
            tmp_dirs.append(tmp)
            summaries.append(bench_size(args, pages, tmp))
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
        crawl_summary.print_sizes_table(summaries)
        if args.json:
            args.json.write_text(json.dumps(summaries if len(summaries) > 1 else summaries[0],
                                            ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"[bench] figures written to {args.json}")
        return 0
    except KeyboardInterrupt:
        print("[bench] interrupted; servers stopped, crawlers killed", file=sys.stderr)
        return 130
    finally:
        for tmp in tmp_dirs:
            if args.keep:
                print(f"[bench] kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
