"""Plant helpers shared by the families' ``plants_interaction.py`` modules (V5, V6; checks/interaction/interaction.py,
checks/interaction/services.py). Each family module fixes the paths and declares ``EXPECTED``/``DECOYS``; this
module writes the pages in the family's own markup (``site.add_document``, ``site.page``).

Messages (relative to ``today``): one asked 200 days ago and answered 160 days later (late), one
asked 120 days ago still 未回复 (unanswered), and the decoys: one asked 30 days ago still 未回复
(younger than 3 months) and a 网上信访 list whose old unanswered messages do not count (excluded
type). Guides: three 办事指南 each lacking two key elements (enough to pass
``services.veto_incomplete_share`` next to the family's complete ones), and a decoy guide that only
links into the stand-in 一网通办 (left unjudged: the crawl does not store off-site pages).

Service statistics (D2, checks/service_stats.py): a 办件统计数据 page last dated 130 days ago
(stale: > ``services.stats_window_days``, 92) and the decoy, a quarterly 办事统计 page dated 80
days ago (within 3 months although older than 2), both linked from the family's 办事服务 entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from xunjian.demo import Decoy, Expect, content


@dataclass(frozen=True)
class InteractionPaths:
    late: str
    unanswered: str
    young: str
    petition: str                 # the 网上信访 list page (a static page)
    petition_link_from: str       # the page that links to it
    petition_link_marker: str     # the link is inserted before this text of that page
    incomplete: tuple[str, str, str]
    link_only: str


def _message(question: str, asked: date, replied: date | None, unit: str) -> str:
    reply = [f"答复单位：{unit}", f"答复时间：{replied:%Y-%m-%d}", "答复内容：您好！已转执法中队核查处理。"] \
        if replied else ["状态：未回复"]
    return content.paragraphs(f"留言时间：{asked:%Y-%m-%d}", f"留言内容：{question}", *reply)


def plant_messages(site, today: date, column: str, paths: InteractionPaths, unit: str) -> None:
    asked, replied = today - timedelta(days=200), today - timedelta(days=40)
    site.add_document(column, title="沿街商铺跨门经营何时整治？", published=replied, path=paths.late,
                      body_html=_message("沿街商铺跨门经营影响通行，何时整治？", asked, replied, unit))
    asked = today - timedelta(days=120)
    site.add_document(column, title="公园门口夜间摆摊噪音扰民", published=asked, path=paths.unanswered,
                      body_html=_message("公园门口夜间摆摊噪音扰民，请予处理。", asked, None, unit))
    asked = today - timedelta(days=30)
    site.add_document(column, title="小区垃圾箱房设置位置咨询", published=asked, path=paths.young,
                      body_html=_message("小区垃圾箱房能否挪到远离住宅楼的位置？", asked, None, unit))
    blocks = "\n".join(
        f'<li><span class="t">{title}</span> 留言时间：{today - timedelta(days=age):%Y-%m-%d} 状态：未回复</li>'
        for title, age in (("反映执法人员执法态度问题", 150), ("对行政处罚决定有异议", 210)))
    site.add("portal", paths.petition,
             site.page("网上信访", f'<h1>网上信访</h1>\n<ul class="xf-list">\n{blocks}\n</ul>'))
    site.insert_before("portal", paths.petition_link_from, f'<p><a href="{paths.petition}">网上信访</a></p>\n',
                       marker=paths.petition_link_marker)


def plant_guides(site, today: date, column: str, paths: InteractionPaths, place: str) -> None:
    drops = (("办理地点", "办理时间"), ("设定依据", "办理流程"), ("办理材料", "联系电话"))
    for n, (path, missing) in enumerate(zip(paths.incomplete, drops)):
        name, _code, body = content.guide(n + 3)
        for element in missing:  # drop the element's heading and its paragraph or list
            head = body.index(f"<h2>{element}</h2>")
            end = body.find("<h2>", head + 1)
            body = body[:head] + (body[end:] if end != -1 else "")
        site.add_document(column, title=f"{name}（补充）办事指南", published=today - timedelta(days=70 + 10 * n),
                          path=path, body_html=body.replace("浦江区", place))
    site.add_document(column, title="城管执法证明开具办事指南", published=today - timedelta(days=95),
                      path=paths.link_only, body_html=content.paragraphs(
                          '本事项已接入一网通办，请<a href="{{EXTERNAL}}/zwdt/item?code=310199001000">进入一网通办在线办理</a>，'
                          "查看完整办事指南。"))


@dataclass(frozen=True)
class StatsPaths:
    stale: str
    fresh: str
    link_from: str      # the page linking both (the 办事服务 entry)
    link_marker: str    # the links are inserted before this text of that page


def plant_service_stats(site, today: date, paths: StatsPaths) -> None:
    for path, link, age, quarter in ((paths.stale, "办件统计数据", 130, "第二季度"),
                                     (paths.fresh, "办事统计（季度）", 80, "第三季度")):
        day = today - timedelta(days=age)
        rows = "".join(f"<tr><td>{name}</td><td>{count}</td></tr>"
                       for name, count in (("受理件数", 1200 + age), ("办结件数", 1180 + age), ("按时办结率", "100%")))
        body = (f"<h1>{day.year}年{quarter}办件统计</h1>\n<p>发布日期：{day:%Y-%m-%d}</p>\n"
                f"<table><tr><th>项目</th><th>数量</th></tr>{rows}</table>")
        site.add("portal", path, site.page(link, body))
    site.insert_before("portal", paths.link_from,
                       f'<p><a href="{paths.stale}">办件统计数据</a> <a href="{paths.fresh}">办事统计（季度）</a></p>\n',
                       marker=paths.link_marker)


def stats_declarations(paths: StatsPaths) -> tuple[list[Expect], list[Decoy]]:
    return ([Expect("service-stats-stale", paths.stale, "办件统计数据 last dated 130 days ago (> 3 months)")],
            [Decoy("service-stats-stale", paths.fresh, "quarterly 办事统计 dated 80 days ago (< 3 months)")])


def declarations(paths: InteractionPaths, home: str, guides_total: int) -> tuple[list[Expect], list[Decoy]]:
    """The ``EXPECTED``/``DECOYS`` of a family's interaction plants: the same cases in every family,
    at that family's paths (``guides_total``: its 办事指南 count, complete ones included)."""
    expected = [
        Expect("veto-v5b-unanswered", paths.late, "咨询 answered 160 days after it was asked"),
        Expect("veto-v5b-unanswered", paths.unanswered, "咨询 asked 120 days ago, still 未回复"),
        *[Expect("service-guide-incomplete", path, "办事指南 lacking two key elements")
          for path in paths.incomplete],
        Expect("veto-v6b-guides-incomplete", home,
               f"{len(paths.incomplete)} of {guides_total} 办事指南 incomplete (share ≥ 25 %)"),
    ]
    decoys = [
        Decoy("veto-v5b-unanswered", paths.young, "unanswered but asked 30 days ago (< 3 months)"),
        Decoy("veto-v5b-unanswered", paths.petition,
              "old unanswered messages of a 网上信访 list (excluded type)"),
        Decoy("service-guide-incomplete", paths.link_only, "guide that only links into 一网通办 (阅办联动)"),
        Decoy("veto-v5a-no-channel", home, "the portal has 咨询建言"),
        Decoy("veto-v6a-no-service", home, "the portal has 办事服务"),
        Decoy("reply-not-updated", home, "replies published within 2 months"),
    ]
    return expected, decoys
