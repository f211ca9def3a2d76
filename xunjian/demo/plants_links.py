"""Planted link and crawl defects (and their decoys) of the demo portal.

``contribute(site, today)`` links the fault routes of ``routes.ROUTES`` from ordinary pages, so
a crawler starting at the homepage reaches every one of them, and adds the pages the routes
cannot serve (a UTF-8 page with GBK bytes inside). ``EXPECTED`` / ``DECOYS`` cover every rule id
of the link/crawl table in docs/ARCHITECTURE.md; ``where`` is the host-relative failing target
(link rules; with ``#fragment`` for anchor rules) or page (page rules); the external host's
paths are prefixed with ``external:``. The end-to-end test asserts these lists exactly.

Where each fault is linked from (never from the shared header/footer, so it is cited only by
the page named here):
  homepage /                       -> /zt/2019gqh/index.html (404: the homepage's one broken link)
  /ztzl/index.html  (专题专栏)      -> calendar trap, 5-hop chain, redirect loop
  /bsfw/index.html  (办事服务)      -> 500, flaky 503, slow 30 s, slow 1.5 s
  /hdjl/index.html  (互动交流)      -> one-off 429, session-id trap forum
  /search/index.html                -> always-429, query-growth trap
  /xxgk/index.html                  -> HEAD-refusing download list
  /xxgk/fdzdgknr/index.html         -> the 2 GB page
  /gywm/index.html  (关于本站)      -> 1-hop 301, /admin/ pages (robots.txt Disallow), intranet OA
                                       link (10.18.0.8: link-forbidden-address, never fetched),
                                       a malformed link (http://www.shanghai.gov.cn]/: link-malformed)
  /lxwm/index.html  (联系我们)      -> mailto:, tel:, javascript:, #top, bare #
  /yqlj/index.html  (友情链接)      -> external 404, bot wall, Cloudflare challenge, always-429,
                                       external anchors
  /xwzx/index.html  (新闻中心)      -> the legacy page with undecodable bytes
  newest 通知公告 / second-newest 要闻 -> deleted notice (404) / soft 404
  /xxgk/gfxwj/art_2048.html (规范性文件) -> same-page #section2/#attachments, missing attachment (404)
  /xxgk/zcjd/art_2049.html (政策解读)    -> #section2, #attachments (valid), #fujian (missing),
                                       一网通办 jump links (a known code, an unknown code)
  2019年部门决算 (财政预决算)            -> .xls link answered with an HTML login page
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from xunjian.demo import Decoy, DemoPage, Expect, content, layout
from xunjian.demo.pages import GBK_DOC_PATHS, GBK_VARIANTS

HOME_BROKEN = "/zt/2019gqh/index.html"
DELETED_NOTICE = "/xwzx/tzgg/202103/t20210315_0.html"
MISSING_PDF = "/xxgk/gfxwj/files/20230301_old.pdf"
HTML_XLS = "/xxgk/czyjs/files/js2019.xls"
SOFT_404 = "/xwzx/tpxw/202304/t20230412_5.html"
DECODE_ERROR_PAGE = "/xwzx/jcdt/legacy/t20150610_1.html"
UNKNOWN_ITEM = "310199099000"
KNOWN_ITEM = "310199001000"
MISSING_FRAGMENT = "fujian"

INTRANET_OA = "http://10.18.0.8/oa/login.jsp"  # private address: refused by the crawl, never fetched
MALFORMED_LINK = "http://www.shanghai.gov.cn]/"  # a stray "]" after the host: no browser opens it
NORM_DOC = "/xxgk/gfxwj/art_2048.html"  # fixed paths: EXPECTED/DECOYS cannot depend on ``today``
READING_DOC = "/xxgk/zcjd/art_2049.html"


def _newest(site, key: str, n: int = 0) -> str:
    return site.column(key).sorted_items()[n].url


def contribute(site, today: date) -> None:
    ins = site.insert_before
    ins("portal", "/", f'<a href="{HOME_BROKEN}">2019年城市保障专题（回顾）</a>\n', marker="</section>")
    ins("portal", "/ztzl/index.html", f'<ul>\n<li><a href="/calendar/?month={today:%Y-%m}">执法活动日历</a></li>\n'
        '<li><a href="/go/hop1.html">历年专题汇总</a></li>\n<li><a href="/old/loop-a.html">旧版专题</a></li>\n</ul>\n')
    ins("portal", "/bsfw/index.html", '<ul>\n<li><a href="/bsfw/tjsj/index.jsp">办事统计数据</a></li>\n'
        '<li><a href="/bsfw/yyfw/index.jsp">在线预约</a></li>\n'
        '<li><a href="/bsfw/query/slow.jsp">办件进度查询</a></li>\n'
        '<li><a href="/bsfw/query/busy.jsp">排队叫号查询</a></li>\n</ul>\n')
    ins("portal", "/hdjl/index.html", '<ul>\n<li><a href="/hdjl/dczj/index.jsp">调查征集</a></li>\n'
        '<li><a href="/hdjl/lt/index.jsp">市民论坛</a></li>\n</ul>\n')
    ins("portal", "/search/index.html", '<p>热门搜索：<a href="/search/hot.jsp">排行榜</a> '
        '<a href="/search/result.jsp?q=%E5%9F%8E%E7%AE%A1%E6%89%A7%E6%B3%95">城管执法</a></p>\n')
    ins("portal", "/xxgk/index.html", '<p><a href="/xxgk/download/list.jsp">政府信息公开目录下载</a></p>\n')
    ins("portal", "/xxgk/fdzdgknr/index.html", '<p><a href="/xxgk/tjxx/archive.html">历年统计信息汇总（全量）</a></p>\n')
    ins("portal", "/gywm/index.html", '<p><a href="/xxgk/index.shtml">政府信息公开（旧版入口）</a></p>\n'
        '<p class="admin"><a href="/admin/login.html">网站管理</a> <a href="/admin/">内容发布系统</a></p>\n'
        f'<p><a href="{INTRANET_OA}">内网办公系统（仅限内网访问）</a></p>\n'
        f'<p><a href="{MALFORMED_LINK}">中国上海门户网站</a></p>\n')
    ins("portal", "/lxwm/index.html", f'<p>电子邮箱：<a href="mailto:{layout.EMAIL}">{layout.EMAIL}</a>　'
        f'电话：<a href="tel:{layout.PHONE}">{layout.PHONE}</a></p>\n'
        '<p><a href="javascript:window.print()">打印本页</a>　'
        '<a href="#">在线客服</a>　<a href="#top">返回顶部</a></p>\n')
    ins("portal", "/yqlj/index.html", '<ul>\n'
        '<li><a href="{{EXTERNAL}}/gone.html">上海市城市管理精细化工作推进领导小组办公室</a></li>\n'
        '<li><a href="{{EXTERNAL}}/news/fbh.html">新闻发布会</a></li>\n'
        '<li><a href="{{EXTERNAL}}/cf/index.html">城市管理行业协会</a></li>\n'
        '<li><a href="{{EXTERNAL}}/api/busy.html">市民服务热线</a></li>\n'
        '<li><a href="{{EXTERNAL}}/policy/guide.html#chapter2">城管执法条例解读（第二章）</a></li>\n'
        '<li><a href="{{EXTERNAL}}/policy/guide.html#chapter3">城管执法条例解读（第三章）</a></li>\n</ul>\n')
    ins("portal", "/xwzx/index.html", f'<p><a href="{DECODE_ERROR_PAGE}">基层动态（2015年存档）</a></p>\n')
    _legacy_page(site)

    notice = _newest(site, "tzgg")
    ins("portal", notice, f'<p>相关通知：<a href="{DELETED_NOTICE}">关于2021年春季市容整治的通知</a></p>\n')
    news = _newest(site, "ywdt", 1)
    ins("portal", news, f'<p>相关报道：<a href="{SOFT_404}">图片新闻：执法队员走进社区</a></p>\n')
    _anchor_documents(site, today)
    site.add_document("czyjs", title=f"{layout.SITE_NAME}2019年部门决算", published=date(2020, 7, 20),
                      body_html=f'<p>现将本局2019年部门决算予以公开。</p>\n<p><a href="{HTML_XLS}">2019年部门决算表.xls</a></p>')


def _anchor_documents(site, today: date) -> None:
    """A 规范性文件 and its 政策解读 at fixed paths: valid same-page and cross-page anchors, one
    missing anchor, a missing attachment and an unknown 一网通办 item."""
    issued = today - timedelta(days=47)
    until = date(issued.year + 5, issued.month, 1) - timedelta(days=1)
    no = f"沪浦城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
    _, body = content.normative(4, issued, until, no)
    title = f"关于印发《浦江区{content.NORM_TOPICS[4]}规定（{issued.year}年修订）》的通知"
    site.add_document("gfxwj", title=title, published=issued + timedelta(days=4), issued=issued, doc_no=no,
                      genre="通知", validity="有效", valid_until=until, path=NORM_DOC, body_html=body,
                      attachments=[("art_2048_1.pdf", "规定文本.pdf"), ("art_2048_2.ofd", "规定文本（OFD版）")])
    site.replace("portal", NORM_DOC, '<div class="doc-body" id="doc-body">',
                 '<p class="toc"><a href="#section2">跳转到规定全文</a>　<a href="#attachments">查看附件</a></p>\n'
                 '<div class="doc-body" id="doc-body">')
    site.replace("portal", NORM_DOC, "</ul>\n</section>",
                 f'<li><a href="{MISSING_PDF}">附件3：原规定文本（2023年版）.pdf</a></li>\n</ul>\n</section>')
    site.add_document("zcjd", title=f"《{title[5:-4]}》政策解读", published=issued + timedelta(days=5),
                      path=READING_DOC,
                      body_html=content.paragraphs(
                          "一、修订背景：落实行政执法“三项制度”，进一步规范执法程序。",
                          f'原文链接：<a href="{NORM_DOC}">{escape(title)}</a>　'
                          f'正文条款见<a href="{NORM_DOC}#section2">规定全文</a>　'
                          f'附件下载见<a href="{NORM_DOC}#attachments">原文附件</a>　'
                          f'附件说明见<a href="{NORM_DOC}#{MISSING_FRAGMENT}">原文附件说明</a>',
                          f'相关办事：<a href="{{{{EXTERNAL}}}}/zwdt/item?code={KNOWN_ITEM}">一网通办：临时占用道路设摊审批</a>　'
                          f'<a href="{{{{EXTERNAL}}}}/zwdt/item?code={UNKNOWN_ITEM}">一网通办：城管执法证明开具</a>'))


def _legacy_page(site) -> None:
    """A page declared UTF-8 whose middle paragraph was pasted in as GBK bytes (a real CMS defect)."""
    marker = "@@LEGACY@@"
    page = layout.page("基层动态（2015年存档）", f"<h1>基层动态（2015年存档）</h1>\n<p>{marker}</p>",
                       breadcrumbs=[("新闻中心", "/xwzx/index.html"), ("基层动态存档", "")])
    legacy = ("2015年6月，江川路街道城管执法中队开展夏季市容环境整治，共清理乱设摊点四十余处，"
              "拆除违法户外广告十二块，整治成效得到居民好评。").encode("gbk")
    site.add("portal", DECODE_ERROR_PAGE, DemoPage(page.body.encode("utf-8").replace(marker.encode(), legacy),
                                                    "text/html; charset=utf-8"))


EXPECTED: list[Expect] = [
    Expect("link-broken-home", HOME_BROKEN, "404 linked from the homepage banner row only"),
    Expect("link-broken", DELETED_NOTICE, "404: deleted notice cited by the newest 通知公告"),
    Expect("link-broken", MISSING_PDF, "404: missing attachment of the second-newest 规范性文件"),
    Expect("link-broken", "/bsfw/tjsj/index.jsp", "500 on every attempt"),
    Expect("link-broken", "external:/gone.html", "external 404 in 友情链接"),
    Expect("link-timeout", "/bsfw/query/slow.jsp", "answers after 30 s > limits.timeout_s 4, every attempt"),
    Expect("link-unverified", "/search/hot.jsp", "429 with Retry-After: 2 on every attempt"),
    Expect("link-unverified", "external:/cf/index.html",
           "503 Cloudflare challenge (cf-mitigated: challenge)"),
    Expect("link-unverified", "external:/api/busy.html", "external 429 on every attempt"),
    Expect("link-redirect-loop", "/old/loop-a.html", "302 a -> b -> a"),
    Expect("link-redirect-chain", "/go/hop1.html", "5 redirects > links.max_redirects 3, ends 200"),
    Expect("link-soft-404", SOFT_404, "200 with the 页面不存在 template"),
    Expect("link-jump-invalid", f"external:/zwdt/item?code={UNKNOWN_ITEM}",
           "阅办联动 jump from the 政策解读 art_2049 to an unknown 一网通办 item (200 事项不存在)"),
    Expect("link-anchor-missing", f"{NORM_DOC}#{MISSING_FRAGMENT}",
           "政策解读 art_2049 cites an id the 规范性文件 lacks"),
    Expect("attachment-type-mismatch", HTML_XLS, ".xls link answered 200 text/html (login page)"),
    Expect("crawl-trap", "/calendar/", "trap:calendar: months beyond traps.calendar_years"),
    Expect("crawl-trap", "/hdjl/lt/", "trap:session-id: (S(...)) cookieless-session links; ;jsessionid= and "
           "?sid= links are merged by canonicalisation"),
    Expect("crawl-trap", "/search/result.jsp", "trap:query-growth: every result page adds a parameter"),
    Expect("page-too-large", "/xxgk/tjxx/archive.html", "Content-Length 2147483648 > limits.max_response_mb"),
    Expect("link-forbidden-address", INTRANET_OA, "intranet OA link on 10.18.0.8 (private network): "
           "refused by crawler/netguard.py before any request"),
    Expect("crawl-coverage-lost", "/", "limit:max_response_mb: the 2 GB archive page is cut, its later links "
           "unseen (no URL is lost to max_depth: every list's pager keeps the list's depth)"),
    Expect("link-malformed", MALFORMED_LINK, "a stray ']' after the host: unparsable, never fetched"),
    Expect("page-decode-error", DECODE_ERROR_PAGE, "declared UTF-8, contains a GBK-encoded paragraph"),
]

DECOYS: list[Decoy] = [
    Decoy("home-unreachable", "/", "the homepage answers 200 (home-unreachable is exercised by a dead port, "
          "not by this portal)"),
    Decoy("link-broken", "/bsfw/yyfw/index.jsp", "503 on the first request only; the retry gets 200"),
    Decoy("link-broken", "/hdjl/dczj/index.jsp", "429 Retry-After: 1 once, then 200"),
    Decoy("link-unverified", "/hdjl/dczj/index.jsp", "429 Retry-After: 1 once, then 200"),
    Decoy("link-broken", "/xxgk/index.shtml", "a single 301 to /xxgk/index.html"),
    Decoy("link-redirect-chain", "/xxgk/index.shtml", "a single 301 is within links.max_redirects"),
    Decoy("link-broken", "/go/landing.html", "the end of the long chain answers 200"),
    Decoy("link-timeout", "/bsfw/query/busy.jsp", "1.5 s: slow but within limits.timeout_s"),
    Decoy("link-broken", "/bsfw/query/busy.jsp", "1.5 s: slow but within limits.timeout_s"),
    Decoy("link-broken", "/xxgk/download/list.jsp", "405 to HEAD only; GET answers 200"),
    Decoy("link-unverified", "/xxgk/download/list.jsp", "405 to HEAD only; GET answers 200"),
    Decoy("link-forbidden-address", "external:/gone.html", "127.0.0.2 is loopback but opened by the demo "
          "profile's network.allow_addresses: fetched and judged (404), not refused"),
    Decoy("link-broken", "/xxgk/tjxx/archive.html", "huge but 200: page-too-large, not broken"),
    Decoy("link-broken", "/admin/login.html", "robots.txt Disallow: /admin/ (must not be fetched)"),
    Decoy("link-unverified", "/admin/login.html", "robots.txt Disallow: /admin/ (must not be fetched)"),
    Decoy("link-broken", "/admin/", "robots.txt Disallow: /admin/ (must not be fetched)"),
    Decoy("link-unverified", "/admin/", "robots.txt Disallow: /admin/ (must not be fetched)"),
    Decoy("link-broken", f"mailto:{layout.EMAIL}", "mailto: is counted, never fetched"),
    Decoy("link-broken", f"tel:{layout.PHONE}", "tel: is counted, never fetched"),
    Decoy("link-broken", "javascript:window.print()", "javascript: is counted, never fetched"),
    Decoy("link-anchor-missing", "/lxwm/index.html",
          "#top (HTML: scrolls to the top without an id) and bare #"),
    Decoy("link-anchor-missing", f"{NORM_DOC}#section2", "id exists (same-page and cross-page links)"),
    Decoy("link-anchor-missing", f"{NORM_DOC}#attachments", "id exists (same-page and cross-page links)"),
    Decoy("link-anchor-missing", "external:/policy/guide.html", "#chapter2 is an id, #chapter3 an a[name]"),
    Decoy("link-broken", "external:/news/fbh.html",
          "bot wall: 403 to non-browser User-Agents, 200 to Mozilla"),
    Decoy("link-unverified", "external:/news/fbh.html", "bot wall: re-verification with the browser "
          "User-Agent gets 200, so no finding at all"),
    Decoy("link-broken", "external:/cf/index.html", "a Cloudflare challenge is unverified, not broken"),
    Decoy("link-broken", "external:/api/busy.html", "429 is unverified, not broken"),
    Decoy("link-broken", "/search/hot.jsp", "429 is unverified, not broken"),
    Decoy("link-jump-invalid", f"external:/zwdt/item?code={KNOWN_ITEM}", "known 一网通办 item"),
    Decoy("link-soft-404", f"external:/zwdt/item?code={UNKNOWN_ITEM}", "reported as link-jump-invalid, "
          "the more specific rule"),
    Decoy("page-decode-error", "/xxgk/gkzd/index.html", "GBK list page, declared in meta and header"),
    *[Decoy("page-decode-error", path, f"GBK page: meta charset {meta or '(none)'}, Content-Type {ctype}"
            + (f"; GBK-only characters under a GB2312 label ({chars})" if chars else ""))
      for path, (_, meta, ctype, chars) in zip(GBK_DOC_PATHS, GBK_VARIANTS)],
]
