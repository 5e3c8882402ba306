"""`sohoa trust add|list|remove`: the trust anchors of `sohoa verify` (registered on import).

The anchors live in sohoa.toml as `[verify] trust = [...]`, a list of
certificate files. `add` copies the certificate into a `trust/` folder beside
sohoa.toml (so the configuration does not depend on a download folder) and
records it; `list` shows each anchor with its SHA-256 fingerprint, to compare
with the one the CA publishes; `remove` takes a fingerprint (or a prefix of
it) or a file name. Editing keeps the file's comments and layout (tomlkit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sohoa.commands.common import ConfigOption, JsonOption, app, out
from sohoa.errors import ConfigError, UsageError

trust_app = typer.Typer(
    help="Trust anchors of `sohoa verify`: the root certificates a signature must chain to.",
    no_args_is_help=True,
)
app.add_typer(trust_app, name="trust")


def _config_path(config: Path | None) -> Path:
    from sohoa.signing.trust import default_config_path

    return config or default_config_path()


def _read(path: Path) -> Any:
    import tomlkit

    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _write(path: Path, doc: Any) -> None:
    import tomlkit

    from sohoa.archive.fsutil import atomic_write

    atomic_write(path, tomlkit.dumps(doc).encode("utf-8"))


def _trust_list(doc: Any) -> Any:
    import tomlkit

    if "verify" not in doc:
        doc["verify"] = tomlkit.table()
    table = doc["verify"]
    if "trust" not in table:
        table["trust"] = tomlkit.array()
    return table["trust"]


def _fp(value: str) -> str:
    return value.replace(":", "").upper()


@trust_app.command("add")
def trust_add(
    certificates: Annotated[
        list[Path], typer.Argument(help="Root certificate files (PEM or DER).", show_default=False)
    ],
    config: ConfigOption = None,
) -> None:
    """Trust root certificates: copy them beside sohoa.toml and add them to [verify] trust.

    Check the printed SHA-256 fingerprint against the one the CA publishes before relying on it.
    """
    from sohoa.archive.fsutil import atomic_write
    from sohoa.signing.identity import load_certificates
    from sohoa.signing.trust import fingerprint

    path = _config_path(config)
    doc = _read(path)
    entries = _trust_list(doc)
    folder = path.absolute().parent / "trust"
    known = {_fp(fingerprint(c)) for entry in list(entries) for c in _safe_load(Path(entry))}
    for source in certificates:
        for cert in load_certificates(source):
            fp = fingerprint(cert)
            if _fp(fp) in known:
                _plain(f"already trusted: {cert.subject.human_friendly} (SHA-256 {fp})")
                continue
            target = folder / f"{_fp(fp)[:16].lower()}.pem"
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(target, _pem(cert.dump()))
            entries.append(str(target))
            known.add(_fp(fp))
            if not cert.ca:
                out.print("[yellow]note: not a CA certificate; chains will end at it[/]")
            _plain(f"trusted: {cert.subject.human_friendly}\n  SHA-256 {fp}\n  file    {target}")
    _write(path, doc)
    _plain(f"[verify] trust of {path} updated")


@trust_app.command("list")
def trust_list(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """List the configured trust anchors with their SHA-256 fingerprints and validity."""
    from sohoa.config import load_settings
    from sohoa.signing.trust import configured_anchors

    settings = load_settings(config)
    anchors = configured_anchors(settings)
    for anchor in anchors:
        cert = anchor.certificate
        row = {
            **anchor.to_json(),
            "not_before": cert.not_valid_before.isoformat(),
            "not_after": cert.not_valid_after.isoformat(),
        }
        if as_json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            demo = "  [yellow](DEMO/test: no legal value)[/]" if anchor.demo else ""
            out.print(f"{escape(anchor.subject)}{demo}")
            _plain(f"  SHA-256 {anchor.fingerprint}")
            _plain(f"  valid   {row['not_before']} → {row['not_after']}")
            _plain(f"  from    {anchor.source}")
    if not anchors and not as_json:
        out.print("No trust anchor configured: every signature will be 'trust not established'.")
        out.print("Add one with: sohoa trust add ROOT-CA.pem")


@trust_app.command("remove")
def trust_remove(
    which: Annotated[
        str, typer.Argument(help="SHA-256 fingerprint (or its first digits) or file name.")
    ],
    config: ConfigOption = None,
) -> None:
    """Stop trusting an anchor of [verify] trust (its copy in trust/ is deleted too)."""
    from sohoa.signing.trust import fingerprint

    path = _config_path(config)
    if not path.exists():
        raise ConfigError(f"{path}: configuration file not found")
    doc = _read(path)
    entries = _trust_list(doc)
    wanted = _fp(which)
    folder = path.absolute().parent / "trust"
    removed = []
    for index in reversed(range(len(entries))):
        entry = Path(str(entries[index]))
        prints = [_fp(fingerprint(c)) for c in _safe_load(entry)]
        by_print = len(wanted) >= 8 and any(p.startswith(wanted) for p in prints)
        if by_print or entry.name == which or str(entry) == which:
            del entries[index]
            removed.append(entry)
            if entry.parent == folder:
                entry.unlink(missing_ok=True)
    if not removed:
        raise UsageError(
            f"no trust anchor matches {which!r}", hint="see `sohoa trust list` for fingerprints"
        )
    _write(path, doc)
    for entry in removed:
        out.print(f"removed: {entry}")


def _safe_load(path: Path) -> list[Any]:
    from sohoa.signing.identity import load_certificates

    try:
        return load_certificates(path)
    except ConfigError:
        return []


def _pem(der: bytes) -> bytes:
    import base64
    import textwrap

    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n".encode()


def _plain(text: str) -> None:
    """Fingerprints and paths as they are: never wrapped, cut or read as markup."""
    print(text, flush=True)
