"""Rule ``link-malformed``: links no visitor's browser can open, whatever the network does.

The crawler (crawler/spiders/linking.py) records every link occurrence and never fetches
these; it marks them in the ``links`` table by ``scheme``:

* ``invalid``: the href cannot be parsed as a URL (``http://localhost]``, ``http://[::1``),
  an explicit ``http://`` with no host, a host with characters browsers reject, or a port
  outside 0-65535 (``crawler.urls.url_problem`` decides);
* ``file``: a ``file:///`` link points into the author's own disk (``file:///C:/Users/...``):
  it opens nothing on a visitor's machine.

One finding per distinct target (the href as written), ``page_url`` = the first citing page
(where the webmaster goes to fix it), ``referrers`` = every citing page, so a template
defect repeated on 1,000 pages is one finding with 1,000 referrers, not 1,000 findings.
No settings: these links are broken by construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from checks.links._rules import _D6
from checks.base import CheckContext, Rule
from crawler.store import Finding
from crawler.urls import url_problem

LINK_MALFORMED = Rule(
    id="link-malformed", title_zh="无效链接（地址写法错误）", title_en="Malformed link (no browser can open it)",
    severity="error", assessment="deduction", basis=_D6,
    advice_zh="改正链接地址的写法（多余的 ]、缺少主机名、错误端口），或删除该链接；"
              "file:/// 开头的是编辑人员本机路径，请上传文件后改为网站上的地址。",
    advice_en="Correct the address (a stray ], a missing host name, a bad port) or remove the link; a "
              "file:/// link points to the editor's own disk: upload the file and link its web address.",
    doc="What: a link whose address is not a URL a browser can open: unparsable (`http://localhost]`), "
        "`http://` without a host, a host with a space or a port above 65535, or a `file:///` path. "
        "The crawler records such links and never fetches them; one finding per address with every "
        "citing page.\n"
        "Why: the link is dead for every visitor, not just for the checker (D6 链接可用性); `file:` "
        "links usually mean an editor pasted a path from their own computer.\n"
        "Example: a notice links 附件 as file:///D:/办公/2024/通知.docx.",
)

RULES = [LINK_MALFORMED]

_CAUSES = {
    "unparsable": ("地址无法解析", "the address cannot be parsed"),
    "no-host": ("缺少主机名", "the address has no host name"),
    "bad-host": ("主机名含非法字符", "the host name holds characters browsers reject"),
    "file": ("指向本机文件（file:），访客无法打开", "points to a local file (file:) no visitor can open"),
    "invalid": ("地址无效", "the address is not a valid URL"),
}


def _cause(scheme: str, target: str) -> str:
    if scheme == "file":
        return "file"
    return url_problem(target) or "invalid"


def run(ctx: CheckContext) -> Iterator[Finding]:
    rows = ctx.store.links(ctx.run_id, schemes=("invalid", "file"))  # ordered by target_url
    for target, group in groupby(rows, key=lambda r: r["target_url"]):
        occurrences = list(group)
        referrers = [{"page": r["source_url"], "text": r["text"] or "", "tag": r["tag"], "attr": r["attr"],
                      "href": r["raw_href"]} for r in occurrences]
        first_page = min(r["page"] for r in referrers)
        pages = len({r["page"] for r in referrers})
        cause = _cause(occurrences[0]["scheme"], target)
        zh, en = _CAUSES[cause]
        yield LINK_MALFORMED.finding(
            first_page, f"无效链接“{target[:200]}”：{zh}（{pages} 个页面引用）",
            f"Malformed link '{target[:200]}': {en} ({pages} citing page{'s' if pages > 1 else ''})",
            target=target, evidence={"href": target, "cause": cause, "occurrences": len(occurrences),
                                     "pages": pages}, referrers=referrers)
