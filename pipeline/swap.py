"""The one atomic writer: new files (and folders) are staged beside their targets, then swapped in together —
all of them, or none (the previous ones stay as they were).

Phase 1 writes every new file to a temporary file beside its target and fsyncs it (a ``Staging``); a full disk
or a read-only folder fails here, before any target is touched. Phase 2 (``Staging.commit``) renames them over
the targets; if a rename fails part-way, the targets already replaced are put back from hard-linked copies of
the old files. A staged folder (``by_year/``) is swapped in the same way: the old one is renamed aside first.
The SHA-256 of each file is taken while it is written, so nothing is read back to describe it.

Every output file gets the permissions a plain ``open()`` would give it (0666 less the umask; folders 0777 less
the umask), so colleagues on a shared server read the tables as they read the manifest. (``mkstemp`` and
``mkdtemp`` create 0600 files and 0700 folders, private to their owner.)
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


def file_mode() -> int:
    return 0o666 & ~_umask()


def folder_mode() -> int:
    return 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o077)     # the only way to read it is to set it; put it back at once
    os.umask(mask)
    return mask


def write_atomically(path: Path, payload: bytes, durable: bool = True) -> str:
    """One file replaced whole (readers never see half of it); returns its SHA-256. ``durable``: fsync it
    first (the cache does not: its entries carry their own hash, and a lost entry is recomputed)."""
    with Staging(durable) as staged:
        staged.write(Path(path), payload)
        staged.commit()
    return staged.digests[Path(path)]


class HashingWriter(io.RawIOBase):
    """A binary file that keeps the SHA-256 and the size of what is written to it (pyarrow writes to it too)."""

    def __init__(self, handle: BinaryIO):
        super().__init__()
        self.handle, self.sha256, self.size = handle, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def tell(self) -> int:
        return self.size


class Staging:
    """New files and folders staged beside their targets; ``commit`` swaps them all in, leaving without it
    throws them away."""

    def __init__(self, durable: bool = True):
        self.durable = durable
        self.digests: dict[Path, str] = {}          # target → SHA-256 of the staged file
        self.sizes: dict[Path, int] = {}
        self._files: dict[Path, Path] = {}          # target → temporary file
        self._folders: dict[Path, Path | None] = {}  # target → staged folder (None: the target is removed)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        for tmp in self._files.values():
            tmp.unlink(missing_ok=True)
        for folder in self._folders.values():
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def open(self, target: Path) -> Iterator[HashingWriter]:
        """A file to write ``target``'s new content into; staged (and fsynced) when the block ends."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        self._files[target] = Path(name)
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            yield from self._written(target, handle)

    @contextmanager
    def open_in(self, folder: Path, rel: str) -> Iterator[HashingWriter]:
        """A file at ``rel`` inside the staged ``folder`` (see ``folder``); it arrives with the folder."""
        path = self._folders[folder] / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            yield from self._written(folder / rel, handle)

    def _written(self, target: Path, handle: BinaryIO) -> Iterator[HashingWriter]:
        writer = HashingWriter(handle)
        yield writer
        handle.flush()
        if self.durable:
            os.fsync(handle.fileno())
        self.digests[target], self.sizes[target] = writer.sha256.hexdigest(), writer.size

    def write(self, target: Path, payload: bytes) -> None:
        with self.open(target) as handle:
            handle.write(payload)

    def folder(self, target: Path) -> Path:
        """An empty folder to fill; it replaces ``target`` (a folder) on commit."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
        self._folders[target] = staged
        staged.chmod(folder_mode())
        return staged

    def remove(self, target: Path) -> None:
        """``target`` (a folder) goes away on commit, with the rest."""
        self._folders[target] = None

    def commit(self) -> None:
        undo: list[Callable[[], None]] = []
        retired: list[Path] = []
        try:
            for target, tmp in self._files.items():
                _replace(target, tmp, undo, retired)
            for target, staged in self._folders.items():
                _replace_folder(target, staged, undo, retired)
        except BaseException:
            for step in reversed(undo):
                step()
            raise
        finally:
            for old in retired:          # the previous files and folders, once swapped out (or put back)
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)
        self._files, self._folders = {}, {}


def _replace(target: Path, tmp: Path, undo: list, retired: list) -> None:
    backup = _keep_old(target)
    if backup is not None:
        retired.append(backup)
    os.replace(tmp, target)
    undo.append(lambda: os.replace(backup, target) if backup is not None else target.unlink(missing_ok=True))


def _keep_old(target: Path) -> Path | None:
    """A hard-linked copy of the file ``target`` to put back if the swap fails (None: there is none)."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.previous")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:                     # a file system without hard links
        shutil.copy2(target, backup)
    return backup


def _replace_folder(target: Path, staged: Path | None, undo: list, retired: list) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}.previous")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        retired.append(old)
        undo.append(lambda: os.replace(old, target))
    if staged is not None:
        os.replace(staged, target)
        undo.append(lambda: os.replace(target, staged))
