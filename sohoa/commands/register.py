"""`sohoa register import`: the register of TTHC results, the denominator of progress
(registered on import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    err,
    open_archive,
    out,
    settings_for,
)
from sohoa.errors import ExitCode

register_app = typer.Typer(
    help="The register of TTHC results exported by the one-stop system (the denominator of "
    "`sohoa progress`).",
    no_args_is_help=True,
)
app.add_typer(register_app, name="register")


@register_app.command("import")
def register_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="The export: .csv (UTF-8, UTF-16 or Windows-1258; , ; or tab) or .xlsx.",
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and count; change nothing.")
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Worksheet to read (default: the first with a heading row)."),
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Import the list of results: mã hồ sơ, procedure, lĩnh vực, phòng, dates, validity,
    applicant.

    Columns are recognised by their headings (Vietnamese with or without diacritics,
    snake_case, CamelCase, English), others through [register.columns] in sohoa.toml.
    Dates as 31/05/2021, 2021-05-31 or Excel dates. A bad row is reported with its line
    number and reason, and the rest is imported; a re-import updates without duplicating.
    Exit 0 when every row was imported, 1 when some were not.
    """
    from sohoa.progress.register import import_register

    settings = settings_for(config, archive)
    with open_archive(settings) as store:
        result = import_register(store, file, settings, dry_run=dry_run, sheet=sheet)
    if as_json:
        for bad in result.bad:
            print(json.dumps(bad.to_json(), ensure_ascii=False), flush=True)
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
    else:
        fields = result.columns["fields"]
        err.print(
            "columns: "
            + escape(", ".join(f"{heading} → {name}" for name, heading in fields.items()))
            + (
                f"; ignored: {escape(', '.join(result.columns['ignored']))}"
                if result.columns["ignored"]
                else ""
            )
        )
        for bad in result.bad:
            out.print(f"[red]line {bad.line}[/]: {escape(bad.reason)}")
        verb = "would import" if dry_run else "imported"
        rate = result.rows / result.seconds if result.seconds else 0
        out.print(
            f"{escape(str(file))}: {result.rows} row(s), {verb} {result.imported} "
            f"({result.inserted} new, {result.updated} updated, {result.unchanged} unchanged), "
            f"{len(result.bad)} not imported — {result.seconds:.1f} s ({rate:,.0f} rows/s)"
        )
    raise typer.Exit(ExitCode.FAILED if result.bad else ExitCode.OK)
