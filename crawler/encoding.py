"""Decoding HTML bodies the way a browser would, and counting what could not be decoded.

Order of precedence (WHATWG-like, via w3lib): byte-order mark, then the charset in the
HTTP ``Content-Type`` header, then ``<meta charset>`` / ``http-equiv``, then sniffing.
GB2312 and GBK are decoded as their superset GB18030 (portals declare GB2312 but
use GBK-only characters such as 镕 or 堃). Undeclared bodies are tried as strict UTF-8,
then strict GB18030, then UTF-8 with replacement. Bytes that do not decode become
U+FFFD; their count is returned as ``decode_errors`` so ``page-decode-error`` can
report it; a body cut at the size cap loses its split last character silently (the cut is
``page-too-large``'s finding, not a decoding error). Nothing here raises on hostile input:
a binary body "decodes" with many errors and the page is still recorded.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

REPLACEMENT = "\ufffd"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")


def _sniff(body: bytes) -> str | None:
    sample = body[:65536]
    for candidate in ("utf-8", "gb18030"):
        try:
            if len(body) > len(sample):
                # a multi-byte character cut at the sample's end is not a failure: the
                # incremental decoder keeps an incomplete tail instead of rejecting it
                codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
            else:
                sample.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    return None


def _decode_cut(body: bytes, charset: str) -> str | None:
    """Decode a body cut at the size cap: a multi-byte character (UTF-8, GBK/GB18030) split by
    the cut is dropped, not counted as an error. None when ``charset`` is not a codec."""
    try:
        decoder = codecs.getincrementaldecoder(charset)("replace")
    except LookupError:
        return None
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if body.startswith(bom) and charset.lower().replace("_", "-").startswith(("utf-8", "utf8", "utf-16")):
            body = body[len(bom):]
            break
    return decoder.decode(body, final=False)


def decode_html(body: bytes, content_type: str | None, truncated: bool = False) -> tuple[str, str, int]:
    """(text, charset used, number of U+FFFD produced by decoding). ``truncated``: the body was
    cut at ``limits.max_response_mb``, so an incomplete character at its very end is no error."""
    try:
        charset, text = html_to_unicode(content_type, body, default_encoding="utf-8", auto_detect_fun=_sniff)
    except (LookupError, ValueError):  # an unknown charset name the codec registry rejects
        charset, text = "utf-8", body.decode("utf-8", "replace")
    if truncated:
        text = _decode_cut(body, charset) or text
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


_CSS_CHARSET_RE = re.compile(rb'^@charset\s+"([A-Za-z0-9_\-]{1,40})"\s*;')


def decode_css(body: bytes, content_type: str | None) -> str:
    """Text of a stylesheet: BOM, then the HTTP charset, then ``@charset``, then UTF-8 (CSS
    Syntax 3); undecodable bytes become U+FFFD (only URLs are read from it)."""
    charset = http_content_type_encoding(content_type)
    match = _CSS_CHARSET_RE.match(body)
    if body.startswith(codecs.BOM_UTF8):
        charset, body = "utf-8", body[3:]
    elif charset is None and match:
        charset = match.group(1).decode("ascii")
    try:
        return body.decode(charset or "utf-8", "replace")
    except LookupError:
        return body.decode("utf-8", "replace")
