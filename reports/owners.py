"""The column (栏目) and the owner (科室, contact) of each finding, for the report model.

Columns come from the run itself: the columns check records the columns it located (run stat
``columns_located``: name, type, list page URL and up to ``checks.columns.ITEMS_RECORDED`` item
URLs), whether the profile declared them or they were discovered. Owners come from
the profile's ``owners:`` block (config/owners.py), as recorded in the run manifest.

A finding's *fix page* is where the fix is made: the first citing page of a finding with
referrers (a broken link is fixed on the page that carries it), else its page. Its column is, in
order: the column the check named (evidence ``column``, an alias folded to its column's name);
the column listing the fix page (its list page or one of its items); the column whose list-page
folder is the longest prefix of the fix page's URL; else none (""), never a bare URL prefix. So a
stale 执法动态 column belongs to 执法动态, wherever its URL lives.

Its owner: the owner of its column; else the owner with the longest ``url_prefixes`` entry
matching the fix page (a path like ``/channel_87/`` or a full URL prefix); else the ``default``
owner; else none ("").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

def _folder(url: str) -> tuple[str, str] | None:
    """(host, folder path) of a list page URL: ``/xwzx/zfdt/index.html`` -> ``/xwzx/zfdt/``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    path = parts.path or "/"
    folder = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return parts.netloc.lower(), folder


class Assigner:
    """Assigns columns and owners; built once per report from the profile and the run stats."""

    def __init__(self, profile: dict[str, Any] | None, located: list[dict[str, Any]] | None) -> None:
        profile = profile if isinstance(profile, dict) else {}
        self.owners = [o for o in profile.get("owners") or [] if isinstance(o, dict) and o.get("dept")]
        self.alias: dict[str, str] = {}
        for col in profile.get("columns") or []:
            if isinstance(col, dict) and col.get("name"):
                for alias in col.get("aliases") or []:
                    self.alias[str(alias)] = str(col["name"])
        self.page_column: dict[str, str] = {}
        self.folders: list[tuple[str, str, str]] = []  # (host, folder, column); longest folder first
        for col in located or []:
            name, url = str(col.get("name") or ""), str(col.get("url") or "")
            if not name or not url:
                continue
            for page in [url, *(col.get("items") or [])]:
                self.page_column.setdefault(str(page), name)
            folder = _folder(url)
            if folder and folder[1] != "/":  # a list at the site root says nothing about other pages
                self.folders.append((*folder, name))
        # a run stored before columns_located: the profile's declared list pages still place pages
        homepage = str(profile.get("homepage") or (profile.get("start_urls") or [""])[0] or "")
        named = {name for _h, _f, name in self.folders}
        for col in profile.get("columns") or []:
            if isinstance(col, dict) and col.get("url") and col.get("name") not in named and homepage:
                folder = _folder(urljoin(homepage, str(col["url"])))
                if folder and folder[1] != "/":
                    self.folders.append((*folder, str(col["name"])))
        self.folders.sort(key=lambda f: -len(f[1]))
        self.column_owner = {c: o["dept"] for o in self.owners for c in o.get("columns") or []}
        self.prefixes = sorted(((p, o["dept"]) for o in self.owners for p in o.get("url_prefixes") or []),
                               key=lambda po: -len(po[0]))
        self.default = next((o["dept"] for o in self.owners if o.get("default")), "")

    @staticmethod
    def fix_page(finding: dict[str, Any]) -> str:
        for ref in finding.get("referrers") or []:
            if isinstance(ref, dict) and ref.get("page"):
                return str(ref["page"])
        return str(finding.get("page_url") or "")

    def column(self, finding: dict[str, Any]) -> str:
        evidence = finding.get("evidence")
        label = evidence.get("column") if isinstance(evidence, dict) else None
        if isinstance(label, str) and label.strip():
            return self.alias.get(label.strip(), label.strip())
        page = self.fix_page(finding)
        if page in self.page_column:
            return self.page_column[page]
        here = _folder(page)
        if here:
            for host, folder, name in self.folders:
                if host == here[0] and here[1].startswith(folder):
                    return name
        return ""

    def owner(self, column: str, page: str) -> str:
        if column and column in self.column_owner:
            return self.column_owner[column]
        try:
            path = urlsplit(page).path or "/"
        except ValueError:
            path = ""
        for prefix, dept in self.prefixes:
            if (prefix.startswith("/") and path.startswith(prefix)) or page.startswith(prefix):
                return dept
        return self.default

    def contacts(self) -> list[dict[str, Any]]:
        """One entry per 科室 (entries of the same dept merged), in profile order."""
        merged: dict[str, dict[str, Any]] = {}
        for o in self.owners:
            entry = merged.setdefault(o["dept"], {"dept": o["dept"], "contact": "", "columns": [],
                                                  "url_prefixes": [], "default": False})
            entry["contact"] = entry["contact"] or o.get("contact") or ""
            entry["columns"] += o.get("columns") or []
            entry["url_prefixes"] += o.get("url_prefixes") or []
            entry["default"] = entry["default"] or bool(o.get("default"))
        return list(merged.values())
