"""Interaction and services (V5 互动回应, V6 服务实用, D2/D3 deductions): messages, guides, statistics.

Reads message lists and detail pages, 办事指南 pages and service statistics the way portals publish
them; rule book §1.2 and §1.3.
"""
