"""A site's not-found fingerprint: probe URLs, and what a browser user sees on a page.

The spider (``crawler.spiders.probing``) requests a few URLs that surely do not exist
under each probed directory prefix and stores what came back (``Store.put_probe``); the
soft-404 check (``checks.links._notfound``) compares every 200 page with that fingerprint.
Both sides use the functions here, so a probe and a page are described the same way:

* ``probe_urls(prefix, salt, count)``: deterministic names that look unguessable,
  ``<prefix>xunjian-nf-<16 hex>.html`` (the same on every run, so server logs and
  history stay comparable; the hex comes from the site name, the prefix and the index);
* ``section_prefix(url)``: the first-level directory of a URL (``http://h/xxgk/``), or
  None when the URL sits at the root;
* ``page_view(html)``: the title, the first ``<h1>`` and the *template shingles* of a
  document. The body is read in document order as a stream of tokens, one per element
  (``tag.class#id``) and one per text chunk (whitespace collapsed, digits folded to 0,
  so dates and counters do not matter); every run of ``SHINGLE_TOKENS`` consecutive tokens
  is hashed to 8 hex digits. Two pages of the same template and text share nearly all
  shingles; the same sentence in another place of another page shares almost none.

``SHINGLE_TOKENS`` is part of the stored format (probes and pages must be shingled alike),
not a verdict threshold: the similarity thresholds are in config/rules.yaml
``soft404.fingerprint``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from crawler.htmldoc import parse_html
from crawler.urls import URL_CACHE_SIZE

PROBE_MARK = "xunjian-nf-"
SHINGLE_TOKENS = 3
MAX_SHINGLES = 5000      # a page with more is not an error template; keep the store small
MAX_TOKEN_CHARS = 200
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_SKIP = {"script", "style", "noscript", "template", "head"}


def probe_urls(prefix: str, salt: str, count: int) -> list[str]:
    """``count`` surely-missing URLs under ``prefix`` (a directory URL ending in "/")."""
    out = []
    for i in range(count):
        digest = hashlib.sha1(f"{salt}\n{prefix}\n{i}".encode()).hexdigest()[:16]
        out.append(f"{prefix}{PROBE_MARK}{digest}.html")
    return out


def directory_prefix(url: str) -> str:
    """``http://h/a/b/page.html`` -> ``http://h/a/b/``; the query and fragment are dropped."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path[: path.rfind("/") + 1], "", ""))


@functools.lru_cache(maxsize=URL_CACHE_SIZE)  # called for every navigation link of every crawled page
def section_prefix(url: str) -> str | None:
    """``http://h/xxgk/tzgg/1.html`` -> ``http://h/xxgk/``; None for ``http://h/page.html``."""
    parts = urlsplit(url)
    segments = (parts.path or "/").split("/")
    if len(segments) < 3 or not segments[1]:
        return None  # no directory below the root
    return urlunsplit((parts.scheme, parts.netloc, f"/{segments[1]}/", "", ""))


@dataclass(frozen=True)
class PageView:
    title: str
    h1: str
    shingles: frozenset[str]


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _tokens(root) -> list[str]:
    tokens: list[str] = []

    def text(chunk: str | None) -> None:
        chunk = _clean(chunk)
        if chunk:
            tokens.append(_DIGITS.sub("0", chunk)[:MAX_TOKEN_CHARS])

    def walk(el) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            return  # comments, processing instructions and invisible elements
        cls = ".".join(sorted((el.get("class") or "").split()))
        tokens.append(f"<{el.tag}{'.' + cls if cls else ''}{'#' + el.get('id') if el.get('id') else ''}>")
        text(el.text)
        for child in el:
            walk(child)
            text(child.tail)

    body = root.find(".//body")
    walk(body if body is not None else root)
    return tokens


def page_view(html: str) -> PageView:
    """Title, first H1 and template shingles of a document; an unparsable one is empty."""
    root = parse_html(html)
    if root is None:
        return PageView("", "", frozenset())
    title_el = root.find(".//title")
    h1_el = root.find(".//h1")
    tokens = _tokens(root)
    shingles = set()
    for i in range(max(1, len(tokens) - SHINGLE_TOKENS + 1)):
        window = "\x1f".join(tokens[i:i + SHINGLE_TOKENS])
        shingles.add(hashlib.sha1(window.encode("utf-8")).hexdigest()[:8])
        if len(shingles) >= MAX_SHINGLES:
            break
    return PageView(_clean(title_el.text_content() if title_el is not None else ""),
                    _clean(h1_el.text_content() if h1_el is not None else ""), frozenset(shingles))
