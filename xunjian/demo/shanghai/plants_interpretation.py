"""Planted 政策解读 三同步 defects (and decoys) of the ``shanghai`` family (checks/disclosure/interpretation.py).

The same plants as the ``trs`` family's plants_interpretation.py (pages written by
``xunjian.demo.interpretation_plants``) in this family's channels: 规范性文件 (channel_88) and
政策解读 (channel_91), at 32-hex article paths.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.interpretation_plants import InterpretationPaths, declarations, plant
from xunjian.demo.shanghai.portal import hex32


def _pair(stem: str) -> tuple[str, str]:
    return (f"/channel_88/20250105/{hex32('plant', 'interpretation', stem)}.html",
            f"/channel_91/20250105/{hex32('plant', 'interpretation', stem, 'reading')}.html")


PATHS = InterpretationPaths(late=_pair("late"), missing=_pair("missing")[0], weekend=_pair("weekend"),
                            title_only=_pair("title-only"), reverse=_pair("reverse"), old=_pair("old")[0],
                            lapsed=_pair("lapsed")[0])


def contribute(site, today: date) -> None:
    plant(site, today, PATHS, policies="gfxwj", readings="zcjd", place="滨江区", doc_no_prefix="沪滨城管规")


EXPECTED, DECOYS = declarations(PATHS)
