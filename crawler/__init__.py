"""Scrapy project: spiders, items, middlewares, pipelines and settings that turn a portal into facts."""
