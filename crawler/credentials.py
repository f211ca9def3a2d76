"""Portal credentials and keeping secrets out of the crawl's output.

``PortalAuthMiddleware`` (downloader middleware at 60, ``crawler.settings``) sends HTTP
basic auth for the profile's ``auth:`` block::

    auth: {username: inspector, password_env: XUNJIAN_PORTAL_PASSWORD, hosts: [www.example.gov.cn]}

Settings (set by the spider from the profile): ``XUNJIAN_AUTH_USER``,
``XUNJIAN_AUTH_PASSWORD_ENV`` (the NAME of the environment variable; the password itself is
read from the environment when the crawl starts and is never put into settings, which
Scrapy may log) and ``XUNJIAN_AUTH_HOSTS`` (host or host:port as in ``scope.hosts``;
default: the portal's scope hosts). The header goes only to requests whose host is one of
those, so a link or a redirect to another host never receives it. A missing variable stops
the crawl before it starts with a one-line error and exit 2 (``crawler.arguments``),
instead of crawling a login wall all night.

``install_log_redaction()`` adds a filter to every root log handler that masks the
userinfo of any URL in a log record (message, arguments and traceback), so a password
written into a link or a ``Location`` header cannot reach stderr through Scrapy's or
Twisted's logging. URLs themselves are stripped of userinfo before they are requested or
stored (``crawler.urls.canonicalize`` / ``strip_userinfo``).
"""

from __future__ import annotations

import logging
import os

from scrapy.exceptions import NotConfigured
from w3lib.http import basic_auth_header

from crawler.urls import host_key, normalise_host_entry, redact_userinfo


class PortalAuthMiddleware:
    def __init__(self, header: bytes | None, hosts: frozenset[str]):
        self.header = header
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        user = settings.get("XUNJIAN_AUTH_USER") or ""
        variable = settings.get("XUNJIAN_AUTH_PASSWORD_ENV") or ""
        if not user:
            return cls(None, frozenset())
        password = os.environ.get(variable)
        if password is None:  # crawler.arguments refuses this before Scrapy starts; never guess
            raise NotConfigured(f"auth.password_env: environment variable {variable} is not set")
        hosts = frozenset(normalise_host_entry(h) for h in settings.getlist("XUNJIAN_AUTH_HOSTS"))
        return cls(basic_auth_header(user, password), hosts)

    def process_request(self, request):
        if self.header is not None and b"Authorization" not in request.headers \
                and host_key(request.url) in self.hosts:
            request.headers[b"Authorization"] = self.header
        return None


class RedactingFilter(logging.Filter):
    """Masks URL userinfo in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the logging module's problem
            return True
        record.msg, record.args = redact_userinfo(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_userinfo(record.exc_text)
        return True


def install_log_redaction() -> None:
    """Idempotent: one ``RedactingFilter`` on every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
