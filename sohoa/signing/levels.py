"""The PAdES baseline level a signature actually meets, read from the file's structure.

pyHanko validates signatures but does not say which PAdES level a file meets
(DESIGN.md, pitfalls), and `pdfsig` cannot check a document time-stamp. The
auditor needs it: a B-B copy cannot be verified once the certificate expires,
a B-LTA copy can. ETSI EN 319 142-1 (PAdES baseline signatures) defines the
levels cumulatively; this module checks each requirement on the bytes:

B-B
    SubFilter ``ETSI.CAdES.detached``; signed attributes content-type,
    message-digest and ESS signing-certificate-v2 (or v1) naming the signer's
    certificate; *no* CMS signing-time attribute (EN 319 142-1 §5.4: the
    claimed time goes in the dictionary's /M).
B-T
    B-B plus a proof the signature existed at a time: a signature-time-stamp
    unsigned attribute (RFC 3161 token over the signature value), or a
    document time-stamp in a later revision (the standard allows either).
B-LT
    B-T plus a DSS update after the signature, and in the file (the DSS
    updates, the CMS certificates and revocation values) the validation data
    of the signer's certificate path, of the signature time-stamp's and of
    every later document time-stamp but the last: each certificate up to a
    self-signed root or a configured anchor, and an OCSP response or CRL for
    each one below it, whether or not it names where to get one (`ltv`, as
    EU DSS decides). A /VRI entry for the signature is reported but not
    required (ISO 32000-2 deprecates it; EN 319 142-1 makes it optional).
B-LTA
    B-LT plus a document time-stamp (SubFilter ``ETSI.RFC3161``) in the
    revision where the validation data became complete or later, so the
    validation data itself is time-stamped and can be renewed.

Only structure is checked here; whether the signature, time-stamps and
validation data are *valid* is `verify.py`'s job.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms, crl, ocsp, x509
from asn1crypto import parser as asn1_parser
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from sohoa.signing.ltv import (
    Pool,
    is_self_signed,
    missing_data,
    token_signer,
)

PADES_SUBFILTER = "/ETSI.CAdES.detached"
DOC_TS_SUBFILTER = "/ETSI.RFC3161"
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


@dataclass(frozen=True, eq=False)
class DssContent:
    """What a DSS held at one revision of the file; equal when it holds the same data."""

    revision: int
    certs: tuple[x509.Certificate, ...]
    ocsps: tuple[ocsp.OCSPResponse, ...]
    crls: tuple[crl.CertificateList, ...]
    vri_keys: frozenset[str]
    digests: frozenset[bytes] = frozenset()
    """SHA-256 of every certificate, OCSP response and CRL, as stored."""

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DssContent)
            and self.digests == other.digests
            and self.vri_keys == other.vri_keys
        )

    def __hash__(self) -> int:
        return hash((self.digests, self.vri_keys))


@dataclass(frozen=True)
class LevelReport:
    """The level met, each requirement checked, and what is missing for the next one."""

    level: str | None
    checks: dict[str, bool] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    """Human-readable reasons the next level up is not met."""
    dss_revision: int | None = None
    """Revision in which the DSS first held complete validation data."""

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "checks": dict(self.checks),
            "missing": list(self.missing),
            "dss_revision": self.dss_revision,
        }


# --------------------------------------------------------------------------- DSS


def _deref(value: Any) -> Any:
    """The object behind an indirect reference (historical views hand back references)."""
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _der_entries(container: Any, key: str) -> list[bytes]:
    """The DER streams listed under `key`; entries that are not streams count for nothing."""
    entries = (
        _deref(container.get(key)) if isinstance(container, generic.DictionaryObject) else None
    )
    if not isinstance(entries, generic.ArrayObject):
        return []
    out = []
    for entry in entries:
        with contextlib.suppress(Exception):
            stream = _deref(entry)
            if isinstance(stream, generic.StreamObject):
                out.append(stream.data)
    return out


#: A field each kind of DSS entry must parse, read at load time so that a corrupt
#: entry is dropped here rather than failing later. Parsing whole CRLs (thousands
#: of entries) would cost seconds per file.
_PROBE = {
    x509.Certificate: ("tbs_certificate", "subject"),
    ocsp.OCSPResponse: ("response_status",),
    crl.CertificateList: ("tbs_cert_list", "issuer"),
}


def _load_all(kind: Any, blobs: list[bytes]) -> tuple[Any, ...]:
    out = []
    for blob in blobs:
        try:
            value = kind.load(blob)
            probe = value
            for key in _PROBE[kind]:
                probe = probe[key]
            probe.native  # noqa: B018
        except Exception:  # a corrupt entry does not count
            continue
        out.append(value)
    return tuple(out)


def read_dss_at(reader: PdfFileReader, revision: int) -> DssContent | None:
    """The DSS as it was at `revision` (0-based), or None when there was none.

    Never raises: a revision without a readable catalog (the first part of a
    linearized file) or a malformed DSS has no DSS for our purposes.
    """
    try:
        root = reader.get_historical_resolver(revision).root
        dss = _deref(root.get("/DSS"))
    except Exception:
        return None
    if not isinstance(dss, generic.DictionaryObject):
        return None
    vri = None
    with contextlib.suppress(Exception):
        vri = _deref(dss.get("/VRI"))
    vri_keys = (
        frozenset(str(k).lstrip("/").upper() for k in vri)
        if isinstance(vri, generic.DictionaryObject)
        else frozenset()
    )
    blobs = {key: _der_entries(dss, key) for key in ("/Certs", "/OCSPs", "/CRLs")}
    return DssContent(
        revision,
        _load_all(x509.Certificate, blobs["/Certs"]),
        _load_all(ocsp.OCSPResponse, blobs["/OCSPs"]),
        _load_all(crl.CertificateList, blobs["/CRLs"]),
        vri_keys,
        frozenset(hashlib.sha256(b).digest() for group in blobs.values() for b in group),
    )


def vri_key_candidates(sig: EmbeddedPdfSignature) -> set[str]:
    """VRI keys a writer may have used: SHA-1 of /Contents, padded or bare DER."""
    padded = sig.pkcs7_content
    keys = {hashlib.sha1(padded).hexdigest().upper()}
    with contextlib.suppress(ValueError):
        # the DER object without the zero padding: its header says how long it is
        _cls, _method, _tag, header, contents, trailer = asn1_parser.parse(padded)
        keys.add(hashlib.sha1(header + contents + trailer).hexdigest().upper())
    return keys


# --------------------------------------------------------------------------- levels


def _signed_attr_names(signer_info: cms.SignerInfo) -> set[str]:
    attrs = signer_info["signed_attrs"]
    return {a["type"].native for a in attrs} if attrs else set()


def _signing_cert_attr_matches(signer_info: cms.SignerInfo, cert: x509.Certificate) -> bool:
    for attr in signer_info["signed_attrs"] or ():
        kind = attr["type"].native
        if kind not in ("signing_certificate_v2", "signing_certificate"):
            continue
        try:
            first = attr["values"][0]["certs"][0]
        except (IndexError, KeyError):
            return False
        if kind == "signing_certificate":
            return first["cert_hash"].native == cert.sha1
        algo = first["hash_algorithm"]["algorithm"].native
        digest = hashlib.new(algo, cert.dump()).digest()
        return first["cert_hash"].native == digest
    return False


def signature_timestamp_token(signer_info: cms.SignerInfo) -> cms.ContentInfo | None:
    """The RFC 3161 signature-time-stamp token in the unsigned attributes, if any."""
    for attr in signer_info["unsigned_attrs"] or ():
        if attr["type"].native == "signature_time_stamp_token":
            return attr["values"][0]
    return None


def detect_level(
    reader: PdfFileReader,
    sig: EmbeddedPdfSignature,
    doc_timestamps: list[EmbeddedPdfSignature],
    dss_by_revision: dict[int, DssContent | None] | None = None,
    *,
    signature_timestamp_ok: bool | None = None,
    broken_doc_timestamps: set[int] | frozenset[int] = frozenset(),
    anchors: frozenset[bytes] = frozenset(),
) -> LevelReport:
    """The PAdES baseline level `sig` meets in `reader`'s file (see module docstring).

    A time-stamp the verifier found broken gives no proof of time: with
    `signature_timestamp_ok=False` the signature time-stamp does not count,
    and document time-stamps signed in a revision of `broken_doc_timestamps`
    do not count either; the report says why the level is lower.
    `anchors`: SHA-256 of the configured trust anchors, where chains may end.
    """
    checks: dict[str, bool] = {}
    subfilter = str(sig.sig_object.get("/SubFilter", ""))
    checks["subfilter_etsi_cades_detached"] = subfilter == PADES_SUBFILTER
    if not checks["subfilter_etsi_cades_detached"]:
        return LevelReport(None, checks, (f"SubFilter is {subfilter or 'missing'}, not PAdES",))
    checks["detached"] = sig.signed_data["encap_content_info"]["content"].native is None
    if not checks["detached"]:
        return LevelReport(None, checks, ("the CMS carries its content: not a detached PAdES",))
    si = sig.signer_info
    names = _signed_attr_names(si)
    checks["content_type_and_message_digest"] = {"content_type", "message_digest"} <= names
    checks["signing_certificate_v2"] = _signing_cert_attr_matches(si, sig.signer_cert)
    checks["no_cms_signing_time"] = "signing_time" not in names
    missing_bb = [
        reason
        for key, reason in (
            ("content_type_and_message_digest", "content-type/message-digest attributes missing"),
            ("signing_certificate_v2", "no signing-certificate-v2 attribute naming the signer"),
            ("no_cms_signing_time", "CMS signing-time attribute present (PAdES puts it in /M)"),
        )
        if not checks[key]
    ]
    if missing_bb:
        return LevelReport(None, checks, tuple(missing_bb))

    token = signature_timestamp_token(si)
    why_lower: list[str] = []
    if token is not None and signature_timestamp_ok is False:
        token = None
        why_lower.append("the signature time-stamp is broken")
    later_doc_ts = sorted(
        (ts for ts in doc_timestamps if ts.signed_revision > sig.signed_revision),
        key=lambda ts: ts.signed_revision,
    )
    if any(ts.signed_revision in broken_doc_timestamps for ts in later_doc_ts):
        why_lower.append("a document time-stamp is broken")
        later_doc_ts = [
            ts for ts in later_doc_ts if ts.signed_revision not in broken_doc_timestamps
        ]
    checks["signature_timestamp"] = token is not None
    checks["document_timestamp_after_signature"] = bool(later_doc_ts)
    if token is None and not later_doc_ts:
        return LevelReport(
            "B-B", checks, (*why_lower, "no valid signature time-stamp or document time-stamp")
        )

    # B-LT: the first revision after a DSS update from which the file holds the
    # validation data of the signer and of the signature time-stamp (ltv).
    total = reader.xrefs.total_revisions
    dss_cache = dss_by_revision if dss_by_revision is not None else {}

    def dss(rev: int) -> DssContent | None:
        if rev not in dss_cache:
            dss_cache[rev] = read_dss_at(reader, rev)
        return dss_cache[rev]

    pool = Pool()
    pool.add_cms(sig.signed_data, si)
    if token is not None:
        pool.add_cms(token["content"], token["content"]["signer_infos"][0])
    for ts in later_doc_ts:
        pool.add_cms(ts.signed_data, ts.signer_info)
    signed_with = dss(sig.signed_revision)
    if signed_with is not None:
        pool.add(signed_with.certs, signed_with.ocsps, signed_with.crls)
    complete_at: int | None = None
    last_gap: list[str] = ["no DSS update after the signature"]
    vri_seen, previous = False, signed_with
    vri_keys = vri_key_candidates(sig)
    for rev in range(sig.signed_revision + 1, total):
        now = dss(rev)
        if now is None or now == previous:
            continue
        previous = now
        pool.add(now.certs, now.ocsps, now.crls)
        vri_seen = vri_seen or bool(vri_keys & now.vri_keys)
        last_gap = _signature_gaps(sig, token, pool, anchors)
        if not last_gap:
            complete_at = rev
            break
    if complete_at is not None:
        # every later document time-stamp but the last one is relied upon too
        for ts in later_doc_ts[:-1]:
            last_gap += missing_data(_signer(ts), pool, anchors, "document time-stamp")
        if last_gap:
            complete_at = None
    checks["dss_validation_data"] = complete_at is not None
    checks["vri"] = vri_seen
    if complete_at is None:
        return LevelReport("B-T", checks, (*why_lower, *last_gap))

    archive_ts = [ts for ts in later_doc_ts if ts.signed_revision >= complete_at]
    checks["document_timestamp_over_dss"] = bool(archive_ts)
    if not archive_ts:
        return LevelReport(
            "B-LT",
            checks,
            (*why_lower, "no document time-stamp over the validation data"),
            dss_revision=complete_at,
        )
    return LevelReport("B-LTA", checks, (), dss_revision=complete_at)


def _signer(sig: EmbeddedPdfSignature) -> x509.Certificate | None:
    try:
        return sig.signer_cert
    except Exception:  # a time-stamp whose certificate is not embedded
        return None


def _signature_gaps(
    sig: EmbeddedPdfSignature,
    token: cms.ContentInfo | None,
    pool: Pool,
    anchors: frozenset[bytes],
) -> list[str]:
    """What is missing to validate the signature and its time-stamp later (empty: nothing)."""
    signer = sig.signer_cert
    if is_self_signed(signer) and all(is_self_signed(c) for c in pool.certs):
        # EU DSS: a self-signed signer with nothing above it has no validation data
        return ["the signer's certificate is self-signed: there is no validation data to add"]
    gaps = missing_data(signer, pool, anchors, "signer")
    if token is not None:
        tsa = token_signer(token, pool.certs)
        gaps += missing_data(tsa, pool, anchors, "signature time-stamp")
    return gaps
