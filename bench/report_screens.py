"""Screenshots of the HTML report in its three views: desktop 1440 px, phone 390 px, A4 PDF.

Usage (from the repository root)::

    .venv/bin/python bench/report_screens.py                     # audit the demo portal twice, shoot
    .venv/bin/python bench/report_screens.py --db x.sqlite       # the latest run of an existing store
    .venv/bin/python bench/report_screens.py --html report.html  # an already rendered report

Without ``--db`` / ``--html`` it runs ``xunjian demo`` twice (two "today"s a day apart, so
the report has a previous run: new / fixed / persisting, trends) into a temporary store.
Then, in Debian's headless Chromium (Selenium + chromedriver, as tests/test_reports_browser.py),
for each view (``#v=rule``, ``#v=page``, ``#v=owner``) it writes to ``--out``
(default bench/out/report-screens/):

- ``<view>-desktop.png``: 1440 px wide, the first ``--max-height`` pixels of the page;
- ``<view>-phone.png``: 390 px wide, mobile emulation, device scale 2;
- ``<view>.pdf``: Chrome's DevTools ``Page.printToPDF``, A4, as an office would print it;
- ``<view>-print.png``: the print layout on screen (print media, 794 px = A4 at 96 dpi, the
  page's ``beforeprint`` handler run), for looking at the PDF without a PDF rasteriser.

It prints each file and the PDF's page count. Nothing is asserted: a person looks at them.
"""

from __future__ import annotations

import argparse
import base64
import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
VIEWS = ("rule", "page", "owner")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


def chromium(width: int = 1440, height: int = 900, profile: str | None = None):
    """A headless Debian Chromium driven by chromedriver (no network beyond loopback is used)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = profile or tempfile.mkdtemp(prefix="report-screens-profile-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def demo_store(work: Path) -> Path:
    """Two audits of the bundled demo portal, a day apart, into one store."""
    db = work / "demo.sqlite"
    for today in ("2026-11-21", "2026-11-22"):
        subprocess.run([str(ROOT / ".venv" / "bin" / "xunjian"), "demo", "--db", str(db),
                        "--out", str(work / "out"), "--today", today, "--quiet", "--format", "json"],
                       check=True, cwd=ROOT)
    return db


def render_latest(db: Path, out: Path, lang: str) -> Path:
    import reports
    from crawler.store import Store

    store = Store(db)
    try:
        run_id = store.db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        return reports.render(store, run_id, out, lang=lang, formats=("html",))["html"]
    finally:
        store.close()


def shoot(drv, path: Path, metrics: dict, max_height: int) -> None:
    """A PNG of the page's first ``max_height`` CSS pixels at the given device metrics."""
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    height = drv.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(height, max_height)})
    shot = drv.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    path.write_bytes(base64.b64decode(shot["data"]))
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_view(drv, html: Path, view: str) -> None:
    drv.get("about:blank")
    drv.get(f"{html.as_uri()}#v={view}")
    drv.execute_script("window.scrollTo(0, 0)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", type=Path,
                        help="store whose latest run to render (default: audit the demo twice)")
    parser.add_argument("--html", type=Path, help="an already rendered report.html")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "report-screens")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--max-height", type=int, default=5000, help="CSS pixels of each page shot")
    args = parser.parse_args()
    import pypdf

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-screens-") as tmp:
        html = args.html
        if html is None:
            db = args.db or demo_store(Path(tmp))
            html = render_latest(db, args.out / "report", args.lang)
        html = html.resolve()
        print(f"report: {html} ({html.stat().st_size / 1024:.0f} KB)")
        drv = chromium(profile=str(Path(tmp) / "profile"))
        try:
            for view in VIEWS:
                open_view(drv, html, view)
                desktop = {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False}
                shoot(drv, args.out / f"{view}-desktop.png", desktop, args.max_height)
                open_view(drv, html, view)
                shoot(drv, args.out / f"{view}-phone.png", PHONE, args.max_height)
                open_view(drv, html, view)
                pdf = base64.b64decode(drv.execute_cdp_cmd("Page.printToPDF", {
                    "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True,
                    "preferCSSPageSize": True})["data"])
                (args.out / f"{view}.pdf").write_bytes(pdf)
                open_view(drv, html, view)
                drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
                drv.execute_script("window.dispatchEvent(new Event('beforeprint'))")
                a4 = {"width": 794, "height": 1123, "deviceScaleFactor": 1, "mobile": False}
                shoot(drv, args.out / f"{view}-print.png", a4, args.max_height)
                drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
                pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
                print(f"{view:6s} {view}-desktop.png, {view}-phone.png, {view}-print.png, {view}.pdf"
                      f" ({pages} A4 pages)"
                      f" in {args.out}")
        finally:
            drv.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
