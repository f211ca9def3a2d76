"""Planted hidden injected links (暗链) and decoys of the demo portal (trs family).

Rule: checks/content/hidden_links.py (link-hidden-offsite); pages written by
``xunjian.demo.content_plants.plant_hidden``.

  PLANT_PAGE  (专题专栏) footer gets a display:none block of three links to an "entertainment" page
              of the external host, and a <noscript> link to it  -> link-hidden-offsite
  DECOY_PAGE  a page with a collapsed drop-down menu (display:none) of in-site links and a visible
              link to the external host                          -> no link-hidden-offsite

The external "entertainment" page is served (200), so the link rules see nothing broken.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.content_plants import HiddenPaths, hidden_declarations, plant_hidden

PLANT_PAGE = "/ztzl/index.html"
DECOY_PAGE = "/ztzl/aqjc/menu.html"
PATHS = HiddenPaths(PLANT_PAGE, "</footer>", DECOY_PAGE)


def contribute(site, today: date) -> None:
    plant_hidden(site, PATHS, [("专题专栏", PLANT_PAGE)])


EXPECTED, DECOYS = hidden_declarations(PATHS, "/")
