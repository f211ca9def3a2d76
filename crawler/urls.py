"""URL canonicalisation: one canonical form per page, so each page is fetched once.

``canonicalize(url, session_params)`` returns ``(canonical, fragment)``:

- scheme and host lower-cased, a trailing dot on the host dropped, the default
  port (80 for http, 443 for https) dropped;
- dot segments (``.``/``..``) resolved as RFC 3986 section 5.2.4 says, an empty
  path becomes ``/``;
- percent-encoding normalised: escapes of unreserved characters decoded,
  other escapes upper-cased, raw spaces / non-ASCII characters encoded as UTF-8 (in the
  query: in the charset of the citing page, as browsers do),
  a stray ``%`` encoded as ``%25`` (GBK escapes such as ``%D6%D0`` are kept as is);
- session ids stripped: ``;jsessionid=...`` path parameters and every query
  parameter named in the profile's ``traps.session_params`` (case-insensitive);
- query parameters sorted (stable, by name then value), an empty ``?`` dropped;
- the fragment removed and returned separately;
- userinfo (``user:pass@``) dropped: a password a page writes into a link must not reach the
  store, the logs or the reports, and the crawler never sends credentials from a URL (portal
  credentials come from the profile's ``auth:``, see ``crawler.netguard``).

Non-http(s) URLs (``mailto:``, ``tel:``, ...) are returned unchanged apart from
the scheme case. ``link_scheme(href)`` tells a link's scheme without resolving it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from config.redact import redact_userinfo  # noqa: F401 - re-exported: one masking rule everywhere

DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters that may stay literal in a path / query component (RFC 3986 pchar, plus / and ?).
_PATH_SAFE = _UNRESERVED | set("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | set("?")
_HEX = set("0123456789abcdefABCDEF")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_WS_RE = re.compile(r"[\t\n\r]")
def clean_href(raw: str) -> str:
    """What a browser does to an attribute value before resolving it: strip
    leading/trailing whitespace and drop tabs and newlines inside."""
    return _WS_RE.sub("", raw.strip(" \t\n\r\f\x00"))


def link_scheme(href: str) -> str:
    """Lower-cased scheme of an absolute href, '' for a relative one."""
    match = _SCHEME_RE.match(href)
    return match.group(1).lower() if match else ""


def _normalise_escapes(component: str, safe: set[str], charset: str = "utf-8") -> str:
    out: list[str] = []
    i, n = 0, len(component)
    while i < n:
        ch = component[i]
        if ch == "%":
            if i + 2 < n and component[i + 1] in _HEX and component[i + 2] in _HEX:
                byte = int(component[i + 1:i + 3], 16)
                decoded = chr(byte)
                out.append(decoded if decoded in _UNRESERVED else "%" + component[i + 1:i + 3].upper())
                i += 3
                continue
            out.append("%25")
        elif ch in safe:
            out.append(ch)
        else:
            try:
                raw = ch.encode(charset)
            except (UnicodeEncodeError, LookupError):
                raw = ch.encode("utf-8", "surrogatepass")
            out.extend("%%%02X" % b for b in raw)
        i += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    absolute = path.startswith("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > (1 if absolute else 0):
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    result = "/".join(output)
    if absolute and not result.startswith("/"):
        result = "/" + result
    return result


def _strip_path_sessions(path: str, names: frozenset[str]) -> str:
    if ";" not in path:
        return path
    segments = []
    for segment in path.split("/"):
        if ";" in segment:
            head, *params = segment.split(";")
            kept = [p for p in params if p.split("=", 1)[0].lower() not in names]
            segment = ";".join([head, *kept])
        segments.append(segment)
    return "/".join(segments)


def _normalise_query(query: str, names: frozenset[str], charset: str = "utf-8") -> str:
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name = part.split("=", 1)[0]
        if name.lower() in names:
            continue
        pairs.append(_normalise_escapes(part, _QUERY_SAFE - {"&"}, charset))
    pairs.sort(key=lambda p: (p.split("=", 1)[0], p))
    return "&".join(pairs)


def session_names(session_params: Iterable[str]) -> frozenset[str]:
    return frozenset(p.lower() for p in session_params) | {"jsessionid"}


def canonicalize(url: str, session_params: Iterable[str] | frozenset[str] = (),
                 query_charset: str = "utf-8") -> tuple[str, str]:
    """Canonical form of an absolute URL and its fragment ('' when none). Raw non-ASCII
    characters in the query are encoded in ``query_charset`` (the charset of the page the
    link is on), as browsers do: a GBK portal's ``?q=城管`` is sent as ``%B3%C7%B9%DC``."""
    names = session_params if isinstance(session_params, frozenset) else session_names(session_params)
    return _canonicalize(url, names, query_charset)


# a portal's navigation repeats the same few hundred URLs on every page: memoised (pure functions of
# their string arguments; bounded so memory stays flat however large the portal). An entry costs ~300
# bytes (its key, result and the cache's own link), and the site's one-off URLs (articles) pass
# through every cache: 16,384 entries per cache were ~45 MB of the crawl child at 20,000 pages for
# few more hits than 4,096. Only the link resolution, whose miss costs a join and a canonicalisation
# (~25 us), keeps the larger size.
URL_CACHE_SIZE = 4096
RESOLVE_CACHE_SIZE = 16384
MEMO_HREF_CHARS = 512  # hrefs longer than this are resolved afresh each time


@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def _canonicalize(url: str, names: frozenset[str], query_charset: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal: keep it recognisable, never fetchable
        base, _, fragment = url.partition("#")
        return base, fragment
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        base, _, fragment = url.partition("#")
        return (scheme + base[len(scheme):] if scheme else base), fragment
    try:
        port = parts.port
    except ValueError:  # port out of range or not a number: keep the URL as written (it will fail)
        base, _, fragment = url.partition("#")
        return base, fragment
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    path = _strip_path_sessions(parts.path, names)
    path = remove_dot_segments(_normalise_escapes(path, _PATH_SAFE)) or "/"
    query = _normalise_query(parts.query, names, query_charset)
    return urlunsplit((scheme, netloc, path, query, "")), parts.fragment


def url_identity(url: str) -> str:
    """The one comparison key of a page URL, however it was written (a profile's homepage or
    column, a stored URL, a redirect hop): the crawler's canonical form (``canonicalize``: lower-case
    scheme and host, default port dropped, escapes and query order normalised, dot segments
    resolved, jsessionid dropped, empty path "/") without the fragment. Stored URLs are already in
    this form, so ``url_identity(stored) == stored``."""
    return canonicalize(url.strip())[0]


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:pass@`` (kept as is otherwise, e.g. a redirect's Location)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_userinfo(url)
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def same_portal_host(url_a: str, url_b: str) -> bool:
    """Whether two http(s) URLs are on one portal host: the same host name, ignoring the port
    and a leading ``www.`` (``x.gov.cn`` -> ``www.x.gov.cn:8080`` is the portal moving;
    ``x.gov.cn`` -> ``www.sh.gov.cn`` is another site, even under the same registrable domain)."""
    try:
        a, b = urlsplit(url_a), urlsplit(url_b)
    except ValueError:
        return False
    if a.scheme.lower() not in DEFAULT_PORTS or b.scheme.lower() not in DEFAULT_PORTS:
        return False
    host_a, host_b = ((p.hostname or "").rstrip(".").removeprefix("www.") for p in (a, b))
    return bool(host_a) and host_a == host_b


@functools.lru_cache(maxsize=URL_CACHE_SIZE)  # asked for every link occurrence by the scope
def host_key(url: str) -> str:
    """``host[:port]`` of a canonical URL as compared against ``scope.hosts``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").rstrip(".")
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def normalise_host_entry(entry: str) -> str:
    """A ``scope.hosts`` entry (``www.x.gov.cn``, ``127.0.0.1:8710``, or a URL) as a host key."""
    entry = entry.strip().lower()
    if "://" in entry:
        return host_key(entry)
    host, _, port = entry.partition(":")
    if port in ("80", "443"):
        return host
    return entry.rstrip(".")


def extension(url: str) -> str:
    """Lower-cased file extension of the URL's last path segment ('' if none)."""
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1].split(";", 1)[0]
    if "." not in last:
        return ""
    return last.rsplit(".", 1)[-1].lower()


# Characters a browser refuses in a host name (WHATWG "forbidden host code points").
_FORBIDDEN_HOST_CHARS = set(" \t\n\r#%/:<>?@[\\]^|")
_SLASHES_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[/\\]{2}")


@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def url_problem(href: str) -> str | None:
    """Why no browser can open this http(s) link, or None when it is a usable URL.

    ``unparsable``: the URL cannot be split (``http://localhost]``, ``http://[::1``) or its port
    is not a number in 0-65535 (``http://x:99999/``); ``no-host``: an explicit ``http://`` with
    nothing after it (``http://``, ``http:///x`` is resolved by browsers, so it is not judged
    here). ``bad-host``: the host holds a character browsers reject (a space, ``<``, ``|``...).
    ``href`` is the raw link or the resolved URL; relative links never have a problem here.
    """
    try:
        parts = urlsplit(href)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return "unparsable"
    if parts.scheme.lower() not in DEFAULT_PORTS or not _SLASHES_RE.match(href):
        return None
    after = href.split(":", 1)[1].lstrip("/\\")
    if not after:
        return "no-host"
    host = parts.hostname or ""
    if ":" not in host and any(ch in _FORBIDDEN_HOST_CHARS for ch in host):  # ":" only in IPv6 literals
        return "bad-host"
    return None


def join_url(base: str, href: str) -> str | None:
    """``urljoin`` that never raises: None for a link no browser could resolve
    (``http://localhost]``). Callers treat None as "not a usable link" and move on."""
    return _join_url(_join_base(base, href), href)


_ABSOLUTE_HTTP_RE = re.compile(r"^https?://", re.I)


def _join_base(base: str, href: str) -> str:
    """The part of ``base`` that ``urljoin(base, href)`` depends on, so that one memoised join
    serves every page: the origin for ``/path``, the directory for ``path``, the scheme for an
    absolute http(s) URL; the whole base for ``?query``, ``#fragment``, ``//host`` and the rest."""
    if not href or href[0] in "?#" or href.startswith("//") or "://" not in base:
        return base
    if href[0] == "/":
        cut = base.find("/", base.index("://") + 3)
        return base if cut == -1 else base[:cut]
    if _ABSOLUTE_HTTP_RE.match(href):
        return base[:base.index("://") + 3]
    if link_scheme(href) or href[0] == "\\":
        return base
    path_end = min((i for i in (base.find("?"), base.find("#")) if i != -1), default=len(base))
    start = base.find("/", base.index("://") + 3)
    if start == -1 or start >= path_end:
        return base
    return base[:base.rfind("/", 0, path_end) + 1]


def href_and_scheme(raw: str) -> tuple[str, str]:
    """``clean_href(raw)`` and its ``link_scheme``, memoised for the short hrefs that recur on every
    page (a long one, such as a data: URI, is not worth keeping)."""
    return _short_href_and_scheme(raw) if len(raw) <= MEMO_HREF_CHARS else _href_and_scheme(raw)


def _href_and_scheme(raw: str) -> tuple[str, str]:
    href = clean_href(raw)
    return href, link_scheme(href)


_short_href_and_scheme = functools.lru_cache(maxsize=URL_CACHE_SIZE)(_href_and_scheme)


def resolve_link(base: str, href: str, names: frozenset[str],
                 charset: str = "utf-8") -> tuple[str, str] | None:
    """``canonicalize(join_url(base, href), names, charset)`` in one memoised step (the same
    navigation, breadcrumb and asset links recur on every page of a directory): None when the
    link does not resolve or its canonical target is no usable URL (``url_problem``)."""
    join_base = _join_base(base, href)
    if len(href) > MEMO_HREF_CHARS:  # rare, and not worth keeping
        return _resolve_link.__wrapped__(join_base, href, names, charset)
    return _resolve_link(join_base, href, names, charset)


@functools.lru_cache(maxsize=RESOLVE_CACHE_SIZE)
def _resolve_link(base: str, href: str, names: frozenset[str], charset: str) -> tuple[str, str] | None:
    # not the memoised join: behind this cache it hits ~1 call in 20 and would only hold more URLs
    absolute = _join_url.__wrapped__(base, href)
    if absolute is None:
        return None
    target, fragment = _canonicalize(absolute, names, charset)
    return None if url_problem(target) else (target, fragment)


@functools.lru_cache(maxsize=URL_CACHE_SIZE)
def _join_url(base: str, href: str) -> str | None:
    try:
        joined = urljoin(base, href)
    except ValueError:
        return None
    return None if url_problem(href) or url_problem(joined) else joined
