"""Run settings: what changes the stages' output (``Settings``, passed down to every stage), how a run is carried
out (``RunOptions``: engine, workers, cache) and how its tables are written (``OutputOptions``)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
MODEL_DIR_ENV = "IDNEWS_MODEL_DIR"      # a model folder elsewhere (--model-dir wins over it)
CHUNK_SIZE = 32   # articles per task: NER tags their sentences together, and each finished task is cached at once


@dataclass(frozen=True)
class Settings:
    # Inputs larger than this are reported as "too-large" instead of read: a 50 MB dump is never a single
    # news article, and decoding it would dominate memory on a 2-core, many-worker run.
    max_input_bytes: int = 10 * 1024 * 1024
    model_dir: Path = field(default_factory=lambda: default_model_dir())
    use_ner: bool = True
    # Read files and folders that symbolic links in the input folder point to outside it (pipeline/ingest/walk.py).
    follow_links: bool = False


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1                    # processes (local engine); 1 runs in this process
    engine: str = "local"               # "local" | "dask"
    scheduler: str | None = None        # Dask scheduler address; None starts a LocalCluster
    cache_dir: Path | None = None       # None: nothing cached
    output_dir: Path | None = None      # never read as input, nor is the cache folder (see pipeline/ingest/walk.py)
    rerun: frozenset[str] = frozenset() # stages whose cache entries are ignored (recomputed)
    chunk_size: int = CHUNK_SIZE
    progress: bool = False              # progress bar (only drawn on a terminal)
    parts_url: str | None = None        # where workers write table parts (fsspec URL); None: OUT/.parts


@dataclass(frozen=True)
class OutputOptions:
    csv_bom: bool = False               # CSV files start with a UTF-8 byte-order mark (for Excel)
    partition_by_year: bool = False     # also OUT/by_year/TABLE/year=YYYY/part-0.parquet


def default_model_dir() -> Path:
    """Where the NER model is when --model-dir does not say: $IDNEWS_MODEL_DIR; else models/ner of a source
    checkout; else the copy an installed wheel carries (package data ``pipeline.models``: models/ mapped into
    the package by pyproject.toml)."""
    if os.environ.get(MODEL_DIR_ENV):
        return Path(os.environ[MODEL_DIR_ENV])
    checkout = REPO_DIR / "models" / "ner"
    if checkout.is_dir():
        return checkout
    try:
        return Path(str(resources.files("pipeline.models") / "ner"))
    except ModuleNotFoundError:          # neither: the run says which files it misses, and where it looked
        return checkout
