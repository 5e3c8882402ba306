"""`sohoa export --bagit` and `sohoa import --bagit`: BagIt bags (RFC 8493) (registered on import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sohoa.commands.archive import signature_checker
from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    open_archive,
    out,
    settings_for,
)
from sohoa.commands.find import DossierOption, FromOption, ToOption, filters_from
from sohoa.errors import ExitCode, UsageError


@app.command("export")
def export_command(
    bagit: Annotated[
        Path,
        typer.Option("--bagit", help="Write a BagIt bag to this new folder.", show_default=False),
    ],
    dossier: DossierOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every document of the archive.")
    ] = False,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Export documents as a BagIt bag: signed PDF, original scan, OCR text, metadata under
    the Phụ lục VI names, PREMIS events from the audit trail; SHA-256 and SHA-512 manifests.

    Choose what with --dossier CODE, --from/--to (issued dates), or --all.
    """
    from sohoa.archive.bag import export_bag
    from sohoa.archive.search import listing

    if not (everything or dossier or date_from or date_to):
        raise UsageError("say what to export: --dossier CODE, --from/--to DATE, or --all")
    if everything and (dossier or date_from or date_to):
        raise UsageError("--all exports everything: give it without --dossier, --from or --to")
    settings = settings_for(config, archive)
    filters = filters_from(None, None, date_from, date_to, dossier)
    with open_archive(settings) as store:
        ids = [h.document_id for h in listing(store.db, store.root, filters, sort="date")]
        what = (
            "every document" if everything else f"dossier {dossier}" if dossier
            else f"issued {date_from or '…'} – {date_to or '…'}"
        )  # fmt: skip
        result = export_bag(
            store,
            bagit,
            ids,
            organization=settings.agency_name or "sohoa archive",
            description=f"sohoa export of {what} from {store.root}",
        )
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        return
    out.print(
        f"{len(result.documents)} document(s), {len(result.dossiers)} dossier(s), "
        f"{result.payload_files} file(s), {result.payload_bytes / 1e6:.1f} MB → {escape(str(result.bag))}"
    )


@app.command("import")
def import_command(
    bagit: Annotated[
        Path, typer.Option("--bagit", help="A bag written by `sohoa export`.", show_default=False)
    ],
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="Trust this root certificate for the bag's signatures."),
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Import a BagIt bag written by `sohoa export`: every manifest, hash and signature is
    checked before a document enters the archive.

    Exit 0 when every document was imported (or already held), 1 when the bag does not
    match its manifests (nothing imported) or a document was refused.
    """
    from sohoa.archive.bag import import_bag

    settings = settings_for(config, archive)
    if trust:
        settings = settings.replace(
            verify=settings.verify.__class__(trust=(*settings.verify.trust, *trust))
        )
    with open_archive(settings, create=True) as store:
        outcomes = import_bag(
            store, bagit, verify_signature=signature_checker(settings, store.root)
        )
    for outcome in outcomes:
        if as_json:
            print(json.dumps(outcome.to_json(), ensure_ascii=False), flush=True)
        else:
            colour = {"imported": "green", "duplicate": "cyan"}.get(outcome.status, "red")
            out.print(
                f"[{colour}]{outcome.status:<9}[/] {outcome.document_id} {escape(outcome.message)}"
            )
    refused = sum(o.status == "refused" for o in outcomes)
    raise typer.Exit(ExitCode.FAILED if refused else ExitCode.OK)
