"""The base portal of the ``trs`` family: columns, dated documents with the Shanghai metadata
table, attachments; and the family's URL scheme and list/document templates.

``build_portal(site)`` fills a ``DemoSite`` with a correct (defect-free) fictional district
城管执法局 portal; ``pages.py`` adds the single pages (homepage, 政府信息公开 index, 指南, ...)
and ``external.py`` the second host. Column keys (``COLUMN_SPECS``) are the handles plant modules
use: ``site.add_document("gfxwj", title=..., published=...)``. URLs follow TRS WCM
(cms-families.md §1): ``<column>/YYYYMM/tYYYYMMDD_N.html`` articles, ``index_k.html`` pages.

All dates derive from ``site.today``: news within days of it, everything else before it.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from xunjian.demo import DemoPage, content, layout
from xunjian.demo.documents import breadcrumbs_for

# key, name, path, parent key, encoding
COLUMN_SPECS = [
    ("xwzx", "新闻中心", "/xwzx/", None, "utf-8"),
    ("ywdt", "要闻动态", "/xwzx/ywdt/", "xwzx", "utf-8"),
    ("tzgg", "通知公告", "/xwzx/tzgg/", "xwzx", "utf-8"),
    ("jcdt", "基层动态", "/xwzx/jcdt/", "xwzx", "utf-8"),
    ("xxgk", "政府信息公开", "/xxgk/", None, "utf-8"),
    ("gkzd", "政府信息公开制度", "/xxgk/gkzd/", "xxgk", "gbk"),
    ("fdzdgknr", "法定主动公开内容", "/xxgk/fdzdgknr/", "xxgk", "utf-8"),
    ("jgzn", "机构职能", "/xxgk/jgzn/", "fdzdgknr", "utf-8"),
    ("gfxwj", "规范性文件", "/xxgk/gfxwj/", "fdzdgknr", "utf-8"),
    ("zcjd", "政策解读", "/xxgk/zcjd/", "fdzdgknr", "utf-8"),
    ("xzcf", "行政处罚", "/xxgk/xzcf/", "fdzdgknr", "utf-8"),
    ("ssjygk", "双随机一公开", "/xxgk/ssjygk/", "fdzdgknr", "utf-8"),
    ("czyjs", "财政预决算", "/xxgk/czyjs/", "fdzdgknr", "utf-8"),
    ("rsxx", "人事信息", "/xxgk/rsxx/", "fdzdgknr", "utf-8"),
    ("gknb", "政府信息公开年报", "/xxgk/gknb/", "xxgk", "utf-8"),
    ("bszn", "办事指南", "/bsfw/bszn/", None, "utf-8"),
    ("zxjy", "咨询建言", "/hdjl/zxjy/", None, "utf-8"),
]
# Columns whose index page is a hand-written overview (pages.py), not an item list.
OVERVIEW_COLUMNS = {"xwzx", "xxgk", "fdzdgknr"}
ISSUER = layout.SITE_NAME
GENRES = {"gfxwj": "通知", "tzgg": "通知", "zcjd": "解读", "xzcf": "决定", "ssjygk": "公告", "czyjs": "报告",
          "rsxx": "公告", "gknb": "报告", "gkzd": "制度", "jgzn": "其他"}
THEMES = {"xzcf": "城乡建设、环境保护/行政执法", "czyjs": "财政、金融、审计/预算决算", "rsxx": "综合政务/人事工作"}


def document_page(site, doc) -> DemoPage:
    """TRS template of a document: ``h1#doc-title``, the metadata table (two pairs a row) or a
    source line, ``div.doc-body``, the attachment list, article meta tags."""
    parts = [f'<article class="doc">\n<h1 id="doc-title">{escape(doc.title)}</h1>']
    if doc.show_metadata:
        parts.append(layout.meta_table(doc.rows))
    else:
        parts.append(f'<p class="doc-info">发布日期：{doc.published:%Y-%m-%d}　来源：{layout.SITE_SHORT}</p>')
    parts.append(f'<div class="doc-body" id="doc-body">\n{doc.body_html}\n</div>')
    if doc.attachments:
        links = [f'<li><a href="{href}">附件{n}：{escape(text)}</a></li>'
                 for n, (href, text) in enumerate(doc.attachments, start=1)]
        parts.append('<section class="attachments" id="attachments">\n<h2>附件</h2>\n<ul>\n'
                     + "\n".join(links) + "\n</ul>\n</section>")
    parts.append("</article>")
    col = site.column(doc.key)
    pub = f"{doc.published:%Y-%m-%d} {9 + doc.serial % 8:02d}:{(doc.serial * 7) % 60:02d}"
    meta_pairs = layout.article_meta(doc.title, pub, col.name, doc.path, doc.title[:60])
    return layout.page(doc.title, "\n".join(parts), breadcrumbs=breadcrumbs_for(site, doc.key, "正文"),
                       meta=meta_pairs, charset=doc.charset, encoding=doc.encoding, content_type=doc.content_type)


def list_page(site, col, items, n: int, paths: list[str], total: int) -> DemoPage:
    """TRS template of list page ``n`` (0-based: index.html, index_1.html, ...) of ``col``."""
    lis = "\n".join(f'<li><a href="{escape(i.url)}">{escape(i.title)}</a>'
                    f'<span class="date">{i.day:%Y-%m-%d}</span></li>' for i in items)
    pager = [f"<span>共{total}条　第{n + 1}/{len(paths)}页</span>"]
    if n > 0:
        pager += [f'<a href="{paths[0]}">首页</a>', f'<a href="{paths[n - 1]}">上一页</a>']
    if n < len(paths) - 1:
        pager += [f'<a href="{paths[n + 1]}">下一页</a>', f'<a href="{paths[-1]}">尾页</a>']
    body = (f'<h1>{escape(col.name)}</h1>\n<ul class="list">\n{lis}\n</ul>\n'
            f'<nav class="pager" aria-label="分页">{" ".join(pager)}</nav>')
    return layout.page(col.name, body, breadcrumbs=breadcrumbs_for(site, col.key)[:-1] + [(col.name, "")],
                       meta=layout.column_meta(col.name, col.description), charset=col.encoding,
                       encoding=col.encoding)


def list_path(col, n: int) -> str:
    """TRS pagination is 0-based: page 0 is index.html, page k is index_k.html (cms-families §1)."""
    return col.path + ("index.html" if n == 0 else f"index_{n}.html")


def document_path(col, published: date, serial: int, title: str) -> str:
    return f"{col.path}{published:%Y%m}/t{published:%Y%m%d}_{serial}.html"


def attachment_path(col, doc_path: str, name: str) -> str:
    return f"{col.path}files/{name}"


def _days_before(today: date, n: int) -> date:
    return today - timedelta(days=n)


def build_columns(site) -> None:
    today = site.today
    for key, name, path, parent, encoding in COLUMN_SPECS:
        site.add_column(key, name, path, parent=parent, encoding=encoding, disclosure=path.startswith("/xxgk/"),
                        overview=key in OVERVIEW_COLUMNS, genre=GENRES.get(key, "其他"),
                        theme=THEMES.get(key, "城乡建设、环境保护/城市管理"))
    for i in range(36):
        title, body = content.news(i)
        day = _days_before(today, 1 + (i * 5) // 2)
        site.add_document("ywdt", title=title, published=day, body_html=body)
    for i in range(24):
        title, body = content.notice(i)
        day = _days_before(today, 3 + 13 * i)
        files = [(f"{day:%Y%m%d}_{i}.doc", f"{title}（附表）.doc")] if i % 3 == 0 else []
        site.add_document("tzgg", title=title, published=day, body_html=body, attachments=files)
    for i in range(24):
        title, body = content.grassroots(i)
        site.add_document("jcdt", title=title, published=_days_before(today, 2 + 4 * i), body_html=body)
    _normative_documents(site)
    for i in range(36):
        day = _days_before(today, 4 + 6 * i)
        no = f"沪浦城管罚〔{day.year}〕{site.counter(('罚', day.year))}号"
        title, body = content.penalty(i, no, day - timedelta(days=2))
        site.add_document("xzcf", title=title, published=day, issued=day - timedelta(days=2), doc_no=no,
                          body_html=body)
    for i in range(10):
        day = _days_before(today, 10 + 36 * i)
        kind = "抽查计划" if i % 2 else "抽查结果"
        title = f"{day.year}年第{(day.month - 1) // 3 + 1}季度“双随机、一公开”{kind}"
        site.add_document("ssjygk", title=title, published=day, body_html=content.paragraphs(
            f"根据本局{day.year}年度“双随机、一公开”工作计划，现将本季度{kind}予以公开。",
            f"本次共随机抽取检查对象{20 + i}户，随机选派执法人员{8 + i % 5}名，检查结果已录入监管平台。"))
    _budget_documents(site)
    for i in range(8):
        day = _days_before(today, 30 + 70 * i)
        title = (f"{day.year}年浦江区城管执法局公开招录公务员拟录用人员公示" if i % 2 == 0
                 else f"关于{content.SURNAMES[i]}某某等同志职务任免的通知")
        files = [(f"rs{day:%Y%m%d}.xlsx", "拟录用人员名单.xlsx")] if i % 2 == 0 else []
        site.add_document("rsxx", title=title, published=day, body_html=content.paragraphs(
            "经考试、考察和体检，现将有关人员予以公示，公示期为5个工作日。", "监督电话：021-58990000。"),
            attachments=files)
    for i in range(8):
        name, code, body = content.guide(i)
        site.add_document("bszn", title=f"{name}办事指南", published=_days_before(today, 60 + 45 * i),
                          body_html=body + f'\n<p class="ywbl">在线办理：<a href="{{{{EXTERNAL}}}}/zwdt/item?'
                          f'code={code}">一网通办“{escape(name)}”</a></p>')
    for i in range(14):
        day = _days_before(today, 5 + 9 * i)
        title, body = content.consultation(i, replied=day)
        site.add_document("zxjy", title=title, published=day, body_html=body)


def _normative_documents(site) -> None:
    today = site.today
    for i in range(18):
        issued = _days_before(today, 25 + 80 * i)
        published = issued + timedelta(days=5)
        start = issued + timedelta(days=30)
        until = date(start.year + 5, start.month, 1) - timedelta(days=1)
        validity = "有效" if until >= today else "失效"
        no = f"沪浦城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
        title, body = content.normative(i, issued, until, no)
        stem = f"{issued:%Y%m%d}_{i}"
        second = (f"{stem}.docx", f"{title[5:-4]}（Word版）") if i % 2 == 0 else (f"{stem}.ofd", f"{title[5:-4]}（OFD版）")
        files = [(f"{stem}.pdf", f"{title[5:-4]}.pdf"), second]
        path = site.add_document("gfxwj", title=title, published=published, issued=issued, doc_no=no,
                                 genre="通知", validity=validity, valid_until=until, body_html=body,
                                 attachments=files)
        if i < 9:  # 政策解读 of the recent ones, linking back to the text (阅办联动 jump to 一网通办 too)
            code = f"3101990{i % 8 + 1:02d}000"
            site.add_document("zcjd", title=f"《{title[5:-4]}》政策解读", published=published + timedelta(days=1),
                              body_html=content.paragraphs(
                                  f"一、制定背景：为贯彻落实上级要求，规范{content.NORM_TOPICS[i % 10]}工作。",
                                  "二、主要内容：明确适用范围、执法程序、裁量标准和监督措施。",
                                  f'原文链接：<a href="{path}">{escape(title)}</a>　'
                                  f'附件下载见<a href="{path}#attachments">原文附件</a>　'
                                  f'正文条款见<a href="{path}#section2">规定全文</a>',
                                  f'相关办事：<a href="{{{{EXTERNAL}}}}/zwdt/item?code={code}">一网通办办事入口</a>'))


def _budget_documents(site) -> None:
    today = site.today
    for n in range(5):
        year = today.year - n
        budget_day = date(year, 2, 10)
        if budget_day < today:
            site.add_document("czyjs", title=f"上海市浦江区城市管理行政执法局{year}年部门预算", published=budget_day,
                              body_html=content.paragraphs(f"根据区财政局统一部署，现将本局{year}年部门预算予以公开。"),
                              attachments=[(f"ys{year}.xlsx", f"{year}年部门预算表.xlsx"),
                                           (f"ys{year}.pdf", f"{year}年部门预算说明.pdf")])
        final_day = date(year, 7, 20)
        if final_day < today:
            site.add_document("czyjs", title=f"上海市浦江区城市管理行政执法局{year - 1}年部门决算", published=final_day,
                              body_html=content.paragraphs(f"现将本局{year - 1}年部门决算予以公开。"),
                              attachments=[(f"js{year - 1}.xls", f"{year - 1}年部门决算表.xls")])


def build_portal(site) -> None:
    from xunjian.demo import external, pages
    for path, asset in layout.static_assets().items():
        site.add("portal", path, asset)
    build_columns(site)
    pages.build_pages(site)
    external.build_external(site)
