"""Planted accessibility and 适老化 defects (and decoys) of the ``shanghai`` family.

Rules: checks/a11y/a11y.py (axe-core in Chromium), checks/a11y/static_a11y.py, checks/a11y/elder.py. Each
planted page under ``/zt/wza/`` (专题: 无障碍环境建设) is linked from the 专题专栏 channel and
wraps its content in its own block, so the browser stage's per-template sample includes it:

  /zt/wza/alt.html      <img> without alt                    -> a11y-axe (image-alt), a11y-static-img-alt
  /zt/wza/form.html     a phone field with no label          -> a11y-axe (label), a11y-static-label
  /zt/wza/zoom.html     viewport user-scalable=no            -> elder-zoom
  /channel_101/index.html  咨询建言 list whose top bar lost 长者模式 -> elder-entry
  /zt/wza/ok.html       decoys: alt="" decoration, aria-label field, maximum-scale=3
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy, Expect

BASE = "/zt/wza/"
NO_ELDER_COLUMN = "/channel_101/index.html"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'

_PAGES = {
    "alt.html": ("无障碍环境建设：活动图集", "zt-gallery",
                 '<p>“全国助残日”无障碍环境建设宣传活动现场。</p>\n'
                 '<img src="/assets/images/banner.png" width="600" height="100">'),
    "form.html": ("无障碍环境建设：意见征集", "zt-form",
                  '<form action="/channel_101/index.html" method="get">\n<p>请留下联系电话：</p>\n'
                  '<input type="text" name="phone">\n<button type="submit">提交</button>\n</form>'),
    "zoom.html": ("无障碍环境建设：手机版", "zt-mobile", "<p>本专题的手机版页面。</p>"),
    "ok.html": ("无障碍环境建设：说明", "zt-notes",
                '<p><img src="/assets/images/zhaocuo.png" alt="" width="30" height="8"> 装饰图片使用空替代文本。</p>\n'
                '<p><input type="search" name="q" aria-label="在本专题中搜索"></p>'),
}


def contribute(site, today: date) -> None:
    links = []
    for name, (title, block, body) in _PAGES.items():
        crumbs = [("专题专栏", "/channel_110/index.html"), (title, "")]
        html = f'<div class="{block}">\n{body}\n</div>'
        site.add("portal", BASE + name, site.page(title, html, breadcrumbs=crumbs))
        links.append(f'<li><a href="{BASE + name}">{title}</a></li>')
    site.insert_before("portal", "/channel_110/index.html",
                       '<ul class="subnav">\n' + "\n".join(links) + "\n</ul>\n")
    site.replace("portal", BASE + "zoom.html", VIEWPORT,
                 '<meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">')
    site.replace("portal", BASE + "ok.html", VIEWPORT,
                 '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=3">')
    site.replace("portal", NO_ELDER_COLUMN, '<a href="/elder/index.html">长者模式</a> | ', "")


EXPECTED = [
    Expect("a11y-axe", BASE + "alt.html", "image-alt: <img> without alt"),
    Expect("a11y-static-img-alt", BASE + "alt.html", "<img> without alt (browserless check)"),
    Expect("a11y-axe", BASE + "form.html", "label: phone field without a label"),
    Expect("a11y-static-label", BASE + "form.html", "phone field without a label (browserless check)"),
    Expect("elder-zoom", BASE + "zoom.html", "viewport user-scalable=no"),
    Expect("elder-entry", NO_ELDER_COLUMN, "column page without the 长者模式 entry"),
]

DECOYS = [
    Decoy("a11y-axe", BASE + "ok.html", 'alt="" decoration, aria-label on the field'),
    Decoy("a11y-static-img-alt", BASE + "ok.html", 'alt="" marks decoration'),
    Decoy("elder-zoom", BASE + "ok.html", "maximum-scale=3 still allows 200% zoom"),
    Decoy("elder-entry", "/", "homepage has 无障碍浏览 and 长者模式"),
    Decoy("elder-entry", "/channel_89/index.html", "column with both entries"),
]
