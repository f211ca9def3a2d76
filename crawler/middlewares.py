"""Downloader middlewares of the xunjian crawl.

``StoredReplayMiddleware`` (at 40, first of all): a request the spider marked for replay
(``crawler.spiders.reuse``: a row an interrupted run stored, an external verdict still fresh)
is answered at once with an empty ``200`` flagged ``xunjian-replay``: no connection, no DNS, no
robots.txt, no pacing; the spider replays the stored facts.

``HostPacingMiddleware`` (at 110, right after Scrapy's ``RobotsTxtMiddleware``) spaces
requests per host, whatever the concurrency:

- robots.txt ``Crawl-delay`` (Scrapy obeys ``Disallow`` but not ``Crawl-delay``, which
  portals use to protect small servers): read for our user agent from every robots.txt
  fetched and applied to requests that obey robots.txt, capped by
  ``XUNJIAN_MAX_CRAWL_DELAY`` (default 10 s, with a one-line warning);
- ``Retry-After`` on a 429/503: the whole host is left alone for that long (up to
  ``links.max_retry_after_s``, setting ``XUNJIAN_MAX_RETRY_AFTER_S``), so one rate-limit
  answer does not turn into a burst of them (the retry itself is scheduled by the spider).
  Requests already handed to Scrapy's per-host queue (at most the concurrency) still go.

``CappedDecompressionMiddleware`` (enabled in ``crawler.settings`` at 595, so its
``process_response`` runs just before Scrapy's ``HttpCompressionMiddleware`` at 590):
downloads are capped by the spider's ``bytes_received`` handler at
``limits.max_response_mb`` (setting ``XUNJIAN_MAX_RESPONSE_BYTES``), but a small gzip
body can inflate to gigabytes, and a body cut at the cap is an incomplete gzip stream.
So gzip/deflate bodies are inflated here, incrementally, up to the same cap: a page that
inflates beyond it is kept truncated (``truncated=1``) and still parsed, and a cut stream
yields what it holds instead of an error. Other encodings (br, zstd) are left to Scrapy,
with the cap handed over through the ``download_maxsize`` meta key.
"""

from __future__ import annotations

import sys
import time
import zlib
from urllib.parse import urlsplit

from protego import Protego
from scrapy import signals
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawler.fetchpolicy import RETRY_AFTER_STATUSES, parse_retry_after

_GZIP_OR_ZLIB = zlib.MAX_WBITS | 32  # auto-detect the gzip or zlib header
_RAW_DEFLATE = -zlib.MAX_WBITS
_INFLATABLE = {"gzip", "x-gzip", "deflate"}


def inflate(body: bytes, cap: int) -> tuple[bytes, bool]:
    """(inflated body up to ``cap`` bytes, whether more was left). Raises zlib.error when
    the body is not gzip/zlib/raw-deflate at all."""
    for wbits in (_GZIP_OR_ZLIB, _RAW_DEFLATE):
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(body, cap + 1)
        except zlib.error:
            if wbits == _RAW_DEFLATE:
                raise
            continue
        return out[:cap], len(out) > cap or bool(inflater.unconsumed_tail)
    raise zlib.error("not a deflate stream")  # pragma: no cover - loop always returns or raises


class StoredReplayMiddleware:
    def process_request(self, request):
        plan = request.meta.get("xj_reuse")
        if plan is None or plan[0] != "replay":
            return None
        return Response(request.url, status=200, request=request, flags=["xunjian-replay"])


class CappedDecompressionMiddleware:
    def __init__(self, cap_bytes: int):
        self.cap_bytes = cap_bytes

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("XUNJIAN_MAX_RESPONSE_BYTES", 10 * 1024 * 1024))

    def process_response(self, request, response):
        encodings = [e.decode("latin-1").strip().lower()
                     for value in response.headers.getlist(b"Content-Encoding")
                     for e in value.split(b",") if e.strip()]
        if request.method == "HEAD" or not encodings:
            return response
        if len(encodings) != 1 or encodings[0] not in _INFLATABLE or not response.body:
            request.meta["download_maxsize"] = self.cap_bytes
            return response
        try:
            body, truncated = inflate(response.body, self.cap_bytes)
        except zlib.error:
            return response  # let Scrapy's middleware report the broken encoding
        headers = response.headers.copy()
        del headers[b"Content-Encoding"]
        state = request.meta.get("xj")
        if truncated and state is not None:
            state.truncated = True
        return response.replace(body=body, headers=headers)


class HostPacingMiddleware:
    def __init__(self, user_agent: str, max_crawl_delay: float, max_retry_after: float, robots: bool):
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self.max_retry_after = max_retry_after
        self.robots = robots
        self.crawl_delays: dict[str, float] = {}
        self.next_start: dict[str, float] = {}    # crawl-delay spacing, per host
        self.paused_until: dict[str, float] = {}  # Retry-After pauses, per host

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        mw = cls(settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*",
                 settings.getfloat("XUNJIAN_MAX_CRAWL_DELAY", 10.0),
                 settings.getfloat("XUNJIAN_MAX_RETRY_AFTER_S", 30.0), settings.getbool("ROBOTSTXT_OBEY"))
        crawler.signals.connect(mw.response_received, signal=signals.response_received)
        return mw

    def response_received(self, response, request, **kwargs) -> None:
        """robots.txt answers fetched by RobotsTxtMiddleware (they bypass process_response order)."""
        parts = urlsplit(request.url)
        if not self.robots or parts.path != "/robots.txt" or response.status != 200 \
                or not request.meta.get("dont_obey_robotstxt"):
            return
        try:
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a robots.txt Protego cannot read only loses the delay
            return
        if delay and delay > 0:
            if delay > self.max_crawl_delay:
                print(f"xunjian: warning: {parts.netloc} robots.txt asks Crawl-delay {delay:g}s; "
                      f"using {self.max_crawl_delay:g}s (XUNJIAN_MAX_CRAWL_DELAY) / "
                      "robots.txt 抓取间隔过长，已按上限执行",
                      file=sys.stderr, flush=True)
            self.crawl_delays[parts.netloc] = min(float(delay), self.max_crawl_delay)
            # the requests robots.txt held back may already be past process_request (this signal can
            # fire after they resume): the delay starts now, so the next one still waits for it
            self.next_start[parts.netloc] = max(self.next_start.get(parts.netloc, 0.0),
                                                time.monotonic() + self.crawl_delays[parts.netloc])

    async def process_request(self, request):
        netloc = urlsplit(request.url).netloc
        delay = None if request.meta.get("dont_obey_robotstxt") else self.crawl_delays.get(netloc)
        # re-check after every wake-up: concurrent waiters and late wake-ups on a busy machine
        # must still leave at least ``delay`` between two requests to the host
        while True:
            now = time.monotonic()
            ready = self.paused_until.get(netloc, now)
            if delay:
                ready = max(ready, self.next_start.get(netloc, now))
            if ready <= now:
                if delay:
                    self.next_start[netloc] = now + delay
                return None
            from twisted.internet import reactor  # the one Scrapy installed, imported late on purpose
            await maybe_deferred_to_future(deferLater(reactor, ready - now, lambda: None))

    def process_response(self, request, response):
        if response.status in RETRY_AFTER_STATUSES:
            wait = parse_retry_after((response.headers.get(b"Retry-After") or b"").decode("latin-1"))
            if wait and wait <= self.max_retry_after:
                netloc = urlsplit(request.url).netloc
                self.paused_until[netloc] = max(self.paused_until.get(netloc, 0.0), time.monotonic() + wait)
        return response
