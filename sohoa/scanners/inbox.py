"""The watched inbox as a folder tree: stations, documents, and which of them stand still.

    INBOX/<station>/<file>            one document (JPEG, PNG, TIFF, PDF)
    INBOX/<station>/<folder>/<pages>  one document of page images, taken when it holds a
                                      `.ready` marker or has stood still for the window
    INBOX/<file>                      a document of no station

First-level folders are stations (the counters' scanners: `quay-1`, `quay-2`);
hidden, temporary and OS files are never looked at (`formats.is_candidate`);
links, FIFOs and devices are reported as refusals, never followed or opened.

Network shares send no file events (DESIGN.md pitfalls), so the tree is polled,
cheaply: a folder is listed again only when its mtime moved (or is so recent that
a coarse clock could hide a second change), and only the documents still being
watched are stat'ed on each pass. Everything is listed and stat'ed on a full pass
(every minute or so), which catches what a folder's mtime cannot show — a file
rewritten in place. A 10,000-file share costs a few stat calls per pass.

This module only looks: it opens no file and writes nothing. The watcher decides
(`sohoa.pipeline.watcher`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sohoa.archive.layout import is_archive
from sohoa.scanners.discover import natural_key
from sohoa.scanners.formats import is_candidate

#: A file a scanner writes in a page folder when the document is complete.
READY_MARKER = ".ready"
#: A folder whose mtime is younger than this is listed again on every pass: file
#: systems stamp folders with a coarse clock, and two files created within one
#: tick leave one mtime.
HOT_SECONDS = 5.0


@dataclass(frozen=True)
class Entry:
    """A document of the inbox, as it is now."""

    path: Path
    station: str | None
    fingerprint: str
    """Size, mtime and inode (for a folder: of each file): equal means unchanged."""
    files: tuple[Path, ...] = ()
    """A folder document's page files, in natural order."""
    ready: bool = False
    """A folder document holding the `.ready` marker: complete, by the scanner's word."""
    refusal: str | None = None
    """Why it is refused without being opened (a link, a FIFO, a link among the pages)."""

    @property
    def is_folder(self) -> bool:
        return self.fingerprint.startswith("d:")


@dataclass
class _Watched:
    entry: Entry
    since: float
    """When (monotonic) the current fingerprint was first seen."""
    state: str = "watching"
    """watching: not taken yet; taken: a job owns it; settled: left in place, ignored
    while unchanged (an input the share does not let us remove)."""
    problem: str | None = None
    """Why the last look found it not whole or not readable."""
    checked: float = 0.0
    """When (monotonic) it was last checked by the watcher."""


@dataclass
class _Folder:
    mtime_ns: int = -1
    children: set[Path] = field(default_factory=set)


def fingerprint(path: Path) -> Entry | None:
    """What `path` is now (no station: the caller knows it), or None when it is gone."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Entry(path, None, f"error:{exc.errno}", refusal=f"cannot be looked at: {exc}")
    if stat.S_ISREG(info.st_mode):
        return Entry(path, None, f"f:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}")
    if stat.S_ISDIR(info.st_mode):
        return _folder_entry(path)
    what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
    if stat.S_ISFIFO(info.st_mode):
        what = "a FIFO (named pipe)"
    return Entry(
        path,
        None,
        f"x:{info.st_mode}:{info.st_mtime_ns}:{info.st_ino}",
        refusal=f"is {what}; not followed or read",
    )


def _folder_entry(path: Path) -> Entry | None:
    parts: list[tuple[str, int, int]] = []
    pages: list[Path] = []
    links: list[str] = []
    ready = False
    try:
        with os.scandir(path) as listing:
            for child in listing:
                if child.name == READY_MARKER:
                    ready = True
                    continue
                if not is_candidate(Path(child.name)):
                    continue
                info = child.stat(follow_symlinks=False)
                parts.append((child.name, info.st_size, info.st_mtime_ns))
                if stat.S_ISREG(info.st_mode):
                    pages.append(Path(child.path))
                elif not stat.S_ISDIR(info.st_mode):
                    links.append(child.name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Entry(path, None, f"d:error:{exc.errno}", refusal=f"cannot be listed: {exc}")
    digest = hashlib.sha256(repr((sorted(parts), ready)).encode()).hexdigest()[:24]
    refusal = None
    if links:
        refusal = (
            f"holds {', '.join(sorted(links))}, not a regular file (a link, a FIFO); "
            "nothing was followed or read"
        )
    files = tuple(sorted(pages, key=lambda p: natural_key(p.name)))
    return Entry(path, None, f"d:{digest}", files=files, ready=ready, refusal=refusal)


class InboxScanner:
    """What is in the inbox and since when it has stood still (module docstring)."""

    def __init__(
        self,
        inbox: Path,
        *,
        exclude: tuple[Path, ...] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inbox = Path(inbox).absolute()
        self.exclude = {Path(p).absolute() for p in exclude}
        self.clock = clock
        self._folders: dict[Path, _Folder] = {}
        self._watched: dict[Path, _Watched] = {}
        self._watching: set[Path] = set()
        """The paths in state `watching`: the only ones stat'ed on an ordinary pass."""
        self._stations: dict[Path, bool] = {}
        """Which entries of the inbox are station folders (looked at once per listing)."""

    # --- looking -------------------------------------------------------------------

    def scan(self, *, full: bool = False) -> str | None:
        """One pass: list what changed (everything when `full`), stat what is watched.

        Returns why the inbox itself cannot be looked at (a share gone away), or None;
        then nothing is forgotten: what was watched is looked at again when it is back.
        """
        try:
            if not stat.S_ISDIR(os.stat(self.inbox).st_mode):
                return f"{self.inbox} is not a folder any more"
            with os.scandir(self.inbox) as listing:  # a share gone away fails here
                next(listing, None)
        except OSError as exc:
            return f"{self.inbox}: {exc.strerror or exc}"
        now = self.clock()
        root, relisted, gone = self._list(self.inbox, full)
        stations = {p for p in root if self._is_station(p)}
        listings = [(self.inbox, root - stations, relisted)]
        for folder in [f for f in self._folders if f != self.inbox and f not in stations]:
            gone |= self._folders.pop(folder).children  # a station folder went away
        for station in sorted(stations):
            children, changed, removed = self._list(station, full)
            listings.append((station, children, changed))
            gone |= removed
        for path in gone:
            self._drop(path)  # gone: forgotten
        for folder, children, changed in listings:
            if not changed:
                continue  # nothing came or went: only its watched entries are looked at below
            station = None if folder == self.inbox else folder.name
            for path in children:
                watched = self._watched.get(path)
                if watched is None or (full and watched.state == "settled"):
                    self._look(path, station, now)
        for path in list(self._watching):
            self._look(path, self._watched[path].entry.station, now)
        return None

    def _is_station(self, path: Path) -> bool:
        station = self._stations.get(path)
        if station is None:
            station = self._stations[path] = path.is_dir() and not path.is_symlink()
        return station

    def _list(self, folder: Path, full: bool) -> tuple[set[Path], bool, set[Path]]:
        """The candidate children of `folder`, whether they were listed again now (only
        when it changed — its mtime moved, or is too recent to trust — or on a full
        pass), and the children that are gone since the last listing."""
        known = self._folders.setdefault(folder, _Folder())
        try:
            info = os.stat(folder)
        except OSError:
            gone, known.children = known.children, set()
            return known.children, True, gone
        hot = time.time() - info.st_mtime_ns / 1e9 < HOT_SECONDS
        if not (full or hot or info.st_mtime_ns != known.mtime_ns):
            return known.children, False, set()
        children: set[Path] = set()
        try:
            with os.scandir(folder) as listing:
                for child in listing:
                    path = Path(child.path)
                    if not is_candidate(path) or path in self.exclude:
                        continue
                    if child.is_dir(follow_symlinks=False) and is_archive(path):
                        continue  # never take an archive, ours or another
                    children.add(path)
        except OSError:
            children = set()
        if folder == self.inbox:
            self._stations = {}  # looked at again: a station may have come or gone
        gone = known.children - children
        known.mtime_ns, known.children = info.st_mtime_ns, children
        return children, True, gone

    def _look(self, path: Path, station: str | None, now: float) -> None:
        entry = fingerprint(path)
        if entry is None:
            self._drop(path)
            return
        entry = replace(entry, station=station)
        watched = self._watched.get(path)
        if watched is None or watched.entry.fingerprint != entry.fingerprint:
            self._set(path, _Watched(entry, since=now))  # new or changed: watched afresh
        else:
            watched.entry = entry

    def _set(self, path: Path, watched: _Watched) -> None:
        self._watched[path] = watched
        if watched.state == "watching":
            self._watching.add(path)
        else:
            self._watching.discard(path)

    def _drop(self, path: Path) -> None:
        self._watched.pop(path, None)
        self._watching.discard(path)

    # --- what the watcher asks -----------------------------------------------------

    def due(self, window: float, recheck: float) -> Iterator[tuple[Entry, float, str | None]]:
        """Entries to look at now: (entry, seconds unchanged, last problem).

        Due: unchanged for `window` seconds (a folder with `.ready` at once; a refusal
        at once), and, when the last check found a problem, not checked for `recheck`.
        """
        now = self.clock()
        for path in list(self._watching):
            watched = self._watched[path]
            age = now - watched.since
            entry = watched.entry
            if entry.refusal is None and not entry.ready and age < window:
                continue
            if watched.problem is not None and now - watched.checked < recheck:
                continue
            yield entry, age, watched.problem

    def next_due(self, window: float, recheck: float) -> float | None:
        """Seconds until an entry may become due, or None when nothing is watched."""
        now = self.clock()
        waits = []
        for path in self._watching:
            watched = self._watched[path]
            wait = watched.since + window - now
            if watched.problem is not None:
                wait = max(wait, watched.checked + recheck - now)
            waits.append(max(0.0, wait))
        return min(waits, default=None)

    def watching(self) -> int:
        """How many documents are still being watched (not taken, not settled)."""
        return len(self._watching)

    def problem(self, path: Path, why: str) -> None:
        """The entry is not whole or not readable yet: look again later."""
        watched = self._watched.get(path)
        if watched is not None:
            watched.problem, watched.checked = why, self.clock()

    def take(self, path: Path, entry: Entry | None = None) -> None:
        """A job owns `path` now: not looked at until `forget`, `settle` or `release`."""
        watched = self._watched.get(path)
        if watched is None:
            watched = _Watched(entry or Entry(path, None, ""), since=self.clock())
        watched.state = "taken"
        self._set(path, watched)

    def settle(self, path: Path, fingerprint_now: str) -> None:
        """`path` stays in the inbox (it could not be removed): ignored while unchanged."""
        entry = Entry(path, None, fingerprint_now)
        self._set(path, _Watched(entry, since=self.clock(), state="settled"))

    def release(self, path: Path) -> None:
        """Watch `path` afresh, now (a job gave it back: it changed, or it must wait)."""
        self._drop(path)
        self._look(path, None if path.parent == self.inbox else path.parent.name, self.clock())

    def forget(self, path: Path) -> None:
        """`path` left the inbox."""
        self._drop(path)
