"""Hijacked outbound links: an off-site link target that now serves gambling, adult or parked-domain
content (critical), or that now redirects to another registrable domain (warning: confirm it).

A government portal's 友情链接 outlive the sites they point at: an expired domain is bought and
turned into a casino or a "domain for sale" page, or the old site redirects elsewhere. The link
still answers 200, so a link checker passes it, and the portal is then "linking to gambling"
(国办秘函〔2019〕19号 V1: 链接色情、赌博等内容 [S]). This module reads, for every off-site target
linked by ``<a>``/``<area>``/``<iframe>`` from an in-scope page:

* the link check's redirect facts (``Store.external_link_targets``): ``final_url`` whose registrable
  domain (the bundled public suffix list, ``crawler.publicsuffix.registrable_domain``) differs from
  the linked URL's -> reason ``redirect``; alone (the landing page shows no sign below) it is
  ``link-offsite-redirect`` (warning: a partner's new domain is common, a person confirms it);
* the crawl's sample of the target (``Store.external_samples``: title and a capped text sample,
  crawler/spiders/sampling.py) -> reason ``content`` when the title carries one of
  ``link_hijack.terms`` (unless it also carries a ``benign_terms`` word: a notice *against*
  gambling), when the text carries ``text_min_terms`` distinct terms, or when title or text match
  a ``parked_patterns`` expression ("domain for sale", 域名出售 …).

``link-hijacked`` (critical) when a content reason holds, redirected or not. One finding per target
URL with every page linking to it. Targets whose final host
ends with ``link_hijack.trusted_suffixes`` (gov.cn: such a domain cannot be bought) and redirects
into ``redirect_allow`` domains are never judged. Targets that were not sampled (sampling off, the
run's ``links.external_sample_max`` reached, not HTML) are judged on their redirects only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from checks.base import CheckContext, Rule
from config import ConfigError
from crawler.publicsuffix import registrable_domain
from crawler.store import Finding

HIJACKED = Rule(
    id="link-hijacked", title_zh="外部链接疑似被劫持（指向赌博、色情或待售域名）",
    title_en="Outbound link hijacked (gambling, adult or parked-domain content)",
    severity="critical", assessment="veto",
    basis="国办秘函〔2019〕19号 单项否决 V1（发布或链接色情、赌博等内容）[S]",
    advice_zh="立即删除或更正该外部链接，核实对方网站是否已更换主办单位或域名过期，并排查全站同类链接。",
    advice_en="Remove or correct the outbound link at once, check whether the linked site changed hands "
              "or its domain expired, and review every outbound link of the site.",
    doc="For each off-site target linked by <a>/<area>/<iframe>, redirected or not: fires when the "
        "target's title (or, with link_hijack.text_min_terms distinct terms, its text sample) carries "
        "gambling/lottery/adult terms of link_hijack.terms, or a parked-domain pattern ('domain for sale', "
        "域名出售). A redirect to another registrable domain is named in the finding; alone it is "
        "link-offsite-redirect. Hosts under link_hijack.trusted_suffixes (gov.cn) are not judged. Example: "
        "a 友情链接 to a former partner's domain that now redirects to a 娱乐城 page. Severity critical: V1.",
)
MOVED = Rule(
    id="link-offsite-redirect", title_zh="外部链接已跳转到其他域名",
    title_en="Outbound link now redirects to another domain",
    severity="warning", assessment="advisory",
    basis="国办秘函〔2019〕19号 单项否决 V1（链接内容须可控）[S]; 网站链接管理实践 [U]",
    advice_zh="核实跳转后的网站是否仍属于原链接单位；是则把链接改为新地址，否则删除该链接。",
    advice_en="Check that the site the link now lands on still belongs to the linked organisation; if so, "
              "link the new address directly, otherwise remove the link.",
    doc="An off-site link whose final host after redirects has another registrable domain (public suffix "
        "list) than the linked host, while the landing page shows none of the gambling, adult or "
        "parked-domain signs of link-hijacked: often a legitimate move (a partner's new domain), sometimes "
        "the first step of a takeover, so a person confirms it. Domains in link_hijack.redirect_allow and "
        "hosts under "
        "link_hijack.trusted_suffixes do not fire. Example: a 友情链接 to old-partner.com that now lands on "
        "another-site.net.",
)
RULES = [HIJACKED, MOVED]
_LINK_TAGS = {"a", "area", "iframe", "frame"}


def _settings(ctx: CheckContext) -> dict[str, Any]:
    block = ctx.threshold("link_hijack")
    patterns = []
    for n, text in enumerate(block["parked_patterns"]):
        try:
            patterns.append(re.compile(str(text), re.I))
        except re.error as exc:
            raise ConfigError(f"link_hijack.parked_patterns[{n}]: not a valid regular expression ({exc}); "
                              "fix it in config/rules.yaml or the profile's thresholds:") from None
    return {"terms": [str(t).lower() for t in block["terms"]],
            "benign": [str(t).lower() for t in block["benign_terms"]],
            "text_min": int(block["text_min_terms"]), "parked": patterns,
            "trusted": tuple(str(s).lower().lstrip(".") for s in block["trusted_suffixes"]),
            "allow": {str(d).lower() for d in block["redirect_allow"]}}


def _under(host: str, suffixes) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def content_reasons(title: str, text: str, settings: dict[str, Any]) -> list[tuple[str, str]]:
    """Why a sampled page looks like gambling/adult/parked content, as (zh, en) pairs (empty: it does not)."""
    title_l, text_l = title.lower(), text.lower()
    reasons = []
    benign = any(b in title_l for b in settings["benign"])
    in_title = [t for t in settings["terms"] if t in title_l]
    if in_title and not benign:
        words = "、".join(in_title[:5])
        reasons.append((f"标题含“{words}”", f"title carries '{words}'"))
    in_text = [t for t in settings["terms"] if t in text_l]
    if not in_title and not benign and settings["text_min"] and len(in_text) >= settings["text_min"]:
        words = "、".join(in_text[:8])
        reasons.append((f"正文含“{words}”", f"text carries '{words}'"))
    for rx in settings["parked"]:
        m = rx.search(title) or rx.search(text)
        if m:
            shown = m.group(0)[:60]
            reasons.append((f"待售或停放域名页面“{shown}”", f"parked or for-sale domain '{shown}'"))
            break
    return reasons


def run(ctx: CheckContext) -> Iterator[Finding]:
    settings = _settings(ctx)
    samples = ctx.store.external_samples(ctx.run_id)
    for target in ctx.store.external_link_targets(ctx.run_id):
        url = target["url"]
        final = target.get("final_url") or url
        host = (urlsplit(url).hostname or "").lower()
        final_host = (urlsplit(final).hostname or "").lower()
        if not host or _under(final_host, settings["trusted"]):
            continue
        referrers = [r for r in ctx.referrers(url) if r["tag"] in _LINK_TAGS]
        if not referrers:
            continue  # an off-site image or script: not a link a visitor follows
        moved_to = registrable_domain(final_host)
        moved = (bool(target["redirect_chain"]) and moved_to != registrable_domain(host)
                 and moved_to not in settings["allow"])
        sample = samples.get(url)
        if sample is None and target.get("title"):  # fetched with its body (a #fragment): title only
            sample = {"title": target["title"], "text": ""}
        sample = sample or {}
        content = content_reasons(sample.get("title") or "", sample.get("text") or "", settings)
        if not content and not moved:
            continue
        redirect = (f"跳转到其他域名 {registrable_domain(host)} → {moved_to}",
                    f"redirects from {registrable_domain(host)} to {moved_to}")
        reasons = ([redirect] if moved else []) + content
        title = sample.get("title") or ""
        evidence = {"reasons_zh": [zh for zh, _ in reasons], "reasons_en": [en for _, en in reasons],
                    "final_url": final, "title": title[:120],
                    "redirect_chain": [h.get("url") for h in target["redirect_chain"]][:10]}
        shown_title = f"，页面标题“{title[:40]}”" if title else ""
        shown_title_en = f", page title \"{title[:40]}\"" if title else ""
        if not content:  # moved, and the landing page shows no sign of a takeover
            yield MOVED.finding(
                referrers[0]["page"], f"外部链接 {url} 已跳转到其他域名 {moved_to}{shown_title}，请核实",
                f"Outbound link {url} now lands on another domain, {moved_to}{shown_title_en}: confirm it",
                target=url, evidence=evidence, referrers=referrers)
            continue
        yield HIJACKED.finding(
            referrers[0]["page"], f"外部链接 {url} 疑似被劫持（{'；'.join(zh for zh, _ in reasons)}）{shown_title}",
            f"Outbound link {url} looks hijacked ({'; '.join(en for _, en in reasons)}){shown_title_en}",
            target=url, evidence=evidence, referrers=referrers)
