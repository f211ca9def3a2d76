"""report.html: the daily inspection report (每日巡检报告) as one offline file.

Template reports/templates/report.html.j2 with report.css and report.js inlined,
so the folder works offline: no CDN, no web fonts, no external scripts. Jinja2
autoescaping covers every crawled string; only http(s) URLs become links.

Layout: verdict first (veto items, deductions, counts by severity, new / fixed /
persisting as links to those filters), run facts, the change table (per rule:
previous run -> this run), trends over recent runs (inline SVG: veto verdict,
deductions, findings by severity, pages, broken links), then the findings.

The findings ship once, as JSON (reports/html_data.py), and report.js renders the
rows a reader opens in one of three views: by rule, by page (worst page first), by
owner/column; groups beyond the first screen start collapsed, rows come in pages of
``PAGE_SIZES``; the view and the filters live in the URL fragment. Without
JavaScript the page still shows the verdict, the counts and the first
``STATIC_ROWS`` findings of each rule. A print stylesheet lays it out for A4. A
Content-Security-Policy allows only the report's own inline script (by hash) and
loads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from checks.base import SEVERITIES
from reports import html_data, i18n, safe, svg_chart, write_atomic
from reports.evidence import PRIMARY, evidence_items
from reports.model import column_of, localized

FILENAME = "report.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZES = (25, 50, 100)  # rows per page a reader can choose; never "all" for thousands
STATIC_ROWS = 5  # findings per rule in the page as written, i.e. what shows without JavaScript
GROUPS_PER_PAGE = 50  # group sections (rules, pages, owners) per page of the view
REFERRERS_SHOWN = 5
# run stats with a label of their own (i18n key stat_<name>); other scalars render under their key
STAT_LABELS = ("pages", "resources", "links", "skipped", "errors", "retries", "reverified",
               "robots_skipped", "ignored", "elapsed_s", "pages_per_s", "bytes", "crawl_finish_reason",
               "traps", "skipped_by_scheme", "a11y_pages", "a11y_coverage", "a11y_engine")
STAT_HIDDEN = {"profile", "check_errors", "a11y", "limits", "crawl_pid", "columns_located"}


@lru_cache(maxsize=1)  # one environment per process: it caches the compiled template (~0.2 s a compile)
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
        if a11y.get("scope") in ("all", "sample"):
            show("a11y_scope", words[f"a11y_scope_{a11y['scope']}"])
        if "pages_scanned" in a11y:
            # audited = scanned this run + unchanged pages whose stored result was carried over
            facts.append((words["stat_a11y_scanned"], " / ".join(
                str(a11y.get(k, "—")) for k in ("pages_audited", "pages_represented", "pages_total"))))
        if a11y.get("pages_reused"):
            facts.append((words["stat_a11y_reused"], a11y["pages_reused"]))
        if a11y.get("pages_failed"):
            facts.append((words["stat_a11y_failed"], a11y["pages_failed"]))
    for key, value in stats.items():
        if key not in STAT_LABELS and key not in STAT_HIDDEN and not isinstance(value, (dict, list)):
            show(key, value)
    return facts


def change_rows(model: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per rule, the previous run's count, this run's, new, fixed and persisting (rules with any);
    ``changed`` when something is new or fixed (the table lists those and sums up the rest)."""
    fixed: dict[str, int] = {}
    for f in model["fixed"]:
        fixed[f["rule_id"]] = fixed.get(f["rule_id"], 0) + 1
    rows = []
    for rule in model["rules"]:
        counts = rule["counts"]
        gone = fixed.get(rule["id"], 0)
        if not counts["total"] and not gone:
            continue
        before = counts["persisting"] + gone
        rows.append({"id": rule["id"], "title": localized(rule, "title", lang), "before": before,
                     "today": counts["total"], "delta": counts["total"] - before, "new": counts["new"],
                     "fixed": gone, "persisting": counts["persisting"],
                     "changed": bool(counts["new"] or gone)})
    return rows


def trend_points(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The trend with each run's veto verdict and deductions, judged by this run's veto items.

    Deduction points are the model's (``trend[].deduction_points``, by this run's score table);
    ``deductions`` counts the findings of deduction rules.
    """
    veto_rules = [set(v.get("rules") or []) for v in model["veto_items"]]
    deduction_rules = {r["id"] for r in model["rules"] if r.get("assessment") == "deduction"}
    points = []
    for p in model["trend"]:
        by_rule = p.get("by_rule") or {}
        failed = any(by_rule.get(rid) for rules in veto_rules for rid in rules)
        found = {rid: n for rid, n in by_rule.items() if rid in deduction_rules}
        points.append({**p, "veto": "fail" if failed else "pass", "deductions": sum(found.values())})
    return points


def _charts(model: dict[str, Any], words: dict[str, str]) -> list[tuple[str, Any]]:
    trend = trend_points(model)
    if len(trend) < 2:
        return []
    sev_names = {s: words[f"sev_{s}"] for s in SEVERITIES}
    has_points = all(isinstance(p.get("deduction_points"), (int, float)) for p in trend)
    deduction_key, deduction_title = (("deduction_points", words["trend_deduction_points"]) if has_points
                                      else ("deductions", words["trend_deductions"]))
    verdicts = {"pass": words["veto_status_pass"], "fail": words["veto_status_fail"]}
    return [
        (words["trend_verdict"], svg_chart.verdict_strip(trend, words["trend_verdict"], verdicts)),
        (deduction_title, svg_chart.line_trend(trend, deduction_key, deduction_title, "#93370d",
                                               "trend-ded")),
        (words["trend_findings"], svg_chart.severity_trend(trend, words["trend_findings"], sev_names)),
        (words["trend_pages"], svg_chart.line_trend(trend, "pages", words["trend_pages"], "#1f6f8b",
                                                    "trend-pages")),
        (words["trend_broken"], svg_chart.line_trend(trend, "broken_links", words["trend_broken"],
                                                     "#c0392b", "trend-broken")),
    ]


def _static_sections(model: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per rule with findings: its metadata and its first ``STATIC_ROWS`` findings (the page
    without JavaScript; report.js replaces them with the interactive views)."""
    words = i18n.strings(lang)
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in model["findings"]:
        by_rule.setdefault(f["rule_id"], []).append(f)
    sections = []
    for rule in model["rules"]:
        found = by_rule.get(rule["id"])
        if not found:
            continue
        rows = [{**f, "message": localized(f, "message", lang),
                 "evidence_items": evidence_items(f["evidence"], lang)} for f in found[:STATIC_ROWS]]
        worst = max(found, key=lambda r: SEVERITIES.index(r["severity"]))["severity"]
        sections.append({**rule, "title": localized(rule, "title", lang),
                         "advice": localized(rule, "advice", lang) or (words["unknown_rule_advice"]
                                                                       if not rule["known"] else ""),
                         "worst": worst, "rows": rows, "more": len(found) - len(rows),
                         "has_refs": any(r["referrers"] for r in rows)})
    return sections


def _view(model: dict[str, Any], lang: str) -> dict[str, Any]:
    words = i18n.strings(lang)
    sections = _static_sections(model, lang)
    stats = model["run"]["stats"]
    facts = run_facts(stats, words)
    sev_names = {s: words[f"sev_{s}"] for s in SEVERITIES}
    total = max(model["summary"]["total"], 1)
    severity_bars = [{"sev": s, "name": sev_names[s], "n": model["summary"]["by_severity"][s],
                      "pct": round(100 * model["summary"]["by_severity"][s] / total, 1)}
                     for s in reversed(SEVERITIES)]
    columns = sorted(({f["column"] for f in model["findings"]} |
                      {f.get("column") or column_of(f.get("evidence") or {}, f["page_url"])
                       for f in model["fixed"]}) - {""})  # "" is no column: not a filter choice
    data = html_data.blob(model, lang)
    # the one inline script is allowed by its hash (Content-Security-Policy): anything that
    # slipped past escaping could still not run. The JSON data block is not a script: never run.
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return {
        "m": model, "w": words, "lang": lang, "sections": sections, "facts": facts,
        "run_banner": i18n.run_banner(model, lang), "verdict_text": i18n.verdict_text(model, lang),
        "charts": _charts(model, words), "trend_rows": trend_points(model),
        "has_points": bool(model["trend"]) and all(isinstance(p.get("deduction_points"), (int, float))
                                                   for p in model["trend"]), "severity_bars": severity_bars,
        "columns": columns, "owners": sorted({html_data.owner_group(f) for f in model["findings"]}),
        "has_owners": data["has_owners"], "severities": list(reversed(SEVERITIES)),
        "page_sizes": PAGE_SIZES, "groups_per_page": GROUPS_PER_PAGE, "static_rows": STATIC_ROWS,
        "change_rows": change_rows(model, lang),
        "filter_rules": [(r["id"], localized(r, "title", lang)) for r in model["rules"]
                         if r["counts"]["total"] or r["id"] in {f["rule_id"] for f in model["fixed"]}],
        "gate_mode": i18n.gate_mode_text(model["gate"], lang) if model.get("gate") else "",
        "gate_failed": i18n.gate_failed_text(model["gate"], lang) if model.get("gate") else "",
        "score_line": i18n.score_text(model["score"], lang) if model.get("score") else "",
        "score_reason": i18n.score_reason(model["score"], lang) if model.get("score") else "",
        "points_text": lambda indicator: i18n.points_text(indicator, lang),
        "referrers_shown": REFERRERS_SHOWN, "evidence_shown": PRIMARY, "localized": localized,
        "clean_rules": [r for r in model["rules"] if r["ran"] and not r["counts"]["total"]],
        "idle_rules": [r for r in model["rules"] if not r["ran"] and not r["counts"]["total"]],
        "css": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "js": Markup(script), "data": Markup(html_data.embed(data)),
        "script_hash": "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
    }


def to_html(model: dict[str, Any], lang: str, images: dict[str, str] | None = None) -> str:
    template = _env().get_template("report.html.j2")
    return template.render(**_view(model, lang), shots=_shots(model, images or {}))


def _shots(model: dict[str, Any], images: dict[str, str]) -> list[dict[str, Any]]:
    """截图取证 thumbnails: each image inlined (the report stays one offline file; CSP allows data:)
    with the pages it shows and the rules with findings on them."""
    rules_on: dict[str, set[str]] = {}
    for f in model["findings"]:
        if f.get("screenshot"):
            rules_on.setdefault(f["screenshot"], set()).add(f["rule_id"])
    return [{**shot, "src": images[shot["hash"]], "rules": sorted(rules_on.get(shot["hash"], ()))}
            for shot in model.get("screenshots") or [] if shot["hash"] in images]


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    images = {}
    for shot in model.get("screenshots") or []:  # written by reports.render before the formats
        path = out_dir / shot["file"]
        if path.is_file():
            encoded = base64.b64encode(path.read_bytes()).decode()
            images[shot["hash"]] = f"data:{shot['mime']};base64,{encoded}"
    return write_atomic(out_dir / FILENAME, to_html(model, lang, images).encode("utf-8"))
