"""Fault routes of the ``shanghai`` family (rows of ``xunjian.demo.routes.Route``).

Only behaviours a static page cannot give: a redirect loop between two legacy URLs, the
platform's error page answered with 200 (soft 404), a ``/cmsres/`` .pdf answered with an HTML
login page, a single 301 from the pre-platform 信息公开 entry (decoy), and the external host's
faults shared with the trs family (404, bot wall, Cloudflare challenge, always-429, 一网通办
items). Missing pages need no route: the server answers 404 with the family's error page.
The paths are declared by ``plants_links.py``, which links them.
"""

from __future__ import annotations

from xunjian.demo import DemoPage, routes
from xunjian.demo.routes import Route, RouteRequest, redirect
from xunjian.demo.shanghai import templates as t

LOOP_A, LOOP_B = "/oldweb/xxgk/loop-a.html", "/oldweb/xxgk/loop-b.html"
SOFT_404 = "/channel_87/20230412/5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5.html"
HTML_PDF = "/cmsres/9a/9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d/0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b.pdf"
LEGACY_ENTRY = "/xxgk/index.html"


def soft_404(req: RouteRequest) -> DemoPage:
    return DemoPage(t.not_found_html(), status=200)


def login_page(req: RouteRequest) -> DemoPage:
    return t.page("统一身份认证", "<h1>统一身份认证</h1>\n<p>请登录后下载附件。</p>")


ROUTES: list[Route] = [
    Route("portal", LOOP_A, redirect(LOOP_B), f"302 -> {LOOP_B} (loop)"),
    Route("portal", LOOP_B, redirect(LOOP_A), f"302 -> {LOOP_A} (loop)"),
    Route("portal", SOFT_404, soft_404, "200 with the platform's error page (soft 404)"),
    Route("portal", HTML_PDF, login_page, "200 text/html login page for a .pdf link"),
    Route("portal", LEGACY_ENTRY, redirect("/channel_80/index.html", 301),
          "301 -> /channel_80/index.html (pre-platform entry; decoy)"),
    *[r for r in routes.ROUTES if r.host == "external"],
]
