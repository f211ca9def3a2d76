"""The clean base portal of the ``shanghai`` family: channels, documents, single pages.

A fictional district 城管执法局 (上海市滨江区) on the intensive platform: every column is a channel
(``/channel_NN/``), the channel numbers being the ones config/sites/template-shanghai-cgzf.yaml
lists, so the profile derived from the template audits this portal unchanged but for its host.
Articles live at ``/channel_NN/YYYYMMDD/<32 hex>.html``, attachments at
``/cmsres/<2 hex>/<32 hex>/<32 hex>.<ext>`` (cms-families.md §4). Every column is fresh for its
type's window, every document carries complete metadata, every link resolves: defects come only
from the ``plants_*.py`` modules next to this one.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from html import escape

from xunjian.demo import DemoPage, content, external
from xunjian.demo.shanghai import templates as t

# key, name, channel number, parent key, disclosure (metadata header), overview, genre
CHANNELS = [
    ("gzdt", "工作动态", 87, None, False, False, "其他"),
    ("tzgg", "通知公告", 89, None, True, False, "通知"),
    ("xxgk", "政府信息公开", 80, None, False, True, "其他"),
    ("gkzd", "政府信息公开制度", 82, "xxgk", True, False, "制度"),
    ("fdzdgknr", "法定主动公开内容", 83, "xxgk", False, True, "其他"),
    ("gknb", "政府信息公开年报", 84, "xxgk", True, False, "报告"),
    ("jgzn", "机构职能", 86, "fdzdgknr", True, False, "其他"),
    ("gfxwj", "规范性文件", 88, "fdzdgknr", True, False, "通知"),
    ("qtwj", "其他政策文件", 90, "fdzdgknr", True, False, "通知"),
    ("zcjd", "政策解读", 91, "fdzdgknr", True, False, "解读"),
    ("ghjh", "规划计划", 92, "fdzdgknr", True, False, "计划"),
    ("xzcf", "行政处罚", 94, "fdzdgknr", True, False, "决定"),
    ("czyjs", "财政预决算", 96, "fdzdgknr", True, False, "报告"),
    ("rsxx", "人事信息", 99, "fdzdgknr", True, False, "公示"),
    ("bszn", "办事指南", 100, None, False, False, "其他"),
    ("zxjy", "咨询建言", 101, None, False, False, "其他"),
]
GUIDE = "/channel_81/index.html"  # 政府信息公开指南: a single page
REQUEST = "/channel_85/index.html"  # 依申请公开: a single page
SPECIALS = "/channel_110/index.html"  # 专题专栏


def hex32(*parts: object) -> str:
    """A stable 32-hex identifier (the platform's document and file ids)."""
    return hashlib.md5("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def list_path(col, n: int) -> str:
    """Page 1 is index.html, page k is index_k.html (1-based; cgzf past page 1 is [U])."""
    return col.path + ("index.html" if n == 0 else f"index_{n + 1}.html")


def document_path(col, published: date, serial: int, title: str) -> str:
    return f"{col.path}{published:%Y%m%d}/{hex32(col.key, serial, title)}.html"


def attachment_path(col, doc_path: str, name: str) -> str:
    folder = hex32("cmsres", doc_path)
    ext = name.rsplit(".", 1)[-1].lower()
    return f"/cmsres/{folder[:2]}/{folder}/{hex32(doc_path, name)}.{ext}"


def local(text: str) -> str:
    """The shared sample texts name the trs portal's district; this portal is 滨江区."""
    return text.replace("浦江区", "滨江区").replace("沪浦城管", "沪滨城管").replace("021-5899", "021-6321")


def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def build_columns(site) -> None:
    today = site.today
    for key, name, number, parent, disclosure, overview, genre in CHANNELS:
        site.add_column(key, name, f"/channel_{number}/", parent=parent, disclosure=disclosure,
                        overview=overview, genre=genre)
    for i in range(30):
        title, body = content.news(i)
        site.add_document("gzdt", title=local(title), published=_ago(today, 1 + (i * 7) // 3),
                          body_html=local(body))
    for i in range(20):
        title, body = content.notice(i)
        day = _ago(today, 4 + 15 * i)
        no = f"沪滨城管办〔{day.year}〕{site.counter(('办', day.year))}号"
        files = [(f"fj{i}.pdf", f"{local(title)}（附件）.pdf")] if i % 4 == 0 else []
        site.add_document("tzgg", title=local(title), published=day, issued=day - timedelta(days=3),
                          doc_no=no, body_html=local(body), attachments=files)
    _normative(site)
    for i in range(6):
        day = _ago(today, 40 + 90 * i)
        no = f"沪滨城管〔{day.year}〕{site.counter(('城管', day.year))}号"
        site.add_document("qtwj", title=f"关于做好{content.TOPICS[i]}执法工作的通知", published=day,
                          issued=day - timedelta(days=4), doc_no=no, body_html=content.paragraphs(
                              f"各执法大队：为做好{content.TOPICS[i]}执法工作，现将有关要求通知如下。",
                              "一、提高认识，加强组织领导。二、依法履职，规范执法程序。"))
    for i in range(24):
        day = _ago(today, 3 + 7 * i)
        no = f"沪滨城管罚〔{day.year}〕{site.counter(('罚', day.year))}号"
        title, body = content.penalty(i, no, day - timedelta(days=2))
        site.add_document("xzcf", title=local(title), published=day, issued=day - timedelta(days=2),
                          doc_no=no, body_html=local(body))
    for i in range(4):
        day = date(today.year - i, 1, 15) if date(today.year - i, 1, 15) < today else _ago(today, 300)
        site.add_document("ghjh", title=f"{t.SITE_NAME}{day.year}年度工作计划", published=day,
                          body_html=content.paragraphs(f"{day.year}年，本局围绕城市精细化管理，重点做好以下工作。",
                                                       "一、深化执法体制改革；二、加强执法队伍建设；三、提升执法效能。"))
    _budgets(site)
    for i in range(6):
        day = _ago(today, 25 + 61 * i)
        site.add_document("rsxx", title=f"{t.SITE_NAME}{day.year}年公开招录公务员拟录用人员公示（第{i + 1}批）",
                          published=day, body_html=content.paragraphs(
                              "经笔试、面试、体检和考察，现将拟录用人员名单予以公示，公示期为5个工作日。",
                              f"监督电话：{t.PHONE}。"))
    for i in range(3):
        new_year = date(today.year, 1, 8)
        day = new_year - timedelta(days=i) if new_year < today else _ago(today, 60)
        titles = ["机构职能", "内设机构", "领导信息"]
        site.add_document("jgzn", title=titles[i], published=day, body_html=content.paragraphs(
            "负责本区市容环境卫生、城市绿化、市政工程、环境保护等方面法律、法规和规章规定的行政处罚权。",
            f"办公地址：{t.ADDRESS}；联系电话：{t.PHONE}。"))
    for i in range(8):
        name, code, body = content.guide(i)
        site.add_document("bszn", title=f"{name}办事指南", published=_ago(today, 50 + 40 * i),
                          body_html=local(body) + '\n<p>在线办理：<a href="{{EXTERNAL}}/zwdt/item?code='
                          f'{code}">一网通办“{escape(name)}”</a></p>')
    for i in range(12):
        day = _ago(today, 6 + 11 * i)
        title, body = content.consultation(i, replied=day)
        site.add_document("zxjy", title=title, published=day, body_html=local(body))
    _system_documents(site)
    _annual_reports(site)




def _normative(site) -> None:
    today = site.today
    for i in range(12):
        issued = _ago(today, 30 + 95 * i)
        start = issued + timedelta(days=30)
        until = date(start.year + 5, start.month, 1) - timedelta(days=1)
        no = f"沪滨城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
        title, body = content.normative(i, issued, until, no)
        stem = title[5:-4]
        path = site.add_document("gfxwj", title=local(title), published=issued + timedelta(days=6),
                                 issued=issued, doc_no=no, genre="通知",
                                 validity="有效" if until >= today else "失效",
                                 valid_until=until, body_html=local(body),
                                 attachments=[(f"gf{i}.pdf", f"{local(stem)}.pdf")])
        if i < 6:
            site.add_document("zcjd", title=f"《{local(stem)}》政策解读", published=issued + timedelta(days=7),
                              issued=issued + timedelta(days=7), body_html=content.paragraphs(
                                  "一、制定背景：落实上级部署，规范行政执法行为。",
                                  "二、主要内容：明确适用范围、执法程序和监督措施。",
                                  f'原文：<a href="{path}">{escape(local(title))}</a>　'
                                  f'条款：<a href="{path}#section2">规定全文</a>'))


def _budgets(site) -> None:
    today = site.today
    for n in range(4):
        year = today.year - n
        if date(year, 2, 12) < today:
            site.add_document("czyjs", title=f"{t.SITE_NAME}{year}年部门预算", published=date(year, 2, 12),
                              body_html=content.paragraphs(f"现将本局{year}年部门预算予以公开。"),
                              attachments=[(f"ys{year}.pdf", f"{year}年部门预算.pdf")])
        if date(year, 7, 22) < today:
            site.add_document("czyjs", title=f"{t.SITE_NAME}{year - 1}年部门决算", published=date(year, 7, 22),
                              body_html=content.paragraphs(f"现将本局{year - 1}年部门决算予以公开。"),
                              attachments=[(f"js{year - 1}.xlsx", f"{year - 1}年部门决算表.xlsx")])


def _system_documents(site) -> None:
    names = ["政府信息公开工作制度", "政府信息公开保密审查制度", "政府信息公开申请办理工作规程"]
    for i, name in enumerate(names):
        issued = date(site.today.year - 4 + i, 4, 10)
        site.add_document("gkzd", title=f"{t.SITE_SHORT}{name}", published=issued + timedelta(days=2),
                          issued=issued, doc_no=f"沪滨城管办〔{issued.year}〕{site.counter(('办', issued.year))}号",
                          body_html=content.paragraphs(
                              f"第一条 为规范本局{name[:-2]}工作，根据《中华人民共和国政府信息公开条例》制定本制度。",
                              "第二条 本局办公室负责推进、指导、协调、监督本局政府信息公开工作。",
                              "第三条 本制度自印发之日起施行。"))


def annual_report_body(year: int) -> str:
    n = year % 10
    return "\n".join([
        f"<p>本报告根据《中华人民共和国政府信息公开条例》第五十条编制，统计期限为{year}年1月1日至12月31日。</p>",
        f"<h2>一、总体情况</h2><p>{year}年，本局扎实推进政务公开工作。</p>",
        "<h2>二、主动公开政府信息情况</h2><table class=\"gknb\"><caption>主动公开政府信息情况</caption>"
        '<tr><th scope="col">信息内容</th><th scope="col">本年制发件数</th></tr>'
        f'<tr><th scope="row">行政规范性文件</th><td>{2 + n % 3}</td></tr></table>',
        f"<h2>三、收到和处理政府信息公开申请情况</h2><p>本年新收申请{6 + n}件，均已按期答复。</p>",
        "<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>本年无因政府信息公开引起的行政复议、行政诉讼。</p>",
        "<h2>五、存在的主要问题及改进情况</h2><p>政策解读形式有待丰富，下一步将增加图解解读。</p>",
        "<h2>六、其他需要报告的事项</h2><p>本年未收取信息处理费。</p>",
    ])


def _annual_reports(site) -> None:
    today = site.today
    for year in range(today.year - 5, today.year):
        published = date(year + 1, 1, 18)
        if published < today:
            site.add_document("gknb", title=f"{t.SITE_NAME}{year}年政府信息公开工作年度报告", published=published,
                              body_html=annual_report_body(year),
                              attachments=[(f"nb{year}.pdf", f"{year}年政府信息公开工作年度报告.pdf")])


def _items(site, key: str, n: int) -> str:
    return "\n".join(f'<li><a href="{escape(i.url)}" title="{escape(i.title)}">{escape(i.title)}</a>'
                     f'<span class="time">{i.day:%m-%d}</span></li>'
                     for i in site.column(key).sorted_items()[:n])


def render_home(site) -> dict[str, DemoPage]:
    xxgk = " ".join(f'<a href="{site.column(k).path}index.html">{site.column(k).name}</a>'
                    for k in ("gfxwj", "zcjd", "xzcf", "czyjs", "rsxx") if k in site.columns)
    body = f"""<div class="banner"><a href="{SPECIALS}"><img src="/assets/images/banner.png" alt="专题专栏" \
width="1200" height="200"></a></div>
<div class="home-block" id="block-gzdt"><h2><a href="/channel_87/index.html">工作动态</a></h2>
<ul class="uli14 list-date">
{_items(site, "gzdt", 8)}
</ul></div>
<div class="home-block" id="block-tzgg"><h2><a href="/channel_89/index.html">通知公告</a></h2>
<ul class="uli14 list-date">
{_items(site, "tzgg", 6)}
</ul></div>
<div class="home-block" id="block-xxgk"><h2><a href="/channel_80/index.html">政府信息公开</a></h2>
<p><a href="{GUIDE}">政府信息公开指南</a> <a href="/channel_82/index.html">政府信息公开制度</a>
<a href="/channel_83/index.html">法定主动公开内容</a> <a href="/channel_84/index.html">政府信息公开年报</a>
<a href="{REQUEST}">依申请公开</a></p>
<p>{xxgk}</p></div>
<div class="home-block" id="block-bsfw"><h2><a href="/channel_100/index.html">办事服务</a></h2>
<p><a href="{{{{EXTERNAL}}}}/zwdt/index.html">上海市“一网通办”</a>
<a href="/channel_101/index.html">咨询建言</a></p></div>
<p class="zhaocuo"><a href="{{{{EXTERNAL}}}}/exposure/jiucuo.html?site_code={t.SITE_ID_CODE}">\
<img src="/assets/images/zhaocuo.png" alt="我为政府网站找错" width="300" height="80"></a></p>"""
    return {"/": t.page(t.SITE_NAME, body)}


def _overview(site, key: str, intro: str, extra: list[tuple[str, str]]) -> dict[str, DemoPage]:
    col = site.column(key)
    children = [(c.list_paths()[0], c.name) for c in site.columns.values() if c.parent == key]
    lis = "\n".join(f'<li><a href="{href}">{escape(name)}</a></li>' for href, name in extra + children)
    body = (f'<div class="list-title"><h1>{col.name}</h1></div>\n<p>{intro}</p>\n'
            f'<ul class="subnav">\n{lis}\n</ul>')
    crumbs = [(c, h) for c, h in t.crumbs(site, key)[:-1]] + [(col.name, "")]
    return {col.path + "index.html": t.page(col.name, body, breadcrumbs=crumbs,
                                            meta=t.column_meta(col.name, intro, "nav"))}


def render_overviews(site) -> dict[str, DemoPage]:
    pages = _overview(site, "xxgk", "政府信息公开专栏", [(GUIDE, "政府信息公开指南"), (REQUEST, "依申请公开")])
    pages.update(_overview(site, "fdzdgknr", "依据《中华人民共和国政府信息公开条例》第二十条主动公开的政府信息。", []))
    return pages


def render_sitemap(site) -> dict[str, DemoPage]:
    lis = "\n".join(f'<li><a href="{c.list_paths()[0]}">{escape(c.name)}</a></li>'
                    for c in site.columns.values())
    return {"/wzdt/index.html": t.page("网站地图", f"<h1>网站地图</h1>\n<ul>\n{lis}\n</ul>",
                                       breadcrumbs=[("网站地图", "")])}


def render_elder(site) -> dict[str, DemoPage]:
    body = (f"<h1>长者模式</h1>\n<p>字体更大、对比度更高。<a href=\"/\">返回标准版</a></p>\n<h2>工作动态</h2>\n"
            f'<ul class="list-date">\n{_items(site, "gzdt", 6)}\n</ul>')
    return {"/elder/index.html": t.page("长者模式", body, breadcrumbs=[("长者模式", "")], elder=True)}


def _single(site, path: str, title: str, body: str, crumbs=None, **kw) -> None:
    site.add("portal", path, t.page(title, f"<h1>{title}</h1>\n{body}", breadcrumbs=crumbs or [(title, "")],
                                    **kw))


def build_pages(site) -> None:
    site.add("portal", "/robots.txt", DemoPage("User-agent: *\nDisallow: /cms/\n",
                                               "text/plain; charset=utf-8"))
    for renderer in (render_home, render_overviews, render_sitemap, render_elder):
        site.add_renderer(renderer)
    xxgk = [("政府信息公开", "/channel_80/index.html")]
    year = site.today.year - 1
    _single(site, GUIDE, "政府信息公开指南", content.paragraphs(
        f"为便于公民、法人和其他组织获取本局政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南（{year}年修订）。",
        "一、主动公开：信息分类和编排体系——本局主动公开的政府信息分为机构职能、规范性文件、政策解读、规划计划、"
        "行政处罚、财政预决算、人事信息等类别，按类别和发布日期编排。",
        "获取方式：通过本网站“政府信息公开”专栏查阅、检索和下载。",
        "二、依申请公开：受理机构为本局政府信息公开工作机构（办公室）。",
        f"机构名称：{t.SITE_NAME}办公室；办公地址：{t.ADDRESS}；办公时间：工作日 9:00-11:30，13:30-17:00；",
        f"联系电话：{t.PHONE}；传真号码：021-63210001；互联网联系方式：{t.EMAIL}；邮政编码：{t.POSTCODE}。",
        f'申请方式详见<a href="{REQUEST}">依申请公开</a>。',
        "三、监督保障：公民、法人或者其他组织认为本局未依法履行政府信息公开义务的，可以向上一级行政机关投诉、举报。"),
        crumbs=xxgk + [("政府信息公开指南", "")], meta=t.column_meta("政府信息公开指南", "政府信息公开指南", "article"))
    _single(site, REQUEST, "依申请公开", content.paragraphs(
        "公民、法人或者其他组织可以向本局申请获取相关政府信息。",
        "申请方式：当面申请、信函申请、网上申请（上海市政府信息公开申请平台）。",
        f"受理地址：{t.ADDRESS}；联系电话：{t.PHONE}；办公时间：工作日 9:00-17:00。",
        f'<a href="{GUIDE}">政府信息公开指南</a>'),
        crumbs=xxgk + [("依申请公开", "")], meta=t.column_meta("依申请公开", "依申请公开", "article"))
    _single(site, SPECIALS, "专题专栏", '<ul class="subnav"><li><a href="/channel_87/index.html">城市精细化管理</a></li>'
            '</ul>', meta=t.column_meta("专题专栏", "专题专栏", "nav"))
    _single(site, "/wza/index.html", "无障碍浏览", f"<p>本站支持键盘操作和屏幕阅读器，图片提供替代文本。咨询电话 {t.PHONE}。</p>"
            '\n<p><a href="/elder/index.html">进入长者模式</a></p>')
    _single(site, "/gywm/index.html", "关于我们", f"<p>本站由{t.SITE_NAME}主办，网站标识码 {t.SITE_ID_CODE}。</p>")
    _single(site, "/lxwm/index.html", "联系我们", f"<p>地址：{t.ADDRESS}　邮编：{t.POSTCODE}</p>\n<p>电话：{t.PHONE}</p>")
    _single(site, "/search/index.html", "全站搜索", "<p>请在页面顶部的搜索框输入关键字。</p>")


def build_portal(site) -> None:
    for path, asset in t.static_assets().items():
        site.add("portal", path, asset)
    build_columns(site)
    build_pages(site)
    external.build_external(site)
