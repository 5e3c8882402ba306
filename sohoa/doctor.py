"""Probe the environment: every tool, data file and setting, each checked on its own.

The checks are the ones a batch runs before it starts (`preflight`), so doctor
never says "ok" to what an ingest would then refuse. Each row says what it
found and, when something is wrong, the exact fix (STYLE.md §4). A DEMO
identity and a missing time-stamp authority work, but are warnings: copies
signed so have no legal value, or no proof of time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sohoa import preflight
from sohoa.archive.layout import is_archive
from sohoa.config import Settings
from sohoa.errors import ConfigError, ExitCode, SohoaError

APT = preflight.APT
DATA = Path(__file__).parent / "data"

Status = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Check:
    """The result of one probe."""

    name: str
    status: Status
    detail: str
    fix: str | None = None
    exit_code: ExitCode = ExitCode.ENVIRONMENT
    """What an error here means: 4 a setting is wrong, 5 the machine lacks something."""

    @property
    def ok(self) -> bool:
        return self.status != "error"


def _failed(name: str, exc: SohoaError) -> Check:
    code = ExitCode.CONFIG if isinstance(exc, ConfigError) else exc.exit_code
    return Check(name, "error", exc.message, exc.hint, exit_code=code)


def _run(cmd: list[str]) -> str | None:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (result.stdout or result.stderr).strip()


def check_python() -> Check:
    ok = sys.version_info >= (3, 11)
    version = sys.version.split()[0]
    return Check("python", "ok" if ok else "error", version, None if ok else "install Python 3.11+")


def check_tesseract_cli() -> Check:
    out = _run(["tesseract", "--version"])
    if out is None:
        return Check(
            "tesseract", "warning", "command not found (only the benchmark uses it)",
            f"{APT} tesseract-ocr",
        )  # fmt: skip
    return Check("tesseract", "ok", out.splitlines()[0])


def check_tesserocr() -> Check:
    try:
        import tesserocr
    except ImportError as exc:
        return Check(
            "tesserocr", "error", f"cannot import: {exc}", "make setup  (pip install -e .)"
        )
    return Check("tesserocr", "ok", tesserocr.tesseract_version().splitlines()[0])


def check_languages(settings: Settings) -> Check:
    name = f"OCR language {settings.ocr_language}"
    try:
        folder = preflight.ocr_languages(settings)
    except SohoaError as exc:
        return _failed(name, exc)
    return Check(name, "ok", f"data in {folder}")


def check_traineddata(lang: str, settings: Settings, package: str) -> Check:
    from sohoa.ocr.engine import find_tessdata

    try:
        directory = find_tessdata(settings.tessdata, (lang,))
    except SohoaError:
        return Check(f"{lang}.traineddata", "error", "not found", f"{APT} {package}")
    size = (directory / f"{lang}.traineddata").stat().st_size
    return Check(f"{lang}.traineddata", "ok", f"{directory} ({size // 1024} KiB)")


def check_poppler() -> Check:
    missing = [tool for tool in ("pdftoppm", "pdftotext", "pdfsig") if shutil.which(tool) is None]
    if missing:
        return Check("poppler", "error", f"missing {', '.join(missing)}", f"{APT} poppler-utils")
    version = (_run(["pdftoppm", "-v"]) or "").splitlines()
    return Check("poppler", "ok", version[0] if version else "present")


def check_jbig2dec() -> Check:
    if shutil.which("jbig2dec") is None:
        return Check(
            "jbig2dec", "error", "not found: JBIG2 pages of bilevel scanner PDFs cannot be read",
            f"{APT} jbig2dec",
        )  # fmt: skip
    return Check("jbig2dec", "ok", (_run(["jbig2dec", "--version"]) or "present").splitlines()[0])


def check_dictionary() -> Check:
    from sohoa.metadata.dictionary import DICTIONARY_PATHS, available

    if not available():
        return Check(
            "dictionary", "warning",
            "Vietnamese Hunspell dictionary not found: subjects and names are not checked "
            "word by word (a misread mark may reach the archive)",
            f"{APT} hunspell-vi",
        )  # fmt: skip
    found = next(p for p in DICTIONARY_PATHS if p.is_file())
    return Check("dictionary", "ok", f"{found} (syllables of subjects and names checked)")


def check_fonts() -> Check:
    bundled = DATA / "fonts" / "LiberationSerif-Vietnamese.ttf"
    if not bundled.is_file():
        return Check("fonts", "error", f"{bundled} missing", "reinstall sohoa (pip install -e .)")
    return Check("fonts", "ok", "Liberation Serif bundled (visible signature)")


def check_level(settings: Settings) -> Check:
    try:
        level = preflight.signing_level(settings)
    except SohoaError as exc:
        return _failed("PAdES level", exc)
    return Check("PAdES level", "ok", level)


def check_identity(settings: Settings) -> Check:
    signing = settings.signing
    name = "signing identity"
    if signing.pkcs11_module is not None:
        if not Path(signing.pkcs11_module).is_file():
            return Check(
                name, "error", f"PKCS#11 module {signing.pkcs11_module} not found",
                "check [signing] pkcs11_module in sohoa.toml", exit_code=ExitCode.CONFIG,
            )  # fmt: skip
        return Check(name, "ok", f"PKCS#11 module {signing.pkcs11_module}")
    if signing.pkcs12 is not None:
        path = Path(signing.pkcs12)
        if not path.is_file():
            return Check(
                name, "error", f"PKCS#12 {path} not found",
                "set SOHOA_PKCS12 or [signing] pkcs12 to the agency's .p12 file",
                exit_code=ExitCode.CONFIG,
            )  # fmt: skip
        if os.environ.get(signing.passphrase_env) or signing.passphrase_file is not None:
            from sohoa.signing.identity import load_identity

            try:
                identity = load_identity(settings, Path(settings.archive))
            except SohoaError as exc:
                return _failed(name, exc)
            identity.close()
            return Check(name, "ok", f"PKCS#12 {path}: {identity.subject}")
        return Check(name, "ok", f"PKCS#12 {path} (the passphrase will be asked)")
    demo = Path(settings.archive) / "identity"
    state = "exists" if (demo / "demo-signer.p12").exists() else "created on first ingest"
    return Check(
        name,
        "warning",
        f"DEMO identity in {demo} ({state}): copies signed with it have no legal value",
        "configure the agency's certificate: [signing] pkcs12 or SOHOA_PKCS12=/path/agency.p12",
    )


def check_tsa(settings: Settings) -> Check:
    url = settings.signing.tsa_url
    if not url:
        return Check(
            "time-stamp authority",
            "warning",
            "none configured: signatures are PAdES B-B, with no proof of time, and cannot be "
            "verified once the certificate expires",
            "set [signing] tsa_url (or SOHOA_TSA_URL) for B-T/B-LTA signatures",
        )
    try:
        preflight.time_stamp_authority(settings, "B-T")
    except SohoaError as exc:
        return _failed("time-stamp authority", exc)
    return Check("time-stamp authority", "ok", f"{url} answered with a time-stamp")


def check_archive(settings: Settings) -> Check:
    root = Path(settings.archive).absolute()
    probe = root if root.exists() else root.parent
    while not probe.exists():
        probe = probe.parent
    if root.exists() and not is_archive(root) and any(root.iterdir()):
        return Check(
            "archive", "error", f"{root} exists and is not a sohoa archive",
            "give --archive DIR of an archive or of a new folder", exit_code=ExitCode.CONFIG,
        )  # fmt: skip
    if not os.access(probe, os.W_OK):
        return Check("archive", "error", f"{probe} is not writable", f"make {probe} writable")
    try:
        free = preflight.free_space(root)
    except SohoaError as exc:
        return _failed("archive", exc)
    state = "exists" if is_archive(root) else "will be created by the first ingest"
    return Check("archive", "ok", f"{root} ({state}, {free >> 20} MiB free)")


def check_replica(settings: Settings) -> Check:
    """The replica the ingest writes every object to (the same probe as the ingest's)."""
    if settings.replica is None:
        return Check("replica", "warning", "none: one copy of each object",
                     "set replica = \"/mnt/copy2\" in sohoa.toml (another disk)")  # fmt: skip
    try:
        preflight.replica(settings)
    except SohoaError as exc:
        return _failed("replica", exc)
    return Check("replica", "ok", f"{settings.replica} takes files")


def run_checks(settings: Settings) -> list[Check]:
    probes: list[Callable[[], Check]] = [
        check_python,
        check_tesseract_cli,
        check_tesserocr,
        lambda: check_languages(settings),
        lambda: check_traineddata("vie", settings, "tesseract-ocr-vie"),
        lambda: check_traineddata("osd", settings, "tesseract-ocr-osd"),
        check_poppler,
        check_jbig2dec,
        check_dictionary,
        check_fonts,
        lambda: check_level(settings),
        lambda: check_identity(settings),
        lambda: check_tsa(settings),
        lambda: check_archive(settings),
        lambda: check_replica(settings),
    ]
    return [probe() for probe in probes]


def exit_code(checks: list[Check]) -> ExitCode:
    """4 when a setting is wrong, 5 when the machine lacks something, else 0."""
    codes = {c.exit_code for c in checks if c.status == "error"}
    if ExitCode.CONFIG in codes:
        return ExitCode.CONFIG
    return ExitCode.ENVIRONMENT if codes else ExitCode.OK
