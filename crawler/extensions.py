"""Progress reporting for the crawl (extension ``CrawlProgress``).

On a TTY (stderr) a live status line is redrawn about every second: pages crawled,
queue length, links recorded, resources checked, errors, pages/s. When stderr is not a
TTY (CI logs, ``crawler.run`` under a pipe) a plain line is printed every
``XUNJIAN_PROGRESS_INTERVAL`` seconds instead. Settings:

``XUNJIAN_PROGRESS``           enable (default True; ``crawler.run.crawl(progress=False)`` turns it off)
``XUNJIAN_PROGRESS_INTERVAL``  seconds between plain lines when not a TTY (default 10)

A final summary line is always printed at close when progress is on.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class CrawlProgress:
    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 1.0 if self.tty else interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("XUNJIAN_PROGRESS", True):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("XUNJIAN_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def _queue_length(self) -> int:
        engine = self.crawler.engine
        try:
            pending = len(engine._slot.scheduler)  # noqa: SLF001 - Scrapy exposes no public accessor
        except (AttributeError, TypeError):
            pending = 0
        try:
            pending += len(engine.downloader.active)
        except AttributeError:
            pass
        return pending

    def line(self) -> str:
        spider = self.crawler.spider
        c = getattr(spider, "counters", {})
        elapsed = max(time.monotonic() - self.started, 1e-6)
        pages = c.get("pages", 0)
        errors = len(getattr(spider, "failed_urls", ()))
        return (f"[crawl] 页面 pages {pages} | 队列 queue {self._queue_length()} | 链接 links {c.get('links', 0)} "
                f"| 已检查 checked {c.get('resources', 0)} | 错误 errors {errors} | {pages / elapsed:.1f} pages/s")

    def tick(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        end = "\r\x1b[K" if self.tty else ""
        self.stream.write(f"{end}{self.line()} | {reason} in {time.monotonic() - self.started:.1f}s\n")
        self.stream.flush()
