"""Settings: one frozen dataclass, loaded strictly from `sohoa.toml` and the environment.

Precedence: command-line option > environment variable > sohoa.toml > default.
Every key is checked for its type and range when it is read, with the key
named in the message (exit 4, before any page is read): a typo never falls back
silently to a default, and a wrong value never surfaces after an hour of OCR.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError

CONFIG_ENV = "SOHOA_CONFIG"
ARCHIVE_ENV = "SOHOA_ARCHIVE"
#: PAdES baseline levels sohoa signs at (ETSI EN 319 142-1).
PADES_LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
#: More workers than this is a typo, not a machine (each holds a Tesseract).
MAX_JOBS = 256
#: Tesseract language names: `vie`, `chi_sim`, `vie+eng`, `script/Latin`.
_LANGUAGES = re.compile(r"^[A-Za-z0-9_/]+(\+[A-Za-z0-9_/]+)*$")


#: Mã hồ sơ of the one-stop system (Thông tư 01/2018/TT-VPCP, 01/2023/TT-VPCP): the
#: receiving unit's code (mã định danh, QCVN 102:2016, e.g. `000.00.17.H34`), the
#: date received (yymmdd) and a 4-digit sequence: `000.00.17.H34-230512-0003`.
DEFAULT_DOSSIER_PATTERN = (
    r"(?<![0-9A-Za-z.])(?P<code>(?:[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.)?[A-Z][0-9]{2}(?:\.[0-9]{1,3})*"
    r"-[0-9]{6}-[0-9]{4})(?![0-9A-Za-z-])"
)


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
    replica: Path | None = None
    """Second copy of every object (another disk or share; option --replica, env
    SOHOA_REPLICA). The folder must exist: an unmounted disk fails the ingest."""
    dossier_pattern: str = DEFAULT_DOSSIER_PATTERN
    """Regular expression of a mã hồ sơ, searched in QR codes and in file and folder
    names (group `code` if it has one, else the whole match)."""
    station: str | None = None
    """Name of this station in the audit trail (env SOHOA_STATION; default: the host name)."""
    signing: SigningSettings = field(default_factory=SigningSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------- checks


def _positive_jobs(value: int) -> str | None:
    return None if 1 <= value <= MAX_JOBS else f"must be between 1 and {MAX_JOBS}"


def _percent(value: float) -> str | None:
    return None if 0 <= value <= 100 else "must be between 0 and 100 (a word confidence)"


def _not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _languages(value: str) -> str | None:
    if _LANGUAGES.match(value):
        return None
    return 'must be Tesseract language names joined by \'+\', e.g. "vie" or "vie+eng"'


def _url(value: str) -> str | None:
    if re.match(r"^https?://[^\s/]+", value):
        return None
    return "must be an http:// or https:// URL"


def _level(value: str) -> str | None:
    if value.upper() in PADES_LEVELS:
        return None
    return f"must be one of {', '.join(PADES_LEVELS)}"


def _env_name(value: str) -> str | None:
    return None if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", value) else "must be a variable name"


def _pattern(value: str) -> str | None:
    try:
        compiled = re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    if compiled.groups and "code" not in compiled.groupindex:
        return "must name its group (?P<code>…) when it has groups"
    if compiled.match(""):
        return "must not match an empty name"
    return None


#: Range and form checks, by key, after the type check.
RULES: dict[str, Callable[[Any], str | None]] = {
    "jobs": _positive_jobs,
    "review_confidence": _percent,
    "copy_type": _not_blank,
    "agency_name": _not_blank,
    "ocr_language": _languages,
    "tsa_url": _url,
    "level": _level,
    "passphrase_env": _env_name,
    "pin_env": _env_name,
    "pkcs11_token_label": _not_blank,
    "pkcs11_key_label": _not_blank,
    "dossier_pattern": _pattern,
    "station": _not_blank,
}

_TOML_TYPE = {str: "a string", int: "an integer", float: "a number", Path: "a path (string)"}


def _base_type(annotation: str) -> tuple[type, bool]:
    """(type, optional) of a field annotation written as a string (PEP 563)."""
    optional = "None" in annotation
    for name, kind in (("Path", Path), ("float", float), ("int", int), ("str", str)):
        if name in annotation:
            return kind, optional
    raise AssertionError(f"unsupported settings type {annotation}")  # pragma: no cover


def check_value(key: str, annotation: str, value: Any, where: str) -> Any:
    """`value` converted to the field's type, or ConfigError naming `key` and what is wrong."""
    kind, _optional = _base_type(annotation)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is Path:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: {key} must be {_TOML_TYPE[Path]}, got {value!r}")
        value = Path(value).expanduser()
    elif not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be {_TOML_TYPE[kind]}, got {value!r}")
    rule = RULES.get(key)
    problem = rule(value) if rule else None
    if problem:
        raise ConfigError(f"{where}: {key} {problem}, got {value!r}")
    if key == "level":
        value = value.upper()
    return value


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown key {key!r}", hint=f"known keys: {known}")
        annotation = str(fields[key].type)
        if key == "signing":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [signing] must be a table")
            value = _build(SigningSettings, value, f"{where} [signing]")
        elif key == "verify":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [verify] must be a table")
            value = _build(VerifySettings, value, f"{where} [verify]")
        elif annotation.startswith("tuple"):
            if not isinstance(value, list):
                raise ConfigError(f"{where}: {key} must be a list of paths, got {value!r}")
            value = tuple(check_value(key, "Path", v, where) for v in value)
        else:
            value = check_value(key, annotation, value, where)
        kwargs[key] = value
    return cls(**kwargs)


def _from_env(settings: Settings) -> Settings:
    """Environment variables over sohoa.toml, checked like the file's keys."""
    env = os.environ
    signing = settings.signing
    top: dict[str, Any] = {}
    for var, key in (
        (ARCHIVE_ENV, "archive"),
        ("SOHOA_AGENCY_NAME", "agency_name"),
        ("SOHOA_TESSDATA", "tessdata"),
        ("SOHOA_REPLICA", "replica"),
        ("SOHOA_STATION", "station"),
    ):
        if env.get(var):
            top[key] = check_value(key, _annotation(Settings, key), env[var], f"${var}")
    for var, key in (
        ("SOHOA_PKCS12", "pkcs12"),
        ("SOHOA_TSA_URL", "tsa_url"),
        # A service's secret comes as a file (systemd LoadCredential=), never as a value.
        ("SOHOA_PASSPHRASE_FILE", "passphrase_file"),
    ):
        if env.get(var):
            value = check_value(key, _annotation(SigningSettings, key), env[var], f"${var}")
            signing = dataclasses.replace(signing, **{key: value})
    return settings.replace(**top, signing=signing)


def _annotation(cls: type, key: str) -> str:
    return next(str(f.type) for f in dataclasses.fields(cls) if f.name == key)


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
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the configuration file: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        settings = _build(Settings, data, str(path))
    return _from_env(settings)


def with_jobs(settings: Settings, jobs: int | None) -> Settings:
    """`settings` with `--jobs` applied (checked like the key)."""
    if jobs is None:
        return settings
    return settings.replace(jobs=check_value("jobs", "int", jobs, "--jobs"))
