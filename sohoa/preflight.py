"""Checks run once before work starts, and by `sohoa doctor` (the same functions).

Everything a batch depends on besides its inputs is checked before the first
page is read: the OCR languages, the signing level against the time-stamp
authority, the identity, the TSA itself (one real time-stamp when the level
needs one) and the archive. A wrong setting is a configuration error (exit 4),
an unreachable service or a missing tool an environment error (exit 5); an
input is never blamed for either (issue 9).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from sohoa.config import PADES_LEVELS, Settings
from sohoa.errors import ConfigError, DiskError, ToolMissingError, disk_error
from sohoa.ocr.engine import TESSDATA_CANDIDATES, find_tessdata

APT = "sudo apt-get install -y" if os.geteuid() != 0 else "apt-get install -y"
#: Free space under which a batch is refused before it starts (a page's PDF and
#: its staging copy are a few MB; an index transaction needs some room too).
MIN_FREE_BYTES = 64 << 20


def ocr_languages(settings: Settings) -> Path:
    """The tessdata folder holding every language of `ocr_language`.

    A language that is not installed is a configuration error naming what is
    installed; Vietnamese itself missing is a missing tool with the apt command.
    """
    languages = tuple(settings.ocr_language.split("+"))
    try:
        return find_tessdata(settings.tessdata, languages)
    except ToolMissingError:
        pass
    folders = [settings.tessdata] if settings.tessdata else list(_tessdata_folders())
    installed = sorted(
        {p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.traineddata")}
    )
    missing = [lang for lang in languages if lang not in installed]
    where = ", ".join(str(f) for f in folders)
    if missing == ["vie"] or not installed:
        raise ToolMissingError(
            f"Tesseract's Vietnamese data (vie.traineddata) is not in {where}",
            hint=f"run: {APT} tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd",
        )
    debian = " ".join(f"tesseract-ocr-{lang.replace('_', '-').lower()}" for lang in missing)
    raise ConfigError(
        f"ocr_language {settings.ocr_language!r}: no Tesseract data for "
        f"{', '.join(missing)} in {where} (installed: {', '.join(installed) or 'none'})",
        hint=f'use installed languages (e.g. "vie"), or install the data ({APT} {debian})',
    )


def _tessdata_folders() -> list[Path]:
    if os.environ.get("TESSDATA_PREFIX"):
        return [Path(os.environ["TESSDATA_PREFIX"])]
    return [p for p in TESSDATA_CANDIDATES if p.is_dir()] or list(TESSDATA_CANDIDATES)


def signing_level(settings: Settings) -> str:
    """The PAdES level a batch will sign at; ConfigError when it needs a TSA that is not set."""
    from sohoa.signing.sign import resolve_level

    level = settings.signing.level
    if level is not None and level.upper() not in PADES_LEVELS:
        raise ConfigError(f"[signing] level must be one of {', '.join(PADES_LEVELS)}: {level!r}")
    return resolve_level(level, settings.signing.tsa_url)


def time_stamp_authority(settings: Settings, level: str) -> None:
    """One real time-stamp from the TSA when `level` needs one (ServiceUnavailable if not)."""
    from sohoa.signing.sign import probe_tsa

    if level != "B-B" and settings.signing.tsa_url:
        probe_tsa(settings.signing.tsa_url)


def free_space(root: Path) -> int:
    """Free bytes where the archive is (or will be); DiskError when too little to start."""
    probe = Path(root).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < MIN_FREE_BYTES:
        raise DiskError(
            f"no space left on {probe} ({free // (1 << 20)} MiB free, "
            f"{MIN_FREE_BYTES >> 20} MiB needed to start)",
            hint="free some space (or move the archive), then run the same command again",
        )
    return free


def replica(settings: Settings) -> None:
    """The replica can be written: its folder exists (a disk that is not mounted is not
    silently replaced by an empty folder on the system disk) and takes a file.
    DiskError (exit 5) when not: an archive must never keep one copy without saying so."""
    from sohoa.archive.objects import FolderStore

    if settings.replica is None:
        return
    store = FolderStore(settings.replica, name="replica")
    store.prepare()
    probe = store.tmp / f".probe-{os.getpid()}"
    try:
        with probe.open("wb") as fh:
            fh.write(b"sohoa replica probe\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise disk_error(exc, settings.replica) or DiskError(
            f"{settings.replica}: the replica cannot be written: {exc.strerror or exc}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
