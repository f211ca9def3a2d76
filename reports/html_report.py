"""report.html: the daily inspection report (每日巡检报告) as one offline file.

Template reports/templates/report.html.j2 with report.css and report.js inlined,
so the folder works offline: no CDN, no web fonts, no external scripts. Jinja2
autoescaping covers every crawled string; only http(s) URLs become links.

Layout: verdict first (veto items, deductions, counts by severity, changes
since the previous run), run facts, the 30-run trend (inline SVG), then per rule
its title, severity, basis, advice and every finding (page, element, evidence,
referrers), with filters (rule, severity, column, new/persisting), a search box,
sortable columns and long lists shown ``PAGE_SIZE`` rows at a time. A print
stylesheet lays it out for A4. A Content-Security-Policy allows only the report's
own inline script (by hash) and loads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from checks.base import SEVERITIES
from reports import i18n, safe, svg_chart, write_atomic
from reports.evidence import PRIMARY, evidence_items
from reports.model import localized

FILENAME = "report.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZE = 25
REFERRERS_SHOWN = 5
# run stats with a label of their own (i18n key stat_<name>); other scalars render under their key
STAT_LABELS = ("pages", "resources", "links", "skipped", "errors", "retries", "reverified",
               "robots_skipped", "ignored", "elapsed_s", "pages_per_s", "bytes", "crawl_finish_reason",
               "traps", "skipped_by_scheme", "a11y_pages", "a11y_coverage", "a11y_engine")
STAT_HIDDEN = {"profile", "check_errors", "a11y", "limits", "crawl_pid"}


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["web_url"] = safe.is_web_url
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["when"] = _when
    return env


def _when(stamp: Any) -> str:
    """ISO timestamps as a reader writes them: 2026-11-22 06:26 UTC."""
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M")


def run_facts(stats: dict[str, Any], words: dict[str, str]) -> list[tuple[str, Any]]:
    """(label, value) pairs of the run stats that a reader cares about, known ones first."""
    facts: list[tuple[str, Any]] = []

    def show(key: str, value: Any) -> None:
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items() if not isinstance(v, (dict, list)))
        if isinstance(value, bool) or value in (None, "") or isinstance(value, list):
            return
        if key == "bytes" and isinstance(value, (int, float)):
            value = f"{value / 1048576:.1f} MB"
        if key == "a11y_coverage" and isinstance(value, float) and value <= 1:
            value = f"{value:.0%}"
        facts.append((words.get(f"stat_{key}", key), value))

    for key in STAT_LABELS:
        if key in stats:
            show(key, stats[key])
    a11y = stats.get("a11y")
    if isinstance(a11y, dict):
        if a11y.get("engine"):
            show("a11y_engine", a11y["engine"])
        if "pages_scanned" in a11y:
            facts.append((words["stat_a11y_scanned"], " / ".join(
                str(a11y.get(k, "—")) for k in ("pages_scanned", "pages_represented", "pages_total"))))
        if a11y.get("pages_failed"):
            facts.append((words["stat_a11y_failed"], a11y["pages_failed"]))
    for key, value in stats.items():
        if key not in STAT_LABELS and key not in STAT_HIDDEN and not isinstance(value, (dict, list)):
            show(key, value)
    return facts


def _search_text(f: dict[str, Any], lang: str, rule_title: str) -> str:
    parts = [f["page_url"], f["target"], localized(f, "message", lang), rule_title, f["rule_id"], f["column"],
             safe.evidence_text(f["evidence"])]
    for ref in f["referrers"]:
        parts += [str(ref.get("page", "")), str(ref.get("text", "")), str(ref.get("href", ""))]
    return " ".join(p for p in parts if p).lower()


def _view(model: dict[str, Any], lang: str) -> dict[str, Any]:
    words = i18n.strings(lang)
    by_rule: dict[str, list[dict[str, Any]]] = {}
    rules = {r["id"]: r for r in model["rules"]}
    for f in model["findings"]:
        rule = rules[f["rule_id"]]
        title = localized(rule, "title", lang)
        by_rule.setdefault(f["rule_id"], []).append({
            **f, "message": localized(f, "message", lang),
            "evidence_items": evidence_items(f["evidence"], lang),
            "search": _search_text(f, lang, title), "sev_rank": SEVERITIES.index(f["severity"]),
        })
    sections = []
    for rule in model["rules"]:
        rows = by_rule.get(rule["id"])
        if not rows:
            continue
        worst = max(rows, key=lambda r: r["sev_rank"])["severity"]
        sections.append({**rule, "title": localized(rule, "title", lang),
                         "advice": localized(rule, "advice", lang) or (words["unknown_rule_advice"]
                                                                       if not rule["known"] else ""),
                         "worst": worst, "rows": rows, "has_refs": any(r["referrers"] for r in rows)})
    stats = model["run"]["stats"]
    facts = run_facts(stats, words)
    check_errors: list[str] = []  # crashed modules come from the run manifest, in model["notes"]
    trend = model["trend"]
    sev_names = {s: words[f"sev_{s}"] for s in SEVERITIES}
    charts = []
    if len(trend) > 1:
        charts = [
            (words["trend_findings"], svg_chart.severity_trend(trend, words["trend_findings"], sev_names)),
            (words["trend_pages"], svg_chart.line_trend(trend, "pages", words["trend_pages"], "#1f6f8b",
                                                        "trend-pages")),
            (words["trend_broken"], svg_chart.line_trend(trend, "broken_links", words["trend_broken"],
                                                         "#c0392b", "trend-broken")),
        ]
    total = max(model["summary"]["total"], 1)
    severity_bars = [{"sev": s, "name": sev_names[s], "n": model["summary"]["by_severity"][s],
                      "pct": round(100 * model["summary"]["by_severity"][s] / total, 1)}
                     for s in reversed(SEVERITIES)]
    columns = sorted({f["column"] for f in model["findings"]})
    # the one inline script is allowed by its hash (Content-Security-Policy): anything that
    # slipped past escaping could still not run
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return {
        "m": model, "w": words, "lang": lang, "sections": sections, "facts": facts,
        "run_banner": i18n.run_banner(model, lang), "verdict_text": i18n.verdict_text(model, lang),
        "check_errors": check_errors, "charts": charts, "severity_bars": severity_bars,
        "columns": columns, "severities": list(reversed(SEVERITIES)), "page_size": PAGE_SIZE,
        "referrers_shown": REFERRERS_SHOWN, "evidence_shown": PRIMARY, "localized": localized,
        "clean_rules": [r for r in model["rules"] if r["ran"] and not r["counts"]["total"]],
        "idle_rules": [r for r in model["rules"] if not r["ran"] and not r["counts"]["total"]],
        "css": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "js": Markup(script),
        "script_hash": "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
        "ui": {"showing": words["showing"], "of": words["of"], "items": words["items"],
               "show_all": words["show_all"], "expand": words["expand"], "collapse": words["collapse"]},
    }


def to_html(model: dict[str, Any], lang: str) -> str:
    return _env().get_template("report.html.j2").render(**_view(model, lang))


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    return write_atomic(out_dir / FILENAME, to_html(model, lang).encode("utf-8"))
