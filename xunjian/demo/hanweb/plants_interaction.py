"""Planted interaction and service defects (and decoys) of the ``hanweb`` family: V5 and V6.

The same plants as the ``trs`` family's plants_interaction.py (pages written by
``xunjian.demo.interaction_plants``) in this family's columns: 咨询回复 (col4901), 办事指南
(col4950, four complete guides in the clean portal), and a 网上信访 list linked from 互动交流.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.hanweb import layout
from xunjian.demo.interaction_plants import (InteractionPaths, StatsPaths, declarations, plant_guides,
                                             plant_messages, plant_service_stats, stats_declarations)

PATHS = InteractionPaths(
    late="/art/2025/1/5/art_4901_901.html", unanswered="/art/2025/1/5/art_4901_902.html",
    young="/art/2025/1/5/art_4901_903.html", petition="/col/col4902/index.html",
    petition_link_from="/col/col4900/index.html", petition_link_marker=layout.END_MAIN,
    incomplete=("/art/2025/1/5/art_4950_911.html", "/art/2025/1/5/art_4950_912.html",
                "/art/2025/1/5/art_4950_913.html"),
    link_only="/art/2025/1/5/art_4950_914.html")
STATS = StatsPaths(stale="/art/2026/7/15/art_4950_951.html", fresh="/art/2026/9/3/art_4950_952.html",
                    link_from="/index.html", link_marker='<div class="bt-hot">')
HOME = "/index.html"


def contribute(site, today: date) -> None:
    plant_messages(site, today, "zxjy", PATHS, layout.SITE_NAME)
    plant_guides(site, today, "bszn", PATHS, "临江市")
    plant_service_stats(site, today, STATS)


_STATS_EXPECTED, _STATS_DECOYS = stats_declarations(STATS)
EXPECTED, DECOYS = declarations(PATHS, HOME, guides_total=7)
EXPECTED += _STATS_EXPECTED
DECOYS += _STATS_DECOYS
