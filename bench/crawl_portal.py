"""Deterministic synthetic government portal for the crawl benchmark (bench/bench_crawl.py).

``generate(root, pages=20000, seed=...)`` writes a static site that looks like a
district bureau portal: a homepage, columns (栏目) with paginated list pages, and
articles with 30–60 links each (site navigation, breadcrumb, related items,
attachments, prev/next, in-page table of contents, a few "external" links to a
second loopback host, static assets, mailto). Into it it plants a known set of
defects so two link checkers' findings can be compared:

* broken internal links (article and attachment URLs that do not exist),
* broken external links (404 on the second host),
* missing anchors (``article.html#sec-9`` where the target has no such id),

and a few decoys that are NOT defects (permanent redirects under ``/old/``,
valid cross-page anchors, a robots.txt-disallowed folder that exists).

Layout under ``root``: ``portal/`` (served on 127.0.0.1), ``external/`` (served
on 127.0.0.2), ``manifest.json`` (the planted sets and the expected counts).
Hrefs are root-relative so the same files work on any port; externals use the
placeholder host ``EXTERNAL_HOST`` which the generator fills in from its
``external_base`` argument. Same ``pages`` + ``seed`` => byte-identical site.

Nothing here depends on the crawler; settings come only from the arguments.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = [
    ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("zcjd", "政策解读"), ("gzdt", "工作动态"),
    ("xzcf", "行政处罚"), ("xzxk", "行政许可"), ("rsxx", "人事信息"), ("czyjs", "财政预决算"),
    ("jyta", "建议提案"), ("zfxxgknb", "政府信息公开年报"), ("hdjl", "互动交流"), ("zxft", "在线访谈"),
    ("jdcc", "监督检查"), ("ssgz", "市容管理"), ("hjws", "环境卫生"), ("lhgl", "绿化管理"),
    ("wzjs", "违法建筑"), ("tsjb", "投诉举报"), ("bsfw", "办事服务"), ("zfjg", "执法监管"),
]
ARTICLES_PER_LIST_PAGE = 20
EXTERNAL_POOL = 300              # distinct "external" pages on the second host
SECTIONS_PER_ARTICLE = 3         # ids sec-1..sec-3 in every article
FIXED_PAGES = 3                  # home, sitemap, about


@dataclass
class Manifest:
    """What the generator planted; the benchmark scores the tools against it."""

    pages: int = 0                                   # in-scope HTML pages reachable by crawling
    articles: int = 0
    list_pages: int = 0
    attachments: int = 0
    link_occurrences: int = 0                        # every href/src written into portal pages
    broken_internal: list[str] = field(default_factory=list)   # root-relative paths
    broken_external: list[str] = field(default_factory=list)   # paths on the external host
    missing_anchors: list[str] = field(default_factory=list)   # "path#fragment"
    redirect_decoys: list[str] = field(default_factory=list)   # /old/... -> 301 -> existing page
    robots_disallowed: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _article_path(col: str, index: int) -> str:
    return f"/col/{col}/art/{index:06d}.html"


def _list_path(col: str, page_no: int) -> str:
    return f"/col/{col}/index.html" if page_no == 1 else f"/col/{col}/index_{page_no}.html"


def _split_articles(total_articles: int) -> list[int]:
    base, extra = divmod(total_articles, len(COLUMNS))
    return [base + (1 if i < extra else 0) for i in range(len(COLUMNS))]


def plan_sizes(pages: int) -> tuple[list[int], list[int]]:
    """Articles and list pages per column: the most articles such that the HTML page total
    (home + sitemap + about + list pages + articles) does not exceed ``pages``."""
    def lists_for(per_col: list[int]) -> list[int]:
        return [max(1, -(-n // ARTICLES_PER_LIST_PAGE)) for n in per_col]

    def total(articles: int) -> int:
        per_col = _split_articles(articles)
        return FIXED_PAGES + articles + sum(lists_for(per_col))

    articles = max(len(COLUMNS), (pages - FIXED_PAGES) * ARTICLES_PER_LIST_PAGE // (ARTICLES_PER_LIST_PAGE + 1))
    for _ in range(10 * len(COLUMNS)):  # the estimate is off by a few at most; bounded walk
        if total(articles) > pages and articles > len(COLUMNS):
            articles -= 1
        elif total(articles + 1) <= pages:
            articles += 1
        else:
            break
    per_col = _split_articles(articles)
    return per_col, lists_for(per_col)


def _page(title: str, body: str, nav: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)} - 上海市浦江区城市管理行政执法局</title>"
        "<link rel=\"stylesheet\" href=\"/static/site.css\"><script src=\"/static/site.js\"></script>"
        "</head><body><header><img src=\"/static/logo.png\" alt=\"浦江区城管执法局\">"
        f"<nav>{nav}</nav></header><main>{body}</main><footer>"
        "<a href=\"/about.html\">关于我们</a> <a href=\"/sitemap.html\">网站地图</a> "
        "<a href=\"mailto:webmaster@pj.example.gov.cn\">联系我们</a> 沪ICP备00000000号</footer>"
        "</body></html>\n"
    )


class _Writer:
    """Writes files and counts every link it writes, so the manifest knows the total."""

    def __init__(self, root: Path):
        self.root = root
        self.links = 0

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            self.links += text.count(" href=") + text.count(" src=")
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)


def _a(href: str, text: str) -> str:
    return f"<a href=\"{href}\">{html.escape(text)}</a>"


def generate(root: str | Path, pages: int = 20000, seed: int = 20251122,
             external_base: str = "http://127.0.0.2:8711") -> Manifest:
    """Write the portal under ``root`` and return what was planted (also in manifest.json)."""
    if pages < 50:
        raise ValueError(f"--pages {pages}: too small for a portal with {len(COLUMNS)} columns; use 50 or more")
    rng = random.Random(seed)
    root = Path(root)
    portal, external = _Writer(root / "portal"), _Writer(root / "external")
    per_col, lists_per_col = plan_sizes(pages)
    m = Manifest(articles=sum(per_col), list_pages=sum(lists_per_col))
    m.pages = FIXED_PAGES + m.articles + m.list_pages
    ext = external_base.rstrip("/")

    nav = _a("/index.html", "首页") + "".join(_a(_list_path(c, 1), name) for c, name in COLUMNS)

    # -- plants: decided up front from the seeded RNG so they do not depend on write order --
    all_articles = [(ci, i) for ci, n in enumerate(per_col) for i in range(n)]
    n_broken = max(5, m.articles // 100)
    n_anchor = max(3, m.articles // 200)
    n_broken_att = max(2, m.articles // 400)
    n_broken_ext = max(2, min(EXTERNAL_POOL // 10, m.articles // 1000 + 2))
    broken_ext_ids = set(rng.sample(range(EXTERNAL_POOL), n_broken_ext))
    m.broken_external = sorted(f"/ext/{i:04d}.html" for i in broken_ext_ids)

    # citing page -> extra raw hrefs (each planted target cited from 1..3 articles)
    extra_links: dict[tuple[int, int], list[tuple[str, str]]] = {}

    def cite(target: str, text: str) -> None:
        for src in rng.sample(all_articles, rng.randint(1, 3)):
            extra_links.setdefault(src, []).append((target, text))

    good_ext_ids = [k for k in range(EXTERNAL_POOL) if k not in broken_ext_ids]
    for target in m.broken_external:  # cited explicitly so every planted one is reachable
        cite(f"{ext}{target}", "外部链接（已失效）")
    for k in range(n_broken):
        ci = rng.randrange(len(COLUMNS))
        target = f"/col/{COLUMNS[ci][0]}/art/{900000 + k:06d}.html"
        m.broken_internal.append(target)
        cite(target, f"已撤稿文章 {k}")
    for k in range(n_broken_att):
        ci = rng.randrange(len(COLUMNS))
        target = f"/col/{COLUMNS[ci][0]}/att/missing_{k:04d}.pdf"
        m.broken_internal.append(target)
        cite(target, f"附件（已删除）{k}.pdf")
    for k in range(n_anchor):
        ci, i = rng.choice(all_articles)
        target = f"{_article_path(COLUMNS[ci][0], i)}#sec-{SECTIONS_PER_ARTICLE + 1 + k % 5}"
        if target in m.missing_anchors:
            continue
        m.missing_anchors.append(target)
        cite(target, f"见第{SECTIONS_PER_ARTICLE + 1 + k % 5}节")
    for k in range(max(3, m.articles // 1000)):  # decoys: redirects to real pages, valid anchors
        ci, i = rng.choice(all_articles)
        target = "/old" + _article_path(COLUMNS[ci][0], i)
        m.redirect_decoys.append(target)
        cite(target, "旧版链接")
        ci, i = rng.choice(all_articles)
        cite(f"{_article_path(COLUMNS[ci][0], i)}#sec-{1 + k % SECTIONS_PER_ARTICLE}", "相关条款")
    m.robots_disallowed = ["/private/index.html"]
    cite("/private/index.html", "内部资料")
    m.broken_internal.sort()
    m.missing_anchors.sort()

    # -- articles -------------------------------------------------------------------------
    attachments = 0
    for ci, (col, col_name) in enumerate(COLUMNS):
        n = per_col[ci]
        for i in range(n):
            path = _article_path(col, i)
            links = [_a("/index.html", "首页"), " &gt; ", _a(_list_path(col, 1), col_name)]
            toc = "".join(_a(f"#sec-{s}", f"第{s}节") for s in range(1, SECTIONS_PER_ARTICLE + 1))
            sections = "".join(
                f"<h2 id=\"sec-{s}\">第{s}节</h2><p>关于{col_name}工作的第{s}项说明，"
                f"依据《上海市城市管理行政执法条例》办理。编号 {ci:02d}-{i:06d}-{s}。</p>"
                for s in range(1, SECTIONS_PER_ARTICLE + 1))
            related = []
            for r in range(rng.randint(4, 14)):
                rc = ci if r % 3 else rng.randrange(len(COLUMNS))
                if per_col[rc]:
                    j = rng.randrange(per_col[rc])
                    related.append(_a(_article_path(COLUMNS[rc][0], j), f"相关信息 {COLUMNS[rc][1]} {j}"))
            atts = []
            for a in range(rng.randint(1, 2)):
                ext_name = "pdf" if a == 0 else rng.choice(("docx", "xlsx"))
                att = f"/col/{col}/att/{i:06d}_{a}.{ext_name}"
                portal.write(att, _attachment_bytes(ext_name, f"{col}-{i}-{a}"))
                attachments += 1
                atts.append(_a(att, f"附件{a + 1}.{ext_name}"))
            externals = [
                _a(f"{ext}/ext/{rng.choice(good_ext_ids):04d}.html", "上海市人民政府")
                for _ in range(rng.randint(1, 3))]
            prev_next = []
            if i > 0:
                prev_next.append(_a(_article_path(col, i - 1), "上一篇"))
            if i + 1 < n:
                prev_next.append(_a(_article_path(col, i + 1), "下一篇"))
            extra = "".join(_a(href, text) for href, text in extra_links.get((ci, i), []))
            body = (
                f"<div class=\"crumb\">{''.join(links)}</div><h1>{col_name}信息 {i}</h1>"
                f"<div class=\"toc\">{toc}</div>{sections}<div class=\"att\">{''.join(atts)}</div>"
                f"<div class=\"related\">{''.join(related)}{extra}</div>"
                f"<div class=\"ext\">{''.join(externals)}</div><div class=\"pn\">{''.join(prev_next)}</div>"
                f"<p><img src=\"/static/icon-{ci % 5}.png\" alt=\"栏目图标\"></p>")
            portal.write(path, _page(f"{col_name}信息 {i}", body, nav))

        # -- column list pages --------------------------------------------------------------
        for p in range(lists_per_col[ci]):
            first = p * ARTICLES_PER_LIST_PAGE
            items = "".join(
                f"<li>{_a(_article_path(col, j), f'{col_name}信息 {j}')}<span>2025-{1 + j % 12:02d}-"
                f"{1 + j % 28:02d}</span></li>"
                for j in range(first, min(n, first + ARTICLES_PER_LIST_PAGE)))
            pager = "".join(_a(_list_path(col, q + 1), str(q + 1))
                            for q in range(max(0, p - 3), min(lists_per_col[ci], p + 4)) if q != p)
            portal.write(_list_path(col, p + 1), _page(
                f"{col_name} 第{p + 1}页", f"<h1>{col_name}</h1><ul>{items}</ul><div class=\"pager\">{pager}</div>",
                nav))
    m.attachments = attachments

    # -- home, sitemap, about, robots, assets, decoy targets ---------------------------------
    home_items = "".join(
        f"<h2>{_a(_list_path(c, 1), name)}</h2><ul>" + "".join(
            f"<li>{_a(_article_path(c, j), f'{name}信息 {j}')}</li>" for j in range(min(8, per_col[ci])))
        + "</ul>" for ci, (c, name) in enumerate(COLUMNS))
    portal.write("/index.html", _page("首页", f"<h1>首页</h1>{home_items}", nav))
    portal.write("/sitemap.html", _page("网站地图", "<ul>" + "".join(
        f"<li>{_a(_list_path(c, q + 1), f'{name} {q + 1}')}</li>"
        for ci, (c, name) in enumerate(COLUMNS) for q in range(lists_per_col[ci])) + "</ul>", nav))
    portal.write("/about.html", _page("关于我们", "<h1>关于我们</h1><p>浦江区城市管理行政执法局。</p>", nav))
    portal.write("/private/index.html", _page("内部资料", "<p>robots.txt 禁止抓取。</p>", nav))
    portal.write("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    portal.write("/static/site.css", "body{font-family:sans-serif}nav a{margin:0 4px}\n")
    portal.write("/static/site.js", "document.documentElement.className='js';\n")
    for name in ["logo"] + [f"icon-{k}" for k in range(5)]:
        portal.write(f"/static/{name}.png", _PNG_1PX)
    for k in range(EXTERNAL_POOL):
        if k not in broken_ext_ids:
            external.write(f"/ext/{k:04d}.html", f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
                                                  f"外部页面 {k}</title></head><body><p>{k}</p></body></html>\n")
    external.write("/robots.txt", "User-agent: *\nDisallow:\n")
    m.link_occurrences = portal.links
    (root / "manifest.json").write_text(json.dumps(m.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return m


_PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def _attachment_bytes(kind: str, tag: str) -> bytes:
    if kind == "pdf":
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
                b"endobj\ntrailer<</Root 1 0 R>>\n%" + tag.encode() + b"\n%%EOF\n")
    # docx/xlsx are zip containers; an empty zip (end-of-central-directory record) is enough here
    return b"PK\x05\x06" + b"\x00" * 18
