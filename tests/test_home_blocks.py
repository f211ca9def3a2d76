"""Dated homepage blocks (checks/disclosure/home_blocks.py) read from markup variants: headed lists, div
rows, tabs, tables, aria-labelledby sections, Hanweb data islands; links without dates are
no block. The crawled end-to-end cases (three CMS families) are in tests/test_columns_discovery.py."""

from __future__ import annotations

import pytest

from checks._pages import parse_html
from checks.disclosure.home_blocks import find_blocks


def _titles(body: str, min_items: int = 3) -> dict[str, int]:
    header = "<div class='header'><ul><li><a href='/a'>首页</a> 2024-01-01</li></ul></div>"
    tree = parse_html(f"<html><body>{header}{body}</body></html>")
    return {b.title: len(b.rows) for b in find_blocks(tree, min_items, 12)}


ROWS = "".join(f'<li><a href="/n{i}.html">新闻{i}</a><span>2026-11-0{i}</span></li>' for i in range(1, 4))


@pytest.mark.parametrize("body, expected", [
    (f"<h2>要闻动态</h2><ul>{ROWS}</ul>", {"要闻动态": 3}),
    (f'<section aria-labelledby="h"><h2 id="h">通知公告</h2><div class="x"><ul>{ROWS}</ul></div></section>',
     {"通知公告": 3}),
    ('<div class="box"><div class="box-hd"><span class="name">街镇动态</span><a href="/m">更多</a></div>'
     '<div class="bd">' + "".join(f'<div class="item"><a href="/t{i}.html">动态{i}</a>'
                                  f'<div>2026-10-0{i}</div></div>' for i in range(1, 4)) + "</div></div>",
     {"街镇动态": 3}),
    ('<ul class="tab"><li>工作动态</li><li>街镇动态</li></ul><div class="panels">'
     f'<ul>{ROWS}</ul><ul>{ROWS.replace("新闻", "街镇")}</ul></div>', {"工作动态": 3, "街镇动态": 3}),
    ('<table><tr><th colspan="2">政策文件</th></tr>' + "".join(
        f'<tr><td><a href="/z{i}.html">文件{i}</a></td><td>[10-0{i}]</td></tr>'
        for i in range(1, 4)) + "</table>",
     {"政策文件": 3}),
    ('<div><h3>工作动态</h3><div id="1"><script type="text/xml"><datastore><recordset>' + "".join(
        f'<record><![CDATA[<li><a href="/art/{i}.html">动态{i}</a><span>2026-11-0{i}</span></li>]]></record>'
        for i in range(1, 4)) + "</recordset></datastore></script></div></div>", {"工作动态": 3}),
])
def test_block_titles_across_markups(body, expected):
    assert _titles(body) == expected


def test_static_links_and_short_lists_are_no_blocks():
    links = '<h3>便民服务</h3><ul><li><a href="/a">办事指南</a></li><li><a href="/b">表格下载</a></li>' \
            '<li><a href="/c">公共服务</a></li></ul>'
    assert _titles(links) == {}
    assert _titles(f"<h2>要闻</h2><ul>{ROWS}</ul>", min_items=4) == {}
