"""适老化 (elder-friendly) rules, after the MIIT 《互联网网站适老化通用设计规范》 (2021).

Static rules read the stored HTML; the others judge what the browser stage's
probe measured in real Chromium (``probe`` in ``a11y_results``). Thresholds and
patterns: the ``a11y.elder`` section of config/rules.yaml ([S]/[U] figures are
configurable on purpose).

* ``elder-entry``         homepage (and column pages, ``entry_pages``) offer working 无障碍 and
                          长者/关怀模式 entries (regexes ``accessibility_entry`` / ``elder_entry``);
                          a header missing one on most of those pages is one template finding
                          (``aggregate:`` in config/rules.yaml)
* ``elder-zoom``          page zoom disabled: viewport ``user-scalable=no`` or ``maximum-scale`` below
                          ``min_maximum_scale``
* ``elder-text-size``     the body text size (character-weighted median) is below ``min_body_text_px``
* ``elder-popup``         auto-opening pop-ups, window.open()/alert() on load, or floating boxes covering
                          content (``popup_min_area_ratio`` of the viewport; header/footer bars excepted)
* ``elder-focus-visible`` Tab focus lands on elements whose look does not change (no focus indicator)
* ``elder-nav-keyboard``  main-navigation items the keyboard walk skipped (not focusable)
"""

from __future__ import annotations

import re
from typing import Any

from checks.a11y._common import doc_for, home_and_columns, results
from checks.base import CheckContext, CheckResult, Rule
from checks.pagepass import Page

MIIT = "MIIT《互联网网站适老化通用设计规范》(2021) [S]"

ENTRY = Rule(
    id="elder-entry", title_zh="缺少可用的无障碍或长者模式入口", title_en="No working accessibility / elder-mode entry",
    severity="warning", assessment="advisory", aggregate="template",
    basis="国办公开办函〔2021〕28号 适老化与无障碍改造 [S/U]; portals show 无障碍 and 长者模式/关怀版 in the header [S]",
    advice_zh="在页头提供“无障碍”与“长者模式/关怀版”入口，并确保链接可打开（不返回 404 等错误）。",
    advice_en="Put working 无障碍 and 长者模式/关怀版 entries in the page header (links that open, not 404).",
    doc="Looks on the homepage and column pages for links or buttons whose text (or title, aria-label, image alt) "
        "reads like 无障碍 / 长者模式 / 关怀版, and checks a linked entry's crawled status. Older and disabled "
        "visitors need one obvious switch. Example: a header with 无障碍 but no 长者模式 link.",
)
ZOOM = Rule(
    id="elder-zoom", title_zh="页面禁止缩放", title_en="Page zoom disabled",
    severity="warning", assessment="advisory", aggregate="template",
    basis=f"{MIIT} 文字放大; WCAG 1.4.4 调整文本大小 (GB/T 37668-2019 可感知) [S]",
    advice_zh="去掉 viewport 中的 user-scalable=no，maximum-scale 不低于 2（建议删除该项）。",
    advice_en="Remove user-scalable=no from the viewport meta; keep maximum-scale at 2 or more (or drop it).",
    doc="Reads <meta name=viewport>. On phones, user-scalable=no or a low maximum-scale stops older users from "
        "pinching to enlarge text. Example: content=\"width=device-width, user-scalable=no\".",
)
TEXT_SIZE = Rule(
    id="elder-text-size", title_zh="正文字号过小", title_en="Body text too small",
    severity="warning", assessment="advisory",
    basis=f"{MIIT} 特大字体/文字放大; App 适老化规范 main text ≥18pt (website threshold [U])",
    advice_zh="将正文字号调大（默认阈值见配置 a11y.elder.min_body_text_px），并提供长者模式大字号。",
    advice_en="Enlarge the body text (threshold: a11y.elder.min_body_text_px) and offer a large-text elder mode.",
    doc="Measures in Chromium the computed font size of every visible character and takes the character-weighted "
        "median as the body text size. Small text is the first complaint of older readers. Example: body "
        "{font-size:12px} with a 14px threshold.",
)
POPUP = Rule(
    id="elder-popup", title_zh="自动弹窗或漂浮广告遮挡内容", title_en="Auto pop-ups or floating boxes cover content",
    severity="warning", assessment="advisory",
    basis=f"{MIIT}: no 广告弹窗, no random or temporary pop-ups, no 诱导 buttons",
    advice_zh="取消页面打开时自动弹出的窗口、对话框和漂浮窗；确需提示的内容放在页面内。",
    advice_en="Remove windows, dialogs and floating boxes that open by themselves; put notices inside the page.",
    doc="After load, lists fixed (or high z-index) boxes covering part of the viewport (header/footer bars and "
        "small buttons such as 返回顶部 are excepted), open dialogs, and window.open()/alert() calls made "
        "without a click. Example: a 300×200 飘窗 in the middle of the homepage.",
)
FOCUS = Rule(
    id="elder-focus-visible", title_zh="键盘焦点不可见", title_en="Keyboard focus not visible",
    severity="warning", assessment="advisory",
    basis=f"{MIIT} 全程键盘; WCAG 2.4.7 焦点可见 (GB/T 37668-2019 可操作) [S]",
    advice_zh="不要用 outline:none 去掉焦点框；如需自定义，请用 :focus-visible 提供明显的边框或阴影。",
    advice_en="Do not remove the focus outline; if you restyle it, give :focus-visible a clear outline or shadow.",
    doc="Presses Tab repeatedly in Chromium and compares each focused element's outline, shadow, border, colours "
        "and underline with its unfocused look. Keyboard users get lost when nothing shows where they are. "
        "Example: a:focus{outline:none} with no replacement.",
)
NAV_KEYBOARD = Rule(
    id="elder-nav-keyboard", title_zh="主导航无法用键盘访问", title_en="Main navigation not keyboard-reachable",
    severity="warning", assessment="advisory",
    basis=f"{MIIT} 全程键盘; WCAG 2.1.1 键盘 (GB/T 37668-2019 可操作) [S]",
    advice_zh="导航项使用 <a href> 或 <button>，不要用只响应鼠标点击的 <span onclick>/<div onclick>。",
    advice_en="Build navigation items as <a href> or <button>, not mouse-only <span onclick>/<div onclick>.",
    doc="Walks the page with Tab in Chromium and lists main-navigation items (a11y.nav_selectors) the focus "
        "skipped. Keyboard and screen-reader users cannot open those columns. Example: <li onclick=go()>.",
)
RULES = [ENTRY, ZOOM, TEXT_SIZE, POPUP, FOCUS, NAV_KEYBOARD]
# its scan reads the page's viewport tag and a11y.elder.min_maximum_scale only
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs

_KIND_ZH = {"accessibility": "无障碍", "elder": "长者模式/关怀版"}
_KIND_EN = {"accessibility": "accessibility (无障碍)", "elder": "elder mode (长者模式/关怀版)"}


def _t(ctx: CheckContext, key: str) -> Any:
    return ctx.threshold(f"a11y.elder.{key}")


def _label(el: Any) -> str:
    parts = [el.text_content(), el.get("title") or "", el.get("aria-label") or ""]
    parts += [img.get("alt") or "" for img in el.iter("img")]
    return re.sub(r"\s+", "", " ".join(p for p in parts if p))


def _entries(doc: Any, patterns: dict[str, list[str]]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {kind: [] for kind in patterns}
    for el in doc.iter("a", "button", "span", "div", "li", "img"):
        if el.tag in ("span", "div", "li") and el.get("onclick") is None and el.get("role") not in ("button", "link"):
            continue
        texts = [_label(el)] if el.tag != "img" else [el.get("alt") or ""]
        for kind, regexes in patterns.items():
            if any(re.search(rx, t) for rx in regexes for t in texts if t):
                found[kind].append(el)
    return found


def _entry_status(ctx: CheckContext, page: str, el: Any) -> tuple[str, str]:
    """('ok'|'broken'|'script', detail) for one entry element."""
    href = (el.get("href") or "").strip() if el.tag == "a" else ""
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return "script", "script toggle (not verified)"
    for link in ctx.store.links_from(ctx.run_id, page):
        if link["raw_href"].strip() != href:
            continue
        target = ctx.store.resource(ctx.run_id, link["target_url"])
        if target is None:
            return "ok", f"{link['target_url']} not fetched"
        status, error = target.get("status"), target.get("error_class")
        if error or (status is not None and status >= 400):
            return "broken", f"{link['target_url']} → {status or error}"
        return "ok", f"{link['target_url']} → {status}"
    return "ok", f"{href} (no crawl record)"


def _check_entries(ctx: CheckContext) -> CheckResult:
    home, columns = home_and_columns(ctx)
    wanted = set(_t(ctx, "entry_pages"))
    pages = ([home] if home and "home" in wanted else []) + (columns if "columns" in wanted else [])
    ctx.consider(ENTRY, pages)  # a header without the entry on most of these pages is one template gap
    patterns = _t(ctx, "entry_patterns")
    for page in pages:
        doc = doc_for(ctx, page)
        if doc is None:
            continue
        role_zh, role_en = ("首页", "homepage") if page == home else ("栏目页", "column page")
        for kind, elements in _entries(doc, patterns).items():
            if not elements:
                yield ENTRY.finding(page, f"{role_zh}未提供“{_KIND_ZH[kind]}”入口", f"The {role_en} has no {_KIND_EN[kind]} entry",
                                    target=f"missing:{kind}", evidence={"kind": kind, "patterns": patterns[kind]})
                continue
            states = [(_entry_status(ctx, page, el), el) for el in elements]
            if all(state == "broken" for (state, _), _el in states):
                (state, detail), el = states[0]
                yield ENTRY.finding(page, f"{role_zh}的“{_KIND_ZH[kind]}”入口无法打开（{detail}）",
                                    f"The {role_en}'s {_KIND_EN[kind]} entry is broken ({detail})",
                                    target=f"broken:{kind}",
                                    evidence={"kind": kind, "href": el.get("href"), "detail": detail,
                                              "text": _label(el)})


def scan(ctx: CheckContext, page: Page) -> CheckResult:
    """One page of the run's page pass (``checks.pagepass``): its viewport must allow zooming."""
    doc = page.tree if page.ok else None
    if doc is None:
        return
    floor = ctx.memo("elder.zoom_floor", lambda: float(_t(ctx, "min_maximum_scale")))
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() != "viewport":
            continue
        content = meta.get("content") or ""
        params = dict((k.strip().lower(), v.strip().lower()) for k, _, v in
                      (part.partition("=") for part in re.split(r"[,;]", content)) if k.strip())
        problems = []
        if params.get("user-scalable") in ("no", "0"):
            problems.append("user-scalable=no")
        try:
            if "maximum-scale" in params and float(params["maximum-scale"]) < floor:
                problems.append(f"maximum-scale={params['maximum-scale']}")
        except ValueError:
            pass
        if problems:
            yield ZOOM.finding(page.url, f"页面禁止缩放（{', '.join(problems)}）",
                               f"Page zoom disabled ({', '.join(problems)})",
                               evidence={"gap": content, "viewport": content, "problems": problems,
                                         "min_maximum_scale": floor})
        break


def _median_px(sizes: dict[str, int]) -> float | None:
    items = sorted((float(px), n) for px, n in sizes.items())
    total = sum(n for _, n in items)
    if not total:
        return None
    seen = 0
    for px, n in items:
        seen += n
        if seen * 2 >= total:
            return px
    return items[-1][0]


def _check_probe(ctx: CheckContext) -> CheckResult:
    min_px = float(_t(ctx, "min_body_text_px"))
    min_chars = int(_t(ctx, "min_text_chars"))
    area_ratio = float(_t(ctx, "popup_min_area_ratio"))
    bar_width = float(_t(ctx, "bar_min_width_ratio"))
    bar_height = float(_t(ctx, "bar_max_height_ratio"))
    focus_min = int(_t(ctx, "focus_invisible_min"))
    for row in results(ctx):
        probe = row.data.get("probe")
        if row.status == "failed" or not probe:
            continue
        url = row.url
        median = _median_px(probe.get("text_sizes") or {})
        if median is not None and probe.get("text_chars", 0) >= min_chars and median < min_px:
            yield TEXT_SIZE.finding(url, f"正文字号约 {median:g}px，小于 {min_px:g}px",
                                    f"Body text is about {median:g}px, below {min_px:g}px",
                                    evidence={"median_px": median, "min_px": min_px,
                                              "chars_by_px": probe.get("text_sizes")})
        vp = probe.get("viewport") or {}
        vw, vh = vp.get("width") or 1280, vp.get("height") or 800
        covering = []
        for box in probe.get("overlays") or []:
            is_bar = box["width"] >= bar_width * vw and box["height"] <= bar_height * vh
            if box.get("dialog") or (not is_bar and box["visible_area"] >= area_ratio * vw * vh):
                covering.append({k: box[k] for k in ("selector", "html", "width", "height", "left", "top",
                                                     "position", "dialog", "text")})
        opened, dialogs = probe.get("opened_windows") or [], probe.get("dialogs") or []
        if covering or opened or dialogs:
            what_zh = "、".join(filter(None, [f"{len(covering)} 个遮挡内容的浮层/弹窗" if covering else "",
                                             f"{len(opened)} 次自动打开新窗口" if opened else "",
                                             f"{len(dialogs)} 个自动弹出对话框" if dialogs else ""]))
            what_en = ", ".join(filter(None, [f"{len(covering)} floating box(es) covering content" if covering else "",
                                              f"{len(opened)} window.open() on load" if opened else "",
                                              f"{len(dialogs)} alert/confirm on load" if dialogs else ""]))
            yield POPUP.finding(url, f"页面打开时出现{what_zh}", f"On load: {what_en}",
                                evidence={"overlays": covering, "opened_windows": opened, "dialogs": dialogs,
                                          "viewport": [vw, vh], "min_area_ratio": area_ratio})
        walk = (probe.get("keyboard") or {}).get("walk") or []
        invisible = [{"selector": s["selector"], "html": s["html"], "in_nav": s.get("in_nav")}
                     for s in walk if s.get("changed") is False]
        if len(invisible) >= max(1, focus_min):
            yield FOCUS.finding(url, f"{len(invisible)} 个元素获得键盘焦点时没有可见的焦点样式",
                                f"{len(invisible)} element(s) show no visible focus indicator",
                                evidence={"count": len(invisible), "nodes": invisible[:20],
                                          "tab_stops": len(walk)})
        nav = probe.get("nav") or {}
        if nav.get("unreached"):
            names = "、".join(i.get("text") or i["selector"] for i in nav["unreached"][:5])
            yield NAV_KEYBOARD.finding(url, f"主导航有 {len(nav['unreached'])} 项无法用 Tab 键到达：{names}",
                                       f"{len(nav['unreached'])} main-navigation item(s) are skipped by Tab: {names}",
                                       evidence={"nav_selector": nav.get("selector"), "items": nav.get("items"),
                                                 "nodes": nav["unreached"][:20]})


def run(ctx: CheckContext) -> CheckResult:
    ctx.memo("elder.zoom_floor", lambda: float(_t(ctx, "min_maximum_scale")))  # fails even without pages
    yield from _check_entries(ctx)  # the viewport (zoom) findings come from ``scan``, in the page pass
    yield from _check_probe(ctx)
