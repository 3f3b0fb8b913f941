"""Swap a set of output files in together: all of them, or none (the previous outputs stay as they were).

Phase 1 writes every new file to a temporary file beside its target and fsyncs it; a full disk or a
read-only folder fails here, before any target is touched. Phase 2 renames them over the targets; if a
rename fails part-way, the targets already replaced are put back from hard-linked copies of the old files.

Every output file gets the permissions a plain ``open()`` would give it (0666 less the umask; folders 0777 less
the umask), so colleagues on a shared server read the tables as they read the manifest. (``mkstemp`` and
``mkdtemp`` create 0600 files and 0700 folders, private to their owner.)
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def file_mode() -> int:
    return 0o666 & ~_umask()


def folder_mode() -> int:
    return 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o077)     # the only way to read it is to set it; put it back at once
    os.umask(mask)
    return mask


def replace_all(payloads: dict[Path, bytes]) -> None:
    staged: dict[Path, Path] = {}
    try:
        for target, payload in payloads.items():
            staged[target] = _stage(target, payload)
        _swap(staged)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def _stage(target: Path, payload: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _swap(staged: dict[Path, Path]) -> None:
    backups: dict[Path, Path | None] = {}
    try:
        for target, tmp in staged.items():
            backups[target] = _keep_old(target)
            os.replace(tmp, target)
    except BaseException:
        _roll_back(backups, staged)
        raise
    finally:
        for backup in backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)


def _keep_old(target: Path) -> Path | None:
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.previous")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:                     # a file system without hard links
        shutil.copy2(target, backup)
    return backup


def _roll_back(backups: dict[Path, Path | None], staged: dict[Path, Path]) -> None:
    for target, backup in backups.items():
        if staged[target].exists():          # this one was never swapped in
            continue
        if backup is None:
            target.unlink(missing_ok=True)
        else:
            os.replace(backup, target)
