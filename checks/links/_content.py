"""Content-level link verdicts: visible text and ``#fragment`` targets.

* ``visible_text(html)``: the title and the visible body text of a document (soft-404
  verdicts themselves are in ``checks.links._notfound``);
* ``fragment_verdict(fragment, anchors, settings)`` applies the HTML Standard's
  "indicated part of the document": the empty fragment and ``top`` (ASCII
  case-insensitive) always resolve; otherwise an element id or ``a[name]`` equal to the raw
  or the percent-decoded fragment must exist (browsers try both). Client-side routes and
  text fragments (``links.anchors.ignore_prefixes``) are not element ids and get no verdict.
"""

from __future__ import annotations

from urllib.parse import unquote

from checks.links._common import LinkSettings
from crawler.htmldoc import parse_html, visible_text_of


def visible_text(html: str) -> tuple[str, str]:
    """(title, visible body text with whitespace collapsed) of an HTML document
    (``crawler.htmldoc.visible_text_of``; in the page pass, ``Page.visible`` reuses the one parse).

    Hostile or broken markup degrades to "no text" rather than an exception: a page we
    cannot parse is not evidence of a soft 404.
    """
    return visible_text_of(parse_html(html))


def fragment_verdict(fragment: str, anchors: list[str] | frozenset[str], settings: LinkSettings) -> str:
    """"ok", "ignored" (not an element reference) or "missing"."""
    fragment = fragment[1:] if fragment.startswith("#") else fragment
    decoded = unquote(fragment)
    if decoded == "" or decoded.lower() == "top":
        return "ok"
    if any(fragment.startswith(p) for p in settings.anchor_ignore_prefixes):
        return "ignored"
    names = anchors if isinstance(anchors, (set, frozenset)) else set(anchors)
    if fragment in names or decoded in names:
        return "ok"
    if any(unquote(a) == decoded for a in names if "%" in a):
        return "ok"
    return "missing"
