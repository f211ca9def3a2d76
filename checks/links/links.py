"""Link rules: broken, unverified, timed-out, redirecting, soft-404 links and missing #fragments.

Reads the facts of one run (docs/ARCHITECTURE.md vocabulary) and yields one finding per
failing *target* (``page_url`` = ``target`` = the target URL; ``url#fragment`` for
link-anchor-missing), with ``referrers`` = every citing page. Three streaming passes, none of
which loads all links or pages of a run into memory:

1. status pass over the resources that are not a plain 2xx (``classify`` in
   checks/links/_common.py decides broken / unverified / timeout / loop); redirect chains
   and attachments answered with HTML are judged on the same rows;
2. soft-404 pass (checks/links/_notfound.py: the site's not-found fingerprint from the crawl's
   probes, title/H1 signatures as the fallback) over in-scope pages redirected where missing
   URLs go, then over the 2xx resources with a stored body (in-scope pages and the external
   pages the crawler fetched with GET);
3. fragment pass over the links that carry a ``#fragment``, grouped by target (``/dir/`` and
   ``/dir/index.html`` serving one document are one target).

Governed by config/rules.yaml ``links:`` and ``soft404:`` and by the profile's ``links.*``,
``soft404.*`` (see checks/links/_common.py). The homepage's own failure is reported by
``home-unreachable`` (checks/crawl/crawl.py), not here; skipped URLs (robots, traps, limits,
``ignored``) never produce a link finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import unquote

from checks.links._common import (LinkSettings, Verdict, citing_pages, classify,
                                  homepage_identities, homepage_landing_verdict, link_evidence)
from checks.links._content import fragment_verdict
from checks.links._notfound import NotFound
from checks.links._rules import (ATTACHMENT_TYPE_MISMATCH, LINK_ANCHOR_MISSING, LINK_BROKEN,
                                 LINK_BROKEN_HOME, LINK_FORBIDDEN_ADDRESS, LINK_JUMP_INVALID,
                                 LINK_REDIRECT_CHAIN, LINK_REDIRECT_LOOP, LINK_SOFT_404, LINK_TIMEOUT,
                                 LINK_UNVERIFIED, RULES)
from checks.base import CheckContext, Rule
from checks.pagepass import Page
from crawler.store import Finding
from crawler.urls import url_identity

__all__ = ["RULES", "run", "NEEDS_CONTENT"]
NEEDS_CONTENT = False  # judges fetch facts of the links found: runs on an unreadable site too
# its scan reads the raw page and the profile's soft404 patterns only, and keeps a set of URLs
SCAN_DURING_CRAWL = True  # checks.livepass: audited safe to scan while the crawl runs



_SIGNED = "links.soft404_signed"


def scan(ctx: CheckContext, page: Page) -> None:
    """The page pass (``checks.pagepass``): whether each page's text carries a not-found pattern
    (the soft-404 pre-filter), so the soft-404 pass reads again only the pages it must look at."""
    patterns = ctx.memo("links.soft404_patterns", lambda: LinkSettings.from_context(ctx).soft404_patterns)
    signed = ctx.memo(_SIGNED, set)  # only the (few) pages carrying a pattern: memory stays flat
    lowered = page.html.lower()
    if any(p in lowered for p in patterns):
        signed.add(page.url)


def run(ctx: CheckContext) -> Iterator[Finding]:
    settings = LinkSettings.from_context(ctx)
    home, home_row, home_ids = homepage_identities(ctx)
    home_key = url_identity(home_row["url"]) if home_row else url_identity(home)
    start_urls = (ctx.site.get("start_urls") if isinstance(ctx.site, dict) else None) or []
    start_ids = frozenset(url_identity(u) for u in start_urls) | {home_key}
    yield from _status_pass(ctx, settings, home_ids, home_key, start_ids)
    yield from _soft404_pass(ctx, settings, home_ids, start_ids)
    yield from _fragment_pass(ctx, settings)
    if settings.problems:  # after the findings, so checks.registry records it without losing them
        raise ValueError("; ".join(settings.problems))


# -- pass 1: HTTP and network verdicts -------------------------------------------------------
def _citations(ctx: CheckContext, url: str, home_ids: frozenset[str]) -> tuple[list[dict[str, Any]], bool]:
    referrers = citing_pages(ctx, url)
    return referrers, any(url_identity(r["page"]) in home_ids for r in referrers)


def _cited(referrers: list[dict[str, Any]], on_home: bool) -> tuple[str, str]:
    pages = len({r["page"] for r in referrers})
    if not pages:
        return "（未被已抓取页面引用，来自起始地址）", " (not cited by a crawled page: a start URL)"
    home_zh, home_en = ("首页引用；", "cited on the homepage; ") if on_home else ("", "")
    return f"（{home_zh}{pages} 个页面引用）", f" ({home_en}{pages} citing page{'s' if pages > 1 else ''})"


@dataclass(frozen=True)
class _Verdict:
    """One finding to emit for a target; ``{cited}`` in the messages becomes the citation note."""

    rule: Rule
    message_zh: str
    message_en: str
    extra: dict[str, Any] | None = None


def _status_pass(ctx: CheckContext, settings: LinkSettings, home_ids: frozenset[str],
                 home_key: str, start_ids: frozenset[str]) -> Iterator[Finding]:
    def body_of(url: str) -> str | None:
        return ctx.store.body(ctx.run_id, url)

    for res in ctx.store.resources(ctx.run_id, fetched=True, plain_ok=False):
        is_home = res["url"] == home_key  # a stored URL is its own identity (crawler.urls.url_identity)
        verdict = (is_home and homepage_landing_verdict(res, home_key)) or classify(res, settings, body_of)
        if verdict.outcome in ("skipped", "unfetched"):
            continue
        verdicts = [*_status_verdicts(res, verdict, is_home), *_chain_verdicts(res, verdict, settings),
                    *_attachment_verdicts(res)]
        if not verdicts:
            continue  # most rows here are a harmless 1-hop redirect: don't even look up referrers
        url = res["url"]
        referrers, on_home = _citations(ctx, url, home_ids)
        if not referrers and url_identity(url) not in start_ids:
            # No page links here: the crawler recorded where a redirect landed (the linked
            # URL that redirected carries the finding) or a URL it found outside any page.
            continue
        cited_zh, cited_en = _cited(referrers, on_home)
        evidence = link_evidence(res, verdict)
        if on_home:
            evidence["cited_on_homepage"] = True
        for v in verdicts:
            rule = LINK_BROKEN_HOME if v.rule is LINK_BROKEN and on_home else v.rule
            yield rule.finding(url, v.message_zh.format(cited=cited_zh), v.message_en.format(cited=cited_en),
                               target=url, evidence={**evidence, **(v.extra or {})}, referrers=referrers)


def _status_verdicts(res: dict[str, Any], verdict: Verdict, is_home: bool) -> list[_Verdict]:
    outcome = verdict.outcome
    if outcome == "unverified":
        return [_Verdict(LINK_UNVERIFIED, f"链接目标{_brace(verdict.reason_zh)}{{cited}}",
                         f"Link target {_brace(verdict.reason_en)}{{cited}}")]
    if is_home:  # the homepage's own failure is home-unreachable (checks/crawl/crawl.py)
        return []
    if outcome == "broken":
        return [_Verdict(LINK_BROKEN, f"链接目标不可用：{_brace(verdict.reason_zh)}{{cited}}",
                         f"Broken link target: {_brace(verdict.reason_en)}{{cited}}")]
    if outcome == "forbidden":
        return [_Verdict(LINK_FORBIDDEN_ADDRESS, f"链接目标{_brace(verdict.reason_zh)}{{cited}}",
                         f"Link target {_brace(verdict.reason_en)}{{cited}}",
                         _forbidden_evidence(res.get("error") or ""))]
    if outcome == "timeout":
        return [_Verdict(LINK_TIMEOUT, f"链接目标{verdict.reason_zh}，疑似不可用{{cited}}",
                         f"Link target {verdict.reason_en}; suspected broken{{cited}}")]
    if outcome == "loop" or _revisits(res):
        return [_Verdict(LINK_REDIRECT_LOOP, "链接目标重定向循环，无法到达{cited}",
                         "Link target redirects in a loop and never arrives{cited}")]
    return []


_FORBIDDEN_RE = re.compile(
    r"(?P<address>[0-9A-Fa-f:.]+): (?P<label>[^;]+?) \((?P<network>[^)]+)\); not fetched")


def _forbidden_evidence(error: str) -> dict[str, str]:
    """Address, range and its label from the crawler's refusal (crawler/netguard.py ``Judgement.reason``)."""
    match = _FORBIDDEN_RE.search(error)
    return {f"forbidden_{k}": v for k, v in match.groupdict().items()} if match else {}


def _brace(text: str) -> str:
    """Escape a reason (it may quote server text) for the ``{cited}`` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _revisits(res: dict[str, Any]) -> bool:
    """A chain that visits a URL twice and never got a 2xx (a cookie-setting bounce that
    ends on a real page is not a loop for a browser)."""
    status = res.get("status")
    if status is not None and 200 <= status < 300:
        return False
    hops = [h.get("url") for h in res.get("redirect_chain") or [] if isinstance(h, dict)]
    if res.get("final_url") and hops:
        hops.append(res["final_url"])
    return len(hops) != len(set(hops))


def _chain_verdicts(res: dict[str, Any], verdict: Verdict, settings: LinkSettings) -> list[_Verdict]:
    hops, limit = len(res.get("redirect_chain") or []), settings.max_redirects
    if verdict.outcome == "loop" or _revisits(res):
        return []
    extra = {"hops": hops, "max_redirects": limit}
    if verdict.outcome == "unterminated":
        return [_Verdict(LINK_REDIRECT_CHAIN, f"链接目标重定向 {hops} 次后仍未结束（上限 {limit} 次）{{cited}}",
                         f"Link target still redirecting after {hops} hops (limit {limit}){{cited}}",
                         {**extra, "unterminated": True})]
    if hops > limit:
        return [_Verdict(LINK_REDIRECT_CHAIN, f"链接目标经过 {hops} 次重定向（上限 {limit} 次）{{cited}}",
                         f"Link target goes through {hops} redirects (limit {limit}){{cited}}", extra)]
    return []


def _attachment_verdicts(res: dict[str, Any]) -> list[_Verdict]:
    status, content_type = res.get("status"), (res.get("content_type") or "").lower()
    if res.get("kind") != "attachment" or status is None or not 200 <= status < 300:
        return []
    if "text/html" not in content_type and "application/xhtml" not in content_type:
        return []
    shown = _brace(res.get("content_type") or "")
    return [_Verdict(ATTACHMENT_TYPE_MISMATCH, f"附件链接返回的是网页（{shown}）而非文件{{cited}}",
                     f"Attachment link answered with a web page ({shown}), not a file{{cited}}")]


# -- pass 2: soft 404 and 阅办联动 jump links ---------------------------------------------------
_HOW_ZH = {"redirect": "与不存在的地址一样被跳转到“{landing}”", "fingerprint": "显示的是本站的“页面不存在”错误页",
           "title": "标题即“{pattern}”", "h1": "页面主标题即“{pattern}”", "text": "页面仅显示“{pattern}”"}
_HOW_EN = {"redirect": "is redirected to {landing} like a missing URL", "fingerprint": "shows the site's own "
           "not-found page", "title": "its title is '{pattern}'", "h1": "its main heading is '{pattern}'",
           "text": "it only says '{pattern}'"}


def _soft404_pass(ctx: CheckContext, settings: LinkSettings, home_ids: frozenset[str],
                  start_ids: frozenset[str]) -> Iterator[Finding]:
    judge = NotFound(ctx, settings.soft404_patterns, settings.soft404_title_slack_chars,
                     settings.soft404_max_text_chars, home_ids | start_ids)
    signed: set[str] | None = ctx.memos.get(_SIGNED)  # the page pass's pre-filter, when it ran
    for res in ctx.store.resources(ctx.run_id, fetched=True, in_scope=True, kind="page", ok=True,
                                   redirected=True):
        verdict = judge.redirect_verdict(res)
        if verdict is not None:
            yield _soft404_finding(ctx, settings, res, verdict)
    for res in ctx.store.resources(ctx.run_id, fetched=True, ok=True, has_body=True):
        content_type = (res.get("content_type") or "text/html").lower()
        if "html" not in content_type:
            continue
        jump = settings.is_jump_link(res["url"]) or settings.is_jump_link(res.get("final_url") or "")
        url = res["url"]
        # the pass saw every in-scope page with a stored body; other bodies are read to be judged
        seen = signed is not None and res.get("in_scope") and res.get("kind") == "page"
        verdict = judge.judge(res, lambda: ctx.store.body(ctx.run_id, url) or "", jump=jump,
                              signed=(url in signed) if seen else None)
        if verdict is not None:
            yield _soft404_finding(ctx, settings, res, verdict, jump)


def _soft404_finding(ctx: CheckContext, settings: LinkSettings, res: dict[str, Any], verdict: Any,
                     jump: bool = False) -> Finding:
    url = res["url"]
    referrers = citing_pages(ctx, url) or _redirect_referrers(ctx, url)
    evidence = {**link_evidence(res), "matched_in": verdict.how, "pattern": verdict.pattern or None,
                **verdict.detail}
    fill = {"pattern": verdict.pattern, "landing": verdict.detail.get("landing", "")}
    why_zh, why_en = _HOW_ZH[verdict.how].format(**fill), _HOW_EN[verdict.how].format(**fill)
    if jump:
        return LINK_JUMP_INVALID.finding(
            url, f"阅办联动跳转落到不存在的事项：页面返回 200，但{why_zh}",
            f"Jump link lands on a missing item: the page answers 200 but {why_en}",
            target=url, evidence=evidence, referrers=referrers)
    return LINK_SOFT_404.finding(url, f"页面返回 200，但{why_zh}（软 404）",
                                 f"The page answers 200 but {why_en} (soft 404)",
                                 target=url, evidence=evidence, referrers=referrers)


def _redirect_referrers(ctx: CheckContext, url: str) -> list[dict[str, Any]]:
    """Pages citing a URL that redirected to ``url`` (an in-scope redirect's landing page is
    stored under its own URL; the links point at the redirecting one)."""
    out: list[dict[str, Any]] = []
    for source in ctx.store.redirected_here(ctx.run_id, url):
        out.extend({**r, "via": source} for r in citing_pages(ctx, source))
    return out


# -- pass 3: #fragments ----------------------------------------------------------------------
def _fragment_pass(ctx: CheckContext, settings: LinkSettings) -> Iterator[Finding]:
    """One finding per (document, fragment): ``/dir/`` and ``/dir/index.html`` serving the same
    document are one identity (``_document_identity``), so citing both gives one finding."""
    # ordered by target_url
    fragment_links = ctx.store.links(ctx.run_id, with_fragment=True, schemes=("http", "https"))
    missing: dict[tuple[str, str], dict[str, Any]] = {}
    for target_url, rows in groupby(fragment_links, key=lambda r: r["target_url"]):
        res = ctx.store.resource(ctx.run_id, target_url)
        if not _anchors_known(res):
            for _ in rows:  # drain the group; the target gives no anchor verdict
                pass
            continue
        anchors = frozenset(res["anchors"])
        identity = _document_identity(ctx, res)
        for row in rows:
            fragment = row["fragment"]
            if fragment_verdict(fragment, anchors, settings) != "missing":
                continue
            key = unquote(fragment[1:] if fragment.startswith("#") else fragment)
            entry = missing.setdefault((identity, key), {"res": res, "anchors": anchors, "urls": [],
                                                         "referrers": []})
            if target_url not in entry["urls"]:
                entry["urls"].append(target_url)
            entry["referrers"].append({"page": row["source_url"], "text": row["text"] or "",
                                       "tag": row["tag"], "attr": row["attr"], "href": row["raw_href"]})
    for (identity, fragment), entry in missing.items():
        referrers, anchors, res = entry["referrers"], entry["anchors"], entry["res"]
        pages = len({r["page"] for r in referrers})
        evidence = {"url": identity, "fragment": fragment, "final_url": res.get("final_url"),
                    "anchors_count": len(anchors), "anchors_sample": sorted(anchors)[:20]}
        if entry["urls"] != [identity]:
            evidence["cited_as"] = entry["urls"]
        yield LINK_ANCHOR_MISSING.finding(
            identity, f"目标页面中没有锚点“#{fragment}”（{pages} 个页面引用）",
            f"The target page has no anchor '#{fragment}' "
            f"({pages} citing page{'s' if pages > 1 else ''})",
            target=f"{identity}#{fragment}", evidence=evidence, referrers=referrers)


# Directory index documents a web server answers for "/dir/" (Apache DirectoryIndex, IIS default
# documents, TRS/Hanweb index.html/.shtml): conventions of servers, not thresholds.
_INDEX_NAMES = frozenset({"index.html", "index.htm", "index.shtml", "index.jsp", "index.php", "index.asp",
                          "index.aspx", "default.htm", "default.html", "default.asp", "default.aspx"})


def _document_identity(ctx: CheckContext, res: dict[str, Any]) -> str:
    """``/dir/`` for ``/dir/index.html`` when both are the same document (same content, or one
    redirects to the other); the URL itself otherwise. The directory form is the identity."""
    url = res["url"]
    head, _, name = url.rpartition("/")
    if "?" in url or name.lower() not in _INDEX_NAMES:
        return url
    directory = head + "/"
    other = ctx.store.resource(ctx.run_id, directory)
    if other is None:
        return url
    same_body = bool(res.get("content_hash")) and res.get("content_hash") == other.get("content_hash")
    redirects = other.get("final_url") == url or res.get("final_url") == directory
    return directory if same_body or redirects else url


def _anchors_known(res: dict[str, Any] | None) -> bool:
    """Whether the stored anchors are the complete id/name list of an HTML document."""
    if res is None or res.get("skip_reason") or res.get("anchors") is None or res.get("truncated"):
        return False
    status = res.get("status")
    if status is None or not 200 <= status < 300:
        return False
    content_type = (res.get("content_type") or "text/html").lower()
    return "html" in content_type
