"""Builders of the items the spider yields and ``crawler.pipelines.StorePipeline`` writes.

Each item is a plain dict tagged with ``_table``:

``{"_table": "resource", ...}``  one ``resources`` row (columns of ``crawler.store.RESOURCE_COLUMNS``);
``{"_table": "body", "url", "text"}``  decoded text of an HTML page;
``{"_table": "links", "rows": [...]}``  every link occurrence of one page;
``{"_table": "probe", ...}``  what a not-found probe answered (``Store.put_probe`` fields);
``{"_table": "parse", "url", "parse"}``  the parse of a crawled page (``crawler.reuse``);
``{"_table": "batch", "items": [...]}``  the items of one page, written together;
``{"_table": "copy", "url", "from_run", "parse", "body", "resource", "links", "sample"}``  an unchanged
page or body: its stored text (``body``), parse (``parse``), resource row (``resource``: the columns that
change, or None), first ``links`` link rows (or None) and external sample (``sample``: a replayed
off-site verdict) are copied from an earlier run inside the store (``crawler.spiders.reuse``).

``FetchState`` is what travels in ``request.meta["xj"]`` from the first request for a
URL through retries, HEAD->GET fallbacks and redirect hops to the recorded row.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from crawler.fetchpolicy import header_subset

PURPOSE_PAGE = "page"    # GET; an in-scope HTML answer is parsed, its links followed
PURPOSE_CHECK = "check"  # HEAD, or GET stopped after the headers: status only
PURPOSE_BODY = "body"    # GET with (capped) body, anchors and text kept: #fragment / jump links
PURPOSE_SCRIPT = "script"  # GET of a same-site script that document.writes page parts (footer): text kept
PURPOSE_PROBE = "probe"  # GET of a surely-missing URL: the site's not-found fingerprint (crawler.notfound)
PURPOSE_ISLAND = "island"  # GET of a data-island group (crawler.islands): records are links of a list page
PURPOSE_CSS = "css"      # GET of an in-scope stylesheet, parsed for url() and @import


@dataclass
class FetchState:
    url: str                       # canonical URL the row is recorded under
    kind: str
    in_scope: bool
    depth: int
    purpose: str
    method: str = "GET"
    tries: int = 0                 # attempts of the current hop and method
    attempts: int = 0              # all requests made for this URL
    chain: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    referrer: str | None = None
    growth: int = 0                # query-growth steps (see crawler.traps)
    calendar: int = 0              # calendar-walk steps (see crawler.traps)
    pager_steps: int = 0           # pager hops in a row that led here (see crawler.pagination)
    list_sig: str | None = None    # hash of the non-pager links of the pager page that led here
    parse: bool = True             # False when a redirect lands on a page crawled anyway
    alias: str | None = None       # in-scope page a redirect landed on, recorded on its own too
    reverify: bool = False
    user_agent: str | None = None  # set for the reverification pass (browser user agent), every hop
    first_attempt: dict[str, Any] | None = None
    truncated: bool = False
    reused: bool = False           # the row is a stored verdict replayed (crawler.spiders.reuse): not fetched
    sample_reused: bool = False    # ... and its external sample is copied with it (not sampled again)

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


def resource_item(**fields: Any) -> dict[str, Any]:
    return {"_table": "resource", **fields}


def batch_item(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"_table": "batch", "items": items}


def parse_item(url: str, parse: dict[str, Any]) -> dict[str, Any]:
    return {"_table": "parse", "url": url, "parse": parse}


def copied_item(url: str, from_run: int, parse: bool, body: bool = True, resource: dict[str, Any] | None = None,
                links: int | None = None, sample: bool = False) -> dict[str, Any]:
    return {"_table": "copy", "url": url, "from_run": from_run, "parse": parse, "body": body,
            "resource": resource, "links": links, "sample": sample}


def skip_item(url: str, kind: str, in_scope: bool, depth: int | None, reason: str) -> dict[str, Any]:
    return resource_item(url=url, kind=kind, in_scope=in_scope, depth=depth, skip_reason=reason)


def response_fields(state: FetchState, response, body: bytes | None) -> dict[str, Any]:
    """Row fields shared by every answered fetch (HTML specifics are added by the spider)."""
    headers = header_subset(response.headers)
    latency = response.meta.get("download_latency")
    size: int | None
    if body is not None and state.method == "GET" and "download_stopped" not in response.flags:
        size = len(body)
    elif body and state.truncated:
        size = len(body)
    else:
        try:
            size = int(headers["content-length"])
        except (KeyError, ValueError):
            size = len(body) if body else None
    content_type = headers.get("content-type")
    return dict(
        url=state.url, kind=state.kind, in_scope=state.in_scope, method=state.method,
        status=response.status, final_url=response.url, redirect_chain=state.chain,
        content_type=content_type, size=size, truncated=state.truncated,
        elapsed_ms=int(latency * 1000) if latency is not None else state.elapsed_ms(),
        attempts=state.attempts, depth=state.depth, headers=headers,
        content_hash=hashlib.sha256(body).hexdigest() if body else None,
    )


def attempt_summary(row: dict[str, Any], user_agent: str) -> dict[str, Any]:
    """What one attempt of the reverification pass saw (kept in the row's headers)."""
    return {"method": row.get("method"), "user_agent": user_agent, "status": row.get("status"),
            "error_class": row.get("error_class"), "headers": row.get("headers") or {}}


def failed(row: dict[str, Any]) -> bool:
    status = row.get("status")
    return bool(row.get("error_class")) or (status is not None and status >= 400)
