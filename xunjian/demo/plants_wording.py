"""Planted serious wording errors (严重表述错误) and a decoy of the demo portal (trs family).

Rule: checks/content/wording.py (wording-serious-error); pages written by
``xunjian.demo.content_plants.plant_wording`` in the 通知公告 column. The plant also carries the
wrong form of the profile's site entry (config/sites/demo.yaml ``thresholds.wording.site_entries``:
the director's name), the decoy its right form.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.content_plants import WordingPaths, plant_wording, wording_declarations

PATHS = WordingPaths("tzgg", "/xwzx/tzgg/202611/t20261116_9901.html", "/xwzx/tzgg/202611/t20261116_9902.html")


def contribute(site, today: date) -> None:
    plant_wording(site, today, PATHS, extra_wrong="局长李名华", extra_right="局长李明华")


EXPECTED, DECOYS = wording_declarations(PATHS)
