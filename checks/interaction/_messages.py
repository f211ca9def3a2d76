"""Message records (网民留言) read from crawled pages, the way portals publish them.

A record is one message with its title, asked date, reply date, replying unit, status and type.
Portals print them three ways, all read here:

* a ``<table>`` whose header row names the fields (留言标题 | 留言时间 | 答复时间 | 状态), one row per
  message;
* a list of blocks (``li``, ``dl``, ``div``) each printing labelled values (留言时间：2026-01-02);
* a detail page printing the same labels once for its message.

Labels are the ``interaction.labels`` table of config/rules.yaml (field -> printed labels). A list
row and the detail page it links to are one message: their fields are merged, the detail page
winning. A record whose list page, detail page or 类型 names an excluded type
(``interaction.excluded_pattern``: 信访, 举报, 访谈, 征集) is kept with ``excluded`` set, so callers
can say why it did not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checks._dates import DateRead, read_date
from checks._pages import config_regex, in_chrome, parse_html, squash, text_of
from crawler.urls import join_url

FIELDS = ("title", "asked", "replied", "unit", "status", "type")


@dataclass
class Message:
    url: str                      # the detail page when known, else the list page
    list_page: str                # the page the record was read from first
    title: str = ""
    asked: DateRead | None = None
    replied: DateRead | None = None
    unit: str = ""
    status: str = ""
    type: str = ""
    excluded: str = ""            # the excluded type word that removed it, if any
    sources: list[str] = field(default_factory=list)

    @property
    def asked_on(self) -> date | None:
        return self.asked.value if self.asked and self.asked.ok else None

    @property
    def replied_on(self) -> date | None:
        return self.replied.value if self.replied and self.replied.ok else None


class Labels:
    """``interaction.labels`` compiled: which field a printed label (or header cell) names."""

    def __init__(self, table: dict[str, list[str]]):
        self.by_label: dict[str, str] = {}
        for name, labels in (table or {}).items():
            if name not in FIELDS:
                raise ValueError(f"config/rules.yaml: interaction.labels.{name}: unknown field; use one of "
                                 f"{', '.join(FIELDS)}")
            for label in labels or []:
                self.by_label[re.sub(r"\s+", "", str(label))] = name
        ordered = sorted(self.by_label, key=len, reverse=True)  # 留言标题 before 标题
        self.inline = re.compile(
            "(" + "|".join(re.escape(lb) for lb in ordered) + r")\s*[:：]\s*" if ordered else "(?!)")

    def header(self, text: str) -> str | None:
        return self.by_label.get(re.sub(r"[\s:：]+", "", text))

    def labelled(self, text: str) -> dict[str, str]:
        """{field: value} of ``label：value`` pairs in running text (value ends at the next label)."""
        out: dict[str, str] = {}
        hits = list(self.inline.finditer(text))
        for i, hit in enumerate(hits):
            end = hits[i + 1].start() if i + 1 < len(hits) else min(len(text), hit.end() + 80)
            name = self.by_label[re.sub(r"\s+", "", hit.group(1))]
            out.setdefault(name, text[hit.end():end].strip(" 　|｜;；,，"))
        return out


def _date(text: str, today: date, tolerance: int) -> DateRead | None:
    got = read_date(text, today, allow_short=False, future_tolerance_days=tolerance)
    return got if got.status != "missing" else None


def _record(values: dict[str, str], url: str, page: str, today: date, tolerance: int) -> Message:
    return Message(url=url, list_page=page, title=squash(values.get("title", ""))[:120],
                   asked=_date(values.get("asked", ""), today, tolerance),
                   replied=_date(values.get("replied", ""), today, tolerance),
                   unit=squash(values.get("unit", "")), status=squash(values.get("status", "")),
                   type=squash(values.get("type", "")), sources=[page])


def _link(el: Any, base: str) -> tuple[str, str]:
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            joined = join_url(base, href)
            if joined:
                return joined.split("#")[0], text_of(a)
    return "", ""


def _table_records(tree: Any, page: str, labels: Labels, today: date, tol: int) -> tuple[list[Message], set]:
    out, used = [], set()
    for table in tree.iter("table"):
        rows = [r for r in table.iter("tr")]
        if not rows:
            continue
        heads = [labels.header(text_of(c)) for c in rows[0] if isinstance(c.tag, str)]
        if "asked" not in heads or "title" not in heads:
            continue
        used.add(table)
        for row in rows[1:]:
            cells = [c for c in row if isinstance(c.tag, str)]
            values = {h: text_of(c) for h, c in zip(heads, cells) if h}
            title_cell = cells[heads.index("title")] if heads.index("title") < len(cells) else row
            href, _ = _link(title_cell, page)
            msg = _record(values, href or page, page, today, tol)
            if msg.title or msg.asked:
                out.append(msg)
    return out, used


def _block_records(tree: Any, page: str, labels: Labels, today: date, tol: int,
                   skip: set) -> list[Message]:
    """Blocks printing labelled values, one message each: the smallest elements holding one
    asked-date label whose parent holds several (a list), or the page itself when it holds one."""
    asked_labels = [lb for lb, name in labels.by_label.items() if name == "asked"]
    if not asked_labels:
        return []
    asked_rx = re.compile("(" + "|".join(map(re.escape, asked_labels)) + r")\s*[:：]")

    def count(el: Any) -> int:
        return len(asked_rx.findall(text_of(el)))

    body = tree.find("body")
    root = body if body is not None else tree
    blocks = []
    for el in root.iter("li", "dl", "div", "article", "section", "tr"):
        if in_chrome(el) or any(anc in skip for anc in el.iterancestors()) or el in skip:
            continue
        parent = el.getparent()
        if count(el) == 1 and parent is not None and count(parent) > 1:
            blocks.append(el)
    out = []
    if blocks:
        for el in blocks:
            values = labels.labelled(text_of(el))
            href, text = _link(el, page)
            values.setdefault("title", text)
            out.append(_record(values, href or page, page, today, tol))
        return out
    if count(root) == 1 and not skip:  # a detail page: the page is the message
        values = labels.labelled(text_of(root))
        if "title" not in values:
            heading = root.find(".//h1")
            article = tree.xpath("//meta[@name='ArticleTitle']/@content")  # TRS and Hanweb article meta
            values["title"] = (text_of(heading) if heading is not None else squash(article[0]) if article
                               else text_of(tree.find(".//title")))
        out.append(_record(values, page, page, today, tol))
    return out


def page_messages(html: str, page: str, labels: Labels, today: date, tolerance: int = 0) -> list[Message]:
    """Every message record printed on one page."""
    tree = parse_html(html)
    if tree is None:
        return []
    for bad in tree.iter("script", "style"):
        bad.text = ""
    rows, used = _table_records(tree, page, labels, today, tolerance)
    return rows + _block_records(tree, page, labels, today, tolerance, used)


def merge(records: list[Message]) -> list[Message]:
    """One message per detail page (its list row + the page itself), else per (title, asked date)."""
    linkless: dict[str, int] = {}
    for rec in records:
        if rec.url == rec.list_page:
            linkless[rec.url] = linkless.get(rec.url, 0) + 1
    merged: dict[Any, Message] = {}
    for rec in records:
        own_page = rec.url == rec.list_page
        key: Any = (rec.title, rec.asked_on, rec.list_page) if own_page and linkless[rec.url] > 1 else rec.url
        have = merged.get(key)
        if have is None:
            merged[key] = rec
            continue
        for name in ("title", "unit", "status", "type", "asked", "replied"):  # the detail page wins
            if getattr(rec, name) and (own_page or not getattr(have, name)):
                setattr(have, name, getattr(rec, name))
        have.sources += rec.sources
    return list(merged.values())


def mark_excluded(messages: list[Message], page_titles: dict[str, str], excluded: re.Pattern) -> None:
    """Set ``excluded`` from the message type or the titles of the pages it was read from (less the
    message's own title: a consultation asking how to report something is no 举报 column)."""
    for msg in messages:
        titles = [page_titles.get(p, "").replace(msg.title, " ") if msg.title else page_titles.get(p, "")
                  for p in msg.sources]
        for text in [msg.type, *titles]:
            hit = excluded.search(text or "")
            if hit:
                msg.excluded = hit.group(0)
                break


def compile_pattern(ctx: Any, key: str) -> re.Pattern:
    return config_regex(ctx.threshold(key), key)
