"""Renderers: one module per output format; see reports/__init__.py."""
