"""Link handling for the ``portal`` spider: record every occurrence, decide each target once.

For each link of a crawled page (see ``crawler.extract``) a ``links`` row is written
(source, canonical target, fragment, raw href, scheme, text, tag, attribute, position).
Non-http(s) schemes (``mailto:``, ``tel:``, ``javascript:``, ``data:``, ...) are recorded
and counted in ``skipped_by_scheme``, never fetched. An http(s) target is then decided
ONCE per canonical URL (the only per-URL memory is the ``seen`` set and the set of targets checked
without their body, both ``crawler.digestset.DigestSet``: ~9 bytes per URL, not the URL itself):

- ``links.ignore`` match -> ``skip_reason="ignored"``; external with
  ``links.check_external: false`` -> ``external-disabled``;
- in-scope: spider-trap guards (``crawler.traps``, profile ``traps:``), then for pages
  ``limits.max_depth`` (-> ``limit:max-depth``; depth counts content hops: a pager link of
  ``crawler.pagination`` keeps its list's depth and is exempt from the per-pattern trap cap),
  ``limits.max_pagination_pages`` (pager hops in a row -> ``limit:max-pagination``) and
  ``limits.max_pages`` (-> ``limit:max-pages``); a pager page whose other links are exactly
  those of the pager page that led to it (an endless pager showing one list under every page
  number) has its pager links skipped as ``trap:repeating-pager``;
- in-scope stylesheets (``link rel=stylesheet``, ``@import``) are fetched with GET and their
  ``url()``/``@import`` targets followed as links of the stylesheet (``follow_css``);
- pages are crawled; everything else is checked with HEAD, except external ``#fragment``
  targets and jump links (``links.jump_link_patterns``), fetched with GET and their body.
  A target first checked without a body and later cited with a fragment is fetched again
  once with its body, so late fragments are still verifiable.
- a data island's next group (``crawler.islands``; tag ``datastore``, attribute ``nextgroup``)
  is fetched with its body like a page (it counts toward ``limits.max_pages``); its records'
  links are recorded as links of the list page that holds the island, and its own next group
  is followed in turn until a group comes back without records.
- an in-scope ``<script src>`` whose path matches ``identity.footer_script_patterns``
  (config/rules.yaml or the profile's ``thresholds:``; Hanweb ``/script/0/1234.js``) is fetched
  with its body, kept, so the identity checks can read the footer it ``document.write``s.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from config import load_thresholds
from crawler.css import css_urls
from crawler.digestset import DigestSet
from crawler.encoding import decode_html
from crawler.extract import Document, RawLink, reply_links
from crawler.facts import (PURPOSE_BODY, PURPOSE_CHECK, PURPOSE_CSS, PURPOSE_ISLAND, PURPOSE_PAGE,
                           PURPOSE_SCRIPT, FetchState, resource_item, skip_item)
from crawler.pagination import Pagination
from crawler.scope import Scope
from crawler.traps import TrapGuard
from crawler.urls import href_and_scheme, link_scheme, redact_userinfo, resolve_link, session_names

FETCHED_SCHEMES = ("http", "https")
ISLAND_POSITION_STRIDE = 100_000  # link positions of a list page's n-th island group start at n * stride


class LinkingMixin:
    def init_linking(self, profile: dict[str, Any], today: date) -> None:
        self.scope = Scope(profile, profile.scope_hosts)
        self.traps = TrapGuard(profile["traps"], today)
        self.session_names = session_names(profile["traps"]["session_params"])
        self.max_pages = int(profile["limits"]["max_pages"])
        self.max_depth = int(profile["limits"]["max_depth"])
        self.max_pagination = int(profile["limits"]["max_pagination_pages"])
        self.pagination = Pagination(profile["pagination"])
        self.seen = DigestSet()
        self.checked_without_body = DigestSet()
        self.body_upgrades: set[str] = set()  # their status-only check row must not win a race
        self.failed_urls: set[str] = set()
        self.pages_scheduled = 0
        self.island_groups = 0
        patterns = (load_thresholds(profile).get("identity") or {}).get("footer_script_patterns") or []
        self.page_script_patterns = [re.compile(str(p)) for p in patterns]

    def _bump(self, bucket: str, key: str) -> None:
        counts = self.counters[bucket]
        counts[key] = counts.get(key, 0) + 1

    def follow_links(self, page: FetchState, doc: Document, charset: str = "utf-8", first_position: int = 0):
        rows: list[dict[str, Any]] = []
        pending: list[tuple[str, str, RawLink, bool]] = []
        source, base, names = page.url, doc.base_url, self.session_names
        for position, link in enumerate(doc.links, start=first_position):
            href, scheme = href_and_scheme(link.raw)
            raw_href, text = redact_userinfo(link.raw), redact_userinfo(link.text)
            if scheme and scheme not in FETCHED_SCHEMES:
                target, _, fragment = href.partition("#")
                rows.append({"source_url": source, "raw_href": raw_href, "text": text, "tag": link.tag,
                             "attr": link.attr, "position": position,
                             "target_url": redact_userinfo(target[:4096]), "fragment": fragment or None,
                             "scheme": scheme})
                self._bump("skipped_by_scheme", scheme)
                continue
            # a link no browser can open (http://localhost], http://, a port out of range) is
            # recorded as scheme "invalid" and reported by checks/links/link_malformed.py, never fetched
            resolved = resolve_link(base, href, names, charset)
            if resolved is None:
                rows.append({"source_url": source, "raw_href": raw_href, "text": text, "tag": link.tag,
                             "attr": link.attr, "position": position,
                             "target_url": redact_userinfo(href[:4096]), "fragment": None,
                             "scheme": "invalid"})
                self._bump("skipped_by_scheme", "invalid")
                continue
            target, fragment = resolved
            scheme = link_scheme(target)
            rows.append({"source_url": source, "raw_href": raw_href, "text": text, "tag": link.tag,
                         "attr": link.attr, "position": position, "target_url": target,
                         "fragment": fragment or None, "scheme": scheme or "invalid"})
            if scheme not in FETCHED_SCHEMES:
                self._bump("skipped_by_scheme", scheme or "invalid")
                continue
            pending.append((target, fragment, link, self.is_pager(page, target, link)))
        decisions = list(self.decide_targets(page, pending))
        self.counters["links"] += len(rows)
        if rows:
            yield {"_table": "links", "rows": rows}
        yield from decisions

    def decide_targets(self, page: FetchState, pending: list[tuple[str, str, RawLink, bool]]):
        """Requests or skip records for the http(s) targets of a page: (canonical target, fragment,
        link, is pager) in link order (also the replay of an unchanged page: crawler.spiders.reuse)."""
        # a pager page listing exactly what the page before it listed is an endless pager (the
        # same list under any page number): its pager links are a trap, not more content
        signature = hashlib.sha1("\n".join(sorted({t for t, _, _, pager in pending if not pager}))
                                 .encode("utf-8", "surrogatepass")).hexdigest()
        repeating = page.list_sig is not None and page.list_sig == signature
        for target, fragment, link, pager in pending:
            yield from self.consider(target, fragment, link.tag, link.attr, page, link=link,
                                     pager=pager, list_sig=signature, repeating=repeating)

    def claim_url(self, url: str) -> bool:
        """True the first time ``url`` is decided (a distributed crawl claims it in Redis:
        crawler.distributed)."""
        return self.seen.claim(url)

    def take_unbodied(self, url: str) -> bool:
        """True once for a target checked without its body, when a fragment citation needs it."""
        if url in self.checked_without_body:
            self.checked_without_body.discard(url)
            return True
        return False

    def is_pager(self, page: FetchState, url: str, link: RawLink) -> bool:
        """A link from a crawled page to the next page of the same list (crawler.pagination)."""
        if page.purpose != PURPOSE_PAGE or not self.scope.in_scope(url) \
                or self.scope.kind_of(url, link.tag, link.attr, True) != "page":
            return False
        return self.pagination.is_pager_link(page.url, url, link.text, link.pager)

    def consider(self, url: str, fragment: str, tag: str, attr: str, page: FetchState,
                 link: RawLink | None = None, pager: bool = False, list_sig: str | None = None,
                 repeating: bool = False):
        """Requests or skip records for a target (nothing when it was decided before)."""
        try:
            yield from self._consider(url, fragment, tag, attr, page, link, pager, list_sig, repeating)
        except ValueError as exc:  # a URL Scrapy refuses to request: a fact, not a crash
            yield resource_item(url=url, kind="external" if not self.scope.in_scope(url) else "asset",
                                in_scope=self.scope.in_scope(url), depth=page.depth + 1,
                                error=f"invalid URL: {exc}"[:500], error_class="other")

    def _consider(self, url: str, fragment: str, tag: str, attr: str, page: FetchState,
                  link: RawLink | None, pager: bool, list_sig: str | None, repeating: bool):
        in_scope = self.scope.in_scope(url)
        kind = self.scope.kind_of(url, tag, attr, in_scope)
        wants_body = kind != "page" and (bool(fragment) and not in_scope or self.scope.is_jump_link(url))
        depth = page.depth if pager else page.depth + 1  # content hops: a list's next page is no deeper
        if not self.claim_url(url):
            if wants_body and self.take_unbodied(url):
                self.body_upgrades.add(url)
                yield self.make_request(FetchState(url, kind, in_scope, depth, PURPOSE_BODY,
                                                   referrer=page.url))
            return
        if self.scope.ignored(url):
            self.counters["ignored"] += 1
            yield skip_item(url, kind, in_scope, depth, "ignored")
            return
        if not in_scope and not self.scope.check_external:
            yield skip_item(url, kind, in_scope, depth, "external-disabled")
            return
        if pager and repeating:
            self._bump("traps", "repeating-pager")
            yield skip_item(url, kind, in_scope, depth, "trap:repeating-pager")
            return
        verdict = None
        if in_scope:
            verdict = (self.traps.check_data_group(url) if attr == "nextgroup"
                       else self.traps.check(url, page.url, page.growth, page.calendar, pager=pager))
            if verdict.cause:
                self._bump("traps", verdict.cause)
                yield skip_item(url, kind, in_scope, depth, f"trap:{verdict.cause}")
                return
        if attr == "nextgroup" and in_scope:
            if self.pages_scheduled >= self.max_pages:
                self._bump("limits", "limit:max-pages")
                yield skip_item(url, kind, in_scope, depth, "limit:max-pages")
                return
            self.pages_scheduled += 1
            yield self.make_request(FetchState(url, kind, True, depth, PURPOSE_ISLAND, referrer=page.url,
                                               growth=page.growth, calendar=page.calendar))
            return
        writes_page = tag == "script" and any(rx.search(urlsplit(url).path) for rx in self.page_script_patterns)
        if in_scope and writes_page:
            yield self.make_request(FetchState(url, kind, True, depth, PURPOSE_SCRIPT, referrer=page.url))
            return
        if kind == "page":
            pager_steps = page.pager_steps + 1 if pager else 0
            limit = None
            if depth > self.max_depth:
                limit = "limit:max-depth"
            elif pager_steps > self.max_pagination:
                limit = "limit:max-pagination"
            elif self.pages_scheduled >= self.max_pages:
                limit = "limit:max-pages"
            if limit:
                self._bump("limits", limit)
                yield skip_item(url, kind, in_scope, depth, limit)
                return
            self.pages_scheduled += 1
            yield self.make_request(FetchState(url, kind, True, depth, PURPOSE_PAGE, referrer=page.url,
                                               growth=verdict.growth, calendar=verdict.calendar,
                                               pager_steps=pager_steps, list_sig=list_sig if pager else None))
            return
        if in_scope and link is not None and link.stylesheet:
            # fetched with its body and parsed: missing background images and fonts are links too
            yield self.make_request(FetchState(url, kind, in_scope, depth, PURPOSE_CSS, referrer=page.url))
            return
        if wants_body:
            yield self.make_request(FetchState(url, kind, in_scope, depth, PURPOSE_BODY, referrer=page.url))
            return
        self.checked_without_body.add(url)
        yield self.make_request(FetchState(url, kind, in_scope, depth, PURPOSE_CHECK, method="HEAD",
                                           referrer=page.url))

    def record_island(self, state: FetchState, body: bytes, row: dict[str, Any]):
        """A data-island group answered: record it, then its records' links as links of the list
        page (``state.referrer``) at that page's depth, after the page's own positions."""
        text, charset, decode_errors = decode_html(body, row["content_type"])
        links, records = reply_links(text, row.get("final_url") or state.url)
        row.update(charset=charset, decode_errors=decode_errors)
        yield from self.record(state, row)
        if not records:
            return  # the last group: nothing more to list
        page = FetchState(state.referrer or state.url, "page", True, max(state.depth - 1, 0), PURPOSE_PAGE,
                          growth=state.growth, calendar=state.calendar)
        self.island_groups += 1
        yield from self.follow_links(page, Document(base_url=row.get("final_url") or state.url, links=links),
                                     charset, first_position=self.island_groups * ISLAND_POSITION_STRIDE)

    def record_script(self, state: FetchState, body: bytes, row: dict[str, Any]):
        """A same-site script writing page parts answered: record it and keep its text."""
        text, charset, decode_errors = decode_html(body, row["content_type"])
        row.update(charset=charset, decode_errors=decode_errors)
        yield from self.record(state, row)
        yield {"_table": "body", "url": state.url, "text": text}

    def follow_css(self, sheet: FetchState, text: str, base_url: str):
        """Links of a fetched stylesheet, resolved against the stylesheet's own URL (CSS rules)."""
        doc = Document(base_url=base_url)
        doc.links = [RawLink(url[:4096], "css", how, "", stylesheet=how == "import")
                     for url, how in css_urls(text)]
        yield from self.follow_links(sheet, doc)
