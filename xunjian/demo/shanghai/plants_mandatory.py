"""Planted mandatory-column defect (and decoy) of the ``shanghai`` family (checks/columns.py).

依申请公开 (channel_85, a single page) is linked from nowhere: the homepage block and the 政府信息公开
overview lose the link, the guide keeps the words; the page stays on the server (orphaned).
``column-missing`` in discovery mode and in profile mode (the template declares the channel).
Decoy: 政府信息公开指南 linked as 公开指南 (an alias of ``columns.mandatory``).
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.mandatory_plants import declarations, relabel, unlink
from xunjian.demo.shanghai.portal import GUIDE, REQUEST

OVERVIEW = "/channel_80/index.html"


def contribute(site, today: date) -> None:
    unlink(site, REQUEST, drop=["/", OVERVIEW], keep_text=[GUIDE])
    relabel(site, GUIDE, "政府信息公开指南", "公开指南", ["/", OVERVIEW])


EXPECTED, DECOYS = declarations("依申请公开", "政府信息公开指南", "公开指南")
