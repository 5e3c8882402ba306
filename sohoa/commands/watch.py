"""`sohoa watch` and `sohoa status`: the watched inbox of the scanner stations (registered on import)."""

from __future__ import annotations

import json
from pathlib import Path
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
from sohoa.config import default_jobs
from sohoa.errors import ExitCode


@app.command()
def watch(
    inbox: Annotated[
        Path,
        typer.Argument(
            help="The inbox folder. Its first-level folders are stations (quay-1/, quay-2/): "
            "each file in one is a document, each folder of page images is a document (taken "
            "when it holds a .ready file or has stood still).",
            show_default=False,
        ),
    ],
    archive: ArchiveOption = None,
    replica: ReplicaOption = None,
    poll: Annotated[
        float | None,
        typer.Option(
            "--poll",
            min=0.1,
            help="Poll every SECONDS instead of waiting for file events (network shares: "
            "SMB and NFS send none).",
            show_default=False,
        ),
    ] = None,
    stable: Annotated[
        float,
        typer.Option("--stable", min=0.0, help="Seconds a file's size and mtime must stand still."),
    ] = 2.0,
    give_up: Annotated[
        float,
        typer.Option(
            "--give-up",
            min=0.0,
            help="An input still empty or unreadable after standing still this many seconds "
            "is quarantined.",
        ),
    ] = 30.0,
    attempts: Annotated[
        int,
        typer.Option(
            "--attempts",
            min=1,
            help="Tries of one input (crashes, errors of its own) before it is quarantined.",
        ),
    ] = 5,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help=f"OCR worker processes (default: all cores, {default_jobs()})."
        ),
    ] = None,
    once: Annotated[
        bool,
        typer.Option("--once", help="Process what is in the inbox, then exit (cron, tests)."),
    ] = False,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log one JSON object per line on stderr.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Watch an inbox: every scan dropped in it is archived, signed, once.

    A file is taken when it has stood still for --stable seconds and is whole; it is
    removed from the inbox only once archived, and a refused one is moved to
    ARCHIVE/quarantine/<station>/ with its reason. The OCR workers and the signing
    identity are loaded once. SIGTERM or Ctrl-C stops it gracefully (exit 0); the jobs
    in progress go back to the queue. Exit 3 when another watcher holds the inbox, 4 on
    a configuration error, 5 when the environment fails at start (TSA, disk);
    with --once, 1 when an input was quarantined.
    """
    from sohoa.pipeline.watcher import Watcher, WatchOptions
    from sohoa.pipeline.watchlog import WatchLog

    settings = settings_for(config, archive, jobs, replica)
    options = WatchOptions(
        stable=stable, poll=poll, give_up=max(give_up, stable), attempts=attempts, once=once
    )
    watcher = Watcher(settings, inbox, options, WatchLog(as_json=log_json))
    try:
        watcher.run()
    finally:
        watcher.close()
    raise typer.Exit(ExitCode.FAILED if once and watcher.quarantined else ExitCode.OK)


@app.command()
def status(
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The watched inboxes of an archive: whether a watcher runs, queue depth, age of the
    oldest queued job, pages per minute, and the last errors of each station."""
    from sohoa.archive.jobs import status as queue_status
    from sohoa.scanners.inbox_lock import holder_of

    with open_archive(settings_for(config, archive)) as store:
        report = queue_status(store.db)
    for inbox in report["inboxes"].values():
        inbox["watcher"] = holder_of(Path(inbox["inbox"]))
    if as_json:
        print(json.dumps(report, ensure_ascii=False), flush=True)
        return
    if not report["inboxes"]:
        out.print(f"No inbox has been watched for {escape(str(store.root))}.")
    for inbox in report["inboxes"].values():
        _print_inbox(inbox, report["window_minutes"])


def _print_inbox(inbox: dict[str, Any], window: int) -> None:
    holder = inbox["watcher"]
    running = (
        f"[green]watched[/] (pid {holder.get('pid')}, since {holder.get('since')})"
        if holder
        else "[yellow]not watched now[/]"
    )
    out.print(f"[bold]{escape(inbox['inbox'])}[/] — {running}")
    oldest = inbox["oldest_queued_seconds"]
    out.print(
        f"  queue: {inbox['queued']} queued, {inbox['processing']} processing"
        + (f"; oldest waiting {oldest} s" if oldest is not None else "")
        + f"; {inbox['pages_per_minute']} pages/min over the last {window} min"
    )
    for name, station in sorted(inbox["stations"].items()):
        out.print(
            f"  [bold]{escape(name or '(no station)')}[/]: {station['archived']} archived, "
            f"{station['duplicate']} duplicate, {station['quarantined']} quarantined, "
            f"{station['queued'] + station['processing']} waiting"
        )
        for error in station["last_errors"]:
            out.print(
                f"    [red]{error['state']}[/] {escape(error['at'])} "
                f"{escape(Path(error['source']).name)}: {escape(error['error'] or '')}"
            )
