"""Tiny purpose-built HTTP servers for the crawler tests (127.0.0.1 / 127.0.0.2, port 0).

``TestServer(host)`` serves a route table: ``server.route(path, reply)`` where ``reply`` is
a ``Reply`` or a function ``(hit: Hit) -> Reply``; ``server.fallback`` answers unrouted paths
(a 404 page by default). Every request is logged as a ``Hit`` (method, path, user agent,
monotonic time, Authorization header) so tests can assert how often and when a URL
was fetched. A ``Reply`` can also close the connection without answering
(``drop=True``) or stream an endless body (``endless=True``), and records how many body
bytes it managed to write before the client hung up. ``Reply(validators=True)`` sends an
``ETag`` (hash of the body) and a fixed ``Last-Modified`` and answers a matching
``If-None-Match`` (or, without one, ``If-Modified-Since``) with ``304 Not Modified``, as nginx does.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


LAST_MODIFIED = "Sun, 22 Nov 2026 00:00:00 GMT"


@dataclass
class Hit:
    method: str
    path: str
    user_agent: str
    at: float
    authorization: str = ""     # the Authorization header, for tests of where credentials go
    headers: dict[str, str] = field(default_factory=dict)  # every request header, lower-case names


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    drop: bool = False          # close the connection without any response
    endless: bool = False       # stream body chunks until the client disconnects
    content_length: int | None = None  # announce this length (default: len(body))
    validators: bool = False    # send ETag/Last-Modified and answer conditional requests with 304


def html(text: str, status: int = 200, charset: str = "utf-8", **kw) -> Reply:
    return Reply(status=status, body=text.encode(charset), content_type=f"text/html; charset={charset}", **kw)


class TestServer:
    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.routes: dict[str, Reply | Callable[[Hit], Reply]] = {}
        self.fallback: Reply | Callable[[Hit], Reply] | None = None  # unrouted paths (default: a 404)
        self.hits: list[Hit] = []
        self.bytes_written: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- configuration ------------------------------------------------------------------
    def route(self, path: str, reply: Reply | Callable[[Hit], Reply]) -> None:
        self.routes[path] = reply

    @property
    def base(self) -> str:
        assert self._httpd is not None
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits_for(self, path: str, method: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path and (method is None or h.method == method)]

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> "TestServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._serve(self, "GET")

            def do_HEAD(self) -> None:
                server._serve(self, "HEAD")

        self._httpd = ThreadingHTTPServer((self.host, 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    # -- serving ------------------------------------------------------------------------
    @staticmethod
    def _validated(reply: Reply, body: bytes, hit: Hit) -> Reply:
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        headers = {**reply.headers, "ETag": etag, "Last-Modified": LAST_MODIFIED}
        asked_etag, asked_date = hit.headers.get("if-none-match"), hit.headers.get("if-modified-since")
        if (asked_etag == etag) if asked_etag is not None else (asked_date == LAST_MODIFIED):
            return Reply(status=304, body=b"", headers=headers, content_type=None, content_length=0)
        return Reply(status=reply.status, body=body, headers=headers, content_type=reply.content_type)

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        hit = Hit(method, handler.path, handler.headers.get("User-Agent", ""), time.monotonic(),
                  handler.headers.get("Authorization", ""),
                  {k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            self.hits.append(hit)
        reply = self.routes.get(handler.path) or self.routes.get(handler.path.split("?", 1)[0])
        reply = reply or self.fallback
        if callable(reply):
            reply = reply(hit)
        if reply is None:
            reply = html("<html><title>Not Found</title><h1>404</h1></html>", status=404)
        if reply.drop:
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        if reply.validators and reply.status == 200:
            reply = self._validated(reply, body, hit)
            body = reply.body
        written = 0
        try:
            handler.send_response(reply.status)
            if reply.content_type:
                handler.send_header("Content-Type", reply.content_type)
            length = reply.content_length
            if length is None and not reply.endless:
                length = len(body)
            if length is not None:
                handler.send_header("Content-Length", str(length))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            if method == "HEAD":
                return
            if reply.endless:
                chunk = body or b"<p>" + b"x" * 65533 + b"\n"
                while written < 512 * 1024 * 1024:  # hard stop so a broken client cannot pin the test
                    handler.wfile.write(chunk)
                    written += len(chunk)
            else:
                handler.wfile.write(body)
                written = len(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            with self._lock:
                self.bytes_written[handler.path] = self.bytes_written.get(handler.path, 0) + written
