"""Scraped Indonesian news → research-grade event tables."""

import logging

__version__ = "0.1.0"

# The command line sends these logs to OUT/run.log; a program that imports the pipeline decides for itself.
logging.getLogger(__name__).addHandler(logging.NullHandler())
