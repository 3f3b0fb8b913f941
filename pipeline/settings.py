"""Run settings: one frozen dataclass passed down to every stage."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # Inputs larger than this are reported as "too-large" instead of read: a 50 MB dump is never a single
    # news article, and decoding it would dominate memory on a 2-core, many-worker run.
    max_input_bytes: int = 10 * 1024 * 1024
    model_dir: Path = REPO_DIR / "models" / "ner"
    use_ner: bool = True
    # Read files and folders that symbolic links in the input folder point to outside it (pipeline/ingest/walk.py).
    follow_links: bool = False
