"""Planted interaction and service defects (and decoys) of the ``shanghai`` family: V5 and V6.

The same plants as the ``trs`` family's plants_interaction.py (pages written by
``xunjian.demo.interaction_plants``) in this family's channels: 咨询建言 (channel_101), 办事指南
(channel_100), and a 网上信访 list linked from the homepage.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy, Expect
from xunjian.demo.interaction_plants import InteractionPaths, plant_guides, plant_messages
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


EXPECTED = [
    Expect("veto-v5b-unanswered", PATHS.late, "咨询 answered 160 days after it was asked"),
    Expect("veto-v5b-unanswered", PATHS.unanswered, "咨询 asked 120 days ago, still 未回复"),
    *[Expect("service-guide-incomplete", path, "办事指南 lacking two key elements") for path in PATHS.incomplete],
    Expect("veto-v6b-guides-incomplete", HOME, "3 of 11 办事指南 incomplete (share ≥ 25 %)"),
]
DECOYS = [
    Decoy("veto-v5b-unanswered", PATHS.young, "unanswered but asked 30 days ago (< 3 months)"),
    Decoy("veto-v5b-unanswered", PATHS.petition, "old unanswered messages of a 网上信访 list (excluded type)"),
    Decoy("service-guide-incomplete", PATHS.link_only, "guide that only links into 一网通办 (阅办联动)"),
    Decoy("veto-v5a-no-channel", HOME, "the portal has 咨询建言"),
    Decoy("veto-v6a-no-service", HOME, "the portal has 办事服务"),
    Decoy("reply-not-updated", HOME, "replies published within 2 months"),
]
