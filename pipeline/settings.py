"""Run settings: what changes the stages' output (``Settings``, passed down to every stage), how a run is carried
out (``RunOptions``: engine, workers, cache) and how its tables are written (``OutputOptions``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CHUNK_SIZE = 32   # articles per task: NER tags their sentences together, and each finished task is cached at once


@dataclass(frozen=True)
class Settings:
    # Inputs larger than this are reported as "too-large" instead of read: a 50 MB dump is never a single
    # news article, and decoding it would dominate memory on a 2-core, many-worker run.
    max_input_bytes: int = 10 * 1024 * 1024
    model_dir: Path = REPO_DIR / "models" / "ner"
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
