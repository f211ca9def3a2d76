"""The site facts' per-page parts on disk: the page views (``ViewMap``), the link-text index (``LinkIndex``).

The site facts (``checks._columns.site_facts``) keep one ``PageView`` per page of the run and an index of
every distinct link text to the link of the first page (in URL order) that printed it. Held in dicts
they grew with the portal (~450 bytes a page for the views, ~340 for the index on a portal whose
article titles are link texts); ``ViewStore`` writes both to a ``crawler.store.scratch.Scratch`` (a
private temporary SQLite file) as pages come in, and the checks read them back through two read-only
mappings: ``ViewMap`` (page URL -> ``PageView``, decoded on each read) and ``LinkIndex`` (link text ->
href). Both iterate in key order: ``ViewMap`` in URL order, as the sorted dict it replaces, so the
checks walk it without sorting (sorting its items would read every view into memory again).

What stays in memory: a bounded cache of link texts already seen (``LINK_TEXT_CACHE`` entries; the
template's navigation texts of every page are answered from it, not from the file) and SQLite's page
cache. No setting governs this module; which links a view lists is ``checks._views.page_view``'s.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator, Mapping

from checks._views import PageView
from crawler.store.scratch import Scratch

LINK_TEXT_CACHE = 4096  # link texts remembered per generation of the cache (two generations)


def index_key(text: str) -> str:
    """A link text as the link index keys it ("" for none: empty, or too long to be a name)."""
    key = text.replace(" ", "")
    return key if len(key) <= 80 else ""


def encode_view(view: PageView) -> bytes:
    """What a ``PageView`` holds beyond its URL, as bytes (its text and tree are never kept)."""
    return marshal.dumps((view.title, view.meta, view.fields, view.footer, view.footer_markup, view.links,
                          view.labelled_date, view.printed))


def decode_view(url: str, data: bytes) -> PageView:
    title, meta, fields, footer, footer_markup, links, labelled_date, printed = marshal.loads(data)
    return PageView(url=url, title=title, meta=meta, fields=fields, text="", footer=footer,
                    footer_markup=footer_markup, links=links, labelled_date=labelled_date, printed=printed)


class ViewMap(Mapping[str, PageView]):
    """Page URL -> its ``PageView``, read from the scratch file on each access; iterates in URL order.
    A view read from it is a fresh object: changing it changes nothing stored."""

    def __init__(self, scratch: Scratch):
        self._scratch = scratch

    def __getitem__(self, url: str) -> PageView:
        data = self._scratch.view(url)
        if data is None:
            raise KeyError(url)
        return decode_view(url, data)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self._scratch.has_view(url)

    def __iter__(self) -> Iterator[str]:
        return self._scratch.view_urls()

    def __len__(self) -> int:
        return self._scratch.view_count()

    def items(self) -> Iterator[tuple[str, PageView]]:  # type: ignore[override]
        """(url, view) of every page in URL order, one read of the file (not a look-up per page)."""
        return ((url, decode_view(url, data)) for url, data in self._scratch.views())

    def values(self) -> Iterator[PageView]:  # type: ignore[override]
        return (view for _url, view in self.items())


class LinkIndex(Mapping[str, str]):
    """Link text (``index_key``) -> the href of its first link in URL order; iterates in text order."""

    def __init__(self, scratch: Scratch):
        self._scratch = scratch

    def __getitem__(self, text: str) -> str:
        hit = self._scratch.link_text(text)
        if hit is None:
            raise KeyError(text)
        return hit[0]

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._scratch.link_text(text) is not None

    def __iter__(self) -> Iterator[str]:
        return (text for text, _href in self._scratch.link_texts())

    def __len__(self) -> int:
        return self._scratch.link_text_count()

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        return iter(self._scratch.link_texts())


class ViewStore:
    """Collects the views and link texts of the run's pages, in any order, onto a scratch file.

    The link texts need no read of the file: each page's new texts are written with an upsert that keeps
    a text's link from the first page in URL order (``Scratch.put_link_texts``), and a bounded cache
    remembers, for the texts seen lately, a page at or after the one their indexed link is from. A text
    whose remembered page is at or before this page is indexed for good (its link is never resolved
    again); any other text is resolved and written, and the upsert decides."""

    def __init__(self) -> None:
        self.scratch = Scratch()
        self.views = ViewMap(self.scratch)
        self.link_index = LinkIndex(self.scratch)
        # text -> a page at or after its indexed link's page, in two generations: when the young one is
        # full it becomes the old one, and a text found in the old one moves back (a cheap bounded LRU)
        self._young: dict[str, str] = {}
        self._old: dict[str, str] = {}

    def _remember(self, key: str, page: str) -> None:
        if len(self._young) >= LINK_TEXT_CACHE:
            self._old, self._young = self._young, {}
        self._young[key] = page

    def _indexed_by(self, key: str, url: str) -> bool:
        """Is ``key`` indexed from a page at or before ``url`` for sure (as far as the cache knows)?"""
        bound = self._young.get(key)
        if bound is None:
            bound = self._old.get(key)
            if bound is None:
                return False
            self._remember(key, bound)
        return bound <= url

    def new_texts_of(self, url: str) -> Callable[[list[str]], set[str]]:
        """Which link texts of page ``url`` the index may take: all but those the cache knows to be
        indexed from a page at or before ``url`` (the index keeps a text's link from the first page)."""

        def choose(texts: list[str]) -> set[str]:
            return {text for text in set(texts) if self._unindexed_key(text, url)}
        return choose

    def _unindexed_key(self, text: str, url: str) -> str:
        """``text``'s index key when the index may still take it from page ``url``, else ""."""
        key = index_key(text)
        return key if key and not self._indexed_by(key, url) else ""

    def add(self, url: str, view: PageView, keep_links: bool) -> None:
        """Store the view of ``url`` (its links only with ``keep_links``) and index its link texts."""
        firsts: dict[str, str] = {}  # key -> the href of this page's first link printing it
        for href, text in view.links:
            key = self._unindexed_key(text, url)
            if key and key not in firsts:
                firsts[key] = href
        if firsts:
            self.scratch.put_link_texts((key, href, url) for key, href in firsts.items())
            for key in firsts:
                self._remember(key, url)  # indexed from this page now, or from one before it
        if not keep_links:
            view.links = []  # only the homepage's links are read from a view
        self.scratch.put_view(url, encode_view(view))

    def close(self) -> None:
        self.scratch.close()
