"""The store pipeline's writer process (crawler.store_writer): items are written in order, one
malformed item does not stop the writer, but the crawl ends with a store error naming it, so the
run is incomplete and cannot pass the gate; a writer that dies fails the crawl the same way; a
crawl that dies outright leaves no writer behind and keeps what it sent."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from types import SimpleNamespace

import psutil

from crawler.pipelines import StorePipeline
from crawler.store import Store
from crawler.store_writer import encode_frame


class _Settings(dict):
    def getint(self, name, default):
        return int(self.get(name, default))

    def getfloat(self, name, default):
        return float(self.get(name, default))


def _pipeline(tmp_path):
    db = tmp_path / "x.sqlite"
    store = Store(db)
    run_id = store.start_run("t", "2026-11-26")
    store.close()
    spider = SimpleNamespace(db_path=str(db), run_id=run_id, store_error=None,
                             run_stats=lambda: {"pages": 2})
    pipeline = StorePipeline.from_crawler(SimpleNamespace(spider=spider, settings=_Settings()))
    pipeline.open_spider()
    return db, run_id, spider, pipeline


def _resource(url):
    return {"_table": "resource", "url": url, "kind": "page", "in_scope": True}


def test_writer_survives_a_bad_item_and_commits_at_close(tmp_path):
    db, run_id, spider, pipeline = _pipeline(tmp_path)
    good = [{"_table": "resource", "url": f"http://h/{i}", "kind": "page", "in_scope": True}
            for i in range(5)]
    pipeline.process_item(good[0])
    pipeline.process_item({"_table": "resource", "url": "http://h/bad", "kind": "page", "in_scope": True,
                           "no_such_column": 1})  # refused by Store.put_resource
    for item in good[1:]:  # still written: the writer outlived the bad item
        pipeline.process_item(item)
    pipeline.close_spider()
    assert spider.store_error and spider.store_error.startswith("1 fact item(s) could not be stored"), \
        spider.store_error
    assert "http://h/bad" in spider.store_error
    assert not getattr(spider, "store_writer_killed", None)  # a store error: the next run starts over
    store = Store(db)
    try:
        assert sorted(r["url"] for r in store.resources(run_id)) == [f"http://h/{i}" for i in range(5)]
        assert store.run_stats(run_id)["pages"] == 2
    finally:
        store.close()


def test_a_writer_that_dies_fails_the_crawl(tmp_path):
    db, run_id, spider, pipeline = _pipeline(tmp_path)
    pipeline.process_item(_resource("http://h/0"))
    writer = pipeline.writer
    writer.kill()
    writer.wait()
    for i in range(1, 200):  # the pipe breaks: the crawl is told, never blocked
        try:
            pipeline.process_item(_resource(f"http://h/{i}"))
        except Exception:  # DropItem once the failure is known
            break
    assert pipeline.failure and "store writer process ended unexpectedly" in pipeline.failure
    pipeline.close_spider()  # no exception (Scrapy would log a traceback): the crawl's exit says it
    assert "without its final commit" in pipeline.close_failure
    assert "store writer process ended unexpectedly" in spider.store_error
    assert spider.store_writer_killed == -signal.SIGKILL  # crawler.run: EXIT_WRITER_KILLED, resumed


def test_a_crawl_that_dies_leaves_no_writer_and_keeps_what_it_sent(tmp_path):
    """The crawl process is killed (no close frame, its end of the pipe closes): the writer
    commits the items it received and exits, so a resumed run can reuse them."""
    db = tmp_path / "x.sqlite"
    store = Store(db)
    run_id = store.start_run("t", "2026-11-26")
    store.close()
    child = subprocess.Popen([sys.executable, "-c", f"""
import sys
from types import SimpleNamespace
from crawler.pipelines import StorePipeline
class S(dict):
    def getint(self, n, d): return d
    def getfloat(self, n, d): return 60.0 if n == "XUNJIAN_COMMIT_INTERVAL_S" else d
spider = SimpleNamespace(db_path={str(db)!r}, run_id={run_id}, store_error=None, run_stats=lambda: {{}})
p = StorePipeline.from_crawler(SimpleNamespace(spider=spider, settings=S()))
p.open_spider()
for i in range(3):
    p.process_item({{"_table": "resource", "url": f"http://h/{{i}}", "kind": "page", "in_scope": True}})
print(p.writer.pid, flush=True)
sys.stdin.read()
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    writer_pid = int(child.stdout.readline())
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    try:  # the writer sees the end of its input, commits and exits
        psutil.Process(writer_pid).wait(timeout=30)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        raise AssertionError("the store writer outlived the crawl process") from None
    store = Store(db)
    try:
        assert sorted(r["url"] for r in store.resources(run_id)) == [f"http://h/{i}" for i in range(3)]
    finally:
        store.close()


def _page_batch(url):
    """One page's facts as the crawl sends them: its row, body, parse, then its link rows."""
    links = [{"source_url": url, "target_url": f"http://h/t{i}", "fragment": None, "raw_href": f"/t{i}",
              "scheme": "http", "text": "t", "tag": "a", "attr": "href", "position": i} for i in range(5)]
    return {"_table": "batch", "items": [_resource(url), {"_table": "body", "url": url, "text": "<p>"},
                                         {"_table": "parse", "url": url, "parse": {"links": []}},
                                         {"_table": "links", "rows": links}]}


def test_the_distributed_writer_commits_a_batch_whole(tmp_path):
    """The writer of a --redis / --workers run (crawler.redis_writer) neither commits inside a batch:
    a later one-machine run resumes a distributed run cut short from what it committed."""
    from crawler.redis_writer import _ingest
    db = tmp_path / "x.sqlite"
    store = Store(db, commit_every=3)  # three rows: reached at the parse, before the links
    run_id = store.start_run("t", "2026-11-26")
    batch = {"id": "r1", "items": _page_batch("http://h/p.html")["items"], "counters": {}}
    _ingest(store, run_id, pickle.dumps(batch), {})
    with sqlite3.connect(db, timeout=30) as other:  # what a kill -9 now would leave
        committed = [other.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                     for table in ("page_parses", "links")]
    store.close()
    assert committed in ([0, 0], [1, 5])


def test_a_killed_writer_never_leaves_half_a_page_committed(tmp_path):
    """A resumed run replays a page whose body and parse were committed, with the link rows it
    finds: a commit inside a page's batch (its parse written, its links not yet) followed by a
    ``kill -9`` left a replayable page without links, so its broken links and targets were lost.
    The writer is killed as soon as the page's parse is visible to another connection."""
    db = tmp_path / "x.sqlite"
    store = Store(db)
    run_id = store.start_run("t", "2026-11-26")
    store.close()
    page = _page_batch("http://h/p.html")
    # three rows per commit: the row count is reached at the parse, before the links
    writer = subprocess.Popen([sys.executable, "-m", "crawler.store_writer", "--db", str(db), "--run-id",
                               str(run_id), "--commit-every", "3", "--commit-interval", "600"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        writer.stdin.write(encode_frame("item", page))
        writer.stdin.flush()
        with sqlite3.connect(db, timeout=30) as reader:
            # poll for the committed parse; the writer waits for more input meanwhile (600 s interval)
            parses = "SELECT COUNT(*) FROM page_parses"
            for _ in range(10_000):
                if writer.poll() is not None or reader.execute(parses).fetchone()[0]:
                    break
                time.sleep(0.01)
            writer.kill()
            writer.wait()
            assert reader.execute("SELECT COUNT(*) FROM page_parses").fetchone()[0] == 1
            assert reader.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 5
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
