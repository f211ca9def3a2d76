"""Planted mandatory-column defect (and decoy) of the ``hanweb`` family (checks/columns.py).

依申请公开 (col4810, a single page) is linked from nowhere: the homepage box and the 政府信息公开
overview (col4800) lose the link, the guide (col4801) keeps the words; the page stays on the server
(orphaned). ``column-missing`` in discovery mode and in profile mode (demo-hanweb.yaml declares it).
Decoy: 政府信息公开指南 linked as 政务公开指南 (an alias of ``columns.mandatory``).
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.mandatory_plants import declarations, relabel, unlink

REQUEST = "/col/col4810/index.html"
GUIDE = "/col/col4801/index.html"
PAGES = ["/index.html", "/col/col4800/index.html"]


def contribute(site, today: date) -> None:
    unlink(site, REQUEST, drop=PAGES, keep_text=[GUIDE])
    relabel(site, GUIDE, "政府信息公开指南", "政务公开指南", PAGES)


EXPECTED, DECOYS = declarations("依申请公开", "政府信息公开指南", "政务公开指南")
