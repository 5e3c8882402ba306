"""`sohoa doctor` and `sohoa demo` (registered on import)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sohoa.commands.common import ArchiveOption, ConfigOption, app, err, out, settings_for
from sohoa.errors import ExitCode, SohoaError


@app.command()
def doctor(archive: ArchiveOption = None, config: ConfigOption = None) -> None:
    """Check Tesseract and its vie/osd data, poppler, fonts, the signing identity and the archive."""
    from sohoa.doctor import run_checks

    settings = settings_for(config, archive)
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
    return Path(__file__).resolve().parents[2] / "samples"


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
    settings = settings_for(config, archive, jobs)
    code = run_demo(settings, samples_dir(), out, err)
    raise typer.Exit(code)
