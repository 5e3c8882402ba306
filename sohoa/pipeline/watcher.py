"""The watched inbox (`sohoa watch`): scanner stations drop files, signed records come out.

The recipe, once per pass:

    look (InboxScanner) → an input that stands still and is whole becomes a job row
    → due jobs go through the warm Ingestor as one batch → each outcome settles its job

What never happens, whatever crashes between two steps:

- an input taken half-written: it must stand still for the window *and* end the
  way its format ends (`scanners/complete.py`);
- an input lost: the inbox copy is removed only after the archive committed it,
  and only when the bytes in the inbox are the bytes archived (a scanner that
  wrote the name again meanwhile keeps its new file); a refused input is moved
  into `ARCHIVE/quarantine/<station>/` beside its reason, never deleted;
- an input taken twice: one open job per path (the index enforces it), and a job
  a crash left `processing` is checked against the archive before it is taken
  again (archived by that very job: it is `archived`, not a duplicate).

Errors follow `errors.py`: an input's fault quarantines at once; the
environment's fault (TSA, disk, token) pauses the queue with a growing back-off
and probes the environment before trying again, one input at a time, so that
an input that alone meets the error uses up its attempts and is quarantined
after `attempts` tries, while a TSA that is down blames nobody.

Crashes are blamed the same way: a watcher that died with several jobs in
flight blames none of them, and the next one takes them one at a time; a crash
with one job in flight counts an attempt of that job. An input that kills the
watcher every time is quarantined after `attempts` crashes; its batch mates are
not.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import Any

from sohoa import preflight
from sohoa.archive.fsutil import bounded_name, file_kind, sha256_file
from sohoa.archive.jobs import Job, JobQueue
from sohoa.archive.store import ArchiveRecord
from sohoa.config import Settings
from sohoa.errors import ConfigError, DiskError, EnvironmentProblem, SohoaError, UsageError
from sohoa.models import Archived, Duplicate, Outcome, Quarantined, Untouched
from sohoa.pipeline.orchestrator import Ingestor, Progress
from sohoa.pipeline.watchlog import WatchLog
from sohoa.scanners.complete import incomplete
from sohoa.scanners.discover import Source
from sohoa.scanners.formats import IGNORED_NAMES
from sohoa.scanners.inbox import READY_MARKER, Entry, InboxScanner, fingerprint
from sohoa.scanners.inbox_lock import InboxLock
from sohoa.scanners.loader import document_sha256, open_document

#: A full pass (every folder listed, every file stat'ed) at least this often.
RESCAN_SECONDS = 60.0
#: Passes are at least this far apart: a copy in progress fires an event per write.
MIN_PASS_SECONDS = 0.1
#: Polling interval when the system gives no file events (inotify watches exhausted).
FALLBACK_POLL_SECONDS = 2.0
#: Back-off after an environment error: doubled each time, up to the cap.
BACKOFF_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True)
class WatchOptions:
    """How the inbox is watched (`sohoa watch` options)."""

    stable: float = 2.0
    """Seconds an input's size and mtime must stand still before it is taken."""
    poll: float | None = None
    """Poll every this many seconds without file events (network shares); None: events."""
    give_up: float = 30.0
    """An input still empty or unreadable after standing still this long is quarantined."""
    attempts: int = 5
    """Tries of one input before it is quarantined (crashes and errors of its own)."""
    once: bool = False
    """Take what is there, wait for it to be processed, and exit."""
    batch: int = 100
    """Most documents given to the pages' workers at once."""


class GracefulStop(Exception):
    """SIGTERM or SIGINT: stop between pages, give the unfinished jobs back."""


class Watcher:
    """Watches one inbox for one archive (module docstring). Use `run()`, then `close()`."""

    def __init__(
        self, settings: Settings, inbox: Path, options: WatchOptions, log: WatchLog
    ) -> None:
        self.inbox = Path(inbox).absolute()
        self.options = options
        self.log = log
        self.settings = settings
        archive_root = Path(settings.archive).absolute()
        if not self.inbox.is_dir():
            raise UsageError(f"{self.inbox}: no such folder to watch")
        if self.inbox == archive_root or archive_root in self.inbox.parents:
            raise UsageError(
                f"{self.inbox}: is inside the archive {archive_root}",
                hint="watch a folder outside the archive",
            )
        self.lock = InboxLock(self.inbox)  # before loading anything: a second watcher stops here
        try:
            self.ingestor = Ingestor(settings, warm=True)
        except BaseException:
            self.lock.release()
            raise
        self.archive = self.ingestor.archive
        self.queue = JobQueue(self.archive, self.inbox)
        self.scanner = InboxScanner(self.inbox, exclude=(archive_root,))
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.quarantined = 0
        self._failures = 0
        self._isolate = False
        self._paused_until = 0.0
        self._paused: EnvironmentProblem | None = None
        self._inbox_problem: str | None = None
        self._suspects: set[int] = set()
        """Jobs in flight when a watcher died: taken one at a time until settled."""

    def close(self) -> None:
        self.ingestor.close()
        self.lock.release()

    # --- the loop ------------------------------------------------------------------

    def run(self) -> None:
        """Watch until stopped (or, with `once`, until what was there is done)."""
        started = time.monotonic()
        observer = None if self.options.poll else self._observe()
        if observer is None and self.options.poll is None:  # no file events to be had
            self.options = replace(self.options, poll=FALLBACK_POLL_SECONDS)
        mode = f"polling every {self.options.poll:g} s" if observer is None else "file events"
        self.log(
            "started",
            inbox=str(self.inbox),
            archive=str(self.archive.root),
            mode=mode,
            workers=self.settings.jobs,
            stable=self.options.stable,
        )
        previous = self._handle_signals()
        failed = False
        try:
            self._recover()
            next_full = 0.0
            while not self.stop.is_set():
                self.wake.clear()
                now = time.monotonic()
                unavailable = self.scanner.scan(full=now >= next_full)
                if self._inbox_gone(unavailable):
                    if self.options.once:
                        raise DiskError(f"the inbox cannot be read: {unavailable}")
                    self.wake.wait(self.options.poll or BACKOFF_SECONDS)
                    continue
                if now >= next_full:
                    next_full = now + RESCAN_SECONDS
                self._take_stable()
                if self._process_due():
                    continue
                if self.options.once and self._done(started):
                    break
                self._sleep(next_full)
        except GracefulStop:
            pass
        except BaseException:
            failed = True
            raise
        finally:
            if not failed:
                self._give_back()
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.log("stopped", inbox=str(self.inbox))

    def _inbox_gone(self, why: str | None) -> bool:
        """A share that went away pauses the watcher; nothing in it is forgotten or blamed."""
        if why is not None and self._inbox_problem is None:
            self.log("paused", error=f"the inbox cannot be read: {why}")
        elif why is None and self._inbox_problem is not None:
            self.log("resumed", after=f"the inbox could not be read: {self._inbox_problem}")
        self._inbox_problem = why
        return why is not None

    def _done(self, started: float) -> bool:
        """`--once`: nothing queued, and nothing watched that may still become due."""
        if self.queue.open_jobs():
            return False
        patience = self.options.give_up + self.options.stable + 1.0
        return self.scanner.watching() == 0 or time.monotonic() - started > patience

    def _sleep(self, next_full: float) -> None:
        now = time.monotonic()
        waits = [next_full - now, self.options.poll]
        waits.append(self.scanner.next_due(self.options.stable, self.options.stable))
        if self._paused is not None:
            waits.append(self._paused_until - now)
        else:
            waits.append(self.queue.next_due_in())
        timeout = min(w for w in waits if w is not None)
        self.wake.wait(max(MIN_PASS_SECONDS, timeout))
        time.sleep(MIN_PASS_SECONDS if self.wake.is_set() else 0.0)

    def _observe(self) -> Any:
        """File events (inotify) wake the loop; None when the system cannot give them."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # pragma: no cover - a dependency
            return None
        # watchdog warns on its own stop; the watcher's log says what matters.
        logging.getLogger("watchdog").setLevel(logging.CRITICAL)
        wake = self.wake

        class _Wake(FileSystemEventHandler):  # type: ignore[misc]
            def on_any_event(self, event: Any) -> None:
                wake.set()

        observer = Observer()
        try:
            observer.schedule(_Wake(), str(self.inbox), recursive=True)
            observer.start()
        except OSError as exc:
            self.log("polling", reason=f"no file events here ({exc.strerror or exc})")
            return None
        return observer

    def _handle_signals(self) -> dict[int, Any]:
        def handler(signum: int, _frame: FrameType | None) -> None:
            if self.stop.is_set():
                raise KeyboardInterrupt  # a second signal: stop now (a crash is safe too)
            self.log("stopping", signal=signal.Signals(signum).name)
            self.stop.set()
            self.wake.set()

        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, handler)
        return previous

    def _on_progress(self, _progress: Progress) -> None:
        if self.stop.is_set():
            raise GracefulStop

    # --- taking inputs -------------------------------------------------------------

    def _take_stable(self) -> None:
        window = self.options.stable
        taken: list[tuple[Entry, str | None]] = []
        for entry, age, _problem in list(self.scanner.due(window, window)):
            if self.stop.is_set():
                break
            if entry.refusal is not None:
                self._quarantine_new(entry, f"{entry.path}: {entry.refusal}", "refused")
                continue
            why, sha = self._whole(entry)
            if why is None:
                self.scanner.take(entry.path, entry)
                taken.append((entry, sha))
            elif age >= self.options.give_up:
                reason = f"{why}; still so after {age:.0f} s"
                self._quarantine_new(entry, f"{entry.path}: {reason}", "quarantined")
            else:
                self.scanner.problem(entry.path, why)
        added = self.queue.add_many([(e.path, e.station, e.fingerprint, sha) for e, sha in taken])
        for (entry, _), job in zip(taken, added, strict=True):
            self.log("queued", source=entry.path, station=entry.station, job=job.id)

    def _whole(self, entry: Entry) -> tuple[str | None, str | None]:
        """(why the input cannot be taken yet, or None; its SHA-256 when it can)."""
        if entry.is_folder and not entry.files:
            return "the folder holds no page images", None
        try:
            document = open_document(self._source(entry))
        except SohoaError as exc:
            return getattr(exc, "reason", exc.message), None
        kinds = {ref.path: ref.kind for ref in document.pages}
        for path, kind in kinds.items():
            why = incomplete(path, kind)
            if why is not None:
                return (f"{path.name}: {why}" if entry.is_folder else why), None
        return None, document.sha256

    def _source(self, entry: Entry, attempt: int | None = None) -> Source:
        rule = "file"
        if entry.is_folder:
            rule = f"{READY_MARKER} marker" if entry.ready else "folder of pages, unchanged"
        return Source(
            entry.path, files=entry.files, rule=rule, station=entry.station, attempt=attempt
        )

    def _quarantine_new(self, entry: Entry, reason: str, event: str) -> None:
        """An input refused before any work: a job row first, then the move."""
        job = self.queue.add(entry.path, entry.station, entry.fingerprint)
        (job,) = self.queue.start([job])
        self._quarantine(job, entry, reason, event)

    def _quarantine(self, job: Job, entry: Entry, reason: str, event: str) -> None:
        self.scanner.take(job.path)
        kept = self.archive.quarantine(
            job.path,
            reason,
            files=entry.files,
            move=True,
            station=job.station,
            attempt=job.attempts,
        )
        self._finish_quarantined(job, reason, kept, event)

    def _finish_quarantined(self, job: Job, reason: str, kept: Path | None, event: str) -> None:
        left = self._left(job)
        self.queue.finish(job, "quarantined", error=reason, input_left=left is not None)
        self.quarantined += 1
        self.log(event, source=job.path, station=job.station, reason=reason, kept=kept)

    # --- processing ----------------------------------------------------------------

    def _process_due(self) -> bool:
        """Run one batch of due jobs; False when there was none to run."""
        if self._paused is not None and (
            time.monotonic() < self._paused_until or not self._environment_ok()
        ):
            return False
        alone = self._isolate or bool(self._suspects)
        found = self._still_there(self.queue.due(1 if alone else self.options.batch))
        if not found:
            return False
        jobs = self.queue.start([job for job, _ in found])
        sources = [
            self._source(entry, attempt=job.attempts)
            for job, (_, entry) in zip(jobs, found, strict=True)
        ]
        untouched: list[Job] = []
        done: set[int] = set()
        try:
            outcomes = self.ingestor.ingest(
                sources, move_rejected=True, on_progress=self._on_progress
            )
            with contextlib.closing(outcomes):
                for position, outcome in enumerate(outcomes):
                    job = jobs[position]
                    if isinstance(outcome, Untouched):
                        untouched.append(job)
                    else:
                        self._settle(job, outcome)
                    done.add(job.id)
        except GracefulStop:
            self.queue.requeue([j for j in jobs if j.id not in done], None, counted=False)
            raise
        except EnvironmentProblem as exc:
            unsettled = untouched + [j for j in jobs if j.id not in done]
            if self.options.once:
                self.queue.requeue(unsettled, exc.message, counted=False)
                raise
            self._environment_failed(unsettled, exc, alone=len(jobs) == 1)
            return True
        except ConfigError:
            self.queue.requeue(
                untouched + [j for j in jobs if j.id not in done], None, counted=False
            )
            raise
        if untouched:  # not processed, with no error said: try again soon
            self.queue.requeue(untouched, None, delay=self.options.stable, counted=False)
        if self._suspects:
            self._suspects &= {job.id for job in self.queue.open_jobs()}
        if self._paused is not None:
            self.log("resumed", after=self._paused.message)
        self._failures, self._isolate, self._paused = 0, False, None
        return True

    def _still_there(self, jobs: list[Job]) -> list[tuple[Job, Entry]]:
        """The jobs whose input is in the inbox as it was queued; settle the others
        (gone, changed, or archived already by this very job before a crash)."""
        kept = []
        for job in jobs:
            entry = fingerprint(job.path)
            record = self.archive.find(job.sha256) if job.sha256 else None
            if entry is None:
                self._settle_missing(job)
            elif entry.fingerprint != job.fingerprint:
                self.queue.finish(
                    job, "vanished", error="changed after it was queued; watched again as new"
                )
                self.scanner.release(job.path)
            elif record is not None and self._same_job(job, record):
                self._settle(job, Duplicate(job.path, record.document_id, record.pdf))
            elif (why := _unreadable(entry)) is not None:
                self._retry_alone(job, entry, why)
            else:
                kept.append((job, replace(entry, station=job.station)))
        return kept

    def _retry_alone(self, job: Job, entry: Entry, why: str) -> None:
        """An input another program holds now (an antivirus, the scanner): this input alone
        waits, with a growing back-off, and is quarantined after `attempts` tries."""
        (job,) = self.queue.start([job])
        if job.attempts >= self.options.attempts:
            reason = f"{job.path}: gave up after {job.attempts} attempts: {why}"
            self._quarantine(job, replace(entry, station=job.station), reason, "quarantined")
            return
        delay = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (job.attempts - 1))
        self.queue.requeue([job], why, delay=delay)
        self.log("retry", source=job.path, station=job.station, error=why, retry_in=delay)

    def _settle(self, job: Job, outcome: Outcome) -> None:
        if isinstance(outcome, Quarantined):
            self._finish_quarantined(job, outcome.reason, outcome.quarantine_path, "quarantined")
            return
        if isinstance(outcome, Archived):
            record = outcome.record
        else:
            assert isinstance(outcome, Duplicate)
            found = self._record(outcome.document_id)
            if found is None:  # its twin of this batch was not archived after all
                self.queue.requeue([job], "its twin in the batch was not archived", counted=False)
                self.scanner.take(job.path)
                return
            record = found
        archived = isinstance(outcome, Archived) or self._same_job(job, record)
        state = "archived" if archived else "duplicate"
        left = self._remove(job)
        self.queue.finish(
            job,
            state,
            document_id=record.document_id,
            pages=record.pages,
            sha256=record.sha256,
            input_left=left is not None and left.startswith("cannot"),
        )
        self.log(
            state,
            source=job.path,
            station=job.station,
            document_id=record.document_id,
            pages=record.pages if state == "archived" else None,
            left=left,
        )

    def _record(self, document_id: str) -> ArchiveRecord | None:
        try:
            return self.archive.get(document_id)
        except UsageError:
            return None

    @staticmethod
    def _same_job(job: Job, record: ArchiveRecord) -> bool:
        """Archived by this very job (a run that crashed after the commit), not before it."""
        return str(record.source) == str(job.path) and record.ingested_at >= job.created_at

    # --- the inbox copy --------------------------------------------------------------

    def _remove(self, job: Job) -> str | None:
        """Remove the inbox copy of an archived input; why it stays, or None when removed.

        Only bytes the archive holds are removed: the input is hashed again, and
        looked up in the archive by that hash.
        """
        entry = fingerprint(job.path)
        if entry is None:
            self.scanner.forget(job.path)
            return None
        try:
            sha = document_sha256(entry.files) if entry.is_folder else sha256_file(entry.path)
        except OSError:
            sha = None
        if sha is None or self.archive.find(sha) is None:
            self.scanner.release(job.path)  # new bytes under the same name: a new input
            return "changed since it was taken; watched again as new"
        try:
            _unlink_document(entry)
        except OSError as exc:
            now_entry = fingerprint(job.path)
            if now_entry is not None:
                self.scanner.settle(job.path, now_entry.fingerprint)
                return f"cannot be removed from the inbox: {exc.strerror or exc}"
        self.scanner.forget(job.path)
        return None

    def _left(self, job: Job) -> str | None:
        entry = fingerprint(job.path)
        if entry is None:
            self.scanner.forget(job.path)
            return None
        self.scanner.settle(job.path, entry.fingerprint)
        return "could not be moved out of the inbox"

    # --- crashes and errors ----------------------------------------------------------

    def _recover(self) -> None:
        """Before the first pass: what a crashed watcher left is settled or queued again."""
        self.archive.reap_staging()
        for path, print_ in self.queue.left_in_inbox():
            self.scanner.settle(path, print_)
        crashed = self.queue.open_jobs("processing")
        blame = len(crashed) == 1  # the one input in flight; several: nobody, yet
        for job in crashed:
            entry = fingerprint(job.path)
            if entry is None:
                self._settle_missing(job)
                continue
            record = self.archive.find(job.sha256) if job.sha256 else None
            if record is not None and self._same_job(job, record):
                self._settle(job, Duplicate(job.path, record.document_id, record.pdf))
            elif blame and job.attempts >= self.options.attempts:
                reason = (
                    f"{job.path}: the watcher stopped {job.attempts} times while processing it "
                    f"(a crash, or a page that kills it); last error: {job.last_error or 'none'}"
                )
                self._quarantine(job, entry, reason, "quarantined")
            else:
                self.queue.requeue([job], "the watcher stopped while processing it", counted=blame)
                self._suspects.add(job.id)
                self.log("recovered", source=job.path, station=job.station, attempt=job.attempts)
        for job in self.queue.open_jobs("queued"):
            self.scanner.take(job.path)

    def _settle_missing(self, job: Job) -> None:
        """The input of an open job is gone: archived, quarantined, or taken away."""
        self.scanner.forget(job.path)
        record = self.archive.find(job.sha256) if job.sha256 else None
        if record is not None:
            state = "archived" if self._same_job(job, record) else "duplicate"
            self.queue.finish(job, state, document_id=record.document_id, pages=record.pages)
            self.log(state, source=job.path, station=job.station, document_id=record.document_id)
            return
        reason = self._quarantine_reason(job)
        if reason is not None:
            self.queue.finish(job, "quarantined", error=reason)
            self.log("quarantined", source=job.path, station=job.station, reason=reason)
            return
        self.queue.finish(job, "vanished", error="taken out of the inbox before it was processed")
        self.log("vanished", source=job.path, station=job.station)

    def _quarantine_reason(self, job: Job) -> str | None:
        """The reason of a quarantine of this job's input (from the index, or from the
        reason file when a crash came between the move and the index row)."""
        row = self.archive.db.execute(
            "SELECT reason FROM quarantine WHERE source = ? AND at >= ? ORDER BY id DESC LIMIT 1",
            (str(job.path), job.created_at.isoformat()),
        ).fetchone()
        if row is not None:
            return str(row["reason"])
        folder = self.archive.quarantine_folder(job.station)
        pattern = f"*-{glob.escape(bounded_name(job.path.name))}*.reason.txt"
        for reason_file in sorted(folder.glob(pattern), reverse=True):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                lines = reason_file.read_text(encoding="utf-8").splitlines()
                kept = reason_file.with_name(reason_file.name.removesuffix(".reason.txt"))
                if lines[:1] == [str(job.path)] and file_kind(kept) != "missing":
                    return lines[1] if len(lines) > 1 else "quarantined"
        return None

    def _environment_failed(
        self, untouched: list[Job], exc: EnvironmentProblem, alone: bool
    ) -> None:
        """Pause with a growing back-off; an input that met the error alone uses an attempt."""
        self._failures += 1
        delay = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (self._failures - 1))
        for job in untouched:
            if alone and job.attempts >= self.options.attempts:
                entry = fingerprint(job.path)
                reason = f"{job.path}: gave up after {job.attempts} attempts: {exc.message}"
                if entry is not None:
                    self._quarantine(job, entry, reason, "quarantined")
                    continue
            self.queue.requeue([job], exc.message, delay=delay, counted=alone)
        self._isolate = True
        self._paused, self._paused_until = exc, time.monotonic() + delay
        self.log("paused", error=exc.message, retry_in=delay, waiting=len(untouched))

    def _environment_ok(self) -> bool:
        """After an environment error: the same checks as at start, before a retry."""
        try:
            preflight.free_space(self.archive.root)
            preflight.replica(self.settings)
            preflight.time_stamp_authority(self.settings, self.ingestor.level)
        except EnvironmentProblem as exc:
            self._failures += 1
            delay = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (self._failures - 1))
            self._paused, self._paused_until = exc, time.monotonic() + delay
            self.log("paused", error=exc.message, retry_in=delay)
            return False
        return True

    def _give_back(self) -> None:
        """A graceful stop: jobs still `processing` go back to the queue, their attempt
        given back. (An error that ends the watcher leaves them `processing`, as a crash
        does: the next watcher blames them as it blames a crash.)"""
        with contextlib.suppress(SohoaError):
            self.queue.requeue(self.queue.open_jobs("processing"), None, counted=False)


#: What a file held by another program answers: a Windows client's lock over SMB, an
#: antivirus scanning it, a permission not granted yet.
_HELD = frozenset({errno.EACCES, errno.EPERM, errno.EBUSY, errno.EAGAIN, errno.ETXTBSY})


def _unreadable(entry: Entry) -> str | None:
    """Why an input cannot be opened right now (held by another program), or None."""
    for path in entry.files if entry.is_folder else (entry.path,):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError as exc:
            if exc.errno in _HELD:
                return f"{path.name} cannot be read now ({exc.strerror}): another program holds it"
            continue  # anything else is the pipeline's to say, in words
        os.close(fd)
    return None


def _unlink_document(entry: Entry) -> None:
    """Remove an archived input from the inbox: the file, or the folder's pages, its
    marker and OS thumbnails, then the folder when nothing else is in it."""
    if not entry.is_folder:
        os.unlink(entry.path)
        return
    for page in entry.files:
        os.unlink(page)
    for name in _leftovers(entry.path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path / name)
    with contextlib.suppress(OSError):
        entry.path.rmdir()  # anything else put there stays, and is watched as new


def _leftovers(folder: Path) -> Iterator[str]:
    with contextlib.suppress(OSError), os.scandir(folder) as listing:
        for child in listing:
            junk = child.name == READY_MARKER or child.name.lower() in IGNORED_NAMES
            if junk and child.is_file(follow_symlinks=False):
                yield child.name
