"""Plant helpers shared by the families' ``plants_interpretation.py`` modules: 政策解读 三同步
(checks/disclosure/interpretation.py). Each family module fixes the paths (``InterpretationPaths``) and the
文号 prefix; this module writes the 规范性文件 and their 解读 in the family's own markup
(``site.add_document``) and declares the rows.

Dates are relative to ``today`` and fall on chosen weekdays so the working-day count is exact:

* ``late``: a 规范性文件 published on a Monday, its 解读 (linking to it) 14 days later: 10 working
  days > ``interpretation.window_working_days`` (3)  -> ``policy-interpretation-late``;
* ``missing``: a 规范性文件 with no 解读 anywhere                  -> ``policy-interpretation-missing``;

decoys (no finding):

* ``weekend``: published on a Friday, its 解读 the next Wednesday: 5 calendar days but 3 working days;
* ``title_only``: a 解读 titled 关于《…》的解读 that does not link to its policy (title match);
* ``reverse``: the policy links to its 解读 (图说新规…解读), whose title names nothing;
* ``old``: a 规范性文件 older than ``interpretation.lookback_days`` without any 解读;
* ``lapsed``: a 规范性文件 of this year already marked 失效 (repealed), without 解读.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from xunjian.demo import Decoy, Expect, content


@dataclass(frozen=True)
class InterpretationPaths:
    late: tuple[str, str]          # (policy, interpretation)
    missing: str
    weekend: tuple[str, str]
    title_only: tuple[str, str]
    reverse: tuple[str, str]
    old: str
    lapsed: str


def _weekday_before(day: date, weekday: int) -> date:
    """The last ``weekday`` (0 = Monday) on or before ``day``."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def plant(site, today: date, paths: InterpretationPaths, *, policies: str, readings: str, place: str,
          doc_no_prefix: str) -> None:
    """``policies``/``readings``: the column keys of the 规范性文件 and of the 政策解读."""
    serial = iter(range(201, 300))

    def policy(path: str, subject: str, published: date, *, validity: str = "有效", extra: str = "") -> str:
        issued = published - timedelta(days=3)
        start = issued + timedelta(days=30)
        title = f"关于印发《{place}{subject}管理规定》的通知"
        body = content.paragraphs(f"现将《{place}{subject}管理规定》印发给你们，请认真贯彻执行。",
                                  f"本规定自{start:%Y年%m月%d日}起施行。") + extra
        site.add_document(policies, title=title, published=published, issued=issued, path=path,
                          doc_no=f"{doc_no_prefix}〔{issued.year}〕{next(serial)}号", genre="通知",
                          validity=validity, valid_until=date(start.year + 5, start.month, 1) - timedelta(days=1),
                          body_html=body)
        return title

    def reading(path: str, title: str, published: date, link: tuple[str, str] | None) -> None:
        add_reading(site, readings, path, title, published, link)

    day = _weekday_before(today - timedelta(days=100), 0)
    title = policy(paths.late[0], "夜间施工噪声", day)
    reading(paths.late[1], f"《{place}夜间施工噪声管理规定》政策解读", day + timedelta(days=14), (paths.late[0], title))
    policy(paths.missing, "桥下空间", _weekday_before(today - timedelta(days=80), 2))
    day = _weekday_before(today - timedelta(days=60), 4)
    title = policy(paths.weekend[0], "沿街晾晒", day)
    reading(paths.weekend[1], f"《{place}沿街晾晒管理规定》政策解读", day + timedelta(days=5),
            (paths.weekend[0], title))
    day = _weekday_before(today - timedelta(days=120), 1)
    policy(paths.title_only[0], "户外电子屏", day)
    reading(paths.title_only[1], f"关于《{place}户外电子屏管理规定》的解读", day, None)
    day = _weekday_before(today - timedelta(days=140), 3)
    policy(paths.reverse[0], "废弃车辆", day, extra=content.paragraphs(
        f'政策解读：<a href="{paths.reverse[1]}">图说新规：废弃车辆怎么处置</a>'))
    reading(paths.reverse[1], "图说新规：废弃车辆处置要点解读", day + timedelta(days=1), None)
    policy(paths.old, "老旧招牌", _weekday_before(today - timedelta(days=500), 2))
    policy(paths.lapsed, "临时集市", _weekday_before(today - timedelta(days=200), 2), validity="废止")


def add_reading(site, column: str, path: str, title: str, published: date,
                link: tuple[str, str] | None = None) -> None:
    """A 政策解读 page; ``link`` = (policy path, policy title) prints 原文：<a>…</a>."""
    body = content.paragraphs("一、制定背景：落实上级部署，规范城市管理执法行为。",
                              "二、主要内容：明确适用范围、管理要求和监督措施。")
    if link:
        body += content.paragraphs(f'原文：<a href="{link[0]}">{link[1]}</a>')
    site.add_document(column, title=title, published=published, body_html=body, path=path)


def declarations(paths: InterpretationPaths) -> tuple[list[Expect], list[Decoy]]:
    expected = [
        Expect("policy-interpretation-late", paths.late[0], "解读 published 10 working days after the 规范性文件"),
        Expect("policy-interpretation-missing", paths.missing, "规范性文件 without any 解读"),
    ]
    decoys = [
        Decoy("*", paths.weekend[0], "解读 5 calendar days later over a weekend: 3 working days"),
        Decoy("*", paths.title_only[0], "解读 found by its title 关于《…》的解读 (no link)"),
        Decoy("*", paths.reverse[0], "the policy links to its 解读, whose title names nothing"),
        Decoy("policy-interpretation-missing", paths.old, "older than interpretation.lookback_days"),
        Decoy("policy-interpretation-missing", paths.lapsed, "already 废止: no 解读 needed any more"),
        *[Decoy("policy-interpretation-missing", p[1], "a 解读 is no policy")
          for p in (paths.late, paths.weekend, paths.title_only, paths.reverse)],
    ]
    return expected, decoys
