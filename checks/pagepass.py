"""The page pass: every stored page body is read and parsed once per checks run.

Several check modules read every page (hidden links, mixed content, wording, privacy, the
static accessibility rules, viewport zoom) and the disclosure modules share one compact
``PageView`` per page (``checks._columns.site_facts``). Each of them walking
``Store.pages_with_bodies`` on its own decompressed and parsed every body once per module
(seven times a page). ``run_checks`` instead makes ONE streaming pass over the run's pages
before the modules run: each page is read once, wrapped in a ``Page`` (its tree parsed on first
use, its visible text extracted on first use) and handed to the ``scan(ctx, page)`` hook of
every active module that defines one, then to the site-facts view builder; the page is
dropped before the next one is read, so memory stays flat however large the portal is.

A module's ``scan`` returns (or yields) that page's findings, or accumulates what its ``run``
needs in ``ctx.memo(...)``; the registry then runs the module's ``run(ctx)`` as usual and
treats the scanned findings as if ``run`` had yielded them first, so folding, disabled rules
and crash containment are unchanged. The tree is shared: a ``scan`` must not modify it.

Scanning during the crawl (``checks.livepass``): in a single-process ``xunjian run`` the pages are
scanned while the crawl is still writing them, by the modules that declare ``SCAN_DURING_CRAWL =
True`` and by the site-facts view builder; the other modules scan after the crawl, here. A module
may declare it only when its ``scan`` (and every memo or setting it reads) depends on nothing but
the page, the profile and thresholds and ``ctx.today``: never on ``ctx.store`` (link verdicts, the
homepage row, other pages, attachment texts, browser results: the crawl is still writing them),
``ctx.note``/``not_judged``/``consider``, nor on the order pages come in (what it keeps in a memo
is a set, or is put in URL order by ``run``). A module whose safety depends on the run's settings
defines ``scan_during_crawl(ctx, browser_stage) -> bool`` instead. Opted in: links, mixed_content,
hidden_links, wording, privacy, privacy_penalty, elder, services, interaction; static_a11y only when
it skips no page for the browser stage (``a11y.static.skip_browser_scanned`` off, or no browser
stage in the run: ``--no-browser``, ``a11y.enabled: false``), since the skip list is the browser
stage's results.

Setting: ``checks.live_page_pass`` in the profile (default true); which modules take part follows
``checks.disable`` and ``--only``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType
from typing import Any

from crawler.htmldoc import parse_html, visible_text_of
from crawler.store import Finding, StoreError

log = logging.getLogger(__name__)


@dataclass
class Page:
    """One stored in-scope page of the run (``kind='page'``): its resource row and body text."""

    row: dict[str, Any]
    html: str

    @property
    def url(self) -> str:
        return self.row["url"]

    @property
    def ok(self) -> bool:
        """A 2xx answer (the pages content rules read)."""
        status = self.row.get("status")
        return isinstance(status, int) and 200 <= status < 300

    @cached_property
    def tree(self) -> Any | None:
        """The page's lxml tree (``crawler.htmldoc.parse_html``), parsed on first use; shared by every
        module scanning this page, so read it, never modify it. None when it cannot be parsed."""
        return parse_html(self.html)

    @cached_property
    def visible(self) -> tuple[str, str]:
        """(title, visible body text with whitespace collapsed), as ``checks.links._content.visible_text``."""
        return visible_text_of(self.tree)


# A builder is a shared helper's per-page collector (``checks._columns.view_builder``: the
# site-facts views), called with each page after the modules' scans, because it may reshape the
# tree (a PageView blanks script text), and with None when the pass is over.
Builder = Callable[[Any, "Page | None"], None]


@dataclass
class PassResult:
    findings: dict[str, list[Finding]] = field(default_factory=dict)   # module name -> scanned findings
    errors: dict[str, Exception] = field(default_factory=dict)         # module name -> what its scan raised
    pages: int = 0


def run_page_pass(ctx: Any, modules: dict[str, ModuleType],
                  builders: list[Builder]) -> PassResult:
    """Stream the run's pages once through the ``scan`` hooks of ``modules`` (name -> module) and
    then through ``builders``. A module whose scan raises is not called again; its error is kept
    for the registry (the module is recorded as crashed, like a crash in ``run``). A store error
    is not a module's fault: it propagates."""
    result = PassResult(findings={name: [] for name in modules})
    live = dict(modules)
    for row, html in ctx.store.pages_with_bodies(ctx.run_id):
        page = Page(row, html)
        result.pages += 1
        for name, mod in list(live.items()):
            try:
                found = mod.scan(ctx, page)
                if found is not None:
                    result.findings[name].extend(found)
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001 - contained like a crash in run (checks.registry)
                log.exception("check module %s failed while scanning %s", name, page.url)
                result.errors[name] = exc
                result.findings[name] = []
                del live[name]
        for build in builders:
            build(ctx, page)
    for build in builders:
        build(ctx, None)  # the pass is over: what the builders hold is complete
    return result
