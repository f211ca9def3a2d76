"""Crawl rules: the homepage itself, spider traps, oversized and garbled pages.

* ``home-unreachable``: the homepage resource (``ctx.site.homepage``, compared canonically)
  has no 2xx after the crawler's retries (DNS, refused, reset, TLS, timeout, 4xx/5xx,
  redirect loop, an address the network policy forbids), or it redirected away from the
  portal: to another scheme (``file:``, ``ftp:``) or off-site (another host name than the
  start URL's up to ``www.`` and port; the crawler does not follow it either). A bot wall
  or 401/403/429 on the homepage is *not* unreachable (it is link-unverified, checks/links/links.py)
  and a homepage with no stored fact at all is a run note, not a finding: neither proves the
  site is down.
* ``crawl-trap``: one finding per trap cause (``skip_reason`` ``trap:<cause>``) with the
  complete count, the busiest paths and ``crawl.trap_examples`` example URLs; a
  ``pattern-limit`` cut of real content is ``crawl-coverage-lost`` instead (checks/crawl/coverage.py).
* ``page-too-large``: ``truncated`` = 1 (body capped at the profile's
  ``limits.max_response_mb``).
* ``page-decode-error``: ``decode_errors`` above ``crawl.max_decode_errors``
  (config/rules.yaml).

Streaming: every pass iterates a filtered ``resources`` query; the only state kept is one
small aggregate per trap cause.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from checks.links._common import (LinkSettings, citing_pages, classify, homepage_identities,
                                  homepage_landing_verdict, link_evidence)
from checks.base import CheckContext, Rule
from checks.crawl.coverage import pattern_share, real_content_patterns, url_pattern
from crawler.store import Finding

HOME_UNREACHABLE = Rule(
    id="home-unreachable", title_zh="首页无法访问", title_en="Homepage unreachable",
    severity="critical", assessment="veto",
    basis="国办秘函〔2019〕19号 单项否决 V2 站点无法访问 [S]：连续监测 1 周、每日 ≥20 次、"
          "≥15 秒仍打不开的比例 ≥5% 才构成否决；单次巡检只能发现一次失败",
    advice_zh="立即检查服务器、域名解析、证书与网络；恢复后复测。否决判定需一周持续监测，请结合监控记录确认。",
    advice_en="Check the server, DNS, certificate and network now and re-test once fixed. The veto itself "
              "needs a week of monitoring: confirm with your uptime records.",
    doc="What: the homepage request got no 2xx after `links.retries` retries: DNS failure, connection "
        "refused/reset, TLS failure, timeout (`limits.timeout_s`), a 4xx/5xx that is not a bot wall, "
        "a redirect loop, or an address refused by the network safety policy (crawler/netguard.py); or it "
        "redirected away from the portal: to a non-HTTP(S) URL (`file://`, `ftp:`) or to another site "
        "(a host name other than the start URL's, up to `www.` and the port).\n"
        "Why: veto item V2 (站点无法访问) fails a site outright. A single nightly run cannot prove V2 — "
        "the veto needs ≥20 probes a day for a week with ≥5% failures — so this finding is the alarm "
        "that starts the investigation, not the verdict.\n"
        "Example: http://www.example.gov.cn/ fails with 'connection refused' on all 3 attempts.",
)
CRAWL_TRAP = Rule(
    id="crawl-trap", title_zh="疑似爬虫陷阱（已跳过）", title_en="Spider trap (URLs skipped)",
    severity="info", assessment=None,
    basis="巡检质量事实 [U]：无限日历、会话 ID、不断增长的查询串等会生成无穷多 URL",
    advice_zh="为无限生成的链接加 rel=\"nofollow\" 或在 robots.txt 中排除；去掉 URL 中的会话 ID；限制日历的年份范围。",
    advice_en="Mark endlessly generated links rel=\"nofollow\" or exclude them in robots.txt; "
              "drop session ids from URLs; bound calendars to real years.",
    doc="What: URLs the crawler skipped by a spider-trap guard (`traps.*` of the profile): endless "
        "calendars, session ids, ever-growing query strings, repeated path segments, over-long URLs, "
        "too many pages of one pattern. One finding per cause, with the count and example URLs; never "
        "a broken-link verdict.\n"
        "Why: traps waste crawl budget of every search engine and inspection tool, and pages behind them "
        "went unchecked in this run.\n"
        "Example: /calendar/?month=2031-04 links next month forever; 240 such URLs were skipped.",
)
PAGE_TOO_LARGE = Rule(
    id="page-too-large", title_zh="页面体积过大", title_en="Page too large",
    severity="warning", assessment="advisory",
    basis="实践建议 [U]：页面大小上限取站点配置 limits.max_response_mb",
    advice_zh="拆分超大页面或改为分页；大文件请作为附件提供下载，而非内嵌在网页中。",
    advice_en="Split or paginate the page; offer big files as downloads instead of inline content.",
    doc="What: the response body reached the profile's `limits.max_response_mb` and was cut there "
        "(`truncated`); checks saw only the first part.\n"
        "Why: oversized pages are slow on mobile networks and often a sign of a runaway export or an "
        "endless response.\n"
        "Example: /data/all.html streams 2 GB of table rows.",
)
PAGE_DECODE_ERROR = Rule(
    id="page-decode-error", title_zh="页面字符编码错误（乱码）", title_en="Page decoding errors (garbled text)",
    severity="warning", assessment="advisory",
    basis="实践建议 [U]：页面应声明与实际一致的字符集（GB18030/GBK/UTF-8），避免乱码",
    advice_zh="确保 Content-Type 响应头与页面 <meta charset> 声明和文件实际编码一致；统一使用 UTF-8 更佳。",
    advice_en="Make the Content-Type header, the <meta charset> and the file's real encoding agree; "
              "prefer UTF-8 everywhere.",
    doc="What: decoding the page with its declared or sniffed charset produced more than "
        "`crawl.max_decode_errors` replacement characters (U+FFFD).\n"
        "Why: visitors see 乱码 and text checks (dates, 文号, personal data) cannot read the page.\n"
        "Example: a page declared `charset=utf-8` but saved as GBK.",
)

RULES = [HOME_UNREACHABLE, CRAWL_TRAP, PAGE_TOO_LARGE, PAGE_DECODE_ERROR]
NEEDS_CONTENT = False  # judges fetch facts: runs (and reports home-unreachable) on an unreadable site

_HOME_FAILURES = {"broken", "timeout", "loop", "unterminated", "forbidden"}


def run(ctx: CheckContext) -> Iterator[Finding]:
    settings = LinkSettings.from_context(ctx)
    yield from _home_unreachable(ctx, settings)
    yield from _traps(ctx, settings)
    yield from _truncated(ctx, settings)
    yield from _decode_errors(ctx, settings)


def _home_unreachable(ctx: CheckContext, settings: LinkSettings) -> Iterator[Finding]:
    home, row, _ = homepage_identities(ctx)
    if row is None:
        ctx.note(f"首页不可访问（home-unreachable）：首页 {home} 没有任何抓取记录，抓取可能未启动（见抓取日志），"
                 "V2 未评估",
                 f"home-unreachable: no fact recorded for the homepage {home}; the crawl may not "
                 "have started (see the crawl log), so V2 was not evaluated")
        return
    verdict = homepage_landing_verdict(row, home) or classify(row, settings,
                                                      lambda url: ctx.store.body(ctx.run_id, url))
    if verdict.outcome == "skipped":
        ctx.note(f"首页不可访问（home-unreachable）：首页 {home} 未抓取（{verdict.cause}），V2 未评估",
                 f"home-unreachable: the homepage {home} was not fetched ({verdict.cause}); "
                 "V2 was not evaluated")
        return
    if verdict.outcome not in _HOME_FAILURES:
        if verdict.outcome == "unverified":
            ctx.note(f"首页不可访问（home-unreachable）：首页 {home} 拒绝了检查程序（{verdict.reason_zh}），"
                     "按 link-unverified 报告，V2 未评估",
                     f"home-unreachable: the homepage {home} kept the checker out "
                     f"({verdict.reason_en}); reported as link-unverified, V2 not evaluated")
        return
    evidence = {**link_evidence(row, verdict), "elapsed_ms": row.get("elapsed_ms"),
                "single_run": True}
    yield HOME_UNREACHABLE.finding(
        row["url"], f"首页无法访问：{verdict.reason_zh}（单次巡检结果，否决需持续一周监测确认）",
        f"Homepage unreachable: {verdict.reason_en} (one run; the V2 veto needs a week of monitoring)",
        evidence=evidence)


@dataclass
class _TrapCause:
    count: int = 0
    examples: list[str] = field(default_factory=list)
    paths: Counter = field(default_factory=Counter)
    prefix: str | None = None  # common prefix of every trap path of this cause

    def add(self, url: str, max_examples: int) -> None:
        path = _trap_path(url)
        self.count += 1
        if len(self.examples) < max_examples:
            self.examples.append(url)
        self.paths[path] += 1
        self.prefix = path if self.prefix is None else os.path.commonprefix([self.prefix, path])

    def where(self) -> str:
        """The page the trap hangs off: the one path all its URLs share (``/calendar/`` for
        ``/calendar/?month=…``), else their common directory (``/hdjl/lt/`` for
        ``/hdjl/lt/(S(…))/thread.aspx``), never less than the site root."""
        first = next(iter(self.paths))
        if len(self.paths) == 1:
            return first
        parts = urlsplit(first)
        root = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
        prefix = self.prefix or ""
        directory = prefix[:prefix.rfind("/") + 1]
        return directory if directory.startswith(root) else root


def _trap_path(url: str) -> str:
    """Origin and path of a trap URL, without query or ;params (where session ids hide)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # never stored by the crawler for an in-scope URL; a hand-made store may
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path.split(";", 1)[0] or "/", "", ""))


def _traps(ctx: CheckContext, settings: LinkSettings) -> Iterator[Finding]:
    capped = {url_pattern(r["url"])
              for r in ctx.store.resources(ctx.run_id, skip_reasons=("trap:pattern-limit",))}
    lost = real_content_patterns(ctx, capped, pattern_share(ctx))  # crawl-coverage-lost's, not a trap
    causes: dict[str, _TrapCause] = {}
    for res in ctx.store.resources(ctx.run_id, skip_reasons=("trap:",)):
        cause = res["skip_reason"].split(":", 1)[1] or "unknown"
        if cause == "pattern-limit" and url_pattern(res["url"]) in lost:
            continue
        causes.setdefault(cause, _TrapCause()).add(res["url"], settings.trap_examples)
    for cause in sorted(causes):
        agg = causes[cause]
        referrers: list[dict[str, Any]] = []
        for url in agg.examples[:2]:
            referrers.extend(citing_pages(ctx, url)[:settings.trap_examples])
        evidence = {"cause": cause, "skipped": agg.count, "examples": agg.examples,
                    "paths": [{"path": p, "count": n} for p, n in agg.paths.most_common(10)],
                    "distinct_paths": len(agg.paths)}
        yield CRAWL_TRAP.finding(
            agg.where(), f"爬虫陷阱（{cause}）：已跳过 {agg.count} 个 URL，例如 {agg.examples[0]}",
            f"Spider trap ({cause}): {agg.count} URLs skipped, e.g. {agg.examples[0]}",
            target=f"trap:{cause}", evidence=evidence, referrers=referrers)


def _truncated(ctx: CheckContext, settings: LinkSettings) -> Iterator[Finding]:
    cap = settings.max_response_mb
    cap_zh = f"{cap:g} MB" if cap else "上限"
    cap_en = f"{cap:g} MB" if cap else "the cap"
    for res in ctx.store.resources(ctx.run_id, truncated=True):
        yield PAGE_TOO_LARGE.finding(
            res["url"], f"响应体超过 {cap_zh}，已截断（已读取 {res.get('size') or 0} 字节）",
            f"Response body exceeds {cap_en} and was cut (read {res.get('size') or 0} bytes)",
            evidence={"url": res["url"], "kind": res.get("kind"), "size": res.get("size"),
                      "max_response_mb": cap, "content_type": res.get("content_type"),
                      "content_length": (res.get("headers") or {}).get("content-length")},
            referrers=citing_pages(ctx, res["url"]))


def _decode_errors(ctx: CheckContext, settings: LinkSettings) -> Iterator[Finding]:
    limit = settings.max_decode_errors
    for res in ctx.store.resources(ctx.run_id, decode_errors_over=limit):
        count = res["decode_errors"]
        yield PAGE_DECODE_ERROR.finding(
            res["url"], f"按字符集 {res.get('charset') or '未知'} 解码出现 {count} 处乱码字符（U+FFFD）",
            f"Decoding with charset {res.get('charset') or 'unknown'} produced {count} replacement "
            f"characters (U+FFFD)",
            evidence={"url": res["url"], "charset": res.get("charset"), "decode_errors": count,
                      "max_decode_errors": limit, "content_type": res.get("content_type")})
