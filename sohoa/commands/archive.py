"""`sohoa archive …`: archive maintenance (registered on import)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from sohoa.commands.common import ArchiveOption, ConfigOption, JsonOption, app, out, settings_for
from sohoa.errors import ConfigError, ExitCode

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
    from sohoa.archive.renewal import renew_archive
    from sohoa.archive.store import Archive
    from sohoa.signing.identity import trust_roots_for

    settings = settings_for(config, archive)
    tsa = settings.signing.tsa_url
    if not tsa:
        raise ConfigError(
            "renewing time-stamps needs a time-stamp authority",
            hint="set [signing] tsa_url in sohoa.toml or $SOHOA_TSA_URL",
        )
    store = Archive(settings.archive)
    counts = dict.fromkeys(("renewed", "not-due", "no-timestamp", "failed"), 0)
    try:
        renewals = renew_archive(
            store,
            tsa,
            before_days=before,
            force=force,
            trust_roots=trust_roots_for(settings, store.root),
        )
        for renewal in renewals:
            counts[renewal.status] += 1
            if as_json:
                print(json.dumps(renewal.to_json(), ensure_ascii=False), flush=True)
            elif renewal.status in ("renewed", "failed"):
                colour = "green" if renewal.status == "renewed" else "red"
                out.print(
                    f"[{colour}]{renewal.status}[/] {renewal.document_id} "
                    f"{escape(renewal.error or '')}"
                )
    finally:
        store.close()
        if not as_json:
            out.print(
                f"{counts['renewed']} renewed, {counts['not-due']} not due, "
                f"{counts['no-timestamp']} without time-stamp (B-B), {counts['failed']} failed"
            )
    raise typer.Exit(ExitCode.FAILED if counts["failed"] else ExitCode.OK)
