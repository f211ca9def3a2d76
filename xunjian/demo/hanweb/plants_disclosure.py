"""Planted disclosure defects (and decoys) of the ``hanweb`` family, in its markup: columns whose
lists are data islands, documents whose metadata is a ``table.xxgk_table`` (政策文件, 规范性文件)
or a ``<dl>`` grid (other 信息公开 columns), labels as Hanweb prints them (发布机构, 成文日期,
发文字号, padded with NBSP/U+3000).

  /col/col4811/index.html   declared 政务公开工作要点, required, not on the site  -> column-missing
  /col/col4812/index.html   专项规划: the island holds no record                 -> column-blank
  /col/col4704/index.html   执法风采 (news): newest record 80 days old            -> column-stale
  规范性文件 (table)        no 有效性 row, no term in the text -> doc-validity-missing
                            有效 although 有效期至 has passed                    -> doc-validity-expired
                            文号 with 【】 brackets                               -> docno-format
                            no 成文日期 row                                      -> doc-meta-missing
                            索引号 not of the site's form                         -> index-no-format
  /col/col4994/index.html   an old 专题 template whose footer script
                            /script/0/1235.js writes no ICP number              -> footer-ids
Decoys: a 规范性文件 correctly marked 失效 after its term; a 人事信息 record in the <dl> grid
(发文机关, 发文字号 无); the homepage (fresh island blocks); 工作动态 (fresh).
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo import Decoy, DemoPage, Expect
from xunjian.demo.hanweb import content, layout, portal

GFX = "/art/2026/{m}/{d}/art_4806_{n}.html"
VALIDITY_MISSING = GFX.format(m=6, d=3, n=2306911)
VALIDITY_EXPIRED = GFX.format(m=5, d=12, n=2306912)
DOCNO_BRACKETS = GFX.format(m=4, d=21, n=2306913)
META_MISSING = GFX.format(m=3, d=30, n=2306914)
INDEX_NO = GFX.format(m=3, d=9, n=2306915)
LAPSED = GFX.format(m=2, d=16, n=2306916)
RSXX_GRID = "/art/2026/8/11/art_4808_2308911.html"
OLD_TOPIC = "/col/col4994/index.html"
OLD_FOOTER = "/script/0/1235.js"


def _normative(site, today: date, path: str, n: int, *, age: int, term_years: int = 5,
               validity: str | None = "有效",
               doc_no: str | None = None, meta: dict[str, str | None] | None = None) -> None:
    issued = today - timedelta(days=age)
    until = date(issued.year + term_years, issued.month, 1) - timedelta(days=1)
    title, body = content.normative(n, issued, until)
    if validity is None:  # nothing on the page states a term: neither the grid nor the text
        body = body.replace(f"，有效期至{content.cn_date(until)}", "")
    site.add_document("gfxwj", title=title.replace("规定》", f"规定（{n}）》"), published=issued + timedelta(days=4),
                      issued=issued, path=path, validity=validity, valid_until=until if validity else None,
                      doc_no=doc_no or f"临城管规〔{issued.year}〕{site.counter(('规', issued.year))}号",
                      body_html=body, meta=meta)


def contribute(site, today: date) -> None:
    site.add_column("zxgh", "专项规划", "/col/col4812/", parent="fdzdgknr", disclosure=True)
    site.add_column("zffc", "执法风采", "/col/col4704/", parent="xwzx")
    for i in range(6):
        title, body = content.grassroots(40 + i)
        site.add_document("zffc", title=title, published=today - timedelta(days=80 + 15 * i), body_html=body)
    _normative(site, today, VALIDITY_MISSING, 11, age=170, validity=None)
    _normative(site, today, VALIDITY_EXPIRED, 12, age=3 * 365 + 200, term_years=3)
    _normative(site, today, DOCNO_BRACKETS, 13, age=210, doc_no=f"临城管规【{today.year}】7号")
    _normative(site, today, META_MISSING, 14, age=240, meta={"印发日期": None})
    _normative(site, today, INDEX_NO, 15, age=260, meta={"索引号": f"LJCG-{today.year}-0042"})
    _normative(site, today, LAPSED, 16, age=3 * 365 + 230, term_years=3, validity="失效")
    icp = f'<a href="{{{{EXTERNAL}}}}/beian/index.html">{layout.ICP_NO}</a>'
    footer = layout.footer_script().replace(icp, "")
    assert footer != layout.footer_script(), "the footer script no longer prints the ICP link removed here"
    site.add("portal", OLD_FOOTER, DemoPage(footer, "application/javascript; charset=GBK",
                                            encoding=layout.ENCODING))
    topic = portal.page(site, "创建文明城市专题", "<h1>创建文明城市专题</h1>\n<p>本专题已于去年归档。</p>",
                        breadcrumbs=[("创建文明城市专题", "")])
    topic.body = topic.body.replace(f'src="{layout.FOOTER_SCRIPT}"', f'src="{OLD_FOOTER}"')
    site.add("portal", OLD_TOPIC, topic)
    site.insert_before("portal", "/index.html", f'<p><a href="{OLD_TOPIC}">创建文明城市专题</a></p>\n',
                       marker=layout.END_MAIN)
    day = today - timedelta(days=100)
    site.add_document("rsxx", title=f"临江市城市管理局{day.year}年度公务员考核结果公示", published=day, path=RSXX_GRID,
                      body_html=content.paragraphs("现将年度考核结果予以公示，公示期5个工作日。"))


EXPECTED = [
    Expect("column-missing", "/col/col4811/index.html", "required 政务公开工作要点 column does not exist"),
    Expect("column-blank", "/col/col4812/index.html", "专项规划: data island without a record"),
    Expect("column-stale", "/col/col4704/index.html", "执法风采 (news): newest record 80 days old"),
    Expect("doc-validity-missing", VALIDITY_MISSING, "xxgk_table without 有效性"),
    Expect("doc-validity-expired", VALIDITY_EXPIRED, "有效 although 有效期至 passed"),
    Expect("docno-format", DOCNO_BRACKETS, "临城管规【YYYY】7号"),
    Expect("doc-meta-missing", META_MISSING, "a 规范性文件 without 成文日期"),
    Expect("index-no-format", INDEX_NO, "LJCG-YYYY-0042"),
    Expect("footer-ids", OLD_TOPIC, "its footer script writes no ICP number"),
]

DECOYS = [
    Decoy("*", LAPSED, "past its term and correctly marked 失效"),
    Decoy("*", RSXX_GRID, "a complete record in the <dl> grid (发文机关, 发文字号 无)"),
    Decoy("footer-ids", "/index.html", "the footer written by /script/0/1234.js is complete"),
    Decoy("footer-scripted", "/index.html", "the footer script's text is kept and read"),
    Decoy("home-stale", "/index.html", "the homepage's island blocks list news of the last days"),
    Decoy("column-stale", "/col/col4701/index.html", "工作动态 is updated every other day"),
    Decoy("column-blank", "/col/col4702/index.html", "通知公告: records in the island"),
]
