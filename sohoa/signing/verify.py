"""Verify the signatures of a signed PDF: one verdict per signature, never an exception.

An auditor (thanh tra, lưu trữ) asks of each signature: is it intact, who
signed, does the signer chain to an anchor the auditor configured (which
one, configured where), when was it signed (claimed and time-stamped), was
the file changed afterwards beyond what the signature allows, and which
PAdES level does it meet. The answers are a `FileVerdict` with a
`SignatureVerdict` per signature and a `TimestampVerdict` per document
time-stamp; `to_json()` is the stable form for scripts (DESIGN.md, JSON
contract), `report.render_html` the printable one.

Exit codes (DESIGN.md):
  0  every signature intact and trusted;
  1  a signature broken (hash or signature value wrong, unreadable CMS or
     signature dictionary, unsupported format, certificate revoked), or the
     file changed after signing beyond what the signature allows
     (`changes.review_signature`);
  2  integrity holds but trust or revocation status cannot be established
     (no configured anchor, missing/expired revocation data, untrusted TSA);
  3  bad input: not a PDF, a password needed, no signature at all.

Every signature field is reported whatever its SubFilter, and a signature
pyHanko cannot read is reported unreadable beside the others, never hiding
them. Times are Vietnam time (+07:00), as the report is read in Vietnam.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESPassed, AdESStatus
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
    TimestampSignatureStatus,
)

from sohoa.errors import ExitCode
from sohoa.signing.changes import RevisionChange, review_signature
from sohoa.signing.levels import DssContent, LevelReport, detect_level, read_dss_at
from sohoa.signing.ltv import declares_revinfo
from sohoa.signing.trust import TrustAnchor, TrustStore, fingerprint, is_test_certificate
from sohoa.signing.validation import (
    DETACHED_SUBFILTERS,
    SHA1_SUBFILTER,
    Checked,
    Evidence,
    check_detached,
    check_doc_timestamp,
    check_enveloped,
    cms_encoding_problem,
    holds_over_der,
)
from sohoa.vntime import VIETNAM, iso

log = logging.getLogger(__name__)

DOC_TS_SUBFILTER = "/ETSI.RFC3161"

#: How bad each outcome is, to combine several: a broken signature outweighs an
#: unsigned file, which outweighs an unverifiable one (exit codes are not ordered).
SEVERITY = {
    ExitCode.OK: 0,
    ExitCode.INDETERMINATE: 1,
    ExitCode.BAD_INPUT: 2,
    ExitCode.FAILED: 3,
}


def worst(codes: Sequence[ExitCode]) -> ExitCode:
    """The most severe of `codes` (OK when empty)."""
    return max(codes, key=lambda c: SEVERITY.get(c, 3), default=ExitCode.OK)


#: ISO 8601 in Vietnam time (+07:00), to the second; a naive time is read as Vietnam time.
vietnam_time = iso


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    serial: str
    """Serial number in hex, as CAs print it."""
    not_before: str
    not_after: str
    sha256: str
    test: bool
    """A DEMO or test certificate (its names say so): no legal value."""

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertInfo:
        return cls(
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "x"),
            not_before=vietnam_time(cert.not_valid_before) or "",
            not_after=vietnam_time(cert.not_valid_after) or "",
            sha256=fingerprint(cert),
            test=is_test_certificate(cert),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "sha256": self.sha256,
            "test": self.test,
        }


@dataclass(frozen=True)
class TimestampInfo:
    """An RFC 3161 time-stamp token: when, by whom, and whether it holds."""

    time: str | None
    tsa: CertInfo | None
    intact: bool
    trusted: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "tsa": self.tsa.to_json() if self.tsa else None,
            "intact": self.intact,
            "trusted": self.trusted,
        }


@dataclass(frozen=True)
class SignatureVerdict:
    """Everything an auditor asks about one signature."""

    field_name: str
    exit_code: ExitCode
    status: str
    """"valid", "broken", "modified" (changed after signing) or "indeterminate"."""
    message: str
    subfilter: str | None = None
    signer: CertInfo | None = None
    signing_time_claimed: str | None = None
    timestamp: TimestampInfo | None = None
    intact: bool = False
    trusted: bool = False
    trust_problem: str | None = None
    anchor: TrustAnchor | None = None
    """The configured anchor the signer's chain ended in."""
    demo: bool = False
    """Signed with a DEMO or test identity: no legal value, even when it verifies."""
    revocation: str = "unknown"
    """"good", "revoked", "unknown" (needed but missing) or "not-declared"."""
    coverage: str = "partial"
    """"entire-file", "entire-revision" (revisions were added) or "partial"."""
    permissions: str | None = None
    """DocMDP of a certification signature: "no-changes", "form-filling", "annotations"."""
    later_revisions: tuple[RevisionChange, ...] = ()
    modification_level: str | None = None
    level: str | None = None
    level_report: LevelReport = field(default_factory=lambda: LevelReport(None))
    ades_indication: str | None = None
    """ETSI EN 319 102-1 indication/sub-indication, e.g. "PASSED/OK"."""

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "status": self.status,
            "exit_code": int(self.exit_code),
            "message": self.message,
            "subfilter": self.subfilter,
            "signer": self.signer.to_json() if self.signer else None,
            "signing_time_claimed": self.signing_time_claimed,
            "timestamp": self.timestamp.to_json() if self.timestamp else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "trust_problem": self.trust_problem,
            "trust_anchor": self.anchor.to_json() if self.anchor else None,
            "demo": self.demo,
            "revocation": self.revocation,
            "coverage": self.coverage,
            "permissions": self.permissions,
            "later_revisions": [r.to_json() for r in self.later_revisions],
            "modification_level": self.modification_level,
            "level": self.level,
            "level_details": self.level_report.to_json(),
            "ades_indication": self.ades_indication,
        }


@dataclass(frozen=True)
class TimestampVerdict:
    """A document time-stamp (ETSI.RFC3161) of the file."""

    field_name: str
    exit_code: ExitCode
    status: str
    timestamp: TimestampInfo
    coverage: str
    message: str
    anchor: TrustAnchor | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "status": self.status,
            "exit_code": int(self.exit_code),
            "time": self.timestamp.time,
            "timestamp": self.timestamp.to_json(),
            "coverage": self.coverage,
            "message": self.message,
            "trust_anchor": self.anchor.to_json() if self.anchor else None,
        }


@dataclass(frozen=True)
class DocumentInfo:
    """What the archive knows of a file (Nghị định 30/2020 Phụ lục VI names in comments)."""

    document_id: str
    type_name: str | None = None  # TypeName
    code: str | None = None  # CodeNumber/CodeNotation, "151/QĐ-STC"
    issued_date: str | None = None  # IssuedDate
    organ_name: str | None = None  # OrganName
    subject: str | None = None  # Subject (trích yếu)
    archive: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "type_name": self.type_name,
            "code": self.code,
            "issued_date": self.issued_date,
            "organ_name": self.organ_name,
            "subject": self.subject,
            "archive": self.archive,
        }


@dataclass(frozen=True)
class FileVerdict:
    """The verdict on one file: the worst of its signatures' verdicts."""

    file: Path
    exit_code: ExitCode
    status: str
    """"valid", "invalid", "indeterminate" or "bad-input"."""
    error: str | None
    signatures: tuple[SignatureVerdict, ...] = ()
    document_timestamps: tuple[TimestampVerdict, ...] = ()
    validated_at: str = ""
    revisions: int = 0
    sha256: str | None = None
    pages: int | None = None
    document: DocumentInfo | None = None
    trust: tuple[TrustAnchor, ...] = ()
    """The anchors this file was checked against."""

    @property
    def message(self) -> str:
        """One line for the whole file: its error, else the worst signature's message."""
        if self.error:
            return self.error
        items = [(s.exit_code, s.message) for s in self.signatures] + [
            (t.exit_code, t.message) for t in self.document_timestamps
        ]
        if not items:
            return self.status
        code = worst([c for c, _ in items])
        return next(m for c, m in items if c == code)

    def with_document(self, document: DocumentInfo | None) -> FileVerdict:
        from dataclasses import replace

        return replace(self, document=document)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "status": self.status,
            "exit_code": int(self.exit_code),
            "message": self.message,
            "error": self.error,
            "validated_at": self.validated_at,
            "revisions": self.revisions,
            "sha256": self.sha256,
            "pages": self.pages,
            "document": self.document.to_json() if self.document else None,
            "trust_anchors": [a.to_json() for a in self.trust],
            "signatures": [s.to_json() for s in self.signatures],
            "document_timestamps": [t.to_json() for t in self.document_timestamps],
        }


# --------------------------------------------------------------------------- helpers


def _coverage_name(coverage: SignatureCoverageLevel | None) -> str:
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire-file"
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire-revision"
    return "partial"


def _ts_info(status: TimestampSignatureStatus | None) -> TimestampInfo | None:
    if status is None:
        return None
    tsa = None
    try:
        tsa = CertInfo.of(status.signing_cert) if status.signing_cert is not None else None
    except Exception:
        tsa = None
    return TimestampInfo(
        time=vietnam_time(status.timestamp),
        tsa=tsa,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
    )


def _anchor_of(status: Any, store: TrustStore) -> TrustAnchor | None:
    """The configured anchor a validated chain ended in (None when it did not chain)."""
    path = getattr(status, "validation_path", None)
    if path is None or not getattr(status, "trusted", False):
        return None
    try:
        cert = getattr(path.trust_anchor.authority, "certificate", None)
    except Exception:
        return None
    return store.anchor_for(cert)


def _revocation_state(status: PdfSignatureStatus | None, trusted: bool) -> str:
    if status is None:
        return "unknown"
    if status.revoked:
        return "revoked"
    path = status.validation_path
    certs = list(path.iter_certs(include_root=False)) if path is not None else []
    if not certs and status.signing_cert is not None:
        certs = [status.signing_cert]
    if not any(declares_revinfo(c) for c in certs):
        return "not-declared"
    return "good" if trusted else "unknown"


def _subfilter(sig: EmbeddedPdfSignature) -> str:
    try:
        return str(sig.sig_object.get("/SubFilter", ""))
    except Exception:
        return ""


def _is_doc_timestamp(sig: EmbeddedPdfSignature) -> bool:
    # Some writers leave /Type at /Sig on a document time-stamp: the SubFilter decides.
    return sig.sig_object_type == "/DocTimeStamp" or _subfilter(sig) == DOC_TS_SUBFILTER


def _permissions(sig: EmbeddedPdfSignature) -> str | None:
    try:
        perm = sig.docmdp_level
    except Exception:
        return "unreadable"
    if perm is None:
        return None
    return {1: "no-changes", 2: "form-filling", 3: "annotations"}.get(perm.value, str(perm.value))


@dataclass
class _FileContext:
    """What every signature of one file shares while it is verified."""

    reader: PdfFileReader
    all_sigs: list[EmbeddedPdfSignature]
    doc_ts: list[EmbeddedPdfSignature]
    store: TrustStore
    at: datetime | None
    allow_fetching: bool
    dss: dict[int, DssContent | None] = field(default_factory=dict)

    def dss_at(self, rev: int) -> DssContent | None:
        if rev not in self.dss:
            self.dss[rev] = read_dss_at(self.reader, rev)
        return self.dss[rev]

    def dss_changed(self, rev: int) -> bool:
        now = self.dss_at(rev)
        return now is not None and now != (self.dss_at(rev - 1) if rev > 0 else None)

    def signed_in(self, rev: int) -> list[str]:
        return [
            "document-timestamp" if _is_doc_timestamp(s) else "signature"
            for s in self.all_sigs
            if s.signed_revision == rev
        ]

    @property
    def last(self) -> int:
        return self.reader.xrefs.total_revisions - 1

    def evidence(self) -> Evidence:
        return Evidence(
            self.store.certificates, self.at, self.allow_fetching, self.dss_at(self.last)
        )


# --------------------------------------------------------------------------- signatures


def _unreadable(name: str, reason: str) -> SignatureVerdict:
    return SignatureVerdict(
        field_name=name,
        exit_code=ExitCode.FAILED,
        status="broken",
        message=f"the signature cannot be read: {reason}",
    )


async def _check(sig: EmbeddedPdfSignature, ctx: _FileContext, subfilter: str) -> Checked:
    """Run the pyHanko validator that fits this signature's format."""
    try:
        enveloped = sig.signed_data["encap_content_info"]["content"].native is not None
    except Exception:
        enveloped = False
    if subfilter == SHA1_SUBFILTER or (enveloped and subfilter in DETACHED_SUBFILTERS):
        return await check_enveloped(sig, ctx.evidence(), subfilter)
    from sohoa.signing.levels import signature_timestamp_token

    # Long-term validation needs a proof of time: a later document time-stamp,
    # or a signature time-stamp with validation data after it. A B-B signature
    # followed by someone else's DSS update is still judged now, classically.
    with_time = signature_timestamp_token(sig.signer_info) is not None
    later_ts = any(t.signed_revision > sig.signed_revision for t in ctx.doc_ts)
    later_dss = any(ctx.dss_at(r) is not None for r in range(sig.signed_revision + 1, ctx.last + 1))
    return await check_detached(
        sig, ctx.evidence(), long_term=later_ts or (with_time and later_dss), with_time=with_time
    )


async def _verify_signature(
    sig: EmbeddedPdfSignature, ctx: _FileContext, broken_ts: set[int]
) -> SignatureVerdict:
    name = sig.field_name
    subfilter = _subfilter(sig)
    signer = claimed = None
    try:
        signer = CertInfo.of(sig.signer_cert)
    except Exception:  # the signer's certificate is not in the CMS
        signer = None
    try:
        claimed = vietnam_time(sig.self_reported_timestamp)
    except Exception:
        claimed = None
    base = dict(field_name=name, subfilter=subfilter or None, signer=signer)
    base["signing_time_claimed"] = claimed
    if subfilter not in (*DETACHED_SUBFILTERS, SHA1_SUBFILTER):
        return SignatureVerdict(
            exit_code=ExitCode.FAILED,
            status="broken",
            message=f"SubFilter {subfilter or '(none)'} is not supported: the signature cannot "
            "be checked",
            **base,
        )
    problem = cms_encoding_problem(sig.pkcs7_content)
    if problem is not None:
        return SignatureVerdict(exit_code=ExitCode.FAILED, status="broken", message=problem, **base)
    if signer is None:
        return SignatureVerdict(
            exit_code=ExitCode.FAILED,
            status="broken",
            message="the signer's certificate is not in the signature: it cannot be checked",
            **base,
        )
    try:
        later = review_signature(ctx.reader, sig, ctx.signed_in, ctx.dss_changed)
    except Exception as exc:  # the signed bytes cannot even be digested
        log.debug("integrity of %s raised", name, exc_info=True)
        return SignatureVerdict(
            exit_code=ExitCode.FAILED,
            status="broken",
            message=f"the signed bytes cannot be read ({type(exc).__name__}: {exc})",
            **base,
        )
    checked = await _check(sig, ctx, subfilter)
    status, indication = checked.status, checked.indication

    if status is not None:
        intact = bool(status.intact and status.valid) and checked.content_matches
        trusted = bool(status.trusted) and intact
        trust_problem = status.trust_problem_indic.name if status.trust_problem_indic else None
        timestamp = _ts_info(status.timestamp_validity)
    else:
        intact = trusted = False
        trust_problem = None
        timestamp = None
    if indication is not None and indication.status is not AdESStatus.PASSED:
        trusted = False
        trust_problem = trust_problem or indication.name
    if indication == AdESFailure.HASH_FAILURE:
        intact = False
    # (malformed INTEGERs anywhere in the CMS were refused before, by cms_encoding_problem)
    not_der = False
    if intact and not holds_over_der(sig.signer_info, sig.signer_cert):
        intact, trusted, not_der = False, False, True
    integrity = sig.summarise_integrity_info()
    coverage = _coverage_name(integrity["coverage"])
    changed_ok = bool(integrity["docmdp_ok"]) and coverage != "partial"
    diff = integrity["diff_result"]
    mod = getattr(diff, "modification_level", None)
    revocation = _revocation_state(status, trusted)
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.trusted)
    anchor = _anchor_of(status, ctx.store) if trusted else None
    demo = bool(signer.test or (anchor is not None and anchor.demo))

    if not intact:
        code, state = ExitCode.FAILED, "broken"
        message = "the signed bytes or the signature value do not match: the signature is broken"
        if not_der:
            message = (
                "the signature value does not verify over the DER encoding of its signed "
                "attributes (RFC 5652 §5.4): the signer wrote them out of DER order"
            )
        elif not checked.content_matches and status is not None:
            message = "the content inside the signature is not the signed bytes of the file"
        elif checked.failure and status is None:
            message = f"the signature cannot be read: {checked.failure}"
    elif not changed_ok:
        code, state = ExitCode.FAILED, "modified"
        bad = [r for r in later if not r.allowed]
        if bad:
            first = bad[0]
            message = (
                f"the file was changed after signing (revision "
                f"{', '.join(str(r.revision) for r in bad)}): {first.reason or first.level}"
            )
        elif integrity["coverage"] == SignatureCoverageLevel.UNCLEAR:
            message = "the byte range is not a standard one (overlapping or out of order)"
        else:
            message = "the signature does not cover its whole revision"
    elif revocation == "revoked" or indication == AdESFailure.REVOKED:
        code, state = ExitCode.FAILED, "broken"
        revocation = "revoked"
        message = "the signer's certificate was revoked"
    elif isinstance(indication, AdESFailure):
        code, state = ExitCode.FAILED, "broken"
        message = f"validation failed: {indication.name}"
    elif trusted and timestamp_ok and (indication is None or indication == AdESPassed.OK):
        code, state = ExitCode.OK, "valid"
        message = "intact and trusted"
    else:
        code, state = ExitCode.INDETERMINATE, "indeterminate"
        why = trust_problem or ("time-stamp not trusted" if not timestamp_ok else None)
        if why is None and not trusted:
            why = "the signer does not chain to a configured trust anchor"
        message = f"intact, but trust or revocation cannot be established ({why})"
        if checked.failure and indication is not None:
            message += f": {checked.failure}"

    try:
        level_report = detect_level(
            ctx.reader,
            sig,
            ctx.doc_ts,
            ctx.dss,
            signature_timestamp_ok=None if timestamp is None else timestamp.intact,
            broken_doc_timestamps=broken_ts,
            anchors=frozenset(c.sha256 for c in ctx.store.certificates),
        )
    except Exception as exc:
        level_report = LevelReport(None, {}, (f"level cannot be read ({type(exc).__name__})",))
    return SignatureVerdict(
        exit_code=code,
        status=state,
        message=message,
        timestamp=timestamp,
        intact=intact,
        trusted=trusted,
        trust_problem=trust_problem,
        anchor=anchor,
        demo=demo,
        revocation=revocation,
        coverage=coverage,
        permissions=_permissions(sig),
        later_revisions=later,
        modification_level=mod.name.lower().replace("_", "-") if mod is not None else None,
        level=level_report.level,
        level_report=level_report,
        ades_indication=(
            f"{indication.status.name}/{indication.name}" if indication is not None else None
        ),
        **base,
    )


async def _verify_doc_timestamp(sig: EmbeddedPdfSignature, ctx: _FileContext) -> TimestampVerdict:
    name = sig.field_name
    problem = cms_encoding_problem(sig.pkcs7_content)
    if problem is not None:
        info = TimestampInfo(time=None, tsa=None, intact=False, trusted=False)
        return TimestampVerdict(name, ExitCode.FAILED, "broken", info, "partial", problem)
    try:
        status = await check_doc_timestamp(sig, ctx.evidence())
    except Exception as exc:
        info = TimestampInfo(time=None, tsa=None, intact=False, trusted=False)
        return TimestampVerdict(
            name, ExitCode.FAILED, "broken", info, "partial", f"unreadable: {exc}"
        )
    info = _ts_info(status) or TimestampInfo(None, None, False, False)
    coverage = _coverage_name(status.coverage)
    anchor = _anchor_of(status, ctx.store)
    if not info.intact:
        return TimestampVerdict(
            name, ExitCode.FAILED, "broken", info, coverage, "time-stamp broken"
        )
    if coverage == "partial":
        return TimestampVerdict(
            name, ExitCode.FAILED, "modified", info, coverage, "nonstandard coverage"
        )
    if not info.trusted:
        return TimestampVerdict(
            name,
            ExitCode.INDETERMINATE,
            "indeterminate",
            info,
            coverage,
            "the TSA is not trusted, or its revocation status is unknown",
        )
    return TimestampVerdict(name, ExitCode.OK, "valid", info, coverage, "valid", anchor)


# --------------------------------------------------------------------------- files


def _bad_input(path: Path, error: str, now: str, **extra: Any) -> FileVerdict:
    return FileVerdict(
        file=path,
        exit_code=ExitCode.BAD_INPUT,
        status="bad-input",
        error=error,
        validated_at=now,
        **extra,
    )


class _NeedsPassword(Exception):
    pass


def _open(data: bytes) -> PdfFileReader:
    """A reader over `data`, decrypted when it opens without a password."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    # ISO 32000 §7.6.4: a document with an empty user password opens for anyone.
    if reader.encrypted and reader.decrypt(b"").status == AuthStatus.FAILED:
        raise _NeedsPassword
    return reader


def _page_count(reader: PdfFileReader) -> int | None:
    try:
        return int(reader.root["/Pages"]["/Count"])
    except Exception:
        return None


def _signature_fields(reader: PdfFileReader) -> list[tuple[str, Any]]:
    return [(name, sig_field) for name, _value, sig_field in enumerate_sig_fields(reader, True)]


async def _verify(
    path: Path,
    data: bytes,
    store: TrustStore,
    at: datetime | None,
    allow_fetching: bool,
    now: str,
) -> FileVerdict:
    digest = hashlib.sha256(data).hexdigest()
    common: dict[str, Any] = {"sha256": digest, "trust": store.anchors}
    has_signature_bytes = b"/ByteRange" in data
    try:
        reader = _open(data)
        fields = _signature_fields(reader)
    except _NeedsPassword:
        return _bad_input(path, "the PDF is encrypted and needs a password to open", now, **common)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if has_signature_bytes:
            # a signature is there but the file around it cannot be parsed:
            # that is a broken signature, not a file that was never signed
            return FileVerdict(
                file=path,
                exit_code=ExitCode.FAILED,
                status="invalid",
                error=f"a signature is present but the file is unreadable ({reason})",
                validated_at=now,
                **common,
            )
        return _bad_input(path, f"unreadable PDF ({reason})", now, **common)
    common["pages"] = _page_count(reader)
    common["revisions"] = reader.xrefs.total_revisions
    sigs: list[EmbeddedPdfSignature] = []
    unreadable: list[SignatureVerdict] = []
    for name, sig_field in fields:
        try:
            sigs.append(EmbeddedPdfSignature(reader, sig_field, name))
        except Exception as exc:
            log.debug("signature %s unreadable", name, exc_info=True)
            unreadable.append(_unreadable(name, f"{type(exc).__name__}: {exc}".strip(": ")))
    sigs.sort(key=lambda s: s.signed_revision)
    doc_ts = [s for s in sigs if _is_doc_timestamp(s)]
    regular = [s for s in sigs if not _is_doc_timestamp(s)]
    if not sigs and not unreadable:
        return _bad_input(path, "the file has no signature", now, **common)
    ctx = _FileContext(reader, sigs, doc_ts, store, at, allow_fetching)
    ts_verdicts = [await _verify_doc_timestamp(ts, ctx) for ts in doc_ts]
    broken_ts = {
        ts.signed_revision
        for ts, v in zip(doc_ts, ts_verdicts, strict=True)
        if not v.timestamp.intact or v.coverage == "partial"
    }
    verdicts = [await _verify_signature(sig, ctx, broken_ts) for sig in regular] + unreadable
    code = worst([v.exit_code for v in verdicts] + [t.exit_code for t in ts_verdicts])
    status = {ExitCode.OK: "valid", ExitCode.FAILED: "invalid"}.get(code, "indeterminate")
    return FileVerdict(
        file=path,
        exit_code=ExitCode(code),
        status=status,
        error=None,
        signatures=tuple(verdicts),
        document_timestamps=tuple(ts_verdicts),
        validated_at=now,
        **common,
    )


def verify_file(
    path: Path,
    *,
    trust_roots: TrustStore | Sequence[x509.Certificate | TrustAnchor] = (),
    at: datetime | None = None,
    allow_fetching: bool = False,
) -> FileVerdict:
    """Verify every signature of `path`; returns a verdict, never raises for a bad file.

    `trust_roots`: the anchors (a `trust.TrustStore`, or certificates given
    by the caller). `at`: validate as of that past moment (a naive time is
    Vietnam time). `allow_fetching`: fetch missing OCSP/CRL data online (off
    by default: an audit judges the file as it is).
    """
    store = trust_roots if isinstance(trust_roots, TrustStore) else TrustStore.of(trust_roots)
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=VIETNAM)
    now = vietnam_time(at or datetime.now(VIETNAM)) or ""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _bad_input(path, f"cannot read: {exc.strerror}", now)
    # ISO 32000-1 §7.5.2: readers accept the header within the first 1024 bytes.
    if b"%PDF-" not in data[:1024]:
        return _bad_input(path, "not a PDF file", now, sha256=hashlib.sha256(data).hexdigest())
    try:
        return asyncio.run(_verify(path, data, store, at, allow_fetching, now))
    except RecursionError:
        return FileVerdict(
            file=path,
            exit_code=ExitCode.FAILED,
            status="invalid",
            error="the file's object structure loops on itself: it cannot be verified",
            validated_at=now,
        )


def exit_code_for(verdicts: Sequence[FileVerdict]) -> ExitCode:
    """Exit code of a `sohoa verify` run over several files: the worst one."""
    if not verdicts:
        return ExitCode.BAD_INPUT
    return worst([v.exit_code for v in verdicts])


__all__ = [
    "VIETNAM",
    "CertInfo",
    "DocumentInfo",
    "FileVerdict",
    "SignatureVerdict",
    "TimestampInfo",
    "TimestampVerdict",
    "exit_code_for",
    "verify_file",
    "vietnam_time",
]
