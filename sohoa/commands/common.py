"""What every command shares: the typer app, the consoles, common options, settings.

Command modules (`sohoa/commands/*.py`) import from here and register on `app`;
`sohoa/cli.py` imports them all and maps errors to exit codes. Nothing here
imports a command module, so there is no import cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

from sohoa import __version__
from sohoa.config import Settings, load_settings, with_jobs

if TYPE_CHECKING:
    from sohoa.archive.store import Archive

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
ReplicaOption = Annotated[
    Path | None,
    typer.Option(
        "--replica",
        help="Second copy of the objects (default: `replica` in sohoa.toml or $SOHOA_REPLICA).",
        show_default=False,
    ),
]


def settings_for(
    config: Path | None,
    archive: Path | None,
    jobs: int | None = None,
    replica: Path | None = None,
) -> Settings:
    """Settings from sohoa.toml and the environment, with the command line's options on top."""
    settings = with_jobs(load_settings(config), jobs)
    if archive is not None:
        settings = settings.replace(archive=archive)
    if replica is not None:
        settings = settings.replace(replica=replica)
    return settings


def open_archive(settings: Settings, *, create: bool = False) -> Archive:
    """The archive of `settings`, with its replica and this station's name for the log."""
    from sohoa.archive.store import Archive

    return Archive(
        settings.archive, create=create, replica=settings.replica, station=settings.station
    )


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


def progress_bar() -> Progress:
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
