"""Broken and wrong links (错链、断链): internal, external, anchors, attachments, redirects, soft 404s.

Rule book §2 (国办秘函〔2019〕19号 deductions for 错链/断链 and the 阅办联动 jump links). Judged from
fetch facts only (``NEEDS_CONTENT = False`` in the modules): what the crawler stored about each URL.
Helpers: ``_common`` (site identity, citing pages, settings), ``_content`` (link texts and targets),
``_rules`` (rule declarations shared by modules), ``_notfound`` (soft-404 fingerprints).
"""
