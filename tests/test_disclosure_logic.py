"""Table-driven tests of the pure logic behind the disclosure rules: 文号 format, validity
reading and term limits, required metadata, 索引号 patterns, the annual-report year, the
metadata-table parser and the profile's columns:/disclosure: validation."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from checks._pages import metadata_fields, parse_html
from checks._views import page_view
from checks.disclosure.annual_report import required_year
from checks.disclosure.docmeta import docno_problems, docno_year_gap, missing_fields
from checks.disclosure.normative import read_validity
from config import RULES_FILE, ConfigError, load_site

RULES = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
DOCNO = RULES["docmeta"]["docno_pattern"]
ALIASES = RULES["labels"]


@pytest.mark.parametrize("docno, problem", [
    ("沪城管规〔2024〕3号", None),
    ("国办秘函〔2019〕19号", None),
    (" 沪城管规 〔2024〕 3号 ", None),           # stray spaces from the page
    ("沪城管规〔2023〕3号", None),               # the year is not a format question (docno_year_gap)
    ("沪城管规[2024]3号", "六角括号"),
    ("沪城管规【2024】3号", "六角括号"),
    ("沪城管规(2024)3号", "六角括号"),
    ("沪城管规（2024）3号", "六角括号"),
    ("沪城管规〔2024〕03号", "前导0"),
    ("沪城管规〔2024〕0号", "前导0"),
    ("沪城管规〔2024〕第3号", "第"),
    ("沪城管规〔2024〕3", "缺少“号”"),
    ("沪城管规〔24〕3号", "格式"),
    ("沪城管规2024年3号", "格式"),
    ("〔2024〕3号", "格式"),
    ("<b>x</b>", "格式"),
])
def test_docno_problems(docno, problem):
    problems = docno_problems(docno, DOCNO)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("docno, issued, gap", [
    ("沪城管规〔2024〕3号", date(2024, 5, 6), (2024, 0)),
    ("沪城管规〔2025〕1号", date(2024, 12, 29), (2025, 3)),     # signed late December, numbered in January
    ("沪城管规〔2023〕5号", date(2024, 1, 5), (2023, 5)),      # numbered in December, signed in January
    ("沪城管规〔2023〕5号", date(2024, 6, 28), (2023, 180)),
    ("沪城管规〔2021〕5号", date(2024, 1, 2), (2021, 732)),
    ("沪城管规〔2024〕3号", None, None),
    ("沪城管规3号", date(2024, 5, 6), None),
])
def test_docno_year_gap(docno, issued, gap):
    assert docno_year_gap(docno, issued) == gap


@pytest.mark.parametrize("value, ok", [
    ("000014349/2017-00110", True),
    ("11441700007280420Y/2021-00050", True),
    ("000014349/2024-00012", True),
    ("SCG-2024-17", False),
    ("000014349/24-00012", False),
    ("", False),
])
def test_index_no_default_pattern(value, ok):
    assert bool(re.fullmatch(RULES["docmeta"]["index_no_pattern"], value)) is ok


def _view(rows: dict[str, str], body: str = "", title: str = "t"):
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows.items())
    html = f"<html><head><title>{title}</title></head><body><table>{cells}</table>{body}</body></html>"
    return page_view("http://x/", html, ALIASES)


@pytest.mark.parametrize("rows, body, state, until, start", [
    ({"有效性": "有效", "有效期至": "2029年3月3日", "成文日期": "2024-03-04"}, "", "valid", date(2029, 3, 3),
     date(2024, 3, 4)),
    ({"效力状态": "现行有效"}, "", "valid", None, None),
    ({"有效性": "失效", "有效期至": "2023-12-31"}, "", "invalid", date(2023, 12, 31), None),
    ({"有效性": "已废止"}, "", "invalid", None, None),
    ({"有效性": "部分失效"}, "", "invalid", None, None),
    ({"有效性": "待定"}, "", "unknown", None, None),
    ({}, "<p>本办法自2024年1月1日起施行，有效期至2027年12月31日。</p>", "", date(2027, 12, 31), date(2024, 1, 1)),
    ({"有效期至": "2024年2月30日"}, "", "", None, None),             # impossible date: not guessed
    ({"施行日期": "2024-06-01", "成文日期": "2024-05-01"}, "", "", None, date(2024, 6, 1)),
    ({"有效期": "2024年1月1日至2028年12月31日"}, "", "", date(2028, 12, 31), None),   # a range: its end
    ({}, "", "", None, None),
])
def test_read_validity(rows, body, state, until, start):
    v = read_validity(_view(rows, body), RULES["normative"]["valid_words"], RULES["normative"]["invalid_words"])
    assert (v.state, v.until, v.start) == (state, until, start)


RECORD = RULES["docmeta"]["required_fields"]["record"]
DOCUMENT = RECORD + RULES["docmeta"]["required_fields"]["document"]


@pytest.mark.parametrize("fields, required, missing", [
    ({"索引号": "a", "发文机构": "b", "公开类型": "c", "发布日期": "e"}, RECORD, []),
    ({"索引号": "a", "发文机构": "b", "公开类型": "c", "发布日期": "e"}, DOCUMENT, ["文号", "成文日期"]),
    ({"索引号": "a", "发文机构": "b", "公开类型": "c", "成文日期": "d", "发布日期": "e", "文号": "f"}, DOCUMENT, []),
    ({"索引号": "a", "发文机构": "b", "公开类型": "无", "发布日期": "e"}, RECORD, ["公开类型"]),
    ({"索引号": "a", "发文机构": "- -", "公开类型": "—  —", "发布日期": "e"}, RECORD, ["发文机构", "公开类型"]),
    ({}, RECORD, ["索引号", "发文机构", "公开类型", "发布日期"]),
])
def test_missing_fields(fields, required, missing):
    from config.labels import LabelTable
    table = LabelTable.build(RULES["labels"], RULES["docmeta"]["empty_values"])
    assert missing_fields(fields, required, table) == missing


@pytest.mark.parametrize("today, year", [
    (date(2026, 1, 31), 2024), (date(2026, 2, 1), 2025), (date(2026, 11, 22), 2025), (date(2026, 1, 1), 2024)])
def test_required_annual_report_year(today, year):
    assert required_year(today, "01-31") == year


@pytest.mark.parametrize("html, expected", [
    ("<table><tr><th>索引号</th><td>A/2024-00001</td><th>发布机构</th><td>本局</td></tr></table>",
     {"索引号": "A/2024-00001", "发文机构": "本局"}),
    ("<table><tr><td>索引号：A/2024-00001</td><td>发文字号：沪〔2024〕1号</td></tr></table>",
     {"索引号": "A/2024-00001", "文号": "沪〔2024〕1号"}),
    ("<dl><dt>有效性</dt><dd>有效</dd><dt>有效期</dt><dd>2029-01-01</dd></dl>",
     {"有效性": "有效", "有效期至": "2029-01-01"}),
    ("<div><span>发布日期：2024-04-12</span> <span>来源：本局</span></div>", {"发布日期": "2024-04-12"}),
    ("<p>发布时间：2024-04-12 10:30 浏览次数：12</p>", {"发布日期": "2024-04-12 10:30"}),
    ("<table><tr><th>索引号</th></tr></table>", {}),
    ("<p>这是一段正文：没有元数据。</p>", {}),
])
def test_metadata_fields(html, expected):
    assert metadata_fields(parse_html(f"<html><body>{html}</body></html>"), ALIASES) == expected


def _profile(tmp_path, text: str):
    path = tmp_path / "site.yaml"
    path.write_text("name: t\nstart_urls: ['http://gov.test/']\n" + text, encoding="utf-8")
    return load_site(path)


@pytest.mark.parametrize("block, message", [
    ("columns:\n  - {name: 动态, type: newz}", "columns[0].type: unknown column type 'newz'"),
    ("columns:\n  - {name: 动态, typ: news}", "did you mean 'type'"),
    ("columns:\n  - {name: 动态}\n  - {name: 动态}", "declared twice"),
    ("columns:\n  - {name: 动态, pattern: '(unclosed'}", "columns[0].pattern: bad regular expression"),
    ("columns:\n  - {name: 动态, window_days: 0}", "columns[0].window_days: 0 is out of range"),
    ("columns:\n  - {name: 动态, list_xpath: '//ul[@'}", "bad XPath"),
    ("columns:\n  - {name: 动态, required: 'yes'}", "expected true or false"),
    ("disclosure:\n  site_id_code: '123'", "10-character"),
    ("disclosure:\n  annual_report: {deadline: '13-40'}", "month-day"),
    ("disclosure:\n  annual_report: {title_pattern: '年度报告'}", "must contain {year}"),
    ("disclosure:\n  discover_columns: maybe", "true, false or 'auto'"),
    ("disclosure:\n  index_no_patern: x", "did you mean 'index_no_pattern'"),
    ("disclosure:\n  required_fields: [索引号, [], 发布日期]", "required_fields[1]"),
])
def test_profile_errors_are_one_line_and_name_the_key(tmp_path, block, message):
    with pytest.raises(ConfigError) as info:
        _profile(tmp_path, block)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_profile_column_types_accept_chinese_names(tmp_path):
    site = _profile(tmp_path, "columns:\n  - {name: 通知公告, type: 通知公告}\n  - {name: 指南}")
    assert [(c["type"], c["required"], c["normative"]) for c in site["columns"]] == [
        ("notice", True, False), ("static", True, False)]


def test_shipped_profiles_load():
    from config import CONFIG_DIR
    template = load_site(CONFIG_DIR / "sites" / "template-shanghai-cgzf.yaml")
    names = {c["name"] for c in template["columns"]}
    assert {"政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"} <= names
    assert any(c["normative"] for c in template["columns"])
    demo = load_site(CONFIG_DIR / "sites" / "demo.yaml")
    assert demo["disclosure"]["site_id_code"] == "3101990012"
