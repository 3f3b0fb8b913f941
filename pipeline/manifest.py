"""``manifest.json``: what produced the outputs (versions, digests, settings, counts, timings, run times)."""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from pipeline import __version__
from pipeline.engine.current import KEY_FIELD as INPUTS_KEY
from pipeline.engine.current import listed_files_unchanged
from pipeline.engine.current import run_config  # noqa: F401 - where pipeline.api and the command line find it
from pipeline.engine.cache import STAGE_MODULES, code_digest, knowledge_digest, model_digests, stage_libraries
from pipeline.knowledge import KNOWLEDGE_DIRS, Knowledge
from pipeline.output.layout import MANIFEST
from pipeline.swap import write_atomically
from pipeline.record import RunResult, utc_now
from pipeline.settings import REPO_DIR, OutputOptions, Settings

TABLE_CODE = ("pipeline.output.tables", "pipeline.output.schema", "pipeline.output.datapackage",
              "pipeline.output.partition", "pipeline.swap")


def relative_digests(written: dict[Path, str], out_dir: Path) -> dict[str, str]:
    """The digests of files just written (by path), as ``output_files`` lists them."""
    return {path.relative_to(out_dir).as_posix(): sha for path, sha in sorted(written.items())}


def outputs_key(result: RunResult, output: OutputOptions) -> str | None:
    """What the output files are made from: the run's content digest, the table code and the output options."""
    if result.content_digest is None:
        return None
    parts = [result.content_digest, code_digest(TABLE_CODE), stage_libraries(TABLE_CODE), __version__,
             output.csv_bom, output.partition_by_year, str(result.input_dir or ""),   # datapackage.json's sources
             result.knowledge.digest if result.knowledge else None]                   # and version say them
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def current_outputs(out_dir: Path, key: str | None) -> dict[str, str] | None:
    """The files' digests when OUT already holds exactly what this run would write (the last manifest has the
    same key, and every file it lists is there, unchanged); None otherwise (a hand-edited or deleted table
    is written again). Files it does not list (a user's folder in OUT) are not compared."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    listed = manifest.get("output_files") or {}
    current = key is not None and manifest.get("outputs_key") == key and listed_files_unchanged(Path(out_dir), listed)
    return listed if current else None


def library_versions() -> dict[str, str]:
    """Every library the stages and the table writer run on, with its version (see engine/libraries.py)."""
    found = {}
    for modules in (*STAGE_MODULES.values(), TABLE_CODE):
        found.update(stage_libraries(modules))
    return dict(sorted(found.items()))


def git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _counts(result: RunResult) -> dict:
    return {"inputs": len(result.inputs), "processed": result.count("processed"),
            "duplicates": result.count("duplicate"), "errors": result.count("error"),
            "articles": result.n_articles, "mentions": result.n_mentions, "events": result.n_events,
            "stages_run": dict(sorted(result.computed.items())),
            "stages_from_cache": dict(sorted(result.cached.items())),
            "cache": dict(sorted(result.cache_stats.items()))}


def write_manifest(out_dir: Path, input_dir: Path, result: RunResult, config: dict, settings: Settings,
                   knowledge: Knowledge, key: str | None, output_files: dict[str, str],
                   inputs_key: str | None = None) -> None:
    """``OUT/manifest.json``; ``output_files``: the SHA-256 of each file the run wrote (or found up to date);
    ``inputs_key``: what the next run compares to see, before importing the stages, that nothing changed."""
    # Run times and timings are the only values that differ between two runs over the same inputs;
    # they live here, never in the tables.
    manifest = {
        "pipeline_version": __version__,
        "git_commit": git_commit(),
        "input": str(input_dir),
        "started_at": result.started_at,
        "ended_at": utc_now(),
        "config": config,
        "settings": {"max_input_bytes": settings.max_input_bytes, "use_ner": settings.use_ner,
                     "model_dir": str(settings.model_dir)},
        "libraries": library_versions(),
        "model_files": model_digests(Path(settings.model_dir)) if settings.use_ner else {},
        "knowledge_digest": knowledge.digest,
        "knowledge_digests": {part: knowledge_digest(knowledge, (part,)) for part in KNOWLEDGE_DIRS},
        "stage_fingerprints": result.fingerprints,
        "counts": _counts(result),
        "excluded_outputs": result.excluded,       # input paths the pipeline wrote: not read
        "seconds_per_stage": {k: round(v, 3) for k, v in result.seconds_per_stage.items()},
        "outputs_key": key,
        INPUTS_KEY: inputs_key,
        "output_files": output_files,
    }
    payload = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_atomically(Path(out_dir) / MANIFEST, payload)
