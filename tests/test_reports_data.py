"""Shared fixture data for the report, history and gate tests (no tests of its own).

``build_store(path)`` writes a real SQLite store through the ``Store`` API with a
history of runs of the site ``demo`` and, in the latest run, findings of every
kind: link findings with referrers, disclosure-style column findings, a11y-style
findings with axe evidence, veto and deduction rules, a rule the registry does
not know, a long list (pagination) and hostile strings from "crawled pages".
"""

from __future__ import annotations

from pathlib import Path

from checks.base import Rule
from crawler.store import Finding, Store

XSS = "<script>alert(1)</script>"
BASE = "http://127.0.0.1:8710"

TEST_RULES = {r.id: r for r in (
    Rule("home-unreachable", "首页无法访问", "Homepage unreachable", "critical",
         "国办秘函〔2019〕19号 单项否决 V2 [S]", "检查服务器与域名解析。", "Check the server and DNS.", "veto",
         "The homepage could not be fetched."),
    Rule("link-broken-home", "首页链接失效", "Broken link on the homepage", "error",
         "国办秘函〔2019〕19号 扣分 [S]", "修改或删除首页上的失效链接。", "Fix or remove the broken link.",
         "deduction", "A homepage link answers 404/5xx."),
    Rule("link-broken", "链接失效", "Broken link", "error", "国办秘函〔2019〕19号 扣分 [S]",
         "修改或删除失效链接。", "Fix or remove the broken link.", "deduction", "A link answers 404/5xx."),
    Rule("link-unverified", "链接无法验证", "Link could not be verified", "info", "practice",
         "人工核对该链接。", "Check the link by hand.", None, "401/403/429: not verified."),
    Rule("veto-v4c-blank-columns", "空白栏目", "Blank columns", "critical", "国办秘函〔2019〕19号 V4(c) [S]",
         "为空白栏目补充内容或撤销栏目。", "Fill or remove blank columns.", "veto", "Columns with no items."),
    Rule("disclosure-annual-report", "未发布政府信息公开年度报告", "Annual disclosure report missing",
         "warning", "《政府信息公开条例》第49条 [C]", "按期发布年度报告。", "Publish the annual report.",
         "advisory", "The previous year's report must be out by 31 January."),
    Rule("a11y-color-contrast", "文字对比度不足", "Insufficient colour contrast", "warning",
         "GB/T 37668-2019 (≈WCAG 1.4.3) [S]", "提高前景色与背景色的对比度。", "Raise the contrast.",
         "advisory", "axe-core color-contrast."),
)}

# rule id, severity, page, target, message zh, evidence, referrers
LATEST_FINDINGS: list[Finding] = [
    Finding("link-broken-home", "error", f"{BASE}/gone.html", "首页链接指向的页面返回 404",
            "A homepage link answers 404", evidence={"status": 404},
            referrers=[{"page": f"{BASE}/", "text": "<img src=x onerror=alert(1)>", "tag": "a", "attr": "href",
                        "href": "gone.html"}]),
    Finding("veto-v4c-blank-columns", "critical", f"{BASE}/tzgg/", "栏目“通知公告”没有任何信息",
            "Column 通知公告 has no items", target="通知公告", evidence={"column": "通知公告", "items": 0}),
    Finding("disclosure-annual-report", "warning", f"{BASE}/xxgk/ndbg/", "未找到 2025 年度报告",
            "No 2025 annual report found", evidence={"column": "政府信息公开", "year": 2025}),
    Finding("a11y-color-contrast", "warning", f"{BASE}/xwzx/1.html",
            "文字对比度 2.1:1，低于 4.5:1", "Contrast 2.1:1 is below 4.5:1", target="span.grey",
            evidence={"impact": "serious", "wcag": ["wcag2aa", "wcag143"], "selector": "#main > span.grey",
                      "snippet": '<span class="grey" style="color:#ccc">' + XSS + "</span>",
                      "help": "Elements must meet minimum color contrast ratio thresholds"}),
    Finding("a11y-image-alt", "error", f"{BASE}/xwzx/2.html", "图片缺少替代文本",
            "Image has no alternative text", target="img.banner",
            evidence={"axe_rule": "image-alt", "impact": "critical", "impact_zh": "严重",
                      "wcag": ["1.1.1"], "help": "图像必须有替代文本", "help_en": "Images must have alternate text",
                      "help_url": "https://dequeuniversity.com/rules/axe/4.14/image-alt",
                      "nodes": [{"selector": "img.banner", "html": '<img class="banner" src="b.png">',
                                 "summary": "修复以下任一问题：\n  元素没有 alt 属性"}],
                      "passes": 28, "inapplicable": 36, "engine": "axe-core 4.14.1"}),
    Finding("mystery-rule", "warning", f"{BASE}/{XSS}", f"页面标题 {XSS}", f"Page title {XSS}", target=XSS,
            evidence={"title": XSS, "formula": "=HYPERLINK(\"http://evil\",\"x\")"}),
    Finding("link-unverified", "info", "https://external.example/blocked", "外部链接返回 403，无法验证",
            "External link answered 403", evidence={"status": 403},
            referrers=[{"page": f"{BASE}/links.html", "text": "=cmd|' /C calc'!A0", "tag": "a", "attr": "href",
                        "href": "https://external.example/blocked"}]),
    Finding("link-broken", "error", "javascript:alert(1)", "@SUM(1+1) 链接无效", "+1 invalid link",
            referrers=[{"page": f"{BASE}/a.html", "text": "-2+3", "tag": "a", "attr": "href",
                        "href": "javascript:alert(1)"}]),
] + [
    Finding("link-broken", "error", f"{BASE}/old/{i:03d}.html", f"链接返回 404（第 {i} 个）",
            f"Link answers 404 (#{i})", evidence={"status": 404},
            referrers=[{"page": f"{BASE}/list{j}.html", "text": f"旧文章 {i}", "tag": "a", "attr": "href",
                        "href": f"old/{i:03d}.html"} for j in range(1 + i % 3)])
    for i in range(40)
]
# Findings in the run before the latest: two persist, one is fixed since.
PREVIOUS_FINDINGS: list[Finding] = [LATEST_FINDINGS[0], LATEST_FINDINGS[1],
                                    Finding("link-broken", "error", f"{BASE}/fixed.html", "旧的失效链接",
                                            "An old broken link", referrers=[])]
FIXED_FINGERPRINT = PREVIOUS_FINDINGS[2].fingerprint


def build_store(path: Path, older_runs: int = 6) -> tuple[Store, int, int]:
    """A store with ``older_runs`` + 2 runs of site ``demo``; returns (store, previous id, latest id)."""
    store = Store(path)
    for n in range(older_runs):
        rid = store.start_run("demo", f"2026-11-{n + 10:02d}", "", "0.1.0")
        for i in range(3 + (n * 7) % 5):
            store.put_finding(rid, Finding("link-broken", "error", f"{BASE}/hist/{n}/{i}.html",
                                           "旧", "old"))
        store.put_finding(rid, LATEST_FINDINGS[0])  # first seen in the oldest run
        store.finish_run(rid, "complete", {"pages": 100 + n * 9, "links": 900})
    prev = store.start_run("demo", "2026-11-20", "", "0.1.0")
    for f in PREVIOUS_FINDINGS:
        store.put_finding(prev, f)
    store.finish_run(prev, "complete", {"pages": 150, "links": 1200})
    latest = store.start_run("demo", "2026-11-21", "", "0.1.0")
    for f in LATEST_FINDINGS:
        store.put_finding(latest, f)
    store.finish_run(latest, "complete", {"pages": 163, "links": 1311, "skipped": 12, "errors": 2,
                                          "a11y_pages": 40, "a11y_engine": "axe-core 4.14.1"})
    store.commit()
    return store, prev, latest
