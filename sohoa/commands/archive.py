"""`sohoa archive …`: archive maintenance (registered on import)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from sohoa.commands.common import ArchiveOption, ConfigOption, JsonOption, app, out, settings_for
from sohoa.errors import ExitCode, SohoaError

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

    settings = settings_for(config, archive)
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
