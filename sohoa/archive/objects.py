"""The object store: one folder per document, written once, read-only files.

`FolderStore` is the embedded default, a folder on a local or mounted disk;
the archive keeps two of them when a replica is configured (the primary under
the archive root, the replica anywhere else: another disk, a network share).
Everything the archive does to object files goes through these few methods, so
an S3-compatible store can replace the folder later (`seams.ObjectStore`).

Every write is write-then-rename with fsync, and files are read-only: a
complete object appears under its real name with one directory rename, a
replaced file (a sidecar after an edit, a PDF after a renewal, a repair)
with one file rename. A crash never leaves half a file under a real name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from sohoa.archive.fsutil import READ_ONLY, copy_regular, fsync_dir
from sohoa.archive.layout import OBJECTS, TMP
from sohoa.errors import DiskError, disk_error


class FolderStore:
    """Objects as folders `objects/ab/abcdef0123456789/` under `root`."""

    def __init__(self, root: Path, *, name: str = "primary") -> None:
        self.root = Path(root).absolute()
        self.name = name
        """Which copy this is, in messages and findings ("primary", "replica")."""

    @property
    def objects(self) -> Path:
        return self.root / OBJECTS

    @property
    def tmp(self) -> Path:
        return self.root / TMP

    def object_dir(self, document_id: str) -> Path:
        return self.objects / document_id[:2] / document_id

    def has(self, document_id: str) -> bool:
        return self.object_dir(document_id).is_dir()

    def ids(self) -> Iterator[str]:
        """Every object folder's name (sorted), whatever the index says."""
        if not self.objects.is_dir():
            return
        for shard in sorted(self.objects.iterdir()):
            if shard.is_dir() and not shard.is_symlink():
                for entry in sorted(shard.iterdir()):
                    yield entry.name

    def files(self, document_id: str) -> dict[str, Path]:
        """The files of an object by their path relative to its folder (POSIX)."""
        folder = self.object_dir(document_id)
        if not folder.is_dir():
            return {}
        return {
            p.relative_to(folder).as_posix(): p
            for p in sorted(folder.rglob("*"))
            if not p.is_dir() or p.is_symlink()
        }

    # --- writing ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Make sure objects/ and tmp/ exist in a store root that exists (never create the root:
        a replica whose disk is not mounted must fail, not fill the system disk)."""
        if not self.root.is_dir():
            raise DiskError(
                f"{self.root}: the {self.name} copy's folder does not exist (is its disk mounted?)",
                hint="mount the disk or create the folder, or fix `replica` in sohoa.toml",
            )
        try:
            self.objects.mkdir(exist_ok=True)
            self.tmp.mkdir(exist_ok=True)
        except OSError as exc:
            raise self._error(exc, self.root) from None

    def stage_copy(self, source: Path, stage: Path) -> None:
        """Copy the object folder `source` to `stage` (in this store's tmp/), read-only, fsynced."""
        try:
            if stage.exists():
                remove_tree(stage)
            for path in sorted(source.rglob("*")):
                target = stage / path.relative_to(source)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    copy_regular(path, target, stat.S_IMODE(path.stat().st_mode) & READ_ONLY)
            stage.mkdir(parents=True, exist_ok=True)
            for folder in sorted({p.parent for p in stage.rglob("*")} | {stage}, reverse=True):
                fsync_dir(folder)
        except OSError as exc:
            raise self._error(exc, stage) from None

    def put(self, stage: Path, document_id: str) -> None:
        """Move a complete staged object into place with one rename.

        An object already there under this id is an orphan of a run that failed
        after writing this copy and before the index commit (the caller holds
        the index's write lock and has checked there is no row): it is replaced.
        """
        final = self.object_dir(document_id)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                aside = stage.with_name(f"{stage.name}.orphan")
                os.rename(final, aside)
                remove_tree(aside)
            os.rename(stage, final)
            fsync_dir(final.parent)
        except OSError as exc:
            raise self._error(exc, final) from None

    def put_file(self, document_id: str, relpath: str, source: Path, mode: int) -> None:
        """Replace (or restore) one file of an object from `source` (write-then-rename)."""
        target = self.object_dir(document_id) / relpath
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_regular(source, target, mode)
        except OSError as exc:
            raise self._error(exc, target) from None

    def _error(self, exc: OSError, where: Path) -> Exception:
        problem = disk_error(exc, where)
        if problem is not None:
            problem.message = f"{problem.message} (the {self.name} copy)"
            return problem
        return DiskError(f"{where}: cannot write the {self.name} copy: {exc.strerror or exc}")


def remove_tree(path: Path) -> None:
    """Remove a folder of read-only files (their folders are writable: rmtree works)."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(path)
