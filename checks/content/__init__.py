"""Content safety: personal data in pages and attachments, hidden and hijacked links, mixed content.

What the pages and attachments *say*, which a link checker never reads; rule book §6 (privacy) and
the 网站安全 items of 国办秘函〔2019〕19号.
"""
