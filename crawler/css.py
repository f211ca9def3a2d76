"""URLs a browser fetches because of CSS: ``url(...)`` values and ``@import`` rules.

Used for ``<style>`` blocks and ``style="..."`` attributes of HTML pages (relative to the
page's base URL) and for stylesheets the spider fetches (relative to the stylesheet's own
URL, as CSS specifies). Comments and ``url(#id)`` references to the document's own elements
are ignored; ``data:`` URIs are returned like any other
value (the spider records and skips them by scheme). Bounded: at most ``MAX_URLS`` URLs per
text, so a hostile stylesheet cannot flood the link table.
"""

from __future__ import annotations

import re

MAX_URLS = 2000
_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.S)
# url( "a.png" ) / url('a.png') / url(a.png); CSS escapes are rare in portal CSS and kept raw
_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s][^)\s]*))\s*\)""", re.I)
_IMPORT_RE = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_urls(text: str) -> list[tuple[str, str]]:
    """(url, how) pairs in document order; ``how`` is ``import`` for ``@import`` (the target is
    itself a stylesheet) and ``url`` for every other ``url(...)`` value."""
    if not text or ("url(" not in text.lower() and "@import" not in text.lower()):
        return []
    text = _COMMENT_RE.sub(" ", text)
    found: list[tuple[int, str, str]] = []
    for match in _IMPORT_RE.finditer(text):
        value = match.group(1) if match.group(1) is not None else match.group(2)
        found.append((match.start(), value, "import"))
    for match in _URL_RE.finditer(text):
        value = next(g for g in match.groups() if g is not None)
        before = text[max(0, match.start() - 40):match.start()]
        how = "import" if re.search(r"@import\s*$", before, re.I) else "url"
        found.append((match.start(), value.strip(), how))
    found.sort(key=lambda item: item[0])
    # url(#id) names an element of the document itself (SVG filters, IE's url(#default#VML)
    # behaviours): nothing is fetched, so it is no link
    return [(url, how) for _, url, how in found if url and not url.startswith("#")][:MAX_URLS]
