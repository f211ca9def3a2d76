"""Accessibility findings from axe-core results (the browser stage's ``a11y_results``).

One finding per axe rule per page (not per element: a webmaster fixes a
template, not 40 list items), its nodes listed in the evidence with CSS
selector, HTML snippet, impact and axe's failure summary, plus the WCAG success
criteria, the matching GB/T 37668-2019 citation and axe's help text and URL.
The fingerprint is (rule, page, axe rule id), stable across runs. The three axe rules are
``aggregate="template"``: the same axe rule failing on the same elements of most scanned
pages (a header or footer defect) is one finding with the count (``aggregate:`` in
config/rules.yaml).

* ``a11y-axe``         violations (except colour contrast); severity from the worst
                       node impact via ``a11y.impact_severity`` (config/rules.yaml)
* ``a11y-contrast``    colour-contrast violations (WCAG 1.4.3)
* ``a11y-axe-review``  axe "incomplete" results: needs a human review, never a defect (a
                       target-size review of a link holding only an image that declares at
                       least ``a11y.review_target_min_px`` is dropped: the image is the target)
* ``a11y-not-scanned`` a chosen page the browser could not scan, with the reason

Passes/inapplicable counts and the engine version ride along in every evidence;
``a11y.max_nodes_in_evidence`` caps the nodes listed.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from checks.a11y._common import IMPACT_ZH, gbt_clause, node_evidence, results, sc_label, wcag_refs
from checks.base import CheckContext, CheckResult, Rule, severity_rank

BASIS_AXE = ("GB/T 37668-2019 (≈WCAG 2.0/2.1 A+AA) [S]; 国办公开办函〔2021〕28号 无障碍改造 [S]; "
             "rule book §5 and §8 a11y-axe")

AXE = Rule(
    id="a11y-axe", title_zh="无障碍检测不通过（axe-core）", title_en="Accessibility violation (axe-core)",
    severity="error", assessment="advisory", basis=BASIS_AXE, aggregate="template",
    advice_zh="按证据中的 CSS 选择器找到元素，依 axe 帮助说明修改模板（如为图片补充 alt、为表单控件加 label），修改后复检。",
    advice_en="Find the elements by the CSS selectors in the evidence and fix the template as axe's help "
              "explains (add alt text, label form fields, ...); re-run the audit.",
    doc="Runs the pinned axe-core (WCAG 2.0/2.1/2.2 A and AA tags) in headless Chromium on the homepage, every "
        "column page and a sample per template. Screen-reader users depend on these basics; the 2024 work "
        "plans require 无障碍 retrofits. Example: an <img> without alt on the homepage banner → image-alt.",
)
CONTRAST = Rule(
    id="a11y-contrast", title_zh="文字颜色对比度不足", title_en="Insufficient text colour contrast",
    severity="warning", assessment="advisory", aggregate="template",
    basis="WCAG 1.4.3 对比度（最低限度）≥4.5:1（大字号 ≥3:1）; GB/T 37668-2019 可感知 [S]; MIIT 适老化规范 背景色高对比 [S]",
    advice_zh="加深文字颜色或调整背景色，使正文对比度至少 4.5:1、大字号文字至少 3:1。",
    advice_en="Darken the text or change the background so body text reaches 4.5:1 (large text 3:1).",
    doc="axe-core's color-contrast rule computes foreground/background contrast of visible text. Older readers "
        "and people with low vision cannot read pale grey text. Example: #aaa text on white (2.3:1).",
)
REVIEW = Rule(
    id="a11y-axe-review", title_zh="无障碍待人工复核项", title_en="Accessibility items needing review",
    severity="info", assessment="advisory", basis=BASIS_AXE, aggregate="template",
    advice_zh="axe 无法自动判定这些元素（如背景图上的文字对比度），请人工复核。",
    advice_en="axe could not decide these elements automatically (e.g. text over a background image); "
              "review them by hand.",
    doc="axe-core's 'incomplete' outcome: the engine found something it cannot judge. Kept apart from "
        "violations so the report never calls an undecided item a defect. Example: contrast of text on a gradient.",
)
NOT_SCANNED = Rule(
    id="a11y-not-scanned", title_zh="页面未能完成无障碍检测", title_en="Page could not be scanned for accessibility",
    severity="warning", assessment=None,
    basis="xunjian browser stage (crawl quality fact)",
    advice_zh="查看原因（超时、浏览器崩溃）；若页面本身加载缓慢或脚本卡死，请优化页面后复检。",
    advice_en="See the reason (timeout, browser crash); if the page itself loads slowly or hangs, fix it and re-run.",
    doc="A page chosen for the browser audit whose scan failed after a browser restart and one retry. Reported "
        "so coverage is honest: its defects are unknown, not absent. Example: a page whose script loops forever.",
)
RULES = [AXE, CONTRAST, REVIEW, NOT_SCANNED]
CONTRAST_RULES = {"color-contrast"}


def _worst_impact(rule: dict[str, Any]) -> str:
    order = ["minor", "moderate", "serious", "critical"]
    impacts = [n.get("impact") for n in rule.get("nodes") or []] + [rule.get("impact")]
    known = [i for i in impacts if i in order]
    return max(known, key=order.index) if known else "moderate"


def _evidence(ctx: CheckContext, row: Any, rule: dict[str, Any], impact: str) -> dict[str, Any]:
    refs = wcag_refs(rule.get("tags") or [])
    gbt = gbt_clause(refs["sc"])
    axe = row.data.get("axe") or {}
    return {
        "axe_rule": rule["id"], "impact": impact, "impact_zh": IMPACT_ZH.get(impact, impact),
        "wcag": refs["sc"], "wcag_labels_zh": [sc_label(s, "zh") for s in refs["sc"]],
        "wcag_labels_en": [sc_label(s, "en") for s in refs["sc"]],
        "wcag_versions": refs["versions"], "wcag_levels": refs["levels"],
        "gbt37668": gbt["zh"] if gbt else None, "gbt37668_en": gbt["en"] if gbt else None,
        "help": rule.get("help", ""), "help_en": rule.get("help_en", ""), "help_url": rule.get("helpUrl", ""),
        "description": rule.get("description", ""),
        "node_count": rule.get("node_count", len(rule.get("nodes") or [])),
        "nodes": node_evidence(rule.get("nodes") or [], int(ctx.threshold("a11y.max_nodes_in_evidence"))),
        "engine": row.engine, "reused": row.status == "reused",
        "passes": len(axe.get("passes") or []), "inapplicable": len(axe.get("inapplicable") or []),
        "template": row.data.get("template"), "pages_with_same_template": row.data.get("represents"),
        "gap": _gap_key(rule),
    }


def _gap_key(rule: dict[str, Any]) -> str:
    """The axe rule and the exact elements at fault: the same header defect on every sampled page
    has the same key (folded into one template finding); a page with its own elements keeps its own."""
    selectors = sorted(str(n.get("selector") or n.get("target") or n.get("html") or "")
                       for n in rule.get("nodes") or [])
    return f"{rule['id']}@{hashlib.sha1(chr(31).join(selectors).encode('utf-8')).hexdigest()[:10]}"


_IMAGE_ONLY_TARGET = re.compile(r"\s*<(a|button)\b[^>]*>\s*(<img\b[^>]*>)\s*</\1>\s*", re.I | re.S)


def _declared_px(img: str, attr: str) -> int:
    match = re.search(rf"\b{attr}\s*=\s*[\"']?(\d+)", img, re.I)
    return int(match.group(1)) if match else 0


def _measured_elsewhere(rule: dict[str, Any], min_px: int) -> bool:
    """axe leaves target-size "incomplete" when an inline link's content overflows it (a linked logo
    image): it cannot measure the link box, but the clickable area is the image. When every element
    is a link or button holding only an image that declares at least ``min_px`` in both dimensions,
    the target is large enough and no human review is needed."""
    nodes = rule.get("nodes") or []
    if rule.get("id") != "target-size" or not nodes or rule.get("node_count", len(nodes)) != len(nodes):
        return False
    for node in nodes:
        match = _IMAGE_ONLY_TARGET.fullmatch(node.get("html") or "")
        image = match.group(2) if match else ""
        if not match or min(_declared_px(image, "width"), _declared_px(image, "height")) < min_px:
            return False
    return True


def run(ctx: CheckContext) -> CheckResult:
    severities = ctx.threshold("a11y.impact_severity")
    contrast_severity = ctx.threshold("a11y.contrast_severity")
    review_severity = ctx.threshold("a11y.review_severity")
    min_target = int(ctx.threshold("a11y.review_target_min_px"))
    scanned = [row.url for row in results(ctx) if row.status != "failed"]
    for rule in (AXE, CONTRAST, REVIEW):  # the denominator of a template gap: the pages axe scanned
        ctx.consider(rule, scanned)
    for row in results(ctx):
        if row.status == "failed":
            yield NOT_SCANNED.finding(
                row.url, f"页面未能完成无障碍检测：{row.error}", f"Page not scanned for accessibility: {row.error}",
                evidence={"reason": row.error, "attempts": row.data.get("attempts"),
                          "notes": row.data.get("notes", []), "engine": row.engine})
            continue
        axe = row.data.get("axe") or {}
        for rule in axe.get("violations") or []:
            impact = _worst_impact(rule)
            evidence = _evidence(ctx, row, rule, impact)
            count = evidence["node_count"]
            ref_zh = f"WCAG {'、'.join(evidence['wcag'])}" if evidence["wcag"] else "最佳实践"
            ref_en = f"WCAG {', '.join(evidence['wcag'])}" if evidence["wcag"] else "best practice"
            zh = f"{rule.get('help') or rule['id']}（{count} 处，影响程度：{IMPACT_ZH.get(impact, impact)}；{ref_zh}）"
            en = f"{rule.get('help_en') or rule['id']} ({count} element(s), impact {impact}; {ref_en})"
            if rule["id"] in CONTRAST_RULES:
                yield CONTRAST.finding(row.url, zh, en, target=rule["id"], evidence=evidence,
                                       severity=contrast_severity)
                continue
            severity = severities.get(impact, AXE.severity)
            severity_rank(severity)  # a typo in config/rules.yaml fails loudly, not silently
            yield AXE.finding(row.url, zh, en, target=rule["id"], evidence=evidence, severity=severity)
        for rule in axe.get("incomplete") or []:
            if _measured_elsewhere(rule, min_target):
                continue
            impact = _worst_impact(rule)
            evidence = _evidence(ctx, row, rule, impact)
            count = evidence["node_count"]
            yield REVIEW.finding(
                row.url, f"待人工复核：{rule.get('help') or rule['id']}（{count} 处）",
                f"Needs review: {rule.get('help_en') or rule['id']} ({count} element(s))",
                target=rule["id"], evidence=evidence, severity=review_severity)
