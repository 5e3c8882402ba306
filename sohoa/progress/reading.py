"""The archive's index opened for reading only, by `progress`, `progress gaps` and `report`.

Reading where the office stands must never write: the archive may sit on a
read-only share or a replica, and an auditor's look changes nothing (no
folder, no migration; SQLite opens the index with `mode=ro`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sohoa.archive.layout import INDEX, OBJECTS, is_archive
from sohoa.errors import ArchiveError, UsageError

EMPTY_HINT = "import the one-stop system's export with `sohoa register import FILE.csv`"


def open_index(root: Path) -> sqlite3.Connection:
    """A read-only connection to the index of the archive at `root`.

    UsageError for a folder that is not an archive, or an archive without a register
    yet (its index predates `sohoa register import`); ArchiveError for an unreadable index.
    """
    root = Path(root).absolute()
    if not is_archive(root):
        raise UsageError(
            f"{root}: not a sohoa archive (no {INDEX} and {OBJECTS}/ here)",
            hint="give --archive DIR of an existing archive, or set SOHOA_ARCHIVE",
        )
    try:
        db = sqlite3.connect(f"{(root / INDEX).as_uri()}?mode=ro", uri=True, timeout=30)
        db.row_factory = sqlite3.Row
        known = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'register'").fetchone()
    except sqlite3.Error as exc:
        raise ArchiveError(f"{root / INDEX}: the index is unreadable: {exc}") from None
    if known is None:
        db.close()
        raise UsageError(f"{root}: the register of results is empty", hint=EMPTY_HINT)
    return db
