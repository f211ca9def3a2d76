"""The ``shanghai`` family: a district 城管执法局 on the Shanghai municipal intensive platform.

Modules: ``templates.py`` (chrome, list and document markup, error page, assets), ``portal.py``
(channels, documents, single pages; the clean portal), ``routes.py`` (fault routes) and
``plants_*.py`` (planted defects with their ``EXPECTED``/``DECOYS``, plus ``PROFILE_COLUMNS``:
profile entries for the columns they plant).

Audited with a profile derived from config/sites/template-shanghai-cgzf.yaml: the template's
``start_urls`` read ``XUNJIAN_CGZF_URL`` (set to the served portal), and the overrides only adapt
what a loopback test portal needs (politeness, time-outs, the footer's 网站标识码, the 一网通办
jump pattern, loopback "external" hosts allowed) and append the planted columns. Its channels
are the template's.
"""

from __future__ import annotations

from config import CONFIG_DIR
from xunjian.demo.family import AuditProfile, Family
from xunjian.demo.profiles import columns_for, raw_columns
from xunjian.demo.shanghai import portal, routes, templates

TEMPLATE = CONFIG_DIR / "sites" / "template-shanghai-cgzf.yaml"


def planted_columns(site) -> list[dict]:
    from xunjian.demo.site import plant_modules
    out: list[dict] = []
    for module in plant_modules(site.family):
        out += list(getattr(module, "PROFILE_COLUMNS", []))
    return out


def profile(site, bases: dict[str, str], clean: bool) -> AuditProfile:
    columns = raw_columns(TEMPLATE) + ([] if clean else planted_columns(site))
    overrides = {
        "name": "demo-shanghai",
        "limits": {"max_pages": 5000, "timeout_s": 4},
        "politeness": {"concurrency": 16, "concurrency_per_host": 8, "delay_s": 0, "autothrottle": False},
        "links": {"retries": 2, "retry_backoff_s": 0.2, "max_retry_after_s": 5, "max_redirects": 3,
                  "jump_link_patterns": ["^http://127\\.0\\.0\\.2:[0-9]+/zwdt/"]},
        "disclosure": {"site_id_code": templates.SITE_ID_CODE},
        # the "external" stand-in sites live on 127.0.0.2 (docs/operations.md: internal addresses)
        "network": {"allow_addresses": ["127.0.0.0/8"]},
        "columns": columns_for(columns, site, clean),
    }
    return AuditProfile(TEMPLATE, overrides, {"XUNJIAN_CGZF_URL": bases["portal"].rstrip("/") + "/"})


FAMILY = Family(
    name="shanghai", title="Shanghai intensive platform (/channel_NN/YYYYMMDD/<32 hex>.html)",
    encoding="utf-8", org_code=templates.ORG_CODE, issuer=templates.SITE_NAME,
    plant_package="xunjian.demo.shanghai", build_portal=portal.build_portal, routes=routes.ROUTES,
    page=templates.page, list_page=templates.list_page,
    document_page=templates.document_page, not_found_html=templates.not_found_html,
    column_meta=templates.column_meta, list_path=portal.list_path, document_path=portal.document_path,
    attachment_path=portal.attachment_path, profile=profile, page_size=20,
)
