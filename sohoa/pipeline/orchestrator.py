"""The recipe: load → clean → OCR (pages, in parallel) → extract → PDF/A → sign → verify → store.

Pages of every document of a batch are spread over the worker pool; the parent
assembles each document when its last page comes back, and does every side
effect (PDF, signature, archive) itself. Outcomes are typed values:
`Archived | Duplicate | Quarantined`, yielded in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sohoa import preflight
from sohoa.archive.dossiers import check_code, code_for, link
from sohoa.archive.store import AlreadyArchived, Archive, document_id_for
from sohoa.config import Settings
from sohoa.errors import (
    ConfigError,
    EnvironmentProblem,
    ExitCode,
    PdfError,
    SohoaError,
    disk_error,
)
from sohoa.metadata.extract import extract_metadata
from sohoa.models import (
    Archived,
    ArchiveRecord,
    DocumentMetadata,
    Duplicate,
    OcrPage,
    Outcome,
    Quarantined,
    ScannedDocument,
    SignedPdf,
    Untouched,
)
from sohoa.pipeline.pdfa import build_pdfa
from sohoa.pipeline.pool import PageFunction, PagePool, PageResult, page_options
from sohoa.pipeline.review import with_reasons
from sohoa.scanners.discover import Source
from sohoa.scanners.loader import open_document
from sohoa.signing.identity import SigningIdentity, load_identity, trust_roots_for
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import verify_file
from sohoa.vntime import now


@dataclass(frozen=True)
class Progress:
    """A progress report for a user interface."""

    pages_done: int
    pages_total: int
    documents_done: int
    documents_total: int
    current: str = ""


@dataclass
class _Job:
    """A document in flight (parent-side bookkeeping, mutable on purpose)."""

    position: int
    source: Source
    document: ScannedDocument | None = None
    pages: dict[int, OcrPage] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    twin_of: _Job | None = None
    """An earlier input of the batch with the same bytes: this one follows its outcome."""

    @property
    def complete(self) -> bool:
        assert self.document is not None
        return len(self.pages) + len(self.errors) >= self.document.page_count


def _stops_the_batch(exc: BaseException) -> bool:
    """Configuration and environment errors are nobody's input's fault: stop, keep inputs."""
    return isinstance(exc, EnvironmentProblem | ConfigError)


def as_source(item: Source | Path) -> Source:
    """A bare path is one document: a file, or a folder of page images (library callers)."""
    return item if isinstance(item, Source) else Source(Path(item))


def page_text_boxes(page: OcrPage) -> list[tuple[float, float, float, float]]:
    """Boxes of the page's words and other marks in PDF points, origin
    bottom-left: where the visible signature must not go."""
    k = 72.0 / page.dpi
    return [
        (box[0] * k, (page.height - box[3]) * k, box[2] * k, (page.height - box[1]) * k)
        for box in (*(w.box for w in page.words), *page.ink_boxes)
    ]


class Ingestor:
    """Ingests documents into one archive with one signing identity."""

    def __init__(
        self,
        settings: Settings,
        *,
        keep_intermediates: Path | None = None,
        page_function: PageFunction | None = None,
        dossier: str | None = None,
        warm: bool = False,
        pool: PagePool | None = None,
    ) -> None:
        """Check everything a batch needs besides its inputs, before any page is read.

        Raises ConfigError (exit 4) or an EnvironmentProblem (exit 5): a wrong
        language, a level without a TSA, an unusable identity, a TSA that does not
        answer, a full disk, a replica that cannot be written. `page_function` replaces
        the workers' `process_page` (tests). `dossier`: the mã hồ sơ of every document
        of the batch (else each one's QR code or name, `archive/dossiers.py`).
        `warm`: start the OCR workers now and keep them for every `ingest` call (the
        watched inbox); else each call starts and stops its own. `pool`: workers the
        caller started already (`start_workers`), kept for every call and closed with
        the Ingestor.
        """
        self.settings = settings
        self.page_function = page_function
        self.dossier = check_code(dossier) if dossier else None
        self.options = (
            pool.options if pool is not None else page_options(settings, keep_intermediates)
        )
        self.level = preflight.signing_level(settings)
        preflight.free_space(settings.archive)
        preflight.replica(settings)
        # The pipeline uses the archive through `seams.RecordStore` only.
        self.archive = Archive(
            settings.archive, create=True, replica=settings.replica, station=settings.station
        )
        try:
            self.identity: SigningIdentity = load_identity(settings, self.archive.root)
            self.trust_roots = trust_roots_for(settings, self.archive.root)
            preflight.time_stamp_authority(settings, self.level)
        except BaseException:
            self.archive.close()
            raise
        self._reserved: int | None = None
        """The signature container's size the last signature kept (sign_pdf's `reserve`)."""
        self.pool: PagePool | None = pool
        if warm and pool is None:
            self.pool = PagePool(settings.jobs, self.options, page_function)
            self.pool.start()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.identity.close()
        self.archive.close()

    def ingest(
        self,
        sources: Sequence[Source | Path],
        *,
        on_progress: Callable[[Progress], None] | None = None,
        move_rejected: bool = False,
    ) -> Iterator[Outcome]:
        """Ingest every source; yield one outcome per source, in input order.

        A configuration or environment error (a full disk, a TSA gone) stops the
        batch: every input not yet archived is reported `Untouched`, left where it
        is for a re-run, and the error is raised after the last outcome.
        """
        jobs = [_Job(position=i, source=as_source(s)) for i, s in enumerate(sources)]
        stop: SohoaError | None = None
        try:
            self._open_all(jobs, move_rejected)
        except SohoaError as exc:
            if not _stops_the_batch(exc):
                raise
            stop = exc
        work = [
            j for j in jobs if j.outcome is None and j.document is not None and j.twin_of is None
        ]
        pages_total = sum(j.document.page_count for j in work if j.document)
        state = {"pages": 0, "docs": len(jobs) - len(work)}

        def report(current: str = "") -> None:
            if on_progress:
                on_progress(
                    Progress(state["pages"], pages_total, state["docs"], len(jobs), current)
                )

        report()
        next_to_emit = 0
        if stop is None and work:
            tasks = (
                (job.position, ref) for job in work if job.document for ref in job.document.pages
            )
            pool = self.pool or PagePool(self.settings.jobs, self.options, self.page_function)
            results = pool.run(tasks)
            try:
                for result in results:
                    job = jobs[result.key]
                    self._collect(job, result)
                    state["pages"] += 1
                    report(job.source.path.name)
                    if job.complete:
                        try:
                            job.outcome = self._finish(job, move_rejected)
                        except SohoaError as exc:
                            if not _stops_the_batch(exc):
                                raise
                            stop = exc
                            break
                        job.pages.clear()
                        state["docs"] += 1
                        report(job.source.path.name)
                    while next_to_emit < len(jobs):
                        if jobs[next_to_emit].twin_of is not None:
                            self._follow_twin(jobs[next_to_emit], move_rejected)
                        if jobs[next_to_emit].outcome is None:
                            break
                        yield jobs[next_to_emit].outcome  # type: ignore[misc]
                        next_to_emit += 1
            finally:
                results.close()  # stops the workers, also when the batch stops early
        for job in jobs[next_to_emit:]:
            if job.twin_of is not None and stop is None:
                self._follow_twin(job, move_rejected)
            if job.outcome is None:
                reason = stop.message if stop is not None else "not processed"
                job.outcome = Untouched(job.source.path, f"{reason}; left as it was for a re-run")
            yield job.outcome
        if stop is not None:
            raise stop

    def _open_all(self, jobs: list[_Job], move_rejected: bool) -> None:
        """Open every input (cheap: format, page count, hash) and settle refusals and duplicates."""
        seen: dict[str, _Job] = {}
        for job in jobs:
            source = job.source
            if source.refusal is not None:
                reason = f"{source.path}: {source.refusal}"
                self.archive.quarantine(source.path, reason, copy=False, station=source.station)
                job.outcome = Quarantined(source.path, reason, None)
                continue
            try:
                job.document = open_document(source)
            except SohoaError as exc:
                if _stops_the_batch(exc):
                    raise
                job.outcome = self._quarantine(job, str(exc), move_rejected)
                continue
            sha = job.document.sha256
            existing = self.archive.find(sha)
            if existing is not None:
                job.outcome = self._duplicate(source, existing.document_id, existing.pdf)
            elif sha in seen:  # the same input twice in one batch: it follows the first
                job.twin_of = seen[sha]
            else:
                seen[sha] = job

    @staticmethod
    def _collect(job: _Job, result: PageResult) -> None:
        if result.error is not None:
            job.errors.append(result.error)
        else:
            assert result.page is not None
            job.pages[result.page.index] = result.page

    def _quarantine(self, job: _Job, reason: str, move: bool) -> Quarantined:
        files = job.document.files if job.document is not None else ()
        source = job.source
        kept = self.archive.quarantine(
            source.path,
            reason,
            files=files,
            move=move,
            station=source.station,
            attempt=source.attempt,
        )
        return Quarantined(source=job.source.path, reason=reason, quarantine_path=kept)

    def _finish(self, job: _Job, move_rejected: bool) -> Outcome:
        assert job.document is not None
        if job.errors:
            return self._quarantine(job, "; ".join(job.errors), move_rejected)
        pages = [job.pages[i] for i in sorted(job.pages)]
        try:
            record = self.finish_document(job.document, pages)
        except AlreadyArchived as done:
            return self._duplicate(job.source, done.record.document_id, done.record.pdf)
        except SohoaError as exc:
            if _stops_the_batch(exc):
                raise
            return self._quarantine(job, str(exc), move_rejected)
        return Archived(source=job.source.path, record=record, rule=job.source.rule)

    def _duplicate(self, source: Source, document_id: str, pdf: Path) -> Duplicate:
        """Log the duplicate; link the archived document to the dossier this input names."""
        self.archive.log(
            "duplicate", document_id, {"source": str(source.path)}, station=source.station
        )
        found = code_for(self.dossier, (), source.path, self.settings.dossier_pattern)
        if found is not None:
            link(self.archive, found[0], [document_id], origin=found[1])
        return Duplicate(source.path, document_id, pdf)

    def _follow_twin(self, job: _Job, move_rejected: bool) -> None:
        """The second copy of an input in one batch gets the first one's fate, once known:
        a duplicate of what was archived, or refused for the same reason."""
        assert job.twin_of is not None
        first = job.twin_of.outcome
        if job.outcome is not None or first is None:
            return
        if isinstance(first, Archived):
            record = first.record
            job.outcome = self._duplicate(job.source, record.document_id, record.pdf)
        elif isinstance(first, Duplicate):
            job.outcome = self._duplicate(job.source, first.document_id, first.pdf)
        elif isinstance(first, Quarantined):
            reason = f"{job.source.path}: same bytes as {first.source}, refused: {first.reason}"
            job.outcome = self._quarantine(job, reason, move_rejected)

    def finish_document(self, document: ScannedDocument, pages: Sequence[OcrPage]) -> ArchiveRecord:
        """The parent's part for one document: extract → PDF/A → sign → verify → store.

        Raises AlreadyArchived when another process archived the same input meanwhile.
        """
        metadata = extract_metadata(pages)
        document_id = document_id_for(document.sha256)
        work = self.archive.work_dir()
        unsigned = work / f"{document_id}.pdfa.pdf"
        signed_path = work / f"{document_id}.signed.pdf"
        try:
            archival = build_pdfa(
                pages,
                metadata,
                unsigned,
                title=_title(metadata, document.source),
                document_id=document_id,
                created=now(),
            )
            pages = with_reasons(pages, archival.layer_problems)
            signed = self.sign(unsigned, signed_path, pages[0])
            self._reserved = signed.reserved
            if signed.no_visible_mark:
                pages = with_reasons(pages, {pages[0].index: signed.no_visible_mark})
            verdict = verify_file(signed.path, trust_roots=self.trust_roots)
            if verdict.exit_code == ExitCode.INDETERMINATE:
                raise ConfigError(
                    "the signed copy does not verify as trusted "
                    f"({'; '.join(s.message for s in verdict.signatures) or verdict.status})",
                    hint="add the root of the signing or time-stamp certificate to the trust "
                    "anchors ([verify] trust in sohoa.toml)",
                )
            if verdict.exit_code != ExitCode.OK:
                raise PdfError(
                    f"{document.source}: the signed PDF did not verify: {verdict.status}"
                )
            warnings = sorted({w for p in pages for w in p.warnings})
            codes = [code for page in pages for code in page.codes]
            return self.archive.store(
                document,
                pages,
                metadata,
                signed,
                review_confidence=self.settings.review_confidence,
                extra={"warnings": warnings},
                dossier=code_for(
                    self.dossier, codes, document.source, self.settings.dossier_pattern
                ),
            )
        except OSError as exc:
            raise disk_error(exc, self.archive.root) or PdfError(
                f"{document.source}: cannot write the PDF: {exc.strerror or exc}"
            ) from None
        finally:
            unsigned.unlink(missing_ok=True)
            signed_path.unlink(missing_ok=True)

    def sign(self, unsigned: Path, signed_path: Path, first_page: OcrPage) -> SignedPdf:
        signing = self.settings.signing
        return sign_pdf(
            unsigned,
            signed_path,
            self.identity,
            agency_name=self.settings.agency_name,
            copy_type=self.settings.copy_type,
            tsa_url=signing.tsa_url,
            level=self.level,
            occupied=page_text_boxes(first_page),
            reserve=self._reserved,
        )


def _title(metadata: DocumentMetadata, source: Path) -> str:
    parts = [
        metadata.type_name,
        metadata.code_number and f"số {metadata.code_number}/{metadata.code_notation}",
    ]
    if metadata.subject:
        parts.append(metadata.subject)
    title = " ".join(p for p in parts if p)
    return title or source.name
