"""政府信息公开指南 contents: the guide states what 条例 Art 12 requires.

The worked example of docs/adding-a-rule.md: this file, its fixtures
(tests/fixtures/disclosure/gk_guide/) and its test (tests/test_disclosure_gk_guide.py)
are everything the rule needed; the registry discovers it.

The guide is the list page of the profile column named ``docmeta.guide_column``
(config/rules.yaml; default 政府信息公开指南), or else any crawled page titled so.
Governed by ``docmeta.guide_fields`` (field name → regex looked for in the page text).
A missing guide is column-missing's business (checks/disclosure/columns.py), not this rule's.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks._columns import site_facts
from checks._pages import config_regex
from checks.base import CheckContext, Rule
from crawler.store import Finding

GUIDE_FIELDS = Rule(
    id="gk-guide-fields", title_zh="政府信息公开指南要素不全", title_en="Disclosure guide lacks required elements",
    severity="warning", assessment="advisory", basis="政府信息公开条例 Art 12 [C]",
    advice_zh="在政府信息公开指南中写明信息分类、编排体系、获取方式，以及工作机构的名称、办公地址、办公时间、"
              "联系电话、传真号码、互联网联系方式。",
    advice_en="State the classification, arrangement and means of access, and the disclosure office's name, "
              "address, hours, phone, fax and online contact in the guide.",
    doc="Looks for each element of docmeta.guide_fields in the text of the 政府信息公开指南 page. Example: a "
        "guide that gives a phone number but no 传真号码 or office hours.",
)

RULES = [GUIDE_FIELDS]


def run(ctx: CheckContext) -> Iterator[Finding]:
    facts = site_facts(ctx)
    name = ctx.threshold("docmeta.guide_column")
    fields = {field: config_regex(rx, f"docmeta.guide_fields.{field}")
              for field, rx in ctx.threshold("docmeta.guide_fields").items()}
    column = next((c for c in facts.columns if c.name == name and c.url in facts.views), None)
    urls = [column.url] if column else sorted(u for u, v in facts.views.items() if v.title.startswith(name))
    for url in urls:
        text = facts.text(ctx, url)
        lacking = [field for field, rx in fields.items() if not rx.search(text)]
        if lacking:
            yield GUIDE_FIELDS.finding(
                url, f"政府信息公开指南缺少：{'、'.join(lacking)}", f"The disclosure guide lacks: {', '.join(lacking)}",
                target="、".join(lacking), evidence={"missing": lacking})
