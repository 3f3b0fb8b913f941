"""The Python API (``pipeline.process_folder``, ``pipeline.write_outputs``): what the command line's ``run``
does, callable from a notebook. The command line uses these same functions."""
from __future__ import annotations

import logging
from pathlib import Path

from pipeline.annotate import ner
from pipeline.engine.driver import remove_parts
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.manifest import current_outputs, outputs_key, relative_digests, run_config, write_manifest
from pipeline.record import RunResult
from pipeline.run import process_folder as run_folder
from pipeline.run import write_outputs as write_tables
from pipeline.settings import OutputOptions, RunOptions, Settings

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> Knowledge:
    """The knowledge, compiled and checked before any page is read: a broken data file raises ``KnowledgeError``
    (every problem, with file, key and line), missing NER model files ``PipelineError`` (the model itself is
    loaded by each worker that needs it)."""
    knowledge = load_knowledge()
    compile_knowledge(knowledge)
    if settings.use_ner:
        ner.check_model_files(settings.model_dir)
    return knowledge


def process_folder(input_dir: str | Path, settings: Settings = Settings(),
                   options: RunOptions = RunOptions(), knowledge: Knowledge | None = None) -> RunResult:
    """Every stage over every input below ``input_dir`` (``.txt``, ``.html``, ``.json``, ``.jsonl``, recursively).

    ``settings`` change what is extracted (``Settings(use_ner=False)`` skips the NER model); ``options`` how
    the work runs (``RunOptions(workers=2, cache_dir=Path("cache"))``; default: this process, no cache).
    Returns the counts and problems (``result.n_events``, ``result.problems``) and how each input fared
    (``result.inputs``); ``print(result.summary())`` shows the counts. The rows wait on disk as table parts
    until ``write_outputs`` (they are removed with the result). Bad input never raises: it becomes a problem
    row. A broken knowledge file or missing model raises before any page is read.
    """
    knowledge = knowledge or prepare(settings)
    return run_folder(Path(input_dir), settings, knowledge, options=options)


def write_outputs(result: RunResult, out_dir: str | Path, csv_bom: bool = False,
                  partition_by_year: bool = False, inputs_key: str | None = None) -> bool:
    """Write ``result`` into ``out_dir`` as the command line does: every table as CSV and Parquet, with
    ``datapackage.json`` and ``by_year/`` when ``partition_by_year`` (swapped in together, or not at all), and
    ``manifest.json``. Files that already hold exactly this result are left as they are; returns False then.
    Raises ``OSError`` when the folder cannot be written (previous outputs are then unchanged; the result is
    kept, to be written again elsewhere). Once written, the result's table parts are removed: write it once.
    ``inputs_key`` (pipeline/engine/current.py), taken before the run read its inputs, lets the next run with
    nothing changed see so at once."""
    out_dir, output = Path(out_dir), OutputOptions(csv_bom=csv_bom, partition_by_year=partition_by_year)
    settings, options = result.settings or Settings(), result.options or RunOptions()
    key = outputs_key(result, output)
    files = current_outputs(out_dir, key)      # nothing changed since the last run: keep its files
    changed = files is None
    if changed:
        files = relative_digests(write_tables(result, out_dir, output), out_dir)   # (OSError: the parts stay)
    remove_parts(result)
    log.info("tables in %s %s", out_dir, f"written ({len(files)} files)" if changed else "already up to date")
    write_manifest(out_dir, result.input_dir, result, run_config(settings, options, output), settings,
                   result.knowledge or load_knowledge(), key, files, inputs_key)
    return changed
