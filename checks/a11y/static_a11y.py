"""Cheap accessibility checks on every crawled page, without a browser.

The browser stage scans a sample; these rules read the stored HTML of every
in-scope 2xx page (in the checks run's page pass, ``scan``) so pages outside the sample are not
blind spots:

* ``a11y-static-lang``       <html> has no (or an empty) lang attribute (WCAG 3.1.1)
* ``a11y-static-title``      no or empty <title> (WCAG 2.4.2)
* ``a11y-static-img-alt``    <img> without an alt attribute (alt="" marks decoration: fine) (1.1.1)
* ``a11y-static-link-name``  a link with no text, image alt, aria-label or title (2.4.4 / 4.1.2)
* ``a11y-static-label``      a form field with no label, aria-label(ledby), title or placeholder (3.3.2 / 4.1.2)

They follow axe-core's notion of an accessible name closely enough that the two
agree; with ``a11y.static.skip_browser_scanned: true`` (config/rules.yaml) pages
that axe already scanned are skipped so one defect is not reported twice.

Every rule here is ``aggregate="template"``: a gap of the page template (no lang on any
page, the same unlabelled search box in every header) is one finding with a count and
sample pages (``aggregate:`` in config/rules.yaml); a node-list finding keys each node by
its markup, so the template's nodes fold away and the page keeps its own.
"""

from __future__ import annotations

from typing import Any

from checks.a11y._common import audited_urls, gbt_clause
from checks.base import CheckContext, CheckResult, Rule
from checks.pagepass import Page
from crawler.store import Finding

_ADVICE_TAIL_ZH = "本项为不启动浏览器的静态检查，覆盖全部已抓取页面。"
_ADVICE_TAIL_EN = "This is a browserless check over every crawled page."


def _rule(rule_id: str, zh: str, en: str, sc: str, advice_zh: str, advice_en: str, doc: str,
          remake: Any = None) -> Rule:
    gbt = gbt_clause([sc])
    return Rule(id=rule_id, title_zh=zh, title_en=en, severity="warning", assessment="advisory",
                basis=f"{gbt['zh'] if gbt else 'WCAG ' + sc} [S]", advice_zh=f"{advice_zh}{_ADVICE_TAIL_ZH}",
                advice_en=f"{advice_en} {_ADVICE_TAIL_EN}", doc=doc, aggregate="template", remake=remake)


# What a node-list finding says, per rule: (zh, en) with the count filled in.
_COUNTED = {
    "a11y-static-img-alt": ("{n} 张图片缺少 alt 替代文本", "{n} image(s) lack an alt attribute"),
    "a11y-static-link-name": ("{n} 个链接没有可辨识的文字", "{n} link(s) have no name"),
    "a11y-static-label": ("{n} 个表单控件缺少标签", "{n} form field(s) have no label"),
}


def _nodes_finding(rule: Rule, url: str, nodes: list[dict[str, str]]) -> Finding:
    """One page's finding over its faulty nodes; each node's markup is its gap key, so a node of
    the page template (the same logo on every page) is folded into one site-level finding."""
    zh, en = _COUNTED[rule.id]
    gaps = {node["html"]: node for node in nodes}
    return rule.finding(url, zh.format(n=len(nodes)), en.format(n=len(nodes)),
                        evidence={"count": len(nodes), "nodes": nodes[:_MAX_LISTED], "gaps": gaps})


def _remake(finding: Finding, left: dict[str, Any]) -> Finding:
    rule = next(r for r in RULES if r.id == finding.rule_id)
    return _nodes_finding(rule, finding.page_url, list(left.values()))


LANG = _rule("a11y-static-lang", "页面未声明语言", "Page language not declared", "3.1.1",
             '在 <html> 上声明语言，如 <html lang="zh-CN">。', 'Declare the language: <html lang="zh-CN">.',
             "Reads <html lang>. Screen readers pick their voice from it; without it Chinese text may be read "
             "with an English voice. Example: <html> with no lang.")
TITLE = _rule("a11y-static-title", "页面缺少标题", "Page has no title", "2.4.2",
              "为每个页面设置能说明内容的 <title>。", "Give every page a descriptive <title>.",
              "Reads <title>. The title is the first thing a screen reader announces and the tab label. "
              "Example: <title></title>.")
IMG_ALT = _rule("a11y-static-img-alt", "图片缺少替代文本", "Images without alternative text", "1.1.1",
                '为有意义的图片添加 alt 说明；纯装饰图片使用 alt=""。',
                'Add alt text to meaningful images; use alt="" for decoration.',
                'Finds <img> without an alt attribute (alt="" is a valid decorative marker and is not flagged). '
                "Blind users hear nothing, or the file name. Example: <img src=banner.jpg>.", _remake)
LINK_NAME = _rule("a11y-static-link-name", "链接没有可辨识的文字", "Links without a discernible name", "2.4.4",
                  "为链接提供文字，或为链接内图片提供 alt，或加 aria-label。",
                  "Give the link text, an image with alt, or an aria-label.",
                  "Finds <a href> whose accessible name is empty (no text, no img alt, no aria-label/labelledby, "
                  "no title). A screen reader announces only 'link'. Example: <a href=/x><i class=icon></i></a>.",
                  _remake)
LABEL = _rule("a11y-static-label", "表单控件缺少标签", "Form fields without labels", "3.3.2",
              "用 <label for> 关联说明文字，或加 aria-label/title；输入提示帮助老年人和读屏用户。",
              "Associate a <label for>, or add aria-label/title; input hints help older and screen-reader users.",
              "Finds input/select/textarea (not hidden or buttons) without label, aria-label(ledby), title or "
              "placeholder, as axe-core judges. Example: a search box <input type=text> with no label.",
              _remake)
RULES = [LANG, TITLE, IMG_ALT, LINK_NAME, LABEL]

_NON_FIELDS = {"hidden", "submit", "button", "image", "reset"}
_MAX_LISTED = 20


def _snippet(el: Any) -> str:
    from lxml import etree

    try:
        return etree.tostring(el, encoding="unicode", with_tail=False)[:200]
    except (ValueError, TypeError):
        return f"<{el.tag}>"


def _has_name(el: Any, doc: Any) -> bool:
    for attr in ("aria-label", "title"):
        if (el.get(attr) or "").strip():
            return True
    labelledby = (el.get("aria-labelledby") or "").split()
    if any((doc.get_element_by_id(i, None) is not None) and doc.get_element_by_id(i).text_content().strip()
           for i in labelledby):
        return True
    return False


def _link_unnamed(a: Any, doc: Any) -> bool:
    if a.text_content().strip() or _has_name(a, doc):
        return False
    for img in a.iter("img"):
        if (img.get("alt") or "").strip():
            return False
    for child in a.iter():
        if child is not a and ((child.get("aria-label") or "").strip() or (child.get("title") or "").strip()):
            return False
    return True


def _field_unlabeled(el: Any, doc: Any, labelled_ids: set[str]) -> bool:
    if el.tag == "input" and (el.get("type") or "text").lower() in _NON_FIELDS:
        return False
    if _has_name(el, doc) or (el.get("placeholder") or "").strip():
        return False
    if el.get("id") and el.get("id") in labelled_ids:
        return False
    parent = el.getparent()
    while parent is not None:
        if parent.tag == "label":
            return False
        parent = parent.getparent()
    return True


def _skipped(ctx: CheckContext) -> set[str]:
    return ctx.memo("static_a11y.skip", lambda: (
        audited_urls(ctx) if ctx.threshold("a11y.static.skip_browser_scanned") else set()))


def scan_during_crawl(ctx: CheckContext, browser_stage: bool) -> bool:
    """checks.livepass: the scan may run while the crawl runs when it skips no page for the browser
    stage (``a11y.static.skip_browser_scanned`` off, or no browser stage this run: its skip list is
    then empty whatever the crawl writes); otherwise it waits for the browser stage's results."""
    return not browser_stage or not ctx.threshold("a11y.static.skip_browser_scanned")


def run(ctx: CheckContext) -> CheckResult:
    _skipped(ctx)  # a bad setting fails the module even on a site without pages
    return iter(())  # every finding is a page's: made by ``scan`` in the page pass


def scan(ctx: CheckContext, page: Page) -> CheckResult:
    """One page of the run's page pass (``checks.pagepass``): in-scope 2xx pages, parsed once."""
    if not page.ok:
        return
    url = page.url
    # the skip test comes before the tree: after a live page pass this module may be the only one parsing
    doc = None if url in _skipped(ctx) else page.tree
    for rule in RULES:  # the denominator of a template gap: every page read here, i.e. all but this one
        ctx.consider_all_but(rule, [url] if doc is None else [])
    if doc is None:
        return
    if not (doc.get("lang") or "").strip():
        yield LANG.finding(url, "页面 <html> 未声明 lang 语言属性", "<html> has no lang attribute",
                           evidence={"selector": "html"})
    titles = doc.findall(".//title")
    if not titles or not titles[0].text_content().strip():
        yield TITLE.finding(url, "页面缺少 <title> 标题或标题为空", "Page has no or an empty <title>",
                            evidence={"selector": "title"})
    body = doc.find("body")
    if body is None:
        return
    imgs = [img for img in body.iter("img") if img.get("alt") is None and img.get("role") != "presentation"]
    if imgs:
        yield _nodes_finding(IMG_ALT, url, [{"src": i.get("src", ""), "html": _snippet(i)} for i in imgs])
    links = [a for a in body.iter("a") if a.get("href") is not None and _link_unnamed(a, doc)]
    if links:
        yield _nodes_finding(LINK_NAME, url,
                             [{"href": a.get("href", ""), "html": _snippet(a)} for a in links])
    labelled = {lab.get("for") for lab in doc.iter("label") if lab.get("for")}
    fields = [el for el in body.iter("input", "select", "textarea") if _field_unlabeled(el, doc, labelled)]
    if fields:
        yield _nodes_finding(LABEL, url, [{"name": f.get("name", ""), "html": _snippet(f)} for f in fields])
