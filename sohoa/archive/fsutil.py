"""Write-then-rename: nothing is ever half-written under a real name.

Every file the archive keeps is written to a temporary name in the same
folder, fsynced, then `os.replace`d; the folder is fsynced so the rename
itself survives a power cut (STYLE.md §7).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (fixity, duplicate detection)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`.

    On failure the temporary file is removed and `target` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes, mode: int = 0o644) -> None:
    with atomic_path(target, mode) as tmp:
        tmp.write_bytes(data)


def atomic_copy(source: Path, target: Path, mode: int = 0o644) -> None:
    with atomic_path(target, mode) as tmp:
        shutil.copyfile(source, tmp)
