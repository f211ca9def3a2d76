"""Planted interaction and service defects (and decoys) of the ``hanweb`` family: V5 and V6.

The same plants as the ``trs`` family's plants_interaction.py (pages written by
``xunjian.demo.interaction_plants``) in this family's columns: 咨询回复 (col4901), 办事指南
(col4950, four complete guides in the clean portal), and a 网上信访 list linked from 互动交流.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy, Expect
from xunjian.demo.hanweb import layout
from xunjian.demo.interaction_plants import InteractionPaths, plant_guides, plant_messages

PATHS = InteractionPaths(
    late="/art/2025/1/5/art_4901_901.html", unanswered="/art/2025/1/5/art_4901_902.html",
    young="/art/2025/1/5/art_4901_903.html", petition="/col/col4902/index.html",
    petition_link_from="/col/col4900/index.html", petition_link_marker=layout.END_MAIN,
    incomplete=("/art/2025/1/5/art_4950_911.html", "/art/2025/1/5/art_4950_912.html",
                "/art/2025/1/5/art_4950_913.html"),
    link_only="/art/2025/1/5/art_4950_914.html")
HOME = "/index.html"


def contribute(site, today: date) -> None:
    plant_messages(site, today, "zxjy", PATHS, layout.SITE_NAME)
    plant_guides(site, today, "bszn", PATHS, "临江市")


EXPECTED = [
    Expect("veto-v5b-unanswered", PATHS.late, "咨询 answered 160 days after it was asked"),
    Expect("veto-v5b-unanswered", PATHS.unanswered, "咨询 asked 120 days ago, still 未回复"),
    *[Expect("service-guide-incomplete", path, "办事指南 lacking two key elements") for path in PATHS.incomplete],
    Expect("veto-v6b-guides-incomplete", HOME, "3 of 7 办事指南 incomplete (share ≥ 25 %)"),
]
DECOYS = [
    Decoy("veto-v5b-unanswered", PATHS.young, "unanswered but asked 30 days ago (< 3 months)"),
    Decoy("veto-v5b-unanswered", PATHS.petition, "old unanswered messages of a 网上信访 list (excluded type)"),
    Decoy("service-guide-incomplete", PATHS.link_only, "guide that only links into 一网通办 (阅办联动)"),
    Decoy("veto-v5a-no-channel", HOME, "the portal has 咨询建言"),
    Decoy("veto-v6a-no-service", HOME, "the portal has 办事服务"),
    Decoy("reply-not-updated", HOME, "replies published within 2 months"),
]
