"""Whether OUT already holds the tables a run would write, decided before anything heavy is imported.

A re-run with nothing changed should cost what it takes to see that nothing changed. The full run decides it
late (pipeline/manifest.py ``outputs_key``): after reading every input and looking up every stage of every
article in the cache, with pandas, pyarrow, dateparser and torch imported. This check decides it first, from
what can be read cheaply, and the command line skips the run when it holds (``quick_check``):

- the last ``manifest.json`` carries the same ``inputs_key``: the digest of the pipeline's own files (every
  ``.py``, ``.toml`` and ``.tsv`` of the package: its code and knowledge), the model files, the settings that
  change the tables, and each input's relative path and bytes (SHA-256), as this run's walk lists them;
- every library the manifest lists is installed at the version it lists (and Python is the same);
- every output file the manifest lists is there, unchanged (SHA-256) (nothing else in OUT is compared).

``--force``, ``--stages`` and ``--no-cache`` (which all say: do not trust what earlier runs left) never take it.

It is conservative: any doubt (even an edited comment in a lexicon; a touched input with the same bytes is not
one) sends the run down the full path, which then finds, or does not, that its tables are current. A skipped run
leaves the tables, datapackage.json and the cache as they are (only manifest.json records it: its times,
settings, and no stage run) and reads no cache entry: a damaged entry is found, by its SHA-256 check
(pipeline/engine/cache.py), the next time a stage must read it.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.ingest.walk import list_inputs
from pipeline.knowledge import PACKAGE_DIR
from pipeline.output.layout import MANIFEST
from pipeline.swap import write_atomically
from pipeline.record import STAGES, PipelineError, utc_now
from pipeline.settings import OutputOptions, RunOptions, Settings

KEY_FIELD = "inputs_key"          # in manifest.json
OWN_FILES = (".py", ".toml", ".tsv")


@dataclass(frozen=True)
class Check:
    key: str | None                # this run's inputs_key (None: an input could not be read; no quick answer)
    manifest: dict | None          # the last manifest, when the tables it lists are current


def quick_check(input_dir: Path, settings: Settings, options: RunOptions, output: OutputOptions) -> Check:
    """This run's ``inputs_key``, and the last manifest when OUT already holds what the run would write."""
    key = inputs_key(input_dir, settings, options, output)
    if key is None or options.rerun or options.cache_dir is None or options.output_dir is None:
        return Check(key, None)
    manifest = _last_manifest(Path(options.output_dir))
    if manifest is None or manifest.get(KEY_FIELD) != key or not _same_libraries(manifest.get("libraries")):
        return Check(key, None)
    listed = manifest.get("output_files") or {}
    return Check(key, manifest if listed_files_unchanged(Path(options.output_dir), listed) else None)


def record_current_run(out_dir: Path, manifest: dict, config: dict, started_at: str) -> None:
    """manifest.json after a run that found its tables current: the last one's, with this run's times and
    settings, and no stage run (what the tables hold, and their digests, are the same)."""
    counts = {**(manifest.get("counts") or {}), "stages_run": {}, "stages_from_cache": {}, "cache": {}}
    updated = {**manifest, "started_at": started_at, "ended_at": utc_now(), "config": config, "counts": counts,
               "seconds_per_stage": {}}
    write_atomically(Path(out_dir) / MANIFEST, json.dumps(updated, indent=2, ensure_ascii=False).encode() + b"\n")


def run_config(settings: Settings, options: RunOptions, output: OutputOptions) -> dict:
    """The settings and options of a run, as the manifest records them."""
    return {"max_input_bytes": settings.max_input_bytes, "use_ner": settings.use_ner,
            "model_dir": str(settings.model_dir), "engine": options.engine, "workers": options.workers,
            "scheduler": options.scheduler, "cache_dir": None if options.cache_dir is None else str(options.cache_dir),
            "follow_links": settings.follow_links, "force": set(STAGES) <= options.rerun,
            "rerun_stages": [stage for stage in STAGES if stage in options.rerun],
            "csv_bom": output.csv_bom, "partition_by_year": output.partition_by_year}


def inputs_key(input_dir: Path, settings: Settings, options: RunOptions, output: OutputOptions) -> str | None:
    """Digest of what the tables are made from that is read without the stages (see the module's docstring)."""
    sha = hashlib.sha256(json.dumps({
        "pipeline_version": __version__, "code": own_files_digest(), "model": _model_files(settings),
        "input": os.path.realpath(input_dir), "max_input_bytes": settings.max_input_bytes,
        "use_ner": settings.use_ner, "follow_links": settings.follow_links,
        "csv_bom": output.csv_bom, "partition_by_year": output.partition_by_year,
    }, sort_keys=True).encode())
    exclude = [folder for folder in (options.output_dir, options.cache_dir) if folder is not None]
    try:
        listing = list_inputs(Path(input_dir), exclude, settings.follow_links)
        for path, rel in sorted(listing.files, key=lambda file: file[1]):
            sha.update(f"file\0{rel}\0{file_sha256(path)}\n".encode("utf-8", "surrogateescape"))
    except (OSError, PipelineError):
        return None
    for problem in sorted(listing.problems, key=lambda p: p.source_path):
        sha.update(f"refused\0{problem.source_path}\0{problem.kind}\0{problem.message}\n".encode("utf-8",
                                                                                                 "surrogateescape"))
    sha.update(json.dumps(listing.excluded).encode())
    return sha.hexdigest()


def own_files_digest(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over every .py, .toml and .tsv file of the package (its code and its knowledge)."""
    sha = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in OWN_FILES and "__pycache__" not in p.parts):
        sha.update(f"{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    return sha.hexdigest()


def model_digest(model_dir: Path) -> str:
    """One digest of the model folder's files (names and bytes); '' when it holds none."""
    files = model_files(model_dir)
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest() if files else ""


def model_files(model_dir: Path) -> dict[str, str]:
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        return {}
    return {path.name: file_sha256(path) for path in sorted(model_dir.iterdir()) if path.is_file()}


def file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _model_files(settings: Settings) -> dict[str, str]:
    return {"dir": os.path.realpath(settings.model_dir), **model_files(settings.model_dir)} if settings.use_ner else {}


def _last_manifest(out_dir: Path) -> dict | None:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _same_libraries(listed) -> bool:
    """Every library is installed at the version listed: read from the names of the .dist-info folders (one
    listing per folder of sys.path, not a metadata lookup per library: 6 ms each on a busy machine), and
    asked of importlib.metadata where they differ."""
    if not isinstance(listed, dict) or not listed:
        return False
    found = _dist_info_versions()
    return all(found.get(name) == version or _installed(name) == version for name, version in listed.items())


def _dist_info_versions() -> dict[str, str]:
    """Versions by canonical name from ``NAME-VERSION.dist-info`` folders; the first on sys.path wins."""
    found = {"python": platform.python_version()}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name.removesuffix(".dist-info").partition("-")
                found.setdefault(re.sub(r"[-_.]+", "-", dist).lower(), version)
    return found


def _installed(name: str) -> str | None:
    if name == "python":
        return platform.python_version()
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def listed_files_unchanged(out_dir: Path, listed: dict[str, str]) -> bool:
    """Every file the manifest lists as the pipeline's is there with its SHA-256. Nothing else in OUT is compared:
    a user's own folder or file there (notes/, a by_year/ of their own, the report/ the report command writes) is
    not the run's output and never makes its tables stale."""
    return isinstance(listed, dict) and bool(listed) and all(
        (out_dir / rel).is_file() and file_sha256(out_dir / rel) == sha
        for rel, sha in listed.items())
