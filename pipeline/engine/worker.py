"""What one worker process holds: the pipeline's chunk function, the knowledge and the NER tagger, set once
(``init_worker``) by a process pool's initializer (pipeline/engine/pool.py) or a Dask worker plugin
(pipeline/engine/dask_runner.py); ``annotate`` then runs a chunk with them."""
from __future__ import annotations

import copyreg
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pipeline.annotate import ner
from pipeline.engine.chunk import ChunkFunction, ChunkResult, WorkItem
from pipeline.knowledge import Knowledge
from pipeline.record import ARTICLE_STAGES
from pipeline.settings import Settings

_WORKER: dict = {}   # this process's chunk function, knowledge and tagger, set by init_worker


def _mappingproxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


# Knowledge holds read-only MappingProxyType views, which pickle cannot copy by default.
copyreg.pickle(MappingProxyType, lambda proxy: (_mappingproxy, (dict(proxy),)))


def load_tagger(settings: Settings):
    """The NER tagger, loaded once per process and model folder (None when NER is switched off)."""
    if not settings.use_ner:
        return None
    return _cached_tagger(Path(settings.model_dir).resolve())


@lru_cache(maxsize=2)
def _cached_tagger(model_dir: Path):
    return ner.load_tagger(model_dir)


def needs_tagger(chunks: list[list[WorkItem]], settings: Settings) -> bool:
    """True when NER is on and some article still has the ner stage (or one before it) to run."""
    ner_index = ARTICLE_STAGES.index("ner")
    return settings.use_ner and any(ARTICLE_STAGES.index(item.start) <= ner_index for chunk in chunks for item in chunk)


def init_worker(annotate_chunk: ChunkFunction, settings: Settings, knowledge: Knowledge, load_model: bool,
                torch_threads: int) -> None:
    """Once per worker process: keep the chunk function and the knowledge, load the NER model (once per
    process and model folder) with ``torch_threads`` threads."""
    if load_model:
        import torch

        torch.set_num_threads(torch_threads)
    _WORKER["annotate"] = annotate_chunk
    _WORKER["knowledge"] = knowledge
    _WORKER["tagger"] = load_tagger(settings) if load_model else None


def annotate(items: list[WorkItem]) -> ChunkResult:
    return _WORKER["annotate"](items, _WORKER["knowledge"], _WORKER["tagger"])
