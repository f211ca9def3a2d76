"""Chrome of the ``hanweb`` family: a fictional 临江市城市管理局 site on Hanweb 大汉 jcms.

What makes it Hanweb (`docs/cms-families.md` §3, §4): GBK pages declaring
``charset=gb2312`` in a ``http-equiv`` meta (the header says ``text/html`` without a charset on
column pages), ``<meta name='WebId'>`` and ``Maketime``, the stylesheet ``/images/12/hanweb.css``,
jQuery and the jpage library under ``/module/``, and a footer written by
``<script src="/script/0/1234.js">`` (``document.write``), so the raw HTML has no footer text.
The header (navigation, 无障碍 and 关怀版 entries, site search ``/jrobot/search.do``) is inline.
Metadata grids: ``table.xxgk_table`` with labels padded by NBSP/U+3000 and a ``<dl>`` grid
(``meta_table``/``meta_grid``). GBK has no NBSP: the pages write ``&nbsp;`` as Hanweb does.
"""

from __future__ import annotations

from html import escape

from xunjian.demo import DemoPage
from xunjian.demo.layout import png

SITE_NAME = "临江市城市管理局"
SITE_DOMAIN = "cgj.linjiang.gov.cn"
SITE_ID_CODE = "3211990003"  # 网站标识码
WEB_ID = "12"
ORG_CODE = "014003127"  # 索引号 organisation prefix
ICP_NO = "苏ICP备05012345号-2"
PSB_NO = "苏公网安备 32110202000456号"
ADDRESS = "临江市滨江大道188号"
PHONE = "0511-85012345"
FOOTER_SCRIPT = "/script/0/1234.js"
HEADER_CSS = "/images/12/hanweb.css"
ENCODING = "gbk"
NBSP = "&nbsp;"
# The end of a page's main content (plants insert before it with ``site.insert_before``).
END_MAIN = f'</div>\n<script language="javascript" src="{FOOTER_SCRIPT}"></script>'

# Main navigation (label, column key or path); keys resolve to column list pages.
NAV = [("首页", "/index.html"), ("新闻中心", "xwzx"), ("通知公告", "tzgg"), ("政府信息公开", "/col/col4800/index.html"),
       ("政策文件", "zcwj"), ("互动交流", "/col/col4900/index.html")]


def meta_tags(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in pairs)


def header_html(nav: list[tuple[str, str]], elder: bool = False) -> str:
    items = "\n".join(f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in nav)
    mode = '<a href="/index.html">标准版</a>' if elder else '<a href="/col/col4990/index.html">关怀版</a>'
    return f"""<div class="bt-head">
<div class="bt-topbar"><span>今天是：<script>document.write(new Date().toLocaleDateString());</script></span>
<span class="bt-tools"><a href="/col/col4991/index.html">无障碍</a> | {mode} | \
<a href="/col/col4992/index.html">网站地图</a></span></div>
<div class="bt-logo"><a href="/index.html">\
<img src="/images/12/logo.png" alt="{SITE_NAME}" width="420" height="60"></a>
<form class="bt-search" action="/jrobot/search.do" method="get" name="searchform">
<input type="hidden" name="webid" value="{WEB_ID}"><input type="hidden" name="pg" value="12">
<label for="q">站内搜索</label><input id="q" name="q" type="text" placeholder="请输入关键字">
<input type="submit" value="搜索"></form></div>
<div class="bt-nav" id="bt-nav"><ul>
{items}
</ul></div>
</div>"""


def footer_script() -> str:
    """``/script/0/1234.js``: the footer, written by ``document.write`` as Hanweb templates do."""
    lines = [
        '<div class="bt-footer">',
        '<p><a href="/col/col4993/index.html">关于本站</a> | <a href="/col/col4992/index.html">网站地图</a> | '
        f'<a href="{{{{EXTERNAL}}}}/exposure/jiucuo.html?site_code={SITE_ID_CODE}">我为政府网站找错</a></p>',
        f"<p>主办单位：{SITE_NAME}　地址：{ADDRESS}　联系电话：{PHONE}</p>",
        f'<p>网站标识码：{SITE_ID_CODE}　<a href="{{{{EXTERNAL}}}}/beian/index.html">{ICP_NO}</a>　{PSB_NO}</p>',
        f'<p><a href="{{{{EXTERNAL}}}}/conac/sitename.html?id={SITE_ID_CODE}"><img src="/images/12/dzjg.png" '
        'alt="党政机关网站标识" width="55" height="64"></a></p>',
        "</div>",
    ]
    return "\n".join(f"document.write('{line}');" for line in lines) + "\n"


def page(title: str, body_html: str, *, nav: list[tuple[str, str]] | None = None,
         breadcrumbs: list[tuple[str, str]] | None = None, meta: list[tuple[str, str]] | None = None,
         charset: str = "gb2312", encoding: str = ENCODING, content_type: str | None = None,
         elder: bool = False, maketime: str = "", head_extra: str = "") -> DemoPage:
    """A complete Hanweb page. ``charset`` is what the http-equiv meta declares ("" for none),
    ``encoding`` the codec the server encodes with, ``content_type`` the header (default
    ``text/html`` without a charset, as Hanweb column pages are served)."""
    crumbs = ""
    if breadcrumbs:
        parts = ['<a href="/index.html">首页</a>'] + [
            f'<a href="{href}">{escape(label)}</a>' if href else escape(label) for label, href in breadcrumbs]
        crumbs = f'<div class="bt-position">当前位置：{" &gt; ".join(parts)}</div>\n'
    charset_tag = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
                   if charset else "")
    tags = meta_tags([("SiteName", SITE_NAME), ("SiteDomain", SITE_DOMAIN), ("SiteIDCode", SITE_ID_CODE)]
                     + (meta or []))
    maketime_tag = f"\n<meta name='Maketime' content='{maketime}'>" if maketime else ""
    full_title = title if title == SITE_NAME else f"{title} {SITE_NAME}"
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
<head>
{charset_tag}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(full_title)}</title>
<meta name='WebId' content='{WEB_ID}'>
{tags}{maketime_tag}
<link href="{HEADER_CSS}" rel="stylesheet" type="text/css">
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
{head_extra}</head>
<body{' class="bt-elder"' if elder else ''}>
{header_html(nav or [], elder)}
{crumbs}<div class="bt-main" id="main" role="main">
{body_html}
</div>
<script language="javascript" src="{FOOTER_SCRIPT}"></script>
</body>
</html>
"""
    return DemoPage(html, content_type or "text/html", encoding=encoding)


def column_meta(name: str, description: str, kind: str = "list") -> list[tuple[str, str]]:
    return [("ColumnName", name), ("ColumnDescription", description),
            ("ColumnKeywords", f"{name},{SITE_NAME}"), ("ColumnType", kind)]


def article_meta(title: str, pub: str, column: str) -> list[tuple[str, str]]:
    return [("ColumnName", column), ("ArticleTitle", title), ("PubDate", pub), ("ContentSource", SITE_NAME)]


def _pad(label: str, width: int) -> str:
    """``索引号`` -> ``索&nbsp;&nbsp;引&nbsp;&nbsp;号`` (Hanweb pads short labels to the column width)."""
    if len(label) >= width:
        return label
    if len(label) == 2:
        return label[0] + NBSP * (2 * width) + label[1]
    return (NBSP * 2).join(label)


# Canonical field (xunjian.demo.documents.metadata_rows) -> the label the Hanweb templates print.
TABLE_LABELS = {"发文机构": "发布机构", "公开类型": "公开方式", "印发日期": "成文日期", "文号": "文号"}
GRID_LABELS = {"发文机构": "发文机关", "公开类型": "公开方式", "印发日期": "成文日期", "文号": "发文字号"}


def meta_table(rows: list[tuple[str, str]]) -> str:
    """``table.xxgk_table``: two label/value pairs a row, labels padded to four characters."""
    cells = [f'<td class="td_lable">{_pad(TABLE_LABELS.get(k, k), 4)}：</td>'
             f'<td class="td_value">{escape(v)}</td>' for k, v in rows]
    trs = ["<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
    return ('<table class="xxgk_table" width="100%" border="0" cellspacing="0">\n' + "\n".join(trs)
            + "\n</table>")


def meta_grid(rows: list[tuple[str, str]]) -> str:
    """The ``<dl>`` grid of newer Hanweb templates (U+3000 padding)."""
    labels = [GRID_LABELS.get(k, k) for k, _ in rows]
    pairs = [f"<dt>{'　'.join(label) if len(label) == 3 else label}：</dt><dd>{escape(v)}</dd>"
             for label, (_, v) in zip(labels, rows)]
    return '<dl class="xxgk-info">\n' + "\n".join(pairs) + "\n</dl>"


NOT_FOUND_TITLE = "页面不存在"


def not_found_html() -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{NOT_FOUND_TITLE}</title>
<link href="/images/12/hanweb.css" rel="stylesheet" type="text/css">
</head>
<body>
<div class="bt-404"><h1>{NOT_FOUND_TITLE}</h1>
<p>对不起，您所访问的页面不存在或者已被删除！</p>
<p><a href="/index.html">返回首页</a></p></div>
</body>
</html>
"""


HANWEB_CSS = """body{margin:0;font:16px/1.7 "Microsoft YaHei",SimSun,sans-serif;color:#222}
a{color:#1a4f9c}a:focus{outline:3px solid #e8a200}
.bt-topbar{display:flex;justify-content:space-between;padding:4px 24px;background:#f4f4f4;font-size:14px}
.bt-nav ul{display:flex;margin:0;padding:0;list-style:none;background:#1a4f9c}
.bt-nav a{display:block;padding:10px 20px;color:#fff;text-decoration:none}
.bt-main{padding:12px 24px;min-height:320px}
.bt-list li,.datastore-list li{display:flex;justify-content:space-between;border-bottom:1px dashed #ccc}
.xxgk_table{border-collapse:collapse}.xxgk_table td{border:1px solid #ccc;padding:4px 8px}
.bt-footer{background:#eee;padding:16px 24px;font-size:14px;text-align:center}
"""
JPAGE_JS = """/* jpage: pages through a unit's data island; further groups come from proxyUrl. */
function Jpage(options){this.options=options;}
"""


def static_assets() -> dict[str, DemoPage]:
    js = "application/javascript"
    return {
        HEADER_CSS: DemoPage(HANWEB_CSS, "text/css"),
        "/module/jslib/jquery/jquery.js": DemoPage("/* jQuery stand-in */\n", js),
        "/module/web/jpage/jpage.js": DemoPage(JPAGE_JS, js),
        FOOTER_SCRIPT: DemoPage(footer_script(), "application/javascript; charset=GBK", encoding=ENCODING),
        "/images/12/logo.png": DemoPage(png(42, 6, (26, 79, 156)), "image/png"),
        "/images/12/dzjg.png": DemoPage(png(11, 13, (200, 16, 46)), "image/png"),
        "/images/12/zhaocuo.png": DemoPage(png(30, 8, (200, 16, 46)), "image/png"),
    }
