"""Dynamic routes of the ``hanweb`` family: the Hanweb modules and the planted faults.

``ROUTES`` is the table a reader checks against the family's ``plants_links.EXPECTED``/``DECOYS``:

* ``/module/web/jpage/dataproxy.jsp`` answers a group of a column's records as GBK XML
  (``<totalrecord>``, ``<record>`` CDATA, a ``nextgroup`` relative to the proxy directory) for
  ``columnid``/``startrecord``/``endrecord``; an empty group past the end. Like the real proxy it
  answers the list page's jpage script only: without a ``Referer`` it is a 403. ``/module/jpage/…``
  (the path of other installs) is not routed: 404, as on a real Jiangsu install.
* ``/module/download/downfile.jsp?classid=0&filename=<32hex>.<ext>`` serves the attachment the
  site model holds under that exact query; an unknown file name is a 404.
* ``/module/changepage/gettitle.jsp`` (prev/next script) and ``/module/visitcount/visit.jsp``
  (hit counter, ``text/plain``) answer 200.
* ``/jrobot/search.do`` (site search) decodes its query as GBK, as a GBK install does: a known
  hot keyword answers a result page, anything else (e.g. the keyword sent as UTF-8) 404 "未找到".
* planted faults: ``/art/2025/3/14/art_4702_1502901.html`` 404 (a deleted notice), a soft 404
  (``/art/2024/7/9/art_4701_1501901.html`` answers the not-found page with 200), an old column URL
  redirecting to its new place (decoy); external ``/gone.html`` 404.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from xunjian.demo import DemoPage
from xunjian.demo.hanweb import layout, portal
from xunjian.demo.routes import Route, RouteRequest, not_found as external_not_found, redirect, zwdt_item

DELETED_NOTICE = "/art/2025/3/14/art_4702_1502901.html"
SOFT_404 = "/art/2024/7/9/art_4701_1501901.html"
OLD_COLUMN = "/col/col4699/index.html"


def _xml(text: str, status: int = 200) -> DemoPage:
    return DemoPage(f'<?xml version="1.0" encoding="GBK"?>\n{text}\n', "text/xml", status,
                    encoding=layout.ENCODING)


def not_found(req: RouteRequest) -> DemoPage:
    return DemoPage(layout.not_found_html(), "text/html", 404, encoding=layout.ENCODING)


def soft_404(req: RouteRequest) -> DemoPage:
    return DemoPage(layout.not_found_html(), "text/html", 200, encoding=layout.ENCODING)


def dataproxy(req: RouteRequest) -> DemoPage:
    if "/col/" not in req.headers.get("referer", ""):
        return _xml("<datastore><error>非法请求</error></datastore>", 403)
    params = req.params
    try:
        col_id, start = int(params.get("columnid", "")), int(params.get("startrecord", "1"))
        end = int(params.get("endrecord", str(start + portal.GROUP_SIZE - 1)))
    except ValueError:
        return _xml("<datastore><error>bad parameters</error></datastore>", 400)
    col = next((c for c in req.site.columns.values()
                if not c.overview and portal.column_id(c) == col_id), None)
    if col is None:
        return _xml(portal.datastore([], None, 0))
    items = col.sorted_items()
    records = [portal.record_html(i.title, i.url, i.day) for i in items[max(start, 1) - 1:end]]
    following = portal.nextgroup_href(col_id, end + 1, len(items)) if records else None
    return _xml(portal.datastore(records, following, len(items)))


def downfile(req: RouteRequest) -> DemoPage:
    try:
        return req.site.get("portal", f"{req.path}?{req.query}")
    except KeyError:
        return not_found(req)


def search(req: RouteRequest) -> DemoPage:
    """Site search: the query string is GBK percent-encoding (a UTF-8 one decodes to other words)."""
    words = dict(parse_qsl(req.query, keep_blank_values=True, encoding="gbk", errors="replace"))
    q = words.get("q", "")
    if q and q not in portal.HOT_KEYWORDS:
        return DemoPage(layout.not_found_html(), "text/html", 404, encoding=layout.ENCODING)
    results = f"<p>“{q}”的检索结果共12条。</p>" if q else "<p>请输入关键字后搜索。</p>"
    return layout.page("站内搜索", f"<h1>站内搜索</h1>\n{results}")


def gettitle(req: RouteRequest) -> DemoPage:
    word = "上一篇" if req.params.get("position") == "prev" else "下一篇"
    return DemoPage(f"document.write('{word}：无');\n", "application/javascript; charset=GBK",
                    encoding=layout.ENCODING)


def visit(req: RouteRequest) -> DemoPage:
    return DemoPage("1024", "text/plain")


ROUTES: list[Route] = [
    Route("portal", portal.PROXY, dataproxy, "a group of a column's records (GBK XML); empty past the end"),
    Route("portal", "/module/download/downfile.jsp", downfile,
          "the attachment of filename=…; 404 when unknown"),
    Route("portal", "/module/changepage/gettitle.jsp", gettitle, "200 prev/next title script"),
    Route("portal", "/jrobot/search.do", search, "site search: GBK query; a hot keyword 200, else 404"),
    Route("portal", "/module/visitcount/visit.jsp", visit, "200 text/plain hit counter"),
    Route("portal", DELETED_NOTICE, not_found, "404 (deleted notice still listed)"),
    Route("portal", SOFT_404, soft_404, "200 with the not-found page (soft 404)"),
    Route("portal", OLD_COLUMN, redirect("/col/col4701/index.html", 301), "301 -> 工作动态 (decoy)"),
    Route("external", "/gone.html", external_not_found, "404"),
    Route("external", "/zwdt/item", zwdt_item, "一网通办 item page (a guide linking here is judged by it)"),
]
