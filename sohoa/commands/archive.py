"""`sohoa archive …`: archive maintenance (registered on import)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    ReplicaOption,
    app,
    open_archive,
    out,
    settings_for,
)
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
    from sohoa.signing.identity import trust_roots_for

    settings = settings_for(config, archive)
    tsa = settings.signing.tsa_url
    if not tsa:
        raise ConfigError(
            "renewing time-stamps needs a time-stamp authority",
            hint="set [signing] tsa_url in sohoa.toml or $SOHOA_TSA_URL",
        )
    store = open_archive(settings)
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


def signature_checker(settings: Any, root: Any) -> Any:
    """verify_file against the anchors an ingest signs and verifies with, as a problem in words."""
    from sohoa.signing.identity import load_certificates, trust_roots_for
    from sohoa.signing.verify import verify_file

    roots = list(trust_roots_for(settings, root))
    for path in settings.verify.trust:
        roots.extend(load_certificates(path))

    def check(pdf: Any) -> str | None:
        verdict = verify_file(pdf, trust_roots=roots)
        if verdict.exit_code == ExitCode.OK:
            return None
        return f"signature {verdict.status}: {verdict.message}"

    return check


@archive_app.command("check")
def archive_check(
    archive: ArchiveOption = None,
    replica: ReplicaOption = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="Check N documents drawn at random, not all."),
    ] = None,
    signatures: Annotated[
        bool,
        typer.Option("--signatures/--no-signatures", help="Also verify every signature."),
    ] = True,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Fixity: re-hash every object in both copies against the hashes recorded when it was
    written, verify every signature and the audit trail, and report missing, changed and
    extra files, index rows without objects and objects without rows.

    Exit 0 when nothing is wrong, 1 on any finding (each one listed).
    """
    from sohoa.archive.fixity import check

    settings = settings_for(config, archive, replica=replica)
    with open_archive(settings) as store:
        verify = signature_checker(settings, store.root) if signatures else None
        report = check(store, sample=sample, verify_signature=verify)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
    else:
        for finding in report.findings:
            out.print(f"[red]{finding.kind:<19}[/] {escape(finding.message)}")
        copies = "primary and replica" if settings.replica else "primary only (no replica)"
        rate = report.bytes / 1e6 / report.seconds if report.seconds else 0.0
        out.print(
            f"{report.documents} document(s), {report.files} file(s), "
            f"{report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s ({rate:.0f} MB/s), "
            f"{report.signatures} signature(s) — {copies}: "
            + (
                "[green]no finding[/]"
                if not report.findings
                else f"[red]{len(report.findings)} finding(s)[/]"
            )
        )
    raise typer.Exit(report.exit_code)


@archive_app.command("repair")
def archive_repair(
    archive: ArchiveOption = None,
    replica: ReplicaOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Restore damaged or missing object files from the other copy, only when that copy's
    bytes match the recorded SHA-256; index objects the index lost. Every restoration is
    logged. Exit 0 when everything found was repaired, 1 when something could not be."""
    from sohoa.archive.fixity import repair

    settings = settings_for(config, archive, replica=replica)
    with open_archive(settings) as store:
        actions, _report = repair(store)
    for action in actions:
        if as_json:
            print(json.dumps(action.to_json(), ensure_ascii=False), flush=True)
        else:
            colour = "green" if action.done else "red"
            what = f"{action.document_id}/{action.path}" if action.path else action.document_id
            out.print(
                f"[{colour}]{'repaired' if action.done else 'refused'}[/] {escape(what)}: {escape(action.message)}"
            )
    if not as_json:
        done = sum(a.done for a in actions)
        out.print(f"{done} repaired, {len(actions) - done} not repairable")
    raise typer.Exit(ExitCode.FAILED if any(not a.done for a in actions) else ExitCode.OK)


@archive_app.command("log")
def archive_log(
    archive: ArchiveOption = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Only the events of this document id.")
    ] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Check the hash chain; name the first altered, removed or moved event."
        ),
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The audit trail: who did what, where and when (ingest, duplicate, quarantine, edit,
    link, renew, check, repair, export, import). With --verify, exit 1 when the chain is
    broken."""
    from sohoa.archive import chain

    with open_archive(settings_for(config, archive)) as store:
        columns = f"{', '.join(chain.FIELDS)}, prev_hash, hash"
        rows = store.db.execute(f"SELECT {columns} FROM events ORDER BY id").fetchall()
        document_id = store.get(document).document_id if document else None
        problem = chain.verify(rows, chain.read_head(store.root)) if verify else None
    shown = [r for r in rows if document_id is None or r["document_id"] == document_id]
    if as_json:
        for row in shown:
            event = {name: row[name] for name in chain.FIELDS}
            event["detail"] = _detail(row["detail"])
            event["hash"] = row["hash"]
            print(json.dumps(event, ensure_ascii=False), flush=True)
        if verify:
            result = {"verified": problem is None, "events": len(rows)}
            result["problem"] = problem.to_json() if problem else None
            print(json.dumps(result, ensure_ascii=False), flush=True)
    else:
        for row in shown:
            out.print(
                f"{row['id']:>6} {row['at']} {escape(row['actor'])}@{escape(row['station'] or '?')} "
                f"[bold]{row['action']}[/] {row['document_id'] or ''} [dim]{escape(row['detail'])}[/]"
            )
        if verify:
            if problem is None:
                out.print(
                    f"[green]audit trail intact[/]: {len(rows)} event(s), chain and head agree"
                )
            else:
                out.print(f"[red]audit trail broken[/]: {escape(problem.message)}")
    raise typer.Exit(ExitCode.FAILED if problem is not None else ExitCode.OK)


def _detail(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
