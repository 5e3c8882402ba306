"""Whether a scan file has all its bytes: the watched inbox takes nothing half-written.

A scanner or a copy over a network share writes a file in stages (DESIGN.md
pitfalls), and a header alone parses: Pillow opens a JPEG from its first
kilobytes and qpdf rebuilds a truncated PDF. So besides size and mtime standing
still, a file must end the way its format ends:

- JPEG: the end-of-image marker FFD9 (ISO/IEC 10918-1 B.2.1), after any padding;
- PNG: the IEND chunk (ISO/IEC 15948 §11.2.5);
- PDF: `%%EOF` in its last kilobytes (ISO 32000-1 §7.5.5), else a cross-reference
  table that opens without qpdf's recovery;
- TIFF: every strip or tile of every page inside the file (TIFF 6.0 §3).

When a JPEG or PNG lacks its end marker (some encoders omit it), the image is
decoded in full: a file that decodes is complete. The checks read the tail of a
file, not the whole of it, except in that rare case.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pikepdf
from PIL import Image

from sohoa.models import SourceKind

#: How much of a file's end is read to find its end marker.
TAIL_BYTES = 4096
_PADDING = b"\x00\xff\r\n\t "
_STILL_WRITING = "(the scanner or the copy may still be writing it)"


def incomplete(path: Path, kind: SourceKind) -> str | None:
    """Why `path` is not whole yet, in words, or None when it is."""
    try:
        if kind == "jpeg":
            return _ends_with(path, b"\xff\xd9", "JPEG")
        if kind == "png":
            return _ends_with(path, b"IEND\xaeB`\x82", "PNG")
        if kind == "pdf":
            return _pdf(path)
        return _tiff(path)
    except OSError as exc:
        return f"cannot be read yet: {exc.strerror or exc}"


def _tail(path: Path) -> bytes:
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        fh.seek(max(0, size - TAIL_BYTES))
        return fh.read()


def _ends_with(path: Path, marker: bytes, name: str) -> str | None:
    if _tail(path).rstrip(_PADDING).endswith(marker):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                image.load()
    except Exception:  # any decoder failure means: not whole (yet)
        return f"the {name} data stops before its end {_STILL_WRITING}"
    return None


def _pdf(path: Path) -> str | None:
    if b"%%EOF" in _tail(path):
        return None
    try:
        with pikepdf.open(path, attempt_recovery=False):
            return None
    except pikepdf.PdfError:
        return f"the PDF has no end (%%EOF) {_STILL_WRITING}"


def _tiff(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _tiff_strips(path)
    except Exception:  # Pillow fails in many ways on a cut TIFF directory
        return f"the TIFF's pages cannot all be read {_STILL_WRITING}"


def _tiff_strips(path: Path) -> str | None:
    size = path.stat().st_size
    with Image.open(path) as image:
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            tags = image.tag_v2  # type: ignore[attr-defined]
            for offsets_tag, counts_tag in ((273, 279), (324, 325)):
                offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
                if not offsets or not counts:
                    continue
                offsets = offsets if isinstance(offsets, tuple) else (offsets,)
                counts = counts if isinstance(counts, tuple) else (counts,)
                end = max(o + c for o, c in zip(offsets, counts, strict=False))
                if end > size:
                    return (
                        f"page {frame + 1} of the TIFF needs {end} bytes, the file has "
                        f"{size} {_STILL_WRITING}"
                    )
    return None
