"""Which stored page is the portal's homepage: the one implementation.

The homepage URL itself is the profile's (``config.site_homepage``: ``homepage:``, else the first
start URL). The crawler stores it in its canonical form and may have followed redirects
(``/`` → ``/index.html``), so links found on it can carry any URL of that chain as their source.

``homepage_identities(site, resource_of)`` answers, for the checks and the browser stage alike:
the homepage URL, its stored row (found by the URL as written or by its ``url_identity``) and
every identity (``crawler.urls.url_identity``) that *is* the homepage: the URL, the stored URL,
the final URL and each redirect hop. ``resource_of(url)`` looks a stored row up by URL
(``Store.resource`` for one run, or a dict of rows).

``is_homepage(url, row, identities)`` says whether a stored page is one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config import site_homepage
from crawler.urls import url_identity

Row = dict[str, Any]


def find_resource(resource_of: Callable[[str], Row | None], url: str) -> Row | None:
    """The stored row of ``url`` however the profile spelled it."""
    for candidate in dict.fromkeys((url, url_identity(url))):
        row = resource_of(candidate)
        if row is not None:
            return row
    return None


def homepage_identities(site: Any, resource_of: Callable[[str], Row | None]) -> tuple[str, Row | None,
                                                                                    frozenset[str]]:
    """(homepage URL, its stored row or None, every URL identity that *is* the homepage)."""
    home = site_homepage(site)
    row = find_resource(resource_of, home) if home else None
    ids = {url_identity(home)} if home else set()
    if row is not None:
        ids.add(url_identity(row["url"]))
        if row.get("final_url"):
            ids.add(url_identity(row["final_url"]))
        for hop in row.get("redirect_chain") or []:
            if isinstance(hop, dict) and hop.get("url"):
                ids.add(url_identity(hop["url"]))
    return home, row, frozenset(ids)


def is_homepage(url: str, row: Row | None, identities: frozenset[str]) -> bool:
    """Whether the stored page ``url`` (with its ``row``) is the homepage."""
    if url_identity(url) in identities:
        return True
    final = (row or {}).get("final_url")
    return bool(final) and url_identity(final) in identities
