"""Decoding HTML bodies the way a browser would, and counting what could not be decoded.

Order of precedence (WHATWG-like, via w3lib): byte-order mark, then the charset in the
HTTP ``Content-Type`` header, then ``<meta charset>`` / ``http-equiv``, then sniffing.
GB2312 and GBK are decoded as their superset GB18030 (portals declare GB2312 but
use GBK-only characters such as 镕 or 堃). Undeclared bodies are tried as strict UTF-8,
then strict GB18030, then UTF-8 with replacement. Bytes that do not decode become
U+FFFD; their count is returned as ``decode_errors`` so ``page-decode-error`` can
report it. Nothing here raises on hostile input: a binary body "decodes" with many
errors and the page is still recorded.
"""

from __future__ import annotations

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

REPLACEMENT = "\ufffd"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")


def _sniff(body: bytes) -> str | None:
    sample = body[:65536]
    for candidate in ("utf-8", "gb18030"):
        try:
            sample.decode(candidate)
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the sample's end is not a failure
            if candidate == "utf-8" and exc.start >= len(sample) - 3 and len(body) > len(sample):
                return candidate
            continue
        return candidate
    return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, int]:
    """(text, charset used, number of U+FFFD produced by decoding)."""
    try:
        charset, text = html_to_unicode(content_type, body, default_encoding="utf-8", auto_detect_fun=_sniff)
    except (LookupError, ValueError):  # an unknown charset name the codec registry rejects
        charset, text = "utf-8", body.decode("utf-8", "replace")
    errors = text.count(REPLACEMENT)
    if errors and charset in ("utf-8", "utf8"):
        errors -= body.count(REPLACEMENT.encode("utf-8"))  # literal U+FFFD in the source is not an error
    return text, charset, max(errors, 0)


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the server or the page declares (None when neither does)."""
    return http_content_type_encoding(content_type) or html_body_declared_encoding(body[:4096])


def is_html(content_type: str | None, body_head: bytes = b"") -> bool:
    """HTML by media type; an untyped body is HTML when it starts like markup."""
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        return media in _HTML_TYPES
    head = body_head.lstrip()[:256].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title"))
