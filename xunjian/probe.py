"""The availability probe (veto V2 站点无法访问): fetch a portal's homepage and a few key column pages
now, and store each result for the nightly report.

V2 is judged over a week of visits, at least 20 a day [S] (rule book §1.2): a nightly crawl sees one
moment, so ``xunjian probe --site PROFILE`` runs on a schedule of its own (cron or a systemd timer,
docs/availability.md) and ``checks/crawl/availability.py`` reads the results back. Per probe:

* the URLs: the profile's homepage (``homepage`` or the first start URL), then the first
  ``availability.key_pages`` columns of the profile (absolute, or resolved against the homepage);
* each URL gets one GET with the profile's User-Agent, redirects followed, at most
  ``availability.timeout_s`` seconds (15 s [S]: a page "not open after 15 s" counts as failed);
  ``ok`` = answered 2xx within that time; the body is read up to ``availability.max_bytes`` only;
* each result (site = profile ``name``, URL, UTC time, status, elapsed ms, ok, error) is stored
  with ``Store.put_availability`` at once.

Only the portal's own URLs are requested (its homepage and its listed columns), and only hosts of
the profile's scope: a column outside the scope is skipped with a note. Settings:
``availability:`` in config/rules.yaml, overridable in the profile's ``thresholds:``.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from config import SiteProfile, load_thresholds
from config.redact import redact_userinfo


@dataclass(frozen=True)
class ProbeResult:
    url: str
    checked_at: str
    status: int | None
    elapsed_ms: int
    ok: bool
    error: str = ""


def probe_urls(site: SiteProfile, thresholds: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(URLs to probe, notes about skipped ones): the homepage, then the first key columns."""
    block = thresholds["availability"]
    home = site.homepage
    scope = site.scope_hosts | {urlsplit(home).netloc.lower()}
    urls, notes = [home], []
    for column in (site.get("columns") or [])[: int(block["key_pages"])]:
        url = urljoin(home, str(column.get("url") or ""))
        if urlsplit(url).netloc.lower() not in scope:
            notes.append(f"column {column.get('name')!r} ({url}) is outside the profile's scope: not probed")
        elif url not in urls:
            urls.append(url)
    return urls, notes


def fetch_once(url: str, user_agent: str, timeout_s: float, max_bytes: int) -> ProbeResult:
    checked_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": user_agent})
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - the portal
            status = response.status
            response.read(max_bytes)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{exc.__class__.__name__}: {reason}"[:300]
    elapsed = int((time.monotonic() - started) * 1000)
    in_time = elapsed <= timeout_s * 1000
    if status is not None and not in_time and not error:
        error = f"answered after {elapsed} ms (more than availability.timeout_s)"
    ok = status is not None and 200 <= status < 300 and in_time and not error
    return ProbeResult(url, checked_at, status, elapsed, ok, error)


def probe_site(site: SiteProfile, store: Any) -> tuple[list[ProbeResult], list[str]]:
    """Probe the site's homepage and key pages once; store and return the results (and notes)."""
    thresholds = load_thresholds(site)
    block = thresholds["availability"]
    urls, notes = probe_urls(site, thresholds)
    user_agent = str(site["politeness"]["user_agent"])
    results = []
    for url in urls:
        result = fetch_once(url, user_agent, float(block["timeout_s"]), int(block["max_bytes"]))
        # a password written into a profile URL never reaches the store or the console
        result = ProbeResult(redact_userinfo(result.url), result.checked_at, result.status, result.elapsed_ms,
                             result.ok, redact_userinfo(result.error))
        store.put_availability(site=str(site["name"]), url=result.url, checked_at=result.checked_at,
                               status=result.status, elapsed_ms=result.elapsed_ms, ok=result.ok,
                               error=result.error)
        results.append(result)
    return results, notes
