"""Planted interaction and service defects (and decoys) of the ``shanghai`` family: V5 and V6.

The same plants as the ``trs`` family's plants_interaction.py (pages written by
``xunjian.demo.interaction_plants``) in this family's channels: 咨询建言 (channel_101), 办事指南
(channel_100), and a 网上信访 list linked from the homepage.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.interaction_plants import InteractionPaths, declarations, plant_guides, plant_messages
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
HOME = "/"


def contribute(site, today: date) -> None:
    plant_messages(site, today, "zxjy", PATHS, t.SITE_NAME)
    plant_guides(site, today, "bszn", PATHS, "滨江区")


EXPECTED, DECOYS = declarations(PATHS, HOME, guides_total=11)
