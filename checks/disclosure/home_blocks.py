"""Homepage blocks: each dated block of the homepage (要闻动态, 通知公告, 街镇动态 …) judged
against its own update window (rule ``home-block-stale``).

``home-stale`` (checks/disclosure/freshness.py) judges the homepage as a whole, as veto V3 does: one
fresh block hides a block whose newest item is two months old. This rule finds every
*dated block*: a container holding at least ``columns.home_blocks.min_items`` rows, each
row one link plus a date (``li``, table rows, ``div``/``p`` rows, Hanweb data-island
records), outside header, navigation and footer. Its title is read from, in order: an
``aria-labelledby`` target, the table's header row or caption, the matching tab of a tab
strip (panels that are siblings, labels in a preceding strip), or the nearest preceding
heading or title-like element (``h1``–``h6``, id/class with tit/title/hd/head/name); words
such as 更多/more are dropped. The block is typed by its title with ``columns.type_keywords``
and judged against ``columns.windows_days`` of that type.

A block whose title has no type keyword (专题专栏, 图片, 便民服务 …) is judged by
``columns.home_blocks.default_type``, which is ``null`` (skipped) by default: the rule book
gives windows per column *type* only (V4/D4 [S]), and guessing a type for an untitled or
unusual block would trade a missed stale block for false alarms on clean portals. Set a
type (e.g. ``notice``) to judge every dated block. Blocks without dates are never blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from checks._columns import _guess_type
from checks._dates import read_date
from checks._pages import in_chrome, squash, stored_tree, text_of
from checks.base import CheckContext, Rule
from config import site_homepage
from crawler.store import Finding

HOME_BLOCK_STALE = Rule(
    id="home-block-stale", title_zh="首页栏目区块未按时更新", title_en="Homepage block not updated in time",
    severity="warning", assessment="deduction",
    basis="国办秘函〔2019〕19号 扣分 D4 更新时效（动态要闻2周、通知公告/政策文件6个月、人事/规划计划1年）[S]; "
          "首页整体不更新为单项否决 V3（规则 home-stale）",
    advice_zh="更新该首页区块（或其对应栏目）并标注发布日期；确已停更的区块应从首页撤下。",
    advice_en="Publish a new dated item in this homepage block (or its column); take a discontinued "
              "block off the homepage.",
    doc="A dated block of the homepage (a titled container of at least columns.home_blocks.min_items dated "
        "links: ul/li, table, div rows, tabs, Hanweb data islands), typed by its title with "
        "columns.type_keywords, whose newest item is older than that type's columns.windows_days. Reported "
        "even when another block is fresh (home-stale, the V3 veto input, judges the whole homepage). Blocks "
        "without a type keyword use columns.home_blocks.default_type (null: skipped). Example: 街镇动态 "
        "whose newest item is 53 days old next to a fresh 要闻动态.",
)

RULES = [HOME_BLOCK_STALE]

_ROW_TAGS = ("li", "tr", "dd", "div", "p")
_TITLE_HINT = re.compile(r"tit|title|hd|head|name|caption|lanmu|\blm", re.I)
_NOISE = re.compile(r"(更多|more|MORE|More|»|>>|＞＞|\+)+\s*$")


@dataclass
class Block:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)   # (link text, date text)


def _content_anchor(el: Any) -> list[Any]:
    return [a for a in el.iter("a")
            if a.get("href") and not a.get("href", "").startswith(("#", "javascript:"))]


def _row_date(el: Any) -> str:
    """The date text of a row: its text without the link's, when that holds a date."""
    links = _content_anchor(el)
    if len(links) != 1:
        return ""
    title = text_of(links[0])
    rest = squash(text_of(el).replace(title, " ", 1)) if title else text_of(el)
    return rest if read_date(rest, None, allow_short=True).status != "missing" or _short_date(rest) else ""


_SHORT_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)")


def _short_date(text: str) -> bool:
    return bool(_SHORT_DATE.search(text))


def _clean_title(text: str, limit: int) -> str:
    text = _NOISE.sub("", squash(text)).strip()
    return text if 0 < len(text) <= limit else ""


def _tab_title(container: Any, limit: int) -> str:
    """The tab label of a panel: panels are same-tag siblings that hold dated rows; the strip of
    labels precedes the panels' parent (or the first panel) with as many short entries."""
    for panel in [container, container.getparent()]:
        parent = panel.getparent() if panel is not None else None
        if parent is None:
            continue
        panels = [c for c in parent if isinstance(c.tag, str) and c.tag == panel.tag and any(
            _row_date(r) for r in c.iter(*_ROW_TAGS))]
        if len(panels) < 2 or panel not in panels:
            continue
        index = panels.index(panel)
        holders = [s for s in parent.itersiblings(preceding=True)] + [
            s for s in panels[0].itersiblings(preceding=True)]
        for strip in holders:
            labels = [squash(c.text_content()) for c in strip if isinstance(c.tag, str)]
            labels = [lab for lab in labels if lab]
            if len(labels) == len(panels):
                return _clean_title(labels[index], limit)
    return ""


def _heading_title(container: Any, limit: int) -> str:
    node = container
    for _ in range(4):
        if node is None:
            return ""
        if node.tag == "table":
            head = node.find(".//caption")
            if head is None:
                head = next((r for r in node.iter("tr") if r.find("th") is not None), None)
            if head is not None and _clean_title(text_of(head), limit):
                return _clean_title(text_of(head), limit)
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str) or sib.tag in ("script", "style"):
                continue
            marker = f"{sib.get('id', '')} {sib.get('class', '')}"
            if re.fullmatch(r"h[1-6]", sib.tag) or _TITLE_HINT.search(marker):
                named = sib.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4 "
                                  "or contains(@class,'name') or contains(@class,'tit')]")
                title = _clean_title(text_of(named[0]) if named else text_of(sib), limit)
                if title:
                    return title
            break  # only the nearest preceding element can be the block's heading
        node = node.getparent()
    return ""


def _title(container: Any, tree: Any, limit: int) -> str:
    for node in [container, *list(container.iterancestors())[:3]]:
        ref = node.get("aria-labelledby")
        if ref:
            target = tree.xpath("//*[@id=$id]", id=ref.split()[0])
            if target:
                return _clean_title(text_of(target[0]), limit)
    return _tab_title(container, limit) or _heading_title(container, limit)


def find_blocks(tree: Any, min_items: int, title_limit: int) -> list[Block]:
    """Dated blocks of a page (see the module doc)."""
    rows = [el for el in tree.iter(*_ROW_TAGS) if not in_chrome(el) and _row_date(el)]
    row_set = set(rows)
    leaves = [r for r in rows if not any(d in row_set for d in r.iterdescendants())]
    groups: dict[Any, list[Any]] = {}
    for row in leaves:
        groups.setdefault(row.getparent(), []).append(row)
    blocks = []
    for container, members in groups.items():
        if container is None or len(members) < min_items:
            continue
        block = Block(_title(container, tree, title_limit))
        for row in members:
            link = _content_anchor(row)[0]
            block.rows.append((text_of(link), _row_date(row)))
        blocks.append(block)
    return blocks


def run(ctx: CheckContext) -> Iterator[Finding]:
    home = site_homepage(ctx.site)
    tree = stored_tree(ctx, home)
    if tree is None:
        return
    conf = ctx.threshold("columns.home_blocks")
    windows = ctx.threshold("columns.windows_days")
    tolerance = int(ctx.threshold("freshness.future_tolerance_days"))
    newest_by_title: dict[str, tuple[date | None, Block, str]] = {}
    for block in find_blocks(tree, int(conf["min_items"]), int(conf["max_title_chars"])):
        ctype = _guess_type(block.title, ctx) if block.title else "static"
        if ctype == "static":
            ctype = conf["default_type"] or ""
        if not ctype or not windows.get(ctype):
            continue
        reads = (read_date(text, ctx.today, future_tolerance_days=tolerance) for _, text in block.rows)
        dates = [d.value for d in reads if d.ok and d.value]
        newest = max(dates) if dates else None
        key = block.title or f"#{len(newest_by_title)}"
        seen = newest_by_title.get(key)
        if seen is None or (newest and (seen[0] is None or newest > seen[0])):
            newest_by_title[key] = (newest, block, ctype)
    for key, (newest, block, ctype) in newest_by_title.items():
        window = int(windows[ctype])
        if newest is not None and ctx.today - newest <= timedelta(days=window):
            continue
        name = block.title or "（无标题区块）"
        seen_zh = f"最新信息日期{newest.isoformat()}" if newest else "区块内没有可读的日期"
        seen_en = f"newest item {newest.isoformat()}" if newest else "no readable date in the block"
        days = (ctx.today - newest).days if newest else None
        yield HOME_BLOCK_STALE.finding(
            home, f"首页区块“{name}”超过{window}天未更新（{seen_zh}）",
            f"Homepage block '{name}' not updated within {window} days ({seen_en})", target=name,
            evidence={"block": block.title, "type": ctype, "window_days": window,
                      "newest": newest.isoformat() if newest else None, "age_days": days,
                      "items": len(block.rows), "sample": [t for t, _ in block.rows[:3]]})
