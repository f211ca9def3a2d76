"""xunjian: nightly compliance crawler and quality auditor for Chinese government portals."""
__version__ = "0.1.0"
