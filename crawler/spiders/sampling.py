"""Samples of external link targets: the title and a capped text sample of off-site pages.

An outbound link whose domain expired or was taken over keeps answering 200, so a status check
passes it; what it now *says* (a casino, a "domain for sale" page) is what checks/
hijacked_links.py judges. After the HEAD check of an off-site target answers 2xx with an HTML
content type, ``queue_sample`` remembers it; when the crawl is otherwise done (spider idle)
``sample_requests`` issues one GET per remembered target of the URL the check landed on (no
redirects followed: the check already recorded them; a target already fetched with its body for
a ``#fragment`` citation is not fetched again), reading at most
``links.external_sample_bytes``; ``sample_item`` keeps only its ``<title>`` and the first
``links.external_sample_chars`` characters of its visible text (``Store.put_external_sample``).
At most ``links.external_sample_max`` targets are sampled per run (the rest are not judged;
the run stats count them as ``external_samples_skipped``). ``links.sample_external: false``
switches sampling off. A failed sample is no fact (the link check recorded the target).
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from crawler.encoding import decode_html, is_html
from crawler.facts import PURPOSE_CHECK, FetchState

PURPOSE_SAMPLE = "sample"  # GET of an off-site HTML target (capped): title and a text sample kept
_INVISIBLE = ("script", "style", "noscript", "template")
_SPACE = re.compile(r"\s+")


class SamplingMixin:
    """Needs ``make_request``, ``body_upgrades`` and the profile; see the module docstring."""

    def init_sampling(self, profile: dict[str, Any]) -> None:
        links = profile["links"]
        self.sample_external = bool(links["sample_external"])
        self.sample_bytes = int(links["external_sample_bytes"])
        self.sample_chars = int(links["external_sample_chars"])
        self.sample_max = int(links["external_sample_max"])
        self.samples_scheduled = 0
        self.samples_skipped = 0
        self._sample_queue: dict[str, tuple[str, int, str]] = {}
        self._samples_issued = False

    def queue_sample(self, state: FetchState, row: dict[str, Any]) -> None:
        """Remember a recorded check of an off-site target that answered 2xx HTML."""
        status = row.get("status")
        if (not self.sample_external or state.in_scope or state.purpose != PURPOSE_CHECK or state.reverify
                or state.sample_reused
                or not isinstance(status, int) or not 200 <= status < 300
                or not is_html(row.get("content_type") or "")):
            return
        self._sample_queue.setdefault(state.url, (state.kind, state.depth, row.get("final_url") or state.url))

    def sample_requests(self) -> list:
        """The sampling GETs, once, when the crawl is otherwise done (``on_idle``): by then every target
        fetched with its body for a #fragment citation is known and is not fetched again."""
        if self._samples_issued:
            return []
        self._samples_issued = True
        out = []
        for url, (kind, depth, landed) in self._sample_queue.items():
            if url in self.body_upgrades:  # type: ignore[attr-defined]
                continue  # fetched with its body already: its title is in resources
            if len(out) >= self.sample_max:
                self.samples_skipped += 1
                continue
            sample = FetchState(url, kind, False, depth, PURPOSE_SAMPLE, referrer=landed)
            out.append(self.make_request(sample, landed))  # type: ignore[attr-defined]
        self.samples_scheduled = len(out)
        return out

    def sample_item(self, state: FetchState, response) -> dict[str, Any]:
        body = response.body[: self.sample_bytes]
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        cut = len(response.body) >= self.sample_bytes  # a cut may split the last character
        text, _charset, _errors = decode_html(body, content_type, truncated=cut)
        title, visible = page_text(text)
        return {"_table": "external_sample", "url": state.url, "final_url": state.referrer,
                "status": response.status, "title": title[:300], "text": visible[: self.sample_chars]}


def page_text(html: str) -> tuple[str, str]:
    """(title, visible text with whitespace collapsed) of an HTML document; ("", "") when unparsable."""
    if not html.strip():
        return "", ""
    try:
        root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    except (etree.ParserError, ValueError):
        return "", ""
    title_el = root.find(".//title")
    title = _SPACE.sub(" ", title_el.text_content()).strip() if title_el is not None else ""
    etree.strip_elements(root, *_INVISIBLE, etree.Comment, with_tail=False)
    return title, _SPACE.sub(" ", root.text_content()).strip()
