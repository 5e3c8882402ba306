"""`sohoa dossier show|link|unlink|list`: dossiers (hồ sơ) and their documents (registered on import)."""

from __future__ import annotations

import json
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
from sohoa.commands.find import print_dossier, print_hit

dossier_app = typer.Typer(
    help="Dossiers (hồ sơ, Thông tư 05/2025): their fields and the documents linked to them.",
    no_args_is_help=True,
)
app.add_typer(dossier_app, name="dossier")

CodeArgument = Annotated[
    str, typer.Argument(help="Mã hồ sơ, e.g. 000.00.17.H34-230512-0003.", show_default=False)
]
IdsArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Document ids (or unique prefixes).", show_default=False),
]


def _field(name: str, help_text: str) -> Any:
    return typer.Option(f"--{name.replace('_', '-')}", help=help_text, show_default=False)


@dossier_app.command("show")
def dossier_show(
    code: CodeArgument,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Show a dossier: its fields (with their Phụ lục VI names) and its documents."""
    from sohoa.archive import dossiers

    with open_archive(settings_for(config, archive)) as store:
        view = dossiers.get(store, dossiers.check_code(code))
    if as_json:
        print(json.dumps(view.to_json(), ensure_ascii=False), flush=True)
        return
    data = view.to_json()
    print_dossier(data)
    for key in dossiers.EDITABLE:
        if data.get(key) and key not in ("title", "applicant_name", "applicant_id"):
            out.print(f"    {key}: {escape(str(data[key]))}")
    for hit in view.documents:
        print_hit(hit, snippet=False)


@dossier_app.command("link")
def dossier_link(
    code: CodeArgument,
    document_ids: IdsArgument = None,
    title: Annotated[str | None, _field("title", "Tiêu đề hồ sơ.")] = None,
    maintenance: Annotated[
        str | None, _field("maintenance", "Thời hạn bảo quản ('Vĩnh viễn', '10 năm').")
    ] = None,
    rights: Annotated[str | None, _field("rights", "Chế độ sử dụng.")] = None,
    creator: Annotated[str | None, _field("creator", "Người lập hồ sơ.")] = None,
    applicant_id: Annotated[
        str | None, _field("citizen", "Số định danh cá nhân (CCCD) of the applicant.")
    ] = None,
    applicant_name: Annotated[str | None, _field("applicant", "Name of the applicant.")] = None,
    start_date: Annotated[str | None, _field("start", "Thời gian bắt đầu (YYYY-MM-DD).")] = None,
    end_date: Annotated[str | None, _field("end", "Thời gian kết thúc (YYYY-MM-DD).")] = None,
    keywords: Annotated[str | None, _field("keywords", "Từ khóa.")] = None,
    description: Annotated[str | None, _field("description", "Ghi chú.")] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Link documents to a dossier, creating it if new, and set its fields.

    Every change is written to the index, the documents' sidecars and the audit trail.
    """
    from sohoa.archive import dossiers

    fields = {
        "title": title,
        "maintenance": maintenance,
        "rights": rights,
        "creator": creator,
        "applicant_id": applicant_id,
        "applicant_name": applicant_name,
        "start_date": start_date,
        "end_date": end_date,
        "keywords": keywords,
        "description": description,
    }
    with open_archive(settings_for(config, archive)) as store:
        code = dossiers.check_code(code)
        dossiers.update(store, code, fields)
        linked = dossiers.link(store, code, document_ids or [])
    if as_json:
        print(json.dumps({"dossier": code, "linked": linked}, ensure_ascii=False), flush=True)
        return
    for document_id in linked:
        out.print(f"{document_id} → hồ sơ {escape(code)}")
    out.print(f"{len(linked)} document(s) linked to {escape(code)}")


@dossier_app.command("unlink")
def dossier_unlink(
    code: CodeArgument,
    document_ids: IdsArgument = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Remove documents from a dossier (the documents themselves stay archived)."""
    from sohoa.archive import dossiers

    with open_archive(settings_for(config, archive)) as store:
        removed = dossiers.unlink(store, code, document_ids or [])
    if as_json:
        print(json.dumps({"dossier": code, "unlinked": removed}, ensure_ascii=False), flush=True)
        return
    out.print(f"{len(removed)} document(s) unlinked from {escape(code)}")


@dossier_app.command("list")
def dossier_list(
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List the dossiers of the archive with their number of documents."""
    from sohoa.archive import dossiers

    with open_archive(settings_for(config, archive)) as store:
        rows = dossiers.all_codes(store)
    for row in rows:
        if as_json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            out.print(
                f"[bold]{escape(row['code'])}[/]  {row['documents']} document(s)  "
                f"{escape(row['title'] or '')}  {escape(row['applicant_name'] or '')}"
            )
