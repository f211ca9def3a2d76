"""The browser stage: accessibility (axe-core) and 适老化 probing in headless Chromium.

Entry point: ``run_a11y(store_path, run_id, site, progress=True, reuse=True) -> dict`` (see
``crawler.browser.stage``), called by ``xunjian.runner`` after the crawl when
the profile's ``a11y.enabled`` is true (the default). Its settings (the profile's ``a11y:``
block: schema, defaults, validation) are ``config.a11y``. Modules:

``engine``    the pinned axe-core from node_modules (no fallback), zh_CN locale
``pool``      local Chromium pool or a remote WebDriver, watchdog, no leaked processes
``sampling``  every page (``a11y.scope: all``) or homepage + columns + N pages per DOM template
``scanner``   one page: axe-core, the 适老化 probe (``probe.js``), retry on crash
``stage``     orchestration, incremental cache, ``a11y_results`` rows, coverage stats
"""

from __future__ import annotations

from typing import Any

__all__ = ["StageUnavailable", "run_a11y"]


class StageUnavailable(RuntimeError):
    """The stage cannot run here (no browser, no engine, no usable temporary folder); str() is one
    line naming the cause and the fix, so the run reports it without a traceback."""


def run_a11y(store_path: str, run_id: int, site: Any, *, progress: bool = True,
             reuse: bool = True) -> dict[str, Any]:
    """See ``crawler.browser.stage.run_a11y`` (imported lazily: Selenium is heavy and
    importing the package must stay cheap)."""
    from crawler.browser.stage import run_a11y as _run

    return _run(store_path, run_id, site, progress=progress, reuse=reuse)
