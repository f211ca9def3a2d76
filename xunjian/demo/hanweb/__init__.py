"""The ``hanweb`` family: a fictional 临江市城市管理局 portal on Hanweb 大汉 jcms, GBK throughout.

Modules: ``layout`` (chrome, footer script, metadata grids, not-found page), ``content`` (texts),
``portal`` (columns, URL scheme, data-island list pages, article template, single pages),
``routes`` (``dataproxy.jsp``, ``downfile.jsp`` and the planted faults) and ``plants_*.py``
(planted defects with their ``EXPECTED``/``DECOYS``, next to the code that plants them).
Audited with config/sites/demo-hanweb.yaml, whose port comes from ``XUNJIAN_HANWEB_PORT``.
"""

from __future__ import annotations

from config import CONFIG_DIR
from xunjian.demo.family import AuditProfile, Family
from xunjian.demo.hanweb import layout, portal, routes
from xunjian.demo.profiles import columns_for, raw_columns

PROFILE = CONFIG_DIR / "sites" / "demo-hanweb.yaml"


def profile(site, bases: dict[str, str], clean: bool) -> AuditProfile:
    port = bases["portal"].rstrip("/").rsplit(":", 1)[1]
    overrides = {"columns": columns_for(raw_columns(PROFILE), site, clean)} if clean else {}
    return AuditProfile(PROFILE, overrides, {"XUNJIAN_HANWEB_PORT": port})


def _page(title: str, body_html: str, **kwargs):
    return layout.page(title, body_html, **kwargs)


FAMILY = Family(
    name="hanweb", title="Hanweb 大汉 jcms city portal, GBK (/col/colN/index.html, /art/Y/M/D/art_C_A.html)",
    encoding=layout.ENCODING, org_code=layout.ORG_CODE, issuer=layout.SITE_NAME,
    plant_package="xunjian.demo.hanweb", build_portal=portal.build_portal, routes=routes.ROUTES, page=_page,
    list_page=portal.list_page, document_page=portal.document_page, not_found_html=layout.not_found_html,
    column_meta=layout.column_meta, list_path=portal.list_path, document_path=portal.document_path,
    attachment_path=portal.attachment_path, profile=profile, page_size=10 ** 6,
    shows_metadata=lambda col, path: col.disclosure,
)
