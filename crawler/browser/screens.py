"""截图取证: the browser stage's page screenshots (settings ``a11y.screenshots``, ``screenshots_max``).

While a page is open for its accessibility scan, ``ShotPlan.reasons`` says whether to photograph
it: ``a11y`` when axe-core found violations, ``broken-link`` when the page cites a target the
crawl found broken (``Store.broken_link_citers``; those links are outlined in red and the first
is scrolled into view). Pages outside the scan sample are not loaded just for a picture. The
image is a JPEG thumbnail of the viewport at ``SCALE``, taken with the DevTools protocol
(``Page.captureScreenshot``); a WebDriver endpoint without it gives a full-size PNG instead.
The stage stores each image once (``Store.put_screenshot``, keyed by its hash).
"""

from __future__ import annotations

import base64
import threading
from typing import Any

SCALE = 0.5
JPEG_QUALITY = 60
OUTLINE_JS = """
const targets = new Set(arguments[0]);
let first = null;
for (const a of document.querySelectorAll('a[href], area[href]')) {
  const href = a.href.split('#')[0];
  if (targets.has(href) || targets.has(a.href)) {
    a.style.outline = '3px solid #d00000';
    a.style.outlineOffset = '2px';
    first = first || a;
  }
}
if (first) first.scrollIntoView({block: 'center'});
return [window.scrollX, window.scrollY, window.innerWidth, window.innerHeight];
"""
VIEWPORT_JS = "return [window.scrollX, window.scrollY, window.innerWidth, window.innerHeight];"


class ShotPlan:
    """Which scanned pages to photograph, shared by the stage's browser threads."""

    def __init__(self, limit: int, citers: dict[str, list[str]]) -> None:
        self.limit = limit
        self.citers = citers
        self.taken = 0
        self.skipped = 0  # wanted but over the limit
        self._lock = threading.Lock()

    def carry(self, store: Any, from_run: int, to_run: int, url: str) -> None:
        """A page whose result is reused keeps the screenshot(s) of the run it is reused from;
        they count toward the limit like a new one."""
        with self._lock:
            if self.taken >= self.limit:
                if store.has_page_screenshots(from_run, url):
                    self.skipped += 1
                return
            if store.carry_page_screenshots(from_run, to_run, url):
                self.taken += 1

    def reasons(self, url: str, violations: bool) -> list[str]:
        wanted = (["a11y"] if violations else []) + (["broken-link"] if url in self.citers else [])
        if not wanted:
            return []
        with self._lock:
            if self.taken >= self.limit:
                self.skipped += 1
                return []
            self.taken += 1
        return wanted


def capture(driver: Any, targets: list[str]) -> dict[str, Any]:
    """A thumbnail of the viewport (broken links outlined): mime, base64 data, width, height."""
    x, y, width, height = driver.execute_script(OUTLINE_JS if targets else VIEWPORT_JS, targets)
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "jpeg", "quality": JPEG_QUALITY,
            "clip": {"x": x, "y": y, "width": width, "height": height, "scale": SCALE}})
        return {"mime": "image/jpeg", "data": shot["data"], "width": int(width * SCALE),
                "height": int(height * SCALE)}
    except Exception:  # noqa: BLE001 - a remote endpoint without DevTools: a plain screenshot
        data = driver.get_screenshot_as_base64()
        return {"mime": "image/png", "data": data, "width": int(width), "height": int(height)}


def decode(shot: dict[str, Any]) -> bytes:
    return base64.b64decode(shot["data"])
