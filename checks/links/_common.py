"""Shared machinery of the link and crawl rules: settings, URL identity, verdicts.

``LinkSettings.from_context(ctx)`` gathers every figure the link rules judge by:

* config/rules.yaml ``links:`` (overridable by a profile's ``thresholds: {links: ...}``):
  ``unverified_statuses``, ``broken_error_classes``, ``head_unsupported_statuses``,
  ``bot_wall`` (statuses, servers, headers, signatures), ``anchors.ignore_prefixes`` and
  ``max_redirect_chain`` (the fallback when the profile has no ``links.max_redirects``);
* config/rules.yaml ``soft404:`` and ``crawl:`` (decode-error threshold, trap examples);
* the site profile: ``links.max_redirects``, ``links.jump_link_patterns``,
  ``soft404.patterns`` / ``soft404.max_text_chars``, ``limits.max_response_mb``.

The thresholds are validated on load (config.thresholds); a bad profile ``links.jump_link_patterns``
entry is reported in ``problems`` and ignored for the run, so the other link rules go on.

``classify(resource, settings, body_of)`` turns one ``resources`` row into a ``Verdict``
(ok / broken / unverified / timeout / loop / unterminated / forbidden / skipped / unfetched). It is the
single place that decides "broken", so the false-positive policy lives in one function:
anything that only shows the checker was kept out (auth, rate limits, bot walls, Cloudflare
challenges, HEAD refused) is *unverified*, never *broken*.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from checks.base import CheckContext
from crawler.homepage import homepage_identities as site_homepage_identities
from crawler.urls import redact_userinfo, same_portal_host



def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    return value


def _profile(site: Any, section: str, key: str) -> Any:
    node = site.get(section) if isinstance(site, dict) else None
    return node.get(key) if isinstance(node, dict) else None


@dataclass(frozen=True)
class LinkSettings:
    unverified_statuses: frozenset[int]
    broken_error_classes: frozenset[str]
    head_unsupported_statuses: frozenset[int]
    bot_wall_statuses: frozenset[int]
    bot_wall_servers: tuple[str, ...]
    bot_wall_headers: tuple[tuple[str, str], ...]
    bot_wall_signatures: tuple[str, ...]
    anchor_ignore_prefixes: tuple[str, ...]
    max_redirects: int
    jump_link_patterns: tuple[re.Pattern, ...]
    soft404_patterns: tuple[str, ...]
    soft404_max_text_chars: int
    soft404_title_slack_chars: int
    max_decode_errors: int
    trap_examples: int
    max_response_mb: float | None
    problems: tuple[str, ...] = ()  # profile entries that could not be used (reported, then ignored)

    @classmethod
    def from_context(cls, ctx: CheckContext) -> "LinkSettings":
        site = ctx.site if isinstance(ctx.site, dict) else {}
        headers = ctx.threshold("links.bot_wall.headers")
        max_redirects = _profile(site, "links", "max_redirects")
        if max_redirects is None:
            max_redirects = ctx.threshold("links.max_redirect_chain")
        jump, problems = [], []
        for i, pattern in enumerate(_profile(site, "links", "jump_link_patterns") or []):
            try:
                jump.append(re.compile(pattern))
            except re.error as exc:  # one bad pattern must not silence every link rule
                where = getattr(ctx.site, "path", "") or "site profile"
                problems.append(f"{where}: links.jump_link_patterns[{i}]: bad regular expression {pattern!r} "
                                f"({exc}); escape special characters such as ? and . (ignored in this run)")
        soft = site.get("soft404") if isinstance(site.get("soft404"), dict) else {}
        patterns = soft.get("patterns") or []  # a profile without soft404: the rule stays silent
        max_text = soft.get("max_text_chars") or 0
        return cls(
            unverified_statuses=frozenset(ctx.threshold("links.unverified_statuses")),
            broken_error_classes=frozenset(ctx.threshold("links.broken_error_classes")),
            head_unsupported_statuses=frozenset(ctx.threshold("links.head_unsupported_statuses")),
            bot_wall_statuses=frozenset(ctx.threshold("links.bot_wall.statuses")),
            bot_wall_servers=tuple(s.lower() for s in ctx.threshold("links.bot_wall.servers")),
            bot_wall_headers=tuple((str(k).lower(), str(v).lower()) for k, v in headers.items()),
            bot_wall_signatures=tuple(s.lower() for s in ctx.threshold("links.bot_wall.signatures")),
            anchor_ignore_prefixes=tuple(ctx.threshold("links.anchors.ignore_prefixes")),
            max_redirects=int(_number(max_redirects, "links.max_redirects")),
            jump_link_patterns=tuple(jump),
            soft404_patterns=tuple(p.lower() for p in patterns if p),
            soft404_max_text_chars=int(_number(max_text, "site profile: soft404.max_text_chars")),
            soft404_title_slack_chars=int(ctx.threshold("soft404.title_slack_chars")),
            max_decode_errors=int(ctx.threshold("crawl.max_decode_errors")),
            trap_examples=int(ctx.threshold("crawl.trap_examples")),
            max_response_mb=_profile(site, "limits", "max_response_mb"),
            problems=tuple(problems),
        )

    def is_jump_link(self, url: str) -> bool:
        return any(p.search(url) for p in self.jump_link_patterns)


def homepage_identities(ctx: CheckContext) -> tuple[str, dict[str, Any] | None, frozenset[str]]:
    """(homepage URL, its stored row or None, every URL identity that *is* the homepage):
    ``crawler.homepage.homepage_identities`` for this run."""
    return site_homepage_identities(ctx.site, lambda url: ctx.store.resource(ctx.run_id, url))


def citing_pages(ctx: CheckContext, target_url: str) -> list[dict[str, Any]]:
    """The pages citing ``target_url`` (``Store.referrers``: answered from the ``links_target``
    index, by page then position).

    A same-page fragment link (a skip link ``#main``, a table of contents) cites nothing: it
    does not lead a visitor to the page, so a page is never listed as its own referrer. Such
    links still count for ``#fragment`` verdicts (checks/links/links.py reads them separately).
    """
    return ctx.store.referrers(ctx.run_id, target_url)


# -- verdicts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    outcome: str  # ok | broken | unverified | timeout | loop | unterminated | forbidden | skipped | unfetched
    cause: str  # machine-readable: "http-404", "dns", "bot-wall", "rate-limited", ...
    reason_zh: str = ""
    reason_en: str = ""
    signal: str = ""  # the header or body signature that justified an unverified verdict


_UNVERIFIED_REASONS = {
    401: ("auth-required", "需要登录认证（401），无法核验", "requires authentication (401); could not verify"),
    403: ("forbidden", "拒绝访问巡检程序（403，常见于防火墙/反爬策略），无法核验",
          "refused the checker (403, typical of firewalls and bot filters); could not verify"),
    407: ("proxy-auth", "需要代理认证（407），无法核验", "requires proxy authentication (407); could not verify"),
    429: ("rate-limited", "请求过于频繁被限流（429），无法核验", "rate limited (429); could not verify"),
    999: ("bot-blocked", "返回非标准状态 999（反爬拦截），无法核验",
          "answered the non-standard 999 (bot blocking); could not verify"),
}
_ERROR_REASONS = {
    "dns": ("域名解析失败（DNS）", "the host name does not resolve (DNS)"),
    "refused": ("连接被拒绝", "connection refused"),
    "reset": ("连接被重置", "connection reset"),
    "tls": ("TLS/证书握手失败", "TLS/certificate handshake failed"),
    "timeout": ("多次重试后仍超时", "timed out after retries"),
    "redirect-loop": ("重定向循环", "redirect loop"),
    "too-many-redirects": ("重定向次数超过上限仍未结束", "redirects did not end within the crawler's cap"),
    "forbidden-address": ("地址解析到内网、回环、链路本地或云元数据等禁止访问的地址，按网络安全策略未访问",
                          "resolves to a forbidden address (internal, loopback, link-local or cloud "
                          "metadata); not fetched by the network safety policy"),
    "bad-redirect": ("重定向到浏览器无法打开的地址（ftp:、file: 或无法解析的 Location）",
                     "redirects to an address no browser opens (ftp:, file: or an unparsable Location)"),
}


ATTEMPTS_HEADER = "x-xunjian-attempts"


def reverification_attempts(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The attempts the crawler's reverification pass kept (crawler UA, then browser UA).

    The crawler stores them as JSON in the pseudo-header ``x-xunjian-attempts`` of the row:
    a list of ``{"method", "user_agent", "status", "error_class", "headers"}``.
    """
    raw = (resource.get("headers") or {}).get(ATTEMPTS_HEADER)
    if not raw:
        return []
    try:
        attempts = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return [a for a in attempts if isinstance(a, dict)] if isinstance(attempts, list) else []


def _header_signal(headers: dict[str, Any], settings: LinkSettings) -> str:
    headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()
               if str(k).lower() != ATTEMPTS_HEADER}
    for name, needle in settings.bot_wall_headers:
        if name in headers and needle in headers[name].lower():
            return f"{name}: {headers[name]}"
    server = headers.get("server", "")
    if any(s in server.lower() for s in settings.bot_wall_servers):
        return f"server: {server}"
    return ""


def bot_wall_signal(resource: dict[str, Any], settings: LinkSettings,
                    body_of: Callable[[str], str | None] | None = None) -> str:
    """The header or challenge-page signature showing a bot wall, or "" when there is none.

    Headers of every reverification attempt count too: a wall that showed its Cloudflare
    headers to the crawler's User-Agent and a bare 503 to the browser one is still a wall.
    """
    signal = _header_signal(resource.get("headers") or {}, settings)
    for attempt in reverification_attempts(resource):
        if signal:
            break
        signal = _header_signal(attempt.get("headers") or {}, settings)
    if signal:
        return signal
    texts = [resource.get("title") or ""]
    if body_of is not None:
        texts.append(body_of(resource["url"]) or "")
    for text in texts:
        lowered = text.lower()
        for signature in settings.bot_wall_signatures:
            if signature in lowered:
                return f"challenge page: {signature!r}"
    return ""


def classify(resource: dict[str, Any], settings: LinkSettings,
             body_of: Callable[[str], str | None] | None = None) -> Verdict:
    """Decide what one fetched (or skipped) resource means for the links that cite it."""
    if resource.get("skip_reason"):
        return Verdict("skipped", resource["skip_reason"])
    error_class = resource.get("error_class")
    status = resource.get("status")
    if error_class:
        zh, en = _ERROR_REASONS.get(error_class, ("", ""))
        if error_class == "redirect-loop":
            return Verdict("loop", error_class, zh, en)
        if error_class == "too-many-redirects":
            return Verdict("unterminated", error_class, zh, en)
        if error_class == "timeout":
            return Verdict("timeout", error_class, zh, en)
        if error_class == "forbidden-address":  # refused by crawler/netguard.py before any byte was sent
            return Verdict("forbidden", error_class, zh, en)
        if error_class in settings.broken_error_classes:
            return Verdict("broken", error_class, zh, en)
        detail = resource.get("error") or error_class
        return Verdict("unverified", f"error-{error_class}", f"请求失败，原因无法归类（{detail}），无法核验",
                       f"the request failed for an unclassified reason ({detail}); could not verify")
    if status is None:
        return Verdict("unfetched", "no-response")
    if 200 <= status < 300:
        return Verdict("ok", f"http-{status}")
    if 300 <= status < 400:
        return Verdict("unverified", f"http-{status}", f"停在 HTTP {status}（重定向缺少可用的 Location），无法核验",
                       f"stopped at HTTP {status} (a redirect without a usable Location); could not verify")
    if (resource.get("method") or "").upper() == "HEAD" and status in settings.head_unsupported_statuses:
        return Verdict("unverified", "head-refused", f"服务器拒绝 HEAD 请求（{status}）且未能以 GET 复核，无法核验",
                       f"the server refused HEAD ({status}) and no GET confirmed it; could not verify")
    if status in settings.bot_wall_statuses:
        signal = bot_wall_signal(resource, settings, body_of)
        if signal:
            return Verdict("unverified", "bot-wall", f"遇到反爬/人机验证页面（HTTP {status}，{signal}），无法核验",
                           f"met a bot wall or challenge (HTTP {status}, {signal}); could not verify", signal)
    if status in settings.unverified_statuses:
        cause, zh, en = _UNVERIFIED_REASONS.get(
            status, (f"http-{status}", f"返回 HTTP {status}，无法核验", f"answered HTTP {status}; could not verify"))
        retry_after = (resource.get("headers") or {}).get("retry-after")
        if retry_after:
            zh, en = f"{zh}（Retry-After: {retry_after}）", f"{en} (Retry-After: {retry_after})"
        return Verdict("unverified", cause, zh, en)
    if 400 <= status < 600:
        return Verdict("broken", f"http-{status}", f"返回 HTTP {status}", f"answered HTTP {status}")
    return Verdict("unverified", f"http-{status}", f"返回非标准状态 {status}，无法核验",
                   f"answered the non-standard status {status}; could not verify")


def homepage_landing_verdict(row: dict[str, Any], home: str) -> Verdict | None:
    """A homepage that redirected away from the portal did not yield the homepage, whatever the
    final status: to another scheme (``file:``, ``ftp:``, ``javascript:``) or to another site
    (the crawler's rule, ``crawler.urls.same_portal_host``: same host name up to ``www.`` and
    port). home-unreachable reports it; the link pass must not judge that row a second time."""
    final = row.get("final_url") or ""
    if not final or not row.get("redirect_chain"):
        return None
    try:
        scheme = urlsplit(final).scheme.lower()
    except ValueError:
        scheme = ""
    shown = redact_userinfo(final)[:300]
    if scheme not in ("http", "https"):
        return Verdict("broken", "home-redirect-scheme",
                       f"首页跳转到非 HTTP(S) 地址 {shown}，浏览器无法打开首页",
                       f"the homepage redirects to a non-HTTP(S) URL {shown}; no browser shows a homepage "
                       "there")
    if not same_portal_host(row["url"], final) and not same_portal_host(home, final):
        return Verdict("broken", "home-redirect-offsite", f"首页跳转到站外地址 {shown}，门户首页不可达",
                       f"the homepage redirects off-site to {shown}; the portal's homepage is not there")
    return None


def link_evidence(resource: dict[str, Any], verdict: Verdict | None = None) -> dict[str, Any]:
    """The facts behind a link verdict, as stored in a finding's evidence."""
    evidence = {
        "url": resource["url"], "kind": resource.get("kind"), "in_scope": bool(resource.get("in_scope")),
        "method": resource.get("method"), "status": resource.get("status"),
        "error_class": resource.get("error_class"), "error": resource.get("error"),
        "attempts": resource.get("attempts"), "final_url": resource.get("final_url"),
        "redirect_chain": resource.get("redirect_chain") or [],
        "content_type": resource.get("content_type"),
        "headers": {k: v for k, v in (resource.get("headers") or {}).items() if k != ATTEMPTS_HEADER},
    }
    attempts = reverification_attempts(resource)
    if attempts:
        evidence["reverification"] = attempts
    if verdict is not None:
        evidence["cause"] = verdict.cause
        if verdict.signal:
            evidence["signal"] = verdict.signal
    return evidence
