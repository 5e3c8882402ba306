"""Export to and import from BagIt bags (RFC 8493), the form any other archive can read.

A bag written by `sohoa export --bagit OUT`:

    OUT/bagit.txt, bag-info.txt (Bagging-Date, Payload-Oxum, Source-Organization, …)
    OUT/manifest-sha256.txt, manifest-sha512.txt, tagmanifest-sha256.txt, tagmanifest-sha512.txt
    OUT/data/<document id>/document.pdf        the signed PDF/A
                           original/…          the scan as received
                           text.txt            the OCR text
                           metadata.json       the fields under their Phụ lục VI names
                           premis.xml          the document's events from the audit trail (PREMIS 3)
                           sohoa.json          the archive's own sidecar, for `sohoa import`
    OUT/data/dossiers/<mã hồ sơ>.json          the dossiers the documents belong to

Every file copied is re-hashed on the way and compared with the archive's
record, so a bag never carries a damaged copy under a good manifest. The bag
is built under a temporary name beside OUT and renamed into place at the end.

`sohoa import --bagit IN` checks every manifest (both algorithms), the
Payload-Oxum and each signature before anything enters the archive, and
archives each document with the same atomic store as an ingest.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sohoa import __version__
from sohoa.archive import chain, dossiers, search
from sohoa.archive.fsutil import READ_ONLY, atomic_write, fsync_dir
from sohoa.archive.objects import remove_tree
from sohoa.archive.sidecar import NAME as SIDECAR
from sohoa.archive.sidecar import Sidecar, write_sidecar
from sohoa.archive.store import AlreadyArchived, Archive
from sohoa.errors import ArchiveError, ExitCode, SohoaError, UsageError, disk_error
from sohoa.metadata.fields import phu_luc_vi
from sohoa.vntime import now

ALGORITHMS = ("sha256", "sha512")
OWN_SIDECAR = "sohoa.json"
PREMIS_NS = "http://www.loc.gov/premis/v3"
#: sohoa actions → PREMIS event types (id.loc.gov/vocabulary/preservation/eventType).
PREMIS_TYPES = {
    "ingest": "ingestion",
    "import": "ingestion",
    "duplicate": "ingestion",
    "edit": "metadata modification",
    "link": "metadata modification",
    "unlink": "metadata modification",
    "renew": "digital signature generation",
    "check": "fixity check",
    "repair": "recovery",
    "export": "dissemination",
    "set-aside": "quarantine",
}


class BagError(SohoaError):
    """A bag that is not what its manifests say: nothing of it is imported."""

    exit_code = ExitCode.FAILED


# --- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    bag: Path
    documents: tuple[str, ...]
    dossiers: tuple[str, ...]
    payload_bytes: int
    payload_files: int

    def to_json(self) -> dict[str, Any]:
        return {
            "bag": str(self.bag),
            "documents": list(self.documents),
            "dossiers": list(self.dossiers),
            "payload_bytes": self.payload_bytes,
            "payload_files": self.payload_files,
        }


class _Payload:
    """Files written into a bag, with both digests taken while writing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.digests: dict[str, dict[str, str]] = {}
        self.size = 0

    def write(self, rel: str, data: bytes) -> dict[str, str]:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        digests = {a: hashlib.new(a, data).hexdigest() for a in ALGORITHMS}
        self.digests[rel] = digests
        self.size += len(data)
        return digests

    def copy(self, rel: str, source: Path) -> dict[str, str]:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        hashers = {a: hashlib.new(a) for a in ALGORITHMS}
        with source.open("rb") as src, target.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                for h in hashers.values():
                    h.update(block)
                dst.write(block)
                self.size += len(block)
            dst.flush()
            os.fsync(dst.fileno())
        digests = {a: h.hexdigest() for a, h in hashers.items()}
        self.digests[rel] = digests
        return digests


def export_bag(
    archive: Archive,
    out: Path,
    document_ids: Sequence[str],
    *,
    organization: str,
    description: str,
) -> ExportResult:
    """Write the documents `document_ids` as a bag at `out` (which must not exist)."""
    out = Path(out).absolute()
    if out.exists():
        raise UsageError(f"{out} exists already", hint="give a new folder for the bag")
    if not document_ids:
        raise UsageError("no document matches: the bag would be empty")
    building = out.parent / f".{out.name}.part-{secrets.token_hex(4)}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        building.mkdir()
        payload = _Payload(building)
        codes: set[str] = set()
        for document_id in document_ids:
            codes.update(_export_document(archive, payload, document_id))
        for code in sorted(codes):
            view = dossiers.get(archive, code).to_json()
            view.pop("documents")
            view["document_ids"] = [
                r[0]
                for r in archive.db.execute(
                    "SELECT document_id FROM document_dossiers WHERE dossier_code = ?"
                    " ORDER BY document_id",
                    (code,),
                )
            ]
            payload.write(f"data/dossiers/{_safe(code)}.json", _json_bytes(view))
        _write_tags(building, payload, organization, description, len(document_ids))
        for folder in sorted({p for p in building.rglob("*") if p.is_dir()} | {building}):
            fsync_dir(folder)
        os.rename(building, out)
        fsync_dir(out.parent)
    except OSError as exc:
        remove_tree(building)
        raise disk_error(exc, out) or ArchiveError(
            f"{out}: cannot write the bag: {exc.strerror or exc}"
        ) from None
    except BaseException:
        remove_tree(building)
        raise
    archive.log(
        "export",
        None,
        {
            "bag": str(out),
            "documents": list(document_ids),
            "dossiers": sorted(codes),
            "payload_bytes": payload.size,
        },
    )
    return ExportResult(
        out, tuple(document_ids), tuple(sorted(codes)), payload.size, len(payload.digests)
    )


def _export_document(archive: Archive, payload: _Payload, document_id: str) -> list[str]:
    """Copy one document into the bag, checking each file against its recorded hash."""
    record = archive.get(document_id)
    folder = archive.object_dir(record.document_id)
    recorded = {
        r[0]: r[1]
        for r in archive.db.execute(
            "SELECT path, sha256 FROM object_files WHERE document_id = ?", (record.document_id,)
        )
    }
    base = f"data/{record.document_id}"
    for rel, expected in sorted(recorded.items()):
        target = OWN_SIDECAR if rel == SIDECAR else rel
        digests = payload.copy(f"{base}/{target}", folder / rel)
        if digests["sha256"] != expected:
            raise ArchiveError(
                f"{folder / rel}: does not match the SHA-256 recorded at ingest; not exported",
                hint="run `sohoa archive check` and `sohoa archive repair` first",
            )
    sidecar = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    metadata = sidecar.get("metadata") or {}
    codes = search.dossiers_of(archive.db, record.document_id)
    described = {
        "Identifier": record.document_id,
        **phu_luc_vi(metadata),
        "FileCode": codes,
        "PageAmount": record.pages,
        "Reliability": "Số hóa",
        "SignatureLevel": record.signature_level,
        "DigitalSignature": {
            "signer": sidecar.get("signer_subject"),
            "signed_at": sidecar.get("signed_at"),
        },
        "sha256": recorded.get("document.pdf"),
    }
    payload.write(f"{base}/metadata.json", _json_bytes(described))
    events = archive.db.execute(
        f"SELECT {', '.join(chain.FIELDS)}, hash FROM events WHERE document_id = ? ORDER BY id",
        (record.document_id,),
    ).fetchall()
    payload.write(f"{base}/premis.xml", premis(record.document_id, recorded, events))
    return codes


def premis(
    document_id: str, files: Mapping[str, str], events: Iterable[Mapping[str, Any]]
) -> bytes:
    """A PREMIS 3 document: the object with its fixity, and its events from the audit trail."""
    ET.register_namespace("premis", PREMIS_NS)

    def sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{PREMIS_NS}}}{name}")
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{PREMIS_NS}}}premis", {"version": "3.0"})
    obj = sub(root, "object")
    obj.set("{http://www.w3.org/2001/XMLSchema-instance}type", "premis:intellectualEntity")
    ident = sub(obj, "objectIdentifier")
    sub(ident, "objectIdentifierType", "sohoa document id")
    sub(ident, "objectIdentifierValue", document_id)
    for path, digest in sorted(files.items()):
        if path == SIDECAR:
            continue
        chars = sub(obj, "significantProperties")
        sub(chars, "significantPropertiesType", f"sha256 {path}")
        sub(chars, "significantPropertiesValue", digest)
    for event in events:
        element = sub(root, "event")
        ident = sub(element, "eventIdentifier")
        sub(ident, "eventIdentifierType", "sohoa event (id:sha256 of the chain)")
        sub(ident, "eventIdentifierValue", f"{event['id']}:{event['hash']}")
        sub(element, "eventType", PREMIS_TYPES.get(event["action"], event["action"]))
        sub(element, "eventDateTime", event["at"])
        info = sub(element, "eventDetailInformation")
        sub(info, "eventDetail", f"{event['action']}: {event['detail']}")
        agent = sub(element, "linkingAgentIdentifier")
        sub(agent, "linkingAgentIdentifierType", "sohoa actor@station")
        sub(agent, "linkingAgentIdentifierValue", f"{event['actor']}@{event['station'] or ''}")
        sub(agent, "linkingAgentRole", "executing program operator")
        linked = sub(element, "linkingObjectIdentifier")
        sub(linked, "linkingObjectIdentifierType", "sohoa document id")
        sub(linked, "linkingObjectIdentifierValue", document_id)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _write_tags(
    building: Path, payload: _Payload, organization: str, description: str, documents: int
) -> None:
    tags = _Payload(building)
    tags.write("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    info = [
        ("Source-Organization", organization),
        ("Bagging-Date", now().date().isoformat()),
        ("Payload-Oxum", f"{payload.size}.{len(payload.digests)}"),
        ("Bag-Software-Agent", f"sohoa {__version__}"),
        ("External-Description", description),
        ("Bag-Group-Identifier", f"{documents} document(s)"),
    ]
    tags.write(
        "bag-info.txt",
        "".join(f"{k}: {_one_line(v)}\n" for k, v in info).encode("utf-8"),
    )
    for algorithm in ALGORITHMS:
        lines = "".join(
            f"{d[algorithm]}  {_encode_path(rel)}\n" for rel, d in sorted(payload.digests.items())
        )
        tags.write(f"manifest-{algorithm}.txt", lines.encode("utf-8"))
    for algorithm in ALGORITHMS:
        lines = "".join(
            f"{d[algorithm]}  {_encode_path(rel)}\n" for rel, d in sorted(tags.digests.items())
        )
        (building / f"tagmanifest-{algorithm}.txt").write_bytes(lines.encode("utf-8"))


def _encode_path(rel: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded."""
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _safe(code: str) -> str:
    return code.replace("/", "_")


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    document_id: str
    status: str
    """"imported", "duplicate" or "refused"."""
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "status": self.status, "message": self.message}


def validate_bag(bag: Path) -> dict[str, dict[str, str]]:
    """Check a bag against its manifests; the payload's digests by path. Raises BagError."""
    bag = Path(bag)
    if not (bag / "bagit.txt").is_file():
        raise UsageError(f"{bag}: not a BagIt bag (no bagit.txt)")
    manifests: dict[str, dict[str, str]] = {}
    for algorithm in ALGORITHMS:
        path = bag / f"manifest-{algorithm}.txt"
        if path.is_file():
            manifests[algorithm] = _read_manifest(path)
    if "sha256" not in manifests:
        raise BagError(f"{bag}: no manifest-sha256.txt", hint="sohoa needs SHA-256 fixity")
    listed = set().union(*(set(m) for m in manifests.values()))
    present = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()}
    for rel in sorted(present - listed):
        raise BagError(f"{bag}: {rel} is in the payload but in no manifest")
    for algorithm, manifest in manifests.items():
        for rel in sorted(listed - set(manifest)):
            raise BagError(f"{bag}: {rel} is missing from manifest-{algorithm}.txt")
    total = 0
    digests: dict[str, dict[str, str]] = {}
    for rel in sorted(listed):
        path = bag / rel
        if not path.is_file() or path.is_symlink():
            raise BagError(f"{bag}: {rel} is listed in the manifest but missing")
        hashers = {a: hashlib.new(a) for a in manifests}
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                for h in hashers.values():
                    h.update(block)
                total += len(block)
        digests[rel] = {a: h.hexdigest() for a, h in hashers.items()}
        for algorithm, manifest in manifests.items():
            if digests[rel][algorithm] != manifest[rel]:
                raise BagError(f"{bag}: {rel} does not match its {algorithm} in the manifest")
    oxum = _bag_info(bag).get("Payload-Oxum")
    if oxum and oxum != f"{total}.{len(listed)}":
        raise BagError(f"{bag}: Payload-Oxum {oxum} but the payload is {total}.{len(listed)}")
    return digests


def _read_manifest(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, rel = line.strip().partition(" ")
        rel = _decode_path(rel.strip())
        if not digest or not rel or rel.startswith("/") or ".." in Path(rel).parts:
            raise BagError(f"{path}: line {number} is not `digest path` inside the bag")
        out[unicodedata.normalize("NFC", rel)] = digest.lower()
    return out


def _bag_info(bag: Path) -> dict[str, str]:
    info: dict[str, str] = {}
    path = bag / "bag-info.txt"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition(":")
            if sep and not line[:1].isspace():
                info[key.strip()] = value.strip()
    return info


def import_bag(
    archive: Archive, bag: Path, *, verify_signature: Callable[[Path], str | None]
) -> list[Imported]:
    """Archive every document of a sohoa bag (module docstring). Raises BagError when the
    bag does not match its manifests (then nothing is imported)."""
    bag = Path(bag).absolute()
    digests = validate_bag(bag)
    outcomes: list[Imported] = []
    folders = sorted(
        p.parent for p in (bag / "data").glob(f"*/{OWN_SIDECAR}") if p.parent.name != "dossiers"
    )
    if not folders:
        raise UsageError(f"{bag}: no sohoa document in this bag (no data/*/{OWN_SIDECAR})")
    for folder in folders:
        outcomes.append(_import_document(archive, bag, folder, digests, verify_signature))
    for path in sorted((bag / "data" / "dossiers").glob("*.json")):
        view = json.loads(path.read_text(encoding="utf-8"))
        fields = {k: view.get(k) for k in dossiers.EDITABLE if k not in ("language", "reliability")}
        dossiers.update(archive, view["code"], fields)
    return outcomes


def _import_document(
    archive: Archive,
    bag: Path,
    folder: Path,
    digests: Mapping[str, Mapping[str, str]],
    verify_signature: Callable[[Path], str | None],
) -> Imported:
    try:
        sidecar = Sidecar.from_json(json.loads((folder / OWN_SIDECAR).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        return Imported(folder.name, "refused", f"{folder / OWN_SIDECAR}: unreadable: {exc}")
    document_id = sidecar.document_id
    base = folder.relative_to(bag).as_posix()
    for rel, expected in sorted(sidecar.files.items()):
        got = digests.get(f"{base}/{rel}", {}).get("sha256")
        if got != expected:
            return Imported(
                document_id, "refused", f"{base}/{rel}: not the file the archive recorded"
            )
    problem = verify_signature(folder / "document.pdf")
    if problem:
        return Imported(document_id, "refused", f"{base}/document.pdf: {problem}")
    if archive.find(sidecar.sha256) is not None:
        archive.log("duplicate", document_id, {"source": str(bag), "import": True})
        return Imported(document_id, "duplicate", "already in this archive")
    stage = archive.work_dir() / document_id
    try:
        if stage.exists():
            remove_tree(stage)
        mode = READ_ONLY
        for rel in sorted(sidecar.files):
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = (folder / rel).read_bytes()
            atomic_write(target, data, mode)
        atomic_write(
            stage / "provenance" / "premis.xml", (folder / "premis.xml").read_bytes(), mode
        )
        extra = {**sidecar.extra, "imported_from": str(bag), "imported_at": now().isoformat()}
        sidecar = sidecar.replace(extra=extra)
        write_sidecar(stage, sidecar, mode)
        for sub in sorted({p for p in stage.rglob("*") if p.is_dir()} | {stage}, reverse=True):
            fsync_dir(sub)
    except OSError as exc:
        remove_tree(stage)
        raise disk_error(exc, archive.root) or ArchiveError(
            f"{stage}: cannot stage {document_id}: {exc.strerror or exc}"
        ) from None
    try:
        archive.put_object(stage, sidecar, "import", {"bag": str(bag), "source": sidecar.source})
    except AlreadyArchived:
        return Imported(document_id, "duplicate", "archived meanwhile by another process")
    return Imported(document_id, "imported", f"from {base}")
