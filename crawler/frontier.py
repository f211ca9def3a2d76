"""The crawl frontier on disk: the requests waiting in Scrapy's scheduler live in files, not in memory.

A breadth-first crawl of a large portal queues most of the site at once (100,000 pages:
~250,000 page, attachment and link-check requests after the list pages are read), ~1.3 KB of
Python objects each when held in memory: the frontier was most of the crawl's peak RSS and grew
with the site. ``crawler.run`` therefore gives each crawl a job directory (Scrapy's ``JOBDIR``,
``frontier_dir(db)``), so Scrapy's scheduler pushes every request to its disk queue:
``SCHEDULER_DISK_QUEUE`` (crawler/settings.py) is ``FrontierDiskQueue``, one FIFO queue per
priority that stores a request as a pickle of its fields in a file (queuelib's ``FifoDiskQueue``).

The first ``XUNJIAN_FRONTIER_MEMORY_REQUESTS`` waiting requests of a crawl (default 4,096, a few MB;
the environment variable of that name overrides the setting; 0: every request on disk) are held as
they are, in memory: a small portal's whole frontier never touches the disk, and a large one's
disk traffic starts past that bound, so memory stays flat. A queue keeps its requests in memory
only while nothing of it waits on disk, and pops memory first: the order is the order of the pushes.

Why not Scrapy's ``PickleFifoDiskQueue``: its ``Request.to_dict(spider=...)`` finds the callback's
name by listing every member of the spider, ~0.8 ms per request on the portal spider (minutes of
CPU on a large crawl). The spider's callbacks are its own bound methods, so they are stored by
name here and looked up again when the request is read back. A request that cannot be stored
(a callback of another object, an unpicklable meta value) raises ``ValueError``, on which Scrapy
keeps that one request in memory (stat ``scheduler/unserializable``).

The directory belongs to one crawl process (its name carries the pid): ``prepare_frontier``
removes what a killed crawl left behind (a resumed run continues from the store, not from the
queue: crawler.spiders.reuse) and ``remove_frontier`` deletes it when the crawl ends. It lies beside
the store unless the environment variable ``XUNJIAN_FRONTIER_DIR`` names another folder (e.g. on a
disk with more room). ``FrontierScheduler`` (setting ``SCHEDULER``) is Scrapy's scheduler without
the queue state it saves at close: nothing ever resumes from this directory.

A write the frontier cannot make (``ENOSPC``: disk full; ``EACCES``/``EROFS``: the folder became
unwritable) must not lose a request nor hang the crawl (an ``OSError`` escaping ``push`` kills one
of Scrapy's internal tasks and the crawl waits forever): the record cut short is cut off the file,
the request is refused like an unstorable one (Scrapy keeps it in memory), later requests are not
written at all, ``spider.frontier_error`` gets one line naming the problem and the fix, and the
spider is closed (reason ``frontier_error``): ``crawler.run`` exits ``EXIT_FRONTIER`` and the run is
stored incomplete (``frontier-error``), with every fact the crawl stored kept for a resumed run.
"""

from __future__ import annotations

import errno
import logging
import os
import pickle
import shutil
import struct
from collections import deque
from pathlib import Path
from typing import Any

from queuelib.queue import FifoDiskQueue
from scrapy import Request
from scrapy.core.scheduler import Scheduler

log = logging.getLogger(__name__)
FRONTIER_SUFFIX = ".frontier-"
FRONTIER_DIR_ENV = "XUNJIAN_FRONTIER_DIR"
FRONTIER_CLOSE_REASON = "frontier_error"
MEMORY_ENV = "XUNJIAN_FRONTIER_MEMORY_REQUESTS"
DEFAULT_MEMORY_REQUESTS = 4096
_FIELDS = ("url", "method", "body", "cookies", "meta", "encoding", "priority", "dont_filter", "flags",
           "cb_kwargs")


def _frontier_root(db: Path) -> Path:
    """Where the job directories of crawls writing ``db`` live: ``XUNJIAN_FRONTIER_DIR`` or beside it."""
    chosen = os.environ.get(FRONTIER_DIR_ENV)
    return Path(chosen).resolve() if chosen else db.parent


def frontier_dir(db_path: str | Path, pid: int | None = None) -> Path:
    """The job directory of the crawl process ``pid`` (default: this one) writing ``db_path``."""
    db = Path(db_path).resolve()
    return _frontier_root(db) / f"{db.name}{FRONTIER_SUFFIX}{pid or os.getpid()}"


def frontier_failure(path: str | Path, exc: OSError) -> str:
    """The one line saying that the frontier could not be written, and what to do about it."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        problem = "no space left on device"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        problem = "the folder is not writable"
    else:
        problem = exc.strerror or exc.__class__.__name__
    return (f"frontier: {problem} writing {path} ({exc.strerror or exc}); free space there or set "
            f"{FRONTIER_DIR_ENV} to a writable folder with room, then run again (the stored pages are kept "
            f"and resumed)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_frontier(db_path: str | Path) -> Path:
    """An empty job directory for this process; frontiers of crawl processes that are gone are removed."""
    db = Path(db_path).resolve()
    for stale in _frontier_root(db).glob(f"{db.name}{FRONTIER_SUFFIX}*"):
        suffix = stale.name.rsplit("-", 1)[-1]
        if suffix.isdigit() and (int(suffix) == os.getpid() or not _alive(int(suffix))):
            shutil.rmtree(stale, ignore_errors=True)
    path = frontier_dir(db)
    path.mkdir(parents=True, exist_ok=True)  # OSError: crawler.run says so in one line (frontier_failure)
    return path


def remove_frontier(db_path: str | Path) -> None:
    shutil.rmtree(frontier_dir(db_path), ignore_errors=True)


def spider_method_name(spider: Any, method: Any) -> str | None:
    """The name under which ``method`` is a bound method of ``spider`` (None for None), found without
    listing the spider's members; ``ValueError`` when it is not one."""
    if method is None:
        return None
    name = getattr(method, "__name__", None)
    bound_here = getattr(method, "__self__", None) is spider and name is not None
    if not bound_here or getattr(spider, name, None) != method:
        raise ValueError(f"{method!r} is not a method of the spider")
    return name


def encode_request(request: Request, spider: Any) -> bytes:
    if type(request) is not Request:  # noqa: E721 - a subclass has fields this encoding does not know
        raise ValueError(f"{type(request).__name__} is not stored on disk")
    fields = {name: getattr(request, name) for name in _FIELDS}
    fields["headers"] = dict(request.headers)
    fields["callback"] = spider_method_name(spider, request.callback)
    fields["errback"] = spider_method_name(spider, request.errback)
    try:
        return pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise ValueError(str(exc)) from exc


def decode_request(data: bytes, spider: Any) -> Request:
    fields = pickle.loads(data)
    for name in ("callback", "errback"):
        if fields[name] is not None:
            fields[name] = getattr(spider, fields[name])
    return Request(**fields)


class _MemoryBudget:
    """How many more waiting requests of one crawl may be held in memory (shared by all its queues)."""

    def __init__(self, limit: int) -> None:
        self.left = max(0, limit)

    @classmethod
    def of(cls, crawler: Any) -> _MemoryBudget:
        budget = getattr(crawler, "_xunjian_frontier_budget", None)
        if budget is None:
            budget = cls(memory_budget(crawler))
            crawler._xunjian_frontier_budget = budget
        return budget

    def take(self) -> bool:
        if self.left > 0:
            self.left -= 1
            return True
        return False

    def give(self, count: int = 1) -> None:
        self.left += count


def memory_budget(crawler: Any) -> int:
    """``XUNJIAN_FRONTIER_MEMORY_REQUESTS`` from the environment, else from the crawl's settings."""
    chosen = os.environ.get(MEMORY_ENV)
    if chosen is not None and chosen.strip().isdigit():
        return int(chosen)
    settings = getattr(crawler, "settings", None)
    return settings.getint(MEMORY_ENV, DEFAULT_MEMORY_REQUESTS) if settings is not None else DEFAULT_MEMORY_REQUESTS


class FrontierDiskQueue:
    """Scrapy's disk queue protocol (``from_crawler(crawler, key)``, ``push``, ``pop``, ``peek``,
    ``close``, ``__len__``) for one priority of one download slot: requests are held in memory while
    the crawl's budget lasts and nothing waits on disk, else appended to a FIFO file queue in the
    directory ``key`` (made at the first such request); pops take memory first, so the order is the
    order of the pushes."""

    def __init__(self, crawler: Any, key: str):
        self.crawler = crawler
        self.spider = crawler.spider
        self.path = key
        self._budget = _MemoryBudget.of(crawler)
        self._memory: deque[Request] = deque()
        self._disk: _FileQueue | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, key: str, *args: Any, **kwargs: Any) -> FrontierDiskQueue:
        return cls(crawler, key)

    def __len__(self) -> int:
        return len(self._memory) + (len(self._disk) if self._disk is not None else 0)

    def push(self, request: Request) -> None:
        if getattr(self.spider, "frontier_error", None):
            raise ValueError("the frontier failed earlier; the crawl is stopping")  # kept in memory
        if (self._disk is None or not len(self._disk)) and self._budget.take():
            self._memory.append(request)
            return
        data = encode_request(request, self.spider)
        try:
            if self._disk is None:
                self._disk = _FileQueue(self.path)
            self._disk.append(data)
        except OSError as exc:
            _stop_crawl(self.crawler, frontier_failure(self.crawler.settings.get("JOBDIR") or self.path, exc))
            raise ValueError(f"frontier write failed: {exc}") from exc

    def pop(self) -> Request | None:
        if self._memory:
            self._budget.give()
            return self._memory.popleft()
        data = self._disk.pop() if self._disk is not None else None
        return decode_request(data, self.spider) if data else None

    def peek(self) -> Request | None:
        if self._memory:
            return self._memory[0]
        data = self._disk.peek() if self._disk is not None else None
        return decode_request(data, self.spider) if data else None

    def close(self) -> None:
        self._budget.give(len(self._memory))
        self._memory.clear()
        if self._disk is not None:
            self._disk.close()


class _FileQueue(FifoDiskQueue):
    """queuelib's FIFO file queue of encoded requests, with a safe append and a close that saves no state."""

    def __init__(self, key: str):
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(key)

    def append(self, data: bytes) -> None:
        """queuelib's ``push``, except that a write cut short (a full disk writes part of a record,
        then fails) is cut off the file again: the queue never holds half a record."""
        fd = self.headf.fileno()
        start = os.lseek(fd, 0, os.SEEK_END)
        record = memoryview(struct.pack(self.szhdr_format, len(data)) + data)
        try:
            while record:
                record = record[os.write(fd, record):]
        except OSError:
            try:
                os.ftruncate(fd, start)
            except OSError:  # the record stays unread: it is past the head the queue counts
                pass
            raise
        number, count = self.info["head"]
        count += 1
        if count == self.chunksize:
            number, count = number + 1, 0
            self.headf.close()
            self.headf = self._openchunk(number, "ab+")
        self.info["size"] += 1
        self.info["head"] = [number, count]

    def close(self) -> None:
        """Close the files, saving no state (the directory is removed when the crawl ends). An empty
        queue's files are deleted: Scrapy closes a priority's queue once it is drained and makes a new
        one at the same path when that priority comes back, which must not find the old records."""
        self.headf.close()
        self.tailf.close()
        if len(self) == 0:
            for chunk in Path(self.path).glob("q*"):
                chunk.unlink(missing_ok=True)


def _stop_crawl(crawler: Any, message: str) -> None:
    """Record the frontier failure on the spider and close it (once), from the reactor's next turn:
    the failure happens inside the engine's own scheduling of a request."""
    spider = crawler.spider
    if spider is None or getattr(spider, "frontier_error", None):
        return
    spider.frontier_error = message
    log.error("xunjian: %s; stopping the crawl", message)
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    reactor.callLater(0, lambda: deferred_from_coro(
        crawler.engine.close_spider_async(reason=FRONTIER_CLOSE_REASON)))


class FrontierScheduler(Scheduler):
    """Scrapy's scheduler without the queue state it writes to the job directory at close (nothing
    resumes from it, and on a full disk that write would fail a second time)."""

    def close(self, reason: str) -> Any:
        if self.dqs is not None:
            self.dqs.close()
        return self.df.close(reason)
