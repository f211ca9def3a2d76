"""Planted link defects (and decoys) of the ``hanweb`` family; the faults are served by routes.py.

  通知公告 (first island group)       lists a deleted notice                    -> link-broken
  行政处罚 (second proxy group only)  lists a record whose page is gone          -> link-broken (found only
                                                                                   by following the proxy)
  a notice's attachment               downfile.jsp?filename=… no longer exists  -> link-broken
  a policy document                   cites an external page that is gone       -> link-broken
  a policy document                   cites a 规范性文件 at #section9 (absent)    -> link-anchor-missing
  基层动态                            lists a page answering 页面不存在 with 200  -> link-soft-404
  工作动态 island                     jpage proxyUrl /module/jpage/… (wrong path
                                      on this install: 404)                    -> link-broken (the proxy URL)
  a 基层动态 article                   GBK bytes served as text/html;charset=UTF-8
                                      (a Tomcat default header)                 -> page-decode-error
Decoys: a 基层动态 article declaring gb2312 with GBK-only characters (镕, 堃); the same policy
document cites #section2 (present) and an old column URL that answers a
single 301; every article carries the gettitle.jsp/visit.jsp module includes, and attachments
behind downfile.jsp answer with their file types.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from crawler.urls import canonicalize
from xunjian.demo import Decoy, Expect
from xunjian.demo.hanweb import content, portal, routes

MISSING_RECORD = "/art/2026/3/2/art_4807_2399901.html"
POLICY_DOC = "/art/2026/10/20/art_4805_2305901.html"
NORM_DOC = "/art/2026/9/8/art_4806_2306901.html"
NOTICE_DOC = "/art/2026/11/5/art_4702_2302901.html"
GONE_FILE = portal.attachment_path(None, NOTICE_DOC, "plan.docx")
WRONG_PROXY = "/module/jpage/dataproxy.jsp"
UTF8_HEADER_DOC = "/art/2026/10/28/art_4703_2303901.html"
GBK_ONLY_DOC = "/art/2026/10/30/art_4703_2303902.html"


def _wrong_proxy_group() -> str:
    """The canonical URL (path and query) of the 工作动态 island's next group under the wrong proxy."""
    href = portal.nextgroup_href(4701, portal.GROUP_SIZE + 1, portal.GROUP_SIZE + 1) or ""
    url, _ = canonicalize("http://h" + WRONG_PROXY.rsplit("/", 1)[0] + "/" + href[2:], (), "gb18030")
    return url.removeprefix("http://h")


def contribute(site, today: date) -> None:
    # listed in the column's island but older than the homepage block's eight newest
    site.add_item("tzgg", "关于调整占道经营临时疏导点的通知", routes.DELETED_NOTICE, today - timedelta(days=100))
    site.add_item("xzcf", "行政处罚决定书（临城管罚〔2026〕99号）", MISSING_RECORD, today - timedelta(days=200))
    site.add_document("tzgg", title="关于公布户外广告设施设置计划的通知", published=today - timedelta(days=17),
                      path=NOTICE_DOC, body_html=content.paragraphs("现将设置计划公布如下，详见附件。"),
                      attachments=[("plan.docx", "户外广告设施设置计划.docx")])
    site.remove("portal", GONE_FILE)
    norm_title, norm_body = content.normative(3, today - timedelta(days=75), date(today.year + 4, 12, 31))
    site.add_document("gfxwj", title=norm_title, published=today - timedelta(days=70),
                      issued=today - timedelta(days=75),
                      doc_no=f"临城管规〔{today.year}〕{site.counter(('规', today.year))}号", validity="有效",
                      valid_until=date(today.year + 4, 12, 31), body_html=norm_body, path=NORM_DOC)
    site.add_document("zcwj", title="关于贯彻落实户外广告设施设置管理规定的通知", published=today - timedelta(days=33),
                      issued=today - timedelta(days=36), path=POLICY_DOC,
                      doc_no=f"临城管发〔{today.year}〕{site.counter(('发', today.year))}号",
                      body_html=content.paragraphs(
                          f'请对照<a href="{NORM_DOC}#section2">规定全文</a>和<a href="{NORM_DOC}#section9">第九条</a>'
                          "认真执行。",
                          '参考：<a href="{{EXTERNAL}}/gone.html">省住建厅原文</a>；'
                          f'栏目已迁移，原<a href="{routes.OLD_COLUMN}">工作动态</a>地址仍可访问。'))
    site.add_item("jcdt", "滨湖区城管执法大队：夜市摊点规范管理见成效", routes.SOFT_404, today - timedelta(days=2))
    for i in range(portal.GROUP_SIZE + 1 - len(site.column("gzdt").items)):  # fill 工作动态 past one group
        title, body = content.news(100 + i)
        site.add_document("gzdt", title=title, published=today - timedelta(days=90 + i), body_html=body)
    site.add_document("jcdt", title="新桥镇城管执法大队开展夜间渣土运输专项检查", published=today - timedelta(days=25),
                      path=UTF8_HEADER_DOC, content_type="text/html;charset=UTF-8",
                      body_html=content.paragraphs("检查中发现未密闭运输车辆3辆，已依法查处。"))
    site.add_document("jcdt", title="青石镇城管执法大队表彰优秀执法队员", published=today - timedelta(days=24),
                      path=GBK_ONLY_DOC, charset="gb2312", content_type="text/html",
                      body_html=content.paragraphs("受表彰队员：朱镕、李堃。"))  # GBK-only characters
    site.replace("portal", "/col/col4701/index.html", f"proxyUrl:'{portal.PROXY}'",
                 f"proxyUrl:'{WRONG_PROXY}'")


EXPECTED = [
    Expect("link-broken", routes.DELETED_NOTICE, "404: deleted notice listed in the 通知公告 island"),
    Expect("link-broken", MISSING_RECORD, "404: listed only in the second 行政处罚 group (dataproxy.jsp)"),
    Expect("link-broken", GONE_FILE, "404: downfile.jsp attachment whose file was removed"),
    Expect("link-broken", "external:/gone.html", "external 404 cited by a policy document"),
    Expect("link-anchor-missing", f"{NORM_DOC}#section9", "the 规范性文件 has no #section9"),
    Expect("link-soft-404", routes.SOFT_404, "200 with the 页面不存在 page"),
    Expect("page-decode-error", UTF8_HEADER_DOC, "GBK bytes under a charset=UTF-8 header"),
    Expect("link-broken", _wrong_proxy_group(), "工作动态 jpage names /module/jpage/dataproxy.jsp: 404 here"),
]

DECOYS = [
    Decoy("page-decode-error", GBK_ONLY_DOC, "declares gb2312, uses GBK-only 镕/堃: decoded as GBK, no error"),
    *[Decoy("link-broken", f"/jrobot/search.do?q={quote(word, encoding='gbk')}&webid=12",
            "homepage 热点搜索: raw Chinese query sent GBK-encoded (UTF-8 would answer 404)")
      for word in portal.HOT_KEYWORDS],
    Decoy("link-anchor-missing", f"{NORM_DOC}#section2", "the 规范性文件 has id=section2"),
    Decoy("*", routes.OLD_COLUMN, "a single 301 to the column's new URL"),
    Decoy("doc-validity-missing", NORM_DOC, "a valid 规范性文件 (有效, 5-year term)"),
    Decoy("doc-meta-missing", NORM_DOC, "a complete xxgk_table with NBSP-padded labels"),
    Decoy("*", POLICY_DOC, "a valid policy document with a correct 文号"),
]
