"""The crawl's store writer as a process of its own: ``python -m crawler.store_writer``.

``crawler.pipelines.StorePipeline`` starts it when the spider opens and sends it every fact item;
it owns the only store connection of the crawl that writes facts, writes the items in the order
they came with ``write_item`` (the Redis writer's too), and commits every ``--commit-interval``
seconds and once ``--commit-every`` rows are pending, always between two items: a page's facts (one
batch item) are committed whole or not at all, so what a killed crawl leaves is safe to replay.
Being a process rather than a thread of the crawl, its SQLite and zlib work runs on another core
without taking the crawl's GIL (a writer thread had to win the GIL back after every SQLite step,
which stalled both). It imports the store and nothing of Scrapy or Twisted (their import alone is
~40 MB of RSS), so the process stays at ~20 MB whatever the site's size.

Protocol. stdin carries frames: a 4-byte big-endian length, then a pickle of ``("item", item)``
or ``("close", run_stats_or_None)``; pickles come only from the crawl process that started this
one (a pipe, never a file or socket). stdout carries one JSON object a line back:
``{"failed": msg}`` when a write failed (the crawl stops: nothing after it is written),
``{"unstored": desc}`` for an item it could not store (a bug: the crawl ends incomplete),
``{"closed": true, "close_failure": msg_or_null}`` after the last commit. End of input without
a ``close`` frame means the crawl process died (``kill -9``): what came is committed, as a
resumed run can reuse it, and the process exits. SIGINT is ignored: the crawl decides when
to stop, and the writer finishes what it was sent.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import select
import signal
import struct
import sys
import time
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from crawler.store import Store

HEADER = struct.Struct(">I")


def encode_frame(kind: str, payload: Any) -> bytes:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO) -> tuple[str, Any] | None:
    """The next frame, or None at end of input (a frame cut short counts as the end)."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    data = _read_exactly(stream, HEADER.unpack(header)[0])
    return pickle.loads(data) if data is not None else None


def write_item(store: Store, run_id: int, item: dict[str, Any]) -> bool:
    """Store one fact item (``_table`` names its table); False for an unknown table. Also the
    writer of a distributed crawl (crawler/redis_writer.py) stores its batches with this."""
    table = item.get("_table")
    fields = {k: v for k, v in item.items() if k != "_table"}
    if table == "batch":  # one page's facts (crawler.spiders.portal.batched), committed whole
        with store.whole():
            return all([write_item(store, run_id, part) for part in item["items"]])
    if table == "resource":
        store.put_resource(run_id, **fields)
    elif table == "body":
        store.put_body(run_id, item["url"], item["text"])
    elif table == "links":
        store.put_links(run_id, item["rows"])
    elif table == "parse":
        store.put_parse(run_id, item["url"], item["parse"])
    elif table == "copy":  # an unchanged page: its facts are copied inside the store (crawler.spiders.reuse)
        source, url = item["from_run"], item["url"]
        if item.get("resource") is not None:
            store.copy_resource(source, run_id, url, item["resource"])
        if item.get("body", True):
            store.copy_body(source, run_id, url)
        if item["parse"]:
            store.copy_parse(source, run_id, url)
        if item.get("links"):
            store.copy_links(source, run_id, url, item["links"])
        if item.get("sample"):
            store.copy_external_sample(source, run_id, url)
    elif table == "probe":
        store.put_probe(run_id, **fields)
    elif table == "external_sample":
        store.put_external_sample(run_id, **fields)
    else:
        return False
    return True


class _Replies:
    def __init__(self, out):
        self.out = out

    def send(self, **message: Any) -> None:
        try:
            self.out.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.out.flush()
        except (BrokenPipeError, OSError):  # the crawl process is gone: nobody to tell
            pass


def serve(db_path: str, run_id: int, commit_every: int, commit_interval_s: float,
          stream: BinaryIO, replies: _Replies) -> int:
    from crawler.store import Store, StoreError, write_failure

    try:
        store = Store(db_path, commit_every=commit_every)  # never inside a page's batch: Store.whole
    except StoreError as exc:
        replies.send(failed=f"opening {db_path} failed: {exc}")
        store = None
    failed = store is None
    last_commit = time.monotonic()
    fd = stream.fileno()
    while True:
        # wait at most the commit interval, so a quiet crawl still commits what it sent
        ready, _, _ = select.select([fd], [], [], commit_interval_s)
        frame = read_frame(stream) if ready else ("idle", None)
        if frame is None or frame[0] == "close":
            return _close(store, run_id, frame[1] if frame else None, replies, told=frame is not None)
        kind, item = frame
        if failed:
            continue  # a write failed: the crawl is stopping, what still comes is dropped
        try:
            if kind == "item" and not write_item(store, run_id, item):
                replies.send(unstored=_describe(item, "unknown item"))
            now = time.monotonic()
            if now - last_commit >= commit_interval_s:
                store.commit()
                last_commit = now
        except StoreError as exc:
            failed = True
            replies.send(failed=write_failure(store.path, exc))
        except Exception as exc:  # noqa: BLE001 - one malformed item (a bug) must not lose the others
            replies.send(unstored=_describe(item if isinstance(item, dict) else {}, repr(exc)))


def _describe(item: dict[str, Any], why: str) -> str:
    return f"{item.get('_table')} {item.get('url', '')} ({why})".strip()


def _close(store: Any, run_id: int, stats: dict[str, Any] | None, replies: _Replies, told: bool) -> int:
    from crawler.store import StoreError, write_failure

    failure = None
    if store is not None:
        try:
            store.commit()
            if stats is not None:  # the spider's final figures follow at spider_closed
                store.update_run_stats(run_id, stats)
        except StoreError as exc:
            failure = write_failure(store.path, exc)  # the same one line as a failed write mid-crawl
        except Exception as exc:  # noqa: BLE001 - reported to the crawl, which fails the run
            failure = f"saving the run statistics to {store.path} failed: {exc!r}"
        finally:
            try:
                store.close()
            except StoreError as exc:
                failure = failure or f"closing {store.path} failed: {exc}"
    if told:
        replies.send(closed=True, close_failure=failure)
    return 0 if failure is None else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.store_writer",
                                     description="the crawl's store writer (started by crawler.pipelines)")
    parser.add_argument("--db", required=True)
    parser.add_argument("--run-id", type=int, required=True)
    parser.add_argument("--commit-every", type=int, default=1000)
    parser.add_argument("--commit-interval", type=float, default=2.0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = _Replies(os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8"))
    # unbuffered: select() must see every frame that came, none may wait in a read buffer
    stream = os.fdopen(os.dup(sys.stdin.fileno()), "rb", buffering=0)
    return serve(args.db, args.run_id, args.commit_every, args.commit_interval, stream, replies)


if __name__ == "__main__":
    sys.exit(main())
