"""The Python API (``pipeline.process_folder``, ``pipeline.write_outputs``): what the command line's ``run``
does, callable from a notebook. The command line uses these same functions."""
from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.engine.cache import STAGES
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.knowledge.compiled import compile_knowledge
from pipeline.output.datapackage import write_datapackage
from pipeline.output.manifest import outputs_current, outputs_key, write_manifest
from pipeline.output.partition import update_partitioned
from pipeline.run import RunOptions, RunResult, check_model, write_outputs as write_tables
from pipeline.run import process_folder as run_folder
from pipeline.settings import Settings


def prepare(settings: Settings) -> Knowledge:
    """The knowledge, compiled and checked before any page is read: a broken data file raises ``KnowledgeError``
    (every problem, with file, key and line), missing NER model files ``PipelineError`` (the model itself is
    loaded by each worker that needs it)."""
    knowledge = load_knowledge()
    compile_knowledge(knowledge)
    check_model(settings)
    return knowledge


def process_folder(input_dir: str | Path, settings: Settings = Settings(),
                   options: RunOptions = RunOptions(), knowledge: Knowledge | None = None) -> RunResult:
    """Every stage over every input below ``input_dir`` (``.txt``, ``.html``, ``.json``, ``.jsonl``, recursively).

    ``settings`` change what is extracted (``Settings(use_ner=False)`` skips the NER model); ``options`` how
    the work runs (``RunOptions(workers=2, cache_dir=Path("cache"))``; default: this process, no cache).
    Returns the articles and problems (``result.articles``, ``result.problems``) and how each input fared
    (``result.inputs``); ``print(result.summary())`` shows the counts. Bad input never raises: it becomes
    a problem row. A broken knowledge file or missing model raises before any page is read.
    """
    knowledge = knowledge or prepare(settings)
    return run_folder(Path(input_dir), settings, knowledge, options=options)


def write_outputs(result: RunResult, out_dir: str | Path, csv_bom: bool = False,
                  partition_by_year: bool = False) -> bool:
    """Write ``result`` into ``out_dir`` as the command line does: every table as CSV and Parquet (swapped in
    together, or not at all), ``datapackage.json``, ``by_year/`` when ``partition_by_year``, and
    ``manifest.json``. Files that already hold exactly this result are left as they are; returns False then.
    Raises ``OSError`` when the folder cannot be written (previous outputs are then unchanged)."""
    out_dir = Path(out_dir)
    args = _manifest_args(result, out_dir, csv_bom, partition_by_year)
    key = outputs_key(result, args)
    changed = not outputs_current(out_dir, key)
    if changed:
        write_tables(result, out_dir, csv_bom=csv_bom)
        write_datapackage(out_dir, compile_knowledge(result.knowledge or load_knowledge()).event_type_names)
        update_partitioned(out_dir, partition_by_year)
    write_manifest(result, args, result.settings or Settings(), result.knowledge or load_knowledge(), key)
    return changed


def _manifest_args(result: RunResult, out_dir: Path, csv_bom: bool, partition_by_year: bool) -> argparse.Namespace:
    """The command-line options this result stands for, in the form write_manifest reads them."""
    options, settings = result.options or RunOptions(), result.settings or Settings()
    return argparse.Namespace(
        input=result.input_dir, out=out_dir, csv_bom=csv_bom, partition_by_year=partition_by_year,
        engine=options.engine, workers=options.workers, scheduler=options.scheduler,
        cache_dir=options.cache_dir, no_cache=options.cache_dir is None, follow_links=settings.follow_links,
        force=set(STAGES) <= options.rerun, stages=options.rerun)
