"""Planted link defects (and decoys) of the ``shanghai`` family.

Where each is linked from (never from the shared chrome, so each is cited only by the page named):
  homepage /                         -> an expired 专题 (404: the homepage's one broken link)
  newest 通知公告                     -> a deleted 2021 notice at a platform article URL (404)
  second-newest 工作动态              -> an old article answering 200 with the error page (soft 404)
  NORM_DOC (规范性文件, fixed path)   -> its own #section2 / #attachments (valid), a missing /cmsres/ pdf
  READING_DOC (政策解读, fixed path)  -> NORM_DOC#section2, #attachments (valid), #tiaokuan9 (missing),
                                         一网通办 items (a known code, an unknown code)
  BUDGET_DOC (财政预决算, fixed path) -> a /cmsres/ .pdf answered with an HTML login page
  专题专栏 /channel_110/               -> a redirect loop between two pre-platform URLs
  关于我们 /gywm/                      -> the pre-platform 信息公开 entry (one 301: decoy), external
                                         links: 404, bot wall, Cloudflare challenge, always-429
  联系我们 /lxwm/                      -> mailto:, tel:, javascript:, #top
  CONSULT_DOC (咨询建言, fixed path)  -> a real answer whose text quotes "页面不存在" (decoy)
  专题专栏 /channel_110/               -> a page migrated from the old GBK site, declared UTF-8 but
                                         holding a GBK paragraph (page-decode-error)
The routes serving the non-404 faults are in ``routes.py``; missing targets simply answer 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from xunjian.demo import Decoy, DemoPage, Expect, content
from xunjian.demo.shanghai import templates as t
from xunjian.demo.shanghai.portal import hex32, local
from xunjian.demo.shanghai.routes import HTML_PDF, LEGACY_ENTRY, LOOP_A, SOFT_404

HOME_BROKEN = "/zt/2020jbh/index.html"
DELETED_NOTICE = f"/channel_89/20210315/{hex32('plant', 'deleted notice')}.html"
MISSING_PDF = f"/cmsres/4e/4e{hex32('plant', 'missing pdf folder')[2:]}/{hex32('plant', 'missing pdf')}.pdf"
NORM_DOC = f"/channel_88/20260905/{hex32('plant', 'anchor norm')}.html"
READING_DOC = f"/channel_91/20260910/{hex32('plant', 'anchor reading')}.html"
BUDGET_DOC = f"/channel_96/20200722/{hex32('plant', 'budget html pdf')}.html"
CONSULT_DOC = f"/channel_101/20261020/{hex32('plant', 'consultation 404 text')}.html"
LEGACY_PAGE = "/oldweb/2016/zfdt_0612.html"
MISSING_FRAGMENT = "tiaokuan9"
ARTICLE_END = "</div>\n</div>\n</main>"  # end of #ivs_content (or div.fujian), then of div.article
UNKNOWN_ITEM = "310198099000"
KNOWN_ITEM = "310199001000"


def contribute(site, today: date) -> None:
    site.insert_before("portal", "/", f'<p class="zt-review"><a href="{HOME_BROKEN}">2020年进博会城市保障专题'
                       '（回顾）</a></p>\n', marker='<div class="home-block" id="block-tzgg">')
    notice = site.column("tzgg").sorted_items()[0].url
    site.insert_before("portal", notice, f'<p>相关通知：<a href="{DELETED_NOTICE}">关于2021年春季市容环境整治的通知</a></p>\n',
                       marker=ARTICLE_END)
    news = site.column("gzdt").sorted_items()[1].url
    site.insert_before("portal", news, f'<p>相关报道：<a href="{SOFT_404}">图片新闻：执法队员走进社区</a></p>\n',
                       marker=ARTICLE_END)
    _anchor_documents(site, today)
    site.add_document("czyjs", title=f"{t.SITE_NAME}2019年部门决算", published=date(2020, 7, 22), path=BUDGET_DOC,
                      body_html="<p>现将本局2019年部门决算予以公开。</p>", attachments=[(HTML_PDF, "2019年部门决算.pdf")])
    site.insert_before("portal", "/channel_110/index.html",
                       f'<p><a href="{LOOP_A}">旧版专题（2018年以前）</a></p>\n'
                       f'<p><a href="{LEGACY_PAGE}">执法动态（2016年存档）</a></p>\n')
    _legacy_page(site)
    site.insert_before("portal", "/gywm/index.html", f'<p><a href="{LEGACY_ENTRY}">政府信息公开（旧版入口）</a></p>\n'
                       '<h2>相关链接</h2>\n<ul>\n'
                       '<li><a href="{{EXTERNAL}}/gone.html">上海市城市管理精细化工作推进领导小组办公室</a></li>\n'
                       '<li><a href="{{EXTERNAL}}/news/fbh.html">新闻发布会</a></li>\n'
                       '<li><a href="{{EXTERNAL}}/cf/index.html">城市管理行业协会</a></li>\n'
                       '<li><a href="{{EXTERNAL}}/api/busy.html">12345市民服务热线</a></li>\n</ul>\n')
    site.insert_before("portal", "/lxwm/index.html", f'<p>邮箱：<a href="mailto:{t.EMAIL}">{t.EMAIL}</a>　'
                       f'电话：<a href="tel:{t.PHONE}">{t.PHONE}</a>　<a href="javascript:window.print()">打印</a>　'
                       '<a href="#top">返回顶部</a></p>\n')
    site.add_document("zxjy", title="关于网站部分链接无法打开的咨询", published=today - timedelta(days=33), path=CONSULT_DOC,
                      body_html=content.paragraphs(
                          "来信：我在贵局网站点击2019年的一条执法动态时，浏览器显示“页面不存在”，请问是什么原因？",
                          "答复：您好，感谢您的来信。经核实，该信息因网站栏目调整已迁移至“工作动态”栏目，原链接已设置跳转。"
                          "本局网站于近期完成集约化平台迁移，部分历史链接地址发生变化，我们已逐一核对并设置跳转。"
                          "如您仍遇到无法打开的页面，可通过页面底部“我为政府网站找错”反映，我们将在一个工作日内处理。",
                          f"联系电话：{t.PHONE}（工作日 9:00-17:00）。"))


def _legacy_page(site) -> None:
    """Migrated from the pre-platform site: the page says UTF-8, one paragraph kept its GBK bytes."""
    marker = "@@GBK@@"
    page = t.page("执法动态（2016年存档）", f"<h1>执法动态（2016年存档）</h1>\n<p>{marker}</p>",
                  breadcrumbs=[("专题专栏", "/channel_110/index.html"), ("2016年存档", "")])
    legacy = "2016年6月，区城管执法局开展夏季市容环境整治，共清理跨门营业三十余处，整治成效得到居民好评。".encode("gbk")
    site.add("portal", LEGACY_PAGE, DemoPage(page.body.encode("utf-8").replace(marker.encode(), legacy),
                                             "text/html; charset=utf-8"))


def _anchor_documents(site, today: date) -> None:
    issued = today - timedelta(days=80)
    until = date(issued.year + 5, issued.month, 1) - timedelta(days=1)
    no = f"沪滨城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
    title, body = content.normative(6, issued, until, no)
    title, body = local(title), local(body)
    site.add_document("gfxwj", title=title, published=issued + timedelta(days=5), issued=issued, doc_no=no,
                      genre="通知", validity="有效", valid_until=until, path=NORM_DOC, body_html=body,
                      attachments=[("norm.pdf", "规定文本.pdf"), (MISSING_PDF, "原规定文本（旧版）.pdf")])
    site.remove("portal", MISSING_PDF)  # listed, never uploaded
    site.replace("portal", NORM_DOC, '<div id="ivs_content" class="Article_content">',
                 '<p class="toc"><a href="#section2">跳转到规定全文</a>　<a href="#attachments">查看附件</a></p>\n'
                 '<div id="ivs_content" class="Article_content">')
    site.add_document("zcjd", title=f"《{title[5:-4]}》政策解读", published=issued + timedelta(days=6),
                      path=READING_DOC,
                      body_html=content.paragraphs(
                          "一、修订背景：落实行政执法“三项制度”，进一步规范执法程序。",
                          f'原文：<a href="{NORM_DOC}">{escape(title)}</a>　'
                          f'条款：<a href="{NORM_DOC}#section2">规定全文</a>　'
                          f'附件：<a href="{NORM_DOC}#attachments">原文附件</a>　'
                          f'第九条：<a href="{NORM_DOC}#{MISSING_FRAGMENT}">第九条释义</a>',
                          f'相关办事：<a href="{{{{EXTERNAL}}}}/zwdt/item?code={KNOWN_ITEM}">一网通办：临时占用道路设摊审批</a>　'
                          f'<a href="{{{{EXTERNAL}}}}/zwdt/item?code={UNKNOWN_ITEM}">一网通办：执法证明开具</a>'))


EXPECTED = [
    Expect("link-broken-home", HOME_BROKEN, "404 linked from the homepage"),
    Expect("link-broken", DELETED_NOTICE, "404: deleted notice cited by the newest 通知公告"),
    Expect("link-broken", MISSING_PDF, "404: missing /cmsres/ attachment of NORM_DOC"),
    Expect("link-broken", "external:/gone.html", "external 404 in 关于我们"),
    Expect("link-unverified", "external:/api/busy.html", "external 429 on every attempt"),
    Expect("link-unverified", "external:/cf/index.html", "Cloudflare challenge"),
    Expect("link-redirect-loop", LOOP_A, "302 loop between two pre-platform URLs"),
    Expect("link-soft-404", SOFT_404, "200 with the platform's error page"),
    Expect("link-anchor-missing", f"{NORM_DOC}#{MISSING_FRAGMENT}", "政策解读 cites an id the 规范性文件 lacks"),
    Expect("link-jump-invalid", f"external:/zwdt/item?code={UNKNOWN_ITEM}", "阅办联动 jump to an unknown item"),
    Expect("attachment-type-mismatch", HTML_PDF, "/cmsres/ .pdf answered 200 text/html"),
    Expect("page-decode-error", LEGACY_PAGE, "declared UTF-8, holds a GBK paragraph"),
]

DECOYS = [
    Decoy("link-broken", LEGACY_ENTRY, "one 301 to /channel_80/index.html"),
    Decoy("link-redirect-chain", LEGACY_ENTRY, "one 301 is within links.max_redirects"),
    Decoy("link-broken", "external:/news/fbh.html", "bot wall: 200 to a browser User-Agent"),
    Decoy("link-unverified", "external:/news/fbh.html", "bot wall: re-verified with the browser User-Agent"),
    Decoy("link-broken", "external:/api/busy.html", "429 is unverified, not broken"),
    Decoy("link-anchor-missing", f"{NORM_DOC}#section2", "id exists (same-page and cross-page links)"),
    Decoy("link-anchor-missing", f"{NORM_DOC}#attachments", "div.fujian carries id=attachments"),
    Decoy("link-anchor-missing", "/lxwm/index.html", "#top scrolls to the top without an id"),
    Decoy("link-jump-invalid", f"external:/zwdt/item?code={KNOWN_ITEM}", "known 一网通办 item"),
    Decoy("link-broken", f"mailto:{t.EMAIL}", "mailto: is counted, never fetched"),
    Decoy("link-broken", "javascript:window.print()", "javascript: is counted, never fetched"),
    Decoy("link-soft-404", CONSULT_DOC, "a real answer quoting “页面不存在” in its text"),
    Decoy("*", "/channel_80/index.html", "the 301's target: a normal overview page"),
]
