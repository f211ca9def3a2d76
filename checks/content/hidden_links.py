"""Hidden injected links (暗链): off-site links a visitor cannot see, found in the page source.

A tampered page carries blocks of links to gambling or advertising sites hidden from visitors
but read by search engines: an element styled ``display:none``, ``visibility:hidden``, a zero
font size or pushed off-screen (``left:-9999px``, ``text-indent:-9999px``), the ``hidden``
attribute, or links put inside ``<noscript>`` or ``<head>``. This module reads every in-scope
page's stored HTML (static detection: inline styles, the ``hidden`` attribute and simple
``.class``/``#id`` rules of the page's own ``<style>`` blocks; no rendering), and reports one
finding per page listing the hidden off-site links (host not in the profile's scope).

Not flagged: hidden links to the site itself (drop-down menus, tabs), and hosts ending with
``hidden_links.trusted_suffixes`` (config/rules.yaml; e.g. ``gov.cn``: a collapsed 友情链接 menu of
government sites is a design choice, not an injection). Confirming computed visibility in the
browser stage is not done yet (issue 13).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.htmldoc import parse_html
from crawler.store import Finding
from crawler.urls import join_url

HIDDEN_LINKS = Rule(
    id="link-hidden-offsite", title_zh="页面含隐藏的外部链接（疑似暗链）",
    title_en="Hidden off-site links (suspected injected links)",
    severity="error", assessment="advisory",
    basis="国办秘函〔2019〕19号 单项否决 V1（页面被挂马、内容被篡改）[S]",
    advice_zh="核查并删除隐藏的外部链接，排查网站是否被篡改（模板、数据库、服务器文件），修补漏洞后复查全站。",
    advice_en="Check and remove the hidden external links, look for tampering (templates, database, server "
              "files), patch the hole and re-check the whole site.",
    doc="Finds <a href> to another host inside an element hidden by inline style (display:none, "
        "visibility:hidden, font-size:0, off-screen left/top/text-indent of -999px or more), the hidden "
        "attribute, a class/id hidden by the page's own <style>, or inside <noscript>/<head>. Hidden links "
        "to "
        "the site itself (menus) and hosts under hidden_links.trusted_suffixes do not fire. Example: "
        '<div style="display:none"><a href="http://casino.example/">娱乐城</a></div> in the footer. '
        "Severity error, not a veto finding: static detection cannot prove tampering, a person confirms it.",
)
RULES = [HIDDEN_LINKS]
# its scan reads the page, the profile's scope hosts and hidden_links.trusted_suffixes only
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs

_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden"
                     r"|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem)?\s*(?:;|$)"
                     r"|(?:left|top|text-indent|margin-left)\s*:\s*-\d{3,}(?:\.\d+)?(?:px|em)", re.I)
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")


def _settings(ctx: CheckContext) -> tuple[set[str], tuple[str, ...]]:
    scope = {h.lower() for h in ctx.site.scope_hosts} if hasattr(ctx.site, "scope_hosts") else set()
    suffixes = ctx.threshold("hidden_links.trusted_suffixes")
    return scope, tuple(str(s).lower().lstrip(".") for s in suffixes)


def scan(ctx: CheckContext, page: Page) -> Iterator[Finding]:
    """One page of the run's page pass (``checks.pagepass``)."""
    if not page.ok:
        return
    scope, trusted = ctx.memo("hidden_links.settings", lambda: _settings(ctx))
    hidden = hidden_in_tree(page.tree, page.url, scope, trusted)
    if hidden:
        hosts = sorted({urlsplit(h["href"]).hostname or "" for h in hidden})
        yield HIDDEN_LINKS.finding(
            page.url, f"页面含 {len(hidden)} 个隐藏的外部链接（{'、'.join(hosts)}）：{hidden[0]['how']}",
            f"The page carries {len(hidden)} hidden off-site link(s) ({', '.join(hosts)}): "
            f"{hidden[0]['how']}",
            target="hidden links", evidence={"count": len(hidden), "hosts": hosts, "links": hidden[:20]})


def run(ctx: CheckContext) -> Iterator[Finding]:
    ctx.memo("hidden_links.settings", lambda: _settings(ctx))  # bad settings fail even without pages
    return iter(())  # every finding is a page's: made by ``scan`` in the page pass


def hidden_offsite_links(html: str, base: str, scope: set[str],
                         trusted: tuple[str, ...]) -> list[dict[str, Any]]:
    """[{href, text, how}] of the hidden links to hosts outside ``scope`` in ``html``."""
    return hidden_in_tree(parse_html(html), base, scope, trusted)


def hidden_in_tree(root: Any, base: str, scope: set[str], trusted: tuple[str, ...]) -> list[dict[str, Any]]:
    """``hidden_offsite_links`` of a parsed page (read only)."""
    if root is None:
        return []
    hidden_classes, hidden_ids = _hidden_selectors(root)
    out = []
    base_parts = urlsplit(base)
    base_on_site = base_parts.scheme in ("http", "https") and base_parts.netloc.lower() in scope
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if _on_site_without_joining(href, base_on_site, scope):
            continue  # most links of a page: no need to resolve them to know they stay on the site
        target = join_url(base, href)
        if target is None:  # a malformed href is link-malformed's finding (9.10), not this module's crash
            continue
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() in scope:
            continue
        host = (parts.hostname or "").lower()
        if any(host == s or host.endswith("." + s) for s in trusted):
            continue
        how = _why_hidden(a, hidden_classes, hidden_ids)
        if how:
            out.append({"href": target, "text": " ".join(a.text_content().split())[:60], "how": how})
    return out


# A relative href urljoin keeps on the base's scheme and host: no scheme before the first / ? #,
# not network-path (//host), and none of the characters urlsplit drops or browsers read as "/".
_PLAIN_RELATIVE = re.compile(r"^(?!//)[^\x00-\x20:/?#\\]*(?:[/?#][^\t\r\n\\]*)?\Z")
_PLAIN_ABSOLUTE = re.compile(r"^https?://[^\t\r\n\\]*\Z", re.I)


def _on_site_without_joining(href: str, base_on_site: bool, scope: set[str]) -> bool:
    """True when ``href`` surely resolves to an http(s) URL of a host in ``scope`` (such a link is
    never an off-site one); False means "resolve it and see", never "off-site"."""
    if _PLAIN_RELATIVE.match(href):
        return base_on_site
    if _PLAIN_ABSOLUTE.match(href):
        try:
            return urlsplit(href).netloc.lower() in scope
        except ValueError:
            return False
    return False


def _hidden_selectors(root: Any) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    ids: set[str] = set()
    for style in root.iter("style"):
        for selectors, body in _STYLE_RULE.findall(style.text or ""):
            if not _HIDING.search(body):
                continue
            for selector in selectors.split(","):
                m = _SIMPLE_SELECTOR.match(selector.strip())
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


def _why_hidden(a: Any, hidden_classes: set[str], hidden_ids: set[str]) -> str:
    el = a
    while el is not None and isinstance(el.tag, str):
        tag = el.tag.lower()
        if tag in ("noscript", "head"):
            return f"inside <{tag}>"
        style = el.get("style") or ""
        m = _HIDING.search(style)
        if m:
            return f'<{tag} style="{m.group(0).strip().rstrip(";")}">'
        if el.get("hidden") is not None:
            return f"<{tag} hidden>"
        if el.get("id") in hidden_ids:
            return f"<{tag} id={el.get('id')}> hidden by the page's <style>"
        hit = hidden_classes.intersection((el.get("class") or "").split())
        if hit:
            return f"<{tag} class={sorted(hit)[0]}> hidden by the page's <style>"
        el = el.getparent()
    return ""
