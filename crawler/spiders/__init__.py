"""Scrapy spiders of xunjian: ``portal`` (crawler.spiders.portal) and its link handling
(crawler.spiders.linking)."""
