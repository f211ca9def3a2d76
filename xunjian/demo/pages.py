"""Single pages of the demo portal: homepage, overview pages, 政府信息公开指南/制度/年报/依申请公开,
无障碍 and 长者模式 entries, site map, contact, robots.txt.

The homepage, the elder-mode homepage and the site map are *renderers*: produced after every
plant module ran, from the column model, so their lists always show the newest items.
Encodings exercised on purpose (all correctly declared): the 政府信息公开制度 column is a legacy
GBK subsystem (meta only / header only / both), one page declares GB2312 but uses GBK-only
characters (browsers and WHATWG treat the label as GBK), 依申请公开 is UTF-8 with a BOM.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from xunjian.demo import DemoPage, content, layout

ZHAOCUO = f"{{{{EXTERNAL}}}}/exposure/jiucuo.html?site_code={layout.SITE_ID_CODE}"
ROBOTS_TXT = """# 浦江区城管执法局门户
User-agent: *
Disallow: /admin/
Disallow: /cms/preview/

Sitemap: {{PORTAL}}/wzdt/index.html
"""


def _list(site, key: str, n: int) -> str:
    items = site.column(key).sorted_items()[:n]
    return "\n".join(f'<li><a href="{escape(i.url)}">{escape(i.title)}</a>'
                     f'<span class="date">{i.day:%m-%d}</span></li>' for i in items)


def render_home(site) -> dict[str, DemoPage]:
    xxgk_links = " ".join(f'<a href="{site.column(k).path}index.html">{site.column(k).name}</a>'
                          for k in ("gfxwj", "zcjd", "xzcf", "ssjygk", "czyjs", "rsxx"))
    body = f"""<section class="banners" aria-label="专题">
<a href="/ztzl/ljfl/index.html"><img src="/images/banner-ljfl.png" alt="生活垃圾分类专题" \
width="600" height="100"></a>
<a href="/ztzl/yhyshj/index.html"><img src="/images/banner-yhyshj.png" alt="优化营商环境专题" \
width="600" height="100"></a>
</section>
<section class="news" aria-labelledby="h-ywdt">
<h2 id="h-ywdt"><a href="/xwzx/ywdt/index.html">要闻动态</a></h2>
<ul class="list">
{_list(site, "ywdt", 8)}
</ul>
</section>
<section class="notices" aria-labelledby="h-tzgg">
<h2 id="h-tzgg"><a href="/xwzx/tzgg/index.html">通知公告</a></h2>
<ul class="list">
{_list(site, "tzgg", 8)}
</ul>
</section>
<section class="xxgk" aria-labelledby="h-xxgk">
<h2 id="h-xxgk"><a href="/xxgk/index.html">政府信息公开</a></h2>
<p><a href="/xxgk/gkzn/index.html">政府信息公开指南</a> <a href="/xxgk/gkzd/index.html">政府信息公开制度</a>
<a href="/xxgk/fdzdgknr/index.html">法定主动公开内容</a> <a href="/xxgk/gknb/index.html">政府信息公开年报</a>
<a href="/xxgk/ysqgk/index.html">依申请公开</a></p>
<p>{xxgk_links}</p>
</section>
<section class="service" aria-labelledby="h-bsfw">
<h2 id="h-bsfw"><a href="/bsfw/index.html">办事服务</a></h2>
<ul class="list">
{_list(site, "bszn", 4)}
</ul>
</section>
<section class="interact" aria-labelledby="h-hdjl">
<h2 id="h-hdjl"><a href="/hdjl/index.html">互动交流</a></h2>
<p><a href="/hdjl/zxjy/index.html">咨询建言</a> <a href="/lxwm/index.html">联系我们</a></p>
</section>
<p class="zhaocuo"><a href="{ZHAOCUO}"><img src="/images/zhaocuo.png" alt="我为政府网站找错" \
width="300" height="80"></a></p>"""
    return {"/": layout.page(layout.SITE_NAME, body)}


def render_elder(site) -> dict[str, DemoPage]:
    body = f"""<h1>长者模式（关怀版）</h1>
<p>本页字体更大、对比度更高，不含广告和弹窗。<a href="/">返回标准版</a></p>
<h2>要闻动态</h2>
<ul class="list">
{_list(site, "ywdt", 6)}
</ul>
<h2>通知公告</h2>
<ul class="list">
{_list(site, "tzgg", 6)}
</ul>"""
    return {"/elder/index.html": layout.page("长者模式", body, breadcrumbs=[("长者模式", "")], elder=True)}


def render_sitemap(site) -> dict[str, DemoPage]:
    lis = "\n".join(f'<li><a href="{c.path}index.html">{escape(c.name)}</a></li>'
                    for c in site.columns.values())
    body = f"<h1>网站地图</h1>\n<ul>\n{lis}\n</ul>"
    return {"/wzdt/index.html": layout.page("网站地图", body, breadcrumbs=[("网站地图", "")])}


def _overview(site, path: str, title: str, keys: list[str], intro: str) -> None:
    lis = "\n".join(f'<li><a href="{site.column(k).path}index.html">{site.column(k).name}</a></li>'
                    for k in keys)
    body = f"<h1>{title}</h1>\n<p>{intro}</p>\n<ul>\n{lis}\n</ul>"
    site.add("portal", path, layout.page(title, body, breadcrumbs=[(title, "")],
                                         meta=layout.column_meta(title, intro, "nav")))


def _simple(site, path: str, title: str, body: str, crumbs=None, **kw) -> None:
    site.add("portal", path, layout.page(title, f"<h1>{title}</h1>\n{body}", breadcrumbs=crumbs or [(title, "")],
                                         **kw))


def build_pages(site) -> None:
    site.add("portal", "/robots.txt", DemoPage(ROBOTS_TXT, "text/plain; charset=utf-8"))
    site.add_renderer(render_home)
    site.add_renderer(render_elder)
    site.add_renderer(render_sitemap)
    _overview(site, "/xwzx/index.html", "新闻中心", ["ywdt", "tzgg", "jcdt"], "本局工作动态、通知公告和基层执法动态。")
    xxgk_keys = ["gkzn", "gkzd", "fdzdgknr", "gknb", "ysqgk"]
    links = {"gkzn": ("/xxgk/gkzn/index.html", "政府信息公开指南"), "ysqgk": ("/xxgk/ysqgk/index.html", "依申请公开")}
    targets = [links[k] if k in links else (f"{site.column(k).path}index.html", site.column(k).name)
               for k in xxgk_keys]
    lis = "\n".join(f'<li><a href="{href}">{name}</a></li>' for href, name in targets)
    site.add("portal", "/xxgk/index.html", layout.page("政府信息公开", f"<h1>政府信息公开</h1>\n<ul>\n{lis}\n</ul>",
             breadcrumbs=[("政府信息公开", "")], meta=layout.column_meta("政府信息公开", "政府信息公开专栏", "nav")))
    _overview(site, "/xxgk/fdzdgknr/index.html", "法定主动公开内容",
              ["jgzn", "gfxwj", "zcjd", "xzcf", "ssjygk", "czyjs", "rsxx"],
              "依据《中华人民共和国政府信息公开条例》第二十条主动公开的政府信息。")
    _guide(site)
    _request_page(site)
    _system_documents(site)
    _organisation(site)
    _annual_reports(site)
    _simple(site, "/bsfw/index.html", "办事服务", '<ul><li><a href="/bsfw/bszn/index.html">办事指南</a></li>'
            f'<li><a href="{{{{EXTERNAL}}}}/zwdt/index.html">上海市“一网通办”</a></li></ul>')
    _simple(site, "/hdjl/index.html", "互动交流", '<ul><li><a href="/hdjl/zxjy/index.html">咨询建言</a>（在线咨询，工作日内答复）'
            '</li><li><a href="/lxwm/index.html">联系我们</a></li></ul>')
    _simple(site, "/ztzl/index.html", "专题专栏", '<ul><li><a href="/ztzl/ljfl/index.html">生活垃圾分类</a></li>'
            '<li><a href="/ztzl/yhyshj/index.html">优化营商环境</a></li></ul>')
    for path, name in (("/ztzl/ljfl/index.html", "生活垃圾分类"), ("/ztzl/yhyshj/index.html", "优化营商环境")):
        news = site.column("ywdt").items[:3]
        lis = "\n".join(f'<li><a href="{i.url}">{escape(i.title)}</a></li>' for i in news)
        _simple(site, path, f"{name}专题", f"<p>{name}专题报道。</p>\n<ul>\n{lis}\n</ul>",
                crumbs=[("专题专栏", "/ztzl/index.html"), (f"{name}专题", "")])
    _simple(site, "/wza/index.html", "无障碍服务", "<p>本站支持键盘操作、屏幕阅读器访问，所有图片提供替代文本。"
            '需要帮助请致电 ' + layout.PHONE + '。</p>\n<p><a href="/elder/index.html">进入长者模式</a></p>')
    _simple(site, "/gywm/index.html", "关于本站", f"<p>本站由{layout.SITE_NAME}主办，网站标识码 {layout.SITE_ID_CODE}。</p>")
    _simple(site, "/lxwm/index.html", "联系我们", f"<p>地址：{layout.ADDRESS}</p>\n"
            f"<p>电话：{layout.PHONE}　传真：{layout.FAX}</p>\n<p>办公时间：工作日 9:00-17:00</p>")
    _simple(site, "/yqlj/index.html", "友情链接",
            f'<ul><li><a href="{{{{EXTERNAL}}}}/index.html">上海市人民政府</a></li><li><a href="{{{{EXTERNAL}}}}/zwdt/index.html">上海市“一网通办”</a></li></ul>')
    _simple(site, "/search/index.html", "站内搜索", "<p>请在页面顶部的搜索框输入关键词。</p>")


def _guide(site) -> None:
    year = site.today.year - 1
    body = content.paragraphs(
        f"为便于公民、法人和其他组织获取本局政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南（{year}年修订）。",
        "一、主动公开：信息分类和编排体系——本局主动公开的政府信息分为机构职能、规范性文件、政策解读、行政处罚、"
        "双随机一公开、财政预决算、人事信息等类别，按类别和发布日期编排。",
        "获取方式：通过本网站“政府信息公开”专栏查阅、检索和下载，也可到本局政府信息公开查阅点查阅。",
        "二、依申请公开：受理机构为本局政府信息公开工作机构（办公室）。",
        f"机构名称：{layout.SITE_NAME}办公室；办公地址：{layout.ADDRESS}；办公时间：工作日 9:00-11:30，13:30-17:00；",
        f"联系电话：{layout.PHONE}；传真号码：{layout.FAX}；互联网联系方式：{layout.EMAIL}；邮政编码：{layout.POSTCODE}。",
        '申请方式详见<a href="/xxgk/ysqgk/index.html">依申请公开</a>。',
        "三、监督保障：公民、法人或者其他组织认为本局未依法履行政府信息公开义务的，可以向上一级行政机关或政府信息公开工作主管部门投诉、举报。",
    )
    _simple(site, "/xxgk/gkzn/index.html", "政府信息公开指南", body, crumbs=[("政府信息公开", "/xxgk/index.html"),
            ("政府信息公开指南", "")], meta=layout.column_meta("政府信息公开指南", "政府信息公开指南", "article"))


def _request_page(site) -> None:
    body = content.paragraphs(
        "公民、法人或者其他组织可以向本局申请获取相关政府信息。",
        "申请方式：1. 当面申请；2. 信函申请；3. 网上申请（通过上海市政府信息公开申请平台提交）。",
        f"受理地址：{layout.ADDRESS}（本局办公室）；联系电话：{layout.PHONE}；办公时间：工作日 9:00-17:00。",
        "本局收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。",
        '<a href="/xxgk/gkzn/index.html">政府信息公开指南</a>')
    page = layout.page("依申请公开", f"<h1>依申请公开</h1>\n{body}", breadcrumbs=[("政府信息公开", "/xxgk/index.html"),
                       ("依申请公开", "")], meta=layout.column_meta("依申请公开", "依申请公开", "article"))
    page.body = "\ufeff" + page.body  # UTF-8 with a BOM, as some CMS exports write it
    site.add("portal", "/xxgk/ysqgk/index.html", page)


# (title, meta charset, Content-Type, GBK-only characters in the text)
GBK_VARIANTS = [
    ("政府信息公开工作制度", "gbk", "text/html", ""),
    ("政府信息公开保密审查制度", "", "text/html; charset=GBK", ""),
    ("政府信息公开申请办理工作规程", "gb2312", "text/html; charset=gb2312", "经办人：李堃、王喆（联系人：朱镕）"),
    ("政府信息公开社会评议制度", "gbk", "text/html; charset=gbk", ""),
    ("政府信息主动公开目录管理制度", "gbk", "text/html; charset=gbk", ""),
]


GBK_DOC_PATHS = [f"/xxgk/gkzd/art_{301 + i}.html" for i in range(len(GBK_VARIANTS))]


def _system_documents(site) -> None:
    for i, (title, charset, ctype, extra) in enumerate(GBK_VARIANTS):
        issued = date(site.today.year - 5 + i, 3, 15)
        body = content.paragraphs(
            f"第一条 为规范本局{title[:-2]}工作，根据《中华人民共和国政府信息公开条例》制定本制度。",
            "第二条 本局办公室负责组织、协调、推进和监督本局政府信息公开工作。",
            "第三条 拟公开的政府信息应当依法依规进行审查，确保及时、准确公开。", extra or "第四条 本制度自印发之日起施行。")
        site.add_document("gkzd", title=f"{layout.SITE_SHORT}{title}", published=issued + timedelta(days=3),
                          issued=issued, doc_no=f"沪浦城管办〔{issued.year}〕{site.counter(('办', issued.year))}号",
                          genre="制度", body_html=body, encoding="gbk", charset=charset, content_type=ctype,
                          path=GBK_DOC_PATHS[i])


def _organisation(site) -> None:
    new_year = date(site.today.year, 1, 6)
    day = new_year if new_year < site.today else site.today - timedelta(days=30)
    texts = [
        ("机构职能", "负责本区市容环境卫生、城市绿化、市政工程、环境保护、建设工程等方面法律、法规和规章规定的行政处罚权；"
                 "负责指导、协调、监督各街镇城管执法工作。"),
        ("内设机构", "办公室、法制科、执法指导科、督察科、政治处；下设10个街镇城管执法中队。"),
        ("领导信息", "局长：张某某，主持全面工作；副局长：李某某，分管法制、执法指导工作。"),
    ]
    for i, (title, text) in enumerate(texts):
        site.add_document("jgzn", title=title, published=day - timedelta(days=i),
                          body_html=content.paragraphs(text, f"办公地址：{layout.ADDRESS}；办公时间：工作日 9:00-17:00；联系电话：{layout.PHONE}。"))


def _annual_reports(site) -> None:
    today = site.today
    for year in range(today.year - 6, today.year):
        published = date(year + 1, 1, 20)
        if published >= today:
            continue
        n = year % 10
        table = ('<table class="gknb"><caption>主动公开政府信息情况</caption>\n'
                 '<tr><th scope="col">信息内容</th><th scope="col">本年制发件数</th><th scope="col">本年废止件数</th>'
                 '<th scope="col">现行有效件数</th></tr>\n'
                 '<tr><th scope="row">规章</th><td>0</td><td>0</td><td>0</td></tr>\n'
                 f'<tr><th scope="row">行政规范性文件</th><td>{2 + n % 3}</td><td>{n % 2}</td>'
                 f'<td>{8 + n % 4}</td></tr>\n'
                 f'<tr><th scope="row">行政许可</th><td colspan="3">本年处理决定数量：{120 + n * 7}</td></tr>\n'
                 f'<tr><th scope="row">行政处罚</th><td colspan="3">本年处理决定数量：{860 + n * 31}</td></tr>\n'
                 f'<tr><th scope="row">行政强制</th><td colspan="3">本年处理决定数量：{12 + n}</td></tr>\n'
                 '<tr><th scope="row">行政事业性收费</th><td colspan="3">本年收费金额（万元）：0</td></tr>\n</table>')
        body = "\n".join([
            f"<p>本报告根据《中华人民共和国政府信息公开条例》第五十条编制，统计期限为{year}年1月1日至12月31日。</p>",
            f"<h2>一、总体情况</h2><p>{year}年，本局围绕主动公开、依申请公开、政府信息管理、平台建设和监督保障推进政务公开工作。</p>",
            f"<h2>二、主动公开政府信息情况</h2>\n{table}",
            f"<h2>三、收到和处理政府信息公开申请情况</h2><p>本年新收申请{10 + n}件，上年结转{n % 3}件，均已按期答复。</p>",
            "<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>本年未发生因政府信息公开引起的行政复议、行政诉讼。</p>",
            "<h2>五、存在的主要问题及改进情况</h2><p>公开内容的解读形式还不够丰富，下一步将加强图解、视频解读。</p>",
            "<h2>六、其他需要报告的事项</h2><p>本年未收取信息处理费。</p>",
        ])
        site.add_document("gknb", title=f"{layout.SITE_NAME}{year}年政府信息公开工作年度报告", published=published,
                          body_html=body, genre="报告", attachments=[(f"nb{year}.pdf", f"{year}年度报告.pdf")])
