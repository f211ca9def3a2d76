"""Planted mandatory-column defect (and decoy) of the ``trs`` family (checks/columns.py).

依申请公开 (/xxgk/ysqgk/index.html) is linked from nowhere: the homepage row and the 政府信息公开
overview lose the link, the guide keeps the words without it; the page stays on the server
(orphaned). ``column-missing`` in discovery mode (no link named after it or an alias) and in profile
mode (the declared list page is not reached). Decoy: 政府信息公开指南 is linked as 信息公开指南 (an
alias of ``columns.mandatory``). The BOM page-decode decoy of plants_links.py moves to the guide,
which the crawl still reaches.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy
from xunjian.demo.mandatory_plants import declarations, relabel, unlink

REQUEST = "/xxgk/ysqgk/index.html"
GUIDE = "/xxgk/gkzn/index.html"


def contribute(site, today: date) -> None:
    unlink(site, REQUEST, drop=["/", "/xxgk/index.html"], keep_text=[GUIDE])
    relabel(site, GUIDE, "政府信息公开指南", "信息公开指南", ["/", "/xxgk/index.html"])
    site.edit("portal", GUIDE, lambda body: "\ufeff" + body, "UTF-8 BOM")


EXPECTED, DECOYS = declarations("依申请公开", "政府信息公开指南", "信息公开指南")
DECOYS.append(Decoy("page-decode-error", GUIDE, "UTF-8 with a BOM"))
