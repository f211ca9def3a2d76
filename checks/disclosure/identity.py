"""Site-identity rules: footer identity on every page, consistent page meta tags, and a
homepage entry to 我为政府网站找错.

Governed by config/rules.yaml ``identity:`` (``footer_items`` with their regex
patterns, ``site_id_code_pattern``, ``meta_tags_all_pages``, ``footer_script_patterns``,
``zhaocuo_link_patterns`` / ``zhaocuo_text_patterns``) and the profile's
``disclosure.site_id_code`` (the expected 网站标识码, when known).
A footer is a template: the footer and meta-tag rules are ``aggregate="template"``, so a
gap on most pages (site-wide or in one column, ``aggregate:`` in config/rules.yaml) is one
finding with the count and sample pages; a gap on a few pages stays on those pages.

Some CMSs write the whole footer with a same-site script (Hanweb: ``<script
src="/script/0/1234.js">`` calling ``document.write``); the crawler runs no script, so the raw
HTML of such a page lacks every identity item. The crawler keeps the text of same-site scripts
matching ``footer_script_patterns``; a page lacking items that includes one is judged on its
footer plus the HTML the script writes (``checks.disclosure._written``). When that text was not kept (the
script failed or was not fetched) the page is not judged: it gets a ``footer-scripted`` info
finding ("not checked"), never reported missing and never silently passed (one summary finding
listing ``max_sample_pages`` pages).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from checks._columns import site_facts
from checks._pages import config_regex, parse_html, squash
from checks.disclosure._written import written_html
from checks.base import CheckContext, Rule
from crawler.store import Finding

GUIDE = "政府网站发展指引 国办发〔2017〕47号 [U]; 普查规则惯例 [S]"

FOOTER_IDS = Rule(
    id="footer-ids", title_zh="页面底部标识信息缺失", title_en="Footer identity information missing",
    severity="error", assessment="deduction", basis=GUIDE, aggregate="template",
    advice_zh="在全站页面底部功能区列明党政机关网站标识、网站标识码、ICP备案编号、公安机关备案号、"
              "网站主办单位和联系方式。",
    advice_en="List the 党政机关 site mark, site ID code, ICP number, public-security filing number, "
              "sponsor and contact in every page footer.",
    doc="Each element of identity.footer_items is looked for in the page footer (<footer> or a "
        "foot/bottom container; the page tail otherwise). Example: a footer with no 沪ICP备…号.",
)
META_TAGS = Rule(
    id="meta-tags", title_zh="网页元数据标签缺失或不一致", title_en="Site meta tags missing or inconsistent",
    severity="warning", assessment="advisory", basis=GUIDE + "; 网页标签规范 [S]", aggregate="template",
    advice_zh="在全站页面 <head> 中加入 SiteName、SiteDomain、SiteIDCode，SiteIDCode 须与页脚网站标识码一致。",
    advice_en="Add SiteName, SiteDomain and SiteIDCode meta tags; SiteIDCode must equal the footer code.",
    doc="Pages lack a tag of identity.meta_tags_all_pages, or SiteIDCode differs from the 网站标识码 "
        "printed in the footer (or the profile's disclosure.site_id_code).",
)
ZHAOCUO = Rule(
    id="zhaocuo-entry", title_zh="首页缺少“我为政府网站找错”入口", title_en="No 我为政府网站找错 entry on the homepage",
    severity="error", assessment="deduction", basis="国办秘函〔2019〕19号 扣分 D5 功能设计 [S]",
    advice_zh="在首页显著位置放置“我为政府网站找错”入口，链接到国家政府网站找错平台。",
    advice_en="Put a prominent 我为政府网站找错 link on the homepage to the national error-report platform.",
    doc="No homepage link matches identity.zhaocuo_link_patterns (href) or zhaocuo_text_patterns (text).",
)

FOOTER_SCRIPTED = Rule(
    id="footer-scripted", title_zh="页面底部由脚本写入，标识信息未核查",
    title_en="Footer written by a script: identity not checked",
    severity="info", assessment=None,
    basis="xunjian practice: an item that cannot be read is reported as unchecked",
    advice_zh="在页面 HTML 中直接输出页脚（网站标识码、ICP备案编号等），或人工核查脚本写入的页脚。",
    advice_en="Print the footer (site ID code, ICP number …) in the page HTML, or check the scripted "
              "footer by hand.",
    doc="Pages lacking footer items include a same-site script matching identity.footer_script_patterns "
        "(e.g. Hanweb /script/0/1234.js, which document.writes the footer); the crawler runs no script, "
        "so the footer is reported as not checked instead of missing.",
)

RULES = [FOOTER_IDS, META_TAGS, ZHAOCUO, FOOTER_SCRIPTED]


def _footer_script(ctx: CheckContext, url: str, patterns: list) -> str:
    """The same-site script include of ``url`` that writes its footer, if any: the last one
    matching (a Hanweb page includes its header script first, its footer script last)."""
    if not patterns:
        return ""
    host = urlsplit(url).netloc
    found = ""
    for link in ctx.store.links_from(ctx.run_id, url, tag="script"):
        target = link.get("target_url") or ""
        if urlsplit(target).netloc == host \
                and any(p.search(urlsplit(target).path) for p in patterns):
            found = target
    return found


def _missing(compiled: dict, footer: str, markup_text: str) -> list[str]:
    return [name for name, (patterns, markup) in compiled.items()
            if not any(p.search(footer + (" " + markup_text if markup else "")) for p in patterns)]


def _written_footer(ctx: CheckContext, script: str,
                    cache: dict[str, tuple[str, str] | None]) -> tuple[str, str] | None:
    """(text, image/link attributes) of what ``script`` writes; None when its text was not kept or
    it writes nothing literal (output computed at run time cannot be judged)."""
    if script not in cache:
        html = written_html(ctx.store.body(ctx.run_id, script) or "")
        tree = parse_html(f"<html><body>{html}</body></html>") if html.strip() else None
        if tree is None:
            cache[script] = None
        else:
            attrs = [el.get(a, "") for el in tree.iter("img", "a") for a in ("alt", "title", "src", "href")]
            cache[script] = (squash(tree.text_content()), " ".join(a for a in attrs if a))
    return cache[script]


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    items = ctx.threshold("identity.footer_items")
    compiled = {name: ([config_regex(p, f"identity.footer_items.{name}") for p in spec.get("patterns", [])],
                       bool(spec.get("markup"))) for name, spec in items.items()}
    code_rx = config_regex(ctx.threshold("identity.site_id_code_pattern"),
                           "identity.site_id_code_pattern")
    tags = list(ctx.threshold("identity.meta_tags_all_pages"))
    expected_code = str(((ctx.site or {}).get("disclosure") or {}).get("site_id_code") or "")
    script_rx = [config_regex(p, "identity.footer_script_patterns")
                 for p in ctx.threshold("identity.footer_script_patterns")]
    samples = int(ctx.threshold("identity.max_sample_pages"))
    scripted: dict[str, str] = {}  # page -> the script writing its footer (one "not checked" fact)
    written: dict[str, tuple[str, str] | None] = {}  # script URL -> what it writes (None: text not kept)
    considered = []
    for url, view in facts.views.items():  # in URL order
        if url in facts.truncated:
            continue  # the footer was cut off with the body; page-too-large reports the page
        considered.append(url)
        footer, footer_markup = view.footer, view.footer_markup
        missing = _missing(compiled, footer, footer_markup)
        script = _footer_script(ctx, url, script_rx) if missing else ""
        if script:
            extra = _written_footer(ctx, script, written)
            if extra is None:
                scripted[url] = script
                missing = []
            else:
                footer, footer_markup = f"{footer} {extra[0]}", f"{footer_markup} {extra[1]}"
                missing = _missing(compiled, footer, footer_markup)
        for name in missing:
            yield FOOTER_IDS.finding(url, f"页面底部未列明“{name}”", f"Footer lacks '{name}'", target=name,
                                     evidence={"item": name})
        for tag in tags:
            if not view.meta.get(tag):
                yield META_TAGS.finding(url, f"页面缺少 <meta name=\"{tag}\">", f"Page lacks <meta name=\"{tag}\">",
                                        target=tag, evidence={"tag": tag})
        meta_code = view.meta.get("SiteIDCode", "")
        m = code_rx.search(footer)
        reference = expected_code or (m.group(1) if m else "")
        if meta_code and reference and meta_code != reference:
            yield META_TAGS.finding(
                url, f"SiteIDCode“{meta_code}”与网站标识码“{reference}”不一致",
                f"SiteIDCode '{meta_code}' differs from the site ID code '{reference}'", target="SiteIDCode",
                evidence={"gap": "mismatch:SiteIDCode", "meta": meta_code, "expected": reference})
    ctx.consider(FOOTER_IDS, [u for u in considered if u not in scripted])  # unjudged footers
    ctx.consider(META_TAGS, considered)
    if scripted:
        pages = sorted(scripted)
        where = facts.homepage if facts.homepage in scripted else pages[0]
        yield FOOTER_SCRIPTED.finding(
            where, f"页面底部由脚本 {scripted[where]} 写入，未核查标识信息（共{len(pages)}个页面）",
            f"Footer written by the script {scripted[where]}; identity items not checked "
            f"({len(pages)} pages)", target="footer-script",
            evidence={"pages": len(pages), "scripts": sorted(set(scripted.values()))[:samples],
                      "sample": pages[:samples]})
    home = facts.views.get(facts.homepage)
    if home is not None:
        hrefs = [config_regex(p, "identity.zhaocuo_link_patterns")
                 for p in ctx.threshold("identity.zhaocuo_link_patterns")]
        texts = [config_regex(p, "identity.zhaocuo_text_patterns")
                 for p in ctx.threshold("identity.zhaocuo_text_patterns")]
        if not any(any(p.search(h) for p in hrefs) or any(p.search(t) for p in texts) for h, t in home.links):
            yield ZHAOCUO.finding(facts.homepage, "首页未找到“我为政府网站找错”入口",
                                  "The homepage has no 我为政府网站找错 entry", target="我为政府网站找错",
                                  evidence={"links_on_homepage": len(home.links)})
