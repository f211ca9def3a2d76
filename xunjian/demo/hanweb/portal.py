"""The base portal of the ``hanweb`` family: columns, documents, URL scheme and templates.

URLs follow Hanweb 大汉 jcms (`docs/cms-families.md` §1, §2): a column is
``/col/colNNNN/index.html``; an article is ``/art/YYYY/M/D/art_C_A.html`` (month and day not
zero-padded, C the column id, A the article id); an attachment is
``/module/download/downfile.jsp?classid=0&filename=<32 hex>.docx``. A column page carries ONE
page of markup: its list is a data island (``<script type="text/xml"><datastore>``) holding the
first group of ``GROUP_SIZE`` records (three visible pages of ``PER_PAGE``); the unit's jpage
call names the proxy (``PROXY``) that answers the later groups (``routes.dataproxy``), and the
island's ``nextgroup`` is relative to that proxy's directory. The column's ``page_size`` is
therefore unbounded: the framework renders one list page per column.

Column keys (``COLUMN_SPECS``) are the handles plant modules use. Every date derives from
``site.today``. Documents of 信息公开 columns print the metadata as ``table.xxgk_table`` (policy
and normative documents) or as a ``<dl>`` grid (the others).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from html import escape

from xunjian.demo import DemoPage
from xunjian.demo import content as shared_content
from xunjian.demo.documents import breadcrumbs_for
from xunjian.demo.hanweb import content, layout

HOT_KEYWORDS = ("占道经营", "垃圾分类")  # homepage 热点搜索 links; routes.search knows them

PER_PAGE = 15
GROUP_SIZE = 3 * PER_PAGE  # records in the island and in each proxy reply (one call spans 3 pages)
PROXY = "/module/web/jpage/dataproxy.jsp"
TABLE_COLUMNS = {"zcwj", "gfxwj"}  # documents printing table.xxgk_table; other 信息公开 columns use the grid

# key, name, column id, parent key, 信息公开 (documents print metadata), overview (no item list)
COLUMN_SPECS = [
    ("xwzx", "新闻中心", 4700, None, False, True),
    ("gzdt", "工作动态", 4701, "xwzx", False, False),
    ("tzgg", "通知公告", 4702, "xwzx", False, False),
    ("jcdt", "基层动态", 4703, "xwzx", False, False),
    ("xxgk", "政府信息公开", 4800, None, True, True),
    ("gkzd", "政府信息公开制度", 4802, "xxgk", True, False),
    ("fdzdgknr", "法定主动公开内容", 4803, "xxgk", True, True),
    ("jgzn", "机构职能", 4804, "fdzdgknr", True, False),
    ("zcwj", "政策文件", 4805, "fdzdgknr", True, False),
    ("gfxwj", "规范性文件", 4806, "fdzdgknr", True, False),
    ("zcjd", "政策解读", 4813, "fdzdgknr", True, False),
    ("xzcf", "行政处罚", 4807, "fdzdgknr", True, False),
    ("rsxx", "人事信息", 4808, "fdzdgknr", True, False),
    ("gknb", "政府信息公开年报", 4809, "xxgk", True, False),
    ("hdjl", "互动交流", 4900, None, False, True),
    ("zxjy", "咨询回复", 4901, "hdjl", False, False),
    ("bszn", "办事指南", 4950, None, False, False),
]
GENRES = {"zcwj": "通知", "gfxwj": "通知", "zcjd": "解读", "xzcf": "决定", "gknb": "报告", "gkzd": "制度", "rsxx": "公告"}


def column_id(col) -> int:
    """The Hanweb column id, from the column directory ``/col/colNNNN/``."""
    return int(col.path.rstrip("/").rsplit("col", 1)[1])


def list_path(col, n: int) -> str:
    return col.path + "index.html"  # later pages come from the data island's proxy, not from URLs


def article_id(col, serial: int) -> int:
    return 1_500_000 + (column_id(col) % 1000) * 1000 + serial


def document_path(col, published: date, serial: int, title: str) -> str:
    day = f"{published.year}/{published.month}/{published.day}"  # not zero-padded
    return f"/art/{day}/art_{column_id(col)}_{article_id(col, serial)}.html"


def attachment_path(col, doc_path: str, name: str) -> str:
    digest = hashlib.md5(f"{doc_path}|{name}".encode()).hexdigest()
    return f"/module/download/downfile.jsp?classid=0&filename={digest}.{name.rsplit('.', 1)[-1]}"


def nav(site) -> list[tuple[str, str]]:
    return [(label, target if target.startswith("/") else site.column(target).list_paths()[0])
            for label, target in layout.NAV]


def page(site, title: str, body_html: str, **kwargs) -> DemoPage:
    return layout.page(title, body_html, nav=nav(site), **kwargs)


# -- templates ---------------------------------------------------------------------------------
def record_html(title: str, url: str, day: date) -> str:
    return (f'<li><a href="{escape(url)}" title="{escape(title)}" target="_blank">{escape(title)}</a>'
            f'<span class="bt-data-time">{day:%Y-%m-%d}</span></li>')


def datastore(records: list[str], nextgroup: str | None, total: int | None = None) -> str:
    """The ``<datastore>`` XML of an island or a proxy reply."""
    head = f"<totalrecord>{total}</totalrecord><totalpage>{-(-total // PER_PAGE)}</totalpage>\n" \
        if total is not None else ""
    ng = (f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>' if nextgroup
          else "<nextgroup></nextgroup>")
    recs = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return f"<datastore>\n{ng}\n{head}<recordset>\n{recs}\n</recordset>\n</datastore>"


def ajax_params(col_id: int) -> str:
    return (f"col=1&appid=1&webid={layout.WEB_ID}&path=/&columnid={col_id}&sourceContentType=1"
            f"&unitid={col_id}"
            f"&webname={layout.SITE_NAME}&permissiontype=0")


def nextgroup_href(col_id: int, start: int, total: int) -> str | None:
    if start > total:
        return None
    return f"./dataproxy.jsp?startrecord={start}&endrecord={start + GROUP_SIZE - 1}&perpage={PER_PAGE}&" \
        + ajax_params(col_id)


def island(col_id: int, records: list[str], total: int, nextgroup: str | None) -> str:
    return f"""<div id="{col_id}"><script type="text/xml">{datastore(records, nextgroup)}</script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">var pageJs = new Jpage({{totalRecord:{total},openCookies:false,
dataBefore:'<ul class="bt-list">',dataAfter:'</ul>',proxyUrl:'{PROXY}',perPage:{PER_PAGE},
ajaxParam:{{col:1,appid:1,webid:{layout.WEB_ID},path:'/',columnid:{col_id},sourceContentType:1,\
unitid:{col_id},
webname:'{layout.SITE_NAME}',permissiontype:0}}}});</script></div>"""


def sibling_nav(site, col) -> str:
    siblings = [c for c in site.columns.values() if c.parent == col.parent and not c.overview]
    lis = "\n".join(f'<li><a href="{c.list_paths()[0]}">{escape(c.name)}</a></li>' for c in siblings)
    return f'<div class="bt-left"><ul class="bt-left-nav">\n{lis}\n</ul></div>'


def list_page(site, col, items, n: int, paths: list[str], total: int) -> DemoPage:
    col_id = column_id(col)
    records = [record_html(i.title, i.url, i.day) for i in items[:GROUP_SIZE]]
    body = (f'{sibling_nav(site, col)}\n<div class="bt-right">'
            f'<div class="bt-right-title">{escape(col.name)}</div>\n'
            f'{island(col_id, records, total, nextgroup_href(col_id, GROUP_SIZE + 1, total))}\n</div>')
    return page(site, col.name, body, breadcrumbs=breadcrumbs_for(site, col.key)[:-1] + [(col.name, "")],
                meta=layout.column_meta(col.name, col.description), charset="gb2312", encoding=col.encoding)


def document_page(site, doc) -> DemoPage:
    col = site.column(doc.key)
    col_id, art = column_id(col), doc.path.rsplit("_", 1)[1].split(".")[0]
    parts = ['<div class="bt-article">']
    if doc.show_metadata:
        parts.append(layout.meta_table(doc.rows) if doc.key in TABLE_COLUMNS else layout.meta_grid(doc.rows))
    parts.append('<div class="bt-article-title"><!--<$[标题]>begin-->'
                 f'{escape(doc.title)}<!--<$[标题]>end--></div>')
    if not doc.show_metadata:
        parts.append(f'<div class="bt-article-info">发布日期：{doc.published:%Y-%m-%d}　'
                     f'信息来源：{layout.SITE_NAME}</div>')
    parts.append('<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
                 f"\n{doc.body_html}\n"
                 '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div>')
    if doc.attachments:
        links = "\n".join(f'<li><a href="{escape(href)}" target="_blank">{escape(text)}</a></li>'
                          for href, text in doc.attachments)
        parts.append(f'<div class="bt-attach" id="attach"><p>附件：</p><ul>\n{links}\n</ul></div>')
    for position in ("prev", "next"):
        parts.append(f"<script language='javascript' src='/module/changepage/gettitle.jsp?appid=1&webid="
                     f"{layout.WEB_ID}&columnid={col_id}&position={position}&infoid={art}'></script>")
    parts.append(f"<iframe src='../../../../module/visitcount/visit.jsp?type=3&i_webid={layout.WEB_ID}&"
                 f"i_columnid={col_id}&i_articleid={art}' width='0' height='0' title='访问统计' "
                 "style='display:none'></iframe>")
    parts.append("</div>")
    pub = f"{doc.published:%Y-%m-%d} {9 + doc.serial % 8:02d}:{(doc.serial * 7) % 60:02d}"
    return page(site, doc.title, "\n".join(parts), breadcrumbs=breadcrumbs_for(site, doc.key, "正文"),
                meta=layout.article_meta(doc.title, pub, col.name), charset=doc.charset or "",
                encoding=doc.encoding, maketime=f"{pub}:00",
                content_type=doc.content_type or f"text/html;charset={doc.encoding.upper()}")


# -- the clean portal ----------------------------------------------------------------------------
def _before(today: date, n: int) -> date:
    return today - timedelta(days=n)


def build_columns(site) -> None:
    for key, name, col_id, parent, disclosure, overview in COLUMN_SPECS:
        site.add_column(key, name, f"/col/col{col_id}/", parent=parent, disclosure=disclosure,
                        overview=overview, genre=GENRES.get(key, "其他"))
    today = site.today
    for i in range(40):
        title, body = content.news(i)
        site.add_document("gzdt", title=title, published=_before(today, 1 + i * 2), body_html=body)
    for i in range(30):
        title, body = content.notice(i)
        day = _before(today, 2 + 9 * i)
        files = [(f"tz{i}.docx", f"{title[:12]}（附件）.docx")] if i % 4 == 0 else []
        site.add_document("tzgg", title=title, published=day, body_html=body, attachments=files)
    for i in range(20):
        title, body = content.grassroots(i)
        site.add_document("jcdt", title=title, published=_before(today, 3 + 4 * i), body_html=body)
    for i, (title, text) in enumerate(content.ORGANISATION):
        site.add_document("jgzn", title=title, published=date(today.year, 1, 8) - timedelta(days=i),
                          body_html=content.paragraphs(text))
    for i, title in enumerate(content.SYSTEMS):
        issued = date(today.year - 4 + i, 3, 12)
        site.add_document("gkzd", title=title, published=issued + timedelta(days=2), issued=issued,
                          doc_no=f"临城管办〔{issued.year}〕{site.counter(('办', issued.year))}号",
                          body_html=content.paragraphs(f"第一条 为规范{title[7:-2]}工作，制定本制度。",
                                                       "第二条 本制度自印发之日起施行。"))
    for i in range(12):
        issued = _before(today, 20 + 45 * i)
        no = f"临城管发〔{issued.year}〕{site.counter(('发', issued.year))}号"
        title, body = content.policy(i)
        site.add_document("zcwj", title=title, published=issued + timedelta(days=3), issued=issued, doc_no=no,
                          body_html=body)
    for i in range(10):
        issued = _before(today, 40 + 150 * i)
        until = date(issued.year + 5, issued.month, 1) - timedelta(days=1)
        no = f"临城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
        title, body = content.normative(i, issued, until)
        site.add_document("gfxwj", title=title, published=issued + timedelta(days=4), issued=issued,
                          doc_no=no,
                          validity="有效" if until >= today else "失效", valid_until=until, body_html=body,
                          attachments=[(f"gf{i}.pdf", f"{title[5:-4]}.pdf")])
        # 政策解读 published the next day (三同步), titled 关于《…》的解读 without a link back, as
        # many Hanweb sites print it: found by the book title (checks/disclosure/interpretation.py)
        site.add_document("zcjd", title=f"关于{title[4:-3]}的解读", published=issued + timedelta(days=5),
                          body_html=content.paragraphs("一、制定背景：规范城市管理执法行为。",
                                                       "二、主要内容：明确适用范围、执法程序和监督措施。"))
    for i in range(70):  # more than one group: records 46-70 only come from the proxy
        day = _before(today, 3 + 4 * i)
        no = f"临城管罚〔{day.year}〕{site.counter(('罚', day.year))}号"
        title, body = content.penalty(i, no, day)
        site.add_document("xzcf", title=title, published=day, issued=day - timedelta(days=2), doc_no=no,
                          body_html=body)
    for i in range(6):
        day = _before(today, 30 + 60 * i)
        site.add_document("rsxx", title=f"临江市城市管理局{day.year}年公开招聘工作人员公告（{i + 1}）", published=day,
                          body_html=content.paragraphs("现将公开招聘有关事项公告如下。", f"咨询电话：{layout.PHONE}。"))
    for year in range(today.year - 6, today.year):
        published = date(year + 1, 1, 18)
        if published < today:
            site.add_document("gknb", title=f"{layout.SITE_NAME}{year}年政府信息公开工作年度报告", published=published,
                              body_html=content.annual_report(year), genre="报告")
    for i in range(10):
        day = _before(today, 4 + 8 * i)
        title, body = content.consultation(i, replied=day)
        site.add_document("zxjy", title=title, published=day, body_html=body)
    for i in range(4):  # 办事指南 with every key element (the shared demo text, this city's names)
        name, _code, body = shared_content.guide(i)
        site.add_document("bszn", title=f"{name}办事指南", published=_before(today, 40 + 50 * i),
                          body_html=body.replace("浦江区", "临江市"))


def _overview(site, key: str, intro: str) -> None:
    """An overview page listing the column's sub-columns, rendered after the plants ran (so a
    planted sub-column is listed like the others, as the CMS lists every child column)."""
    def render(site) -> dict[str, DemoPage]:
        col = site.column(key)
        subs = [c for c in site.columns.values() if c.parent == key]
        extra = [("政府信息公开指南", "/col/col4801/index.html"), ("依申请公开", "/col/col4810/index.html")] \
            if key == "xxgk" else []
        lis = "\n".join(f'<li><a href="{href}">{escape(name)}</a></li>'
                        for name, href in extra + [(c.name, c.list_paths()[0]) for c in subs])
        body = f"<h1>{col.name}</h1>\n<p>{intro}</p>\n<ul>\n{lis}\n</ul>"
        return {col.list_paths()[0]: page(site, col.name, body, breadcrumbs=[(col.name, "")],
                                          meta=layout.column_meta(col.name, intro, "nav"))}
    site.add_renderer(render)


def _single(site, path: str, title: str, body: str, crumbs=None, kind: str = "article") -> None:
    site.add("portal", path, page(site, title, f"<h1>{title}</h1>\n{body}",
                                  breadcrumbs=crumbs or [(title, "")],
                                  meta=layout.column_meta(title, title, kind)))


def _block(site, key: str, n: int) -> str:
    col = site.column(key)
    records = [record_html(i.title, i.url, i.day) for i in col.sorted_items()[:n]]
    return (f'<div class="bt-box"><div class="bt-box-title"><a href="{col.list_paths()[0]}">{col.name}</a>'
            f'</div>\n<div id="{column_id(col)}1"><script type="text/xml">{datastore(records, None)}</script>'
            "</div></div>")


def render_home(site) -> dict[str, DemoPage]:
    links = " ".join(f'<a href="{site.column(k).list_paths()[0]}">{site.column(k).name}</a>'
                     for k in ("zcwj", "gfxwj", "xzcf", "rsxx", "gknb"))
    # raw Chinese in the href of a GBK page: a browser (and the crawler) sends it GBK-encoded
    hot = " ".join(f'<a href="/jrobot/search.do?webid={layout.WEB_ID}&q={word}">{word}</a>'
                   for word in HOT_KEYWORDS)
    body = f"""{_block(site, "gzdt", 8)}
{_block(site, "tzgg", 8)}
<div class="bt-box"><div class="bt-box-title"><a href="/col/col4800/index.html">政府信息公开</a></div>
<p><a href="/col/col4801/index.html">政府信息公开指南</a> <a href="/col/col4802/index.html">政府信息公开制度</a>
<a href="/col/col4803/index.html">法定主动公开内容</a> <a href="/col/col4809/index.html">政府信息公开年报</a>
<a href="/col/col4810/index.html">依申请公开</a></p>
<p>{links}</p></div>
<div class="bt-box"><div class="bt-box-title">办事服务</div>
<p><a href="{site.column("bszn").list_paths()[0]}">办事指南</a></p></div>
<div class="bt-hot">热点搜索：{hot}</div>
<p class="bt-zhaocuo"><a href="{{{{EXTERNAL}}}}/exposure/jiucuo.html?site_code={layout.SITE_ID_CODE}">\
<img src="/images/12/zhaocuo.png" alt="" width="30" height="8">我为政府网站找错</a></p>"""
    return {"/index.html": page(site, layout.SITE_NAME, body)}  # "/" serves it too (the server's index rule)


def render_sitemap(site) -> dict[str, DemoPage]:
    lis = "\n".join(f'<li><a href="{c.list_paths()[0]}">{escape(c.name)}</a></li>'
                    for c in site.columns.values())
    return {"/col/col4992/index.html": page(site, "网站地图", f"<h1>网站地图</h1>\n<ul>\n{lis}\n</ul>",
                                            breadcrumbs=[("网站地图", "")])}


def render_elder(site) -> dict[str, DemoPage]:
    records = "\n".join(record_html(i.title, i.url, i.day) for i in site.column("gzdt").sorted_items()[:6])
    body = f'<h1>关怀版</h1>\n<p>本页字体更大，不含广告和弹窗。<a href="/index.html">返回标准版</a></p>\n<ul>\n{records}\n</ul>'
    return {"/col/col4990/index.html": page(site, "关怀版", body, breadcrumbs=[("关怀版", "")], elder=True)}


def build_pages(site) -> None:
    site.add_renderer(render_home)
    site.add_renderer(render_sitemap)
    site.add_renderer(render_elder)
    _overview(site, "xwzx", "本局工作动态、通知公告和基层动态。")
    _overview(site, "xxgk", "临江市城市管理局政府信息公开专栏。")
    _overview(site, "fdzdgknr", "依据《中华人民共和国政府信息公开条例》第二十条主动公开的政府信息。")
    _overview(site, "hdjl", "咨询回复与联系方式。")
    crumbs = [("政府信息公开", "/col/col4800/index.html")]
    _single(site, "/col/col4801/index.html", "政府信息公开指南", content.guide(), crumbs + [("政府信息公开指南", "")])
    _single(site, "/col/col4810/index.html", "依申请公开", content.request_page(), crumbs + [("依申请公开", "")])
    _single(site, "/col/col4991/index.html", "无障碍服务", "<p>本站支持键盘操作和屏幕阅读器访问。"
            '<a href="/col/col4990/index.html">进入关怀版</a></p>')
    _single(site, "/col/col4993/index.html", "关于本站", f"<p>本站由{layout.SITE_NAME}主办，网站标识码 "
            f"{layout.SITE_ID_CODE}。</p>")


def build_portal(site) -> None:
    from xunjian.demo.external import build_external
    for path, asset in layout.static_assets().items():
        site.add("portal", path, asset)
    site.add("portal", "/robots.txt", DemoPage("User-agent: *\nDisallow: /manage/\n", "text/plain"))
    build_columns(site)
    build_pages(site)
    build_external(site)
