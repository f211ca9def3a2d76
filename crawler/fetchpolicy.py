"""How a fetch outcome is judged: error classes, retry decisions, Retry-After, header subset.

Governed by the profile's ``links:`` block:

``retries``            transient failures are retried this many times (so at most
                       ``retries + 1`` attempts per URL and method);
``retry_backoff_s``    exponential backoff: ``retry_backoff_s * 2**(attempt-1)``;
``max_retry_after_s``  a 429/503 ``Retry-After`` (seconds or HTTP date) is honoured up to
                       this; a longer one is not waited for: the response is recorded as is.

Transient = timeouts, connection reset/lost, 408, 429, 500, 502, 503, 504 and the
Cloudflare 52x codes. Refused connections and DNS failures are not retried: a dead
server stays dead within one run and retrying only slows the crawl.
HEAD is replaced by GET when the server refuses or mishandles it (``HEAD_FALLBACK_STATUSES``
or a connection closed on HEAD): many portal CMSs answer HEAD with 405, 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.http.headers import Headers
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.urls import redact_userinfo

HEAD_FALLBACK_STATUSES = frozenset({400, 403, 404, 405, 501})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
RETRY_AFTER_STATUSES = frozenset({429, 503})
# etag / last-modified: the validators of the next run's conditional requests (crawler.spiders.reuse)
HEADER_SUBSET = ("server", "retry-after", "cf-mitigated", "cf-ray", "content-length", "location",
                 "x-robots-tag", "content-type", "etag", "last-modified")
TRANSIENT_ERRORS = frozenset({"timeout", "reset"})


@dataclass(frozen=True)
class RetryPolicy:
    retries: int
    backoff_s: float
    max_retry_after_s: float

    def delay(self, attempt: int, status: int | None = None, retry_after: str | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None means: do not retry.
        ``attempt`` counts the attempts already made (1 after the first)."""
        if attempt > self.retries:
            return None
        if status in RETRY_AFTER_STATUSES and retry_after:
            wait = parse_retry_after(retry_after)
            if wait is not None:
                return wait if wait <= self.max_retry_after_s else None
        return self.backoff_s * (2 ** (attempt - 1))


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None if unusable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.replace(".", "", 1).isdigit():  # delta-seconds (decimals tolerated)
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def is_transient_status(status: int) -> bool:
    return status in RETRY_STATUSES


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    while exc is not None and exc not in chain and len(chain) < 8:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def classify_failure(failure: Failure) -> str:
    """Map a download failure to the store's ``error_class`` vocabulary. Scrapy >= 2.14 wraps
    Twisted errors (``DownloadConnectionRefusedError`` ...), so the whole cause chain is read."""
    fallback = "other"
    for exc in _exception_chain(failure.value):
        found = _classify_one(exc)
        if found == "reset":  # a wrapped cause may say more (TLS, timeout)
            fallback = found
        elif found:
            return found
    return fallback


def _classify_one(exc: BaseException) -> str | None:
    name = type(exc).__name__
    if name == "ForbiddenAddress":  # crawler.netguard refused it before connecting
        return "forbidden-address"
    if isinstance(exc, tx_error.DNSLookupError) or name == "CannotResolveHostError":
        return "dns"
    if isinstance(exc, tx_error.ConnectionRefusedError) or name == "DownloadConnectionRefusedError":
        return "refused"
    if isinstance(exc, (tx_error.TimeoutError, tx_error.TCPTimedOutError)) or "Timeout" in name:
        return "timeout"
    if _is_tls(exc) or "SSL" in name or "TLS" in name:
        return "tls"
    if isinstance(exc, (tx_error.ConnectionLost, tx_error.ConnectionDone, ResponseFailed,
                        ResponseNeverReceived, tx_error.ConnectionAborted)) \
            or name in ("DownloadFailedError", "ResponseDataLossError"):
        return "reset"
    if isinstance(exc, tx_error.ConnectError):
        return "refused" if "refused" in str(exc).lower() else "other"
    return None


def _is_tls(exc: BaseException) -> bool:
    reasons = getattr(exc, "reasons", None) or []
    return any("SSL" in type(getattr(r, "value", r)).__name__ for r in reasons)


def describe_failure(failure: Failure) -> str:
    exc = failure.value
    text = str(exc).strip() or type(exc).__name__
    reasons = getattr(exc, "reasons", None)
    if reasons:
        text = "; ".join(str(getattr(r, "value", r)) for r in reasons) or text
    return redact_userinfo(f"{type(exc).__name__}: {text}")[:500]


# Scrapy's Headers keep each name title-cased, as bytes, with the list of its values
_SCRAPY_HEADER_KEYS = tuple((name, name.title().encode("ascii")) for name in HEADER_SUBSET)


def header_subset(headers) -> dict[str, str]:
    """The headers checks need (bot walls, rate limits, robots), decoded leniently."""
    out: dict[str, str] = {}
    if isinstance(headers, Headers):  # read its dict directly: one lookup per name, every response
        for name, key in _SCRAPY_HEADER_KEYS:
            values = dict.get(headers, key)
            if values:  # Headers.get answers the last value
                out[name] = redact_userinfo(values[-1].decode("latin-1"))
        return out
    for name in HEADER_SUBSET:
        value = headers.get(name)
        if value is not None:
            out[name] = redact_userinfo(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return out
