"""The public suffix list, offline only (Scrapy's cookie domain checks).

Scrapy's ``CookiesMiddleware`` asks tldextract whether a cookie's ``Domain`` is a public
suffix (``scrapy.downloadermiddlewares.cookies._split_domain``, a module-level
``TLDExtract``). tldextract's default fetches the list from publicsuffix.org on first use
and caches it under ``$HOME/.cache``: a crawl of a cookie-setting portal then talks to the
internet, and with a read-only ``$HOME`` logs a traceback per cookie. A nightly audit must
reach nothing but the portal and give the same answer every night, so:

* ``OFFLINE`` is a ``TLDExtract`` with no list URLs (``suffix_list_urls=()``) and no cache
  (``cache_dir=None``): it reads the snapshot bundled in the tldextract package, nothing else;
* ``use_offline_list()`` puts it in place of Scrapy's instance (called by
  ``crawler.netguard.NetworkGuardMiddleware.from_crawler``, i.e. in every crawl, whichever
  way it is started); it raises if Scrapy no longer has that attribute, so an upgrade that
  moves it fails loudly instead of going online;
* ``OFFLINE_ENV`` (set by ``crawler.run`` for the crawl child) makes any other
  ``TLDExtract`` built in the child offline and cacheless too.
"""

from __future__ import annotations

from tldextract import TLDExtract

OFFLINE = TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                     include_psl_private_domains=True)
OFFLINE_ENV = {"TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "TLDEXTRACT_CACHE": ""}


def use_offline_list() -> None:
    from scrapy.downloadermiddlewares import cookies
    if not hasattr(cookies, "_split_domain"):
        raise RuntimeError("scrapy.downloadermiddlewares.cookies._split_domain is gone: update "
                           "crawler/publicsuffix.py so cookie handling stays offline")
    cookies._split_domain = OFFLINE  # noqa: SLF001 - the only hook Scrapy offers


def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` by the bundled list (``www.example.com.cn`` ->
    ``example.com.cn``, ``a.sh.gov.cn`` -> ``sh.gov.cn``); an IP address or a bare suffix is its own."""
    host = (host or "").lower().strip(".")
    result = OFFLINE(host)
    return result.top_domain_under_public_suffix or host
