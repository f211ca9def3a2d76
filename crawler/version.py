"""The tool's version, read from the installed distribution's metadata (pyproject.toml is the one source).

Lives at the crawler layer so the store, the checks' run manifest and the reports can name the
version without importing the ``xunjian`` CLI package above them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    try:
        return version("xunjian")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
