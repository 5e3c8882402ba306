"""The `sohoa` command: a thin typer layer over the library.

Each command lives in `sohoa/commands/` and registers itself on the shared
`app` when imported; this module imports them all and maps every error to its
exit code in `main` (README, "Exit codes").
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape

from sohoa.commands import archive as _archive  # noqa: F401  (registers `archive`)
from sohoa.commands import doctor as _doctor  # noqa: F401  (registers `doctor`, `demo`)
from sohoa.commands import ingest as _ingest  # noqa: F401  (registers `ingest`)
from sohoa.commands import review as _review  # noqa: F401  (registers `review`, `edit`, `show`)
from sohoa.commands.common import (
    ArchiveOption,
    ConfigOption,
    JsonOption,
    app,
    err,
    out,
    settings_for,
)
from sohoa.errors import ExitCode, SohoaError, disk_error

try:  # typer ≥ 0.25 carries its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

__all__ = ["app", "main"]

# --- verify ----------------------------------------------------------------------------


@app.command()
def verify(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Signed PDF files.", show_default=False)
    ] = None,
    archive: ArchiveOption = None,
    all_archive: Annotated[
        bool, typer.Option("--all", help="Verify every document of the archive.")
    ] = False,
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a printable HTML report here.")
    ] = None,
    at: Annotated[
        datetime | None,
        typer.Option("--at", help="Validate as of this date (ISO 8601).", show_default=False),
    ] = None,
    trust: Annotated[
        list[Path] | None, typer.Option("--trust", help="Extra trusted root certificate (PEM/DER).")
    ] = None,
    online: Annotated[
        bool,
        typer.Option("--online", help="Fetch missing revocation data (OCSP/CRL) from the network."),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Verify PAdES signatures: integrity, trust, time-stamps, changes after signing, PAdES level.

    Exit 0 all intact and trusted; 1 broken or changed after signing; 2 intact but trust or
    revocation cannot be established; 3 bad input (not a PDF, no signature).
    """
    from sohoa.signing.identity import load_certificates, trust_roots_for
    from sohoa.signing.verify import exit_code_for, verify_file

    settings = settings_for(config, archive)
    archive_root = Path(settings.archive)
    targets = list(files or [])
    if all_archive or (archive is not None and not targets):
        from sohoa.archive.store import Archive

        store = Archive(archive_root)
        targets.extend(record.pdf for record in store.records())
        store.close()
    if not targets:
        raise SohoaError("nothing to verify", hint="give PDF files, or --archive DIR --all")
    roots = list(trust_roots_for(settings, archive_root if archive_root.exists() else None))
    # A file inside another archive (ARCHIVE/objects/…) is checked against that
    # archive's own roots too: an auditor points at the file, not the archive.
    for home in {
        h for h in map(archive_of, targets) if h is not None and h != archive_root.absolute()
    }:
        roots.extend(trust_roots_for(settings, home))
    for path in trust or []:
        roots.extend(load_certificates(path))
    verdicts = []
    for path in targets:
        verdict = verify_file(path, trust_roots=roots, at=at, allow_fetching=online)
        verdicts.append(verdict)
        if as_json:
            print(json.dumps(verdict.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_verdict(verdict)
    if html is not None:
        from sohoa.signing.report import render_html

        html.write_text(render_html(verdicts), encoding="utf-8")
        if not as_json:
            out.print(f"HTML report written to {html}")
    # Severity, not number: broken (1) outranks bad input (3), which outranks indeterminate (2).
    raise typer.Exit(exit_code_for(verdicts))


def archive_of(path: Path) -> Path | None:
    """The archive a file lives in (a parent holding index.sqlite and objects/), if any."""
    for parent in Path(path).absolute().parents:
        if (parent / "index.sqlite").is_file() and (parent / "objects").is_dir():
            return parent
    return None


def _print_verdict(verdict: Any) -> None:
    data = verdict.to_json()
    colour = {0: "green", 1: "red", 2: "yellow", 3: "red"}.get(data.get("exit_code", 3), "red")
    out.print(f"[{colour}]{data.get('status', '?').upper()}[/] {data.get('file')}")
    if data.get("error"):
        out.print(f"  {data['error']}")
    for sig in data.get("signatures") or []:
        signer = sig.get("signer") or {}
        stamp = sig.get("timestamp") or {}
        out.print(f"  • {sig.get('field')}: {sig.get('message') or sig.get('status')}")
        out.print(f"    signer   {signer.get('subject', '?')}")
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
            out.print(f"    later revision: {later}")
    for ts in data.get("document_timestamps") or []:
        out.print(f"  • document time-stamp: {ts.get('time') or ts}")


def main() -> None:
    """Console entry point: map every error to its exit code, never a traceback."""
    # pyHanko logs validation failures with tracebacks; the verdict says it all.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        code = app(standalone_mode=False)
    except click_exceptions.UsageError as exc:
        exc.show()
        sys.exit(ExitCode.BAD_INPUT)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except SohoaError as exc:
        err.print(f"[red]error:[/] {escape(exc.message)}")
        if exc.hint:
            err.print(f"  hint: {escape(exc.hint)}")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except OSError as exc:  # a full or read-only disk met outside the places that expect it
        problem = disk_error(exc, exc.filename or "the disk")
        if problem is None:
            _bug(exc)
        err.print(f"[red]error:[/] {escape(problem.message)}")
        sys.exit(int(problem.exit_code))
    except Exception as exc:
        _bug(exc)
    sys.exit(int(code or 0))


def _bug(exc: BaseException) -> NoReturn:
    """A bug: say so plainly, never as a verdict; the traceback on request."""
    if os.environ.get("SOHOA_DEBUG"):
        raise exc
    err.print(f"[red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}")
    err.print(
        "  this is a bug in sohoa; run again with SOHOA_DEBUG=1 for the traceback and report it"
    )
    sys.exit(ExitCode.INTERNAL)


if __name__ == "__main__":
    main()
