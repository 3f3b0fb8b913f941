"""``manifest.json``: what produced the outputs (versions, digests, settings, counts, timings, run times)."""
from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.output import schema
from pipeline.engine.cache import (STAGE_MODULES, code_digest, fingerprints, knowledge_digest, model_digests,
                                   stage_libraries)
from pipeline.output.layout import CACHE_DIR, DATAPACKAGE, MANIFEST, PARTITION_DIR, REPORT_DIR
from pipeline.settings import REPO_DIR
from pipeline.output.tables import write_atomically


def file_digests(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


TABLE_CODE = ("pipeline.output.tables", "pipeline.output.schema", "pipeline.output.datapackage", "pipeline.output.partition",
              "pipeline.output.swap")


def output_digests(out_dir: Path) -> dict[str, str]:
    """SHA-256 of every file the pipeline writes into OUT (tables, datapackage.json, by_year/..., report/...),
    not the manifest or the cache, and nothing else that shares the folder (OUT may be the input folder)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return {}
    names = {f"{t.name}{suffix}" for t in schema.TABLES for suffix in (".csv", ".parquet")} | {DATAPACKAGE}
    files = [p for p in sorted(out_dir.rglob("*")) if p.is_file() and _written_here(p.relative_to(out_dir), names)]
    return {p.relative_to(out_dir).as_posix(): _sha256(p) for p in files}


def _written_here(rel: Path, names: set[str]) -> bool:
    if any(part.startswith(".") for part in rel.parts):
        return False
    return rel.as_posix() in names or (rel.parts[0] in (PARTITION_DIR, REPORT_DIR) and len(rel.parts) > 1)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs_key(result, args) -> str | None:
    """What the output files are made from: the run's content digest, the table code and the output options."""
    if getattr(result, "content_digest", None) is None:
        return None
    parts = [result.content_digest, code_digest(TABLE_CODE), stage_libraries(TABLE_CODE), __version__,
             bool(getattr(args, "csv_bom", False)), bool(getattr(args, "partition_by_year", False))]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def outputs_current(out_dir: Path, key: str | None) -> bool:
    """True when OUT already holds exactly what this run would write: the last manifest has the same key,
    and every file it lists is there, unchanged (a hand-edited or deleted table is written again)."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    listed = manifest.get("output_files") or {}
    return key is not None and manifest.get("outputs_key") == key and bool(listed) and \
        output_digests(out_dir) == listed


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


def _config(args, settings) -> dict:
    """The settings and batch options of this run (absent options keep their defaults)."""
    option = lambda name, default=None: getattr(args, name, default)  # noqa: E731
    return {"max_input_bytes": settings.max_input_bytes, "use_ner": settings.use_ner,
            "model_dir": str(settings.model_dir),
            "engine": option("engine", "local"), "workers": option("workers", 1), "scheduler": option("scheduler"),
            "cache_dir": None if option("no_cache") else str(option("cache_dir") or Path(args.out) / CACHE_DIR),
            "follow_links": bool(option("follow_links")),
            "force": bool(option("force")), "rerun_stages": sorted(option("stages", ()) or ()),
            "csv_bom": bool(option("csv_bom")), "partition_by_year": bool(option("partition_by_year"))}


def _counts(result) -> dict:
    return {"inputs": len(result.inputs), "processed": result.count("processed"),
            "duplicates": result.count("duplicate"), "errors": result.count("error"),
            "articles": len(result.articles),
            "mentions": sum(len(a.mentions) for a in result.articles),
            "events": sum(len(a.events) for a in result.articles),
            "stages_run": dict(sorted(result.computed.items())),
            "stages_from_cache": dict(sorted(result.cached.items())),
            "cache": dict(sorted(getattr(result, "cache_stats", {}).items()))}


def write_manifest(result, args, settings, knowledge, key: str | None = None) -> None:
    # Run times and timings are the only values that differ between two runs over the same inputs;
    # they live here, never in the tables.
    manifest = {
        "pipeline_version": __version__,
        "git_commit": git_commit(),
        "input": str(args.input),
        "started_at": result.started_at,
        "ended_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": _config(args, settings),
        "settings": {"max_input_bytes": settings.max_input_bytes, "use_ner": settings.use_ner,
                     "model_dir": str(settings.model_dir)},
        "libraries": library_versions(),
        "model_files": model_digests(Path(settings.model_dir)) if settings.use_ner else {},
        "knowledge_digest": knowledge.digest,
        "knowledge_digests": {part: knowledge_digest(knowledge, (part,))
                              for part in ("sites", "rules", "lexicons")},
        "stage_fingerprints": getattr(result, "fingerprints", None) or fingerprints(settings, knowledge),
        "counts": _counts(result),
        "excluded_outputs": list(getattr(result, "excluded", [])),     # input paths the pipeline wrote: not read
        "seconds_per_stage": {k: round(v, 3) for k, v in result.seconds_per_stage.items()},
        "outputs_key": key,
        "output_files": output_digests(Path(args.out)),
    }
    payload = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_atomically(Path(args.out) / MANIFEST, payload)
