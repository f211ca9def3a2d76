"""Scrapy settings of the xunjian crawl (``scrapy.cfg`` points here).

These are defaults; the spider overrides the politeness/limit ones from the site profile
in ``PortalSpider.apply_profile_settings`` (concurrency, per-host concurrency, delay,
AutoThrottle, timeout, user agent, robots.txt) and ``-s NAME=VALUE`` beats both.

Design choices worth knowing:

- robots.txt is obeyed by default (``politeness.obey_robots``); a disallowed URL is
  recorded with ``skip_reason="robots"``, never fetched; its ``Crawl-delay`` is honoured.
- Scrapy's own redirect, retry and duplicate-filter behaviour is bypassed per request
  (``dont_redirect``, ``dont_retry``, ``dont_filter``): the spider follows redirects and
  retries itself so every hop and attempt is recorded, and deduplicates on canonical URLs
  (``crawler.urls``) so a redirect loop is detected instead of being silently dropped.
- ``DOWNLOAD_MAXSIZE`` is 0: the size cap (``limits.max_response_mb``) is applied by the
  spider's ``bytes_received`` handler, which keeps what was read (``truncated=1``), and by
  ``CappedDecompressionMiddleware`` to inflated gzip bodies.
- ``DEPTH_LIMIT`` is 0: ``limits.max_depth`` is enforced by the spider (redirect hops and
  HEAD->GET retries are not depth), so a URL beyond it is recorded as ``limit:max-depth``.
- Scrapy's logging is quiet (WARNING) by default; set ``-s LOG_LEVEL=INFO`` to debug.

xunjian settings (all documented where they are used):
``XUNJIAN_MAX_CRAWL_DELAY``, ``XUNJIAN_MAX_RETRY_AFTER_S``, ``XUNJIAN_MAX_RESPONSE_BYTES``
(crawler.middlewares; the last two set from the profile), ``XUNJIAN_PROGRESS``,
``XUNJIAN_PROGRESS_INTERVAL`` (crawler.extensions), ``XUNJIAN_COMMIT_EVERY``, ``XUNJIAN_COMMIT_INTERVAL_S``,
``XUNJIAN_WRITE_BUFFER_BYTES`` (crawler.pipelines),
``XUNJIAN_ALLOW_ADDRESSES``, ``XUNJIAN_DENY_ADDRESSES``, ``XUNJIAN_PORTAL_HOSTS`` (crawler.netguard),
``XUNJIAN_AUTH_USER``, ``XUNJIAN_AUTH_PASSWORD_ENV``, ``XUNJIAN_AUTH_HOSTS`` (crawler.credentials).

Network safety (docs/operations.md): requests to forbidden addresses are refused before
any byte is sent (crawler.netguard); the public suffix list Scrapy's cookie handling needs
is the snapshot bundled with tldextract, never fetched (crawler.credentials).
"""

# lower case: Scrapy takes only upper-case names of this module as settings
from scrapy.settings.default_settings import EXTENSIONS_BASE as _scrapy_extensions_base

BOT_NAME = "xunjian"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- politeness (profile `politeness:` overrides) ------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "xunjian/0.1 (+https://github.com/xunjian; government website inspection)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 20
COOKIES_ENABLED = True

# -- redirects, retries, sizes: done by the spider (see module docstring) ---------------------------
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False      # meta refresh targets are recorded as links instead
RETRY_ENABLED = False
HTTPERROR_ALLOW_ALL = True
DOWNLOAD_MAXSIZE = 0
DOWNLOAD_WARNSIZE = 0
DOWNLOAD_FAIL_ON_DATALOSS = False  # a connection cut mid-body still yields what was read
DEPTH_LIMIT = 0                  # depth is enforced by the spider so skipped URLs are recorded
DEPTH_STATS_VERBOSE = False
REFERER_ENABLED = True

# breadth-first: FIFO queues and the spider's depth-based priorities; crawler.run sets JOBDIR so that
# waiting requests are kept on disk (crawler.frontier: a large site's frontier held in memory grew
# with the site)
SCHEDULER = "crawler.frontier.FrontierScheduler"  # saves no queue state at close: nothing resumes from it
SCHEDULER_DISK_QUEUE = "crawler.frontier.FrontierDiskQueue"
SCHEDULER_START_DISK_QUEUE = "crawler.frontier.FrontierDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
XUNJIAN_FRONTIER_MEMORY_REQUESTS = 4096  # waiting requests held in memory before the rest go to disk

# -- our components ---------------------------------------------------------------------------------
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.StoredReplayMiddleware": 40,         # stored facts replayed: no request at all
    "crawler.netguard.NetworkGuardMiddleware": 50,            # forbidden addresses (SSRF), first of all
    "crawler.credentials.PortalAuthMiddleware": 60,           # profile auth:, only to the portal's hosts
    "crawler.middlewares.HostPacingMiddleware": 110,          # Crawl-delay, Retry-After pauses
    "crawler.middlewares.CappedDecompressionMiddleware": 595,
    # no allowed_domains (scope is the spider's) and no spider http_user (auth is PortalAuthMiddleware)
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
XUNJIAN_ALLOW_ADDRESSES: list[str] = []   # set from network.allow_addresses (crawler.netguard)
XUNJIAN_DENY_ADDRESSES: list[str] = []    # set from network.deny_addresses
XUNJIAN_PORTAL_HOSTS: list[str] = []      # set from the profile's scope hosts
XUNJIAN_MAX_CRAWL_DELAY = 10.0
XUNJIAN_MAX_RETRY_AFTER_S = 30.0  # set from links.max_retry_after_s
# no listening consoles: the telnet console and Scrapy 2.19's remote-control HTTP server (which
# executes posted Python code) have no place in an unattended nightly crawler. They are left out of
# the base list rather than set to None below: Scrapy imports every class named in EXTENSIONS, None or
# not, and the remote control's module imports aiohttp (~0.2 s of CPU in every crawl process)
_consoles = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
EXTENSIONS_BASE = {name: order for name, order in _scrapy_extensions_base.items() if name not in _consoles}
EXTENSIONS = {
    "crawler.extensions.CrawlProgress": 500,
    # Scrapy's own statistics and their periodic log lines: the run's figures are the spider's
    # (PortalSpider.run_stats); these only add a signal receiver to every response and item
    "scrapy.extensions.corestats.CoreStats": None,
    "scrapy.extensions.logstats.LogStats": None,
    "scrapy.extensions.logcount.LogCount": None,
    # spider.state saved in the job directory at close: unused (the directory is the frontier's only,
    # crawler.frontier) and one more write to fail on a full disk
    "scrapy.extensions.spiderstate.SpiderState": None,
}
# Scrapy spider middlewares that do nothing here, yet wrap every output of every callback:
# depth is the spider's (DEPTH_LIMIT 0), every status reaches the spider (HTTPERROR_ALLOW_ALL),
# and the meta-copy detector only warns about a pattern the spider does not use
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# per-request byte counts serialise every request and response once more (~3 % of crawl CPU);
# nothing reads them
DOWNLOADER_STATS = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
XUNJIAN_PROGRESS = True
XUNJIAN_PROGRESS_INTERVAL = 10.0
XUNJIAN_COMMIT_EVERY = 1000
XUNJIAN_COMMIT_INTERVAL_S = 2.0
XUNJIAN_WRITE_BUFFER_BYTES = 1 << 20  # items on their way to the store writer process (crawler.pipelines)

# -- runtime ----------------------------------------------------------------------------------------
# the store pipeline is synchronous: Scrapy's default of 100 item coroutines per response only adds
# scheduling work (bench/README.md: -30 % crawl CPU at 8); one worker task per response is enough,
# since the spider yields one item per page
CONCURRENT_ITEMS = 1
# Scrapy parses the source of every callback to warn about generators returning values; the
# spider's callbacks are covered by the tests, and the parse cost is paid per crawl
WARN_ON_GENERATOR_RETURN_VALUE = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "WARNING"
# the per-response and per-item DEBUG lines are not even made above DEBUG (crawler.logformatter)
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
DNS_TIMEOUT = 10
