"""Scraped Indonesian news → research-grade event tables."""

__version__ = "0.1.0"
