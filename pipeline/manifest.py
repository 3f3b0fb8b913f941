"""``manifest.json``: what produced the outputs (versions, digests, settings, counts, timings)."""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from pipeline import __version__
from pipeline.settings import REPO_DIR
from pipeline.tables import write_atomically


def file_digests(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def write_manifest(result, args, settings, knowledge) -> None:
    # No wall-clock timestamps here: they would make re-runs differ; timings are the only varying values.
    manifest = {
        "pipeline_version": __version__,
        "git_commit": git_commit(),
        "input": str(args.input),
        "settings": {"max_input_bytes": settings.max_input_bytes, "use_ner": settings.use_ner,
                     "model_dir": str(settings.model_dir)},
        "model_files": file_digests(Path(settings.model_dir)) if settings.use_ner else {},
        "knowledge_digest": knowledge.digest,
        "counts": {"inputs": len(result.inputs), "processed": result.count("processed"),
                   "duplicates": result.count("duplicate"), "errors": result.count("error"),
                   "articles": len(result.articles),
                   "mentions": sum(len(a.mentions) for a in result.articles),
                   "events": sum(len(a.events) for a in result.articles)},
        "seconds_per_stage": {k: round(v, 3) for k, v in result.seconds_per_stage.items()},
    }
    payload = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    write_atomically(Path(args.out) / "manifest.json", payload)
