"""Shared fixtures: knowledge loaded and compiled once per session; corpus pages by file name."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.record import Page

REPO_DIR = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_DIR / "corpus"


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()


@pytest.fixture(scope="session")
def compiled(knowledge):
    return compile_knowledge(knowledge)


@pytest.fixture(scope="session")
def corpus_pages(compiled) -> dict[str, Page]:
    """Every page ingest reads from corpus/, by source_path (problems are left out)."""
    from pipeline.ingest import pages as ingest
    from pipeline.settings import Settings

    pages = ingest.iter_pages(CORPUS_DIR, Settings(), compiled.pages)
    return {p.source_path: p for p in pages if isinstance(p, Page)}
