"""`sohoa progress`, `progress gaps`, `progress report`: where the office stands on the road
to 100 % digitized (registered on import)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    err,
    out,
    settings_for,
)
from sohoa.errors import UsageError
from sohoa.progress.reading import open_index

progress_app = typer.Typer(
    help="Progress on the road to 100 % digitized (Quyết định 151/QĐ-STC): figures, gaps, "
    "the quarterly báo cáo.",
)
app.add_typer(progress_app, name="progress")

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="As of the end of this day, Vietnam time (YYYY-MM-DD; default: today)."
    ),
]


def day_option(value: str | None, option: str = "--at") -> date:
    from sohoa.progress.values import parse_date
    from sohoa.vntime import now

    if value is None:
        return now().date()
    try:
        day = parse_date(value.strip())
    except ValueError as exc:
        raise UsageError(f"{option} {exc}", hint="write it as YYYY-MM-DD") from None
    if day is None:
        raise UsageError(f"{option} needs a date", hint="write it as YYYY-MM-DD")
    return day


def _number(value: float | int) -> str:
    return f"{value:,.0f}" if isinstance(value, int) else f"{value:,.1f}"


def _rate(per_day: float) -> str:
    return f"{per_day:,.1f}" if per_day >= 10 else f"{per_day:.2f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


@progress_app.callback(invoke_without_command=True)
def progress(
    ctx: typer.Context,
    at: AtOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Also a line per department, field or year.")
    ] = None,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Digitized against the register: the rate, the target on that date, the gap in points
    and documents, on track or behind, the pace over the last 90 days and when 100 % comes
    at that pace, documents per clerk and station per year (plan: 1,600), and the dossiers
    whose papers were found by `sohoa lookup` instead of asked for again (plan: 30 %).

    Digitized means: a signed, archived document is linked to the entry's dossier and its
    latest signature verdict is good (verified when archived, again by `sohoa archive check`).
    """
    if ctx.invoked_subcommand is not None:
        return
    from sohoa.progress.figures import progress as compute

    settings = settings_for(config, archive)
    day = day_option(at)
    db = open_index(settings.archive)
    try:
        figures = compute(db, settings.progress, day, by=by)
    finally:
        db.close()
    if as_json:
        for name, standing in figures.groups:
            line = {"by": by, "group": name, **standing.to_json()}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        print(json.dumps(figures.to_json(), ensure_ascii=False), flush=True)
        return
    print_progress(figures)


def print_progress(p: Any) -> None:
    o, v = p.overall, p.verification
    scope = "results resolved" if p.scope == "resolved" else "results still valid"
    out.print(f"[bold]Tiến độ số hóa[/] at the end of {p.at.isoformat()} ({scope} by then)")
    out.print(f"  digitized    {_number(o.digitized)} / {_number(o.total)} = {_percent(o.rate)}")
    if p.target is None:
        out.print("  target       none yet (the first milestone comes later)")
    else:
        colour = "green" if o.status == "on-track" else "red"
        gap = (
            "on track"
            if o.status == "on-track"
            else f"behind by {o.gap_points:.1f} points, {_number(o.gap_documents)} documents"
        )
        out.print(
            f"  target       {p.target.percent:g} % since {p.target.day.isoformat()}: "
            f"[{colour}]{gap}[/]"
        )
    if p.next is not None and p.next_needed is not None:
        missing, per_day = p.next_needed
        out.print(
            f"  next         {p.next.percent:g} % by {p.next.day.isoformat()}: "
            f"{_number(missing)} more, {_rate(per_day)} a day"
        )
    pace = p.pace
    when = (
        f"100 % on {pace.complete_on.isoformat()} at this pace"
        if pace.complete_on
        else "100 % never at this pace"
    )
    out.print(
        f"  pace         {_number(pace.digitized)} in the last {pace.days} days "
        f"({_rate(pace.per_day)} a day): {when}"
    )
    other = p.valid if p.scope == "resolved" else p.resolved
    label = "still valid" if p.scope == "resolved" else "all resolved"
    out.print(
        f"  {label:<12} {_number(other.digitized)} / {_number(other.total)} = "
        f"{_percent(other.rate)}"
    )
    last = (
        f"last `sohoa archive check` {v.last_check}"
        if v.last_check
        else "no `sohoa archive check` yet"
    )
    out.print(
        f"  signatures   verified when archived; {escape(last)}"
        + (" (a sample)" if v.last_check_sampled else "")
        + (
            f"; [red]{v.failing:,} document(s) fail verification and count for no entry[/]"
            if v.failing
            else ""
        )
    )
    prod = p.productivity
    if prod.clerks and prod.per_clerk is not None and prod.per_station is not None:
        out.print(
            f"  clerks       {len(prod.clerks)} clerk(s): {prod.per_clerk:,.0f} documents per "
            f"clerk per year (plan: {prod.target:,}); {len(prod.stations)} station(s): "
            f"{prod.per_station:,.0f} per station per year"
        )
    elif prod.clerks:
        documents = sum(c[1] for c in prod.clerks)
        out.print(
            f"  clerks       {len(prod.clerks)} clerk(s), {documents:,} documents in "
            f"{prod.window_days} day(s): too short a time to count per year (plan: "
            f"{prod.target:,})"
        )
    reuse = p.reuse
    out.print(
        f"  reuse        {reuse.hits} of {_number(reuse.dossiers)} dossiers resolved in the "
        f"last {pace.days} days had papers found by `sohoa lookup` "
        f"({_percent(reuse.share)}; plan: {reuse.target:g} %)"
    )
    turn = p.turnaround
    if turn.entries:
        out.print(
            f"  turnaround   receipt → archived record: median {turn.median_days:.1f} days "
            f"({turn.entries} entries digitized in the last {pace.days} days)"
        )
    if p.groups:
        table = Table(title=f"by {p.by}", title_justify="left")
        for column in (p.by, "digitized", "total", "rate", "target", "gap", "documents"):
            if column == p.by:
                table.add_column(column, overflow="fold")  # a name is never cut short
            else:
                table.add_column(column, justify="right", no_wrap=True)
        for name, standing in p.groups:
            table.add_row(
                escape(name or "(none)"),
                _number(standing.digitized),
                _number(standing.total),
                _percent(standing.rate),
                _percent(standing.target),
                f"{standing.gap_points:.1f}",
                _number(standing.gap_documents),
            )
        # Printed to a file or a pipe, the table keeps its width (as the demo's does).
        wide = out if out.is_terminal else Console(width=max(out.width, 120), highlight=False)
        wide.print(table)
    out.print(escape(p.summary()))


@progress_app.command("gaps")
def gaps(
    department: Annotated[
        str | None, typer.Option("--department", help="Only the entries of this phòng.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="At most N lines of each kind (0: all).")
    ] = 50,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """What stands between the office and 100 %: register entries without a scan, entries
    whose linked scans do not verify, and archived documents linked to no register entry."""
    from sohoa.progress import gaps as find

    settings = settings_for(config, archive)
    db = open_index(settings.archive)
    try:
        counts = find.counts(db, department)
        entries = list(find.entries(db, department=department, limit=limit or None))
        documents = [] if department else list(find.documents(db, limit=limit or None))
    finally:
        db.close()
    if as_json:
        for gap in (*entries, *documents):
            print(json.dumps(gap.to_json(), ensure_ascii=False), flush=True)
        print(json.dumps({"counts": counts.to_json()}, ensure_ascii=False), flush=True)
        return
    for gap in entries:
        colour = "yellow" if gap.kind == "no-scan" else "red"
        out.print(
            f"[{colour}]{gap.kind:<15}[/] {escape(gap.code or '')}  {escape(gap.department or '')}"
            f"  {escape(gap.what or '')}  {gap.date or ''}  {escape(gap.detail)}"
        )
    for gap in documents:
        out.print(
            f"[cyan]{gap.kind:<15}[/] {gap.document_id}  {escape(gap.what or '')}  "
            f"archived {gap.date}  {escape(gap.detail)}"
        )
    shown = len(entries) + len(documents)
    total = sum(counts.to_json().values())
    out.print(
        f"{counts.entries_without_scan:,} entries without a scan, "
        f"{counts.entries_not_verified:,} whose scans do not verify, "
        f"{counts.documents_not_in_register:,} documents not in the register"
        + (f" (first {limit} of each shown; --limit 0 for all)" if shown < total else "")
    )


@progress_app.command("report")
def report(
    quarter: Annotated[
        str,
        typer.Option("--quarter", help="The quarter reported, e.g. 2026Q3.", show_default=False),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder to write the HTML and PDF into.", show_default=False),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Figures as of this day (default: the quarter's last day, or today while it "
            "runs).",
        ),
    ] = None,
    html_only: Annotated[
        bool, typer.Option("--html-only", help="Write the HTML only (no Chromium needed).")
    ] = False,
    archive: ArchiveOption = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The quarterly báo cáo for the province, in Vietnamese, as HTML and PDF: the Nghị định
    30/2020 layout (quốc hiệu, organ, số/ký hiệu left for the văn thư, date, trích yếu), the
    table by department, the plan's other measurable targets, and a chart of actual against
    target. Due before the 15th of the quarter's last month."""
    from sohoa.progress.report import write_report
    from sohoa.progress.targets import parse_quarter
    from sohoa.vntime import now

    settings = settings_for(config, archive)
    period = parse_quarter(quarter)
    today = now().date()
    if period.start > today:
        raise UsageError(f"{period.label} has not begun (today is {today.isoformat()})")
    day = day_option(at) if at else min(period.end, today)
    db = open_index(settings.archive)
    try:
        written = write_report(db, settings, period, day, out_dir, today=today, pdf=not html_only)
    finally:
        db.close()
    if as_json:
        print(json.dumps(written.to_json(), ensure_ascii=False), flush=True)
        return
    for path in written.files:
        out.print(f"written: {escape(str(path))}")
    err.print(f"Báo cáo {period.vietnamese}: figures as of {day.isoformat()}; due {period.due}")
