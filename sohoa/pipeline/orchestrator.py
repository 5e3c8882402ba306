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

from sohoa.archive.store import Archive, document_id_for
from sohoa.config import Settings
from sohoa.errors import SohoaError
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
)
from sohoa.pipeline.pages import PageOptions
from sohoa.pipeline.pdfa import build_pdfa
from sohoa.pipeline.pool import PageFunction, PagePool, PageResult
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
    source: Path
    document: ScannedDocument | None = None
    pages: dict[int, OcrPage] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcome: Outcome | None = None

    @property
    def complete(self) -> bool:
        assert self.document is not None
        return len(self.pages) + len(self.errors) >= self.document.page_count


def page_text_boxes(page: OcrPage) -> list[tuple[float, float, float, float]]:
    """Word boxes of a page in PDF points, origin bottom-left (for placing the signature)."""
    k = 72.0 / page.dpi
    return [
        (w.box[0] * k, (page.height - w.box[3]) * k, w.box[2] * k, (page.height - w.box[1]) * k)
        for w in page.words
    ]


class Ingestor:
    """Ingests documents into one archive with one signing identity."""

    def __init__(
        self,
        settings: Settings,
        *,
        keep_intermediates: Path | None = None,
        page_function: PageFunction | None = None,
    ) -> None:
        """`page_function` replaces the workers' `process_page` (tests)."""
        self.settings = settings
        self.page_function = page_function
        self.archive = Archive(settings.archive)
        self.identity: SigningIdentity = load_identity(settings, self.archive.root)
        self.trust_roots = trust_roots_for(settings, self.archive.root)
        self.options = PageOptions(
            language=settings.ocr_language,
            tessdata=settings.tessdata,
            keep_intermediates=keep_intermediates,
        )

    def close(self) -> None:
        self.archive.close()

    def ingest(
        self,
        sources: Sequence[Path],
        *,
        on_progress: Callable[[Progress], None] | None = None,
        move_rejected: bool = False,
    ) -> Iterator[Outcome]:
        """Ingest every source; yield one outcome per source, in input order."""
        jobs = [_Job(position=i, source=Path(s)) for i, s in enumerate(sources)]
        seen: dict[str, _Job] = {}
        for job in jobs:
            try:
                job.document = open_document(job.source)
            except SohoaError as exc:
                job.outcome = self._quarantine(job.source, str(exc), move_rejected)
                continue
            sha = job.document.sha256
            existing = self.archive.find(sha)
            if existing is not None:
                job.outcome = Duplicate(job.source, existing.document_id, existing.pdf)
            elif sha in seen:  # the same input twice in one batch
                job.outcome = Duplicate(
                    job.source,
                    document_id_for(sha),
                    self.archive.object_dir(document_id_for(sha)) / "document.pdf",
                )
            else:
                seen[sha] = job

        work = [j for j in jobs if j.outcome is None]
        pages_total = sum(j.document.page_count for j in work if j.document)
        state = {"pages": 0, "docs": len(jobs) - len(work)}

        def report(current: str = "") -> None:
            if on_progress:
                on_progress(
                    Progress(state["pages"], pages_total, state["docs"], len(jobs), current)
                )

        report()
        tasks = ((job.position, ref) for job in work if job.document for ref in job.document.pages)
        next_to_emit = 0
        pool = PagePool(self.settings.jobs, self.options, self.page_function)
        for result in pool.run(tasks):
            job = jobs[result.key]
            self._collect(job, result)
            state["pages"] += 1
            report(job.source.name)
            if job.complete:
                job.outcome = self._finish(job, move_rejected)
                job.pages.clear()
                state["docs"] += 1
                report(job.source.name)
            while next_to_emit < len(jobs) and jobs[next_to_emit].outcome is not None:
                yield jobs[next_to_emit].outcome  # type: ignore[misc]
                next_to_emit += 1
        while next_to_emit < len(jobs):
            outcome = jobs[next_to_emit].outcome
            assert outcome is not None
            yield outcome
            next_to_emit += 1

    @staticmethod
    def _collect(job: _Job, result: PageResult) -> None:
        if result.error is not None:
            job.errors.append(result.error)
        else:
            assert result.page is not None
            job.pages[result.page.index] = result.page

    def _quarantine(self, source: Path, reason: str, move: bool) -> Quarantined:
        kept = self.archive.quarantine(source, reason, move=move)
        return Quarantined(source=source, reason=reason, quarantine_path=kept)

    def _finish(self, job: _Job, move_rejected: bool) -> Outcome:
        assert job.document is not None
        if job.errors:
            return self._quarantine(job.source, "; ".join(job.errors), move_rejected)
        pages = [job.pages[i] for i in sorted(job.pages)]
        try:
            record = self.finish_document(job.document, pages)
        except SohoaError as exc:
            return self._quarantine(job.source, str(exc), move_rejected)
        return Archived(source=job.source, record=record)

    def finish_document(self, document: ScannedDocument, pages: Sequence[OcrPage]) -> ArchiveRecord:
        """The parent's part for one document: extract → PDF/A → sign → verify → store."""
        metadata = extract_metadata(pages)
        document_id = document_id_for(document.sha256)
        stage = self.archive.tmp
        unsigned = stage / f"{document_id}.pdfa.pdf"
        signed_path = stage / f"{document_id}.signed.pdf"
        try:
            build_pdfa(
                pages,
                metadata,
                unsigned,
                title=_title(metadata, document.source),
                document_id=document_id,
                created=now(),
            )
            signed = self.sign(unsigned, signed_path, pages[0])
            verdict = verify_file(signed.path, trust_roots=self.trust_roots)
            if verdict.exit_code != 0:
                raise SohoaError(
                    f"{document.source}: the signed PDF did not verify: {verdict.status}"
                )
            warnings = sorted({w for p in pages for w in p.warnings})
            return self.archive.store(
                document,
                pages,
                metadata,
                signed,
                review_confidence=self.settings.review_confidence,
                extra={"warnings": warnings},
            )
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
            level=signing.level,
            occupied=page_text_boxes(first_page),
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
