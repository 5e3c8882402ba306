"""The `sohoa` command: a thin typer layer over the library.

Each command lives in `sohoa/commands/` and registers itself on the shared
`app` when imported; this module imports them all and maps every error to its
exit code in `main` (README, "Exit codes").
"""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn

import typer
from rich.markup import escape

from sohoa.commands import archive as _archive  # noqa: F401  (registers `archive`)
from sohoa.commands import doctor as _doctor  # noqa: F401  (registers `doctor`, `demo`)
from sohoa.commands import dossier as _dossier  # noqa: F401  (registers `dossier`)
from sohoa.commands import exchange as _exchange  # noqa: F401  (registers `export`, `import`)
from sohoa.commands import find as _find  # noqa: F401  (registers `search`, `list`, `lookup`)
from sohoa.commands import ingest as _ingest  # noqa: F401  (registers `ingest`)
from sohoa.commands import progress as _progress  # noqa: F401  (registers `progress`)
from sohoa.commands import register as _register  # noqa: F401  (registers `register`)
from sohoa.commands import review as _review  # noqa: F401  (registers `review`, `edit`, `show`)
from sohoa.commands import trust as _trust  # noqa: F401  (registers `trust`)
from sohoa.commands import verify as _verify  # noqa: F401  (registers `verify`)
from sohoa.commands import watch as _watch  # noqa: F401  (registers `watch`, `status`)
from sohoa.commands.common import (
    app,
    err,
)
from sohoa.errors import ExitCode, SohoaError, disk_error

try:  # typer ≥ 0.25 carries its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

__all__ = ["app", "main"]


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
