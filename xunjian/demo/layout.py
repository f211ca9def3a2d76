"""HTML chrome of the demo portal: identity constants, the page shell (header, navigation,
footer, ``<meta>`` tags), the document metadata table, the not-found template and static assets.

Everything here is correct by default (footer identity per 政府网站发展指引 as listed in
gov-rules.md §2 [S]: 党政机关标识, 网站标识码, ICP备案号, 公安备案号, 主办单位, 联系方式, and the
我为政府网站找错 entry; meta tags SiteName/SiteDomain/SiteIDCode on every page, Column* on column
pages, ArticleTitle/PubDate/ContentSource on articles). Plant modules change pages after the fact
with ``DemoSite.replace``/``insert_before``; they should not need to edit this module.

Links to other sites use ``{{EXTERNAL}}`` (the loopback stand-in host) so nothing ever leaves
127.0.0.0/8.
"""

from __future__ import annotations

import struct
import zlib
from html import escape

from xunjian.demo import DemoPage

SITE_NAME = "上海市浦江区城市管理行政执法局"
SITE_SHORT = "浦江区城管执法局"
SITE_DOMAIN = "cgzf.pujiang.sh.gov.cn"
SITE_ID_CODE = "3101990012"  # 网站标识码
ORG_CODE = "000014349"  # 索引号 organisation prefix
ICP_NO = "沪ICP备16018832号-1"
PSB_NO = "沪公网安备 31011502008867号"
ADDRESS = "上海市浦江区江川路1088号"
PHONE = "021-58991234"
FAX = "021-58991235"
EMAIL = "cgzf@pujiang.sh.gov.cn"
POSTCODE = "201199"

# Main navigation: (label, href). Every target is a page the base portal generates.
NAV = [
    ("首页", "/"),
    ("新闻中心", "/xwzx/index.html"),
    ("政府信息公开", "/xxgk/index.html"),
    ("办事服务", "/bsfw/index.html"),
    ("互动交流", "/hdjl/index.html"),
    ("专题专栏", "/ztzl/index.html"),
    ("机构概况", "/xxgk/jgzn/index.html"),
]


def meta_tags(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in pairs)


def header_html(elder: bool = False) -> str:
    nav = "\n".join(f'<li><a href="{href}">{label}</a></li>' for label, href in NAV)
    mode = ('<a href="/">标准版</a>' if elder else '<a href="/elder/index.html">长者模式</a>')
    return f"""<header class="site-header">
<div class="topbar">
<span class="today">欢迎访问{SITE_NAME}网站</span>
<span class="tools"><a href="/wza/index.html">无障碍</a> | {mode} | <a href="/wzdt/index.html">网站地图</a></span>
</div>
<div class="brand">
<a href="/"><img src="/images/logo.png" alt="{SITE_NAME}" width="420" height="60"></a>
<form class="search" action="/search/index.html" method="get" role="search">
<label for="search-q">站内搜索</label>
<input id="search-q" name="q" type="search" placeholder="请输入关键词">
<button type="submit">搜索</button>
</form>
</div>
<nav class="main-nav" aria-label="主导航"><ul>
{nav}
</ul></nav>
</header>"""


def footer_html() -> str:
    ext = "{{EXTERNAL}}"
    links = " | ".join([
        '<a href="/gywm/index.html">关于本站</a>', '<a href="/wzdt/index.html">网站地图</a>',
        '<a href="/lxwm/index.html">联系我们</a>', '<a href="/yqlj/index.html">友情链接</a>',
        f'<a href="{ext}/exposure/jiucuo.html?site_code={SITE_ID_CODE}">我为政府网站找错</a>'])
    psb = (f'<a href="{ext}/gaba/index.html?code=31011502008867"><img src="/images/gaba.png" alt="" '
           f'width="16" height="16">{PSB_NO}</a>')
    return f"""<footer class="site-footer">
<p class="footer-links">{links}</p>
<p>主办单位：{SITE_NAME}　地址：{ADDRESS}　邮编：{POSTCODE}</p>
<p>联系方式：{PHONE}（工作日 9:00-17:00）　电子邮箱：{EMAIL}</p>
<p>网站标识码：{SITE_ID_CODE}　<a href="{ext}/beian/index.html">{ICP_NO}</a>　{psb}</p>
<p class="conac"><a href="{ext}/conac/sitename.html?id={SITE_ID_CODE}"><img src="/images/dzjg.png" \
alt="党政机关网站标识" width="55" height="64"></a></p>
</footer>"""


def page(title: str, body_html: str, *, breadcrumbs: list[tuple[str, str]] | None = None,
         meta: list[tuple[str, str]] | None = None, charset: str = "utf-8", encoding: str = "utf-8",
         content_type: str | None = None, elder: bool = False, head_extra: str = "") -> DemoPage:
    """A complete portal page. ``charset`` is what the ``<meta charset>`` declares ("" for none),
    ``encoding`` the codec the server encodes with, ``content_type`` the header (by default
    ``text/html; charset=<encoding>``)."""
    crumbs = ""
    if breadcrumbs:
        parts = ['<a href="/">首页</a>'] + [f'<a href="{href}">{escape(label)}</a>' if href else escape(label)
                                           for label, href in breadcrumbs]
        crumbs = f'<nav class="breadcrumb" aria-label="当前位置">当前位置：{" &gt; ".join(parts)}</nav>\n'
    charset_tag = f'<meta charset="{charset}">\n' if charset else ""
    tags = meta_tags([("SiteName", SITE_NAME), ("SiteDomain", SITE_DOMAIN), ("SiteIDCode", SITE_ID_CODE)]
                     + (meta or []))
    css = '<link rel="stylesheet" href="/css/main.css">' + (
        '\n<link rel="stylesheet" href="/css/elder.css">' if elder else "")
    full_title = title if title == SITE_NAME else f"{title} - {SITE_NAME}"
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset_tag}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(full_title)}</title>
{tags}
{css}
{head_extra}</head>
<body{' class="elder"' if elder else ''}>
<a class="skip-link" href="#main">跳转到主要内容</a>
{header_html(elder)}
{crumbs}<main id="main" class="content">
{body_html}
</main>
{footer_html()}
<script src="/js/main.js"></script>
</body>
</html>
"""
    return DemoPage(html, content_type or f"text/html; charset={encoding}", encoding=encoding)


def column_meta(name: str, description: str, kind: str = "list") -> list[tuple[str, str]]:
    return [("ColumnName", name), ("ColumnDescription", description),
            ("ColumnKeywords", f"{name},{SITE_SHORT}"), ("ColumnType", kind)]


def article_meta(title: str, pub: str, column: str, url: str, description: str) -> list[tuple[str, str]]:
    return [("ColumnName", column), ("ArticleTitle", title), ("PubDate", pub), ("ContentSource", SITE_NAME),
            ("Keywords", f"{column},{SITE_SHORT}"), ("Author", SITE_SHORT), ("Description", description),
            ("Url", "{{PORTAL}}" + url)]


def meta_table(rows: list[tuple[str, str]]) -> str:
    """The Shanghai 信息公开 metadata table, two label/value pairs per row."""
    cells = [f'<th scope="row">{escape(k)}</th><td>{escape(v)}</td>' for k, v in rows]
    trs = ["<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
    return ('<table class="xxgk-meta" id="doc-meta">\n<caption>信息公开目录信息</caption>\n'
            + "\n".join(trs) + "\n</table>")


NOT_FOUND_TITLE = "页面不存在"


def not_found_html(home: str = "/") -> str:
    """The portal's not-found template; served with 404, and (planted) once with 200."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{NOT_FOUND_TITLE} - {SITE_NAME}</title>
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteIDCode" content="{SITE_ID_CODE}">
<link rel="stylesheet" href="/css/main.css">
</head>
<body>
<main id="main" class="not-found">
<h1>{NOT_FOUND_TITLE}</h1>
<p>抱歉，您访问的页面不存在或已被删除。</p>
<p><a href="{home}">返回首页</a></p>
</main>
</body>
</html>
"""


MAIN_CSS = """body{margin:0;font:16px/1.7 "PingFang SC","Microsoft YaHei",sans-serif;
color:#222;background:#fff}
a{color:#0b4f8a}a:focus{outline:3px solid #e8a200}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{left:8px;top:8px;background:#fff;padding:4px}
.topbar{display:flex;justify-content:space-between;padding:4px 24px;background:#f2f2f2;font-size:14px}
.brand{display:flex;justify-content:space-between;align-items:center;padding:12px 24px}
.main-nav{background:#0b4f8a}.main-nav ul{display:flex;margin:0;padding:0;list-style:none}
.main-nav a{display:block;padding:10px 20px;color:#fff;text-decoration:none}
.breadcrumb{padding:8px 24px;font-size:14px}.content{padding:12px 24px;min-height:320px}
.list li{display:flex;justify-content:space-between;border-bottom:1px dashed #ccc;padding:4px 0}
.xxgk-meta{border-collapse:collapse;width:100%}
.xxgk-meta th,.xxgk-meta td{border:1px solid #bbb;padding:4px 8px}
.xxgk-meta th{background:#eef3f8;width:12%;text-align:right}
.site-footer{background:#eee;padding:16px 24px;font-size:14px;text-align:center}
"""
ELDER_CSS = """body.elder{font-size:22px;line-height:1.8}.elder .main-nav a{font-size:24px;padding:14px 24px}
.elder .content{max-width:1100px}.elder a{text-decoration:underline}
"""
MAIN_JS = """/* 浦江区城管执法局门户: progressive enhancement only; every link works without JS. */
document.documentElement.classList.add('js');
"""


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid, solid-colour PNG (deterministic bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def static_assets() -> dict[str, DemoPage]:
    """CSS, JS and images shared by every page (portal host)."""
    return {
        "/css/main.css": DemoPage(MAIN_CSS, "text/css; charset=utf-8"),
        "/css/elder.css": DemoPage(ELDER_CSS, "text/css; charset=utf-8"),
        "/js/main.js": DemoPage(MAIN_JS, "application/javascript; charset=utf-8"),
        "/images/logo.png": DemoPage(png(42, 6, (11, 79, 138)), "image/png"),
        "/images/dzjg.png": DemoPage(png(11, 13, (200, 16, 46)), "image/png"),
        "/images/gaba.png": DemoPage(png(4, 4, (30, 90, 160)), "image/png"),
        "/images/zhaocuo.png": DemoPage(png(30, 8, (200, 16, 46)), "image/png"),
        "/images/banner-ljfl.png": DemoPage(png(60, 10, (46, 125, 50)), "image/png"),
        "/images/banner-yhyshj.png": DemoPage(png(60, 10, (21, 101, 192)), "image/png"),
        "/favicon.ico": DemoPage(png(16, 16, (11, 79, 138)), "image/png"),
    }
