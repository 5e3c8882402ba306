"""One place for errors: every failure a user can meet carries an exit code and
a message that says what went wrong and what to do.

Whose fault a failure is decides what happens to the input (DESIGN.md, exit
codes), in the spirit of OCRmyPDF's `ExitCode`:

- the **input** (`InputError` and the stage errors below): the file is
  quarantined with its reason, exit 1;
- the **configuration** (`ConfigError`): found before any page is read, exit 4;
- the **environment** (`EnvironmentProblem`: time-stamp authority, token,
  disk, permissions, a missing tool): exit 5, the input is left untouched for
  a retry and never quarantined;
- a **verdict** of `sohoa verify` (1, 2, 3), which is returned, not raised;
- a **bug**: anything else, exit 70.

The CLI maps `SohoaError` to its exit code in one handler (`cli.main`); library
code raises, validation code *returns* a status value instead.
"""

from __future__ import annotations

import errno
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes, shared by every command (README, "Exit codes")."""

    OK = 0
    #: `verify`: a signature is broken or the file changed after signing;
    #: `ingest`: at least one input was quarantined.
    FAILED = 1
    #: `verify`: integrity holds but trust or revocation cannot be established.
    INDETERMINATE = 2
    #: Usage error (bad option, unknown id), or bad input to `verify` (not a PDF, no signature).
    BAD_INPUT = 3
    #: Configuration error (sohoa.toml, options, identity), found before any page is read.
    CONFIG = 4
    #: Environment error (time-stamp authority, token, disk full, permissions, missing
    #: tool): inputs are left untouched for a retry, never quarantined.
    ENVIRONMENT = 5
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


class UsageError(SohoaError):
    """The command line asks for something that cannot be done (unknown id, no files)."""

    exit_code = ExitCode.BAD_INPUT


# --- the input's fault: quarantine, exit 1 ---------------------------------------------


class InputError(SohoaError):
    """An input file cannot be used as a scan. Names the file and the reason."""

    exit_code = ExitCode.FAILED

    def __init__(self, path: Path | str, reason: str, *, hint: str | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}", hint=hint)


class OcrError(SohoaError):
    """OCR failed on a page (engine crash, unreadable image)."""

    exit_code = ExitCode.FAILED


class PdfError(SohoaError):
    """The archival PDF could not be built or failed its own checks."""

    exit_code = ExitCode.FAILED


class SigningError(SohoaError):
    """Signing refused: bad identity, wrong key usage, expired certificate."""

    exit_code = ExitCode.CONFIG


# --- the configuration's fault: exit 4, before any page is read ------------------------


class ConfigError(SohoaError):
    """sohoa.toml, an option or the signing identity is wrong."""

    exit_code = ExitCode.CONFIG


# --- the environment's fault: exit 5, inputs untouched ---------------------------------


class EnvironmentProblem(SohoaError):
    """Something outside sohoa and outside the input failed: a service, a device, the disk.

    The input is left where it is for a retry; it is never quarantined.
    """

    exit_code = ExitCode.ENVIRONMENT


class ToolMissingError(EnvironmentProblem):
    """An external tool or data file is missing; the hint gives the install command."""


class ServiceUnavailable(EnvironmentProblem):
    """A time-stamp authority, OCSP/CRL service or token does not answer."""


class DiskError(EnvironmentProblem):
    """The disk is full, read-only, or refuses a write (permissions)."""


class ArchiveError(EnvironmentProblem):
    """The archive is unusable (missing, unwritable, corrupt index, locked too long)."""


#: Transient: the same input may succeed on retry (the watched inbox retries these).
TransientError = EnvironmentProblem

_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def disk_error(exc: OSError, where: Path | str) -> DiskError | None:
    """The `DiskError` an OSError on `where` stands for, or None when it is not about the disk."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskError(
            f"no space left on {where}",
            hint="free some space (or move the archive), then run the same command again",
        )
    if exc.errno == errno.EROFS:
        return DiskError(f"{where}: the file system is read-only")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return DiskError(
            f"{where}: permission denied", hint="check the owner and mode of the folder"
        )
    if exc.errno == errno.EIO:
        return DiskError(f"{where}: input/output error from the disk")
    return None


def is_disk_errno(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS
