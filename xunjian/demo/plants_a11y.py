"""Planted accessibility and 适老化 defects (and decoys) of the demo portal.

Rules: checks/a11y/a11y.py (axe-core in Chromium), checks/a11y/static_a11y.py, checks/a11y/elder.py.
Each planted page under ``/ztzl/wza/`` (专题: 无障碍与适老化) is linked from the 专题专栏
page and wraps its content in its own layout block, so it forms its own template and the
browser stage's per-template sample always includes it. The base portal is accessible
by default (lang, labelled search, alt texts, visible focus, 16px text), which makes every
other page a decoy; the explicit decoys below are the ones that *look* like defects:

  /ztzl/wza/alt.html       <img> without alt                       -> a11y-axe (image-alt)
  /ztzl/wza/form.html      a phone field with no label             -> a11y-axe (label)
  /ztzl/wza/contrast.html  pale grey text (#c8c8c8 on white)       -> a11y-contrast
  /ztzl/wza/lang.html      <html> without lang                     -> a11y-axe (html-has-lang)
  /ztzl/wza/link.html      icon link with no text                  -> a11y-axe (link-name)
  /ztzl/wza/zoom.html      viewport user-scalable=no               -> elder-zoom (+ axe meta-viewport)
  /ztzl/wza/popup.html     a 飘窗 floating ad over the content      -> elder-popup
  /xwzx/jcdt/index.html    column page whose header lost 长者模式   -> elder-entry
  /xwzx/ywdt/202611/t20261118_9903.html  an ordinary 要闻动态 article whose editor added a pale
                           photo credit by inline style (#c0c0c0 on white, 1.8:1) -> a11y-contrast.
                           Page-specific: the article template's sample (per_template pages in URL
                           order) is two other articles, so only a11y.scope: all finds it
                           (``Expect.a11y_scope``); sample mode misses it, as template sampling does.
  /ztzl/wza/ok.html        decoys: alt="" decoration, aria-label icon link, aria-label field,
                           large bold text at 3:1, maximum-scale=3, small 返回顶部 button,
                           outline replaced by a box-shadow on focus
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo import Decoy, Expect

BASE = "/ztzl/wza/"
ELDER_LINK = '<a href="/elder/index.html">长者模式</a> | '
NO_ELDER_COLUMN = "/xwzx/jcdt/index.html"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
# an ordinary 要闻动态 article (the column's document template), not a template representative;
# a fixed path so the declaration holds for any "today" (the column's own items are dated from it)
PALE_ARTICLE = "/xwzx/ywdt/202611/t20261118_9903.html"
PALE_TITLE = "区城管执法局开展共享单车停放秩序专项整治"
PALE_BODY = ("<p>近日，区城管执法局会同各街镇城管执法中队，对轨道交通站点周边共享单车停放秩序开展专项整治。</p>\n"
             "<p>下一步，区城管执法局将督促运营企业落实停放管理责任，持续巩固整治成效。</p>\n"
             '<p style="color:#c0c0c0;font-size:14px">图片来源：浦锦街道城管执法中队　摄影：王晓东</p>\n')

_PAGES = {
    "alt.html": ("无障碍专题：活动图集", "plant-gallery",
                 '<p>2026年“无障碍环境建设宣传周”活动现场。</p>\n<img src="/images/banner-ljfl.png" width="600" height="100">'),
    "form.html": ("无障碍专题：意见征集", "plant-form",
                  '<form action="/hdjl/index.html" method="get">\n<p>请留下联系电话，我们将回访：</p>\n'
                  '<input type="text" name="phone">\n<button type="submit">提交</button>\n</form>'),
    "contrast.html": ("无障碍专题：温馨提示", "plant-notice",
                      '<p style="color:#c8c8c8">温馨提示：本专题内容每月更新一次，欢迎提出意见建议。</p>'),
    "lang.html": ("无障碍专题：政策汇编", "plant-policies",
                  '<p>《无障碍环境建设法》自2023年9月1日起施行。</p>'),
    "link.html": ("无障碍专题：服务指南", "plant-guide",
                  '<p>无障碍服务设施分布图见下方链接。</p>\n<p><a href="/ztzl/index.html"><span class="icon-map"></span></a></p>'),
    "zoom.html": ("无障碍专题：移动端", "plant-mobile",
                  '<p>本专题的手机版页面。</p>'),
    "popup.html": ("无障碍专题：活动报名", "plant-event",
                   '<p>活动报名请于本月底前提交。</p>\n'
                   '<div class="piaochuang" style="position:fixed;left:420px;top:220px;width:320px;height:220px;'
                   'background:#ffe08a;color:#222;z-index:999;padding:12px">广告：点击领取优惠 '
                   '<a href="/ztzl/index.html">关闭</a></div>'),
    "ok.html": ("无障碍专题：说明", "plant-decoys",
                '<style>.plant-decoys a.boxed:focus{outline:none;box-shadow:0 0 0 3px #0b4f8a}</style>\n'
                '<p style="font-size:24px;font-weight:bold;color:#949494">无障碍 · 适老化</p>\n'
                '<p><img src="/images/zhaocuo.png" alt="" width="30" height="8"> 装饰图片使用空替代文本。</p>\n'
                '<p><a class="boxed" href="/ztzl/index.html" aria-label="返回专题专栏"><span class="icon-back"></span></a></p>\n'
                '<p><input type="search" name="kw" aria-label="在本专题中搜索"></p>\n'
                '<a href="#main" style="position:fixed;right:16px;bottom:16px;width:48px;height:48px;'
                'background:#0b4f8a;color:#fff">顶部</a>'),
}


def contribute(site, today: date) -> None:
    links = []
    for name, (title, block, body) in _PAGES.items():
        path = BASE + name
        site.add("portal", path, site.page(title, f'<div class="{block}">\n{body}\n</div>',
                                           breadcrumbs=[("专题专栏", "/ztzl/index.html"), (title, "")]))
        links.append(f'<li><a href="{path}">{title}</a></li>')
    site.insert_before("portal", "/ztzl/index.html", "<ul>\n" + "\n".join(links) + "\n</ul>\n")
    site.replace("portal", BASE + "lang.html", '<html lang="zh-CN">', "<html>")
    site.replace("portal", BASE + "zoom.html", VIEWPORT,
                 '<meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">')
    site.replace("portal", BASE + "ok.html", VIEWPORT,
                 '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=3">')
    site.replace("portal", NO_ELDER_COLUMN, ELDER_LINK, "")
    site.add_document("ywdt", title=PALE_TITLE, published=today - timedelta(days=4), path=PALE_ARTICLE,
                      body_html=PALE_BODY)


EXPECTED = [
    Expect("a11y-axe", BASE + "alt.html", "image-alt: <img> without alt"),
    Expect("a11y-axe", BASE + "form.html", "label: phone field without a label"),
    Expect("a11y-contrast", BASE + "contrast.html", "#c8c8c8 on white, 1.7:1"),
    Expect("a11y-axe", BASE + "lang.html", "html-has-lang: <html> without lang"),
    Expect("a11y-axe", BASE + "link.html", "link-name: icon link with no text"),
    Expect("elder-zoom", BASE + "zoom.html", "viewport user-scalable=no"),
    Expect("elder-popup", BASE + "popup.html", "320x220 floating ad over the content"),
    Expect("elder-entry", NO_ELDER_COLUMN, "column header without the 长者模式 entry"),
    Expect("a11y-contrast", PALE_ARTICLE, "inline-style photo credit #c0c0c0 on white, 1.8:1, on one article",
           a11y_scope="all"),
]

DECOYS = [
    Decoy("a11y-axe", BASE + "ok.html", 'alt="" decoration, aria-label on icon link and field'),
    Decoy("a11y-contrast", BASE + "ok.html", "24px bold #949494: 3:1 is enough for large text"),
    Decoy("a11y-static-img-alt", BASE + "ok.html", 'alt="" marks decoration'),
    Decoy("elder-zoom", BASE + "ok.html", "maximum-scale=3 still allows 200% zoom"),
    Decoy("elder-popup", BASE + "ok.html", "a 48px 返回顶部 button is not a pop-up"),
    Decoy("elder-focus-visible", BASE + "ok.html", "outline replaced by a box-shadow"),
    Decoy("elder-entry", "/", "homepage has 无障碍 and 长者模式"),
    Decoy("elder-entry", "/xwzx/tzgg/index.html", "column with both entries"),
    Decoy("elder-popup", "/", "homepage opens nothing by itself"),
    Decoy("elder-text-size", "/", "16px body text; 14px top bar and footer are a minority"),
    Decoy("elder-focus-visible", "/", "a:focus has a 3px outline"),
    Decoy("elder-nav-keyboard", "/", "main navigation built from <a href>"),
    Decoy("elder-zoom", "/", "width=device-width, initial-scale=1"),
]
