"""Three small portals of different CMS families, served by ``tests._servers.TestServer``, for
the discovery-mode column tests and the homepage-block tests. None copies the demo's markup.

* ``trs``: TRS-like URLs (``/zwgk/tzgg/index.html``, ``./202611/t20261120_1001.html``), date
  printed before the link, tabbed homepage news box, ``div.list_con`` lists;
* ``platform``: Shanghai intensive platform (``/channel_NN/index.html`` lists,
  ``/channel_NN/YYYYMMDD/<32 hex>.html`` articles, ``ul.uli14.nowrapli.list-date``), homepage
  blocks as ``div`` rows;
* ``hanweb``: Hanweb/大汉 in GBK (``/col/colNNN/index.html``, ``/art/Y/M/D/art_C_A.html``), lists in
  ``<script type="text/xml"><datastore>`` data islands, homepage block as a table.

Each family plants, in discovery mode (profile without ``columns:``): one mandatory 政府信息公开
column missing (``MISSING``) and one blank list column (``BLANK``); decoys: a mandatory column
linked under an alias, a list filled by JavaScript (``SCRIPTED``: column-unreadable, not blank),
a block of static links without dates, (TRS) articles with an empty "related articles" box. On the homepage: one fresh dated block and one whose
newest item is 53 days old (``STALE_BLOCK``, a news block: window 14 days).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests._servers import TestServer, html

TODAY = date(2026, 11, 22)


@dataclass
class MiniPortal:
    family: str
    charset: str
    pages: dict[str, str] = field(default_factory=dict)
    missing: str = ""          # mandatory column not linked anywhere
    blank: tuple[str, str] = ("", "")      # (list page path, link text)
    scripted: tuple[str, str] = ("", "")   # (list page path, link text)
    alias: tuple[str, str] = ("", "")      # (mandatory column, alias it is linked under)
    stale_block: str = ""      # title of the homepage block whose newest item is 53 days old
    fresh_block: str = ""

    def serve(self) -> TestServer:
        server = TestServer()
        for path, text in self.pages.items():
            server.route(path, html(text, charset=self.charset))
        return server.start()


def _days(n: int) -> date:
    return TODAY - timedelta(days=n)


def _hex(seed: str) -> str:
    return hashlib.md5(seed.encode()).hexdigest()


def _article(title: str, day: date, charset: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><p>发布日期：{day:%Y-%m-%d}</p><p>{title}。正文内容。</p>{extra}</body></html>')


# decoy: TRS article templates carry a "related articles" box the CMS may leave empty; an article
# linked from the homepage is no blank column
RELATED_EMPTY = '<div class="xgwz"><h3>相关文章</h3><ul class="xg-list"></ul></div>'



def _shell(title: str, nav: str, body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>'
            f'{nav}\n<div class="main">{body}</div>\n'
            f'<div class="foot">主办单位：某区城市管理行政执法局 网站标识码：3101990099</div></body></html>')


# ---- TRS-like ---------------------------------------------------------------------------------

def trs() -> MiniPortal:
    p = MiniPortal("trs", "utf-8", missing="依申请公开", blank=("/zwgk/zxgh/index.html", "专项规划"),
                   scripted=("/zwgk/sjfb/index.html", "数据发布"), alias=("政府信息公开指南", "信息公开指南"),
                   stale_block="街镇动态", fresh_block="工作动态")
    nav = ('<div class="nav"><a href="/">首页</a><a href="/xwdt/gzdt/index.html">工作动态</a>'
           '<a href="/zwgk/index.html">政务公开</a><a href="/xwdt/jzdt/index.html">街镇动态</a></div>')

    def column(path: str, name: str, ages: list[int]) -> list[tuple[str, str, date]]:
        folder = path.rsplit("/", 1)[0]
        rows = []
        for k, age in enumerate(ages):
            day = _days(age)
            rel = f"./{day:%Y%m}/t{day:%Y%m%d}_{1000 + k}.html"
            title = f"{name}信息{k + 1}"
            p.pages[f"{folder}/{rel[2:]}"] = _article(title, day, "utf-8", RELATED_EMPTY)
            rows.append((f"{folder}/{rel[2:]}", title, day))
        # TRS links articles relative to the column directory: ./202611/t20261120_1000.html
        lis = "".join(f'<li><span class="rq">{d:%Y-%m-%d}</span><a href="./{h[len(folder) + 1:]}"'
                      f' title="{t}">{t}</a></li>' for h, t, d in rows)
        p.pages[path] = _shell(name, nav, f'<div class="list_con"><h2>{name}</h2><ul>{lis}</ul></div>'
                               '<script>var currentPage = 0;//所在页从0开始\nvar countPage = 1//共多少页\n'
                               'createPageHTML(1, 0, "index", "html");</script>')
        return rows

    news = column("/xwdt/gzdt/index.html", "工作动态", [1, 4, 9, 15])
    towns = column("/xwdt/jzdt/index.html", "街镇动态", [53, 60, 71])
    column("/zwgk/tzgg/index.html", "通知公告", [10, 40, 90])
    column("/zwgk/gknb/index.html", "政府信息公开年报", [300, 600])
    column("/zwgk/gkzd/index.html", "政府信息公开制度", [700, 900])
    p.pages["/zwgk/gkzn/index.html"] = _shell("信息公开指南", nav, "<h1>信息公开指南</h1>" + "<p>本指南说明信息分类、"
                                              "编排体系、获取方式、办公地址、办公时间和联系电话。</p>" * 3)
    p.pages["/zwgk/fdzdgk/index.html"] = _shell("法定主动公开内容", nav, '<h1>法定主动公开内容</h1><ul class="gkml">'
                                                '<li><a href="/zwgk/tzgg/index.html">通知公告</a></li>'
                                                '<li><a href="/zwgk/zxgh/index.html">专项规划</a></li>'
                                                '<li><a href="/zwgk/sjfb/index.html">数据发布</a></li></ul>')
    p.pages["/zwgk/zxgh/index.html"] = _shell("专项规划", nav, '<div class="list_con"><h2>专项规划</h2>'
                                              '<p class="no-data">暂无信息</p></div>')
    p.pages["/zwgk/sjfb/index.html"] = _shell("数据发布", nav, '<h2>数据发布</h2>'
                                              '<ul id="listbox" class="xxgk-list"></ul><script>'
                                              '$.getJSON("/api/sjfb.json", function (d) { render(d); });'
                                              '</script>')
    p.pages["/zwgk/index.html"] = _shell("政务公开", nav, '<h1>政务公开</h1><div class="gk-entry">'
                                         '<a href="/zwgk/gkzn/index.html">信息公开指南</a> '
                                         '<a href="/zwgk/gkzd/index.html">政府信息公开制度</a> '
                                         '<a href="/zwgk/fdzdgk/index.html">法定主动公开内容</a> '
                                         '<a href="/zwgk/gknb/index.html">政府信息公开年报</a></div>')
    tab_head = '<ul class="tab-hd"><li class="on">工作动态</li><li>街镇动态</li></ul>'
    panels = "".join(
        f'<ul class="tab-bd"{"" if i == 0 else " style=display:none"}>'
        + "".join(f'<li><a href="{h}">{t}</a><em>{d:%m-%d}</em></li>' for h, t, d in rows) + "</ul>"
        for i, rows in enumerate((news, towns)))
    links = ('<div class="kuaijie"><h3>便民服务</h3><ul><li><a href="/zwgk/index.html">办事指南</a></li>'
             '<li><a href="/zwgk/gkzn/index.html">公开指南</a></li><li><a href="/zwgk/index.html">表格下载</a></li>'
             '</ul></div>')
    p.pages["/"] = _shell("某区城管执法局", nav, f'<div class="tabbox">{tab_head}<div class="tab-list">{panels}'
                                          f'</div></div>{links}')
    return p


# ---- Shanghai intensive platform ---------------------------------------------------------------

def platform() -> MiniPortal:
    p = MiniPortal("platform", "utf-8", missing="政府信息公开年报", blank=("/channel_41/index.html", "重大项目"),
                   scripted=("/channel_45/index.html", "行政处罚"), alias=("法定主动公开内容", "主动公开目录"),
                   stale_block="街镇动态", fresh_block="要闻动态")
    nav = ('<ul class="menu"><li><a href="/">首页</a></li><li><a href="/channel_11/index.html">要闻动态</a></li>'
           '<li><a href="/channel_30/index.html">信息公开</a></li>'
           '<li><a href="/channel_13/index.html">街镇动态</a></li>'
           '</ul>')

    def column(n: int, name: str, ages: list[int]) -> list[tuple[str, str, date]]:
        rows = []
        for k, age in enumerate(ages):
            day = _days(age)
            href = f"/channel_{n}/{day:%Y%m%d}/{_hex(f'{n}-{k}')}.html"
            title = f"{name}：第{k + 1}条"
            p.pages[href] = _article(title, day, "utf-8")
            rows.append((href, title, day))
        lis = "".join(f'<li><a href="{h}" title="{t}" target="_blank">{t}</a>'
                      f'<span class="time">{d:%Y.%m.%d}</span></li>' for h, t, d in rows)
        p.pages[f"/channel_{n}/index.html"] = _shell(name, nav, f'<div class="tit">{name}</div>'
                                                    f'<ul class="uli14 nowrapli list-date">{lis}</ul>'
                                                    '<div name="whj_nextPage"></div>')
        return rows

    news = column(11, "要闻动态", [2, 5, 8])
    towns = column(13, "街镇动态", [53, 58, 80, 95])
    column(32, "政府信息公开制度", [400, 500])
    column(33, "政府信息公开指南", [200])
    column(35, "依申请公开", [150, 420])
    column(34, "规范性文件", [20, 60, 120])
    p.pages["/channel_36/index.html"] = _shell("主动公开目录", nav, '<div class="tit">主动公开目录</div>'
                                               '<ul class="gk-cat">'
                                               '<li><a href="/channel_34/index.html">规范性文件</a></li>'
                                               '<li><a href="/channel_41/index.html">重大项目</a></li>'
                                               '<li><a href="/channel_45/index.html">行政处罚</a></li></ul>')
    p.pages["/channel_41/index.html"] = _shell("重大项目", nav, '<div class="tit">重大项目</div>'
                                               '<ul class="uli14 nowrapli list-date"></ul>'
                                               '<div name="whj_nextPage"></div>')
    p.pages["/channel_45/index.html"] = _shell("行政处罚", nav, '<div class="tit">行政处罚</div>'
                                               '<ul class="tadaty-list uli14"></ul>'
                                               '<script>$.ajax({url: "/api/xzcf",'
                                               ' success: function (r) { fill(r); }});</script>')
    p.pages["/channel_30/index.html"] = _shell("信息公开", nav, '<div class="tit">信息公开</div><div class="gk-nav">'
                                               '<a href="/channel_33/index.html">政府信息公开指南</a>'
                                               '<a href="/channel_32/index.html">政府信息公开制度</a>'
                                               '<a href="/channel_36/index.html">主动公开目录</a>'
                                               '<a href="/channel_35/index.html">依申请公开</a></div>')

    def block(title: str, href: str, rows: list[tuple[str, str, date]]) -> str:
        divs = "".join(f'<div class="item"><a href="{h}">{t}</a><div class="date">{d:%Y-%m-%d}</div></div>'
                       for h, t, d in rows)
        return (f'<div class="box"><div class="box-hd"><span class="name">{title}</span>'
                f'<a class="more" href="{href}">更多</a></div><div class="box-bd">{divs}</div></div>')

    links = ('<div class="box"><div class="box-hd"><span class="name">专题专栏</span></div><div class="box-bd">'
             '<div class="item"><a href="/channel_30/index.html">垃圾分类</a></div>'
             '<div class="item"><a href="/channel_30/index.html">营商环境</a></div>'
             '<div class="item"><a href="/channel_30/index.html">文明城市</a></div></div></div>')
    p.pages["/"] = _shell("某区城管执法局", nav, block("要闻动态", "/channel_11/index.html", news)
                          + block("街镇动态", "/channel_13/index.html", towns) + links)
    return p


# ---- Hanweb (GBK) ------------------------------------------------------------------------------

def hanweb() -> MiniPortal:
    p = MiniPortal("hanweb", "gbk", missing="政府信息公开制度", blank=("/col/col1006/index.html", "通知公告"),
                   scripted=("/col/col1008/index.html", "政策解读"), alias=("政府信息公开年报", "年度报告"),
                   stale_block="街镇动态", fresh_block="工作动态")
    nav = ('<div class="daohang"><a href="/">首页</a><a href="/col/col1001/index.html">工作动态</a>'
           '<a href="/col/col1100/index.html">政府信息公开</a><a href="/col/col1002/index.html">街镇动态</a></div>')

    def island(column_id: int, unit: int, rows: list[tuple[str, str, date]]) -> str:
        records = "".join(f'<record><![CDATA[<li><a href="{h}" title="{t}" target="_blank">{t}</a>'
                          f'<span>{d:%Y-%m-%d}</span></li>]]></record>' for h, t, d in rows)
        return (f'<div id="{unit}"><script type="text/xml"><datastore><nextgroup>'
                f'<![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/'
                f'&columnid={column_id}&unitid={unit}"></a>]]></nextgroup>'
                f'<recordset>{records}</recordset></datastore></script></div>'
                f'<script>$(document).ready(function(){{$("#{unit}").jpage({{totalRecord:{len(rows)},'
                f'proxyUrl:"/module/web/jpage/dataproxy.jsp"}});}});</script>')

    def column(n: int, name: str, ages: list[int]) -> list[tuple[str, str, date]]:
        rows = []
        for k, age in enumerate(ages):
            day = _days(age)
            href = f"/art/{day.year}/{day.month}/{day.day}/art_{n}_{5000 + k}.html"
            title = f"{name}第{k + 1}期"
            p.pages[href] = _article(title, day, "gbk")
            rows.append((href, title, day))
        body = f"<h2>{name}</h2>" + island(n, 40000 + n, rows)
        p.pages[f"/col/col{n}/index.html"] = _shell(name, nav, body, "gbk")
        return rows

    news = column(1001, "工作动态", [1, 3, 6])
    towns = column(1002, "街镇动态", [53, 55, 90])
    column(1003, "政府信息公开指南", [500])
    column(1004, "年度报告", [250, 600])
    column(1005, "依申请公开", [350])
    column(1007, "规范性文件", [30, 90])
    p.pages["/col/col1006/index.html"] = _shell("通知公告", nav, "<h2>通知公告</h2>" + island(1006, 41006, []), "gbk")
    p.pages["/col/col1008/index.html"] = _shell(
        "政策解读", nav, '<h2>政策解读</h2><ul class="jpaas-list"></ul>'
        '<script src="/api-gateway/unitbuild.js"></script><script>'
        'fetch("/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1")'
        '.then(r => r.json());</script>',
        "gbk")
    catalogue = "".join(f'<tr><td><a href="/col/col{n}/index.html">{name}</a></td></tr>'
                        for n, name in ((1007, "规范性文件"), (1006, "通知公告"), (1008, "政策解读")))
    p.pages["/col/col1009/index.html"] = _shell("法定主动公开内容", nav, '<h2>法定主动公开内容</h2>'
                                                f'<table class="gkml">{catalogue}</table>', "gbk")
    entries = "".join(f'<td><a href="/col/col{n}/index.html">{name}</a></td>' for n, name in (
        (1003, "政府信息公开指南"), (1009, "法定主动公开内容"), (1004, "年度报告"), (1005, "依申请公开")))
    p.pages["/col/col1100/index.html"] = _shell("政府信息公开", nav,
                                                f'<table class="xxgk-nav"><tr>{entries}</tr></table>', "gbk")

    def table(title: str, rows: list[tuple[str, str, date]]) -> str:
        trs = "".join(f'<tr><td><a href="{h}">{t}</a></td><td class="rq">[{d:%m-%d}]</td></tr>'
                      for h, t, d in rows)
        return f'<table class="lm"><tr><th colspan="2">{title}</th></tr>{trs}</table>'

    links = ('<table class="lm"><tr><th>便民服务</th></tr>'
             '<tr><td><a href="/col/col1100/index.html">办事指南</a></td></tr>'
             '<tr><td><a href="/col/col1100/index.html">公共服务</a></td></tr>'
             '<tr><td><a href="/col/col1100/index.html">表格下载</a></td></tr></table>')
    p.pages["/"] = _shell("某县城市管理局", nav, table("工作动态", news) + table("街镇动态", towns) + links, "gbk")
    return p


FAMILIES = {"trs": trs, "platform": platform, "hanweb": hanweb}
