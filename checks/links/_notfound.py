"""Soft-404 verdicts from the site's own not-found page, as a browser user sees it.

The crawler probed surely-missing URLs per directory prefix (``crawler.notfound``,
``Store.probes``). ``NotFound.from_context(ctx)`` turns each prefix's probes into a
*fingerprint*:

* ``status``   the probes got 4xx/5xx: the site answers missing pages honestly;
* ``page``     the probes got 200 with the same page: the site's custom error page;
* ``redirect`` the probes were redirected to the same landing URL (the homepage, an error
               page): the landing is the fingerprint;
* none         no probe (disabled, robots, network error) or probes that disagree.

``judge(res, html)`` decides one 200 resource, in this order:

1. a redirected page that lands where missing pages land (``redirect``), unless it is the
   homepage or a start URL itself;
2. a page *similar* to the prefix's (else the site's) error page: the error page's
   distinctive shingles (those not in the site's chrome, the shingles on at least
   ``chrome_min_share`` of ``chrome_sample_pages`` sampled pages) must be on the page
   (containment >= ``min_containment``) and the page may add little of its own (share of
   its non-chrome shingles that the error page lacks <= ``max_novelty``). A fingerprint with
   fewer than ``min_distinct_shingles`` distinctive shingles judges nothing (the error page
   is indistinguishable from the chrome), and a page more than ``max_size_ratio`` times larger
   or smaller than the error page is not compared (a cheap pre-filter, no parsing);
3. the fallback, for every page: its ``<title>`` (any segment between separators) or its
   first ``<h1>`` IS a not-found signature of the profile's ``soft404.patterns``, give or
   take ``title_slack_chars`` characters. Body text alone never decides (an article that
   says "页面不存在" is an article); the one exception is ``link-jump-invalid``, whose
   external service answers a dead item code with a bare message page: there a signature
   in the visible text of a page of at most ``soft404.max_text_chars`` characters counts.

Settings: config/rules.yaml ``soft404`` (``title_slack_chars``, ``fingerprint.*``), the
profile's ``soft404.patterns`` / ``soft404.max_text_chars`` / ``soft404.probes*``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from checks.links._content import visible_text
from checks.base import CheckContext
from crawler.notfound import page_view
from crawler.urls import url_identity

_SEPARATORS = re.compile(r"\s+[-–—|｜·]\s+|\s*[_｜|–—]\s*")


@dataclass(frozen=True)
class FingerprintSettings:
    min_containment: float
    max_novelty: float
    chrome_sample_pages: int
    chrome_min_share: float
    min_distinct_shingles: int
    max_size_ratio: float

    @classmethod
    def from_context(cls, ctx: CheckContext) -> "FingerprintSettings":
        block = ctx.threshold("soft404.fingerprint")  # validated on load (config.thresholds)
        return cls(float(block["min_containment"]), float(block["max_novelty"]),
                   int(block["chrome_sample_pages"]), float(block["chrome_min_share"]),
                   int(block["min_distinct_shingles"]), float(block["max_size_ratio"]))


@dataclass
class Fingerprint:
    prefix: str
    kind: str                      # status | page | redirect
    probes: list[dict[str, Any]]
    landing: str = ""              # redirect: canonical landing URL without its query
    shingles: frozenset[str] = frozenset()
    distinct: frozenset[str] = frozenset()

    def size(self) -> int | None:
        sizes = sorted(p["size"] for p in self.probes if p.get("size"))
        return sizes[len(sizes) // 2] if sizes else None

    def evidence(self) -> dict[str, Any]:
        first = self.probes[0]
        return {"prefix": self.prefix, "kind": self.kind, "probe": first["url"], "status": first["status"],
                "final_url": first.get("final_url"), "title": first.get("title"), "h1": first.get("h1"),
                "size": first.get("size"), "probes": len(self.probes)}


@dataclass(frozen=True)
class Verdict:
    how: str                       # redirect | fingerprint | title | h1 | text
    pattern: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _landing(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url_identity(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _fingerprint(prefix: str, probes: list[dict[str, Any]]) -> Fingerprint | None:
    answered = [p for p in probes if p.get("status") is not None and not p.get("error_class")]
    if not answered or len(answered) < len(probes):
        return None  # a probe that failed or was skipped leaves the prefix unknown
    statuses = {200 <= p["status"] < 300 for p in answered}
    if statuses == {False}:
        return Fingerprint(prefix, "status", answered)
    if statuses != {True}:
        return None  # some missing URLs answer 200, others not: no single fingerprint
    shingles = frozenset.intersection(*(p["shingles"] for p in answered))  # drops echoed URLs
    landings = {_landing(p.get("final_url")) if p.get("redirect_chain") else "" for p in answered}
    if len(landings) != 1:
        return None
    landing = landings.pop()
    return Fingerprint(prefix, "redirect" if landing else "page", answered, landing, shingles)


def _signature(text: str, patterns: tuple[str, ...], slack: int) -> str:
    """The pattern a title or heading *is* (one of its segments, within ``slack`` chars), or ""."""
    for segment in _SEPARATORS.split(text.lower()):
        segment = segment.strip()
        for pattern in patterns:
            if pattern in segment and len(segment) <= len(pattern) + slack:
                return pattern
    return ""


class NotFound:
    def __init__(self, ctx: CheckContext, patterns: tuple[str, ...], slack: int, max_text_chars: int,
                 excluded: frozenset[str]):
        self.ctx = ctx
        self.patterns = patterns
        self.slack = slack
        self.max_text_chars = max_text_chars
        self.excluded = excluded            # canonical URLs that are never soft 404 (homepage, start URLs)
        self.settings = FingerprintSettings.from_context(ctx)
        by_prefix: dict[str, list[dict[str, Any]]] = {}
        for probe in ctx.store.probes(ctx.run_id):
            by_prefix.setdefault(probe["prefix"], []).append(probe)
        self.fingerprints = {prefix: fp for prefix, probes in by_prefix.items()
                             if (fp := _fingerprint(prefix, probes)) is not None}
        self._chrome: frozenset[str] | None = None
        if any(fp.shingles for fp in self.fingerprints.values()):
            chrome = self.chrome()
            for fp in self.fingerprints.values():
                fp.distinct = fp.shingles - chrome

    def chrome(self) -> frozenset[str]:
        """Shingles shared by most pages of the site (header, navigation, footer)."""
        if self._chrome is None:
            urls = self.ctx.store.html_page_urls(self.ctx.run_id)
            n = self.settings.chrome_sample_pages
            sample = urls if len(urls) <= n else [urls[i * len(urls) // n] for i in range(n)]
            counts: Counter[str] = Counter()
            for url in sample:
                counts.update(page_view(self.ctx.store.body(self.ctx.run_id, url) or "").shingles)
            floor = self.settings.chrome_min_share * len(sample)
            self._chrome = frozenset(s for s, c in counts.items() if sample and c >= floor)
        return self._chrome

    def fingerprint_for(self, url: str) -> Fingerprint | None:
        best = None
        for prefix, fp in self.fingerprints.items():
            if url.startswith(prefix) and (best is None or len(prefix) > len(best.prefix)):
                best = fp
        return best

    def _comparable_size(self, res: dict[str, Any], fp: Fingerprint) -> bool:
        """Cheap pre-filter: a copy of the error page has about its size (a 20,000-page site need
        not be parsed page by page); unknown sizes are compared."""
        size, reference = res.get("size"), fp.size()
        if not size or not reference:
            return True
        return max(size, reference) <= self.settings.max_size_ratio * min(size, reference)

    def redirect_verdict(self, res: dict[str, Any]) -> Verdict | None:
        """A redirected page that lands where the site sends missing URLs."""
        if not res.get("redirect_chain") or url_identity(res["url"]) in self.excluded:
            return None
        fp = self.fingerprint_for(res["url"])
        if fp is None or fp.kind != "redirect" or _landing(res.get("final_url")) != fp.landing:
            return None
        return Verdict("redirect", detail={"landing": fp.landing, "fingerprint": fp.evidence()})

    def signed(self, html: str) -> bool:
        """Does the page's text carry a not-found pattern anywhere (the cheap pre-filter)?"""
        lowered = html.lower()
        return any(p in lowered for p in self.patterns)

    def judge(self, res: dict[str, Any], html: str | Callable[[], str], *, jump: bool = False,
              signed: bool | None = None) -> Verdict | None:
        """The soft-404 verdict of a 200 page with its stored body, or None. ``html`` may be a
        callable reading the body, called only when the page must be looked at; ``signed``: the
        pre-filter's answer (``signed(html)``) when the caller already knows it (the page pass)."""
        if url_identity(res["url"]) in self.excluded:
            return None
        fp = self.fingerprint_for(res["url"]) if res.get("in_scope") else None
        # a redirect to the homepage is judged by the redirect alone: the homepage is a real page
        usable = fp is not None and bool(fp.shingles) and len(fp.distinct) >= self.settings.min_distinct_shingles \
            and not (fp.kind == "redirect" and fp.landing in self.excluded) and self._comparable_size(res, fp)
        stored_title = (res.get("title") or "").lower()
        if not usable and not any(p in stored_title for p in self.patterns):
            if signed is None:
                html = html() if callable(html) else html
                signed = self.signed(html)
            if not signed:
                return None  # most pages: no fingerprint to compare and no signature anywhere, no parsing
        html = html() if callable(html) else html
        view = page_view(html)
        if usable:
            chrome = self.chrome()
            own = view.shingles - chrome
            contained = len(fp.distinct & view.shingles) / len(fp.distinct)
            novelty = len(own - fp.shingles) / len(own) if own else 0.0
            if contained >= self.settings.min_containment and novelty <= self.settings.max_novelty:
                return Verdict("fingerprint", detail={
                    "containment": round(contained, 3), "novelty": round(novelty, 3),
                    "min_containment": self.settings.min_containment,
                    "max_novelty": self.settings.max_novelty,
                    "fingerprint": fp.evidence()})
        title = view.title or (res.get("title") or "")
        for how, text in (("title", title), ("h1", view.h1)):
            pattern = _signature(text, self.patterns, self.slack) if text else ""
            if pattern:
                return Verdict(how, pattern, {"title": title, "h1": view.h1})
        if jump:
            _title, text = visible_text(html)
            if len(text) <= self.max_text_chars:
                pattern = next((p for p in self.patterns if p in text.lower()), "")
                if pattern:
                    return Verdict("text", pattern, {"title": title, "text_chars": len(text),
                                                     "max_text_chars": self.max_text_chars})
        return None
