"""summary.md: a short Markdown summary for a CI job summary or a merge-request comment.

Verdict, the exit code and the gate assertion that decided it (threshold and value), veto
items, the score (得分/总分 and the deduction table), counts by severity, changes since the
previous run, the rules with the most findings and the newest findings. Every crawled string is
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
    if localized(verdict, "availability_line", lang):
        out += [md_text(localized(verdict, "availability_line", lang)), ""]
    out += gate_lines(model, lang)
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
    out += score_lines(model, lang)
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


def gate_lines(model: dict[str, Any], lang: str) -> list[str]:
    """The exit code, how it was decided, and each assertion with its threshold and value."""
    gate = model.get("gate")
    if not gate:
        return []
    w = i18n.strings(lang)
    out = [f"**{w['exit_code']} {gate['exit_code']}** · {md_text(i18n.gate_mode_text(gate, lang))}"]
    failed = i18n.gate_failed_text(gate, lang)
    if failed:
        out += ["", f"❌ {md_text(failed)}"]
    if gate.get("assertions"):
        out += ["", f"| {w['assertion']} | {w['result']} | {w['value']} | {w['threshold']} |",
                "|---|---|---:|---:|"]
        for a in gate["assertions"]:
            result = ("✅ " + w["gate_pass"] if a["passed"] else
                      ("❌ " + w["gate_fail"] if a["level"] == "error" else "⚠️ " + w["gate_warn"]))
            out.append(f"| `{md_text(a['name'])}` | {result} | {a['count']} | "
                       f"{'' if a['limit'] is None else a['limit']} |")
    if gate.get("suppressed"):
        out += ["", md_text(w["gate_suppressed"].format(n=gate["suppressed"]))]
    return out + [""]


def score_lines(model: dict[str, Any], lang: str) -> list[str]:
    """得分/总分, the assessment verdict and the deduction table (indicators that lost points or
    were not checked)."""
    score = model.get("score")
    if not score:
        return []
    w = i18n.strings(lang)
    out = ["", f"### {w['score_title']}", "", f"**{md_text(i18n.score_text(score, lang))}** · "
           f"{w['score_verdict_' + score['verdict']]}"]
    if i18n.score_reason(score, lang):
        out += ["", md_text(i18n.score_reason(score, lang))]
    shown = [i for i in score["indicators"] if i["status"] != "clear"]
    if shown:
        out += ["", f"| {w['indicator']} | {w['points_rule']} | {w['count']} | {w['points_lost']} | "
                    f"{w['mark']} |", "|---|---|---:|---:|---|"]
        for i in shown:
            lost = w["indicator_not_checked"] if i["status"] == "not_checked" else f"−{i['lost']:g}"
            out.append(f"| {md_text(i['id'])} {md_text(localized(i, 'title', lang))} | "
                       f"{md_text(i18n.points_text(i, lang))} | {i['count']} | {lost} | [{i['mark']}] |")
    return out
