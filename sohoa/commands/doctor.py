"""`sohoa doctor` and `sohoa demo` (registered on import)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sohoa.commands.common import ArchiveOption, ConfigOption, app, err, out, settings_for
from sohoa.errors import SohoaError


@app.command()
def doctor(archive: ArchiveOption = None, config: ConfigOption = None) -> None:
    """Check Tesseract and its data, poppler, jbig2dec, the settings, the signing identity,
    the time-stamp authority and the archive, as an ingest checks them before it starts.

    Exit 0 when everything works (warnings included), 4 when a setting is wrong, 5 when
    the machine lacks something.
    """
    from sohoa.doctor import exit_code, run_checks

    settings = settings_for(config, archive)
    table = Table(title="sohoa doctor", show_lines=False)
    table.add_column("check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("detail", overflow="fold")
    table.add_column("fix", overflow="fold")
    checks = run_checks(settings)
    style = {"ok": "[green]ok[/]", "warning": "[yellow]warning[/]", "error": "[red]ERROR[/]"}
    for check in checks:
        fix = escape(check.fix or "") if check.status != "ok" else ""
        table.add_row(check.name, style[check.status], escape(check.detail), fix)
    out.print(table)
    code = exit_code(checks)
    if code:
        err.print("[red]Something must be fixed before sohoa can ingest: see the fix column.[/]")
        raise typer.Exit(code)


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
