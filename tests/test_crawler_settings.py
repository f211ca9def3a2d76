"""crawler/settings.py: the crawl runs no listening console, and leaving them out costs no import.

Scrapy's telnet console and its remote-control HTTP server (which executes posted Python code) must
never run in the nightly crawler. They are left out of the base extension list (not set to None,
which still makes Scrapy import the class, and the remote control's module imports aiohttp), so
computing the crawl's extensions imports neither.
"""

from __future__ import annotations

import subprocess
import sys

from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list

from crawler.run import REPO_ROOT

CONSOLES = {"scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl"}


def _crawl_extensions() -> list[str]:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return [e if isinstance(e, str) else f"{e.__module__}.{e.__name__}"
            for e in build_component_list(settings.get_component_priority_dict_with_base("EXTENSIONS"))]


def test_no_console_among_the_crawls_extensions_and_the_progress_line_is():
    extensions = _crawl_extensions()
    assert not CONSOLES & set(extensions), extensions
    assert "crawler.extensions.CrawlProgress" in extensions
    assert "scrapy.extensions.throttle.AutoThrottle" in extensions  # Scrapy's other base extensions stay


def test_the_crawls_extension_list_imports_no_console_module():
    modules = ("aiohttp", "scrapy.extensions.remote_control", "scrapy.extensions.telnet")
    code = ("import sys\nfrom tests.test_crawler_settings import _crawl_extensions\n_crawl_extensions()\n"
            f"print(sorted(m for m in {modules!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
