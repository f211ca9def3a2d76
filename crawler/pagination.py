"""Pagination links: page 2 of a list is the same list, not one level deeper.

``limits.max_depth`` counts *content hops*: a link from a list page to the next page of the
same list (``index_3.html`` -> ``index_4.html``) keeps the depth of the first list page, so a
60-page 行政处罚 list does not use up 60 levels and hide its items. A chain of pager hops is
bounded by ``limits.max_pagination_pages`` instead (``limit:max-pagination``).

A link is a pager link when (``Pagination.is_pager_link``), on the same host:

* its URL differs from the citing page's only in a page number, as the CMS families of
  docs/ARCHITECTURE.md ("Pagination") write it: ``index.html``/``index_3.html``/``./``
  (TRS, 0-based), ``list_zw_wj.shtml``/``list_zw_wj_2.shtml`` (``createPageHTML('page_div'...)``
  sites), a multi-page article ``t20201201_6116434_1.html``; or in pager query parameters
  only (``?page=N``, Hanweb ``?uid=...&pageNum=N``, ``dataproxy.jsp?startrecord=...``,
  VSB ``a51p``, Kaipu ``pageNum``), companion parameters (``uid``, ``perpage``...) allowed;
* it targets a list-data endpoint (``pagination.proxy_paths``: Hanweb ``dataproxy.jsp``);
* its text is a pager word (``pagination.link_texts``: 下一页, 上一页, 尾页, 末页 ...) or, inside
  a pager container (class/id matching ``pagination.container_pattern``), a page number or 首页.

Governed by the profile's ``pagination:`` block (config/__init__.py SITE_SCHEMA) and
``limits.max_pagination_pages``.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crawler.urls import URL_CACHE_SIZE

# "<stem>_<n>.<ext>": the page number is short; a 7-digit TRS/Hanweb article id is no page number
_NUMBERED_RE = re.compile(r"^(?P<stem>.+?)_(?P<n>\d{1,5})(?P<ext>\.[A-Za-z0-9]{2,6})$")
_DIGITS_RE = re.compile(r"^\[?\s*\d{1,5}\s*\]?$")
_INDEX_STEMS = frozenset({"index", "default", "list", "more"})
# every link of every crawled page is tested against its page: the same few thousand URLs are split
# again and again (a ValueError is not memoised and is raised afresh)
_split = functools.lru_cache(maxsize=URL_CACHE_SIZE)(urlsplit)


def _split_number(segment: str) -> tuple[str, str | None]:
    """``index_3.html`` -> ("index.html", "3"); ``index.html`` -> ("index.html", None)."""
    match = _NUMBERED_RE.match(segment)
    if match:
        return match["stem"] + match["ext"], match["n"]
    return segment, None


class Pagination:
    def __init__(self, conf: dict[str, Any]):
        self.query_params = frozenset(p.lower() for p in conf["query_params"])
        self.companion_params = frozenset(p.lower() for p in conf["companion_params"])
        self.proxy_paths = frozenset(p.lower() for p in conf["proxy_paths"])
        self.link_texts = frozenset(t.strip().lower() for t in conf["link_texts"] if t.strip())
        self.container_texts = frozenset(t.strip().lower() for t in conf["container_texts"] if t.strip())
        self.container_re = re.compile(conf["container_pattern"], re.I) if conf["container_pattern"] else None

    # -- URL shape --------------------------------------------------------------------------
    def _same_list_path(self, source_path: str, target_path: str) -> bool:
        src_dir, _, src_name = source_path.rpartition("/")
        dst_dir, _, dst_name = target_path.rpartition("/")
        if src_dir != dst_dir or src_name == dst_name:
            return False
        src_key, src_n = _split_number(src_name)
        dst_key, dst_n = _split_number(dst_name)
        if src_n is None and dst_n is None:
            return False
        if not src_name or not dst_name:  # "./" is the directory's index document
            key = dst_key if not src_name else src_key
            return key.rsplit(".", 1)[0].lower() in _INDEX_STEMS
        return src_key == dst_key

    def _pager_query(self, source_query: str, target_query: str) -> bool:
        src = {k.lower(): v for k, v in parse_qsl(source_query, keep_blank_values=True)}
        dst = {k.lower(): v for k, v in parse_qsl(target_query, keep_blank_values=True)}
        changed = {k for k in src.keys() | dst.keys() if src.get(k) != dst.get(k)}
        return bool(changed & self.query_params) and changed <= self.query_params | self.companion_params

    def by_url(self, source: str, target: str) -> bool:
        try:
            src, dst = _split(source), _split(target)
        except ValueError:
            return False
        if (src.scheme, src.netloc) != (dst.scheme, dst.netloc):
            return False
        if dst.path.rpartition("/")[2].lower() in self.proxy_paths:
            return True
        if src.path == dst.path:
            return src.query != dst.query and self._pager_query(src.query, dst.query)
        if not self._same_list_path(src.path, dst.path):
            return False
        return src.query == dst.query or self._pager_query(src.query, dst.query)

    # -- link text ----------------------------------------------------------------------------
    def by_text(self, text: str, in_pager: bool) -> bool:
        word = (text or "").strip().lower()
        if not word:
            return False
        if word in self.link_texts:
            return True
        return in_pager and (word in self.container_texts or bool(_DIGITS_RE.match(word)))

    def is_pager_link(self, source: str, target: str, text: str, in_pager: bool) -> bool:
        try:
            same_host = _split(source).netloc == _split(target).netloc
        except ValueError:
            return False
        return same_host and (self.by_url(source, target) or self.by_text(text, in_pager))

    def in_pager_container(self, marker: str) -> bool:
        """Whether an element's ``class``/``id`` text marks a pager container."""
        return bool(self.container_re and marker and self.container_re.search(marker))
