"""The crawl frontier on disk: the requests waiting in Scrapy's scheduler live in files, not in memory.

A breadth-first crawl of a large portal queues most of the site at once (100,000 pages:
~250,000 page, attachment and link-check requests after the list pages are read), ~1.3 KB of
Python objects each when held in memory: the frontier was most of the crawl's peak RSS and grew
with the site. ``crawler.run`` therefore gives each crawl a job directory (Scrapy's ``JOBDIR``,
``frontier_dir(db)``), so Scrapy's scheduler pushes every request to its disk queue:
``SCHEDULER_DISK_QUEUE`` (crawler/settings.py) is ``FrontierDiskQueue``, one FIFO file queue per
priority (queuelib's ``FifoDiskQueue``) that stores a request as a pickle of its fields.

Why not Scrapy's ``PickleFifoDiskQueue``: its ``Request.to_dict(spider=...)`` finds the callback's
name by listing every member of the spider, ~0.8 ms per request on the portal spider (minutes of
CPU on a large crawl). The spider's callbacks are its own bound methods, so they are stored by
name here and looked up again when the request is read back. A request that cannot be stored
(a callback of another object, an unpicklable meta value) raises ``ValueError``, on which Scrapy
keeps that one request in memory (stat ``scheduler/unserializable``).

The directory belongs to one crawl process (its name carries the pid): ``prepare_frontier``
removes what a killed crawl left behind (a resumed run continues from the store, not from the
queue: crawler.spiders.reuse) and ``remove_frontier`` deletes it when the crawl ends.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from queuelib.queue import FifoDiskQueue
from scrapy import Request

FRONTIER_SUFFIX = ".frontier-"
_FIELDS = ("url", "method", "body", "cookies", "meta", "encoding", "priority", "dont_filter", "flags",
           "cb_kwargs")


def frontier_dir(db_path: str | Path, pid: int | None = None) -> Path:
    """The job directory of the crawl process ``pid`` (default: this one) writing ``db_path``."""
    db = Path(db_path).resolve()
    return db.with_name(f"{db.name}{FRONTIER_SUFFIX}{pid or os.getpid()}")


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
    for stale in db.parent.glob(f"{db.name}{FRONTIER_SUFFIX}*"):
        suffix = stale.name.rsplit("-", 1)[-1]
        if suffix.isdigit() and (int(suffix) == os.getpid() or not _alive(int(suffix))):
            shutil.rmtree(stale, ignore_errors=True)
    path = frontier_dir(db)
    path.mkdir(parents=True, exist_ok=True)
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


class FrontierDiskQueue(FifoDiskQueue):
    """Scrapy's disk queue protocol (``from_crawler(crawler, key)``, ``push``, ``pop``, ``peek``,
    ``close``, ``__len__``) over a queuelib FIFO file queue in the directory ``key``."""

    def __init__(self, crawler: Any, key: str):
        self.spider = crawler.spider
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(key)

    @classmethod
    def from_crawler(cls, crawler: Any, key: str, *args: Any, **kwargs: Any) -> FrontierDiskQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:  # type: ignore[override]
        super().push(encode_request(request, self.spider))

    def pop(self) -> Request | None:  # type: ignore[override]
        data = super().pop()
        return decode_request(data, self.spider) if data else None

    def peek(self) -> Request | None:  # type: ignore[override]
        data = super().peek()
        return decode_request(data, self.spider) if data else None
