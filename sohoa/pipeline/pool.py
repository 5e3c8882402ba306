"""A pool of OCR worker processes, one Tesseract each, one page at a time.

Why not `concurrent.futures.ProcessPoolExecutor`: when a worker dies (a page
that crashes libtesseract or exhausts memory) the executor breaks and every
page in flight fails with it, with no way to tell which page was guilty. Here
the parent knows which page each worker holds: a dead worker fails exactly
that page, a fresh worker takes its place, and the batch goes on.

Pages are fed lazily: at most one page per worker is in flight, so a batch of
thousands of pages runs in bounded memory.

A pool is started per batch (`sohoa ingest`), or kept warm across batches with
`start()`/`close()` (the watched inbox: workers and models are loaded once).
Workers ignore SIGINT and SIGTERM: a Ctrl-C or a service stop reaches the whole
process group, and a worker dying of it would fail its page as if the page were
bad. The parent decides when they stop; they also stop when the parent is gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from sohoa import preflight
from sohoa.config import Settings
from sohoa.errors import SohoaError
from sohoa.models import OcrPage, PageRef
from sohoa.pipeline.pages import PageOptions

#: What a worker runs for each page: (ref, engine, options) → OcrPage.
PageFunction = Callable[[PageRef, Any, PageOptions], OcrPage]

#: Pages queued per worker: one being read, one waiting, so a worker never
#: idles while the parent signs and stores a finished document.
PREFETCH = 2

#: A page that takes longer than this is abandoned and its worker replaced.
PAGE_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class PageResult:
    """What came back for one page: the page, or why it failed."""

    key: Any
    ref: PageRef
    page: OcrPage | None
    error: str | None


def _worker_main(
    conn: Connection, options: PageOptions, page_function: PageFunction | None
) -> None:
    # One OpenMP thread: parallelism comes from processes (DESIGN.md pitfalls).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2

    # OpenCV's own thread pool too: with every core busy with a worker, its threads
    # only add switching (cleanup took 8% more CPU with two).
    cv2.setNumThreads(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from sohoa.ocr.engine import TesseractEngine
    from sohoa.pipeline.pages import process_page

    work = page_function or process_page

    try:
        engine = TesseractEngine(options.language, options.tessdata)
    except SohoaError as exc:
        conn.send(("init-error", str(exc)))
        return
    if page_function is None:
        _load_line_recognizer()
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            break
        if message is None:
            break
        task_id, ref = message
        try:
            conn.send((task_id, work(ref, engine, options)))
        except SohoaError as exc:
            conn.send((task_id, SohoaErrorReport(str(exc))))
        except MemoryError:
            conn.send(
                (task_id, SohoaErrorReport(f"{ref.path}: page {ref.index + 1}: out of memory"))
            )
        except Exception as exc:  # a bug must fail the page, not the batch
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            conn.send(
                (
                    task_id,
                    SohoaErrorReport(f"{ref.path}: page {ref.index + 1}: internal error: {detail}"),
                )
            )
    engine.close()


def _load_line_recognizer() -> None:
    """Load the handwriting line recognizer (page 1 of every document uses it) before the
    first page, not during it: a warm worker answers its first page as fast as the rest.
    A model that cannot load is reported by the page that needs it, as before."""
    try:
        from sohoa.ocr.lines import recognizer

        recognizer()
    except Exception:  # the page that needs it fails in words
        pass


@dataclass(frozen=True)
class SohoaErrorReport:
    """An error message sent back by a worker (exceptions do not always pickle)."""

    message: str


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start a worker without the parent's `__main__`.

    `spawn` imports the parent's main module again in every child, so that
    functions defined there can be unpickled; a worker runs code of this
    package only, and the main module is the CLI (typer, rich and every
    command: 0.1 s and 15 MB a worker for nothing).
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _Worker:
    def __init__(self, ctx: Any, options: PageOptions, page_function: PageFunction | None) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.conn: Connection = parent
        self.process = ctx.Process(
            target=_worker_main, args=(child, options, page_function), daemon=True
        )
        with _main_hidden():
            self.process.start()
        child.close()
        self.ready = False
        self.tasks: deque[tuple[int, Any, PageRef]] = deque()
        """Pages sent to this worker, in order; the first is the one it is working on."""
        self.started_at = 0.0
        """When the worker started on tasks[0]."""
        self.stopping = False
        """Told to exit (`ask_to_stop`)."""

    def send(self, task: tuple[int, Any, PageRef]) -> None:
        if not self.tasks:
            self.started_at = time.monotonic()
        self.tasks.append(task)
        self.conn.send((task[0], task[2]))

    def ask_to_stop(self) -> None:
        """Tell the worker to exit once its page is done (it does not wait); once."""
        if self.stopping:
            return
        self.stopping = True
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)

    def wait_stopped(self) -> None:
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _stop_all(workers: list[_Worker]) -> None:
    """Stop workers side by side: each exits (Tesseract and its models freed) while
    the others do, instead of one after another."""
    running = [worker for worker in workers if not worker.conn.closed]
    for worker in running:
        worker.ask_to_stop()
    for worker in running:
        worker.wait_stopped()


class PagePool:
    """Run `process_page` over many pages in `jobs` worker processes."""

    def __init__(
        self,
        jobs: int,
        options: PageOptions,
        page_function: PageFunction | None = None,
        *,
        one_batch: bool = False,
    ) -> None:
        """`page_function` replaces `process_page` (a module-level function, so
        that it can be sent to spawned workers); tests use it to crash a worker.
        `one_batch`: a started pool that serves one batch (`sohoa ingest`): a
        worker with nothing left to read exits at once, while the others finish
        and the parent signs the last documents (a later `run` starts new ones)."""
        self.jobs = max(1, jobs)
        self.options = options
        self.page_function = page_function
        self.one_batch = one_batch
        self._leaving: list[_Worker] = []
        """Workers told to exit during a run, joined by `close`."""
        # spawn: workers start clean, with no threads or locks inherited from
        # the parent (rich's progress bar runs a thread).
        self._ctx = mp.get_context("spawn")
        self._warm: list[_Worker] | None = None
        self._next_id = 0

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.options, self.page_function)

    def start(self) -> None:
        """Start the workers now and keep them across `run` calls, until `close`."""
        if self._warm is None:
            self._warm = [self._spawn() for _ in range(self.jobs)]

    def close(self) -> None:
        """Stop the workers of a warm pool (each finishes its page first)."""
        workers, self._warm = self._warm or [], None
        leaving, self._leaving = self._leaving, []
        _stop_all(workers + leaving)

    def __enter__(self) -> PagePool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: Iterable[tuple[Any, PageRef]]) -> Iterator[PageResult]:
        """Yield a PageResult for every task, in completion order.

        Each worker holds up to PREFETCH pages: while the parent is busy
        signing a finished document, the workers keep reading the next pages.
        Near the end of the batch a worker takes a second page only while there
        are more pages left than workers: a page queued behind another on a busy
        worker would keep the batch waiting while an idle worker could read it.
        """
        pending = iter(tasks)
        ahead: deque[tuple[Any, PageRef]] = deque()  # read from `pending`, not yet sent
        retry: deque[tuple[int, Any, PageRef]] = deque()  # pages of a dead worker's queue
        warm = self._warm is not None
        workers = (
            self._warm if self._warm is not None else [self._spawn() for _ in range(self.jobs)]
        )
        while warm and len(workers) < self.jobs:  # after a one-batch run let some go
            workers.append(self._spawn())
        exhausted = False
        try:
            while True:
                for worker in workers:
                    while worker.ready and len(worker.tasks) < PREFETCH:
                        while not exhausted and len(ahead) <= len(workers):
                            try:
                                ahead.append(next(pending))
                            except StopIteration:
                                exhausted = True
                        if worker.tasks and exhausted and len(retry) + len(ahead) <= len(workers):
                            break  # the last pages: one each, to whoever is free first
                        if retry:
                            worker.send(retry.popleft())
                            continue
                        if not ahead:
                            break
                        key, ref = ahead.popleft()
                        # Ids never repeat across runs of a warm pool.
                        worker.send((self._next_id, key, ref))
                        self._next_id += 1
                last_pages = warm and self.one_batch and exhausted and not ahead and not retry
                if last_pages:
                    self._let_go([w for w in workers if not w.tasks], workers)
                if exhausted and not ahead and not retry and not any(w.tasks for w in workers):
                    return
                ready = wait([w.conn for w in workers], timeout=5.0)
                done: list[_Worker] = []
                for index, worker in enumerate(workers):
                    result = None
                    if worker.conn in ready:
                        result = self._receive(worker, retry)
                        if last_pages and not retry and not worker.tasks and not worker.conn.closed:
                            worker.ask_to_stop()  # it exits while the parent takes its page
                            done.append(worker)  # out of the run once this loop is over
                    elif (
                        worker.tasks and time.monotonic() - worker.started_at > PAGE_TIMEOUT_SECONDS
                    ):
                        result = self._fail(
                            worker, f"took more than {PAGE_TIMEOUT_SECONDS:.0f} s", retry
                        )
                        worker.kill()
                    if worker.conn.closed:
                        workers[index] = self._spawn()
                    if result is not None:
                        yield result
                self._let_go(done, workers)
        finally:
            if not warm:
                _stop_all(workers)
            else:
                for index, worker in enumerate(workers):
                    if worker.tasks or worker.conn.closed:
                        # A run left early (the batch stopped) leaves pages in flight:
                        # their worker is replaced, so that no later run receives a page
                        # of this one.
                        if not worker.conn.closed:
                            worker.kill()
                        workers[index] = self._spawn()

    def _let_go(self, leaving: list[_Worker], workers: list[_Worker]) -> None:
        """Workers with nothing left to read in a one-batch pool: out of the run, told to
        exit, joined by `close`."""
        for worker in leaving:
            if worker in workers:
                workers.remove(worker)
                worker.ask_to_stop()
                self._leaving.append(worker)

    def _receive(
        self, worker: _Worker, retry: deque[tuple[int, Any, PageRef]]
    ) -> PageResult | None:
        try:
            tag, payload = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.exitcode
            worker.kill()
            if not worker.tasks and worker.ready:
                return None  # an idle worker of a warm pool died: the caller replaces it
            if not worker.tasks:
                raise SohoaError(f"an OCR worker died while starting (exit code {code})") from None
            how = (
                f"killed by signal {-code}"
                if code is not None and code < 0
                else f"exit code {code}"
            )
            return self._fail(worker, f"the OCR worker crashed on this page ({how})", retry)
        if tag == "ready":
            worker.ready = True
            return None
        if tag == "init-error":
            worker.kill()
            raise SohoaError(str(payload))
        task_id, key, ref = worker.tasks.popleft()
        assert task_id == tag
        worker.started_at = time.monotonic()
        if isinstance(payload, SohoaErrorReport):
            return PageResult(key, ref, None, payload.message)
        return PageResult(key, ref, payload, None)

    @staticmethod
    def _fail(worker: _Worker, why: str, retry: deque[tuple[int, Any, PageRef]]) -> PageResult:
        """Fail the page the worker was on; its queued pages go to other workers."""
        _, key, ref = worker.tasks.popleft()
        retry.extend(worker.tasks)
        worker.tasks.clear()
        return PageResult(key, ref, None, f"{ref.path}: page {ref.index + 1}: {why}")


def page_options(settings: Settings, keep_intermediates: Path | None = None) -> PageOptions:
    """What the workers need from the settings; ConfigError when the OCR language is missing."""
    tessdata = preflight.ocr_languages(settings)
    return PageOptions(
        language=settings.ocr_language,
        tessdata=settings.tessdata or tessdata,
        keep_intermediates=keep_intermediates,
    )


def start_workers(settings: Settings, keep_intermediates: Path | None = None) -> PagePool:
    """A pool whose workers start now, for `Ingestor(pool=…)`.

    A command starts it before it imports the PDF and signing code: the workers load
    Tesseract and the line recognizers (~0.5 s each) while the parent imports pyHanko
    and opens the archive, instead of after (a batch of 24 pages ends 0.5 s sooner).
    """
    pool = PagePool(settings.jobs, page_options(settings, keep_intermediates), one_batch=True)
    pool.start()
    return pool
