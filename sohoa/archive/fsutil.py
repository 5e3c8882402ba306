"""Write-then-rename: nothing is ever half-written under a real name.

Every file the archive keeps is written to a temporary name in the same
folder, fsynced, then `os.replace`d; the folder is fsynced so the rename
itself survives a power cut (STYLE.md §7).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (fixity, duplicate detection)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk (a read-only descriptor is enough on Linux)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        fsync_file(tmp)
        os.chmod(tmp, mode)
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


#: Mode of every file the archive keeps once written: read-only (write once).
READ_ONLY = 0o444
#: Longest stored file name, in UTF-8 bytes: room under the 255-byte limit of
#: common file systems for the prefixes and temporary suffixes added to it.
MAX_NAME_BYTES = 120


def bounded_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """`name` in NFC, cut to at most `limit` UTF-8 bytes, keeping its extension.

    A cut name ends with a short hash of the whole name, so two long names that
    share their beginning stay distinct.
    """
    name = unicodedata.normalize("NFC", name).replace("/", "_") or "input"
    if len(name.encode()) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = name, ""
    tag = "~" + hashlib.sha256(name.encode()).hexdigest()[:8]
    room = limit - len(tag.encode()) - (len(ext.encode()) + 1 if ext else 0)
    cut = stem.encode()[:room].decode(errors="ignore")
    return f"{cut}{tag}.{ext}" if ext else f"{cut}{tag}"


def file_kind(path: Path) -> str | None:
    """What `path` is when it is not a regular file ("a FIFO", "a symbolic link", …), else None.

    Looked at with lstat: nothing is opened and no link is followed, so a FIFO
    cannot hang the caller and a link cannot lead it out of the input.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    for test, what in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def copy_regular(source: Path, target: Path, mode: int) -> None:
    """Copy the regular file `source` to `target` (write-then-rename), never following a link.

    Opened with O_NOFOLLOW | O_NONBLOCK and checked with fstat, so a file
    swapped for a link or a FIFO after it was looked at is refused, not read.
    """
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(source))
        with (
            os.fdopen(fd, "rb", closefd=False) as src,
            atomic_path(target, mode) as tmp,
            tmp.open("wb") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        os.close(fd)
