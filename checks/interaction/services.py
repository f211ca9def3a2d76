"""Services (办事服务): an entry exists and the 办事指南 pages are complete.

Not the 政府信息公开指南 (checks/disclosure/gk_guide.py): a 办事指南 tells a citizen how to get one
administrative service done.

* ``veto-v6a-no-service`` (V6 a): no crawled link names a service entry (``services.entry_pattern``:
  办事服务, 网上办事, 一网通办 …) and no 办事指南 page was read.
* ``service-guide-incomplete``: a guide lacks some of ``services.guide_elements`` (element name ->
  regex looked for in the page text): one finding per guide naming what is missing.
* ``veto-v6b-guides-incomplete`` (V6 b): the share of incomplete guides reaches
  ``services.veto_incomplete_share`` (the national text's count is unconfirmed [U]).

A guide page is one whose title matches ``services.guide_title_pattern`` or whose text prints at
least ``services.guide_min_elements`` elements. A guide that only links into the handling platform
(a link matching ``services.handling_link_pattern``) is judged together with the page it links to
when the crawl fetched it (阅办联动); when it did not, the guide is left unjudged and counted.
Without any guide page, V6 b is "not checked: no 办事指南 found", never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks._columns import _content_links, site_facts
from checks._pages import _content_text, config_regex, list_items, stored_tree
from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.store import Finding

NO_SERVICE = Rule(
    id="veto-v6a-no-service", title_zh="无办事服务入口", title_en="No service entry",
    severity="critical", assessment="veto", basis="国办秘函〔2019〕19号 单项否决 V6 服务不实用 [S]",
    advice_zh="在首页设置“办事服务”入口，链接到本单位的办事指南和网上办理（一网通办）。",
    advice_en="Add a 办事服务 entry on the homepage leading to the service guides and online handling.",
    doc="No crawled link names a service entry (services.entry_pattern) and no 办事指南 page was read. "
        "Example: a portal with news and disclosure columns only.",
)
GUIDE_INCOMPLETE = Rule(
    id="service-guide-incomplete", title_zh="办事指南要素不全", title_en="Service guide lacks key elements",
    severity="warning", assessment="advisory", basis="国办秘函〔2019〕19号 单项否决 V6 办事指南要素 [S]",
    advice_zh="补全办事指南的事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、咨询方式和办理流程。",
    advice_en="Complete the guide: service name, legal basis, conditions, documents, place, hours, "
              "contact and procedure.",
    doc="A 办事指南 page (with the page it links into the handling platform, when fetched) lacks elements of "
        "services.guide_elements. Example: a guide that lists the documents but no 办理地点 or 办理时间.",
)
GUIDES_VETO = Rule(
    id="veto-v6b-guides-incomplete", title_zh="办事指南要素缺失比例过高", title_en="Too many incomplete service guides",
    severity="critical", assessment="veto", basis="国办秘函〔2019〕19号 单项否决 V6 服务不实用 [S]; 比例阈值 [U]",
    advice_zh="逐一补全要素不全的办事指南（见“办事指南要素不全”各条）。",
    advice_en="Complete every guide listed under 'Service guide lacks key elements'.",
    doc="The share of judged 办事指南 pages lacking key elements reaches services.veto_incomplete_share "
        "(a setting: the national count is unconfirmed). Example: 3 of 8 guides lack 办理材料.",
)

RULES = [NO_SERVICE, GUIDE_INCOMPLETE, GUIDES_VETO]
# its scan reads the raw page and services.guide_elements only, and keeps a set of URLs
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs


_GUIDE_LIKE = "services.guide_like_pages"


def _elements(ctx: CheckContext) -> tuple[dict[str, re.Pattern], int]:
    return ctx.memo("services.elements", lambda: (
        {name: config_regex(rx, f"services.guide_elements.{name}")
         for name, rx in ctx.threshold("services.guide_elements").items()},
        int(ctx.threshold("services.guide_min_elements"))))


def _raw_guide_like(html: str, elements: dict[str, re.Pattern], minimum: int) -> bool:
    return sum(1 for rx in elements.values() if rx.search(html)) >= minimum


def scan(ctx: CheckContext, page: Page) -> None:
    """The page pass (``checks.pagepass``): note the pages whose raw HTML names enough guide
    elements, so ``run`` need not read every body again for its pre-filter."""
    elements, minimum = _elements(ctx)
    pages = ctx.memo(_GUIDE_LIKE, set)
    if _raw_guide_like(page.html, elements, minimum):
        pages.add(page.url)


def _may_be_guide(ctx: CheckContext, url: str, elements: dict[str, re.Pattern], minimum: int) -> bool:
    scanned = ctx.memos.get(_GUIDE_LIKE)
    if scanned is not None:  # the page pass read the body already
        return url in scanned
    return _raw_guide_like(ctx.store.body(ctx.run_id, url) or "", elements, minimum)


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    entry_rx = config_regex(ctx.threshold("services.entry_pattern"),
                            "services.entry_pattern")
    title_rx = config_regex(ctx.threshold("services.guide_title_pattern"),
                            "services.guide_title_pattern")
    handling_rx = config_regex(ctx.threshold("services.handling_link_pattern"),
                               "services.handling_link_pattern")
    elements, minimum = _elements(ctx)
    entries = sorted(t for t in facts.link_index if entry_rx.search(t))
    texts: dict[str, str] = {}

    def text(url: str) -> str:
        if url not in texts:  # content only: a footer's 联系电话 or 办公时间 completes no guide
            tree = stored_tree(ctx, url)
            texts[url] = _content_text(tree) if tree is not None else ""
        return texts[url]

    guides: dict[str, list[str]] = {}  # guide page -> missing elements
    via: dict[str, str] = {}
    unjudged: list[str] = []
    for url, view in facts.views.items():  # in URL order
        if url == facts.homepage:
            continue
        if not title_rx.search(view.title) and not _may_be_guide(ctx, url, elements, minimum):
            continue  # cheap pre-filter on the raw page: parse only pages that may be guides
        body = text(url)
        found = {name for name, rx in elements.items() if rx.search(body)}
        handling = []
        if len(found) < minimum:
            if not title_rx.search(view.title):
                continue
            handling = [href for href, label in _content_links(ctx, url)
                        if handling_rx.search(label) or handling_rx.search(href)]
            if not (found or handling) or _is_list(ctx, url):
                continue  # a list or overview page titled 办事指南: not a guide
        missing = [name for name in elements if name not in found]
        if missing and not handling:
            handling = [href for href, label in _content_links(ctx, url)
                        if handling_rx.search(label) or handling_rx.search(href)]
        if missing and handling:
            fetched = [t for t in handling if ctx.store.body(ctx.run_id, t)]
            if not fetched:
                unjudged.append(url)
                continue
            for target in fetched:  # 阅办联动: the handling page completes the guide
                missing = [name for name in missing if not elements[name].search(text(target))]
                via[url] = target
        guides[url] = missing
    for target in set(via.values()):  # a handling page that completed a guide is not a second guide
        guides.pop(target, None)
    if not entries and not guides:
        yield NO_SERVICE.finding(facts.homepage, "网站未提供办事服务入口", "The portal has no service entry",
                                 target="V6a", evidence={"entry_pattern": entry_rx.pattern})
    if not guides:
        ctx.not_judged(GUIDE_INCOMPLETE, "no-service-guide")
        ctx.not_judged(GUIDES_VETO, "no-service-guide")
        return
    ctx.consider(GUIDE_INCOMPLETE, guides)
    incomplete = {url: missing for url, missing in guides.items() if missing}
    for url, missing in sorted(incomplete.items()):
        yield GUIDE_INCOMPLETE.finding(
            url, f"办事指南缺少：{'、'.join(missing)}", f"The service guide lacks: {', '.join(missing)}",
            target="、".join(missing), evidence={"missing": missing, "handling_page": via.get(url)})
    share = len(incomplete) / len(guides)
    threshold = float(ctx.threshold("services.veto_incomplete_share"))
    if incomplete and share >= threshold:
        yield GUIDES_VETO.finding(
            facts.homepage, f"{len(incomplete)}/{len(guides)} 个办事指南要素不全（阈值 {threshold:.0%}）",
            f"{len(incomplete)}/{len(guides)} service guides lack key elements (threshold {threshold:.0%})",
            target="V6b", evidence={"incomplete": len(incomplete), "guides": len(guides),
                                    "share": round(share, 3), "threshold": threshold,
                                    "unjudged_links_not_fetched": unjudged[:5],
                                    "sample": sorted(incomplete)[:5]})


def _is_list(ctx: CheckContext, url: str) -> bool:
    tree = stored_tree(ctx, url)
    return tree is not None and len(list_items(tree, url)) >= 3
