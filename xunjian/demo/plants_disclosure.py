"""Planted disclosure defects and decoys of the demo portal (rules in checks/disclosure/columns.py,
freshness.py, normative.py, docmeta.py, identity.py, annual_report.py).

Adds, relative to ``today``: a missing required column (declared in config/sites/demo.yaml
only), five blank columns (veto V4c), ten stale columns (veto V4a and V4b), a hand-written
list with undated items and unreadable dates, normative documents with missing/expired/
overlong validity, malformed 文号 and 索引号, incomplete metadata, late disclosure, pages with
footer and meta-tag defects, an incomplete old annual report; and it takes down last year's
annual report (annual-report-missing). Every path is fixed (not derived from ``today``) so
``EXPECTED``/``DECOYS`` are plain lists.

Not plantable on one portal, and therefore decoys here (the positive cases are in
tests/test_disclosure_rules.py): ``home-stale`` and ``zhaocuo-entry`` (the demo homepage is
fresh and links the 找错 platform) and ``columns-discovered`` (the demo profile declares its
columns; tests/test_disclosure_demo.py re-runs the checks with discovery).
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo import Decoy, DemoPage, Expect, content, layout

GK = "/xxgk/"
BLANK = [("zxgh", "专项规划"), ("zdxm", "重大建设项目"), ("zfcg", "政府采购"), ("yjgl", "应急管理"),
         ("aqsc", "安全生产")]
# key, name, parent folder, days since the newest item, 文号 agency code for policy columns
STALE = [("zfdt", "执法动态", "/xwzx/", 40, ""), ("dwjs", "队伍建设", "/xwzx/", 60, ""),
         ("tpxw", "图片新闻", "/xwzx/", 20, ""), ("zsgs", "征收公示", GK, 250, ""),
         ("tzgs", "听证公告", GK, 200, ""), ("qtwj", "其他文件", GK, 300, "沪浦城管发"),
         ("bmwj", "部门文件", GK, 400, "沪浦城管发"), ("rczl", "人才招录", GK, 500, ""),
         ("ndjh", "年度计划", GK, 400, ""), ("gzzj", "工作总结", GK, 800, "")]
GFX = "/xxgk/gfxwj/plant/"
ZFGS = "/xxgk/zfgs/"


def _cn(d: date) -> str:
    return content.cn_date(d)


def _normative(site, today: date, stem: str, title: str, issued: date, *, doc_no: str, validity: str | None = "有效",
               years: int = 5, start: date | None = None, until: date | None = None, published: date | None = None,
               meta: dict | None = None) -> str:
    start = start or issued + timedelta(days=30)
    until = until or date(start.year + years, start.month, 1) - timedelta(days=1)
    term = f"本规定自{_cn(start)}起施行，有效期至{_cn(until)}。" if validity else f"本规定自{_cn(start)}起施行。"
    body = content.paragraphs(f"现将《{title}》印发给你们，请认真贯彻执行。", term)
    return site.add_document("gfxwj", title=title, published=published or issued + timedelta(days=5), issued=issued,
                             doc_no=doc_no, genre="通知", validity=validity, valid_until=until, body_html=body,
                             meta=meta, path=f"{GFX}{stem}.html")


def _columns(site, today: date) -> None:
    links = []
    for key, name in BLANK:
        site.add_column(f"plant_{key}", name, f"{GK}{key}/", parent="fdzdgknr")
        links.append((f"{GK}{key}/index.html", name))
    for n, (key, name, folder, age, agency) in enumerate(STALE):
        col = f"plant_{key}"
        site.add_column(col, name, f"{folder}{key}/", parent="fdzdgknr" if folder == GK else "xwzx")
        for k in range(2):
            day = today - timedelta(days=age + 30 * k)
            kwargs = {"doc_no": f"{agency}〔{day.year}〕{50 + n * 2 + k}号"} if agency else {}
            site.add_document(col, title=f"{name}：{content.TOPICS[(n + k) % len(content.TOPICS)]}工作情况（{k + 1}）",
                              published=day, body_html=content.paragraphs(f"{name}栏目信息。"),
                              path=f"{folder}{key}/t{k + 1}.html", **kwargs)
        links.append((f"{folder}{key}/index.html", name))
    links.append((f"{ZFGS}index.html", "执法公示"))
    # a list the CMS fills in the browser: the crawler sees an empty <ul> and a script
    script = ('<ul class="list" id="list-sjgk"></ul>\n<script>/* 列表由 createPageHTML(total, page, "index", "html") '
              '分页脚本在浏览器中生成 */ document.getElementById("list-sjgk");</script>')
    site.add("portal", f"{GK}sjkf/index.html", layout.page("数据开放", f"<h1>数据开放</h1>\n{script}",
             breadcrumbs=[("法定主动公开内容", "/xxgk/fdzdgknr/index.html"), ("数据开放", "")],
             meta=layout.column_meta("数据开放", "数据开放")))
    links.append((f"{GK}sjkf/index.html", "数据开放"))
    lis = "\n".join(f'<li><a href="{href}">{name}</a></li>' for href, name in links)
    site.insert_before("portal", "/xxgk/fdzdgknr/index.html", f'<h2>其他栏目</h2>\n<ul class="more">\n{lis}\n</ul>\n')


def _zfgs(site, today: date) -> None:
    """A legacy hand-written list: dates missing, impossible or in the future."""
    fresh = today - timedelta(days=5)

    def doc(stem: str, title: str, published: str | None, *, table: bool = True, edit=None,
            issued: bool = True, extra: tuple = ()) -> str:
        rows = [("索引号", site.next_index_no(today.year)), ("发文机构", layout.SITE_NAME), ("公开类型", "主动公开")]
        rows += [("印发日期", f"{fresh:%Y-%m-%d}")] if issued else []
        rows += [("发布日期", published)] if published else []
        rows += list(extra)
        body = f"<h1>{title}</h1>\n" + (layout.meta_table(rows) if table else "") + content.paragraphs(f"{title}。")
        page = layout.page(title, body, breadcrumbs=[("执法公示", f"{ZFGS}index.html"), ("正文", "")])
        if edit:
            page = DemoPage(edit(page.body), page.content_type, encoding=page.encoding)
        site.add("portal", f"{ZFGS}{stem}.html", page)
        return f"{ZFGS}{stem}.html"

    items = [
        (doc("fresh", "占道经营整治执法公示", f"{fresh:%Y-%m-%d}"), "占道经营整治执法公示", f"{fresh:%Y-%m-%d}"),
        (doc("meta-only", "建筑垃圾处置执法公示", f"{fresh:%Y-%m-%d}"), "建筑垃圾处置执法公示", ""),
        (doc("undated", "户外广告执法公示", None, table=False), "户外广告执法公示", ""),
        (doc("list-bad-date", "餐饮油烟执法公示", f"{fresh:%Y-%m-%d}"), "餐饮油烟执法公示", "[02-30]"),
        (doc("bad-date", "违法建筑执法公示", f"{today.year}-02-30"), "违法建筑执法公示", f"{fresh:%Y-%m-%d}"),
        (doc("future-date", "共享单车执法公示", f"{today + timedelta(days=100):%Y-%m-%d}"), "共享单车执法公示",
         f"{fresh:%Y-%m-%d}"),
        (doc("footer-icp", "夜间施工执法公示", f"{fresh:%Y-%m-%d}",
             edit=lambda html: html.replace(layout.ICP_NO, "")), "夜间施工执法公示", f"{fresh:%Y-%m-%d}"),
        (doc("meta-domain", "绿化养护执法公示", f"{fresh:%Y-%m-%d}",
             edit=lambda html: html.replace(f'<meta name="SiteDomain" content="{layout.SITE_DOMAIN}">\n', "")),
         "绿化养护执法公示", f"{fresh:%Y-%m-%d}"),
        (doc("meta-code", "市容巡查执法公示", f"{fresh:%Y-%m-%d}",
             edit=lambda html: html.replace(f'<meta name="SiteIDCode" content="{layout.SITE_ID_CODE}">',
                                            '<meta name="SiteIDCode" content="3101990021">')),
         "市容巡查执法公示", f"{fresh:%Y-%m-%d}"),
        # a 法定主动公开 record (no 文号, no 印发日期, 体裁 其他): needs neither (issue 8.1)
        (doc("record-only", "门责制落实情况公示", f"{fresh:%Y-%m-%d}", issued=False,
             extra=(("文号", "无"), ("体裁", "其他"))), "门责制落实情况公示", f"{fresh:%Y-%m-%d}"),
        # a 公文 by its 体裁 (通知) printed with a placeholder for its 文号: a real gap
        (doc("notice-no-docno", "关于开展夜间施工专项检查的通知", f"{fresh:%Y-%m-%d}",
             extra=(("文号", "— —"), ("体裁", "通知"))), "关于开展夜间施工专项检查的通知", f"{fresh:%Y-%m-%d}"),
    ]
    lis = "\n".join(f'<li><a href="{href}">{title}</a>' + (f'<span class="date">{day}</span>' if day else "")
                    + "</li>" for href, title, day in items)
    site.add("portal", f"{ZFGS}index.html", layout.page(
        "执法公示", f'<h1>执法公示</h1>\n<ul class="list">\n{lis}\n</ul>',
        breadcrumbs=[("法定主动公开内容", "/xxgk/fdzdgknr/index.html"), ("执法公示", "")],
        meta=layout.column_meta("执法公示", "执法公示")))


def _documents(site, today: date) -> None:
    y = today.year
    # older than the two newest 规范性文件, which plants_links.py edits
    recent = today - timedelta(days=150)
    _normative(site, today, "validity-missing", "关于印发《浦江区户外招牌设置管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕101号", validity=None)
    _normative(site, today, "validity-expired", "关于印发《浦江区渣土运输管理规定》的通知", date(y - 5, 7, 1),
               doc_no=f"沪浦城管规〔{y - 5}〕101号", years=4)
    _normative(site, today, "validity-term", "关于印发《浦江区共享单车停放管理试行办法》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕102号", years=3)
    _normative(site, today, "correctly-lapsed", "关于印发《浦江区夜市管理规定》的通知", date(y - 7, 5, 6),
               doc_no=f"沪浦城管规〔{y - 7}〕101号", validity="失效")
    _normative(site, today, "docno-ok", "关于印发《浦江区街面秩序管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕103号")
    _normative(site, today, "docno-brackets", "关于印发《浦江区门责管理规定》的通知", recent,
               doc_no=f"沪浦城管规【{recent.year}】104号")
    _normative(site, today, "docno-zero", "关于印发《浦江区景观灯光管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕05号")
    _normative(site, today, "docno-year", "关于印发《浦江区河道保洁管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year - 1}〕106号")
    _normative(site, today, "index-no", "关于印发《浦江区绿地管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕107号", meta={"索引号": f"PJCG-{recent.year}-0042"})
    _normative(site, today, "meta-missing", "关于印发《浦江区工地围挡管理规定》的通知", recent,
               doc_no=f"沪浦城管规〔{recent.year}〕108号", meta={"公开类型": None})
    # signed in late December, numbered in the new year: normal, not a hint
    _normative(site, today, "docno-newyear", "关于印发《浦江区公厕保洁管理规定》的通知", date(y - 1, 12, 29),
               doc_no=f"沪浦城管规〔{y}〕110号")
    late = today - timedelta(days=240)
    _normative(site, today, "late", "关于印发《浦江区道路挖掘管理规定》的通知", late,
               doc_no=f"沪浦城管规〔{late.year}〕109号", published=late + timedelta(days=70))


def _annual_reports(site, today: date) -> None:
    column = site.column("gknb")
    due = today.year - 1 if (today.month, today.day) > (1, 31) else today.year - 2
    for item in list(column.items):
        if f"{due}年政府信息公开工作年度报告" in item.title:  # last year's report taken down
            column.items.remove(item)
            site.remove("portal", item.url)
    old = today.year - 7  # a report year under the revised 条例 (2019 on), so its sections are judged
    body = "\n".join([f"<h2>一、总体情况</h2><p>{old}年，本局推进政务公开工作。</p>",
                      "<h2>二、主动公开政府信息情况</h2><p>见下表。</p>",
                      "<h2>三、收到和处理政府信息公开申请情况</h2><p>本年新收申请8件。</p>",
                      "<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>无。</p>"])
    site.add_document("gknb", title=f"{layout.SITE_NAME}{old}年政府信息公开工作年度报告",
                      published=date(old + 1, 1, 20), body_html=body, genre="报告",
                      path="/xxgk/gknb/plant/incomplete.html")
    # a report of 2012, written under the 2007 条例 in its own layout: history, not a defect
    legacy = "\n".join(["<h2>一、概述</h2><p>2012年，本局认真贯彻《中华人民共和国政府信息公开条例》。</p>",
                        "<h2>二、主动公开政府信息的情况</h2><p>全年主动公开政府信息126条。</p>",
                        "<h2>三、依申请公开政府信息的情况</h2><p>全年受理申请5件。</p>"])
    site.add_document("gknb", title=f"{layout.SITE_NAME}2012年政府信息公开工作年度报告",
                      published=date(2013, 3, 20), body_html=legacy, genre="报告",
                      path="/xxgk/gknb/plant/legacy-2012.html")


def contribute(site, today: date) -> None:
    _columns(site, today)
    _zfgs(site, today)
    _documents(site, today)
    _annual_reports(site, today)


EXPECTED = [
    Expect("column-missing", "/xxgk/gkyd/index.html", "required 政务公开工作要点 column does not exist"),
    *[Expect("column-blank", f"{GK}{key}/index.html", f"blank column {name}") for key, name in BLANK],
    Expect("veto-v4c-blank-columns", "/", "five blank columns"),
    *[Expect("column-stale", f"{folder}{key}/index.html", f"{name}: newest item {age} days old")
      for key, name, folder, age, _ in STALE],
    Expect("veto-v4a-stale-columns", "/", "7 stale news+notice/policy columns"),
    Expect("veto-v4b-long-stale-columns", "/", "10 stale columns"),
    Expect("column-unreadable", f"{GK}sjkf/index.html", "empty list filled by a script: not judged"),
    Expect("item-no-date", f"{ZFGS}undated.html", "no date in the list nor on the page"),
    Expect("date-unreadable", f"{ZFGS}index.html", "list date [02-30]"),
    Expect("date-unreadable", f"{ZFGS}bad-date.html", "发布日期 YYYY-02-30"),
    Expect("date-unreadable", f"{ZFGS}future-date.html", "发布日期 100 days ahead"),
    Expect("doc-validity-missing", f"{GFX}validity-missing.html", "no 有效性 row"),
    Expect("doc-validity-expired", f"{GFX}validity-expired.html", "有效 but 有效期至 passed"),
    Expect("doc-validity-term", f"{GFX}validity-term.html", "试行 for 3 years"),
    Expect("docno-format", f"{GFX}docno-brackets.html", "【YYYY】"),
    Expect("docno-format", f"{GFX}docno-zero.html", "〔YYYY〕05号"),
    Expect("docno-year-hint", f"{GFX}docno-year.html", "文号 a year before 印发日期: a hint, not a format defect"),
    Expect("index-no-format", f"{GFX}index-no.html", "PJCG-YYYY-0042"),
    Expect("doc-meta-missing", f"{GFX}meta-missing.html", "no 公开类型"),
    Expect("doc-meta-missing", f"{ZFGS}notice-no-docno.html", "体裁 通知 (a 公文) with 文号 — —"),
    Expect("disclose-latency", f"{GFX}late.html", "published 70 days after 印发日期"),
    Expect("footer-ids", f"{ZFGS}footer-icp.html", "footer without the ICP number"),
    Expect("meta-tags", f"{ZFGS}meta-domain.html", "no SiteDomain meta tag"),
    Expect("meta-tags", f"{ZFGS}meta-code.html", "SiteIDCode differs from the footer's 网站标识码"),
    Expect("annual-report-missing", "/xxgk/gknb/index.html", "last year's report taken down"),
    Expect("annual-report-sections", "/xxgk/gknb/plant/incomplete.html", "sections 五 and 六 missing"),
]

DECOYS = [
    Decoy("home-stale", "/", "the homepage lists news from the last days"),
    Decoy("zhaocuo-entry", "/", "the homepage links the 找错 platform"),
    Decoy("column-stale", "/xwzx/ywdt/index.html", "a recently updated column"),
    Decoy("*", f"{GFX}correctly-lapsed.html", "expired and correctly marked 失效"),
    Decoy("*", f"{GFX}docno-ok.html", "correct 文号 沪浦城管规〔YYYY〕103号"),
    Decoy("*", f"{ZFGS}meta-only.html", "its only date is in the metadata table"),
    Decoy("*", f"{ZFGS}fresh.html", "a complete, dated record"),
    Decoy("*", f"{ZFGS}record-only.html", "a record needs neither 文号 nor 印发日期"),
    Decoy("*", f"{GFX}docno-newyear.html", "signed YYYY-12-29, numbered 〔YYYY+1〕: normal"),
    Decoy("annual-report-sections", "/xxgk/gknb/plant/legacy-2012.html", "2012 report: before the revised 条例"),
    Decoy("footer-ids", "/", "the shared footer is complete"),
    Decoy("column-missing", "/xxgk/gkzn/index.html", "政府信息公开指南 exists (not a list: static)"),
    Decoy("column-blank", f"{GK}sjkf/index.html", "its list is filled by a script: unverifiable, not blank"),
]
