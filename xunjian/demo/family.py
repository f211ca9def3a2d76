"""Portal families: what differs between the bundled portals, as data and templates.

Every bundled portal (TRS-style ``trs``, the Shanghai intensive platform ``shanghai``, ...) shares
one site model (``xunjian.demo.site``: columns, dated items, documents with metadata,
attachments), one server (``xunjian.demo.server``), one plant/decoy format (``Expect``/``Decoy``
in ``plants_*.py`` modules) and one test harness (tests/test_families.py). A family supplies only
what differs, as a ``Family``:

* its URL scheme: ``list_path(col, n)`` (list page ``n`` of a column, 0 = the first),
  ``document_path(col, published, serial, title)``, ``attachment_path(col, doc_path, name)``,
  ``page_size`` (items per list page);
* its templates: ``page(title, body_html, **kw)`` (chrome: header, navigation, footer, meta tags),
  ``list_page(site, col, items, n, paths)``, ``document_page(site, doc)`` (article and metadata
  markup), ``not_found_html()``, ``column_meta(name, description, kind)``;
* its data: ``build_portal(site)`` (columns, documents and single pages of the clean portal),
  ``org_code`` (索引号 prefix), ``issuer`` (发文机构), ``encoding`` (the default codec of its
  pages), its fault ``routes`` (``xunjian.demo.routes.Route`` rows) and ``plant_package`` (the
  package whose ``plants_*.py`` modules plant its defects, next to the code that plants them);
* its audit profile: ``profile(site, bases, clean) -> AuditProfile`` (the site profile file, the
  overrides deep-merged into it and the environment variables it reads), see
  ``xunjian.demo.profiles``.

``get_family(name)`` imports the family's module (``FAMILY_MODULES``) and returns its ``FAMILY``;
adding a family is one module defining ``FAMILY`` plus one line in ``FAMILY_MODULES``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

# name -> module defining ``FAMILY``; "trs" is the historical demo (its modules sit at the
# package top: layout.py, portal.py, pages.py, routes.py, plants_*.py)
FAMILY_MODULES = {
    "trs": "xunjian.demo.trs",
    "shanghai": "xunjian.demo.shanghai",
    "hanweb": "xunjian.demo.hanweb",
}
DEFAULT_FAMILY = "trs"


@dataclass(frozen=True)
class AuditProfile:
    """How to audit a served family: the profile file, overrides merged into it, env it reads."""

    path: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    name: str
    title: str  # one line for --help and reports ("TRS-style district portal")
    encoding: str
    org_code: str
    issuer: str
    plant_package: str
    build_portal: Callable[[Any], None]
    routes: list
    page: Callable[..., Any]
    list_page: Callable[..., Any]
    document_page: Callable[..., Any]
    not_found_html: Callable[[], str]
    column_meta: Callable[..., list[tuple[str, str]]]
    list_path: Callable[[Any, int], str]
    document_path: Callable[[Any, Any, int, str], str]
    attachment_path: Callable[[Any, str, str], str]
    profile: Callable[..., AuditProfile]
    page_size: int = 15
    # does a document of column ``col`` at ``path`` print the 信息公开 metadata by default?
    shows_metadata: Callable[[Any, str], bool] = lambda col, path: col.disclosure


def family_names() -> list[str]:
    return list(FAMILY_MODULES)


def get_family(name: str | None = None) -> Family:
    name = name or DEFAULT_FAMILY
    try:
        module = FAMILY_MODULES[name]
    except KeyError:
        raise ValueError(f"demo portal: unknown family {name!r}; choose one of {', '.join(FAMILY_MODULES)}") \
            from None
    return importlib.import_module(module).FAMILY
