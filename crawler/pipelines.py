"""Item pipeline: streams the spider's facts into the SQLite ``Store`` through a writer process.

Items are the tagged dicts built in ``crawler.facts`` (``_table`` = resource / body /
links / probe / parse / copy / external_sample / batch). ``process_item`` only hands an item to
the store writer, a process of its own (``crawler.store_writer``) that owns the store connection
and writes the items in order on another core: SQLite's and zlib's work never competes with the
crawl for its GIL. Items travel through a pipe of ``XUNJIAN_WRITE_BUFFER_BYTES`` (default 1 MiB,
capped by the kernel's pipe-max-size): a full pipe makes the crawl wait, so memory stays bounded.
Settings: ``XUNJIAN_COMMIT_EVERY`` (rows per commit, default 1000) and ``XUNJIAN_COMMIT_INTERVAL_S``
(at most this long between commits, default 2 s) bound what a crash can lose (a resumed run
replays what was committed: crawler.spiders.reuse; if the crawl dies outright, the writer commits
what it received before it exits). At close the writer commits the last batch and saves the
spider's run statistics with ``Store.update_run_stats`` (keys documented in
``PortalSpider.run_stats``).

A write that fails (``StoreError``: disk full, locked past the busy timeout, file
replaced) is never swallowed: the spider is closed with reason ``store_error`` and
``spider.store_error`` names the failure, so the crawl exits non-zero and the run is
stored incomplete; what is still sent is dropped. An item the writer cannot store (unknown
or malformed: a bug) does not stop the writer, but the crawl ends with a store error that names
it, so the run is incomplete rather than silently missing a fact. A writer process that dies
fails the crawl the same way; a writer killed by a signal (``spider.store_writer_killed``) stops the
crawl as a killed crawl, which the next run resumes.
"""

from __future__ import annotations

import fcntl
import json
import logging
import subprocess
import sys
import threading
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.store import Store, StoreError
from crawler.store_writer import encode_frame

log = logging.getLogger(__name__)
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


class StorePipeline:
    def __init__(self, crawler, commit_every: int, commit_interval_s: float = 2.0,
                 buffer_bytes: int = 1 << 20):
        self.crawler = crawler
        self.commit_every = commit_every
        self.commit_interval_s = commit_interval_s
        self.buffer_bytes = buffer_bytes
        self.writer: subprocess.Popen | None = None
        self.replies: threading.Thread | None = None
        self.failure: str | None = None        # set when the writer reports a failed write or dies
        self.write_failed = False              # the writer reported a failed write (not merely died)
        self.close_failure: str | None = None  # the final commit or run statistics failed
        self.closed_reply = False              # the writer confirmed its last commit
        self.unstored: list[str] = []          # items the writer could not store (a bug): the run is incomplete
        self.path = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint("XUNJIAN_COMMIT_EVERY", 1000),
                   settings.getfloat("XUNJIAN_COMMIT_INTERVAL_S", 2.0),
                   settings.getint("XUNJIAN_WRITE_BUFFER_BYTES", 1 << 20))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.run_id = spider.run_id
        store = Store(spider.db_path, commit_every=self.commit_every)  # opening errors surface here
        self.path = store.path
        store.close()
        cmd = [sys.executable, "-m", "crawler.store_writer", "--db", str(spider.db_path),
               "--run-id", str(self.run_id), "--commit-every", str(self.commit_every),
               "--commit-interval", str(self.commit_interval_s)]
        # close_fds=False passes only inheritable descriptors: the store lock handed to the crawl
        # (crawler.storelock), so the store stays locked while the writer still writes
        self.writer = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=False,
                                       bufsize=0)
        try:
            fcntl.fcntl(self.writer.stdin.fileno(), _F_SETPIPE_SZ, max(4096, self.buffer_bytes))
        except OSError:  # above /proc/sys/fs/pipe-max-size: the kernel's default pipe stays
            pass
        self.replies = threading.Thread(target=self._read_replies, name="xunjian-store-replies", daemon=True)
        self.replies.start()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        if getattr(spider, "store_error", None) or self.failure:
            # at DEBUG: Scrapy logs a dropped item whole, and every page still in flight is one
            raise DropItem("store write failed earlier; the crawl is stopping", log_level="DEBUG")
        self._send("item", item)
        return item

    def _send(self, kind: str, payload: Any) -> None:
        frame = memoryview(encode_frame(kind, payload))
        try:
            while frame:  # a raw pipe write may be cut short by a signal: send the rest
                frame = frame[self.writer.stdin.write(frame) or 0:]
        except (BrokenPipeError, OSError) as exc:
            self._failed(f"the store writer process ended unexpectedly ({exc.__class__.__name__}, exit "
                         f"{self.writer.poll()}); what it had not written is lost")

    # -- the writer's replies (a thread of this process) ---------------------------------------
    def _read_replies(self) -> None:
        for line in self.writer.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "failed" in message:
                self.write_failed = True
                self._failed(message["failed"])
            elif "unstored" in message:
                self.unstored.append(message["unstored"])
            elif message.get("closed"):
                self.closed_reply = True
                self.close_failure = message.get("close_failure")

    def _failed(self, message: str) -> None:
        """Stop the crawl from the reactor thread, once."""
        if self.failure is None:
            self.failure = message
            if "twisted.internet.reactor" in sys.modules:  # always, in a crawl; never installed here
                from twisted.internet import reactor
                reactor.callFromThread(self._stop_crawl, message)

    def _stop_crawl(self, message: str) -> None:
        spider = self.crawler.spider
        if spider is None or getattr(spider, "store_error", None):
            return
        spider.store_error = message
        log.error("xunjian: %s; stopping the crawl", message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))

    def close_spider(self) -> None:
        spider = self.crawler.spider
        if self.writer is None:  # pragma: no cover - open_spider failed
            return
        stats = spider.run_stats() if spider is not None and hasattr(spider, "run_stats") else None
        self._send("close", stats)
        try:
            self.writer.stdin.close()
        except OSError:
            pass
        self.replies.join()
        code = self.writer.wait()
        self.writer = None
        if code < 0 and not (self.write_failed or self.unstored) and spider is not None:
            # killed (kill -9, the OOM killer) between commits, which hold whole pages: what it committed
            # is sound, and the next run resumes it (crawler.run: EXIT_WRITER_KILLED)
            spider.store_writer_killed = code
        if not self.closed_reply and self.close_failure is None:
            self.close_failure = f"the store writer process ended without its final commit (exit {code})"
        if self.failure and spider is not None and not getattr(spider, "store_error", None):
            spider.store_error = self.failure  # the failure came as the crawl was closing anyway
        if self.unstored and spider is not None and not getattr(spider, "store_error", None):
            # never a silent gap: the facts that were stored stay, but the run cannot pass
            spider.store_error = (f"{len(self.unstored)} fact item(s) could not be stored (first: "
                                  f"{self.unstored[0]}); the run's facts are incomplete: this is a bug, "
                                  f"please report it with the crawl log")
        if self.close_failure:
            if spider is None:  # pragma: no cover - Scrapy closes pipelines before dropping the spider
                raise StoreError(self.close_failure)
            # the crawl's exit says it in one line (crawler.run: EXIT_STORE); raising here would add
            # Scrapy's "Scraper close failure" traceback to it
            spider.store_error = spider.store_error or self.close_failure

