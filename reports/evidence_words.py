"""Evidence in the report's language: labels for the evidence keys the checks write, wording for
their coded values, and a human reading of the regular expressions some evidence carries.

``label(key, lang)`` names an evidence key (``window_days`` -> 更新周期（天） / Update window
(days)); a key without a label shows as itself, and tests/test_report_language.py fails on any key
a demo run produces that has no label here. ``value_text(key, value, lang)`` words booleans,
enumerations (column types, axe impact, error classes, pii kinds...) and the known English phrases
of some checks (``no such day: 2026-02-30``); ``None`` when the value stays as it is.
``regex_text(pattern, lang)`` describes a simple regular expression (anchors, alternations,
optional groups, counted character classes) as words, ``None`` when it cannot.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

LABELS: dict[str, tuple[str, str]] = {
    "aggregate": ("系统性问题汇总", "Systematic gap"), "aliases": ("别名", "Aliases"),
    "anchors_count": ("页内锚点数", "Anchors on the page"), "anchors_sample": ("锚点示例", "Sample anchors"),
    "answered": ("已答复", "Answered"), "asked": ("提问日期", "Asked on"), "attempts": ("尝试次数", "Attempts"),
    "axe_rule": ("axe 规则", "axe rule"), "block": ("首页区块", "Homepage block"), "cause": ("原因", "Cause"),
    "cf-mitigated": ("Cloudflare 拦截", "Cloudflare mitigation"),
    "cf-ray": ("Cloudflare 请求编号", "Cloudflare ray"),
    "channel_entries": ("咨询栏目条目", "Channel entries"), "charset": ("字符集", "Charset"),
    "cited_on_homepage": ("首页引用", "Cited on the homepage"), "column": ("栏目", "Column"),
    "columns": ("栏目", "Columns"), "content-length": ("内容长度", "Content length"),
    "content-type": ("内容类型", "Content type"), "content_length": ("内容长度（字节）", "Content length (bytes)"),
    "content_type": ("内容类型", "Content type"), "count": ("数量", "Count"),
    "coverage_percent": ("覆盖率（%）", "Coverage (%)"), "days": ("天数", "Days"),
    "days_apart": ("相差天数", "Days apart"), "decode_errors": ("无法解码的字符数", "Undecodable characters"),
    "description": ("说明", "Description"), "dialog": ("对话框", "Dialog"), "dialogs": ("对话框", "Dialogs"),
    "distinct_paths": ("不同路径数", "Distinct paths"), "docno_year": ("文号年份", "Year in the number"),
    "engine": ("检测引擎", "Engine"), "error": ("错误", "Error"), "error_class": ("错误类型", "Error class"),
    "evidence": ("判断依据", "Evidence"), "examples": ("示例", "Examples"), "excluded": ("排除数", "Excluded"),
    "expected": ("应为", "Expected"), "field": ("字段", "Field"), "final_url": ("最终地址", "Final URL"),
    "forbidden_address": ("禁止访问的地址", "Forbidden address"), "forbidden_label": ("地址类型", "Address type"),
    "forbidden_network": ("所属网段", "Network"), "gap": ("缺陷标识", "Gap"),
    "gbt37668": ("GB/T 37668 条款", "GB/T 37668 clause"), "guides": ("办事指南数", "Guides"),
    "h1": ("页面主标题", "Main heading"), "handling_page": ("办理页面", "Handling page"),
    "headers": ("响应头", "Response headers"), "height": ("高度（像素）", "Height (px)"),
    "help": ("问题说明", "Problem"), "help_url": ("详细说明", "More help"), "hops": ("跳转次数", "Hops"),
    "hosts": ("主机", "Hosts"), "how": ("隐藏方式", "Hidden by"), "href": ("链接地址", "Link"),
    "html": ("页面代码", "HTML"), "impact": ("影响程度", "Impact"), "in_scope": ("属于本站", "Within the site"),
    "inapplicable": ("不适用的检查项", "Checks not applicable"), "incomplete": ("待人工复核项", "Needs review"),
    "issued": ("印发日期", "Issued"), "item": ("项目", "Item"), "items": ("条目", "Items"),
    "kind": ("类型", "Kind"), "label": ("标签", "Label"), "landing": ("跳转到", "Lands on"),
    "late_messages": ("超期未答复留言", "Late messages"), "left": ("左边距（像素）", "Left (px)"),
    "limit": ("上限设置", "Limit setting"), "limit_reason": ("期限理由", "Term reason"), "links": ("链接", "Links"),
    "links_on_homepage": ("首页链接数", "Links on the homepage"), "list_page": ("列表页", "List page"),
    "location": ("跳转地址", "Location"), "mandatory": ("国家规定必设", "Nationally mandatory"),
    "masked": ("脱敏显示", "Masked value"), "matched_in": ("判断依据", "Matched in"),
    "max_decode_errors": ("允许的解码错误数", "Decode errors allowed"),
    "max_redirects": ("允许的跳转次数", "Redirects allowed"),
    "max_response_mb": ("响应大小上限（MB）", "Response size limit (MB)"), "max_years": ("最长年限", "Maximum years"),
    "median_days": ("答复用时中位数（天）", "Median days to answer"), "messages": ("留言数", "Messages"),
    "meta": ("元数据值", "Meta value"), "method": ("请求方法", "Method"),
    "min_area_ratio": ("最小遮挡面积比例", "Minimum area ratio"),
    "min_maximum_scale": ("应允许的最大缩放倍数", "Minimum maximum-scale"), "missing": ("缺少", "Missing"),
    "newest": ("最新信息日期", "Newest item"), "node_count": ("问题元素数", "Elements"),
    "nodes": ("问题元素", "Elements"), "not_fetched": ("未抓取", "Not fetched"),
    "occurrences": ("出现次数", "Occurrences"), "opened_windows": ("打开的窗口", "Opened windows"),
    "overlays": ("遮挡元素", "Overlays"), "p90_days": ("答复用时 90% 分位（天）", "Days to answer (90th pct.)"),
    "pages": ("页面数", "Pages"), "pages_cut": ("被截断的页面", "Pages cut"),
    "pages_with_same_template": ("同模板页面数", "Pages with this template"),
    "passes": ("通过的检查项", "Checks passed"), "path": ("路径", "Path"), "paths": ("路径", "Paths"),
    "pattern": ("匹配规则", "Pattern"), "patterns": ("匹配规则", "Patterns"), "position": ("位置", "Position"),
    "present": ("已有", "Present"), "printed_labels": ("页面所用标签", "Labels on the page"),
    "problems": ("问题", "Problems"), "published": ("发布日期", "Published"), "ratio": ("比例", "Ratio"),
    "raw": ("原文", "As written"), "reason": ("原因", "Reason"), "reasons": ("原因", "Reasons"),
    "redirect_chain": ("跳转链", "Redirect chain"), "replied": ("答复日期", "Replied on"),
    "reply_times": ("答复用时", "Reply times"), "retry-after": ("重试等待（秒）", "Retry-After (s)"),
    "reused": ("沿用上次结果", "Reused"), "reverification": ("复核记录", "Re-verification"),
    "sample": ("示例页面", "Sample pages"), "scope": ("范围", "Scope"), "scripts": ("脚本", "Scripts"),
    "script_marker": ("脚本标记", "Script marker"), "selector": ("元素选择器", "Selector"),
    "server": ("服务器", "Server"), "share": ("比例", "Share"), "signal": ("识别信号", "Signal"),
    "size": ("大小（字节）", "Size (bytes)"), "skipped": ("跳过数", "Skipped"), "slowest": ("最慢的答复", "Slowest"),
    "snippet": ("页面代码", "Snippet"), "src": ("资源地址", "Source"), "start": ("施行日期", "In force from"),
    "start_source": ("施行日期来源", "Start date from"), "status": ("状态", "Status"),
    "summary": ("修复方法", "How to fix"), "tag": ("标签名", "Tag"), "template": ("页面模板", "Template"),
    "text": ("文字", "Text"), "threshold": ("阈值", "Threshold"), "title": ("标题", "Title"),
    "tolerance_days": ("容许天数", "Tolerance (days)"), "top": ("上边距（像素）", "Top (px)"),
    "total": ("总数", "Total"), "type": ("类型", "Type"),
    "undated_in_column": ("栏目内无日期条目", "Undated items in the column"), "unit": ("单位", "Unit"),
    "unjudged_links_not_fetched": ("未抓取、未判断的链接", "Links not fetched, not judged"),
    "url": ("网址", "URL"), "user_agent": ("客户端标识", "User agent"), "value": ("数值", "Value"),
    "viewport": ("视口设置", "Viewport"), "visible_area": ("可见面积", "Visible area"),
    "wcag": ("WCAG 条款", "WCAG criteria"), "wcag_labels": ("WCAG 条款", "WCAG criteria"),
    "wcag_levels": ("WCAG 级别", "WCAG level"), "wcag_versions": ("WCAG 版本", "WCAG version"),
    "where": ("位置", "Where"), "width": ("宽度（像素）", "Width (px)"),
    "window_days": ("更新周期（天）", "Update window (days)"), "year": ("年份", "Year"),
    "years_found": ("已发布年份", "Years found"), "working_days": ("工作日数", "Working days"),
    "fragment": ("锚点", "Fragment"), "name": ("名称", "Name"),
    # 政策解读 三同步 (checks/disclosure/interpretation.py) and D2 (checks/interaction/service_stats.py)
    "policy": ("政策文件", "Policy"), "column_rate": ("栏目解读率", "Column interpretation rate"),
    "policies": ("政策文件数", "Policies"), "interpreted": ("已解读", "Interpreted"),
    "interpretation": ("政策解读", "Interpretation"), "interpretation_url": ("解读页面", "Interpretation page"),
    "interpretation_published": ("解读发布日期", "Interpretation published"),
    "window_working_days": ("要求工作日数", "Allowed working days"), "dated": ("带日期信息数", "Dated items"),
    # content safety (checks/content/, checks/crawl/availability.py)
    "masked_decisions": ("姓名已脱敏的处罚决定数", "Decisions masking the name"), "hits": ("命中", "Hits"),
    "wrong": ("错误表述", "Wrong form"), "right": ("正确表述", "Right form"), "source": ("依据", "Source"),
    "sentence": ("所在句子", "Sentence"), "probes": ("探测次数", "Probes"), "failed": ("失败次数", "Failed"),
    "share_pct": ("失败比例（%）", "Failure share (%)"), "threshold_pct": ("否决阈值（%）", "Veto threshold (%)"),
    "errors": ("错误", "Errors"), "failures": ("失败时间", "Failed at"),
    # 信息公开 metadata fields are Chinese in the evidence (the label table's names)
    "主题分类": ("主题分类", "Subject"), "体裁": ("体裁", "Genre"), "公开类型": ("公开类型", "Disclosure type"),
    "印发日期": ("印发日期", "Date issued"), "发布日期": ("发布日期", "Published"),
    "发文机构": ("发文机构", "Issuing body"), "成文日期": ("成文日期", "Date written"),
    "文号": ("文号", "Document number"), "有效性": ("有效性", "Validity"), "有效期至": ("有效期至", "Valid until"),
    "标题": ("标题", "Title"), "索引号": ("索引号", "Index number"),
}

# coded values of some keys: key -> {value: (zh, en)}
_TYPES = {"news": ("要闻动态", "news"), "notice": ("通知公告", "notices"), "policy": ("政策文件", "policy"),
          "personnel": ("人事", "personnel"), "plan": ("规划计划", "plans"), "static": ("静态栏目", "static")}
_ERRORS = {"dns": ("域名解析失败", "DNS failure"), "refused": ("连接被拒绝", "connection refused"),
           "timeout": ("超时", "time-out"), "reset": ("连接被重置", "connection reset"),
           "tls": ("TLS 证书或握手错误", "TLS error"), "redirect-loop": ("重定向循环", "redirect loop"),
           "too-many-redirects": ("跳转次数过多", "too many redirects"),
           "forbidden-address": ("内网或保留地址（未访问）", "internal address (not fetched)"),
           "bad-redirect": ("无效的跳转地址", "bad redirect"), "other": ("其他错误", "other error")}
VALUES: dict[str, dict[Any, tuple[str, str]]] = {
    "type": _TYPES, "cause": _ERRORS, "error_class": _ERRORS,
    "impact": {"critical": ("严重", "critical"), "serious": ("较重", "serious"), "moderate": ("中等", "moderate"),
               "minor": ("轻微", "minor")},
    "where": {"page": ("页面正文", "page text"), "attachment": ("附件", "attachment"),
              "title": ("页面标题", "page title"), "text": ("页面正文", "page text")},
    "kind": {"page": ("页面", "page"), "asset": ("页面资源", "asset"), "attachment": ("附件", "attachment"),
             "external": ("外部链接", "external link"), "id-number": ("身份证号码", "ID number"),
             "mobile": ("手机号码", "mobile number"), "bank-card": ("银行卡号", "bank card number"),
             "name": ("自然人姓名", "person's name"), "address": ("住址", "home address"),
             "id-field": ("证件号码", "ID field")},
    "matched_in": {"redirect": ("跳转目标与不存在的地址相同", "redirected like a missing URL"),
                   "fingerprint": ("与本站“页面不存在”页相同", "the site's not-found page"),
                   "title": ("页面标题", "title"), "h1": ("页面主标题", "main heading"), "text": ("页面文字", "text")},
    "scope": {"site": ("全站", "whole site"), "column": ("栏目", "column")},
    "status": {"invalid": ("日期无效", "invalid"), "future": ("晚于巡检日期", "in the future"),
               "missing": ("缺少日期", "missing")},
    "forbidden_label": {"private network": ("内网地址", "private network"), "loopback": ("本机回环地址", "loopback"),
                        "link-local": ("链路本地地址（含云元数据）", "link-local"),
                        "multicast": ("组播地址", "multicast"), "reserved": ("保留地址", "reserved")},
}
# English phrases some checks put in values: regex -> (zh template, en template), groups by name
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^no such day: (?P<d>.+)$"), "日历上没有这一天：{d}"),
    (re.compile(r"^(?P<d>\S+) is after (?P<t>\S+)$"), "{d} 晚于巡检日期 {t}"),
    (re.compile(r"^page text, character (?P<n>\d+)$"), "正文第 {n} 个字符"),
    (re.compile(r"^attachment page (?P<n>\d+)$"), "附件第 {n} 页"),
    (re.compile(r"^http-(?P<n>\d{3})$"), "HTTP {n}"),
    (re.compile(r"^data island without records$"), "数据岛（datastore）中没有任何记录"),
    (re.compile(r"^empty-list message '(?P<m>.+)'$"), "列表显示“{m}”"),
    (re.compile(r"^empty list container '(?P<m>.+)'$"), "列表容器 {m} 为空"),
]
REGEX_KEYS = {"patterns", "index_pattern"}  # values that are regular expressions (``pattern`` only when one)


def label(key: str, lang: str) -> str:
    pair = LABELS.get(key)
    return (pair[0] if lang == "zh" else pair[1]) if pair else key


def value_text(key: str, value: Any, lang: str) -> str | None:
    """The value in words, or None to show it as it is."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    table = VALUES.get(key)
    if table and isinstance(value, (str, int)) and value in table:
        return table[value][0 if lang == "zh" else 1]
    if lang == "zh" and isinstance(value, str):
        for rx, zh in _PHRASES:
            m = rx.match(value.strip())
            if m:
                return zh.format(**m.groupdict())
    if isinstance(value, str) and (key in REGEX_KEYS or key == "pattern") and _looks_like_regex(value):
        return regex_text(value, lang)
    return None


def _looks_like_regex(text: str) -> bool:
    return bool(re.search(r"[\^$\\\[\]()|?*+{}]", text))


# ---- regular expressions in words ---------------------------------------------------------------

_CLASS_WORDS = {"digit": ("数字", "digit", "digits"), "upper": ("大写字母", "capital letter", "capital letters"),
                "lower": ("小写字母", "small letter", "small letters"),
                "alnum": ("字母或数字", "letter or digit", "letters or digits"),
                "any": ("任意字符", "character", "characters")}


class _Unreadable(Exception):
    """A construct this reader does not put into words."""


def _class_of(op: Any, av: Any) -> str:
    if op == sre_constants.ANY:
        return "any"
    if op == sre_constants.CATEGORY:
        if av == sre_constants.CATEGORY_DIGIT:
            return "digit"
        raise _Unreadable
    if op == sre_constants.IN:
        kinds = set()
        for sub_op, sub_av in av:
            if sub_op == sre_constants.RANGE:
                lo, hi = chr(sub_av[0]), chr(sub_av[1])
                kinds.add("digit" if lo.isdigit() else "upper" if lo.isupper() else "lower" if lo.islower()
                          else "other")
            elif sub_op == sre_constants.CATEGORY and sub_av == sre_constants.CATEGORY_DIGIT:
                kinds.add("digit")
            else:
                raise _Unreadable
        if kinds == {"digit"}:
            return "digit"
        if kinds <= {"digit", "upper", "lower"} and len(kinds) > 1:
            return "alnum" if "digit" in kinds else "upper"
        if len(kinds) == 1 and "other" not in kinds:
            return kinds.pop()
    raise _Unreadable


def _words(parsed: Any, lang: str) -> str:
    zh = lang == "zh"
    parts: list[str] = []
    literal = ""
    for op, av in parsed:
        if op == sre_constants.LITERAL:
            literal += chr(av)
            continue
        if literal:
            parts.append(f"“{literal}”" if zh else f"'{literal}'")
            literal = ""
        if op == sre_constants.AT:
            continue
        if op == sre_constants.SUBPATTERN:
            parts.append(_words(av[-1], lang))
        elif op == sre_constants.BRANCH:
            options = [_words(branch, lang) for branch in av[1]]
            parts.append(("（" + " 或 ".join(options) + "）") if zh else "(" + " or ".join(options) + ")")
        elif op == sre_constants.IN and len(av) > 1 and all(o == sre_constants.LITERAL for o, _ in av):
            options = [chr(v) for _o, v in av]
            parts.append(("（" + " 或 ".join(options) + "）") if zh else "(" + " or ".join(options) + ")")
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            lo, hi, sub = av
            if (lo, hi) == (0, 1):
                inner = _words(sub, lang)
                parts.append(f"〔可省略：{inner}〕" if zh else f"[optional: {inner}]")
                continue
            if len(sub) != 1:
                raise _Unreadable
            name = _CLASS_WORDS[_class_of(*sub[0])][0 if zh else 1 if (lo, hi) == (1, 1) else 2]
            if hi == sre_constants.MAXREPEAT:
                count = f"{lo} 个以上" if zh else f"{lo} or more"
            elif lo == hi:
                count = f"{lo} 位" if zh else f"{lo}"
            else:
                count = f"{lo}–{hi} 位" if zh else f"{lo} to {hi}"
            parts.append(f"{count}{name}" if zh else f"{count} {name}")
        else:
            name = _CLASS_WORDS[_class_of(op, av)][0 if zh else 1]
            parts.append(f"1 位{name}" if zh else f"one {name}")
    if literal:
        parts.append(f"“{literal}”" if zh else f"'{literal}'")
    return (" + " if zh else " + ").join(p for p in parts if p)


def regex_text(pattern: str, lang: str) -> str | None:
    """A simple regular expression in words ("9–18 位字母或数字 + “/” + 4 位数字 ..."), else None."""
    try:
        words = _words(sre_parse.parse(pattern), lang)
    except (_Unreadable, re.error, KeyError, TypeError, ValueError, IndexError):
        return None
    if not words:
        return None
    return (f"格式：{words}" if lang == "zh" else f"format: {words}")
