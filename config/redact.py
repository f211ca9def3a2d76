"""Masking of URL credentials in any text: ``http://user:secret@host/`` -> ``http://***@host/``.

Lives in config/ (the bottom layer) because the profile loader masks a refused ``user:pass@``
start URL in its error line, and the crawler, checks and reports mask raw hrefs, link text and
messages the same way (``crawler.urls`` re-exports it). No settings.
"""

from __future__ import annotations

import re

_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s]*)@")


def redact_userinfo(text: str) -> str:
    """``text`` with the userinfo of every URL in it masked (``http://u:secret@h/`` ->
    ``http://***@h/``), for the raw href, link text and messages that are kept verbatim."""
    return _USERINFO_RE.sub(r"\1***@", text) if text and "@" in text else text
