"""Planted accessibility and 适老化 defects (and decoys) of the ``hanweb`` family: browserless
rules (checks/a11y/static_a11y.py, checks/a11y/elder.py static part), since the family is audited without
the browser stage. The pages form a 图片新闻/互动 corner linked from the 互动交流 overview:

  /col/col4995/index.html   图片新闻: a photo without alt                 -> a11y-static-img-alt
  /col/col4996/index.html   问卷调查: a phone field with no label          -> a11y-static-label
  /col/col4997/index.html   English page template without <html lang>     -> a11y-static-lang
  /col/col4998/index.html   手机版: viewport user-scalable=no               -> elder-zoom
Decoys: /col/col4999/index.html has a decorative alt="" image, an aria-labelled search field and
maximum-scale=3; the 关怀版 page (/col/col4990/) and the 无障碍 page are the entries every page links.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo import Decoy, Expect
from xunjian.demo.hanweb import layout, portal

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
PAGES = {
    "/col/col4995/index.html": ("图片新闻", '<p>城管执法队员在滨江大道巡查。</p>\n'
                                        '<img src="/images/12/logo.png" width="420" height="60">', None),
    "/col/col4996/index.html": ("问卷调查", '<form action="/col/col4900/index.html" method="get">\n'
                                        '<p>请留下联系电话：</p><input type="text" name="phone">\n'
                                        '<input type="submit" value="提交"></form>', None),
    "/col/col4997/index.html": ("English", "<p>Linjiang City Administration Bureau.</p>",
                                lambda html: html.replace(' lang="zh-CN"', "", 1)),
    "/col/col4998/index.html": ("手机版", "<p>本站手机版入口。</p>",
                                lambda html: html.replace(VIEWPORT, VIEWPORT.replace(
                                    'initial-scale=1"', 'initial-scale=1, user-scalable=no"'), 1)),
    "/col/col4999/index.html": ("互动说明", '<p><img src="/images/12/zhaocuo.png" alt="" width="30" height="8">'
                                        '装饰图片。</p>\n'
                                        '<p><input type="search" name="kw" aria-label="搜索互动内容"></p>',
                                lambda html: html.replace(VIEWPORT, VIEWPORT.replace(
                                    'initial-scale=1"', 'initial-scale=1, maximum-scale=3"'), 1)),
}


def contribute(site, today: date) -> None:
    links = []
    for path, (title, body, edit) in PAGES.items():
        crumbs = [("互动交流", "/col/col4900/index.html"), (title, "")]
        page = portal.page(site, title, f"<h1>{title}</h1>\n{body}", breadcrumbs=crumbs)
        if edit:
            page.body = edit(page.body)
        site.add("portal", path, page)
        links.append(f'<li><a href="{path}">{title}</a></li>')
    site.insert_before("portal", "/col/col4900/index.html", "<ul>\n" + "\n".join(links) + "\n</ul>\n",
                       marker=layout.END_MAIN)


EXPECTED = [
    Expect("a11y-static-img-alt", "/col/col4995/index.html", "<img> without alt"),
    Expect("a11y-static-label", "/col/col4996/index.html", "phone field without a label"),
    Expect("a11y-static-lang", "/col/col4997/index.html", "<html> without lang"),
    Expect("elder-zoom", "/col/col4998/index.html", "user-scalable=no"),
]

DECOYS = [
    Decoy("*", "/col/col4999/index.html", 'alt="" decoration, aria-label field, maximum-scale=3'),
    Decoy("elder-entry", "/index.html", "the header links 无障碍 and 关怀版 pages"),
]
