"""`sohoa search`, `sohoa list`, `sohoa lookup`: finding what the office holds (registered on import)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.markup import escape

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    open_archive,
    out,
    settings_for,
)
from sohoa.errors import ExitCode, UsageError

TypeOption = Annotated[
    str | None,
    typer.Option("--type", help="Only this type (tên loại), e.g. 'quyết định' or 'cong van'."),
]
OrganOption = Annotated[
    str | None, typer.Option("--organ", help="Only documents of this organ (words of its name).")
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Issued on or after DATE (YYYY-MM-DD).")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Issued on or before DATE (YYYY-MM-DD).")
]
DossierOption = Annotated[
    str | None, typer.Option("--dossier", help="Only documents of this dossier (mã hồ sơ).")
]


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


def filters_from(
    type_name: str | None,
    organ: str | None,
    date_from: str | None,
    date_to: str | None,
    dossier: str | None,
    needs_review: bool | None = None,
) -> Any:
    from sohoa.archive.search import Filters

    return Filters(
        type_name=type_name,
        organ=organ,
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
        dossier=dossier.strip() if dossier else None,
        needs_review=needs_review,
    )


def print_hit(hit: Any, *, snippet: bool) -> None:
    m = hit.metadata
    code = hit.to_json()["code"]
    what = " ".join(x for x in (m.get("type_name"), code and f"số {code}") if x) or "type unknown"
    when = m.get("issued_date") or "date unknown"
    dossiers = f"  [hồ sơ {', '.join(hit.dossiers)}]" if hit.dossiers else ""
    review = "  [yellow]needs review[/]" if hit.needs_review else ""
    out.print(
        f"[bold]{hit.document_id}[/]  {escape(what)}  {when}  "
        f"{escape(m.get('organ_name') or '')}{escape(dossiers)}{review}"
    )
    if m.get("subject"):
        out.print(f"    {escape(m['subject'])}")
    if snippet and hit.snippet:
        text, marked, pos = hit.snippet, [], 0
        for start, end in hit.highlights:
            marked.append(escape(text[pos:start]))
            marked.append(f"[bold yellow]{escape(text[start:end])}[/]")
            pos = end
        marked.append(escape(text[pos:]))
        out.print(f"    {''.join(marked)}")


@app.command("search")
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            help="Words to find in the text and the metadata, with or without diacritics "
            "('quyet dinh so hoa'), or a số/ký hiệu ('151/QĐ-STC', '151 qd stc').",
            show_default=False,
        ),
    ],
    type_name: TypeOption = None,
    organ: OrganOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    dossier: DossierOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N results.")] = 20,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Search the archive: OCR text and metadata, insensitive to case and diacritics.

    Results are ranked (a hit in the số/ký hiệu, type, organ or subject ranks above a
    hit in the body) and shown with a snippet. Exit 0 when something was found, 1 when
    nothing was.
    """
    from sohoa.archive.search import search

    filters = filters_from(type_name, organ, date_from, date_to, dossier)
    with open_archive(settings_for(config, archive)) as store:
        hits = search(store.db, store.root, query, filters, limit=limit)
    if as_json:
        for hit in hits:
            print(json.dumps(hit.to_json(), ensure_ascii=False), flush=True)
    else:
        for hit in hits:
            print_hit(hit, snippet=True)
        out.print(
            f"{len(hits)} document(s) found" + (f" (first {limit})" if len(hits) == limit else "")
        )
    raise typer.Exit(ExitCode.OK if hits else ExitCode.FAILED)


@app.command("list")
def list_command(
    type_name: TypeOption = None,
    organ: OrganOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    dossier: DossierOption = None,
    review: Annotated[
        bool | None,
        typer.Option("--review/--reviewed", help="Only documents that need review (or not)."),
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="date, ingested, code, type or organ.")
    ] = "date",
    descending: Annotated[bool, typer.Option("--desc", help="Newest (largest) first.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most N documents.")
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List archived documents, filtered and sorted."""
    from sohoa.archive.search import listing

    filters = filters_from(type_name, organ, date_from, date_to, dossier, review)
    with open_archive(settings_for(config, archive)) as store:
        hits = listing(store.db, store.root, filters, sort=sort, descending=descending, limit=limit)
    if as_json:
        for hit in hits:
            print(json.dumps(hit.to_json(), ensure_ascii=False), flush=True)
        return
    for hit in hits:
        print_hit(hit, snippet=False)
    out.print(f"{len(hits)} document(s)")


@app.command()
def lookup(
    dossier: Annotated[
        str | None, typer.Option("--dossier", help="Mã hồ sơ of the dossier.")
    ] = None,
    citizen: Annotated[
        str | None,
        typer.Option("--citizen", help="Số định danh cá nhân (CCCD) of the applicant."),
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """What the office already holds for a dossier or an applicant, so that it is not
    asked for again. Exit 0 when something is held, 1 when nothing is."""
    from sohoa.archive import dossiers

    if (dossier is None) == (citizen is None):
        raise UsageError("give one of --dossier CODE or --citizen ID")
    with open_archive(settings_for(config, archive)) as store:
        if dossier is not None:
            code = dossiers.check_code(dossier)
            known = store.db.execute("SELECT 1 FROM dossiers WHERE code = ?", (code,)).fetchone()
            found = [dossiers.get(store, code)] if known else []
        else:
            found = dossiers.by_citizen(store, citizen or "")
        documents = sum(len(d.documents) for d in found)
        dossiers.log_lookup(store, dossier, citizen, found)
    if as_json:
        print(
            json.dumps(
                {
                    "dossier": dossier,
                    "citizen": citizen,
                    "dossiers": [d.to_json() for d in found],
                    "documents": documents,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    else:
        if not found:
            out.print("Nothing held for this " + ("dossier." if dossier else "applicant."))
        for d in found:
            print_dossier(d.to_json())
            for hit in d.documents:
                print_hit(hit, snippet=False)
        if found:
            out.print(f"{len(found)} dossier(s), {documents} document(s) held")
    raise typer.Exit(ExitCode.OK if documents else ExitCode.FAILED)


def print_dossier(view: dict[str, Any]) -> None:
    title = view.get("title") or "(no title)"
    out.print(f"[bold]hồ sơ {escape(view['code'])}[/]  {escape(title)}")
    if view.get("applicant_name") or view.get("applicant_id"):
        out.print(
            f"    người nộp: {escape(view.get('applicant_name') or '')} "
            f"{escape(view.get('applicant_id') or '')}"
        )
    out.print(
        f"    {view['doc_total']} văn bản, {view['page_total']} trang, "
        f"{view.get('start_date') or '?'} – {view.get('end_date') or '?'}"
    )
