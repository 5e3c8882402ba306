"""`sohoa ingest`: scans in, signed PDF/A records out (registered on import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    ReplicaOption,
    app,
    err,
    out,
    progress_bar,
    settings_for,
)
from sohoa.config import default_jobs
from sohoa.errors import ExitCode, UsageError
from sohoa.models import Archived, Duplicate, Outcome, Quarantined, Untouched
from sohoa.scanners.formats import SUPPORTED_HINT


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """One line of `sohoa ingest --json` (DESIGN.md, JSON contract)."""
    base: dict[str, Any] = {
        "source": str(outcome.source),
        "status": outcome.status,
        "document_id": None,
        "pdf": None,
        "pages": None,
        "metadata": None,
        "signature": None,
        "error": None,
    }
    if isinstance(outcome, Archived):
        record = outcome.record
        base.update(
            document_id=record.document_id,
            pdf=str(record.pdf.absolute()),
            pages=record.pages,
            metadata=record.metadata.to_json(),
            signature={"level": record.signature_level},
            dossiers=list(record.dossiers),
            needs_review=record.needs_review,
            review_pages=list(record.pages_needing_review),
            mean_confidence=record.mean_confidence,
        )
    elif isinstance(outcome, Duplicate):
        base.update(document_id=outcome.document_id, pdf=str(outcome.pdf.absolute()))
    elif isinstance(outcome, Quarantined):
        base.update(
            error=outcome.reason,
            quarantine=str(outcome.quarantine_path) if outcome.quarantine_path else None,
        )
    elif isinstance(outcome, Untouched):
        base.update(error=outcome.reason)
    if isinstance(outcome, Archived):
        base["document_rule"] = outcome.rule
    return base


def _describe(outcome: Outcome) -> str:
    if isinstance(outcome, Archived):
        r = outcome.record
        m = r.metadata
        what = " ".join(
            x for x in (m.type_name, m.code_number and f"{m.code_number}/{m.code_notation}") if x
        )
        review = (
            f" [yellow]review pages {list(r.pages_needing_review)}[/]"
            if r.pages_needing_review
            else ""
        )
        rule = f"; {escape(outcome.rule)}" if outcome.rule != "file" else ""
        return (
            f"[green]✓ archived[/]    {escape(str(outcome.source))} → {r.document_id} "
            f"({what or 'type unknown'}, {r.pages} page{'s' * (r.pages != 1)}{rule}, "
            f"PAdES {r.signature_level}){review}"
        )
    if isinstance(outcome, Duplicate):
        return (
            f"[cyan]= duplicate[/]   {escape(str(outcome.source))} "
            f"(already archived as {outcome.document_id})"
        )
    if isinstance(outcome, Untouched):
        return f"[yellow]- untouched[/]   {escape(str(outcome.source))}: {escape(outcome.reason)}"
    return f"[red]✗ quarantined[/] {escape(outcome.reason)}"


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Scan files (JPEG, PNG, TIFF, PDF) or folders. In a folder each PDF, TIFF and "
            "sub-folder is a document; images are pages of one document when named so "
            "(page-1.jpg, page-2.jpg …) or when the folder holds a .document marker, else each "
            "image is a document.",
            show_default=False,
        ),
    ],
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help=f"OCR worker processes (default: all cores, {default_jobs()})."
        ),
    ] = None,
    one_document: Annotated[
        bool,
        typer.Option(
            "--one-document", help="Take all images of each folder as the pages of one document."
        ),
    ] = False,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Ingest the targets of symbolic links (refused by default)."
        ),
    ] = False,
    dossier: Annotated[
        str | None,
        typer.Option(
            "--dossier",
            help="Mã hồ sơ of every document ingested (else read from a QR code on the page, "
            "or from the file or folder name by `dossier_pattern`).",
            show_default=False,
        ),
    ] = None,
    replica: ReplicaOption = None,
    keep_intermediates: Annotated[
        Path | None,
        typer.Option(
            "--keep-intermediates", help="Write each cleanup stage's image here (debugging)."
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Ingest scans: clean, OCR (vie), extract metadata, build PDF/A, sign, archive.

    Exit 0 when every input was archived (or already was), 1 when one was quarantined,
    3 on a usage error, 4 on a configuration error and 5 on an environment error (TSA,
    token, full disk): then inputs not yet archived are reported "untouched" and left
    where they are for a re-run.
    """
    from sohoa.pipeline.pool import start_workers
    from sohoa.scanners.discover import discover

    settings = settings_for(config, archive, jobs, replica)
    sources = discover(
        paths,
        exclude=[settings.archive],
        follow_symlinks=follow_symlinks,
        one_document=one_document,
    )
    if not sources:
        raise UsageError("nothing to ingest: no scan in the folders given", hint=SUPPORTED_HINT)
    pool = start_workers(settings, keep_intermediates)  # they load their models meanwhile
    try:
        from sohoa.pipeline.orchestrator import Ingestor

        ingestor = Ingestor(settings, dossier=dossier, pool=pool)
    except BaseException:
        pool.close()
        raise
    if ingestor.identity.is_demo and not as_json:
        err.print(
            f"[yellow]Signing with the DEMO identity of {escape(str(ingestor.archive.root))}: "
            "not legally valid.[/] Configure the agency's certificate (SOHOA_PKCS12) for real use."
        )
    if not settings.signing.tsa_url and not as_json:
        err.print("[dim]No time-stamp authority configured: signatures are PAdES B-B.[/]")
    counts = dict.fromkeys(("archived", "duplicate", "quarantined", "untouched"), 0)
    try:
        if as_json:
            for outcome in ingestor.ingest(sources):
                counts[outcome.status] += 1
                print(json.dumps(outcome_json(outcome), ensure_ascii=False), flush=True)
        else:
            with progress_bar() as progress:
                task = progress.add_task("OCR", total=None)

                def on_progress(p: Any) -> None:
                    progress.update(
                        task,
                        completed=p.pages_done,
                        total=p.pages_total or None,
                        description=f"pages · documents {p.documents_done}/{p.documents_total}",
                    )

                for outcome in ingestor.ingest(sources, on_progress=on_progress):
                    counts[outcome.status] += 1
                    progress.console.print(_describe(outcome))
    finally:
        ingestor.close()
        if not as_json:
            untouched = f", {counts['untouched']} untouched" if counts["untouched"] else ""
            out.print(
                f"{counts['archived']} archived, {counts['duplicate']} duplicate, "
                f"{counts['quarantined']} quarantined{untouched} → {escape(str(ingestor.archive.root))}"
            )
    raise typer.Exit(ExitCode.FAILED if counts["quarantined"] else ExitCode.OK)
