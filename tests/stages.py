"""The first article stages by hand, as pipeline/run.py runs them, for tests that start from a page."""
from __future__ import annotations

from pipeline.annotate import clean, metadata
from pipeline.compiled import Compiled
from pipeline.record import Article, Page


def cleaned(page: Page, compiled: Compiled) -> Article:
    """The page cleaned and its metadata read: an article ready for NER."""
    return metadata.add_metadata(clean.clean(page, compiled.profiles, compiled.repairs), compiled.metadata)
