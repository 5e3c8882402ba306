"""`sohoa ingest`: scans in, signed PDF/A records out (registered on import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    err,
    out,
    progress_bar,
    settings_for,
)
from sohoa.config import default_jobs
from sohoa.errors import ExitCode, UsageError
from sohoa.models import Archived, Duplicate, Outcome, Quarantined


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
        return (
            f"[green]✓ archived[/]    {outcome.source} → {r.document_id} "
            f"({what or 'type unknown'}, {r.pages} page{'s' * (r.pages != 1)}, PAdES {r.signature_level}){review}"
        )
    if isinstance(outcome, Duplicate):
        return (
            f"[cyan]= duplicate[/]   {outcome.source} (already archived as {outcome.document_id})"
        )
    return f"[red]✗ quarantined[/] {outcome.reason}"


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Scan files (JPEG, PNG, TIFF, PDF) or folders. A folder of page images is one "
            "document; a folder holding PDFs or sub-folders is a batch of documents.",
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
    keep_intermediates: Annotated[
        Path | None,
        typer.Option(
            "--keep-intermediates", help="Write each cleanup stage's image here (debugging)."
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Ingest scans: clean, OCR (vie), extract metadata, build PDF/A, sign, archive.

    Exit code 0 when every input was archived (or was already), 1 when one was quarantined.
    """
    from sohoa.pipeline.orchestrator import Ingestor
    from sohoa.scanners.loader import discover

    settings = settings_for(config, archive, jobs)
    sources = discover(paths)
    if not sources:
        raise UsageError("nothing to ingest", hint="give scan files or folders")
    ingestor = Ingestor(settings, keep_intermediates=keep_intermediates)
    if ingestor.identity.is_demo and not as_json:
        err.print(
            f"[yellow]Signing with the DEMO identity of {ingestor.archive.root}: not legally valid.[/] "
            "Configure the agency's certificate (SOHOA_PKCS12) for real use."
        )
    if not settings.signing.tsa_url and not as_json:
        err.print("[dim]No time-stamp authority configured: signatures are PAdES B-B.[/]")
    failed = 0
    counts = {"archived": 0, "duplicate": 0, "quarantined": 0}
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
            out.print(
                f"{counts['archived']} archived, {counts['duplicate']} duplicate, "
                f"{counts['quarantined']} quarantined → {ingestor.archive.root}"
            )
    finally:
        ingestor.close()
    failed = counts["quarantined"]
    raise typer.Exit(ExitCode.FAILED if failed else ExitCode.OK)
