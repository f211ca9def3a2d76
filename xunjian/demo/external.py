"""Static pages of the "external" host (127.0.0.2): stand-ins for other government sites.

Valid targets of the portal's outbound links: a 上海市人民政府 stand-in homepage, a policy page
with anchors (``/policy/guide.html#chapter2``), the 我为政府网站找错 platform, the 党政机关网站
标识 and 备案 pages, the 一网通办 homepage. Its faults (404, bot wall, Cloudflare challenge,
always-429, the 一网通办 item lookup) are dynamic routes in ``routes.py``.
"""

from __future__ import annotations

from html import escape

from xunjian.demo import DemoPage, content

# 一网通办 items that exist (codes the portal's 办事指南 and 政策解读 link to); see routes.zwdt_item.
KNOWN_ITEM_CODES = {f"3101990{i + 1:02d}000": content.guide(i)[0] for i in range(8)}


def external_page(title: str, body: str, site_name: str = "上海市人民政府") -> DemoPage:
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)} - {site_name}</title>
<meta name="SiteName" content="{site_name}">
</head>
<body>
<header><p>{site_name}</p></header>
<main id="main">
<h1>{escape(title)}</h1>
{body}
</main>
<footer><p>主办：{site_name}（演示用外部站点）</p></footer>
</body>
</html>
"""
    return DemoPage(html)


def build_external(site) -> None:
    pages = {
        "/index.html": external_page("首页", '<p>欢迎访问。</p><p><a href="/policy/guide.html">政策文件</a></p>'),
        "/policy/guide.html": external_page("上海市城市管理行政执法条例（解读）", "\n".join([
            '<nav><a href="#chapter1">第一章</a> <a href="#chapter2">第二章</a> <a href="#chapter3">第三章</a></nav>',
            '<h2 id="chapter1">第一章 总则</h2><p>为了加强城市管理，规范行政执法行为，制定本条例。</p>',
            '<h2 id="chapter2">第二章 执法职责</h2><p>城管执法部门依法集中行使有关行政处罚权。</p>',
            '<h2><a name="chapter3"></a>第三章 执法程序</h2><p>执法人员应当出示执法证件。</p>'])),
        "/exposure/jiucuo.html": external_page("我为政府网站找错", "<p>请选择问题类型并描述您发现的网站问题。</p>"
                                               "<p>您的留言将转交网站主办单位在规定时限内办理。</p>",
                                               "中国政府网"),
        "/conac/sitename.html": external_page("党政机关网站标识信息", "<p>网站名称：上海市浦江区城市管理行政执法局</p>"
                                              "<p>开办单位：上海市浦江区城市管理行政执法局</p>", "中国机构编制网"),
        "/beian/index.html": external_page("ICP/IP地址/域名信息备案管理系统", "<p>备案查询。</p>", "工业和信息化部"),
        "/gaba/index.html": external_page("全国互联网安全管理服务平台", "<p>公安机关备案信息查询。</p>", "公安部"),
        "/zwdt/index.html": external_page("上海市“一网通办”", "<ul>" + "".join(
            f'<li><a href="/zwdt/item?code={code}">{escape(name)}</a></li>'
            for code, name in KNOWN_ITEM_CODES.items()) + "</ul>", "上海市“一网通办”"),
    }
    for path, page in pages.items():
        site.add("external", path, page)
