"""Settings: one frozen dataclass, loaded strictly from `sohoa.toml` and the environment.

Precedence: command-line option > environment variable > sohoa.toml > default.
Every key is checked for its type and range when it is read, with the key
named in the message (exit 4, before any page is read): a typo never falls back
silently to a default, and a wrong value never surfaces after an hour of OCR.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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


#: The plan's road (Quyết định 151/QĐ-STC 2021, Phụ lục items 3 and 5): 30 % of the results
#: by 31/12/2021, +20 points by the end of Q1/2022; `yearly_step` adds item 11's +20 a year.
DEFAULT_MILESTONES: tuple[tuple[date, float], ...] = (
    (date(2021, 12, 31), 30.0),
    (date(2022, 3, 31), 50.0),
)
#: What a register entry holds (`sohoa register import`); `[register.columns]` maps onto these.
REGISTER_FIELDS = (
    "code",  # mã hồ sơ
    "procedure_code",  # mã thủ tục hành chính
    "procedure_name",  # tên thủ tục
    "field",  # lĩnh vực
    "department",  # phòng, đơn vị giải quyết
    "received_date",  # ngày tiếp nhận
    "resolved_date",  # ngày giải quyết, trả kết quả
    "valid_until",  # hiệu lực đến
    "still_valid",  # còn hiệu lực
    "applicant",  # người nộp, tổ chức/cá nhân
    "applicant_id",  # số định danh cá nhân, mã số doanh nghiệp
)
PROGRESS_SCOPES = ("resolved", "valid")


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
class ProgressSettings:
    """The digitization target and the plan's other measures (`sohoa progress`)."""

    milestones: tuple[tuple[date, float], ...] = DEFAULT_MILESTONES
    """Target percent from each date on: `[progress.milestones]` with `2021-12-31 = 30`."""
    yearly_step: float = 20.0
    """Points added at each 31 December from `yearly_from` on, after the last milestone,
    until 100 (Phụ lục item 11: +20 % a year); 0 keeps the milestones alone."""
    yearly_from: int = 2023
    """The first year whose 31 December adds `yearly_step`."""
    scope: str = "resolved"
    """The denominator: "resolved" (every result resolved by the date, items 11 and 15) or
    "valid" (the results still valid on the date, item 3)."""
    pace_days: int = 90
    """The window of the pace, the forecast and the reuse share."""
    clerk_target: int = 1600
    """Dossiers per clerk per year (Phụ lục item 18; 800 in remote areas)."""
    reuse_target: float = 30.0
    """Percent of dossiers whose papers need not be given again (Phụ lục item 9)."""


@dataclass(frozen=True)
class RegisterSettings:
    """How the register of results exported by the one-stop system is read."""

    columns: tuple[tuple[str, str], ...] = ()
    """Column headings the importer does not know, mapped onto its fields:
    `[register.columns]` with `"Số biên nhận" = "code"`."""


@dataclass(frozen=True)
class ReportSettings:
    """The header and signer block of the quarterly báo cáo (Nghị định 30/2020 Phụ lục I)."""

    organ: str | None = None
    """Tên cơ quan ban hành (default: agency_name)."""
    parent_organ: str | None = None
    """Tên cơ quan chủ quản, above the organ (e.g. "UBND TỈNH GIA LAI")."""
    place: str | None = None
    """Địa danh of the date line (e.g. "Gia Lai")."""
    notation: str | None = None
    """Ký hiệu after the number the văn thư writes (e.g. "BC-STC")."""
    signer: tuple[str, ...] = ()
    """The signer block's lines above the signature (e.g. ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])."""
    signer_name: str | None = None
    recipients: tuple[str, ...] = ("UBND tỉnh (b/c)", "Văn phòng UBND tỉnh", "Lưu: VT, VP")
    """Nơi nhận."""
    basis: str | None = None
    """The opening "Thực hiện …" sentence's reference (default: Quyết định 468/QĐ-TTg)."""


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
    progress: ProgressSettings = field(default_factory=ProgressSettings)
    register: RegisterSettings = field(default_factory=RegisterSettings)
    report: ReportSettings = field(default_factory=ReportSettings)

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


def _between(low: float, high: float, what: str = "") -> Callable[[float], str | None]:
    return lambda value: (
        None if low <= value <= high else f"must be between {low:g} and {high:g}{what}"
    )


def _scope(value: str) -> str | None:
    return None if value in PROGRESS_SCOPES else f"must be one of {', '.join(PROGRESS_SCOPES)}"


def _notation(value: str) -> str | None:
    # Nghị định 30/2020 Điều 8: the ký hiệu is letters of the type and the organ, joined by '-'.
    return None if re.match(r"^[^\s/]+(-[^\s/]+)*$", value) else "must be like BC-STC (no spaces)"


def _milestones(value: tuple[tuple[date, float], ...]) -> str | None:
    for (day, percent), (later, more) in itertools.pairwise(value):
        if later == day:
            return f"names {day} twice"
        if more < percent:
            return f"must not go down ({percent:g} at {day}, {more:g} at {later})"
    bad = [f"{day}: {percent:g}" for day, percent in value if not 0 < percent <= 100]
    return f"must be percents above 0 and at most 100 ({', '.join(bad)})" if bad else None


def _columns(value: tuple[tuple[str, str], ...]) -> str | None:
    wrong = [
        f"{heading!r} = {target!r}" for heading, target in value if target not in REGISTER_FIELDS
    ]
    if wrong:
        return (
            f"maps onto unknown fields ({', '.join(wrong)}); fields: {', '.join(REGISTER_FIELDS)}"
        )
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
    "milestones": _milestones,
    "yearly_step": _between(0, 100, " points"),
    "yearly_from": _between(2000, 2100),
    "scope": _scope,
    "pace_days": _between(7, 3650, " days"),
    "clerk_target": _between(1, 1_000_000),
    "reuse_target": _between(0, 100, " (a percent)"),
    "columns": _columns,
    "organ": _not_blank,
    "parent_organ": _not_blank,
    "place": _not_blank,
    "notation": _notation,
    "signer_name": _not_blank,
    "basis": _not_blank,
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


def _table(key: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table, got {value!r}")
    return value


def _read_milestones(value: Any, where: str) -> tuple[tuple[date, float], ...]:
    """`[progress.milestones]`: dates (keys, YYYY-MM-DD) → target percents, sorted by date."""
    pairs: list[tuple[date, float]] = []
    for day, percent in _table("progress.milestones", value, where).items():
        try:
            when = date.fromisoformat(str(day))
        except ValueError:
            raise ConfigError(f"{where}: milestones: {day!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(percent, int | float) or isinstance(percent, bool):
            raise ConfigError(f"{where}: milestones: {day} must be a percent, got {percent!r}")
        pairs.append((when, float(percent)))
    return tuple(sorted(pairs))


def _read_columns(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """`[register.columns]`: a heading as the export writes it → one of REGISTER_FIELDS."""
    pairs = []
    for heading, target in _table("register.columns", value, where).items():
        if not isinstance(target, str) or not heading.strip():
            raise ConfigError(f"{where}: columns: {heading!r} must name a field, got {target!r}")
        pairs.append((heading, target))
    return tuple(pairs)


#: Keys whose value is a table of its own kind (read before the rule checks them).
_READERS: dict[str, Callable[[Any, str], Any]] = {
    "milestones": _read_milestones,
    "columns": _read_columns,
}


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown key {key!r}", hint=f"known keys: {known}")
        annotation = str(fields[key].type)
        if key in _TABLES:
            value = _build(_TABLES[key], _table(key, value, where), f"{where} [{key}]")
        elif key in _READERS:
            value = _READERS[key](value, where)
            problem = RULES[key](value)
            if problem:
                raise ConfigError(f"{where}: {key} {problem}")
        elif annotation.startswith("tuple"):
            kind = "Path" if "Path" in annotation else "str"
            if not isinstance(value, list):
                noun = "paths" if kind == "Path" else "strings"
                raise ConfigError(f"{where}: {key} must be a list of {noun}, got {value!r}")
            value = tuple(check_value(key, kind, v, where) for v in value)
        else:
            value = check_value(key, annotation, value, where)
        kwargs[key] = value
    return cls(**kwargs)


#: Settings tables: `[signing]`, `[verify]`, `[progress]`, `[register]`, `[report]`.
_TABLES: dict[str, type] = {
    "signing": SigningSettings,
    "verify": VerifySettings,
    "progress": ProgressSettings,
    "register": RegisterSettings,
    "report": ReportSettings,
}


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
