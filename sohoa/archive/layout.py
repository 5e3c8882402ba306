"""The archive's folder layout, in one place (README, "Layout").

ARCHIVE/
  index.sqlite                  the index (rebuildable from the sidecars)
  log-head.txt                  id and hash of the audit trail's last event (chain.py)
  objects/ab/abcdef0123456789/  one folder per document, named by its id
    original/<file or files>    the input exactly as received
    document.pdf                signed PDF/A-2b
    text.txt                    the OCR text (NFC), pages separated by form feed
    metadata.json               sidecar: everything the index row holds
  quarantine/                   refused inputs, each with a .reason.txt
  identity/                     the demo signing identity (when no real one is configured)
  tmp/<host>-<pid>-<token>/     one staging folder per process, held by a lock while it lives
"""

from __future__ import annotations

from pathlib import Path

INDEX = "index.sqlite"
OBJECTS = "objects"
QUARANTINE = "quarantine"
TMP = "tmp"
IDENTITY = "identity"


def is_archive(folder: Path) -> bool:
    """True when `folder` is a sohoa archive (its index and object store)."""
    return (folder / INDEX).is_file() and (folder / OBJECTS).is_dir()
