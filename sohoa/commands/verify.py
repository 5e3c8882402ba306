"""`sohoa verify`: verdicts on signed PDFs, for auditors (registered on import).

The command parses, decides which trust anchors apply to which file (the
rules live in `signing.trust`), calls `signing.verify.verify_file`, renders.
An archive's own identity is trusted only when that archive is named with
`--archive`, or, for the archive configured in sohoa.toml or $SOHOA_ARCHIVE,
for the files its index knows by hash; never because of where a file sits.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sohoa.commands.common import ArchiveOption, ConfigOption, JsonOption, app, out
from sohoa.config import ARCHIVE_ENV, Settings, load_settings
from sohoa.errors import UsageError


@app.command()
def verify(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Signed PDF files.", show_default=False)
    ] = None,
    archive: ArchiveOption = None,
    all_archive: Annotated[
        bool, typer.Option("--all", help="Verify every document of the archive named.")
    ] = False,
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a printable report (biên bản) here.")
    ] = None,
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at", help="Validate as of this date (ISO 8601, Vietnam time).", show_default=False
        ),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="Trust this root certificate (PEM/DER); repeatable."),
    ] = None,
    trust_system: Annotated[
        bool,
        typer.Option("--trust-system", help="Also trust the operating system's CA store."),
    ] = False,
    online: Annotated[
        bool,
        typer.Option("--online", help="Fetch missing revocation data (OCSP/CRL) from the network."),
    ] = False,
    auditor: Annotated[
        str | None,
        typer.Option("--auditor", help="Auditor's name, printed on the report (người kiểm tra)."),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option("--place", help="Place written on the report (địa danh), e.g. 'Gia Lai'."),
    ] = None,
    report_number: Annotated[
        str | None,
        typer.Option("--report-number", help="Number of the report (số biên bản)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Verify PDF signatures: integrity, trust anchor, time-stamps, changes after signing, PAdES level.

    Trust anchors come only from --trust, [verify] trust in sohoa.toml (see `sohoa trust`),
    --trust-system, and the identity of an archive named with --archive.
    Exit 0 all intact and trusted; 1 broken or changed after signing; 2 intact but trust or
    revocation cannot be established; 3 bad input (not a PDF, no signature, no file given).
    """
    from sohoa.archive.fsutil import sha256_file
    from sohoa.archive.lookup import ArchiveView, is_archive
    from sohoa.signing.trust import archive_anchors, build_store
    from sohoa.signing.verify import DocumentInfo, exit_code_for, verify_file

    settings = load_settings(config)
    home = _archive_in_use(settings, archive)
    targets = list(files or [])
    if all_archive and home is None:
        raise UsageError("--all needs an archive", hint="give --archive DIR")
    view = None
    if home is not None and (archive is not None or is_archive(home)):
        view = ArchiveView(home)  # a named folder that is not an archive: exit 3
    if all_archive and view is not None:
        targets += [item.pdf for item in view.pdfs()]
    if not targets:
        raise UsageError("nothing to verify", hint="give PDF files, or --archive DIR --all")
    store = build_store(settings, trust_files=trust or [], trust_system=trust_system)
    own = archive_anchors(view.root) if view is not None else []
    verdicts = []
    try:
        for path in targets:
            known = _known(view, path, sha256_file)
            roots = store
            if view is not None and (archive is not None or known is not None):
                roots = store + type(store).of(own)
            verdict = verify_file(path, trust_roots=roots, at=at, allow_fetching=online)
            if known is not None:
                verdict = verdict.with_document(_document(known, view.root, DocumentInfo))
            verdicts.append(verdict)
            if as_json:
                print(json.dumps(verdict.to_json(), ensure_ascii=False), flush=True)
            else:
                _print_verdict(verdict)
    finally:
        if view is not None:
            view.close()
    if html is not None:
        from sohoa.signing.report import ReportHeader, render_html

        header = ReportHeader(
            number=report_number, place=place, auditor=auditor, organ=settings.agency_name
        )
        html.write_text(render_html(verdicts, header=header), encoding="utf-8")
        if not as_json:
            out.print(f"HTML report written to {escape(str(html))}")
    # Severity, not number: broken (1) outranks bad input (3), which outranks indeterminate (2).
    raise typer.Exit(exit_code_for(verdicts))


def _archive_in_use(settings: Settings, named: Path | None) -> Path | None:
    """The archive named on the command line, else one configured (never the default ./archive)."""
    if named is not None:
        return named
    if os.environ.get(ARCHIVE_ENV) or settings.archive != Settings().archive:
        return Path(settings.archive)
    return None


def _known(view: Any, path: Path, sha256_file: Any) -> Any:
    if view is None:
        return None
    try:
        return view.find_pdf(sha256_file(path))
    except OSError:
        return None  # verify_file reports the unreadable file


def _document(known: Any, root: Path, info_cls: Any) -> Any:
    meta = known.metadata
    number, notation = meta.get("code_number"), meta.get("code_notation")
    code = "/".join(x for x in (number, notation) if x) or None
    return info_cls(
        document_id=known.document_id,
        type_name=meta.get("type_name"),
        code=code,
        issued_date=meta.get("issued_date"),
        organ_name=meta.get("organ_name"),
        subject=meta.get("subject"),
        archive=str(root),
    )


def _print_verdict(verdict: Any) -> None:
    data = verdict.to_json()
    colour = {0: "green", 1: "red", 2: "yellow", 3: "red"}.get(data.get("exit_code", 3), "red")
    out.print(f"[{colour}]{data.get('status', '?').upper()}[/] {escape(str(data.get('file')))}")
    if data.get("error"):
        out.print(f"  {escape(str(data['error']))}")
    for sig in data.get("signatures") or []:
        signer = sig.get("signer") or {}
        stamp = sig.get("timestamp") or {}
        anchor = sig.get("trust_anchor")
        out.print(f"  • {sig.get('field')}: {escape(str(sig.get('message') or sig.get('status')))}")
        out.print(f"    signer   {escape(str(signer.get('subject', '?')))}")
        if sig.get("demo"):
            out.print(
                "    [yellow]DEMO/test identity: không có giá trị pháp lý (no legal value)[/]"
            )
        if anchor:
            out.print(
                f"    anchor   {anchor['subject']} (SHA-256 {anchor['sha256']}), "
                f"from {anchor['source']}"
            )
        out.print(
            f"    signed   {sig.get('signing_time_claimed') or '–'}"
            f"{'  time-stamped ' + str(stamp.get('time')) if stamp else ''}"
        )
        out.print(
            f"    intact={sig.get('intact')}  trusted={sig.get('trusted')}  "
            f"revocation={sig.get('revocation')}  coverage={sig.get('coverage')}  "
            f"PAdES level={sig.get('level') or 'not PAdES'}"
        )
        for later in sig.get("later_revisions") or []:
            state = "allowed" if later["allowed"] else "NOT ALLOWED"
            what = ", ".join(later["adds"]) or later["level"]
            out.print(f"    revision {later['revision']}: {what} ({state})")
    for ts in data.get("document_timestamps") or []:
        out.print(
            f"  • document time-stamp {ts.get('field')}: {ts.get('time')} ({ts.get('message')})"
        )
