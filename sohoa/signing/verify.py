"""Verify the signatures of a signed PDF: one verdict per signature, never an exception.

An auditor (thanh tra, lưu trữ) asks of each signature: is it intact, who
signed, is the signer trusted, when was it signed (claimed and time-stamped),
was the file changed afterwards, and which PAdES level does it meet. The
answers are a `FileVerdict` with a `SignatureVerdict` per signature and a
`TimestampVerdict` per document time-stamp; `to_json()` is the stable form for
scripts (DESIGN.md, JSON contract), `report.render_html` the printable one.

Exit codes (DESIGN.md):
  0  every signature intact and trusted;
  1  a signature broken (hash or signature value wrong, certificate revoked),
     or the file changed after signing: a later revision that is not only DSS
     updates and document time-stamps;
  2  integrity holds but trust or revocation status cannot be established
     (unknown root, missing/expired revocation data, untrusted time-stamp);
  3  bad input: not a PDF, unreadable, no signature.

Validation engine: signatures with a time-stamp (signature time-stamp or a
later document time-stamp) go through pyHanko's AdES long-term validation
(ETSI EN 319 102-1 §5.6.3), which validates at the best proven signing time
with the DSS contents and the document time-stamp chain as evidence. A B-B
signature has no proof of time, so it is validated at the validation time
with pyHanko's classic validator (AdES "with time" would only say
SIG_CONSTRAINTS_FAILURE). Revocation is checked when a certificate declares
where to find it (CRL distribution point / OCSP URL); without network
(`allow_fetching=False`, the default) only data embedded in the file counts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESPassed, AdESStatus, AdESSubIndic
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification
from pyhanko.sign.validation import (
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.ades import ades_lta_validation, ades_with_time_validation
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
    TimestampSignatureStatus,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

from sohoa.errors import ExitCode
from sohoa.signing.levels import DssContent, LevelReport, declares_revinfo, detect_level
from sohoa.signing.signer import SIGNING_KEY_USAGES

log = logging.getLogger(__name__)

# Check revocation when the certificate declares where (RFC 5280 CRL DP / AIA
# OCSP) and fail when that data cannot be had: "hard-fail" in certvalidator's
# words. A demo certificate declares none, a CA-issued one always does.
REVOCATION_POLICY = RevocationCheckingPolicy(
    RevocationCheckingRule.CHECK_IF_DECLARED, RevocationCheckingRule.CHECK_IF_DECLARED
)

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


#: Modification levels that only keep signatures alive (DSS, document time-stamps).
HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    serial: str
    """Serial number in hex, as CAs print it."""
    not_before: str
    not_after: str

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertInfo:
        return cls(
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "x"),
            not_before=_iso(cert.not_valid_before),
            not_after=_iso(cert.not_valid_after),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before,
            "not_after": self.not_after,
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
class LaterRevision:
    """A revision appended after a signature, and whether it is harmless."""

    revision: int
    """1-based, as a reader counts versions of the file."""
    adds: tuple[str, ...]
    """What it adds: "dss", "document-timestamp", "signature", "other-changes"."""
    harmless: bool
    """True when it only adds DSS data and/or document time-stamps."""

    def to_json(self) -> dict[str, Any]:
        return {"revision": self.revision, "adds": list(self.adds), "harmless": self.harmless}


@dataclass(frozen=True)
class SignatureVerdict:
    """Everything an auditor asks about one signature."""

    field_name: str
    exit_code: ExitCode
    status: str
    """"valid", "broken", "modified" (changed after signing) or "indeterminate"."""
    message: str
    signer: CertInfo | None
    signing_time_claimed: str | None
    timestamp: TimestampInfo | None
    intact: bool
    trusted: bool
    trust_problem: str | None
    revocation: str
    """"good", "revoked", "unknown" (needed but missing) or "not-declared"."""
    coverage: str
    """"entire-file", "entire-revision" (revisions were added) or "partial"."""
    later_revisions: tuple[LaterRevision, ...]
    modification_level: str | None
    level: str | None
    level_report: LevelReport
    ades_indication: str | None
    """ETSI EN 319 102-1 indication/sub-indication, e.g. "PASSED/OK"."""

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "status": self.status,
            "exit_code": int(self.exit_code),
            "message": self.message,
            "signer": self.signer.to_json() if self.signer else None,
            "signing_time_claimed": self.signing_time_claimed,
            "timestamp": self.timestamp.to_json() if self.timestamp else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "trust_problem": self.trust_problem,
            "revocation": self.revocation,
            "coverage": self.coverage,
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

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "status": self.status,
            "exit_code": int(self.exit_code),
            "timestamp": self.timestamp.to_json(),
            "coverage": self.coverage,
            "message": self.message,
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

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "status": self.status,
            "exit_code": int(self.exit_code),
            "error": self.error,
            "validated_at": self.validated_at,
            "revisions": self.revisions,
            "signatures": [s.to_json() for s in self.signatures],
            "document_timestamps": [t.to_json() for t in self.document_timestamps],
        }


# --------------------------------------------------------------------------- helpers


def _iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def _coverage_name(coverage: SignatureCoverageLevel | None) -> str:
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire-file"
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire-revision"
    return "partial"


def _ts_info(status: TimestampSignatureStatus | None) -> TimestampInfo | None:
    if status is None:
        return None
    return TimestampInfo(
        time=_iso(status.timestamp),
        tsa=CertInfo.of(status.signing_cert) if status.signing_cert is not None else None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
    )


def _dss_knowledge(dss: DssContent | None) -> dict[str, list[Any]]:
    if dss is None:
        return {"other_certs": [], "ocsps": [], "crls": []}
    return {"other_certs": list(dss.certs), "ocsps": list(dss.ocsps), "crls": list(dss.crls)}


def _diff_level(reader: PdfFileReader, old: int, new: int) -> ModificationLevel:
    try:
        return DEFAULT_DIFF_POLICY.apply(
            old=reader.get_historical_resolver(old),
            new=reader.get_historical_resolver(new),
        ).modification_level
    except SuspiciousModification:
        return ModificationLevel.OTHER
    except Exception:  # a revision pyHanko cannot even compare is not harmless
        return ModificationLevel.OTHER


def _later_revisions(
    reader: PdfFileReader,
    signed_revision: int,
    all_sigs: list[EmbeddedPdfSignature],
    dss: dict[int, DssContent | None],
) -> tuple[LaterRevision, ...]:
    """Classify each revision appended after `signed_revision`.

    Each revision is compared with the *signed* revision, as pyHanko's diff
    policy does (comparing neighbours instead flags pyHanko's own renewal:
    it rewrites the VRI entry of the previous time-stamp, which the DSS rule
    only accepts as an addition relative to the signed state). A revision
    after one that already broke the comparison is judged against its
    predecessor, so only the revisions that changed something are blamed.
    """
    from sohoa.signing.levels import read_dss_at

    out = []
    total = reader.xrefs.total_revisions
    previous_ok = True
    for rev in range(signed_revision + 1, total):
        adds: list[str] = []
        for s in all_sigs:
            if s.signed_revision == rev:
                adds.append(
                    "document-timestamp" if s.sig_object_type == "/DocTimeStamp" else "signature"
                )
        for r in (rev - 1, rev):
            if r not in dss:
                dss[r] = read_dss_at(reader, r)
        if dss[rev] is not None and dss[rev] != dss[rev - 1]:
            adds.insert(0, "dss")
        cumulative = _diff_level(reader, signed_revision, rev)
        if cumulative in HARMLESS or previous_ok:
            level = cumulative
        else:
            level = _diff_level(reader, rev - 1, rev)
        previous_ok = cumulative in HARMLESS
        # DESIGN.md: only DSS updates and document time-stamps are harmless; a
        # second signature is form filling to pyHanko but a change to us.
        harmless = level in HARMLESS and "signature" not in adds
        if not harmless and "signature" not in adds:
            adds.append("other-changes")
        out.append(LaterRevision(revision=rev + 1, adds=tuple(adds), harmless=harmless))
    return tuple(out)


def _local_knowledge(
    dss: DssContent | None, at: datetime | None, embedded: Sequence[x509.Certificate] = ()
) -> LocalKnowledge:
    """What the file's final DSS holds, with proof of existence *now* when validating now.

    pyHanko's AdES-LTA validation always runs the past-signature validation,
    which needs a proof of existence (POE) for every certificate and OCSP/CRL
    it uses. A B-LT file has no document time-stamp to give one, yet the data
    plainly exists at the moment we hold the file (EN 319 102-1 §5.6.2.4: the
    validation time is a POE for everything present); without saying so a
    perfectly good B-LT signature came out NO_POE. For a validation "as of" a
    past date we know no such thing, so no POE is claimed then.
    """
    ocsps = [c for r in dss.ocsps for c in _ocsp_containers(r)] if dss else []
    crls = [CRLContainer(crl_data=c) for c in dss.crls] if dss else []
    certs = (list(dss.certs) if dss else []) + list(embedded)
    knowledge = LocalKnowledge(known_certs=certs, known_ocsps=ocsps, known_crls=crls)
    if at is not None:
        return knowledge
    now = datetime.now(UTC)
    return dataclasses.replace(knowledge, known_poes=list(knowledge.assert_existence_known_at(now)))


def _embedded_certs(sig: EmbeddedPdfSignature) -> list[x509.Certificate]:
    """Certificates carried in the CMS and in its signature time-stamp token."""
    from sohoa.signing.levels import signature_timestamp_token

    certs = [c.chosen for c in sig.signed_data["certificates"] or () if c.name == "certificate"]
    token = signature_timestamp_token(sig.signer_info)
    if token is not None:
        certs += [
            c.chosen for c in token["content"]["certificates"] or () if c.name == "certificate"
        ]
    return certs


def _ocsp_containers(resp: Any) -> list[OCSPContainer]:
    try:
        return list(OCSPContainer.load_multi(resp))
    except Exception:  # a malformed response counts for nothing
        return []


def _trust_spec(
    trust_roots: Sequence[x509.Certificate],
    allow_fetching: bool,
    dss: DssContent | None,
    at: datetime | None,
    embedded: Sequence[x509.Certificate] = (),
) -> PdfSignatureValidationSpec:
    fetching = (
        RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH
        if allow_fetching
        else RevinfoOnlineFetchingRule.LOCAL_ONLY
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=list(trust_roots)),
                revinfo_policy=CertRevTrustPolicy(REVOCATION_POLICY),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=fetching,
                certificate_fetching_rule=(
                    CertificateFetchingRule.FOLLOW_ONLINE_RULE
                    if allow_fetching
                    else CertificateFetchingRule.NEVER_FETCH
                ),
            ),
            local_knowledge=_local_knowledge(dss, at, embedded),
            key_usage_settings=_key_usage(),
        ),
        diff_policy=DEFAULT_DIFF_POLICY,
    )


def _key_usage() -> KeyUsageConstraints:
    # Either bit allows signing a document (RFC 5280 §4.2.1.3); pyHanko's
    # default demands nonRepudiation alone.
    return KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False)


def _classic_context(
    trust_roots: Sequence[x509.Certificate],
    at: datetime | None,
    allow_fetching: bool,
    dss: DssContent | None,
) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(trust_roots),
        moment=at,
        allow_fetching=allow_fetching,
        revocation_mode="hard-fail",
        **_dss_knowledge(dss),
    )


def _revocation_state(status: PdfSignatureStatus | None, trusted: bool) -> str:
    if status is None:
        return "unknown"
    if status.revoked:
        return "revoked"
    path = status.validation_path
    certs = []
    if path is not None:
        certs = [c for c in path.iter_certs(include_root=False)]
    else:
        certs = [status.signing_cert]
    if not any(declares_revinfo(c) for c in certs):
        return "not-declared"
    return "good" if trusted else "unknown"


# --------------------------------------------------------------------------- core


async def _verify_signature(
    reader: PdfFileReader,
    sig: EmbeddedPdfSignature,
    all_sigs: list[EmbeddedPdfSignature],
    doc_ts: list[EmbeddedPdfSignature],
    dss: dict[int, DssContent | None],
    trust_roots: Sequence[x509.Certificate],
    at: datetime | None,
    allow_fetching: bool,
) -> SignatureVerdict:
    level_report = detect_level(reader, sig, doc_ts, dss)
    final_dss = dss.get(reader.xrefs.total_revisions - 1)
    signer: CertInfo | None = None
    try:
        signer = CertInfo.of(sig.signer_cert)
    except Exception:
        signer = None
    claimed = None
    try:
        claimed = _iso(sig.self_reported_timestamp)
    except Exception:
        claimed = None

    checks = level_report.checks
    long_term = checks.get("dss_validation_data") or checks.get(
        "document_timestamp_after_signature"
    )
    with_time = checks.get("signature_timestamp")
    status: PdfSignatureStatus | None = None
    indication: AdESSubIndic | None = None
    failure: str | None = None
    timing = (
        ValidationTimingInfo(at, at, point_in_time_validation=True)
        if at is not None
        else ValidationTimingInfo.now()
    )
    spec = _trust_spec(trust_roots, allow_fetching, final_dss, at, _embedded_certs(sig))
    try:
        if long_term:
            # DSS and/or document time-stamps: EN 319 102-1 §5.6.3 (LTA)
            result = await ades_lta_validation(sig, spec, timing_info=timing)
            status = result.api_status
            indication = result.ades_subindic
            failure = result.failure_msg
        elif with_time:
            # B-T: EN 319 102-1 §5.5 (signature with time). The LTA process
            # would also demand past-validation evidence that only a DSS holds.
            sig.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
            result = await ades_with_time_validation(
                sig.signed_data,
                validation_spec=spec.signature_validation_spec,
                timing_info=timing,
                raw_digest=sig.compute_digest(),
                extra_status_kwargs=sig.summarise_integrity_info(),
                status_cls=PdfSignatureStatus,
            )
            status = result.api_status
            indication = result.ades_subindic
            failure = result.failure_msg
        else:
            status = await async_validate_pdf_signature(
                sig,
                signer_validation_context=_classic_context(
                    trust_roots, at, allow_fetching, final_dss
                ),
                key_usage_settings=_key_usage(),
            )
    except Exception as exc:  # a malformed CMS must give a verdict, not a traceback
        log.debug("validation of %s raised", sig.field_name, exc_info=True)
        failure = f"{type(exc).__name__}: {exc}"

    if status is not None:
        # pyHanko checks the hash and the signature value apart; both must hold
        intact = bool(status.intact and status.valid)
        trusted = bool(status.trusted) and intact
        trust_problem = status.trust_problem_indic.name if status.trust_problem_indic else None
        coverage = _coverage_name(status.coverage)
        mod = status.modification_level
        timestamp = _ts_info(status.timestamp_validity)
    else:
        intact = trusted = False
        trust_problem = None
        coverage = "partial"
        mod = None
        timestamp = None
    if indication is not None and indication.status is not AdESStatus.PASSED:
        trusted = False
        trust_problem = trust_problem or indication.name
    if indication is not None and indication == AdESFailure.HASH_FAILURE:
        intact = False

    later = _later_revisions(reader, sig.signed_revision, all_sigs, dss)
    unchanged = coverage in ("entire-file", "entire-revision") and all(r.harmless for r in later)
    revocation = _revocation_state(status, trusted)
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.trusted)

    if not intact:
        code, state = ExitCode.FAILED, "broken"
        message = "the signed bytes or the signature value do not match: the signature is broken"
        if failure and status is None:
            message = f"the signature cannot be read: {failure}"
    elif not unchanged:
        code, state = ExitCode.FAILED, "modified"
        bad = [r.revision for r in later if not r.harmless]
        message = (
            f"the file was changed after signing (revision {', '.join(map(str, bad))})"
            if bad
            else "the signature does not cover its revision"
        )
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
        why = trust_problem or ("time-stamp not trusted" if not timestamp_ok else "untrusted")
        message = f"intact, but trust or revocation cannot be established ({why})"
        if failure and indication is not None:
            message += f": {failure}"

    return SignatureVerdict(
        field_name=sig.field_name,
        exit_code=code,
        status=state,
        message=message,
        signer=signer,
        signing_time_claimed=claimed,
        timestamp=timestamp,
        intact=intact,
        trusted=trusted,
        trust_problem=trust_problem,
        revocation=revocation,
        coverage=coverage,
        later_revisions=later,
        modification_level=mod.name.lower().replace("_", "-") if mod is not None else None,
        level=level_report.level,
        level_report=level_report,
        ades_indication=(
            f"{indication.status.name}/{indication.name}" if indication is not None else None
        ),
    )


async def _verify_doc_timestamp(
    sig: EmbeddedPdfSignature,
    trust_roots: Sequence[x509.Certificate],
    at: datetime | None,
    allow_fetching: bool,
    dss: DssContent | None,
) -> TimestampVerdict:
    try:
        status = await async_validate_pdf_timestamp(
            sig,
            validation_context=_classic_context(trust_roots, at, allow_fetching, dss),
        )
    except Exception as exc:
        info = TimestampInfo(time=None, tsa=None, intact=False, trusted=False)
        return TimestampVerdict(
            sig.field_name, ExitCode.FAILED, "broken", info, "partial", f"unreadable: {exc}"
        )
    info = TimestampInfo(
        time=_iso(status.timestamp),
        tsa=CertInfo.of(status.signing_cert),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
    )
    coverage = _coverage_name(status.coverage)
    if not info.intact:
        return TimestampVerdict(
            sig.field_name, ExitCode.FAILED, "broken", info, coverage, "time-stamp broken"
        )
    if coverage == "partial":
        return TimestampVerdict(
            sig.field_name, ExitCode.FAILED, "modified", info, coverage, "nonstandard coverage"
        )
    if not info.trusted:
        return TimestampVerdict(
            sig.field_name,
            ExitCode.INDETERMINATE,
            "indeterminate",
            info,
            coverage,
            "the TSA is not trusted, or its revocation status is unknown",
        )
    return TimestampVerdict(sig.field_name, ExitCode.OK, "valid", info, coverage, "valid")


def _bad_input(path: Path, error: str, now: str) -> FileVerdict:
    return FileVerdict(
        file=path, exit_code=ExitCode.BAD_INPUT, status="bad-input", error=error, validated_at=now
    )


async def _verify(
    path: Path,
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    at: datetime | None,
    allow_fetching: bool,
    now: str,
) -> FileVerdict:
    import io

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        all_sigs = list(reader.embedded_signatures)
    except Exception as exc:
        if b"/ByteRange" in data or b"/ETSI.CAdES" in data or b"/adbe.pkcs7" in data:
            # a signature is there but cannot even be parsed: that is a
            # broken signature, not a file that was never signed
            return FileVerdict(
                file=path,
                exit_code=ExitCode.FAILED,
                status="invalid",
                error=f"a signature is present but unreadable ({type(exc).__name__}: {exc})",
                validated_at=now,
            )
        return _bad_input(path, f"unreadable PDF ({type(exc).__name__}: {exc})", now)
    regular = [s for s in all_sigs if s.sig_object_type != "/DocTimeStamp"]
    doc_ts = [s for s in all_sigs if s.sig_object_type == "/DocTimeStamp"]
    if not regular:
        return _bad_input(path, "the file has no signature", now)
    dss: dict[int, DssContent | None] = {}
    from sohoa.signing.levels import read_dss_at

    last = reader.xrefs.total_revisions - 1
    dss[last] = read_dss_at(reader, last)
    verdicts = []
    for sig in regular:
        verdicts.append(
            await _verify_signature(
                reader, sig, all_sigs, doc_ts, dss, trust_roots, at, allow_fetching
            )
        )
    ts_verdicts = [
        await _verify_doc_timestamp(ts, trust_roots, at, allow_fetching, dss[last]) for ts in doc_ts
    ]
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
        revisions=reader.xrefs.total_revisions,
    )


def verify_file(
    path: Path,
    *,
    trust_roots: Sequence[x509.Certificate] = (),
    at: datetime | None = None,
    allow_fetching: bool = False,
) -> FileVerdict:
    """Verify every signature of `path`; returns a verdict, never raises for a bad file.

    `trust_roots`: asn1crypto certificates trusted as anchors (see
    `identity.trust_roots_for`). `at`: validate as of that past moment.
    `allow_fetching`: fetch missing OCSP/CRL data online (off by default:
    an audit should judge the file as it is).
    """
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    now = _iso(at or datetime.now(UTC)) or ""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _bad_input(path, f"cannot read: {exc.strerror}", now)
    if data.lstrip()[:5] != b"%PDF-":
        return _bad_input(path, "not a PDF file", now)
    return asyncio.run(_verify(path, data, tuple(trust_roots), at, allow_fetching, now))


def exit_code_for(verdicts: Sequence[FileVerdict]) -> ExitCode:
    """Exit code of a `sohoa verify` run over several files: the worst one."""
    if not verdicts:
        return ExitCode.BAD_INPUT
    return worst([v.exit_code for v in verdicts])


__all__ = [
    "CertInfo",
    "FileVerdict",
    "LaterRevision",
    "SignatureVerdict",
    "TimestampInfo",
    "TimestampVerdict",
    "exit_code_for",
    "verify_file",
]
