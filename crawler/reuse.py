"""The stored form of a page's parse, and when a stored parse may stand for a fresh one.

``doc_to_parse(doc, charset, decode_errors)`` / ``parse_to_doc(parse)`` turn a
``crawler.extract.Document`` into the JSON the store keeps per crawled page (``page_parses``,
``crawler.store.reuse``) and back. ``incremental_key(profile)`` names everything a stored parse
and the page's stored link rows depend on (the parser's output format, the xunjian version, the
pagination container pattern that flags pager links, the session parameters canonical link
targets drop: profile ``traps.session_params``): a run reuses the parses and links of an earlier
run only when the keys match, so an upgrade or a changed profile makes the next run cold by itself.

Importable without Scrapy (the runner and the store use it).
"""

from __future__ import annotations

import hashlib
from typing import Any

from config.redact import redact_userinfo
from crawler.extract import Document, RawLink
from crawler.version import tool_version

# bump when Document/RawLink, the extraction rules or link canonicalisation (crawler.urls) change
# what a parse or a stored link row holds: an unchanged page's links are copied, not re-resolved
PARSE_FORMAT = 2


def incremental_key(profile: Any) -> str:
    parts = [str(PARSE_FORMAT), tool_version(),
             str((profile.get("pagination") or {}).get("container_pattern", "")),
             repr(sorted(str(name) for name in ((profile.get("traps") or {}).get("session_params") or [])))]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def doc_to_parse(doc: Document, charset: str, decode_errors: int) -> dict[str, Any]:
    return {"base_url": doc.base_url, "title": doc.title, "anchors": doc.anchors, "error": doc.error,
            "charset": charset, "decode_errors": decode_errors,
            # masked like the links table: a password a page writes into a link stays out of the store
            "links": [[redact_userinfo(ln.raw), ln.tag, ln.attr, redact_userinfo(ln.text), int(ln.pager),
                       int(ln.stylesheet)] for ln in doc.links]}


def parse_to_doc(parse: dict[str, Any]) -> Document:
    links = [RawLink(raw, tag, attr, text, pager=bool(pager), stylesheet=bool(sheet))
             for raw, tag, attr, text, pager, sheet in parse["links"]]
    return Document(base_url=parse["base_url"], title=parse.get("title"),
                    anchors=list(parse.get("anchors") or []), links=links, error=parse.get("error"))
