"""Not-found probes for the ``portal`` spider: learn what the site shows for a missing URL.

At the start of the crawl (once the first page has been crawled, so robots.txt and its
Crawl-delay are known), ``probes_per_prefix`` surely-missing URLs (``crawler.notfound.probe_urls``)
are requested under the directory of every start URL; as crawled pages reveal first-level
sections (``/xxgk/``, ``/channel_12/``), each new section is probed the same way, up to
``probe_prefixes`` prefixes in all. Settings: the profile's ``soft404.probes`` (on/off),
``soft404.probes_per_prefix`` and ``soft404.probe_prefixes``.

Probes go through the spider's ordinary request path, so robots.txt, the per-host
politeness (delay, concurrency, AutoThrottle), retries of transient failures and redirect
following apply to them as to any page. What came back (status, final URL, redirect
chain, title, H1, size, template shingles; or the error/skip) is yielded as a ``probe``
item and stored with ``Store.put_probe``. A probe is never a ``resources`` row: it is not
a page of the site, so it has no link verdict and counts in no page or coverage figure.
"""

from __future__ import annotations

from typing import Any
from crawler.encoding import decode_html
from crawler.facts import PURPOSE_PROBE, FetchState
from crawler.notfound import directory_prefix, page_view, probe_urls, section_prefix
from crawler.urls import href_and_scheme, resolve_link


class ProbingMixin:
    def init_probes(self, profile: dict[str, Any]) -> None:
        cfg = profile["soft404"]
        self.probe_enabled = bool(cfg["probes"])
        self.probe_per_prefix = int(cfg["probes_per_prefix"])
        self.probe_max_prefixes = int(cfg["probe_prefixes"])
        self.probe_salt = profile.name
        self.probed_prefixes: set[str] = set()

    def probe_prefix(self, prefix: str):
        """Requests for the probes of one prefix (nothing when probed already or over the cap)."""
        # cheapest first: in a distributed crawl the membership test may ask Redis
        if not self.probe_enabled or not self.scope.in_scope(prefix) \
                or len(self.probed_prefixes) >= self.probe_max_prefixes or prefix in self.probed_prefixes:
            return
        self.probed_prefixes.add(prefix)
        for url in probe_urls(prefix, self.probe_salt, self.probe_per_prefix):
            yield self.make_request(FetchState(url, "page", True, 0, PURPOSE_PROBE))

    def probe_start(self, start_urls: list[str]):
        for url in start_urls:
            yield from self.probe_prefix(directory_prefix(url))

    def probe_sections(self, doc: Any, charset: str, resolved: dict[int, str] | None = None):
        """After a crawled page: probe the start URLs' directories (the first time), then the
        first-level sections the page links to, the first time each is seen. Waiting for the first
        page means robots.txt (and its Crawl-delay) is known before any probe is sent.
        ``resolved``: canonical targets of the page's links by position, known already (a replayed
        page's stored links); the others are resolved here."""
        if not self.probe_enabled or len(self.probed_prefixes) >= self.probe_max_prefixes:
            return
        yield from self.probe_start(self.profile["start_urls"])
        for position, link in enumerate(doc.links):
            if link.tag not in ("a", "area"):
                continue  # sections are what navigation links to, not /css/ or /images/
            target = resolved.get(position) if resolved else None
            if target is None:
                hit = resolve_link(doc.base_url, href_and_scheme(link.raw)[0], self.session_names, charset)
                if hit is None:
                    continue
                target = hit[0]
            prefix = section_prefix(target) if target.startswith(("http://", "https://")) else None
            if prefix and prefix not in self.probed_prefixes:
                yield from self.probe_prefix(prefix)

    def probe_item(self, state: FetchState, response=None, body: bytes | None = None,
                   row: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``probe`` item of an answered probe (``response``) or of a failed/skipped one (``row``)."""
        item: dict[str, Any] = {"_table": "probe", "prefix": directory_prefix(state.url), "url": state.url,
                                "redirect_chain": state.chain}
        if response is not None:
            item.update(status=response.status, final_url=response.url, size=len(body or b""))
            if body:
                text, _charset, _errors = decode_html(body, (response.headers.get(b"Content-Type") or b"")
                                                      .decode("latin-1"))
                view = page_view(text)
                item.update(title=view.title, h1=view.h1, shingles=sorted(view.shingles))
        elif row is not None:
            item.update(status=row.get("status"), final_url=row.get("final_url"),
                        error_class=row.get("error_class"), skip_reason=row.get("skip_reason"))
        return item
