"""The cryptographic and trust checks of one signature, done by pyHanko.

`verify.py` decides what a result means; this module only runs pyHanko's
validators with the right evidence and returns what they found
(`Checked`), never raising for a bad signature.

Engines (ETSI EN 319 102-1):
- a signature with validation data after it (DSS or a later document
  time-stamp) goes through pyHanko's long-term validation (§5.6.3), which
  validates at the best proven time with the DSS and the chain of document
  time-stamps as evidence;
- a signature with a signature time-stamp only: validation with time (§5.5);
- a B-B signature has no proof of time: pyHanko's classic validator at the
  validation time;
- signatures that carry their content inside the CMS (SubFilter
  ``adbe.pkcs7.sha1``, whose content is the SHA-1 of the signed bytes, and
  "enveloping" CMS whose content is the signed bytes themselves): pyHanko's
  generic CMS validator, plus the check that the content is what the byte
  range covers.

Revocation is checked when a certificate declares where to find it (CRL
distribution point / OCSP URL); offline (the default) only data embedded in
the file counts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms, core, x509
from asn1crypto import parser as asn1_parser
from cryptography.exceptions import InvalidSignature
from pyhanko.sign.ades.report import AdESSubIndic
from pyhanko.sign.validation import async_validate_pdf_signature, generic_cms
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
from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus
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
from pyhanko_certvalidator.sig_validate import (
    DefaultSignatureValidator,
    SignatureValidationContext,
)

from sohoa.signing.levels import DssContent, signature_timestamp_token
from sohoa.signing.signer import SIGNING_KEY_USAGES

log = logging.getLogger(__name__)

# Check revocation when the certificate declares where (RFC 5280 CRL DP / AIA
# OCSP) and fail when that data cannot be had: "hard-fail" in certvalidator's
# words. A demo certificate declares none, a CA-issued one always does.
REVOCATION_POLICY = RevocationCheckingPolicy(
    RevocationCheckingRule.CHECK_IF_DECLARED, RevocationCheckingRule.CHECK_IF_DECLARED
)

DETACHED_SUBFILTERS = ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached")
SHA1_SUBFILTER = "/adbe.pkcs7.sha1"


@dataclass(frozen=True)
class Checked:
    """What pyHanko found about one signature."""

    status: PdfSignatureStatus | None
    indication: AdESSubIndic | None = None
    failure: str | None = None
    """Why validation stopped, in pyHanko's words (None when it ran through)."""
    content_matches: bool = True
    """For a CMS carrying its content: is it what the byte range covers?"""


@dataclass(frozen=True)
class Evidence:
    """Everything a validation may rely on besides the signature itself."""

    trust_roots: Sequence[x509.Certificate]
    at: datetime | None
    allow_fetching: bool
    dss: DssContent | None


def key_usage() -> KeyUsageConstraints:
    # Either bit allows signing a document (RFC 5280 §4.2.1.3); pyHanko's
    # default demands nonRepudiation alone.
    return KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False)


def classic_context(ev: Evidence) -> ValidationContext:
    dss = ev.dss
    return ValidationContext(
        trust_roots=list(ev.trust_roots),
        moment=ev.at,
        allow_fetching=ev.allow_fetching,
        revocation_mode="hard-fail",
        other_certs=list(dss.certs) if dss else [],
        ocsps=list(dss.ocsps) if dss else [],
        crls=list(dss.crls) if dss else [],
    )


def _ocsp_containers(resp: Any) -> list[OCSPContainer]:
    try:
        return list(OCSPContainer.load_multi(resp))
    except Exception:  # a malformed response counts for nothing
        return []


def _local_knowledge(ev: Evidence, embedded: Sequence[x509.Certificate]) -> LocalKnowledge:
    """What the file's final DSS holds, with proof of existence *now* when validating now.

    pyHanko's AdES-LTA validation always runs the past-signature validation,
    which needs a proof of existence (POE) for every certificate and OCSP/CRL
    it uses. A B-LT file has no document time-stamp to give one, yet the data
    plainly exists at the moment we hold the file (EN 319 102-1 §5.6.2.4: the
    validation time is a POE for everything present); without saying so a
    perfectly good B-LT signature came out NO_POE. For a validation "as of" a
    past date we know no such thing, so no POE is claimed then.
    """
    dss = ev.dss
    ocsps = [c for r in dss.ocsps for c in _ocsp_containers(r)] if dss else []
    crls = [CRLContainer(crl_data=c) for c in dss.crls] if dss else []
    certs = (list(dss.certs) if dss else []) + list(embedded)
    knowledge = LocalKnowledge(known_certs=certs, known_ocsps=ocsps, known_crls=crls)
    if ev.at is not None:
        return knowledge
    now = datetime.now(UTC)
    return dataclasses.replace(knowledge, known_poes=list(knowledge.assert_existence_known_at(now)))


def _embedded_certs(sig: EmbeddedPdfSignature) -> list[x509.Certificate]:
    """Certificates carried in the CMS and in its signature time-stamp token."""
    certs = [c.chosen for c in sig.signed_data["certificates"] or () if c.name == "certificate"]
    token = signature_timestamp_token(sig.signer_info)
    if token is not None:
        certs += [
            c.chosen for c in token["content"]["certificates"] or () if c.name == "certificate"
        ]
    return certs


def _spec(ev: Evidence, sig: EmbeddedPdfSignature) -> PdfSignatureValidationSpec:
    fetching = (
        RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH
        if ev.allow_fetching
        else RevinfoOnlineFetchingRule.LOCAL_ONLY
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=list(ev.trust_roots)),
                revinfo_policy=CertRevTrustPolicy(REVOCATION_POLICY),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=fetching,
                certificate_fetching_rule=(
                    CertificateFetchingRule.FOLLOW_ONLINE_RULE
                    if ev.allow_fetching
                    else CertificateFetchingRule.NEVER_FETCH
                ),
            ),
            local_knowledge=_local_knowledge(ev, _embedded_certs(sig)),
            key_usage_settings=key_usage(),
        ),
        # The difference analysis already ran (changes.review_signature) and
        # its result sits on the signature; running it again per signature
        # and per document time-stamp would only cost time.
        diff_policy=None,
    )


def _timing(ev: Evidence) -> ValidationTimingInfo:
    if ev.at is not None:
        return ValidationTimingInfo(ev.at, ev.at, point_in_time_validation=True)
    return ValidationTimingInfo.now()


async def check_detached(
    sig: EmbeddedPdfSignature, ev: Evidence, *, long_term: bool, with_time: bool
) -> Checked:
    """A detached CMS signature (adbe.pkcs7.detached, ETSI.CAdES.detached).

    `changes.review_signature` must have run on `sig` (integrity info set).
    """
    if long_term:
        # DSS and/or document time-stamps: EN 319 102-1 §5.6.3 (LTA)
        try:
            result = await ades_lta_validation(sig, _spec(ev, sig), timing_info=_timing(ev))
            return Checked(result.api_status, result.ades_subindic, result.failure_msg)
        except Exception:  # e.g. another signature of the file pyHanko cannot read
            log.debug("LTA validation of %s raised; falling back", sig.field_name, exc_info=True)
    if with_time or long_term:
        # B-T: EN 319 102-1 §5.5 (signature with time). The LTA process
        # would also demand past-validation evidence that only a DSS holds.
        try:
            spec = _spec(ev, sig)
            result = await ades_with_time_validation(
                sig.signed_data,
                validation_spec=spec.signature_validation_spec,
                timing_info=_timing(ev),
                raw_digest=sig.compute_digest(),
                extra_status_kwargs=sig.summarise_integrity_info(),
                status_cls=PdfSignatureStatus,
            )
            return Checked(result.api_status, result.ades_subindic, result.failure_msg)
        except Exception:
            log.debug("with-time validation of %s raised", sig.field_name, exc_info=True)
    try:
        status = await async_validate_pdf_signature(
            sig,
            signer_validation_context=classic_context(ev),
            key_usage_settings=key_usage(),
            skip_diff=True,
        )
        return Checked(status)
    except Exception as exc:  # a malformed CMS gives a verdict, not a traceback
        log.debug("validation of %s raised", sig.field_name, exc_info=True)
        return Checked(None, failure=f"{type(exc).__name__}: {exc}")


async def check_enveloped(sig: EmbeddedPdfSignature, ev: Evidence, subfilter: str) -> Checked:
    """A CMS that carries its content: the SHA-1 of the signed bytes, or the bytes themselves."""
    try:
        content = sig.signed_data["encap_content_info"]["content"].native
        signed_bytes = _byte_range_bytes(sig)
        expected = (
            hashlib.sha1(signed_bytes).digest() if subfilter == SHA1_SUBFILTER else signed_bytes
        )
        matches = content == expected
        status = await generic_cms.async_validate_cms_signature(
            sig.signed_data,
            status_cls=PdfSignatureStatus,
            validation_context=classic_context(ev),
            status_kwargs=sig.summarise_integrity_info(),
            key_usage_settings=key_usage(),
        )
    except Exception as exc:
        log.debug("validation of %s raised", sig.field_name, exc_info=True)
        return Checked(None, failure=f"{type(exc).__name__}: {exc}", content_matches=False)
    if not matches:
        status = dataclasses.replace(status, intact=False)
    return Checked(status, content_matches=matches)


def _byte_range_bytes(sig: EmbeddedPdfSignature) -> bytes:
    stream = sig.reader.stream
    out = bytearray()
    values = [int(x) for x in sig.byte_range]
    for start, length in zip(values[0::2], values[1::2], strict=True):
        stream.seek(start)
        chunk = stream.read(length)
        if len(chunk) != length:
            raise ValueError("the byte range reaches past the end of the file")
        out += chunk
    return bytes(out)


#: Nesting followed at most when reading a CMS: real ones are about 15 deep.
MAX_DEPTH = 64


def malformed_integer_places(der: bytes) -> list[str]:
    """Where `der` (a CMS ContentInfo) holds an INTEGER that is not minimally encoded.

    X.690 §8.3.2 forbids a first byte that only repeats the sign of the next
    one (00 before a byte below 80, FF before one from 80), in BER as in DER:
    such a value is not an encoding at all. Decoders then disagree about it
    (asn1crypto drops the byte, Bouncy Castle and EU DSS reject the whole
    CMS), so a signature carrying one has no single meaning. A serial number
    padded that way also names a different certificate than the one the
    issuer signed. Returns one description per integer found; empty when all
    are sound or when the bytes are not BER at all (reported elsewhere).
    """
    found: list[str] = []

    def walk(data: bytes, path: tuple[tuple[int, int, int], ...]) -> None:
        offset, index = 0, 0
        while offset < len(data) and len(path) < MAX_DEPTH:
            if data[offset : offset + 2] == b"\x00\x00":
                return  # end-of-contents of an indefinite length
            cls, constructed, tag, header, contents, trailer = asn1_parser.parse(data[offset:])
            here = (*path, (cls, tag, index))
            if constructed:
                walk(contents, here)
            elif cls == 0 and tag in (2, 10) and len(contents) > 1:  # INTEGER, ENUMERATED
                first, second = contents[0], contents[1]
                if (first == 0x00 and second < 0x80) or (first == 0xFF and second >= 0x80):
                    found.append(_part_name(here))
            offset += len(header) + len(contents) + len(trailer)
            index += 1

    try:
        walk(der, ())
    except ValueError:
        return found
    return found


def _part_name(path: tuple[tuple[int, int, int], ...]) -> str:
    """Where in a SignedData a value sits, in words an auditor can follow (RFC 5652 §5)."""
    # ContentInfo > [0] > SignedData > its field (path[3]) > …
    if len(path) < 4:
        return "the CMS envelope"
    cls, tag, index = path[3]
    if (cls, tag) == (2, 0):
        return "an embedded certificate"
    if (cls, tag) == (2, 1):
        return "the embedded revocation data"
    if (cls, tag) == (0, 17) and index >= 3 and len(path) >= 6:  # SignerInfos > SignerInfo > …
        part = path[5]
        if part[2] == 1:
            return "the signer identifier (the serial number of the signer's certificate)"
        if part[:2] == (2, 0):
            return "the signed attributes"
        if part[:2] == (2, 1):
            return "the unsigned attributes (time-stamp)"
        return "the signer information"
    return "the signed data"


def cms_encoding_problem(der: bytes) -> str | None:
    """A sentence saying why the CMS `der` is not a sound encoding, or None."""
    places = malformed_integer_places(der)
    if not places:
        return None
    unique = list(dict.fromkeys(places))
    where = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]
    return (
        f"the signature's CMS is malformed: integers in {where} carry a redundant leading "
        "byte (X.690 §8.3.2), so programs read different values from them"
    )


async def check_doc_timestamp(sig: EmbeddedPdfSignature, ev: Evidence) -> DocumentTimestampStatus:
    """A document time-stamp (SubFilter ETSI.RFC3161), with /Type /DocTimeStamp or not.

    pyHanko's `async_validate_pdf_timestamp` insists on /Type /DocTimeStamp;
    writers that leave the type at /Sig make the same object, checked the same way.
    """
    sig.compute_integrity_info(skip_diff=True)
    kwargs = await generic_cms.validate_tst_signed_data(
        sig.signed_data, classic_context(ev), sig.compute_digest
    )
    kwargs["coverage"] = sig.coverage
    kwargs["diff_result"] = None
    return DocumentTimestampStatus(**kwargs)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der_signed_attributes(signer_info: cms.SignerInfo) -> bytes | None:
    """The DER form of the signed attributes when the signature carries another, else None.

    RFC 5652 §5.4: the signature value is computed over the DER encoding of the
    SET OF signed attributes, whose elements DER sorts by their encodings. Some
    signers wrote the attributes in their own order and signed that; a strict
    verifier (the EU DSS, issue DSS-818) re-encodes in DER, and their signature
    then fails. pyHanko tolerates the deviation, so it is checked here.
    """
    attrs = signer_info["signed_attrs"]
    if attrs is core.VOID or not len(attrs):
        return None
    received = attrs.untag().dump()
    elements = [attr.dump() for attr in attrs]
    body = b"".join(sorted(elements))
    der = b"\x31" + _der_length(len(body)) + body
    return None if der == received else der


def holds_over_der(signer_info: cms.SignerInfo, cert: x509.Certificate) -> bool:
    """Whether the signature value verifies over the DER form of its signed attributes."""
    der = der_signed_attributes(signer_info)
    if der is None:
        return True
    try:
        DefaultSignatureValidator().validate_signature(
            signer_info["signature"].native,
            der,
            cert.public_key,
            signer_info["signature_algorithm"],
            context=SignatureValidationContext(
                contextual_md_algorithm=signer_info["digest_algorithm"]["algorithm"].native,
                prehashed=False,
            ),
        )
    except InvalidSignature:
        return False
    except Exception:  # an algorithm the validator does not know: not this check's verdict
        return True
    return True


def malformed_integers(encoded: bytes) -> int:
    """How many INTEGERs in a BER structure have a redundant leading octet (X.690 §8.3.2)."""
    return len(malformed_integer_places(encoded))


__all__ = [
    "DETACHED_SUBFILTERS",
    "SHA1_SUBFILTER",
    "Checked",
    "Evidence",
    "check_detached",
    "check_doc_timestamp",
    "check_enveloped",
    "classic_context",
    "cms_encoding_problem",
    "der_signed_attributes",
    "holds_over_der",
    "key_usage",
    "malformed_integer_places",
    "malformed_integers",
]
