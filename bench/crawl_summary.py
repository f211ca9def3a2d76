"""Ratios and the cross-size table of the crawl benchmark (bench/bench_crawl.py).

``ratios(rows)``: from one size's rows (``bench_crawl.summarize``), the speedup of each nightly
mode over the cold run (wall and CPU seconds: the issue's target is an unchanged rerun >= 10x
faster than the cold run), of the cold run on N local workers (``--workers N``) over the
one-process cold run, and xunjian's cold run against each peer (linkinator, LinkChecker):
pages/s, wall time and peak RSS. ``print_sizes_table(summaries)`` prints every size's rows in one
table (wall s, pages/s, CPU s, peak RSS) followed by those ratios, the figures the issue's closing
note asks for. Figures are printed, never asserted.
"""

from __future__ import annotations

from typing import Any

PEERS = ("linkinator", "LinkChecker")
MODES = ("xunjian unchanged", "xunjian 1% edited", "xunjian resumed")


def _div(a: float, b: float) -> float | None:
    return a / b if a and b else None


def _x(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "n/a"


def cold_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    by_tool = {r["tool"]: r for r in rows}
    return by_tool.get("xunjian cold") or by_tool.get("xunjian")


def ratios(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """{"xunjian unchanged vs cold": {"wall": x, "cpu": x}, "xunjian vs linkinator": {...}, ...}."""
    by_tool = {r["tool"]: r for r in rows}
    cold = cold_row(rows)
    out: dict[str, dict[str, float | None]] = {}
    if cold is None or cold.get("timed_out"):
        return out
    for mode in MODES:
        r = by_tool.get(mode)
        if r and not r.get("timed_out"):
            out[f"{mode} vs cold (speedup)"] = {"wall": _div(cold["seconds"], r["seconds"]),
                                                 "cpu": _div(cold["cpu_s"], r["cpu_s"])}
    for tool, r in by_tool.items():  # --workers N: the cold run on N local processes
        if tool.startswith("xunjian cold, ") and tool.endswith(" workers") and not r.get("timed_out"):
            out[f"{tool} vs one process (speedup)"] = {"wall": _div(cold["seconds"], r["seconds"]),
                                                        "cpu": _div(cold["cpu_s"], r["cpu_s"])}
    for peer in PEERS:
        r = by_tool.get(peer)
        if r and r["seconds"]:
            out[f"xunjian cold vs {peer}"] = {
                "pages_per_s": _div(cold["pages_per_s"], r["pages_per_s"]),
                "wall": _div(r["seconds"], cold["seconds"]),  # > 1: xunjian took less time
                "peak_rss": _div(cold["peak_rss_mb"], r["peak_rss_mb"])}
    return out


def ratio_lines(found: dict[str, dict[str, float | None]]) -> list[str]:
    lines = []
    for name, figures in found.items():
        if "cpu" in figures:
            lines.append(f"  {name}: wall {_x(figures['wall'])}, CPU {_x(figures['cpu'])}")
        else:
            lines.append(f"  {name}: pages/s {_x(figures['pages_per_s'])}, speed (wall) {_x(figures['wall'])}, "
                         f"peak RSS {_x(figures['peak_rss'])} (< 1: xunjian smaller)")
    return lines


def print_sizes_table(summaries: list[dict[str, Any]]) -> None:
    """One table for every size measured, then the ratios of each size."""
    rows = [(s["planted"]["pages"], r) for s in summaries for r in s["tools"]]
    if not rows:
        return
    width = max(len(r["tool"]) for _, r in rows) + 2
    head = (f"{'size':>8}  {'tool':<{width}}{'wall s':>9}{'pages/s':>9}{'CPU s':>8}{'peak RSS MB':>13}"
            f"{'server req':>12}  note")
    print()
    print("all sizes (wall s, pages/s, CPU s of the process tree, peak summed RSS; server req = requests "
          "the web server saw):")
    print(head)
    print("-" * len(head))
    for size, r in rows:
        state = " TIMED OUT" if r.get("timed_out") else ""
        print(f"{size:>8}  {r['tool']:<{width}}{r['seconds']:>9.1f}{r['pages_per_s']:>9.1f}{r['cpu_s']:>8.1f}"
              f"{r['peak_rss_mb']:>13.1f}{r.get('server_requests', 0):>12}  {state}{r.get('note') or ''}")
    for summary in summaries:
        found = summary.get("ratios") or ratios(summary["tools"])
        if found:
            print(f"ratios at {summary['planted']['pages']} pages (> 1: xunjian / the mode faster):")
            for line in ratio_lines(found):
                print(line)
    for summary in summaries:
        for note in summary.get("skipped", []):
            print(f"{summary['planted']['pages']} pages: {note}")
