"""The ``trs`` family: the historical demo portal, a TRS WCM-style district 城管执法局 site.

Its modules sit at the top of xunjian/demo/ (they predate the family framework): ``layout.py``
(chrome, meta tags, metadata table, not-found page), ``portal.py`` (columns, documents, URL
scheme, list/document templates), ``pages.py`` (single pages), ``routes.py`` (fault routes) and
``plants_*.py`` (planted defects with their ``EXPECTED``/``DECOYS``). Audited with
config/sites/demo.yaml, whose port comes from ``XUNJIAN_DEMO_PORT``.
"""

from __future__ import annotations

from config import CONFIG_DIR
from xunjian.demo import layout, portal, routes
from xunjian.demo.family import AuditProfile, Family
from xunjian.demo.profiles import columns_for, raw_columns

PROFILE = CONFIG_DIR / "sites" / "demo.yaml"


def profile(site, bases: dict[str, str], clean: bool) -> AuditProfile:
    port = bases["portal"].rstrip("/").rsplit(":", 1)[1]
    overrides = {"columns": columns_for(raw_columns(PROFILE), site, clean)} if clean else {}
    return AuditProfile(PROFILE, overrides, {"XUNJIAN_DEMO_PORT": port})


FAMILY = Family(
    name="trs", title="TRS-style district portal (/xxgk/…/tYYYYMMDD_N.html)", encoding="utf-8",
    org_code=layout.ORG_CODE, issuer=layout.SITE_NAME, plant_package="xunjian.demo",
    build_portal=portal.build_portal, routes=routes.ROUTES, page=layout.page, list_page=portal.list_page,
    document_page=portal.document_page, not_found_html=layout.not_found_html, column_meta=layout.column_meta,
    list_path=portal.list_path, document_path=portal.document_path, attachment_path=portal.attachment_path,
    profile=profile, page_size=15, shows_metadata=lambda col, path: path.startswith("/xxgk/"),
)
