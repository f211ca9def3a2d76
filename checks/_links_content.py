"""Content-level link verdicts: soft-404 pages and ``#fragment`` targets.

* ``soft404_match(title, html, settings)`` says whether a 200 HTML page is really a
  "not found" page, judged by the profile's ``soft404.patterns`` (case-insensitive
  substrings) and ``soft404.max_text_chars``, plus ``soft404.title_match_any_length`` and
  ``soft404.title_slack_chars`` from config/rules.yaml. A title that *is* a signature
  ("404 Not Found - 某局") counts on any page; a signature anywhere else in the title or in
  the visible text counts only when the page is short, so an ordinary article that mentions
  "404" or "页面不存在" (even in its title) in a long text is never flagged.
* ``fragment_verdict(fragment, anchors, settings)`` applies the HTML Standard's
  "indicated part of the document": the empty fragment and ``top`` (ASCII
  case-insensitive) always resolve; otherwise an element id or ``a[name]`` equal to the raw
  or the percent-decoded fragment must exist (browsers try both). Client-side routes and
  text fragments (``links.anchors.ignore_prefixes``) are not element ids and get no verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html
from lxml import etree

from checks._links_common import LinkSettings

_WHITESPACE = re.compile(r"\s+")
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|｜·]\s+|\s*[_｜|–—]\s*")
_XML_DECLARATION = re.compile(r"^\s*(?:\ufeff)?\s*<\?xml[^>]*\?>", re.I)
_INVISIBLE = ("script", "style", "noscript", "template", "head")


def visible_text(html: str) -> tuple[str, str]:
    """(title, visible body text with whitespace collapsed) of an HTML document.

    Hostile or broken markup degrades to "no text" rather than an exception: a page we
    cannot parse is not evidence of a soft 404.
    """
    if not html or not html.strip():
        return "", ""
    # lxml refuses str input that carries an encoding declaration; old CMS XHTML often does
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", ""
    title_el = root.find(".//title")
    title = _WHITESPACE.sub(" ", title_el.text_content()).strip() if title_el is not None else ""
    etree.strip_elements(root, *_INVISIBLE, etree.Comment, with_tail=False)
    text = _WHITESPACE.sub(" ", root.text_content()).strip()
    return title, text


@dataclass(frozen=True)
class Soft404Match:
    pattern: str
    where: str  # "title" | "text"
    title: str
    text_chars: int
    excerpt: str


def soft404_match(stored_title: str | None, html: str, settings: LinkSettings) -> Soft404Match | None:
    if not settings.soft404_patterns:
        return None
    lowered = html.lower()
    stored = (stored_title or "").lower()
    # Cheap pre-filter: most pages contain no signature at all and need no parsing.
    if not any(p in lowered or p in stored for p in settings.soft404_patterns):
        return None
    title, text = visible_text(html)
    title = title or (stored_title or "")
    title_l, text_l = title.lower(), text.lower()
    short = len(text) <= settings.soft404_max_text_chars
    for pattern in settings.soft404_patterns:
        if pattern in title_l and (short or _title_is_signature(title_l, pattern, settings)):
            return Soft404Match(pattern, "title", title, len(text), _excerpt(text, text_l.find(pattern)))
    if short:
        for pattern in settings.soft404_patterns:
            at = text_l.find(pattern)
            if at >= 0:
                return Soft404Match(pattern, "text", title, len(text), _excerpt(text, at))
    return None


def _title_is_signature(title: str, pattern: str, settings: LinkSettings) -> bool:
    if not settings.soft404_title_match_any_length:
        return False
    lead = _TITLE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    return pattern in lead and len(lead) <= len(pattern) + settings.soft404_title_slack_chars


def _excerpt(text: str, at: int, width: int = 60) -> str:
    if at < 0:
        return text[:width * 2]
    return text[max(0, at - width):at + width]


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
