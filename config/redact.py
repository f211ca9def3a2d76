"""Masking of URL credentials in any text: ``http://user:secret@host/`` -> ``http://***@host/``.

Lives in config/ (the bottom layer) because the profile loader masks a refused ``user:pass@``
start URL in its error line, and the crawler, checks and reports mask raw hrefs, link text and
messages the same way (``crawler.urls`` re-exports it). No settings.
"""

from __future__ import annotations

import re

_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s]*)@")
# what every match contains, found with a fast literal search: a page body (redacted before it is
# stored) nearly always has both "@" (a mailto:) and "://", rarely a URL with userinfo
_USERINFO_HINT_RE = re.compile(r"://[^/?#\s]*@")


def redact_userinfo(text: str) -> str:
    """``text`` with the userinfo of every URL in it masked (``http://u:secret@h/`` ->
    ``http://***@h/``), for the raw href, link text and messages that are kept verbatim."""
    if not text or "@" not in text or not _USERINFO_HINT_RE.search(text):
        return text
    return _USERINFO_RE.sub(r"\1***@", text)
