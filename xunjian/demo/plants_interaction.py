"""Planted interaction and service defects (and decoys) of the ``trs`` family: V5 and V6.

Rules: checks/interaction/interaction.py (veto-v5b-unanswered, reply-not-updated, veto-v5a-no-channel) and
checks/interaction/services.py (service-guide-incomplete, veto-v6b-guides-incomplete, veto-v6a-no-service).
The pages are written by ``xunjian.demo.interaction_plants`` (see there for the dates): in 咨询建言
a late-answered and an unanswered message (V5 b) next to a young unanswered one (decoy); a
网上信访 list linked from 互动交流 whose old unanswered messages do not count (decoy); in 办事指南
three incomplete guides (3 of 11: V6 b) and one that only links into 一网通办 (decoy, unjudged).
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.interaction_plants import (InteractionPaths, StatsPaths, declarations, plant_guides,
                                             plant_messages, plant_service_stats, stats_declarations)

PATHS = InteractionPaths(
    late="/hdjl/zxjy/202501/t20250105_901.html", unanswered="/hdjl/zxjy/202501/t20250105_902.html",
    young="/hdjl/zxjy/202501/t20250105_903.html", petition="/hdjl/wsxf/index.html",
    petition_link_from="/hdjl/index.html", petition_link_marker="</main>",
    incomplete=("/bsfw/bszn/202501/t20250105_911.html", "/bsfw/bszn/202501/t20250105_912.html",
                "/bsfw/bszn/202501/t20250105_913.html"),
    link_only="/bsfw/bszn/202501/t20250105_914.html")
STATS = StatsPaths(stale="/bsfw/tjsj/202607/t20260715_1.html", fresh="/bsfw/tjsj/202609/t20260903_2.html",
                    link_from="/bsfw/index.html", link_marker="</main>")
HOME = "/"


def contribute(site, today: date) -> None:
    plant_messages(site, today, "zxjy", PATHS, "上海市浦江区城市管理行政执法局")
    plant_guides(site, today, "bszn", PATHS, "浦江区")
    plant_service_stats(site, today, STATS)


_STATS_EXPECTED, _STATS_DECOYS = stats_declarations(STATS)
EXPECTED, DECOYS = declarations(PATHS, HOME, guides_total=11)
EXPECTED += _STATS_EXPECTED
DECOYS += _STATS_DECOYS
