"""The user's arguments → the documents to ingest, each with the rule that made it one.

A file is one document. In a folder, every PDF, TIFF and sub-folder is a
document of its own, and the loose images are grouped by what their names say:

- images named with a shared stem and page numbers counting from 0 or 1
  (`page-1.jpg … page-9.jpg`, `scan_001.png, scan_002.png`) are the pages of
  one document;
- a `.document` marker file in the folder (or `--one-document`) makes all of
  its images one document;
- any other image is a document of its own. Two unrelated scans that happen to
  sit in one folder are never merged into a document (issue 9: `cd scans &&
  sohoa ingest .` signed two unrelated pages as one two-page record).

Nothing here opens a file: entries are looked at with lstat, so a FIFO cannot
hang discovery and a symbolic link is refused (not followed) unless asked.
A sohoa archive — the one being written to, or any folder holding one — is
never taken as an input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sohoa.archive.fsutil import file_kind
from sohoa.archive.layout import is_archive
from sohoa.errors import UsageError
from sohoa.scanners.formats import EXTENSIONS, is_candidate

#: A marker file that makes every image of its folder one document.
DOCUMENT_MARKER = ".document"
#: How deep sub-folders are followed below an argument.
MAX_DEPTH = 8
_IMAGE_EXTENSIONS = frozenset(EXTENSIONS["jpeg"] + EXTENSIONS["png"] + EXTENSIONS["tiff"])
#: stem + page number (+ a short suffix such as "_scan"): the last number in the name.
_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d{1,5})(?P<suffix>[^\d]*)$")


@dataclass(frozen=True)
class Source:
    """One document to ingest, as discovered."""

    path: Path
    """What the user sees as the document: the file, or the folder of its pages."""
    files: tuple[Path, ...] = ()
    """The page files in order, for a document made of several files (else empty)."""
    rule: str = "file"
    """Why this is one document, in words (shown with the outcome)."""
    refusal: str | None = None
    """Why the entry is refused before anything is opened (a FIFO, a symbolic link)."""
    station: str | None = None
    """The scanner station it came from (a first-level folder of the watched inbox)."""
    attempt: int | None = None
    """Which try of the watched inbox this is (said in a quarantine reason)."""


def natural_key(name: str) -> list[int | str]:
    """Sort key so that page-2 comes before page-10."""
    return [int(tok) if tok.isdigit() else tok.lower() for tok in re.split(r"(\d+)", name)]


def discover(
    paths: Iterable[Path],
    *,
    exclude: Sequence[Path] = (),
    follow_symlinks: bool = False,
    one_document: bool = False,
) -> list[Source]:
    """Expand the user's arguments into documents (module docstring).

    `exclude`: folders never to enter (the archive being written to, even when it
    does not exist yet). Raises UsageError for an argument that does not exist or
    is an archive: nothing has been read or written then.
    """
    excluded = {p.absolute() for p in exclude}
    out: list[Source] = []
    for raw in paths:
        path = Path(raw)
        kind = file_kind(path)
        if kind == "missing":
            raise UsageError(f"{path}: no such file or folder")
        if kind == "a symbolic link" and follow_symlinks:
            path, kind = _follow(path)
        if kind == "a folder":
            if is_archive(path) or path.absolute() in excluded:
                raise UsageError(
                    f"{path}: is a sohoa archive, not scans",
                    hint="give the folders of scans to ingest",
                )
            out.extend(_folder(path, excluded, follow_symlinks, one_document, MAX_DEPTH))
        else:
            out.append(_entry(path, kind, follow_symlinks))
    return out


def _follow(link: Path) -> tuple[Path, str | None]:
    """A followed link stands for its target (`--follow-symlinks`): that is what is read."""
    target = link.resolve()
    return target, file_kind(target)


def _entry(path: Path, kind: str | None, follow_symlinks: bool) -> Source:
    if kind is None:
        return Source(path)
    if kind == "a symbolic link" and not follow_symlinks:
        return Source(
            path,
            refusal="is a symbolic link; not followed (use --follow-symlinks to ingest its target)",
        )
    return Source(path, refusal=f"is {kind}, not a regular file; nothing was read or copied")


def _folder(
    folder: Path, excluded: set[Path], follow: bool, one_document: bool, depth: int
) -> list[Source]:
    """The documents of one folder: PDFs, TIFFs and sub-folders alone, images grouped."""
    entries = sorted(
        (p for p in folder.iterdir() if is_candidate(p)), key=lambda p: natural_key(p.name)
    )
    marker = (folder / DOCUMENT_MARKER).is_file()
    images: list[Path] = []
    out: list[tuple[list[int | str], Source]] = []  # (sort key of the entry, document)
    for entry in entries:
        key = natural_key(entry.name)
        kind = file_kind(entry)
        if kind == "a symbolic link" and follow:
            entry, kind = _follow(entry)
        if kind == "missing":
            continue  # gone since the folder was listed
        if kind == "a folder":
            if is_archive(entry) or entry.absolute() in excluded or depth <= 0:
                continue  # never ingest an archive, ours or another
            inner = _folder(entry, excluded, follow, one_document, depth - 1)
            out.extend((key, source) for source in inner)
        elif kind is None and entry.suffix.lower() in _IMAGE_EXTENSIONS:
            images.append(entry)
        else:
            out.append((key, _entry(entry, kind, follow)))
    if marker or one_document:
        rule = f"{DOCUMENT_MARKER} marker" if marker else "--one-document"
        grouped = [_group(folder, images, images, rule)] if images else []
    else:
        grouped = _by_name(folder, images)
    keyed = [(natural_key((s.files[0] if s.files else s.path).name), s) for s in grouped]
    return [source for _, source in sorted(keyed + out, key=lambda pair: pair[0])]


def _group(folder: Path, members: list[Path], all_images: list[Path], rule: str) -> Source:
    if len(members) == 1 and len(all_images) > 1:
        return Source(members[0])
    # The folder stands for the document when the document is all of its images.
    path = folder if len(members) == len(all_images) else members[0]
    return Source(path, files=tuple(members), rule=rule)


def _by_name(folder: Path, images: list[Path]) -> list[Source]:
    """Images grouped into documents by a shared stem and page numbers from 0 or 1."""
    series: dict[tuple[str, str, str], list[tuple[int, Path]]] = defaultdict(list)
    alone: list[Path] = []
    for image in images:
        match = _NUMBERED.match(image.stem)
        if match is None:
            alone.append(image)
            continue
        key = (match["stem"].lower(), match["suffix"].lower(), image.suffix.lower())
        series[key].append((int(match["number"]), image))
    docs: list[Source] = []
    for members in series.values():
        numbers = sorted(n for n, _ in members)
        pages = numbers[0] in (0, 1) and numbers == list(
            range(numbers[0], numbers[0] + len(numbers))
        )
        if len(members) > 1 and pages:
            files = [p for _, p in sorted(members, key=lambda m: m[0])]
            first, last = files[0].name, files[-1].name
            rule = f"pages named {first} … {last}" if len(files) > 2 else f"pages {first}, {last}"
            docs.append(_group(folder, files, images, rule))
        else:
            alone.extend(p for _, p in members)
    return docs + [Source(image) for image in alone]
