"""Downloader middleware of the xunjian crawl.

``DecompressionCapMiddleware`` (enabled in ``crawler.settings`` at 595, just before
Scrapy's ``HttpCompressionMiddleware`` sees the response): downloads are capped by the
spider's ``bytes_received`` handler (``limits.max_response_mb``, setting
``XUNJIAN_MAX_RESPONSE_BYTES``) rather than by ``DOWNLOAD_MAXSIZE`` (which would turn
a large page into an error instead of a truncated page). A small gzip body can still
inflate to gigabytes, so the same cap is handed to the decompressor through the
request's ``download_maxsize`` meta key; an over-sized inflation is recorded by the
spider as a truncated page with an error, and the crawl goes on.
"""

from __future__ import annotations


class DecompressionCapMiddleware:
    def __init__(self, cap_bytes: int):
        self.cap_bytes = cap_bytes

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("XUNJIAN_MAX_RESPONSE_BYTES", 10 * 1024 * 1024))

    def process_response(self, request, response):
        if response.headers.get(b"Content-Encoding"):
            request.meta["download_maxsize"] = self.cap_bytes
        return response
