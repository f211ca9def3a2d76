"""Planted hidden injected links (暗链) and decoys of the demo portal (trs family).

Rule: checks/content/hidden_links.py (link-hidden-offsite).

  PLANT_PAGE  (专题专栏) footer gets a display:none block of three links to an "entertainment" page
              of the external host, and a <noscript> link to it  -> link-hidden-offsite
  DECOY_PAGE  a page with a collapsed drop-down menu (display:none) of in-site links and a visible
              link to the external host                          -> no link-hidden-offsite

The external "entertainment" page is served (200), so the link rules see nothing broken.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy, Expect
from xunjian.demo.external import external_page

PLANT_PAGE = "/ztzl/index.html"
DECOY_PAGE = "/ztzl/aqjc/menu.html"
TARGET = "/yule/index.html"
HIDDEN_BLOCK = ('<div style="display:none">'
                + "".join(f'<a href="{{{{EXTERNAL}}}}{TARGET}?p={n}">{word}</a>'
                          for n, word in enumerate(("娱乐城", "棋牌游戏", "彩票投注"), start=1))
                + f'</div><noscript><a href="{{{{EXTERNAL}}}}{TARGET}">在线娱乐</a></noscript>\n')


def contribute(site, today: date) -> None:
    site.add("external", TARGET, external_page("娱乐城", "<p>（演示用：被植入暗链指向的页面）</p>", "某娱乐网站"))
    site.replace("portal", PLANT_PAGE, "</footer>", HIDDEN_BLOCK + "</footer>")
    menu = ('<ul class="menu"><li><a href="/ztzl/index.html">专题专栏</a>'
            '<ul class="submenu" style="display:none"><li><a href="/xwzx/tzgg/index.html">通知公告</a></li>'
            '<li><a href="/xxgk/index.html">政府信息公开</a></li></ul></li></ul>\n'
            '<p>相关网站：<a href="{{EXTERNAL}}/index.html">上海市人民政府</a></p>')
    site.add("portal", DECOY_PAGE, site.page("专题：网站安全检查说明", menu,
                                             breadcrumbs=[("专题专栏", "/ztzl/index.html"), ("网站安全检查说明", "")]))
    site.insert_before("portal", PLANT_PAGE, f'<p><a href="{DECOY_PAGE}">网站安全检查说明</a></p>\n')


EXPECTED = [Expect("link-hidden-offsite", PLANT_PAGE, "display:none block, <noscript> link in the footer")]
DECOYS = [Decoy("link-hidden-offsite", DECOY_PAGE, "hidden drop-down of in-site links, visible outbound"),
          Decoy("link-hidden-offsite", "/", "homepage: no hidden links")]
