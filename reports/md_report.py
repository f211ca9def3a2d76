"""summary.md: a short Markdown summary for a CI job summary or a merge-request comment.

Verdict, veto items, counts by severity, changes since the previous run, the
rules with the most findings and the newest findings. Every crawled string is
escaped (``reports.safe.md_text``): no raw HTML, no links, no table breakage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checks.base import SEVERITIES
from reports import i18n, write_atomic
from reports.model import localized, rule_index
from reports.safe import md_text

FILENAME = "summary.md"
TOP_RULES = 10
NEW_LISTED = 20
_ICON = {"fail": "❌", "pass": "✅", "not_checked": "➖"}


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    return write_atomic(out_dir / FILENAME, to_markdown(model, lang).encode("utf-8"))


def to_markdown(model: dict[str, Any], lang: str) -> str:
    w = i18n.strings(lang)
    run, summary, verdict = model["run"], model["summary"], model["verdict"]
    rules = rule_index(model)
    icon = {"fail": "❌", "pass": "✅", "incomplete": "⚠️"}[verdict["veto"]]
    out = [f"## {w['md_title']}: {md_text(run['site'])} · {run['today']} · {w['run']} #{run['id']}", ""]
    banner = i18n.run_banner(model, lang)
    if banner:  # an unfinished run says so before anything else
        out += [f"> **⚠️ {md_text(banner)}**", ""]
    out += [f"**{icon} {i18n.verdict_text(model, lang)}**", ""]
    if localized(verdict, "coverage_line", lang):
        out += [md_text(localized(verdict, "coverage_line", lang)), ""]
    out += [f"| {w['veto_items']} | {w['status']} | {w['count']} |", "|---|---|---:|"]
    for item in model["veto_items"]:
        out.append(f"| {md_text(item['id'])} {md_text(localized(item, 'title', lang))} | "
                   f"{_ICON[item['status']]} {w['veto_status_' + item['status']]} | {item['findings']} |")
    out += ["", f"| {w['total_findings']} | " + " | ".join(w[f"sev_{s}"] for s in reversed(SEVERITIES))
            + f" | {w['new']} | {w['fixed']} | {w['persisting']} | {w['deductions']} |",
            "|---:|" + "---:|" * (len(SEVERITIES) + 4)]
    counts = [summary["total"], *(summary["by_severity"][s] for s in reversed(SEVERITIES)),
              summary["new"], summary["fixed"], summary["persisting"], summary["deductions"]]
    out.append("| " + " | ".join(str(n) for n in counts) + " |")
    if model["previous_run"] is None:
        out += ["", w["first_run"]]
    ranked = [r for r in model["rules"] if r["counts"]["total"]][:TOP_RULES]
    if ranked:
        out += ["", f"### {w['md_top_rules']}", "",
                f"| {w['rule']} | {w['severity']} | {w['count']} | {w['new']} |", "|---|---|---:|---:|"]
        for r in ranked:
            worst = next(s for s in reversed(SEVERITIES) if r["counts"]["by_severity"][s])
            title = md_text(localized(r, "title", lang))
            out.append(f"| `{md_text(r['id'])}` {title} | {w['sev_' + worst]} | "
                       f"{r['counts']['total']} | {r['counts']['new']} |")
    new = [f for f in model["findings"] if f["change"] == "new"][:NEW_LISTED]
    if new:
        out += ["", f"### {w['new']} ({summary['new']})", ""]
        for f in new:
            title = localized(rules.get(f["rule_id"], {}), "title", lang) or f["rule_id"]
            out.append(f"- {w['sev_' + f['severity']]} · {md_text(title)} · {md_text(f['page_url'], 120)}"
                       + (f" → {md_text(f['target'], 80)}" if f["target"] else ""))
        if summary["new"] > NEW_LISTED:
            out.append(f"- … +{summary['new'] - NEW_LISTED}")
    out += ["", f"_{w['md_more']}_", ""]
    return "\n".join(out)
