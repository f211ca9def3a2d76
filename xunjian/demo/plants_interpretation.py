"""Planted 政策解读 三同步 defects (and decoys) of the ``trs`` family (checks/disclosure/interpretation.py).

The pages are written by ``xunjian.demo.interpretation_plants`` (see there for the dates): in 规范性文件
a policy whose 解读 came 10 working days late and one without any 解读; decoys a 解读 over a weekend
(3 working days), one found by its title only, one the policy links to, an old and a repealed policy.
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo.interpretation_plants import InterpretationPaths, add_reading, declarations, plant


def _pair(stem: str) -> tuple[str, str]:
    return f"/xxgk/gfxwj/plant/interp-{stem}.html", f"/xxgk/zcjd/plant/interp-{stem}.html"


PATHS = InterpretationPaths(late=_pair("late"), missing=_pair("missing")[0], weekend=_pair("weekend"),
                            title_only=_pair("title-only"), reverse=_pair("reverse"), old=_pair("old")[0],
                            lapsed=_pair("lapsed")[0])


def contribute(site, today: date) -> None:
    plant(site, today, PATHS, policies="gfxwj", readings="zcjd", place="浦江区", doc_no_prefix="沪浦城管规")
    # the 规范性文件 plants_disclosure.py declares faultless (Decoy "*") get their 解读 the same day,
    # found by title: a faultless 规范性文件 of the last year has one
    for stem, title, published in _disclosure_decoys(today):
        add_reading(site, "zcjd", f"/xxgk/zcjd/plant/interp-{stem}.html", f"关于《{title}》的解读", published)


def _disclosure_decoys(today: date) -> list[tuple[str, str, date]]:
    """(stem, book title, 解读 date) of plants_disclosure.py's faultless 规范性文件."""
    recent = today - timedelta(days=150)
    return [("docno-ok", "浦江区街面秩序管理规定", recent + timedelta(days=5)),
            ("docno-newyear", "浦江区公厕保洁管理规定", date(today.year - 1, 12, 29) + timedelta(days=5))]


EXPECTED, DECOYS = declarations(PATHS)
