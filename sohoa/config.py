"""Settings: one frozen dataclass, loaded strictly from `sohoa.toml` and the environment.

Precedence: command-line option > environment variable > sohoa.toml > default.
Unknown keys in sohoa.toml are rejected with the key's name, so a typo never
silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError

CONFIG_ENV = "SOHOA_CONFIG"
ARCHIVE_ENV = "SOHOA_ARCHIVE"


def default_jobs() -> int:
    """All cores the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class SigningSettings:
    """Which identity signs, and how its secrets are obtained (never stored here)."""

    pkcs12: Path | None = None
    """PKCS#12 file of the agency's signing identity; None → local demo identity."""
    passphrase_env: str = "SOHOA_PKCS12_PASSPHRASE"
    """Environment variable holding the PKCS#12 passphrase."""
    passphrase_file: Path | None = None
    """File (mode 0600) holding the PKCS#12 passphrase or the PKCS#11 PIN."""
    pkcs11_module: Path | None = None
    """PKCS#11 module (.so) of the USB token; set together with the labels."""
    pkcs11_token_label: str | None = None
    pkcs11_key_label: str | None = None
    pin_env: str = "SOHOA_PKCS11_PIN"
    """Environment variable holding the PKCS#11 user PIN."""
    tsa_url: str | None = None
    """RFC 3161 time-stamp authority; when set, signatures are B-T or better."""
    level: str | None = None
    """PAdES level to sign at; None → B-LTA with a TSA, B-B without."""
    trust_roots: tuple[Path, ...] = ()
    """Extra trusted root certificates (PEM or DER) for verification."""


@dataclass(frozen=True)
class VerifySettings:
    """What `sohoa verify` trusts (managed with `sohoa trust add|list|remove`)."""

    trust: tuple[Path, ...] = ()
    """Trusted root certificates (PEM or DER) for verification: the only anchors besides
    --trust, --trust-system and a named archive's own identity."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a sohoa run."""

    archive: Path = Path("archive")
    """Archive directory (option --archive, env SOHOA_ARCHIVE)."""
    jobs: int = field(default_factory=default_jobs)
    """Worker processes for OCR; one Tesseract thread each."""
    agency_name: str | None = None
    """Agency named in the visible signature; None → taken from the certificate."""
    copy_type: str = "SAO Y"
    """Hình thức sao shown in the visible signature (Nghị định 30/2020 Phụ lục I)."""
    ocr_language: str = "vie"
    """Tesseract language(s), e.g. "vie" or "vie+eng"."""
    tessdata: Path | None = None
    """Directory of .traineddata files; None → Tesseract's default."""
    review_confidence: float = 70.0
    """Pages with mean word confidence below this are flagged for review."""
    signing: SigningSettings = field(default_factory=SigningSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown key {key!r}", hint=f"known keys: {known}")
        ftype = str(fields[key].type)
        if key == "signing":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [signing] must be a table")
            value = _build(SigningSettings, value, f"{where} [signing]")
        elif key == "verify":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [verify] must be a table")
            value = _build(VerifySettings, value, f"{where} [verify]")
        elif key in ("trust_roots", "trust"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key} must be a list of file names, got {value!r}")
            value = tuple(Path(v).expanduser() for v in value)
        elif "Path" in ftype and value is not None:
            value = Path(value).expanduser()
        elif ftype == "int" and not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be an integer, got {value!r}")
        kwargs[key] = value
    return cls(**kwargs)


def load_settings(config_path: Path | None = None) -> Settings:
    """Read sohoa.toml (explicit path, $SOHOA_CONFIG, or ./sohoa.toml) and the environment."""
    path = config_path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is None and Path("sohoa.toml").is_file():
        path = Path("sohoa.toml")
    settings = Settings()
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: configuration file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        settings = _build(Settings, data, str(path))
    env = os.environ
    if env.get(ARCHIVE_ENV):
        settings = settings.replace(archive=Path(env[ARCHIVE_ENV]).expanduser())
    signing = settings.signing
    if env.get("SOHOA_PKCS12"):
        signing = dataclasses.replace(signing, pkcs12=Path(env["SOHOA_PKCS12"]).expanduser())
    if env.get("SOHOA_TSA_URL"):
        signing = dataclasses.replace(signing, tsa_url=env["SOHOA_TSA_URL"])
    if env.get("SOHOA_AGENCY_NAME"):
        settings = settings.replace(agency_name=env["SOHOA_AGENCY_NAME"])
    if env.get("SOHOA_TESSDATA"):
        settings = settings.replace(tessdata=Path(env["SOHOA_TESSDATA"]))
    return settings.replace(signing=signing)
