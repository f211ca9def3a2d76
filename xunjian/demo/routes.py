"""Dynamic routes of the demo server: the faults (and fault-like decoys) served over real HTTP.

``ROUTES`` below is the table a reader checks against ``plants_links.EXPECTED``/``DECOYS``: one
row per path, its host and what it answers. A path ending in ``*`` is a prefix. Anything not
routed is a static page of the ``DemoSite``, or a 404 with the portal's not-found template.

Timings are relative to the demo profile (config/sites/demo.yaml): ``limits.timeout_s: 4`` (the
slow page takes 8 s, the slow-but-OK one 1.5 s), ``links.max_redirects: 3`` (the long chain has
5 hops), ``links.retries: 2`` (the flaky 503 and the one-off 429 recover on the first retry).
Per-URL state (first request fails, then succeeds) lives in the running server, so every
``serve()`` starts fresh.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, quote, urlencode

from xunjian.demo import DemoPage, content, layout
from xunjian.demo.external import KNOWN_ITEM_CODES, external_page

HUGE_LENGTH = 2 * 1024 ** 3  # the "2 GB response": streamed lazily, never materialised
# The timeout plant answers far beyond limits.timeout_s (4 s) so that a crawler starved of CPU
# (a loaded CI box) still sees its timer fire first; the handler returns early when the server stops.
SLOW_S, SLOW_OK_S = 30.0, 1.5


@dataclass
class Stream:
    """A response streamed from a generator with a declared Content-Length."""

    content_type: str
    length: int
    chunks: Callable[[], Iterator[bytes]]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RouteRequest:
    method: str
    host: str  # "portal" | "external"
    path: str  # without query, percent-decoded
    query: str  # raw query string
    headers: dict[str, str]  # lower-case names
    today: date
    stop: threading.Event  # set when the server stops: slow handlers return early
    counter: Callable[[str], int]  # per-server count of requests to a key, this one included
    site: Any = None  # the DemoSite served (routes answering from the site model: Hanweb's dataproxy.jsp)

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


def _portal_page(title: str, body: str, **kw) -> DemoPage:
    return layout.page(title, f"<h1>{escape(title)}</h1>\n{body}", breadcrumbs=[(title, "")], **kw)


def not_found(req: RouteRequest) -> DemoPage:
    return DemoPage(layout.not_found_html(), status=404)


def soft_404(req: RouteRequest) -> DemoPage:
    return DemoPage(layout.not_found_html(), status=200)


def _error_page(status: int, title: str, text: str, headers: dict[str, str] | None = None) -> DemoPage:
    return DemoPage(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
                    f"<body><h1>{title}</h1><p>{text}</p></body></html>\n", status=status, headers=dict(headers or {}))


def server_error(req: RouteRequest) -> DemoPage:
    return _error_page(500, "500 Internal Server Error", "java.lang.NullPointerException")


def _ok_page(req: RouteRequest, title: str) -> DemoPage:
    return _portal_page(title, "<p>查询服务正常。请在下方输入条件后查询。</p>")


def fail_first(status: int, title: str,
               headers: dict[str, str] | None = None) -> Callable[[RouteRequest], DemoPage]:
    """``status`` on the first request to this path, 200 afterwards (recovers after one retry)."""
    def handler(req: RouteRequest) -> DemoPage:
        if req.counter(req.path) == 1:
            return _error_page(status, str(status), "服务繁忙，请稍后再试。", headers)
        return _ok_page(req, title)
    return handler


def rate_limited(req: RouteRequest) -> DemoPage:
    return _error_page(429, "429 Too Many Requests", "访问过于频繁，请稍后再试。", {"Retry-After": "2"})


def redirect(to: str, status: int = 302) -> Callable[[RouteRequest], DemoPage]:
    def handler(req: RouteRequest) -> DemoPage:
        base = "{{PORTAL}}" if req.host == "portal" else "{{EXTERNAL}}"
        return DemoPage(f'<!DOCTYPE html><html><body><a href="{to}">{to}</a></body></html>\n', status=status,
                        headers={"Location": base + to})
    return handler


def slow(seconds: float, title: str) -> Callable[[RouteRequest], DemoPage]:
    def handler(req: RouteRequest) -> DemoPage:
        req.stop.wait(seconds)  # a threading server: other requests are served meanwhile
        return _ok_page(req, title)
    return handler


def head_refused(req: RouteRequest) -> DemoPage:
    if req.method == "HEAD":
        return DemoPage("", status=405, headers={"Allow": "GET"})
    return _portal_page("政府信息公开目录下载", "<p>目录按年度打包提供，请在工作日内下载。</p>")


def html_instead_of_file(req: RouteRequest) -> DemoPage:
    return _portal_page("用户登录", "<p>请先登录后再下载附件。</p>")


def forbidden(req: RouteRequest) -> DemoPage:
    return _error_page(403, "403 Forbidden", "后台管理系统，禁止访问。")


def huge(req: RouteRequest) -> Stream:
    head = ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>历年统计信息汇总（全量）"
            "</title>\n</head>\n<body>\n<table>\n").encode("utf-8")
    row = "<tr><td>浦江区城管执法统计</td><td>0000</td></tr>\n".encode("utf-8")
    block = row * (65536 // len(row))

    def chunks() -> Iterator[bytes]:
        yield head
        left = HUGE_LENGTH - len(head)
        while left > 0 and not req.stop.is_set():
            piece = block[:left]
            left -= len(piece)
            yield piece
    return Stream("text/html; charset=utf-8", HUGE_LENGTH, chunks)


def _month(value: str, today: date) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in value.split("-", 1))
        if 1 <= month <= 12 and 1 <= year <= 9999:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def calendar(req: RouteRequest) -> DemoPage:
    """Endless calendar: every month links to the previous and the next month, forever."""
    year, month = _month(req.params.get("month", ""), req.today)
    prev = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    nxt = f"{year + (month == 12):04d}-{month % 12 + 1:02d}"
    body = (f"<p>{year}年{month}月执法活动安排：本月暂无公开活动。</p>\n"
            f'<p><a href="/calendar/?month={prev}">上一月</a> <a href="/calendar/?month={nxt}">下一月</a></p>')
    return _portal_page(f"执法活动日历（{year}年{month}月）", body)


def _sid(seed: str) -> str:
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:24].upper()


def forum(req: RouteRequest) -> DemoPage:
    """Session-id trap: every link carries a fresh session id derived from the requested URL."""
    sid = _sid(req.path + "?" + req.query)
    tid = req.params.get("tid", "")
    links = [f'<li><a href="/hdjl/lt/thread.jsp;jsessionid={sid}?tid={n}">市民论坛话题{n}</a></li>'
             for n in range(1, 4)]
    links.append(f'<li><a href="/hdjl/lt/index.jsp?sid={sid}">刷新列表</a></li>')
    links.append(f'<li><a href="/hdjl/lt/(S({sid.lower()}))/thread.aspx?tid=9">旧版论坛</a></li>')
    title = f"市民论坛话题{tid}" if tid else "市民论坛"
    return _portal_page(title, "<ul>\n" + "\n".join(links) + "\n</ul>")


def search_results(req: RouteRequest) -> DemoPage:
    """Ever-growing query string: each result page links to itself plus one more filter."""
    params = parse_qsl(req.query, keep_blank_values=True)
    grown = urlencode(params + [(f"filter{len(params)}", "1")], quote_via=quote)
    sorted_ = urlencode(params + [("order", "date")], quote_via=quote)
    body = (f"<p>找到相关结果 {len(params) * 3} 条。</p>\n<p><a href=\"/search/result.jsp?{grown}\">缩小范围</a> "
            f"<a href=\"/search/result.jsp?{sorted_}\">按日期排序</a></p>")
    return _portal_page("搜索结果", body)


# -- external host ------------------------------------------------------------------------------
def bot_wall(req: RouteRequest) -> DemoPage:
    if "Mozilla" in req.headers.get("user-agent", ""):
        return external_page("新闻发布会实录", "<p>发布会全文实录。</p>")
    return DemoPage("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>访问受限</title></head><body>"
                    "<p>Access denied: automated requests are not allowed.</p></body></html>\n", status=403)


def cloudflare(req: RouteRequest) -> DemoPage:
    return DemoPage("<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body>"
                    "<h1>Just a moment...</h1><p>Checking if the site connection is secure. Enable JavaScript "
                    "and cookies to continue.</p></body></html>\n", status=503,
                    headers={"Server": "cloudflare", "cf-mitigated": "challenge",
                             "cf-ray": "8d2f3a1b9c0e4d5f-SJC", "Cache-Control": "private, max-age=0, no-store"})


def zwdt_item(req: RouteRequest) -> DemoPage:
    code = req.params.get("code", "")
    name = KNOWN_ITEM_CODES.get(code)
    if name:  # the item page prints the full 办事指南 (what a guide linking here is judged by: 阅办联动)
        guide = content.guide(list(KNOWN_ITEM_CODES).index(code))[2]
        return external_page(name, f"<p>事项编码：{escape(code)}</p><p>可在线申请、查看办事指南。</p>\n{guide}",
                             "上海市“一网通办”")
    return external_page("事项不存在", "<p>您查找的事项不存在或已下线，请返回首页重新查找。</p>", "上海市“一网通办”")


@dataclass(frozen=True)
class Route:
    host: str
    path: str  # exact path; a trailing "*" makes it a prefix
    handler: Callable[[RouteRequest], DemoPage | Stream]
    behaviour: str


ROUTES: list[Route] = [
    Route("portal", "/zt/2019gqh/index.html", not_found, "404 (expired 专题; the homepage's one broken link)"),
    Route("portal", "/xwzx/tzgg/202103/t20210315_0.html", not_found, "404 (deleted notice)"),
    Route("portal", "/xxgk/gfxwj/files/20230301_old.pdf", not_found, "404 (missing attachment)"),
    Route("portal", "/bsfw/tjsj/index.jsp", server_error, "500 always"),
    Route("portal", "/bsfw/yyfw/index.jsp", fail_first(503, "在线预约"), "503 once, then 200 (decoy)"),
    Route("portal", "/old/loop-a.html", redirect("/old/loop-b.html"), "302 -> /old/loop-b.html (loop)"),
    Route("portal", "/old/loop-b.html", redirect("/old/loop-a.html"), "302 -> /old/loop-a.html (loop)"),
    *[Route("portal", f"/go/hop{n}.html", redirect(f"/go/hop{n + 1}.html" if n < 5 else "/go/landing.html"),
            f"302 -> hop {n + 1} of a 5-hop chain") for n in range(1, 6)],
    Route("portal", "/go/landing.html", lambda req: _portal_page("专题汇总", "<p>历年专题汇总。</p>"),
          "200 (end of the 5-hop chain)"),
    Route("portal", "/xxgk/index.shtml", redirect("/xxgk/index.html", 301),
          "301 -> /xxgk/index.html (decoy)"),
    Route("portal", "/bsfw/query/slow.jsp", slow(SLOW_S, "办件进度查询"), f"200 after {SLOW_S:g} s (timeout)"),
    Route("portal", "/bsfw/query/busy.jsp", slow(SLOW_OK_S, "排队叫号查询"), f"200 after {SLOW_OK_S:g} s (decoy)"),
    Route("portal", "/xwzx/tpxw/202304/t20230412_5.html", soft_404,
          "200 with the not-found template (soft 404)"),
    Route("portal", "/hdjl/dczj/index.jsp", fail_first(429, "调查征集", {"Retry-After": "1"}),
          "429 Retry-After: 1 once, then 200 (decoy)"),
    Route("portal", "/search/hot.jsp", rate_limited, "429 Retry-After: 2 always (unverified)"),
    Route("portal", "/xxgk/download/list.jsp", head_refused, "405 to HEAD, 200 to GET (decoy)"),
    Route("portal", "/xxgk/czyjs/files/js2019.xls", html_instead_of_file, "200 text/html for a .xls link"),
    Route("portal", "/xxgk/tjxx/archive.html", huge, "200, Content-Length 2147483648, streamed lazily"),
    Route("portal", "/calendar/", calendar, "endless calendar: ?month=YYYY-MM links to prev/next month"),
    Route("portal", "/hdjl/lt/*", forum, "session-id trap: ;jsessionid= / ?sid= / (S(...)) links"),
    Route("portal", "/search/result.jsp", search_results, "query-growth trap: each page adds a parameter"),
    Route("portal", "/admin/*", forbidden, "403 (robots.txt Disallow: /admin/; never to be fetched)"),
    Route("external", "/gone.html", not_found, "404"),
    Route("external", "/news/fbh.html", bot_wall, "403 unless the User-Agent contains Mozilla (bot wall)"),
    Route("external", "/cf/index.html", cloudflare,
          "503 Cloudflare challenge (server: cloudflare, cf-mitigated)"),
    Route("external", "/api/busy.html", rate_limited, "429 Retry-After: 2 always"),
    Route("external", "/zwdt/item", zwdt_item, "一网通办 item: known code -> 200 item page, else 200 事项不存在"),
]


def match(host: str, path: str, table: list[Route] | None = None) -> Route | None:
    """The route of ``table`` (default: the trs family's ``ROUTES``) serving ``host``/``path``."""
    for route in ROUTES if table is None else table:
        if route.host != host:
            continue
        if route.path.endswith("*") and path.startswith(route.path[:-1]) or route.path == path:
            return route
    return None
