"""Per-article stage results on disk, so a re-run costs only what changed.

An entry is keyed by what the article *is* (its page content, not its file name) and by a fingerprint of
what the stage *depends on*: the source code of the stage's modules (and every ``pipeline`` module they
import), the versions of the libraries those import, the knowledge data it reads, the NER model files and
the settings that change its output. Fingerprints chain (each article stage's includes the one before it:
clean → metadata → ner → events), so a new model re-runs NER and events, while an edited event rule re-runs
events only, from the cached mentions.

Stages add fields to the frozen ``Article``; an entry stores only the fields its stage changed (a "delta"),
or the ``Problem`` the stage raised. Ingest is cached per input file, keyed by the file's bytes.

Layout: ``ROOT/STAGE/ab/NAME.KEY.pkl``, one file per entry: a magic line, the SHA-256 of the payload, the
pickled payload. The folder is the cache's only when it says so: ``claim`` writes a CACHEDIR.TAG (the
standard cache-folder tag, which backup tools skip) into an empty or new folder and refuses one holding other
files, or holding the input folder; ``prune`` deletes only entries of this layout, nothing else it finds
there. A torn or edited entry fails the hash check and is recomputed, never trusted. Entries are
written to a temporary file and renamed (pipeline/swap.py), without fsync: a SIGKILL loses nothing the
kernel already has, and after a power cut the hash check catches a half-written entry. Only this project reads the
folder: pickle is safe here because the entries are our own (do not point --cache-dir at files from elsewhere).
"""
from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.annotate import ner
from pipeline.engine.current import file_sha256
from pipeline.engine.libraries import library_versions
from pipeline.knowledge import Knowledge
from pipeline.swap import write_atomically
from pipeline.record import ARTICLE_STAGES, INGEST, STAGES, Article, Page, PipelineError, Problem, replace
from pipeline.settings import Settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# What each stage depends on: its modules (imports followed), knowledge parts, and settings.
STAGE_MODULES = {INGEST: ("pipeline.ingest.pages",), "clean": ("pipeline.annotate.clean",),
                 "metadata": ("pipeline.annotate.metadata",), "ner": ("pipeline.annotate.ner",),
                 "events": ("pipeline.events.extract",)}
STAGE_KNOWLEDGE = {INGEST: ("sites", "lexicons"), "clean": ("sites", "lexicons"), "metadata": ("sites", "lexicons"),
                   "ner": ("lexicons",), "events": ("rules", "lexicons")}
MAGIC = b"idnews-cache-1\n"
TAG_FILE = "CACHEDIR.TAG"
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# The cache of idnews-pipeline: it deletes only its own entries here (STAGE/ab/NAME.KEY.pkl).\n")
RUN_MARKER = ".idnews-run"          # the token a Dask run leaves in its cache folder (engine/chunk.py)
# An entry's file, and the temporary file it is written through (pipeline/swap.py: mkstemp ".NAME.XXXX.tmp").
ENTRY_NAME = re.compile(r"[0-9A-Za-z_-]+\.[0-9a-f]{32}\.pkl")
TEMP_NAME = re.compile(r"\.[0-9A-Za-z_-]+\.[0-9a-f]{32}\.pkl\.[^/]+\.tmp")
MISS = object()
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- fingerprints

def code_digest(modules: tuple[str, ...]) -> str:
    """SHA-256 over the source of ``modules`` and every ``pipeline`` module they import."""
    sha = hashlib.sha256()
    for name in sorted(stage_modules(modules)):
        sha.update(f"{name}\0".encode() + _module_path(name).read_bytes())
    return sha.hexdigest()


def stage_libraries(modules: tuple[str, ...]) -> dict[str, str]:
    """Versions of the libraries ``modules`` run on (see pipeline/engine/libraries.py)."""
    return library_versions(_module_path(name) for name in sorted(stage_modules(modules)))


def stage_modules(modules: tuple[str, ...]) -> set[str]:
    """``modules`` and the ``pipeline`` modules they import, directly or not (imports inside functions too)."""
    seen, todo = set(), list(modules)
    while todo:
        name = todo.pop()
        path = _module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo += _pipeline_imports(path.read_text(encoding="utf-8"))
    return seen


def _module_path(name: str) -> Path | None:
    """The source file of a ``pipeline`` module or package (None for anything else, or a name inside one)."""
    if not name.startswith("pipeline."):
        return None
    base = PACKAGE_DIR / name.removeprefix("pipeline.").replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=None)     # a pure function of the text: each module is parsed once per process
def _pipeline_imports(source: str) -> tuple[str, ...]:
    """Modules a source imports from ``pipeline``: "from pipeline.events import extract" names both the package
    and, when it is one, the module ``pipeline.events.extract``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("pipeline.")]
    return tuple(found)


def knowledge_digest(knowledge: Knowledge, parts: tuple[str, ...]) -> str:
    """Digest of the *parsed* knowledge parts a stage reads (a comment-only edit changes nothing)."""
    payload = {part: getattr(knowledge, part) for part in parts}
    text = json.dumps(payload, default=_plain, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, MappingProxyType) else str(value)


def model_digests(model_dir: Path) -> dict[str, str]:
    """SHA-256 of each NER model file (model, pretrain, resources.json); a missing file maps to ''."""
    digests = {}
    for name in (ner.MODEL_FILE, ner.PRETRAIN_FILE, ner.RESOURCES_FILE):
        path = Path(model_dir) / name
        digests[name] = file_sha256(path) if path.is_file() else ""
    return digests


def fingerprints(settings: Settings, knowledge: Knowledge) -> dict[str, str]:
    """One fingerprint per stage; each article stage's includes the one before it."""
    own = {stage: {"code": code_digest(STAGE_MODULES[stage]), "libraries": stage_libraries(STAGE_MODULES[stage]),
                   "knowledge": knowledge_digest(knowledge, STAGE_KNOWLEDGE[stage])} for stage in STAGES}
    own[INGEST]["max_input_bytes"] = settings.max_input_bytes
    own["ner"]["use_ner"] = settings.use_ner
    own["ner"]["model"] = model_digests(settings.model_dir) if settings.use_ner else {}
    result, previous = {INGEST: _sha(own[INGEST])}, ""
    for stage in ARTICLE_STAGES:
        previous = result[stage] = _sha({"before": previous, **own[stage]})
    return result


def _sha(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


def page_key(page: Page) -> str:
    """What an article's stages read from its page: everything but the file name."""
    return _sha([page.text, page.encoding, page.input_format, page.url,
                 sorted((str(k), str(v)) for k, v in page.html_meta.items())])


# ---------------------------------------------------------------- whose folder

def claim(root: Path | None, input_dir: Path) -> Path | None:
    """``root`` made this pipeline's cache folder (its tag written), or PipelineError when it is not ours to
    use: it holds the input folder (the run would read its own entries back) or files this pipeline did not
    write. None (no cache, with a warning) when the tag cannot be written."""
    if root is None:
        return None
    root = Path(root)
    where, inputs = os.path.realpath(root), os.path.realpath(input_dir)
    if inputs == where or inputs.startswith(where.rstrip("/") + "/"):
        raise PipelineError("cache-dir", f"the cache folder {root} holds the input folder {input_dir}: the run "
                                         "would read its own entries as inputs; choose a folder outside it")
    if _tagged(root):
        return root
    foreign = sorted(name for name in _names(root) if not _own_folder(root, name))
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise PipelineError("cache-dir", f"the cache folder {root} holds files this pipeline did not write "
                                         f"({shown}); it keeps its cache only in a new or empty folder (or one it "
                                         f"marked with {TAG_FILE}): choose another folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_atomically(root / TAG_FILE, TAG, durable=False)
    except OSError as exc:
        log.warning("cannot use the cache folder %s (%s): the run goes on without a cache", root, exc.strerror or exc)
        return None
    return root


def _tagged(root: Path) -> bool:
    try:
        with open(root / TAG_FILE, "rb") as tag:
            return tag.read(len(TAG)) == TAG
    except OSError:
        return False


def _names(root: Path) -> list[str]:
    try:
        return os.listdir(root)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise PipelineError("cache-dir", f"the cache folder {root} is a file: choose a folder") from None


def _own_folder(root: Path, name: str) -> bool:
    """A stage's folder of entries (a cache from before the tag), or the Dask run's marker."""
    return name == RUN_MARKER or name in STAGES and (root / name).is_dir()


# ---------------------------------------------------------------- deltas

def delta(before: Article | None, after: Article | Problem) -> dict | Problem:
    """The fields a stage changed (all but ``page`` for the first stage), or the Problem it raised."""
    if isinstance(after, Problem):
        return after
    names = [f.name for f in fields(Article) if f.name != "page"]
    return {n: getattr(after, n) for n in names if before is None or getattr(after, n) != getattr(before, n)}


def restore(before: Article | None, page: Page, entry: dict | Problem) -> Article | Problem:
    if isinstance(entry, Problem):      # an entry is the article's, whatever its file is called now
        message = entry.message.replace(entry.source_path, page.source_path) if entry.source_path else entry.message
        return replace(entry, source_path=page.source_path, message=message)
    return replace(before or Article(page=page), **entry)


# ---------------------------------------------------------------- the store

@dataclass
class Cache:
    """Entries under ``root`` (None: nothing is read or written); ``rerun`` stages always miss."""

    root: Path | None
    fingerprints: dict[str, str]
    rerun: frozenset[str] = frozenset()
    stats: Counter = field(default_factory=Counter)      # "STAGE hit|miss|corrupt|write-error"
    used: set[bytes] = field(default_factory=set)       # the keys of the entries this run read or wrote

    def get(self, stage: str, name: str, content_key: str) -> Any:
        if self.root is None or stage in self.rerun:
            return MISS
        value = self._read(stage, self._path(stage, name, content_key))
        self.stats[f"{stage} {'miss' if value is MISS else 'hit'}"] += 1
        return value

    def put(self, stage: str, name: str, content_key: str, value: Any) -> None:
        if self.root is None:
            return
        path = Path(self._path(stage, name, content_key))
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            _write_entry(path, MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        except (OSError, pickle.PicklingError, TypeError) as exc:   # a full disk costs the cache, not the run
            if not self.stats[f"{stage} write-error"]:
                log.warning("cannot write %s cache entries (%s); the articles are annotated all the same", stage, exc)
            self.stats[f"{stage} write-error"] += 1

    def keep_from(self, stage: str, name: str, content_key: str) -> None:
        """Keep (not prune) the entries of ``stage`` and the article stages after it: another process writes them."""
        if self.root is not None:
            for later in ARTICLE_STAGES[ARTICLE_STAGES.index(stage):]:
                self._path(later, name, content_key)

    def _path(self, stage: str, name: str, content_key: str) -> str:
        """An entry's file; the entry counts as used by this run (``prune`` keeps it). A string, not a Path: a
        warm run looks up every stage of every article, and pathlib's joins cost more than reading the entry."""
        key = hashlib.sha256(f"{self.fingerprints[stage]}\0{content_key}".encode()).digest()[:16]
        self.used.add(key)
        return f"{self.root}/{stage}/{name[:2]}/{name}.{key.hex()}.pkl"

    def _read(self, stage: str, path: str) -> Any:
        try:
            with open(path, "rb") as entry:
                data = entry.read()
        except OSError:
            return MISS
        head, payload = data[:len(MAGIC) + 65], data[len(MAGIC) + 65:]
        expected = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n"
        try:
            if head != expected:
                raise ValueError("hash mismatch")
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any damaged entry is recomputed
            log.warning("damaged cache entry %s: recomputed", path)
            self.stats[f"{stage} corrupt"] += 1
            self._delete(Path(path))
            return MISS

    def prune(self) -> int:
        """Delete entries this run neither read nor wrote (removed inputs, stale fingerprints) and the temporary
        files of entries; only files of the cache's own layout, in a folder it marked as its own."""
        if self.root is None or not _tagged(self.root):
            return 0
        removed = 0
        for stage in STAGES:
            for path in (self.root / stage).glob("*/*"):
                if TEMP_NAME.fullmatch(path.name) or ENTRY_NAME.fullmatch(path.name) and _key(path) not in self.used:
                    removed += self._delete(path)
        self.stats["pruned"] += removed
        return removed

    def _delete(self, path: Path) -> bool:
        """Unlink an entry; a read-only cache folder costs the clean-up, never the run."""
        try:
            path.unlink(missing_ok=True)
        except OSError:
            self.stats["delete-error"] += 1
            return False
        return True


def _key(path: Path) -> bytes | None:
    """The key in an entry's file name (NAME.KEY.pkl), None for a name this cache does not write."""
    try:
        return bytes.fromhex(path.stem.rsplit(".", 1)[-1])
    except ValueError:
        return None


def _write_entry(path: Path, data: bytes) -> None:
    write_atomically(path, data, durable=False)
