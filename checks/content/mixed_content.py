"""Mixed content: ``http://`` subresources on a portal served over https.

On an https page a browser blocks (scripts, stylesheets, iframes) or flags (images, media) what
it must load over plain http, and a form that posts to ``http://`` sends the visitor's input in
clear text. This module reads every in-scope page's stored HTML and reports one finding per page
listing the ``http://`` URLs written in subresource attributes: ``<script src>``, ``<link
rel=stylesheet href>``, ``<img src>``, ``<iframe src>``, ``<source>``/``<audio>``/``<video>``/
``<embed src>``, ``<object data>`` and ``<form action>``. Relative URLs inherit the page's scheme
and are fine; links (``<a href>``) are navigation, not subresources.

Which scheme production uses: ``mixed_content.production_scheme`` (config/rules.yaml or the
profile's ``thresholds:``): ``auto`` (https when a start URL is https), ``https`` (a portal audited
over http on a test host but served over https in production) or ``http`` (rule off).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.htmldoc import parse_html
from crawler.store import Finding

MIXED = Rule(
    id="mixed-content", title_zh="HTTPS 页面引用 HTTP 资源（混合内容）",
    title_en="http:// subresources on an https site",
    severity="warning", assessment="advisory",
    basis="国办秘函〔2019〕19号 网站安全 (rule book §1) [S]; browsers block active mixed content",
    advice_zh="把脚本、样式、图片、框架和表单提交地址改为 https:// 或相对地址，并确认被引用的站点支持 HTTPS。",
    advice_en="Load scripts, styles, images and frames, and post forms, over https:// (or a relative URL); "
              "make sure the referenced host serves HTTPS.",
    doc="On a portal whose production scheme is https (mixed_content.production_scheme, default auto: the "
        "start URL's scheme), lists per page the http:// URLs in script/stylesheet/img/iframe/media/object "
        "src and form action. Example: <script src=\"http://cdn.example/jquery.js\"> on an https page, which "
        "browsers refuse to run.",
)
RULES = [MIXED]
# its scan reads the page, the profile's start URLs and mixed_content.production_scheme only
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs

_ATTRS = {"script": ("src",), "img": ("src",), "iframe": ("src",), "frame": ("src",), "source": ("src",),
          "audio": ("src",), "video": ("src", "poster"), "embed": ("src",), "object": ("data",),
          "form": ("action",), "link": ("href",)}


def production_is_https(ctx: CheckContext) -> bool:
    setting = str(ctx.threshold("mixed_content.production_scheme")).lower()
    if setting in ("https", "http"):
        return setting == "https"
    starts = (ctx.site or {}).get("start_urls") or []
    return any(str(u).lower().startswith("https://") for u in starts)


def scan(ctx: CheckContext, page: Page) -> Iterator[Finding]:
    """One page of the run's page pass (``checks.pagepass``)."""
    if not page.ok or not ctx.memo("mixed_content.https", lambda: production_is_https(ctx)):
        return
    found = subresources_in_tree(page.tree)
    if found:
        kinds = sorted({f["tag"] for f in found})
        yield MIXED.finding(page.url,
                            f"页面以 http:// 引用 {len(found)} 个资源（{'、'.join(kinds)}）：{found[0]['url']}",
                            f"The page loads {len(found)} resource(s) over http:// ({', '.join(kinds)}): "
                            f"{found[0]['url']}", target="http subresources",
                            evidence={"count": len(found), "resources": found[:20]})


def run(ctx: CheckContext) -> Iterator[Finding]:
    ctx.memo("mixed_content.https", lambda: production_is_https(ctx))  # bad settings fail even without pages
    return iter(())  # every finding is a page's: made by ``scan`` in the page pass


def http_subresources(html: str) -> list[dict[str, Any]]:
    """[{tag, attr, url}] of the subresource attributes written with an absolute http:// URL."""
    return subresources_in_tree(parse_html(html))


def subresources_in_tree(root: Any) -> list[dict[str, Any]]:
    """``http_subresources`` of a parsed page (read only)."""
    if root is None:
        return []
    out = []
    for el in root.iter(*_ATTRS):
        tag = el.tag.lower()
        if tag == "link" and "stylesheet" not in (el.get("rel") or "").lower().split():
            continue
        for attr in _ATTRS[tag]:
            value = (el.get(attr) or "").strip()
            if value.lower().startswith("http://"):
                out.append({"tag": tag, "attr": attr, "url": value[:300]})
    return out
