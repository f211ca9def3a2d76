"""xunjian: nightly compliance crawler and quality auditor for Chinese government portals."""

from crawler.version import tool_version

__version__ = tool_version()
