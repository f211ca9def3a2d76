"""What the crawl does with a URL: in scope or not, which kind, crawl / check / skip.

Governed by the site profile:

``scope.hosts``        hosts (``host`` or ``host:port``) whose pages are crawled; empty means
                       the hosts of ``start_urls``;
``scope.include``      regexes; when given, an in-scope URL must match one of them;
``scope.exclude``      regexes; a matching URL is treated as out of scope (checked, not crawled);
``links.ignore``       regexes of URLs never fetched (``skip_reason="ignored"``);
``links.jump_link_patterns``  阅办联动 jump links into 一网通办: fetched with GET, body kept;
``links.attachment_extensions``  extensions that make a target an ``attachment``;
``links.check_external`` false: external targets recorded with ``external-disabled``.

Kinds follow docs/ARCHITECTURE.md: ``page`` (in-scope target of a navigational link),
``attachment`` (navigational link to an attachment extension), ``asset`` (embedded:
img, script, css, source, embed...; a .png shown in a page is not an attachment),
``external``. Whether a page really is HTML is decided
from its response; a non-HTML answer is re-labelled ``attachment`` or ``asset``.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.urls import URL_CACHE_SIZE

from crawler.urls import extension, host_key, normalise_host_entry

# tags whose target is navigated to (so an in-scope target is a page to crawl)
NAVIGATION_TAGS = frozenset({"a", "area", "iframe", "frame", "meta", "form"})
NAVIGATION_ATTRS = frozenset({"onclick", "data-href", "data-url", "formaction", "createPageHTML"})
ATTACHMENT_MEDIA = ("application/pdf", "application/msword", "application/vnd.ms-", "application/vnd.openxml",
                    "application/zip", "application/x-rar", "application/x-7z", "application/ofd",
                    "application/octet-stream", "application/vnd.wps", "application/kswps")


class Scope:
    def __init__(self, profile: dict[str, Any], host_keys: set[str]):
        """``host_keys``: the profile's scope hosts (``SiteProfile.scope_hosts``)."""
        self.hosts = {normalise_host_entry(h) for h in host_keys}
        self.include = [re.compile(p) for p in profile["scope"]["include"]]
        self.exclude = [re.compile(p) for p in profile["scope"]["exclude"]]
        links = profile["links"]
        self.ignore = [re.compile(p) for p in links["ignore"]]
        self.jump = [re.compile(p) for p in links["jump_link_patterns"]]
        self.attachment_exts = frozenset(e.lower().lstrip(".") for e in links["attachment_extensions"])
        self.check_external = bool(links["check_external"])
        # a portal's navigation cites the same targets on every page: verdicts per URL are kept
        # (bounded: emptied when full, so memory stays flat however large the portal)
        self._in_scope: dict[str, bool] = {}
        self._attachment: dict[str, bool] = {}

    def add_host(self, host: str) -> None:
        """Crawl ``host`` too (a start URL that moved there); earlier verdicts no longer hold."""
        self.hosts.add(host)
        self._in_scope.clear()

    def in_scope(self, url: str) -> bool:
        verdict = self._in_scope.get(url)
        if verdict is None:
            if len(self._in_scope) >= URL_CACHE_SIZE:
                self._in_scope.clear()
            verdict = self._in_scope[url] = self._judge_scope(url)
        return verdict

    def _judge_scope(self, url: str) -> bool:
        if host_key(url) not in self.hosts:
            return False
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)

    def ignored(self, url: str) -> bool:
        return any(p.search(url) for p in self.ignore)

    def is_jump_link(self, url: str) -> bool:
        return any(p.search(url) for p in self.jump)

    def is_attachment(self, url: str) -> bool:
        verdict = self._attachment.get(url)
        if verdict is None:
            if len(self._attachment) >= URL_CACHE_SIZE:
                self._attachment.clear()
            verdict = self._attachment[url] = extension(url) in self.attachment_exts
        return verdict

    def kind_of(self, url: str, tag: str, attr: str, in_scope: bool) -> str:
        if not in_scope:
            return "external"
        if tag in NAVIGATION_TAGS or attr in NAVIGATION_ATTRS:
            return "attachment" if self.is_attachment(url) else "page"
        return "asset"  # embedded (img, script, css, source...): an image shown in a page is no attachment

    def kind_from_response(self, url: str, content_type: str | None, disposition: str | None) -> str:
        """Kind of an in-scope 'page' candidate that answered with something other than HTML."""
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if self.is_attachment(url) or "attachment" in (disposition or "").lower():
            return "attachment"
        if media.startswith(ATTACHMENT_MEDIA):
            return "attachment"
        return "asset"
