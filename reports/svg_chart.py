"""Inline SVG charts for the HTML report (no script, no external resources).

``severity_trend`` draws stacked bars of findings by severity per run;
``line_trend`` draws one series (deductions, pages crawled, broken links) over the runs;
``verdict_strip`` draws one pass/fail square per run (the veto verdict). All return
markup with ``role="img"``, a ``<title>`` and a ``<desc>`` so screen
readers get a one-sentence summary; the report also prints the numbers as a
table. Colours match the severity badges in report.css; every drawn text is
escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from checks.base import SEVERITIES

SEVERITY_COLOURS = {"critical": "#7f1d1d", "error": "#c0392b", "warning": "#d68910", "info": "#5b7db1"}
WIDTH, HEIGHT = 440, 210
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 10, 14, 40


def _nice_max(value: float) -> int:
    if value <= 4:
        return 4
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return int(value * 1.1) + 1


def _axes(top: int, label_fmt: str = "{:d}") -> list[str]:
    parts = []
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    for i in range(5):
        y = PAD_TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
                     f'stroke="#d0d5dd" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
                     f'{escape(label_fmt.format(int(top * i / 4)))}</text>')
    return parts


def _x_labels(points: list[dict[str, Any]], slot: float) -> list[str]:
    parts = []
    every = max(1, -(-len(points) // 6))
    for i, p in enumerate(points):
        if i % every and i != len(points) - 1:
            continue
        x = PAD_LEFT + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" class="axis">'
                     f'{escape(str(p["today"])[5:])}</text>')
    return parts


def _svg(title: str, desc: str, body: list[str], ident: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(desc)}</desc>{"".join(body)}</svg>')


def severity_trend(points: list[dict[str, Any]], title: str, severity_names: dict[str, str],
                   ident: str = "trend-sev") -> Markup:
    top = _nice_max(max((p["total"] for p in points), default=0))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(points), 1)
    bar_w = max(2.0, min(28.0, slot * 0.7))
    body = _axes(top)
    for i, p in enumerate(points):
        x = PAD_LEFT + slot * (i + 0.5) - bar_w / 2
        y = PAD_TOP + plot_h
        for sev in SEVERITIES:
            n = p["by_severity"].get(sev, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                        f'fill="{SEVERITY_COLOURS[sev]}"><title>{escape(p["today"])} '
                        f'{escape(severity_names[sev])}: {n}</title></rect>')
    body += _x_labels(points, slot)
    legend_x = PAD_LEFT
    for sev in reversed(SEVERITIES):
        body.append(f'<rect x="{legend_x}" y="{HEIGHT - 12}" width="10" height="10" '
                    f'fill="{SEVERITY_COLOURS[sev]}"/><text x="{legend_x + 14}" y="{HEIGHT - 3}" '
                    f'class="legend">{escape(severity_names[sev])}</text>')
        legend_x += 70
    last = points[-1] if points else {"total": 0, "today": ""}
    desc = f"{len(points)} runs; latest {last['today']}: {last['total']}"
    return _svg(title, desc, body, ident)


def line_trend(points: list[dict[str, Any]], key: str, title: str, colour: str, ident: str) -> Markup:
    values = [p.get(key) for p in points]
    known = [v for v in values if isinstance(v, (int, float))]
    top = _nice_max(max(known, default=0))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(points), 1)
    body = _axes(top)
    coords = []
    for i, v in enumerate(values):
        if not isinstance(v, (int, float)):
            continue
        x = PAD_LEFT + slot * (i + 0.5)
        y = PAD_TOP + plot_h - plot_h * v / top
        coords.append((x, y, v, points[i]["today"]))
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _d in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    for x, y, v, day in coords:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                    f'<title>{escape(str(day))}: {v}</title></circle>')
    body += _x_labels(points, slot)
    desc = f"{len(points)} runs; latest: {known[-1] if known else 'n/a'}"
    return _svg(title, desc, body, ident)


VERDICT_COLOURS = {"pass": "#067647", "fail": "#b42318"}
VERDICT_MARKS = {"pass": "✔", "fail": "✖"}  # a mark as well as a colour: colour alone says nothing to some


def verdict_strip(points: list[dict[str, Any]], title: str, names: dict[str, str],
                  ident: str = "trend-veto") -> Markup:
    """One square per run, pass or fail of the veto items (``points[i]["veto"]``), oldest first."""
    height = 96
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    slot = plot_w / max(len(points), 1)
    side = max(6.0, min(30.0, slot * 0.8))
    body = []
    for i, p in enumerate(points):
        verdict = p.get("veto", "pass")
        x = PAD_LEFT + slot * (i + 0.5) - side / 2
        body.append(f'<rect x="{x:.1f}" y="18" width="{side:.1f}" height="{side:.1f}" rx="3" '
                    f'fill="{VERDICT_COLOURS[verdict]}"><title>{escape(str(p["today"]))}: '
                    f'{escape(names[verdict])}</title></rect>')
        if side >= 14:
            body.append(f'<text x="{x + side / 2:.1f}" y="{18 + side / 2 + 5:.1f}" text-anchor="middle" '
                        f'class="mark" fill="#fff">{VERDICT_MARKS[verdict]}</text>')
    every = max(1, -(-len(points) // 6))
    for i, p in enumerate(points):
        if i % every and i != len(points) - 1:
            continue
        x = PAD_LEFT + slot * (i + 0.5)
        body.append(f'<text x="{x:.1f}" y="{18 + side + 18:.1f}" text-anchor="middle" class="axis">'
                    f'{escape(str(p["today"])[5:])}</text>')
    failed = sum(1 for p in points if p.get("veto") == "fail")
    last = points[-1] if points else {"today": "", "veto": "pass"}
    desc = (f"{len(points)} runs, {failed} {names['fail']}; latest {last['today']}: "
            f"{names[last.get('veto', 'pass')]}")
    return Markup(
        f'<svg class="chart chart-strip" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        f'{"".join(body)}</svg>')
