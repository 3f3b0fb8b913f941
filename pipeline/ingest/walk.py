"""The input folder, walked: every path the walk meets is a file to read or a Problem saying why it is not.

- Regular files are read, in the order of their relative POSIX paths. A path is named with "%" and "#" escaped
  as %25 and %23 ("file.jsonl#3" is the 4th record of file.jsonl, never a file of that name) and a byte of
  a name that is not UTF-8 as %XX (``escape_name``).
- Hidden files and folders (".git", ".DS_Store") are not inputs and are passed over.
- A folder that cannot be listed is one error row (``sub/``, kind ``unreadable``): its files cannot be named.
- A FIFO, socket or device, also behind a link, is never opened (kind ``not-a-file``): reading a FIFO would
  wait forever and ``/dev/zero`` never ends.
- Symbolic links are followed when their target lies inside the input folder (a linked copy is then a
  duplicate of the file it points to). A link to a target outside it is refused (kind ``outside-input``)
  unless ``follow_links`` (``--follow-links``) is set: an input folder is a corpus, and a link out of it may
  lead anywhere on the machine. A dangling link is ``broken-link``; a link loop, or a link to a folder the
  walk is inside, is ``link-loop``.
- The pipeline's own outputs are left out, never read back: the folders passed as ``exclude`` (this run's
  output and cache folders) and, in any folder holding a manifest.json this pipeline wrote, the manifest, the
  files it lists, run.log and the ``report`` and ``by_year`` folders (in this run's output folder, run.log
  from the start). They are listed in ``Listing.excluded``.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pipeline.output.layout import DATAPACKAGE, MANIFEST, MANIFEST_KEYS, PARTITION_DIR, REPORT_DIR, RUN_LOG
from pipeline.record import PipelineError, Problem

MAX_MANIFEST_BYTES = 16 * 2**20
_ESCAPED = re.compile("[%#\ud800-\udfff]")
VANISHED = ("the file was removed while the run was reading the folder; run again to process the folder "
            "as it is now")
SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


@dataclass
class Listing:
    files: list[tuple[Path, str]] = field(default_factory=list)     # (path, relative POSIX path) to read
    problems: list[Problem] = field(default_factory=list)           # paths met and not read, with the reason
    excluded: list[str] = field(default_factory=list)               # the pipeline's own outputs, left out

    def entries(self) -> list[tuple[str, Path | Problem]]:
        """Files and problems together, by relative path: (rel, path to read) or (rel, problem)."""
        found = [(rel, path) for path, rel in self.files] + [(p.source_path, p) for p in self.problems]
        return sorted(found, key=lambda entry: entry[0])


@dataclass(frozen=True)
class _Folder:
    path: Path
    rel: str                        # "" for the input folder, else "sub/" (with the slash)
    ancestors: frozenset            # (st_dev, st_ino) of this folder and the folders it is inside
    identity: tuple[int, int]       # (st_dev, st_ino) of this folder


def list_inputs(input_dir: Path, exclude: Iterable[Path] = (), follow_links: bool = False) -> Listing:
    input_dir = Path(input_dir)
    if not os.path.lexists(input_dir):
        raise PipelineError("missing-input", f"input folder {input_dir} does not exist")
    if not input_dir.is_dir():
        return Listing(files=[(input_dir, escape_name(input_dir.name))])
    walk = _Walk(os.path.realpath(input_dir), _identities(exclude), follow_links)
    top = _identity(os.stat(input_dir))
    todo = [_Folder(input_dir, "", frozenset({top}), top)]
    while todo:
        todo += walk.folder(todo.pop())
    walk.listing.excluded.sort()
    return walk.listing


class _Walk:
    def __init__(self, root: str, exclude: set[tuple[int, int]], follow_links: bool):
        self.root, self.exclude, self.follow_links = root, exclude, follow_links
        self.listing = Listing()

    def folder(self, folder: _Folder) -> list[_Folder]:
        """Sort out one folder's entries; returns its subfolders, to walk next."""
        try:
            names = sorted(entry.name for entry in os.scandir(folder.path))
        except OSError as exc:
            if not folder.rel:
                raise PipelineError("unreadable", f"cannot list the input folder ({exc.strerror})") from None
            self._refuse(folder.rel, "unreadable", f"cannot list the folder ({exc.strerror}); its files are not "
                                                   "read: check its permissions")
            return []
        outputs = _pipeline_outputs(folder.path, names, folder.identity in self.exclude)
        subfolders = []
        for name in names:
            if name.startswith("."):
                continue
            path, rel = folder.path / name, folder.rel + escape_name(name)
            if name in outputs:
                self.listing.excluded.append(rel + ("/" if path.is_dir() else ""))
                continue
            subfolders += self.entry(path, rel, folder)
        return subfolders

    def entry(self, path: Path, rel: str, parent: _Folder) -> list[_Folder]:
        try:
            info = os.stat(path)            # follows links
        except OSError as exc:
            self._refuse(rel, *_stat_failure(exc, path))
            return []
        if _identity(info) in self.exclude:     # (by identity: a realpath per folder grows with the depth)
            self.listing.excluded.append(rel + ("/" if stat.S_ISDIR(info.st_mode) else ""))
            return []
        special = _special(info)
        is_folder = stat.S_ISDIR(info.st_mode)
        rel += "/" if is_folder else ""
        if special:
            self._refuse(rel, "not-a-file", f"{special}{_link_note(path)}, not a file: never opened")
        elif path.is_symlink() and not self.follow_links and not _inside(self.root, os.path.realpath(path)):
            self._refuse(rel, "outside-input", f"a symbolic link to {os.path.realpath(path)}, outside the input "
                                               "folder: not followed (run with --follow-links to read it)")
        elif is_folder and _identity(info) in parent.ancestors:
            self._refuse(rel, "link-loop", "a link to a folder that contains it: walking it would never end")
        elif is_folder:
            return [_Folder(path, rel, parent.ancestors | {_identity(info)}, _identity(info))]
        else:
            self.listing.files.append((path, rel))
        return []

    def _refuse(self, rel: str, kind: str, message: str) -> None:
        self.listing.problems.append(Problem(rel, "ingest", kind, message))


def escape_name(name: str) -> str:
    """A file name as the tables name it: '%' and '#' (the record separator) escaped as %25 and %23, and each
    byte that is not UTF-8 (os.listdir gives it as a surrogate) as %XX: 'caf\\udce9.txt' → 'caf%E9.txt'."""
    if not _ESCAPED.search(name):
        return name
    return "".join(_escape_char(char) for char in name)


def _escape_char(char: str) -> str:
    if char in "%#":
        return f"%{ord(char):02X}"
    if "\udc80" <= char <= "\udcff":
        return f"%{ord(char) - 0xDC00:02X}"
    return char.encode("utf-8", "backslashreplace").decode("utf-8")     # a lone surrogate of another kind


def _identities(paths: Iterable[Path]) -> set[tuple[int, int]]:
    """(st_dev, st_ino) of each folder that exists (an output folder not made yet has no files to leave out)."""
    found = set()
    for path in paths:
        try:
            found.add(_identity(os.stat(path)))
        except OSError:
            continue
    return found


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip("/") + "/")


def _link_note(path: Path) -> str:
    return f" (through the link {os.readlink(path)})" if path.is_symlink() else ""


def _stat_failure(exc: OSError, path: Path) -> tuple[str, str]:
    if exc.errno == errno.ENAMETOOLONG:
        return "path-too-long", (f"the path is longer than the system allows ({os.pathconf('/', 'PC_PATH_MAX'):,} "
                                 "bytes): move its files to a folder fewer levels deep")
    if exc.errno == errno.ELOOP:
        return "link-loop", "a symbolic link that leads back to itself (a link loop): nothing to read"
    if isinstance(exc, FileNotFoundError) and os.path.islink(path):
        return "broken-link", f"a symbolic link to {os.readlink(path)}, which does not exist"
    if isinstance(exc, FileNotFoundError):
        return "vanished", VANISHED
    return "unreadable", f"cannot look at the file ({exc.strerror}); check its permissions"


def _pipeline_outputs(folder: Path, names: list[str], written_now: bool = False) -> set[str]:
    """Names in ``folder`` that a run of this pipeline wrote, by the manifest.json it left there (and the log
    this run is writing, when ``folder`` is its output folder: the input folder itself)."""
    if MANIFEST not in names:
        return {RUN_LOG} if written_now else set()
    try:
        manifest = json.loads(read_regular(folder / MANIFEST, MAX_MANIFEST_BYTES))
    except (OSError, ValueError, PipelineError):
        return set()
    if not isinstance(manifest, dict) or not all(key in manifest for key in MANIFEST_KEYS):
        return set()
    listed = manifest.get("output_files") or {}
    # Only listed names of the kinds the pipeline writes (tables, the data package): a manifest from an older
    # version listed every file in OUT, the input pages too when OUT was the input folder.
    top = {name.split("/")[0] for name in listed if isinstance(name, str)}
    written = {name for name in top if name == DATAPACKAGE or name.endswith((".csv", ".parquet"))}
    return {MANIFEST, REPORT_DIR, PARTITION_DIR, RUN_LOG} | written


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file. A FIFO, socket or device is refused before it is opened (and again after,
    should one have been put in its place), a file larger than ``limit`` bytes before it is read."""
    _refuse_special(os.stat(path), path)
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as handle:
        info = os.fstat(handle.fileno())
        _refuse_special(info, path)
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _special(info: os.stat_result) -> str | None:
    return next((what for test, what in SPECIAL_FILES if test(info.st_mode)), None)


def _refuse_special(info: os.stat_result, path: Path) -> None:
    if not stat.S_ISREG(info.st_mode):
        what = _special(info) or ("a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file")
        raise PipelineError("not-a-file", f"{what}{_link_note(path)}, not a file: never opened")


def _too_large(size: int, limit: int) -> PipelineError:
    return PipelineError("too-large", f"{size:,} bytes is over the {limit:,}-byte limit; split the file or raise "
                                      "the limit (--max-input-mb, Settings.max_input_bytes)")
