"""One place for errors: every failure a user can meet carries an exit code and
a message that says what went wrong and what to do.

The CLI maps `SohoaError` to its exit code in one handler (`cli.main`); library
code raises, validation code *returns* a status value instead.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes, shared by every command (DESIGN.md, JSON contract)."""

    OK = 0
    #: `verify`: a signature is broken or the file changed after signing;
    #: `ingest`: at least one input was quarantined.
    FAILED = 1
    #: `verify`: integrity holds but trust or revocation cannot be established.
    INDETERMINATE = 2
    #: Bad input: not a PDF, no signature, unreadable file, bad option.
    BAD_INPUT = 3
    #: Configuration or environment problem (missing tool, bad sohoa.toml);
    #: `doctor`: something required is missing.
    ENVIRONMENT = 4
    #: A bug in sohoa (sysexits EX_SOFTWARE): never to be read as a verdict.
    INTERNAL = 70


class SohoaError(Exception):
    """Base of every error sohoa reports to a user.

    `message` is a full sentence for the user; `hint` says what to do next.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputError(SohoaError):
    """An input file cannot be used as a scan. Names the file and the reason."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, path: Path | str, reason: str, *, hint: str | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}", hint=hint)


class TransientError(SohoaError):
    """A failure that may pass on retry (disk full, file still being written)."""

    exit_code = ExitCode.FAILED


class ConfigError(SohoaError):
    """sohoa.toml or the environment is wrong."""

    exit_code = ExitCode.ENVIRONMENT


class ToolMissingError(SohoaError):
    """An external tool or data file is missing; the hint gives the install command."""

    exit_code = ExitCode.ENVIRONMENT


class OcrError(SohoaError):
    """OCR failed on a page (engine crash, unreadable image)."""

    exit_code = ExitCode.FAILED


class PdfError(SohoaError):
    """The archival PDF could not be built or failed its own checks."""

    exit_code = ExitCode.FAILED


class SigningError(SohoaError):
    """Signing refused or failed: bad identity, wrong key usage, expired certificate."""

    exit_code = ExitCode.FAILED


class ArchiveError(SohoaError):
    """The archive is unusable (unwritable directory, corrupt index, fixity failure)."""

    exit_code = ExitCode.FAILED
