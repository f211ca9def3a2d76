"""Crawl quality and coverage: what the crawl could not see, and limits that stopped it.

A run that lost coverage says so (``crawl-coverage-lost``) and never passes the gate; pages too large,
traps and robots exclusions are facts the webmaster should know about.
"""
