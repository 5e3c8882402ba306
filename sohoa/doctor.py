"""Probe the environment: every external tool and data file, each checked on its own.

Each probe says what it found, and when something is missing, the exact
command that fixes it (STYLE.md §4).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sohoa.config import Settings

APT = "sudo apt-get install -y" if os.geteuid() != 0 else "apt-get install -y"
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Check:
    """The result of one probe."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None
    required: bool = True


def _run(cmd: list[str]) -> str | None:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (result.stdout or result.stderr).strip()


def check_python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check(
        "python", ok, sys.version.split()[0], None if ok else "install Python 3.11 or newer"
    )


def check_tesseract_cli() -> Check:
    out = _run(["tesseract", "--version"])
    if out is None:
        return Check("tesseract", False, "not found", f"{APT} tesseract-ocr", required=False)
    return Check("tesseract", True, out.splitlines()[0], required=False)


def check_tesserocr(settings: Settings) -> Check:
    try:
        import tesserocr

        from sohoa.ocr.engine import find_tessdata
    except ImportError as exc:
        return Check("tesserocr", False, f"cannot import: {exc}", "make setup  (pip install -e .)")
    try:
        tessdata = find_tessdata(settings.tessdata, ("vie",))
    except Exception as exc:
        return Check("tesserocr", False, str(exc), f"{APT} tesseract-ocr-vie")
    version = tesserocr.tesseract_version().splitlines()[0]
    return Check("tesserocr", True, f"{version}, data in {tessdata}")


def _traineddata(lang: str, settings: Settings, package: str) -> Check:
    from sohoa.ocr.engine import find_tessdata

    try:
        directory = find_tessdata(settings.tessdata, (lang,))
    except Exception:
        return Check(f"{lang}.traineddata", False, "not found", f"{APT} {package}")
    size = (directory / f"{lang}.traineddata").stat().st_size
    return Check(f"{lang}.traineddata", True, f"{directory} ({size // 1024} KiB)")


def check_poppler() -> Check:
    missing = [tool for tool in ("pdftoppm", "pdftotext", "pdfsig") if shutil.which(tool) is None]
    if missing:
        return Check("poppler", False, f"missing {', '.join(missing)}", f"{APT} poppler-utils")
    version = (_run(["pdftoppm", "-v"]) or "").splitlines()
    return Check("poppler", True, version[0] if version else "present")


def check_fonts() -> Check:
    bundled = DATA / "fonts" / "LiberationSerif-Vietnamese.ttf"
    if not bundled.is_file():
        return Check("fonts", False, f"{bundled} missing", "reinstall sohoa (pip install -e .)")
    system = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    detail = "Liberation Serif bundled (visible signature)"
    if not system.is_file():
        return Check(
            "fonts",
            True,
            detail + "; fonts-liberation2 missing (sample generator)",
            f"{APT} fonts-liberation2",
            required=False,
        )
    return Check("fonts", True, detail + "; fonts-liberation2 installed")


def check_identity(settings: Settings) -> Check:
    signing = settings.signing
    if signing.pkcs11_module is not None:
        ok = Path(signing.pkcs11_module).is_file()
        return Check(
            "signing identity",
            ok,
            f"PKCS#11 module {signing.pkcs11_module}",
            None if ok else "check [signing] pkcs11_module in sohoa.toml",
        )
    if signing.pkcs12 is not None:
        path = Path(signing.pkcs12)
        if not path.is_file():
            return Check(
                "signing identity",
                False,
                f"PKCS#12 {path} not found",
                "set SOHOA_PKCS12 or [signing] pkcs12 to the agency's .p12 file",
            )
        has_secret = (
            bool(os.environ.get(signing.passphrase_env)) or signing.passphrase_file is not None
        )
        detail = f"PKCS#12 {path}" + ("" if has_secret else " (passphrase will be asked)")
        return Check("signing identity", True, detail)
    demo = Path(settings.archive) / "identity"
    state = "exists" if (demo / "demo-signer.p12").exists() else "will be created on first ingest"
    return Check(
        "signing identity",
        True,
        f"DEMO identity in {demo} ({state}); not legally valid",
        "configure the agency's certificate: SOHOA_PKCS12=/path/agency.p12",
        required=False,
    )


def check_tsa(settings: Settings) -> Check:
    url = settings.signing.tsa_url
    if not url:
        return Check(
            "time-stamp authority",
            True,
            "none configured: signatures are PAdES B-B",
            "set SOHOA_TSA_URL for B-T/B-LTA signatures",
            required=False,
        )
    return Check("time-stamp authority", True, url, required=False)


def check_archive(settings: Settings) -> Check:
    root = Path(settings.archive).absolute()
    probe = root if root.exists() else root.parent
    while not probe.exists():
        probe = probe.parent
    ok = os.access(probe, os.W_OK)
    free = shutil.disk_usage(probe).free // (1 << 20)
    return Check(
        "archive",
        ok,
        f"{root} ({'exists' if root.exists() else 'will be created'}, {free} MiB free)",
        None if ok else f"make {probe} writable or pass --archive DIR",
    )


def run_checks(settings: Settings) -> list[Check]:
    probes: list[Callable[[], Check]] = [
        check_python,
        check_tesseract_cli,
        lambda: check_tesserocr(settings),
        lambda: _traineddata("vie", settings, "tesseract-ocr-vie"),
        lambda: _traineddata("osd", settings, "tesseract-ocr-osd"),
        check_poppler,
        check_fonts,
        lambda: check_identity(settings),
        lambda: check_tsa(settings),
        lambda: check_archive(settings),
    ]
    return [probe() for probe in probes]
