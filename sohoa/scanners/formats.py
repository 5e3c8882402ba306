"""Recognise scan files by their bytes, not their names.

Scanner stations name files in many ways; what matters is what the bytes are.
A name that contradicts the content (a text file called `.pdf`, a PNG called
`.jpg`) is refused: it is the sign of a wrong export or a mixed-up file, and
the clerk must look at it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sohoa.errors import InputError
from sohoa.models import SourceKind

#: Extensions accepted for each format (lower case, with the dot).
EXTENSIONS: dict[SourceKind, tuple[str, ...]] = {
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "tiff": (".tif", ".tiff"),
    "pdf": (".pdf",),
}
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(e for exts in EXTENSIONS.values() for e in exts)

#: Files and folders an OS or a file server leaves beside scans (thumbnail caches,
#: Synology's @eaDir, recycle bins): never inputs.
IGNORED_NAMES: frozenset[str] = frozenset(
    {
        "thumbs.db",
        "ehthumbs.db",
        ".ds_store",
        "desktop.ini",
        "@eadir",
        "#recycle",
        "$recycle.bin",
        "system volume information",
        "lost+found",
    }
)
#: Names of files still being written by a browser, a copy tool, a scanner or an
#: office program (they are renamed when complete): `.part`, `.crdownload`, WinSCP's
#: `.filepart`, uTorrent's `.!ut`, `.$$$`, editors' `~` backups and Office's `~$` owner files.
TEMPORARY_SUFFIXES = (
    ".part",
    ".partial",
    ".tmp",
    ".temp",
    ".crdownload",
    ".download",
    ".filepart",
    ".!ut",
    ".$$$",
    "~",
)

SUPPORTED_HINT = "sohoa reads JPEG, PNG, TIFF and PDF scans"


def sniff(head: bytes) -> SourceKind | None:
    """The format of a file from its first bytes, or None when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    # PDF 32000-1 §7.5.2 lets the header appear within the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def is_candidate(path: Path) -> bool:
    """Whether a file looks like something a scanner would drop (by name only)."""
    name = path.name
    return (
        not name.startswith((".", "~$"))
        and name.lower() not in IGNORED_NAMES
        and not name.lower().endswith(TEMPORARY_SUFFIXES)
    )


def identify(path: Path) -> SourceKind:
    """The format of `path`, or InputError saying why it cannot be a scan."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "not a regular file (a FIFO, socket or device); not read")
        size = info.st_size
        head = os.read(fd, 1024) if size else b""
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size == 0:
        raise InputError(path, "empty file (0 bytes)", hint="the scanner may still be writing it")
    kind = sniff(head)
    ext = path.suffix.lower()
    if kind is None:
        if ext in SUPPORTED_EXTENSIONS:
            raise InputError(
                path,
                f"named {ext} but its content is not a {ext.lstrip('.').upper()} file",
                hint=SUPPORTED_HINT,
            )
        raise InputError(path, "not a supported scan format", hint=SUPPORTED_HINT)
    if ext not in EXTENSIONS[kind]:
        raise InputError(
            path,
            f"content is {kind.upper()} but the file is named {ext or '(no extension)'}",
            hint=f"rename it to {path.stem}{EXTENSIONS[kind][0]} if it is the right file",
        )
    return kind
