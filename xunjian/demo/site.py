"""The demo site model shared by every portal family: pages per host, columns with dated items,
documents, and edits by plant modules.

``build_site(today, family="trs", clean=False)`` generates the family's base portal
(``Family.build_portal``), then, unless ``clean``, imports every ``plants_*.py`` module of the
family's ``plant_package`` in name order and calls its ``contribute(site, today)``, then renders
the columns and applies the recorded edits. ``expectations(family)`` gathers every plant module's
``EXPECTED`` / ``DECOYS``. The result is deterministic: the same ``today`` gives a byte-identical
site (no randomness, no wall clock). URLs and markup come from the family (xunjian/demo/family.py).

Helpers for plant modules (all paths are host-relative, hosts are ``"portal"``/``"external"``, and
``"elsewhere"``, a third site with another address, where a hijacked link lands):

``site.add(host, path, page)``               add a raw ``DemoPage`` (error if the path exists,
                                             unless ``replace=True``)
``site.get(host, path)`` / ``site.paths(host)``  read the current (rendered, edited) site
``site.replace(host, path, old, new, count=1)``  text edit of a page; ``old`` must occur at least
                                             ``count`` times once the site is rendered, else
                                             ``build_site`` fails naming the edit
``site.insert_before(host, path, marker, html)`` insert HTML before ``marker`` (default
                                             ``"</main>"``: the end of the page's main content)
``site.edit(host, path, func)``              arbitrary ``str -> str`` edit
``site.remove(host, path)``                  delete a page (its links then answer 404)
``site.column(key)`` / ``site.columns``      columns by key, e.g. ``"gfxwj"`` (规范性文件); see
                                             the family's column specs for every key and path
``site.add_column(key, name, path, ...)``    a new column with paginated list pages
``site.remove_column(key)``                  drop a column, its list pages and its documents
``site.add_item(key, title, url, day)``      a dated item in a column list (no page created)
``site.add_document(key, title=..., ...)``   a document page with the 信息公开 metadata (索引号,
                                             发文机构, 公开类型, 印发日期, 发布日期, 文号, 体裁,
                                             有效性 ...) in the family's markup, listed in its
                                             column; ``meta`` overrides or (value ``None``) drops
                                             rows; returns its path (xunjian/demo/documents.py)
``site.page(title, body_html, ...)``         wrap HTML in the family's header/footer (a DemoPage)
``site.next_index_no(year)`` / ``site.counter(key)``  the next 索引号 / number of a sequence (文号)
``site.add_renderer(func)``                  pages computed from the model at render time
``site.has(host, path)``                     is there a static page at ``path``

Column list pages and the homepage are rendered after every plant module ran, so items added by
any plant appear in the lists; edits are applied last, in the order they were made.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from xunjian.demo import Decoy, DemoPage, Expect
from xunjian.demo.family import Family, get_family

HOSTS = ("portal", "external", "elsewhere")  # elsewhere: a third site (a hijacked link's landing)


@dataclass
class Item:
    title: str
    url: str
    day: date


@dataclass
class Column:
    """A column (栏目): a list of dated items rendered as paginated list pages under ``path``."""

    key: str
    name: str
    path: str  # directory, e.g. "/xxgk/gfxwj/"; list page paths come from the family's list_path
    family: Family = field(repr=False)
    description: str = ""
    parent: str | None = None  # parent column key (breadcrumbs)
    kind: str = "list"  # ColumnType meta: "list" for item lists
    items: list[Item] = field(default_factory=list)
    encoding: str = "utf-8"  # list pages of legacy subsystems are served as GBK
    serial: int = 0  # per-column document counter (document file names)
    disclosure: bool = False  # documents print the 信息公开 metadata by default
    overview: bool = False  # the index page is a hand-written overview, not an item list
    genre: str = "其他"  # default 体裁 of its documents
    theme: str = "城乡建设、环境保护/城市管理"  # default 主题分类

    def sorted_items(self) -> list[Item]:
        return sorted(self.items, key=lambda i: (i.day, i.url), reverse=True)

    def list_paths(self) -> list[str]:
        pages = max(1, -(-len(self.items) // self.family.page_size))
        return [self.family.list_path(self, n) for n in range(pages)]


@dataclass
class _Edit:
    host: str
    path: str
    func: Callable[[str], str]
    label: str
    check: tuple[str, int] | None = None  # (text that must occur, times)


class DemoSite:
    """Pages per host, plus the column model the list pages and homepage are rendered from."""

    def __init__(self, today: date, family: Family | str | None = None):
        self.today = today
        self.family = family if isinstance(family, Family) else get_family(family)
        self._pages: dict[str, dict[str, DemoPage]] = {h: {} for h in HOSTS}
        self.columns: dict[str, Column] = {}
        self._edits: list[_Edit] = []
        self._renderers: list[Callable[["DemoSite"], dict[str, DemoPage]]] = []
        self._view: dict[str, dict[str, DemoPage]] | None = None
        self._counters: dict[object, int] = {}

    # -- raw pages -----------------------------------------------------------------------------
    def add(self, host: str, path: str, page: DemoPage, *, replace: bool = False) -> DemoPage:
        self._check(host, path)
        if path in self._pages[host] and not replace:
            raise ValueError(f"demo site: {host}:{path} already exists; pass replace=True to overwrite it")
        self._pages[host][path] = page
        self._view = None
        return page

    def remove(self, host: str, path: str) -> None:
        self._check(host, path)
        if path not in self._pages[host]:
            raise KeyError(f"demo site: {host}:{path} is not a static page; nothing to remove")
        del self._pages[host][path]
        self._view = None

    def get(self, host: str, path: str) -> DemoPage:
        view = self._rendered()
        try:
            return view[host][path]
        except KeyError:
            raise KeyError(f"demo site: no page {host}:{path}") from None

    def paths(self, host: str) -> list[str]:
        return sorted(self._rendered()[host])

    def page_count(self) -> int:
        view = self._rendered()
        return sum(len(view[h]) for h in HOSTS)

    # -- edits (applied after rendering, in order) -------------------------------------------
    def edit(self, host: str, path: str, func: Callable[[str], str], label: str = "edit") -> None:
        self._check(host, path)
        self._edits.append(_Edit(host, path, func, label))
        self._view = None

    def replace(self, host: str, path: str, old: str, new: str, count: int = 1) -> None:
        self._check(host, path)
        self._edits.append(_Edit(host, path, lambda text: text.replace(old, new, count),
                                 f"replace {old[:40]!r}", (old, count)))
        self._view = None

    def insert_before(self, host: str, path: str, html: str, marker: str = "</main>") -> None:
        self._check(host, path)
        self._edits.append(_Edit(host, path, lambda text: text.replace(marker, html + marker, 1),
                                 f"insert before {marker!r}", (marker, 1)))
        self._view = None

    # -- columns and documents ----------------------------------------------------------------
    def column(self, key: str) -> Column:
        try:
            return self.columns[key]
        except KeyError:
            known = ", ".join(sorted(self.columns))
            raise KeyError(f"demo site: no column {key!r}; known: {known}") from None

    def add_column(self, key: str, name: str, path: str, *, description: str = "", parent: str | None = None,
                   encoding: str | None = None, **attrs) -> Column:
        """``attrs``: further ``Column`` fields (disclosure, overview, genre, theme, kind)."""
        if key in self.columns:
            raise ValueError(f"demo site: column {key!r} already exists")
        if not (path.startswith("/") and path.endswith("/")):
            raise ValueError(f"demo site: column path {path!r} must start and end with '/'")
        col = Column(key, name, path, self.family, description or name, parent,
                     encoding=encoding or self.family.encoding, **attrs)
        self.columns[key] = col
        self._view = None
        return col

    def remove_column(self, key: str) -> None:
        """Take a column down: its list pages and the static pages of its items disappear."""
        col = self.column(key)
        for item in col.items:
            if item.url in self._pages["portal"]:
                del self._pages["portal"][item.url]
        del self.columns[key]
        self._view = None

    def add_item(self, key: str, title: str, url: str, day: date) -> Item:
        item = Item(title, url, day)
        self.column(key).items.append(item)
        self._view = None
        return item

    def add_document(self, key: str, **kwargs) -> str:
        """Add a document page listed in column ``key``; see ``portal.add_document`` for the
        keyword arguments (title, published, issued, doc_no, genre, validity, valid_until,
        body_html, attachments, meta, path, encoding, charset, content_type). Returns its path."""
        from xunjian.demo.documents import add_document
        return add_document(self, key, **kwargs)

    def page(self, title: str, body_html: str, **kwargs) -> DemoPage:
        return self.family.page(title, body_html, **kwargs)

    def has(self, host: str, path: str) -> bool:
        """True when ``path`` is a static page (columns' list pages are not counted)."""
        return path in self._pages[host]

    def counter(self, key: object) -> int:
        """The next number of a named sequence (文号 per agency code and year, 索引号 per year)."""
        self._counters[key] = self._counters.get(key, 0) + 1
        return self._counters[key]

    def next_index_no(self, year: int) -> str:
        """The next 索引号 of the bureau for ``year``, e.g. ``000014349/2024-00048``."""
        return f"{self.family.org_code}/{year}-{self.counter(('索引号', year)):05d}"

    def add_renderer(self, renderer: Callable[["DemoSite"], dict[str, DemoPage]]) -> None:
        """Register a function producing pages (path -> DemoPage, portal host) from the model at
        render time, e.g. the homepage, whose lists depend on every plant's items."""
        self._renderers.append(renderer)
        self._view = None

    # -- rendering ------------------------------------------------------------------------------
    def _rendered(self) -> dict[str, dict[str, DemoPage]]:
        if self._view is not None:
            return self._view
        from xunjian.demo.documents import render_column
        view = {h: dict(pages) for h, pages in self._pages.items()}
        for col in self.columns.values():
            view["portal"].update(render_column(self, col))
        for renderer in self._renderers:
            view["portal"].update(renderer(self))
        for e in self._edits:
            page = view[e.host].get(e.path)
            if page is None:
                raise KeyError(f"demo site: {e.label} targets missing page {e.host}:{e.path}")
            if isinstance(page.body, bytes):
                raise TypeError(f"demo site: {e.label} on {e.host}:{e.path}: the body is bytes; edit "
                                "text pages only")
            if e.check and page.body.count(e.check[0]) < e.check[1]:
                raise ValueError(f"demo site: {e.label} on {e.host}:{e.path}: text {e.check[0][:60]!r} "
                                 f"not found {e.check[1]} time(s); the page changed, update the plant")
            view[e.host][e.path] = DemoPage(e.func(page.body), page.content_type, page.status,
                                            dict(page.headers), page.encoding)
        self._view = view
        return view

    @staticmethod
    def _check(host: str, path: str) -> None:
        if host not in HOSTS:
            raise ValueError(f"demo site: unknown host {host!r}; use one of {HOSTS}")
        if not path.startswith("/"):
            raise ValueError(f"demo site: path {path!r} must start with '/'")


def plant_modules(family: Family | str | None = None):
    """The family's ``plants_*`` modules, in name order."""
    family = family if isinstance(family, Family) else get_family(family)
    pkg = importlib.import_module(family.plant_package)
    names = sorted(i.name for i in pkgutil.iter_modules(pkg.__path__) if i.name.startswith("plants_"))
    return [importlib.import_module(f"{family.plant_package}.{name}") for name in names]


def build_site(today: date, family: Family | str | None = None, *, clean: bool = False) -> DemoSite:
    """The complete site of ``family`` (default "trs") for ``today``: base portal, then every plant
    module (none when ``clean``: the clean render, free of planted defects), rendered."""
    site = DemoSite(today, family)
    site.family.build_portal(site)
    if not clean:
        for module in plant_modules(site.family):
            contribute = getattr(module, "contribute", None)
            if contribute is not None:
                contribute(site, today)
    site._rendered()  # render now so a stale edit fails here, naming the plant's edit
    return site


def expectations(family: Family | str | None = None) -> tuple[list[Expect], list[Decoy]]:
    """Every plant module's EXPECTED and DECOYS of ``family`` (default "trs"), in module name order."""
    expected: list[Expect] = []
    decoys: list[Decoy] = []
    for module in plant_modules(family):
        expected.extend(getattr(module, "EXPECTED", []))
        decoys.extend(getattr(module, "DECOYS", []))
    return expected, decoys
