"""Serve a ``DemoSite`` over real HTTP on loopback: the portal, the "external" stand-in host and a
third site ("elsewhere", 127.0.0.3: where a hijacked outbound link lands after a redirect).

``serve(site, portal_port=0, external_port=0, portal_host="127.0.0.1", external_host="127.0.0.2")``
starts three threading HTTP/1.1 servers in background threads and returns a ``DemoServer`` with
``.portal_base`` / ``.external_base`` / ``.elsewhere_base`` (e.g. ``"http://127.0.0.1:41234"``),
``.requests`` (every request seen: host, method, target, User-Agent), ``.hits(path)`` and
``.stop()``; it is also a context manager. Port 0 picks a free port. Only 127.0.0.0/8 addresses
are accepted: the demo never listens on a real interface.

Per request: a dynamic route (the family's ``routes``: the faults) wins, else the site's static
page (a directory path serves its ``index.html``), else 404 with the family's not-found template.
``{{PORTAL}}``/``{{EXTERNAL}}``/``{{ELSEWHERE}}`` in bodies and headers are replaced by the base URLs,
then str bodies are encoded with the page's codec. HEAD answers the GET headers without a body (unless a
route refuses HEAD). Logging is silent unless ``verbose=True`` (one line per request on stderr).
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from xunjian.demo import DemoPage, routes

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
ELSEWHERE_HOST = "127.0.0.3"
MAX_LOGGED_REQUESTS = 200_000


@dataclass(frozen=True)
class SeenRequest:
    host: str  # "portal" | "external" | "elsewhere"
    method: str
    target: str  # path and query as sent
    user_agent: str


def check_loopback(host: str) -> None:
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"demo server: {host!r} is not an IPv4 address; bind a 127.x.y.z address "
                         "(the demo serves loopback only)") from None
    if addr.version != 4 or addr not in LOOPBACK:
        raise ValueError(f"demo server: refusing to bind {host}: only 127.0.0.0/8 is allowed; "
                         "use 127.0.0.1 / 127.0.0.2")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PJ-CMS/5.2"
    sys_version = ""
    server: "_HostServer"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def do_POST(self) -> None:  # noqa: N802
        self._send_simple(405, b"", {"Allow": "GET, HEAD"})

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        if self.server.demo.verbose:
            sys.stderr.write(f"[demo {self.server.host_key}] {self.address_string()} {format % args}\n")

    def _respond(self, head: bool) -> None:
        demo = self.server.demo
        host = self.server.host_key
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        demo._record(SeenRequest(host, self.command, self.path, self.headers.get("User-Agent", "")))
        route = routes.match(host, path, demo.site.family.routes)
        try:
            if route is not None:
                req = routes.RouteRequest(self.command, host, path, parts.query,
                                          {k.lower(): v for k, v in self.headers.items()}, demo.site.today,
                                          demo._stopping, lambda key: demo._count(host, key), demo.site)
                result = route.handler(req)
            else:
                result = self._static(host, path)
            if isinstance(result, routes.Stream):
                self._send_stream(result, head)
            else:
                self._send_page(result, head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (e.g. a size cap): nothing to do

    def _static(self, host: str, path: str) -> DemoPage:
        site = self.server.demo.site
        for candidate in (path, path + "index.html" if path.endswith("/") else None):
            if candidate:
                try:
                    return site.get(host, candidate)
                except KeyError:
                    pass
        return DemoPage(site.family.not_found_html(), status=404)

    def _send_page(self, page: DemoPage, head: bool) -> None:
        demo = self.server.demo
        body = page.body
        if isinstance(body, str):
            body = demo.substitute(body).encode(page.encoding)
        elif b"{{" in body:
            body = demo.substitute(body.decode("latin-1")).encode("latin-1")  # bytes kept, placeholders ASCII
        headers = {"Content-Type": page.content_type}
        headers.update({k: demo.substitute(v) for k, v in page.headers.items()})
        self._send_simple(page.status, b"" if head else body, headers, length=len(body))

    def _send_simple(self, status: int, body: bytes, headers: dict[str, str],
                     length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _send_stream(self, stream: routes.Stream, head: bool) -> None:
        self.send_response(stream.status)
        self.send_header("Content-Type", stream.content_type)
        for name, value in stream.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(stream.length))
        self.end_headers()
        if head:
            return
        sent = 0
        for chunk in stream.chunks():
            self.wfile.write(chunk)
            sent += len(chunk)
        if sent < stream.length:  # stopped early (server shutting down): the length is now a lie
            self.close_connection = True


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], host_key: str, demo: "DemoServer"):
        self.host_key = host_key
        self.demo = demo
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # clients hanging up mid-response are part of the fault catalogue
        if self.demo.verbose:
            super().handle_error(request, client_address)
        else:
            sys.stderr.write(f"[demo {self.host_key}] error serving {client_address[0]}: {exc!r}\n")


class DemoServer:
    """Three running host servers; stop() shuts them down (also on leaving a ``with`` block)."""

    def __init__(self, site, portal_host: str, portal_port: int, external_host: str, external_port: int,
                 verbose: bool = False, elsewhere_host: str = ELSEWHERE_HOST):
        check_loopback(portal_host)
        check_loopback(external_host)
        check_loopback(elsewhere_host)
        self.site = site
        site.paths("portal")  # render once here, not concurrently in the first request threads
        self.verbose = verbose
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        # bounded: a long `xunjian serve-demo` session must not grow without limit
        self._requests: deque[SeenRequest] = deque(maxlen=MAX_LOGGED_REQUESTS)
        self._counts: dict[tuple[str, str], int] = {}
        self._servers: list[_HostServer] = []
        self._threads: list[threading.Thread] = []
        try:
            for key, host, port in (("portal", portal_host, portal_port),
                                    ("external", external_host, external_port),
                                    ("elsewhere", elsewhere_host, 0)):
                self._servers.append(_HostServer((host, port), key, self))
        except OSError as exc:
            self._close_servers()
            raise OSError(f"demo server: cannot bind {host}:{port} ({exc.strerror or exc}); pick another "
                          "port or pass 0 for a free one") from exc
        self.portal_base = "http://%s:%d" % self._servers[0].server_address[:2]
        self.external_base = "http://%s:%d" % self._servers[1].server_address[:2]
        self.elsewhere_base = "http://%s:%d" % self._servers[2].server_address[:2]
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                 name=f"demo-{srv.host_key}", daemon=True)
            t.start()
            self._threads.append(t)

    def substitute(self, text: str) -> str:
        return (text.replace("{{PORTAL}}", self.portal_base).replace("{{EXTERNAL}}", self.external_base)
                .replace("{{ELSEWHERE}}", self.elsewhere_base))

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._requests)

    def hits(self, path_prefix: str, host: str = "portal") -> int:
        """How many requests (any method) reached ``host`` with a target starting with ``path_prefix``."""
        return sum(1 for r in self.requests if r.host == host and r.target.startswith(path_prefix))

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self._requests.append(seen)

    def _count(self, host: str, key: str) -> int:
        with self._lock:
            self._counts[(host, key)] = self._counts.get((host, key), 0) + 1
            return self._counts[(host, key)]

    def _close_servers(self) -> None:
        for srv in self._servers:
            srv.server_close()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        for srv in self._servers:
            srv.shutdown()
        for t in self._threads:
            t.join(timeout=5)
        self._close_servers()

    def __enter__(self) -> "DemoServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(site, portal_port: int = 0, external_port: int = 0, portal_host: str = "127.0.0.1",
          external_host: str = "127.0.0.2", *, verbose: bool = False) -> DemoServer:
    """Start serving ``site`` in background threads; see the module docstring."""
    return DemoServer(site, portal_host, portal_port, external_host, external_port, verbose)
