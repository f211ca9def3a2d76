"""Planted 政策解读 三同步 defects (and decoys) of the ``hanweb`` family (checks/disclosure/interpretation.py).

The same plants as the ``trs`` family's plants_interpretation.py (pages written by
``xunjian.demo.interpretation_plants``) in this family's columns: 规范性文件 (col4806) and 政策解读
(col4813), at Hanweb article paths.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.interpretation_plants import InterpretationPaths, declarations, plant

_STEMS = ["late", "missing", "weekend", "title-only", "reverse", "old", "lapsed"]


def _pair(stem: str) -> tuple[str, str]:
    n = 2306951 + _STEMS.index(stem)
    return f"/art/2025/1/5/art_4806_{n}.html", f"/art/2025/1/5/art_4813_{n + 100}.html"


PATHS = InterpretationPaths(late=_pair("late"), missing=_pair("missing")[0], weekend=_pair("weekend"),
                            title_only=_pair("title-only"), reverse=_pair("reverse"), old=_pair("old")[0],
                            lapsed=_pair("lapsed")[0])


def contribute(site, today: date) -> None:
    plant(site, today, PATHS, policies="gfxwj", readings="zcjd", place="临江市", doc_no_prefix="临城管规")


EXPECTED, DECOYS = declarations(PATHS)
