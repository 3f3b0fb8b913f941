"""What one worker process holds: the pipeline's chunk function, the settings, the knowledge, the task context
and, once a chunk needs it, the NER tagger. A process pool's initializer (pipeline/engine/pool.py) or a Dask
worker plugin (pipeline/engine/dask_runner.py) sets them once (``init_worker``); ``run`` then runs a task."""
from __future__ import annotations

import copyreg
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pipeline.annotate import ner
from pipeline.engine.chunk import ChunkFunction, ChunkSummary, Task, TaskContext, WorkItem, run_task
from pipeline.knowledge import Knowledge
from pipeline.compiled import compile_knowledge
from pipeline.record import ARTICLE_STAGES
from pipeline.settings import Settings

_WORKER: dict = {}   # this process's chunk function, settings, compiled knowledge, task context; set by init_worker


def _mappingproxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


# Knowledge holds read-only MappingProxyType views, which pickle cannot copy by default.
copyreg.pickle(MappingProxyType, lambda proxy: (_mappingproxy, (dict(proxy),)))


def load_tagger(settings: Settings, threads: int | None = None):
    """The NER tagger, loaded once per process and model folder (None when NER is switched off)."""
    if not settings.use_ner:
        return None
    if threads:
        import torch

        torch.set_num_threads(threads)
    return _cached_tagger(Path(settings.model_dir).resolve())


@lru_cache(maxsize=2)
def _cached_tagger(model_dir: Path):
    return ner.load_tagger(model_dir)


def needs_tagger(items: list[WorkItem], settings: Settings) -> bool:
    """True when NER is on and some article still has the ner stage (or one before it) to run."""
    ner_index = ARTICLE_STAGES.index("ner")
    return settings.use_ner and any(ARTICLE_STAGES.index(item.start) <= ner_index for item in items)


def init_worker(annotate_chunk: ChunkFunction, settings: Settings, knowledge: Knowledge, context: TaskContext,
                torch_threads: int) -> None:
    """Once per worker process: the knowledge is compiled here (once per digest; the run compiled the same
    knowledge before reading any page, so this cannot fail on it). The NER model is loaded by the first chunk
    that needs it (a rules-only re-run, all from cached mentions, never loads it)."""
    _WORKER.update(annotate=annotate_chunk, settings=settings, compiled=compile_knowledge(knowledge),
                   context=context, threads=torch_threads)


def run(task: Task) -> ChunkSummary:
    settings = _WORKER["settings"]
    tagger = load_tagger(settings, _WORKER["threads"]) if needs_tagger(task.items, settings) else None
    return run_task(task, _WORKER["annotate"], _WORKER["compiled"], tagger, _WORKER["context"])
