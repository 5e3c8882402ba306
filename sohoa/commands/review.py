"""`sohoa review`, `sohoa edit`, `sohoa show`: metadata review commands (registered on import).

A clerk lists the documents whose fields the extractor could not read with
confidence, looks at each one and sets or confirms its fields. Corrections go
to the index and the sidecar, with the machine's reading and who changed it
kept in the history; the signed PDF is never touched.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
from sohoa.models import METADATA_FIELDS, PHU_LUC_VI_NAMES


def _open(config: Any, archive: Any) -> Any:
    return open_archive(settings_for(config, archive))


@app.command()
def review(
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List documents that need review: fields unread or unsure, pages under the OCR threshold.

    Correct a field with `sohoa edit ID --set field=value`, or accept the machine's
    reading with `sohoa edit ID --confirm field`.
    """
    from sohoa.archive.edits import review_queue

    with _open(config, archive) as store:
        items = review_queue(store)
    if as_json:
        for item in items:
            print(json.dumps(item.to_json(), ensure_ascii=False), flush=True)
        return
    if not items:
        out.print("Nothing to review: every field of every document is sure.")
        return
    out.print(f"{len(items)} document(s) need review:")
    for item in items:
        what = " ".join(x for x in (item.type_name, item.code) if x) or "type unknown"
        out.print(f"[bold]{item.document_id}[/]  {escape(str(item.source))}  ({what})")
        unsure = [f for f in item.unsure if f not in item.null]
        if item.null:
            out.print(f"    unread : {', '.join(item.null)}")
        if unsure:
            out.print(f"    unsure : {', '.join(unsure)}")
        for number in item.review_pages:
            why = (
                "; ".join(item.page_reasons.get(str(number), []))
                or "OCR confidence under the threshold"
            )
            out.print(f"    page {number}: {why}")
    out.print("Correct with: sohoa edit ID --set field=value  (or --confirm field)")


@app.command()
def edit(
    document_id: Annotated[
        str, typer.Argument(help="Document id (or a unique prefix of it).", show_default=False)
    ],
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="field=value to set (our key or its Phụ lục VI name; dates as YYYY-MM-DD; "
            "recipients separated by ';'; an empty value clears the field). Repeatable.",
            show_default=False,
        ),
    ] = None,
    confirm: Annotated[
        list[str] | None,
        typer.Option(
            "--confirm",
            help="Accept the machine's reading of this field as checked ('all': every field). "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Correct or confirm metadata fields of an archived document.

    The index and the sidecar metadata.json are updated; the machine's value, who
    changed it and when are kept in the history (metadata_edits, events). The signed
    PDF is not re-signed: its XMP keeps what was known at signing.
    """
    from sohoa.archive.edits import apply_edits
    from sohoa.metadata.fields import parse_assignment

    if not assignments and not confirm:
        raise typer.BadParameter("give at least one --set field=value or --confirm field")
    changes = [parse_assignment(text) for text in assignments or []]
    with _open(config, archive) as store:
        result = apply_edits(store, document_id, changes, confirm=confirm or [])
    if as_json:
        payload = {
            "document_id": result.document_id,
            "edits": [e.to_json() for e in result.edits],
            "confirmed": list(result.confirmed),
            "needs_review": result.needs_review,
            "unsure_fields": list(result.unsure),
        }
        print(json.dumps(payload, ensure_ascii=False), flush=True)
        return
    for e in result.edits:
        out.print(
            f"{result.document_id}: {e.field} ({PHU_LUC_VI_NAMES[e.field]}) "
            f"{_show(e.old)} → {_show(e.new)}  [machine: {_show(e.machine)}]"
        )
    if result.confirmed:
        out.print(f"{result.document_id}: confirmed {', '.join(result.confirmed)}")
    if not result.edits and not result.confirmed:
        out.print(f"{result.document_id}: nothing changed")
    if result.needs_review:
        err.print(f"[yellow]still needs review:[/] {', '.join(result.unsure)}")
    else:
        out.print(f"{result.document_id}: reviewed, nothing unsure remains")


@app.command()
def show(
    document_id: Annotated[
        str, typer.Argument(help="Document id (or a unique prefix of it).", show_default=False)
    ],
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Show a document: every field under our key and its Phụ lục VI name, confidence,
    edit history, paths and signature level."""
    from sohoa.archive.edits import document_view

    with _open(config, archive) as store:
        view = document_view(store, document_id)
    if as_json:
        print(json.dumps(view, ensure_ascii=False), flush=True)
        return
    out.print(
        f"[bold]{view['document_id']}[/]  {escape(str(view['source']))}  ({view['pages']} page(s))"
    )
    table = Table(show_header=True)
    table.add_column("field")
    table.add_column("Phụ lục VI")
    table.add_column("value")
    table.add_column("confidence")
    confirmed = set(view["confirmed_fields"])
    unsure = set(view["unsure_fields"])
    for key in METADATA_FIELDS:
        value = view["metadata"].get(key)
        score = view["confidence"].get(key)
        if key in confirmed:
            note = "[green]checked[/]"
        elif score is None:
            note = "[red]unread[/]" if key in unsure else "–"
        else:
            note = f"[yellow]{score:.2f}[/]" if key in unsure else f"{score:.2f}"
        table.add_row(key, PHU_LUC_VI_NAMES[key], _show(value), note)
    out.print(table)
    review_note = "[yellow]yes[/]" if view["needs_review"] else "no"
    out.print(f"needs review: {review_note}", end="")
    if view["review_pages"]:
        out.print(f" (pages under the OCR threshold: {view['review_pages']})", end="")
    out.print()
    if view["edits"]:
        out.print("[bold]edits[/]")
        for e in view["edits"]:
            out.print(
                f"  {e['at']} {e['actor']}: {e['field']} {_show(e['old'])} → {_show(e['new'])}"
                f"  [machine: {_show(e['machine'])}]"
            )
    sig = view["signature"]
    out.print(
        f"signature: PAdES {sig['level']}, signed {sig['signed_at']} by {sig['signer_subject']}"
    )
    for name, path in view["paths"].items():
        out.print(f"  {name:<10} {escape(str(path))}")


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
