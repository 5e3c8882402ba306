"""The `sohoa` command: a thin typer layer over the library.

Commands parse options, call the library, render the result. Every error a
user can meet is a `SohoaError` mapped to its exit code in `main`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sohoa import __version__
from sohoa.config import Settings, default_jobs, load_settings
from sohoa.errors import ExitCode, SohoaError
from sohoa.models import Archived, Duplicate, Outcome, Quarantined

try:  # typer ≥ 0.25 carries its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

app = typer.Typer(
    name="sohoa",
    help="Số hóa: turn scanned papers of a Bộ phận Một cửa into signed, searchable PDF/A records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

ArchiveOption = Annotated[
    Path | None,
    typer.Option(
        "--archive",
        "-a",
        help="Archive directory (default: $SOHOA_ARCHIVE or ./archive).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="sohoa.toml to read (default: $SOHOA_CONFIG or ./sohoa.toml)."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object per line, for scripts.")
]


def _settings(config: Path | None, archive: Path | None, jobs: int | None = None) -> Settings:
    settings = load_settings(config)
    if archive is not None:
        settings = settings.replace(archive=archive)
    if jobs is not None:
        if jobs < 1:
            raise typer.BadParameter("must be at least 1", param_hint="--jobs")
        settings = settings.replace(jobs=jobs)
    return settings


def _version(value: bool) -> None:
    if value:
        out.print(f"sohoa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Số hóa: scans in, signed searchable PDF/A out, archived."""


# --- ingest ----------------------------------------------------------------------------


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

    settings = _settings(config, archive, jobs)
    sources = discover(paths)
    if not sources:
        raise SohoaError("nothing to ingest", hint="give scan files or folders")
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
            with _progress() as progress:
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


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


# --- archive maintenance ---------------------------------------------------------------

archive_app = typer.Typer(
    help="Archive maintenance: keep the signatures of archived records verifiable for decades.",
    no_args_is_help=True,
)
app.add_typer(archive_app, name="archive")


@archive_app.command("renew")
def archive_renew(
    archive: ArchiveOption = None,
    before: Annotated[
        int,
        typer.Option(
            "--before", help="Renew files whose last time-stamp certificate expires within DAYS."
        ),
    ] = 90,
    force: Annotated[
        bool, typer.Option("--force", help="Renew every time-stamped file, due or not.")
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Add a fresh document time-stamp (and validation data) to archived files whose
    last time-stamp certificate expires soon, so B-LTA records stay verifiable.

    Needs a time-stamp authority ([signing] tsa_url or $SOHOA_TSA_URL). Files without any
    time-stamp (PAdES B-B) are left as they are. Exit 1 when a file could not be renewed.
    """
    from sohoa.archive.store import Archive
    from sohoa.signing.identity import trust_roots_for
    from sohoa.signing.renew import last_timestamp, needs_renewal, renew_file

    settings = _settings(config, archive)
    tsa = settings.signing.tsa_url
    if not tsa:
        raise SohoaError(
            "renewing time-stamps needs a time-stamp authority",
            hint="set [signing] tsa_url in sohoa.toml or $SOHOA_TSA_URL",
        )
    store = Archive(settings.archive)
    roots = trust_roots_for(settings, store.root)
    counts = {"renewed": 0, "not-due": 0, "no-timestamp": 0, "failed": 0}
    try:
        for record in store.records():
            last = last_timestamp(record.pdf)
            line: dict[str, Any] = {
                "document_id": record.document_id,
                "pdf": str(record.pdf),
                "timestamp_expires": last.expires.isoformat() if last else None,
                "error": None,
            }
            if last is None:
                status = "no-timestamp"
            elif not force and not needs_renewal(record.pdf, before):
                status = "not-due"
            else:
                try:
                    renew_file(record.pdf, tsa, before_days=before, trust_roots=roots, force=True)
                except SohoaError as exc:
                    status, line["error"] = "failed", str(exc)
                else:
                    status = "renewed"
                    store.pdf_changed(record.document_id, "renew", {"tsa": tsa})
                    renewed = last_timestamp(record.pdf)
                    line["timestamp_expires"] = renewed.expires.isoformat() if renewed else None
            counts[status] += 1
            line["status"] = status
            if as_json:
                print(json.dumps(line, ensure_ascii=False), flush=True)
            elif status in ("renewed", "failed"):
                colour = "green" if status == "renewed" else "red"
                out.print(f"[{colour}]{status}[/] {record.document_id} {line['error'] or ''}")
    finally:
        store.close()
    if not as_json:
        out.print(
            f"{counts['renewed']} renewed, {counts['not-due']} not due, "
            f"{counts['no-timestamp']} without time-stamp (B-B), {counts['failed']} failed"
        )
    raise typer.Exit(ExitCode.FAILED if counts["failed"] else ExitCode.OK)


# --- doctor ----------------------------------------------------------------------------


@app.command()
def doctor(archive: ArchiveOption = None, config: ConfigOption = None) -> None:
    """Check Tesseract and its vie/osd data, poppler, fonts, the signing identity and the archive."""
    from sohoa.doctor import run_checks

    settings = _settings(config, archive)
    table = Table(title="sohoa doctor", show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail")
    table.add_column("fix")
    missing = False
    for check in run_checks(settings):
        if check.ok:
            status = "[green]ok[/]"
        elif check.required:
            status = "[red]MISSING[/]"
            missing = True
        else:
            status = "[yellow]optional[/]"
        table.add_row(check.name, status, check.detail, check.fix or "" if not check.ok else "")
    out.print(table)
    if missing:
        err.print("[red]Something required is missing: run the fix commands above.[/]")
        raise typer.Exit(ExitCode.ENVIRONMENT)


# --- demo ------------------------------------------------------------------------------


def samples_dir() -> Path:
    """The bundled samples (in a source checkout, beside the package)."""
    return Path(__file__).resolve().parent.parent / "samples"


@app.command()
def demo(
    archive: Annotated[
        Path, typer.Option("--archive", "-a", help="Demo archive directory (recreated).")
    ] = Path("demo-archive"),
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="OCR worker processes.")] = None,
    config: ConfigOption = None,
) -> None:
    """Ingest the bundled samples into a fresh demo archive, verify every output, print a summary."""
    from sohoa.demo import run_demo

    scans = samples_dir() / "scans"
    if not scans.is_dir():
        raise SohoaError(
            f"{scans}: bundled samples not found", hint="run from a source checkout of sohoa"
        )
    if archive.exists():
        if not (archive / "index.sqlite").exists() and any(archive.iterdir()):
            raise SohoaError(
                f"{archive}: exists and is not a sohoa archive; refusing to replace it"
            )
        shutil.rmtree(archive)
    settings = _settings(config, archive, jobs)
    code = run_demo(settings, samples_dir(), out, err)
    raise typer.Exit(code)


# Commands defined in their own modules register themselves on `app`.
from sohoa.commands import review as _review  # noqa: E402, F401
from sohoa.commands import trust as _trust  # noqa: E402, F401
from sohoa.commands import verify as _verify  # noqa: E402, F401


def main() -> None:
    """Console entry point: map every error to its exit code, never a traceback."""
    # pyHanko logs validation failures with tracebacks; the verdict says it all.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        code = app(standalone_mode=False)
    except click_exceptions.UsageError as exc:
        exc.show()
        sys.exit(ExitCode.BAD_INPUT)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except SohoaError as exc:
        err.print(f"[red]error:[/] {exc.message}")
        if exc.hint:
            err.print(f"  hint: {exc.hint}")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly; the traceback on request
        if os.environ.get("SOHOA_DEBUG"):
            raise
        err.print(f"[red]internal error:[/] {type(exc).__name__}: {exc}")
        err.print(
            "  this is a bug in sohoa; run again with SOHOA_DEBUG=1 for the traceback and report it"
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(int(code or 0))


if __name__ == "__main__":
    # `python -m sohoa.cli` runs this file as __main__, a second copy of the module:
    # commands in sohoa/commands/ registered themselves on the imported sohoa.cli.app.
    from sohoa.cli import main as _registered_main

    _registered_main()
