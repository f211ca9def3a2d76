"""Government information disclosure (政府信息公开): columns, freshness, document metadata, validity.

Mandatory and blank columns by profile or discovery, stale columns and homepage blocks against the
national update thresholds, 行政规范性文件 validity marks, required document metadata by item kind,
site identity, the 公开指南 and the annual report. Rule book §1 and §3.
"""
