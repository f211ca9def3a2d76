"""Planted disclosure defects (and decoys) of the ``shanghai`` family.

Rules: checks/disclosure/columns.py, freshness.py, normative.py, docmeta.py, identity.py, annual_report.py.
Relative to ``today`` (paths fixed, so ``EXPECTED``/``DECOYS`` are plain lists):

* columns: the template's 规划计划 channel is taken down (column-missing); three planted channels
  are declared in ``PROFILE_COLUMNS`` (appended to the template-derived profile): 重大建设项目
  with no item (column-blank), 队伍建设 (news, newest 40 days old) and 听证公告 (notice, newest
  250 days old) (column-stale);
* 规范性文件 in the header grid: no 有效性 (doc-validity-missing), 有效 past its 有效期至
  (doc-validity-expired), 文号 with 【】 (docno-format), a 索引号 off the bureau's scheme
  (index-no-format), published 70 days after 印发日期 (disclose-latency); a 通知公告 without
  公开类型 (doc-meta-missing); decoy: a lapsed document correctly marked 失效;
* identity: one notice's footer lost the ICP number (footer-ids), one lost the SiteDomain meta
  tag (meta-tags);
* last year's 政府信息公开工作年度报告 taken down (annual-report-missing).
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo import Decoy, Expect, content
from xunjian.demo.shanghai import templates as t
from xunjian.demo.shanghai.portal import hex32, local

MISSING_COLUMN = "/channel_92/index.html"  # 规划计划 (the template requires it)
BLANK = ("zdxm", "重大建设项目", 103)
STALE = [("dwjs", "队伍建设", 104, "news", 40), ("tzgs", "听证公告", 105, "notice", 250)]
PROFILE_COLUMNS = [
    {"name": BLANK[1], "url": f"/channel_{BLANK[2]}/index.html", "type": "notice"},
    *[{"name": name, "url": f"/channel_{n}/index.html", "type": kind} for _, name, n, kind, _ in STALE],
]


def _doc(kind: str) -> str:
    return f"/channel_88/20250101/{hex32('plant', 'gfxwj', kind)}.html"


VALIDITY_MISSING, VALIDITY_EXPIRED = _doc("validity-missing"), _doc("validity-expired")
LAPSED = _doc("lapsed")
DOCNO_BRACKETS, INDEX_NO, LATE = _doc("docno-brackets"), _doc("index-no"), _doc("late")
META_MISSING = f"/channel_89/20250101/{hex32('plant', 'tzgg', 'meta-missing')}.html"
FOOTER_ICP = f"/channel_89/20250102/{hex32('plant', 'tzgg', 'footer-icp')}.html"
META_DOMAIN = f"/channel_89/20250103/{hex32('plant', 'tzgg', 'meta-domain')}.html"


def _columns(site, today: date) -> None:
    site.remove_column("ghjh")
    key, name, n = BLANK
    site.add_column(key, name, f"/channel_{n}/", parent="fdzdgknr", disclosure=True)
    for key, name, n, _kind, age in STALE:
        site.add_column(key, name, f"/channel_{n}/", parent="fdzdgknr", disclosure=True)
        for i in range(6):
            title, body = content.news(40 + i) if key == "dwjs" else content.notice(30 + i)
            site.add_document(key, title=local(title), published=today - timedelta(days=age + 20 * i),
                              body_html=local(body))


def _normative(site, today: date, path: str, title: str, issued: date, *, validity: str | None = "有效",
               years: int = 5, doc_no: str | None = None, published: date | None = None,
               meta: dict | None = None) -> None:
    until = date(issued.year + years, issued.month, 1) - timedelta(days=1)
    no = doc_no or f"沪滨城管规〔{issued.year}〕{site.counter(('规', issued.year))}号"
    site.add_document("gfxwj", title=title, published=published or issued + timedelta(days=5), issued=issued,
                      doc_no=no, genre="通知", validity=validity, valid_until=until, path=path, meta=meta,
                      body_html=content.paragraphs(f"现将《{title[5:-4]}》印发给你们，请认真贯彻执行。",
                                                   "本规定由局法制处负责解释。"))


def _documents(site, today: date) -> None:
    recent = today - timedelta(days=120)
    _normative(site, today, VALIDITY_MISSING, "关于印发《滨江区户外招牌设置管理规定》的通知", recent, validity=None)
    _normative(site, today, VALIDITY_EXPIRED, "关于印发《滨江区渣土运输管理规定》的通知", date(today.year - 5, 6, 1),
               years=4)
    _normative(site, today, LAPSED, "关于印发《滨江区夜市管理规定》的通知", date(today.year - 7, 5, 6), validity="失效")
    _normative(site, today, DOCNO_BRACKETS, "关于印发《滨江区门责管理规定》的通知", recent,
               doc_no=f"沪滨城管规【{recent.year}】{site.counter(('规', recent.year))}号")
    _normative(site, today, INDEX_NO, "关于印发《滨江区绿地管理规定》的通知", recent,
               meta={"索引号": f"BJCG-{recent.year}-0042"})
    late = today - timedelta(days=200)
    _normative(site, today, LATE, "关于印发《滨江区道路挖掘管理规定》的通知", late, published=late + timedelta(days=70))
    fresh = today - timedelta(days=20)
    for path, topic, meta in ((META_MISSING, "夜间施工", {"公开类型": None}), (FOOTER_ICP, "工地扬尘", None),
                              (META_DOMAIN, "店招店牌", None)):
        no = f"沪滨城管办〔{fresh.year}〕{site.counter(('办', fresh.year))}号"
        site.add_document("tzgg", title=f"关于加强{topic}管理的通知", published=fresh,
                          issued=fresh - timedelta(days=2), doc_no=no, path=path, meta=meta,
                          body_html=content.paragraphs(f"为加强{topic}管理，现将有关事项通知如下。", "特此通知。"))
    site.replace("portal", FOOTER_ICP, f'<a href="{{{{EXTERNAL}}}}/beian/index.html">{t.ICP_NO}</a>', "")
    site.replace("portal", META_DOMAIN, f'<meta name="SiteDomain" content="{t.SITE_DOMAIN}">\n', "")


def _annual_report(site, today: date) -> None:
    due = today.year - 1 if (today.month, today.day) > (1, 31) else today.year - 2
    column = site.column("gknb")
    for item in list(column.items):
        if f"{due}年政府信息公开工作年度报告" in item.title:
            column.items.remove(item)
            site.remove("portal", item.url)


def contribute(site, today: date) -> None:
    _columns(site, today)
    _documents(site, today)
    _annual_report(site, today)


EXPECTED = [
    Expect("column-missing", MISSING_COLUMN, "规划计划 channel taken down"),
    Expect("column-blank", f"/channel_{BLANK[2]}/index.html", "重大建设项目 lists no item"),
    *[Expect("column-stale", f"/channel_{n}/index.html", f"{name}: newest item {age} days old")
      for _, name, n, _, age in STALE],
    Expect("doc-validity-missing", VALIDITY_MISSING, "no 有效性 cell in the grid"),
    Expect("doc-validity-expired", VALIDITY_EXPIRED, "有效 but 有效期至 passed"),
    Expect("docno-format", DOCNO_BRACKETS, "【YYYY】 brackets"),
    Expect("index-no-format", INDEX_NO, "BJCG-YYYY-0042"),
    Expect("disclose-latency", LATE, "published 70 days after 印发日期"),
    Expect("doc-meta-missing", META_MISSING, "no 公开类型 cell"),
    Expect("footer-ids", FOOTER_ICP, "footer without the ICP number"),
    Expect("meta-tags", META_DOMAIN, "no SiteDomain meta tag"),
    Expect("annual-report-missing", "/channel_84/index.html", "last year's report taken down"),
]

DECOYS = [
    Decoy("*", LAPSED, "expired and correctly marked 失效"),
    Decoy("column-stale", "/channel_87/index.html", "工作动态 updated in the last days"),
    Decoy("column-blank", "/channel_89/index.html", "通知公告 has items on two pages"),
    Decoy("footer-ids", "/", "the shared footer is complete"),
    Decoy("home-stale", "/", "the homepage lists news from the last days"),
    Decoy("zhaocuo-entry", "/", "the homepage links the 找错 platform"),
]

