"""Planted interaction and service defects (and decoys) of the ``shanghai`` family: V5 and V6.

The same plants as the ``trs`` family's plants_interaction.py (pages written by
``xunjian.demo.interaction_plants``) in this family's channels: 咨询建言 (channel_101), 办事指南
(channel_100), and a 网上信访 list linked from the homepage.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.interaction_plants import (InteractionPaths, StatsPaths, declarations, plant_guides,
                                             plant_messages, plant_service_stats, stats_declarations)
from xunjian.demo.shanghai import templates as t
from xunjian.demo.shanghai.portal import hex32


def _doc(channel: int, kind: str) -> str:
    return f"/channel_{channel}/20250105/{hex32('plant', 'interaction', kind)}.html"


PATHS = InteractionPaths(
    late=_doc(101, "late"), unanswered=_doc(101, "unanswered"), young=_doc(101, "young"),
    petition="/channel_199/index.html", petition_link_from="/",
    petition_link_marker='<div class="home-block" id="block-tzgg">',
    incomplete=(_doc(100, "incomplete-1"), _doc(100, "incomplete-2"), _doc(100, "incomplete-3")),
    link_only=_doc(100, "link-only"))
STATS = StatsPaths(stale=_doc(100, "stats-stale"), fresh=_doc(100, "stats-fresh"), link_from="/",
                    link_marker='<a href="/channel_101/index.html">咨询建言</a>')
HOME = "/"


def contribute(site, today: date) -> None:
    plant_messages(site, today, "zxjy", PATHS, t.SITE_NAME)
    plant_guides(site, today, "bszn", PATHS, "滨江区")
    plant_service_stats(site, today, STATS)


_STATS_EXPECTED, _STATS_DECOYS = stats_declarations(STATS)
EXPECTED, DECOYS = declarations(PATHS, HOME, guides_total=11)
EXPECTED += _STATS_EXPECTED
DECOYS += _STATS_DECOYS
