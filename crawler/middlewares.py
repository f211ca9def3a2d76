"""Downloader middleware of the xunjian crawl.

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

import zlib

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
