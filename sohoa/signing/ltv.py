"""Is a signature's validation data in the file? The B-LT requirement (ETSI EN 319 142-1 §6.3).

A signature is long-term verifiable when everything needed to check it
later is in the file: each certificate from the signer's up to the trust
anchor, and a revocation status (OCSP response or CRL) for each of them, and
the same for every time-stamp whose proof of time the signature relies on.
EU DSS checks exactly that (`checkAllRequiredRevocationDataPresent` over the
signer's chain and all time-stamps but the last archive one); so does this
module, on the bytes alone:

- a chain ends at a self-signed certificate or at an anchor the auditor
  configured; a certificate whose issuer is in neither the DSS nor the CMS
  leaves the chain incomplete ("missing certs");
- every certificate below that end needs a revocation status, whether or
  not it says where to find one: a certificate that names no CRL or OCSP
  responder still cannot be shown unrevoked without one. Only a certificate
  with id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1), an OCSP responder's, is
  exempt;
- the data may come from any DSS update after the signature, from the CMS
  certificates, from its RevocationInfoChoices and from Adobe's
  revocation-info-archival signed attribute, as DSS reads them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms, crl, ocsp, x509

MAX_CHAIN = 10


@dataclass
class Pool:
    """Certificates and revocation data a verifier can find in the file."""

    certs: list[x509.Certificate] = field(default_factory=list)
    ocsps: list[ocsp.OCSPResponse] = field(default_factory=list)
    crls: list[crl.CertificateList] = field(default_factory=list)

    def add(self, certs=(), ocsps=(), crls=()) -> None:
        self.certs += list(certs)
        self.ocsps += list(ocsps)
        self.crls += list(crls)

    def add_cms(self, signed_data: cms.SignedData, signer_info: cms.SignerInfo | None) -> None:
        """The certificates and revocation values a CMS carries."""
        self.certs += cms_certs(signed_data)
        for choice in signed_data["crls"] or ():
            if choice.name == "crl":
                self.crls.append(choice.chosen)
            elif choice.chosen["other_rev_info_format"].native == "ocsp_response":
                self.ocsps.append(choice.chosen["other_rev_info"])
        for attr in (signer_info["signed_attrs"] if signer_info is not None else None) or ():
            if attr["type"].native != "adobe_revocation_info_archival":
                continue
            for archival in attr["values"]:
                self.crls += list(archival["crl"] or ())
                self.ocsps += list(archival["ocsp"] or ())

    @property
    def empty_revocation(self) -> bool:
        return not self.ocsps and not self.crls


def cms_certs(signed_data: cms.SignedData) -> list[x509.Certificate]:
    return [c.chosen for c in signed_data["certificates"] or () if c.name == "certificate"]


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.self_signed in ("maybe", "yes")


def _issuer_of(cert: x509.Certificate, pool: Iterable[x509.Certificate]) -> x509.Certificate | None:
    aki = cert.authority_key_identifier
    for cand in pool:
        if cand.subject != cert.issuer or cand.sha256 == cert.sha256:
            continue
        if aki is not None and cand.key_identifier is not None and aki != cand.key_identifier:
            continue
        return cand
    return None


def build_chain(
    leaf: x509.Certificate,
    pool: Iterable[x509.Certificate],
    anchors: frozenset[bytes] = frozenset(),
) -> tuple[list[x509.Certificate], bool]:
    """(chain from `leaf` up, complete?): complete at a self-signed cert or a configured anchor.

    `anchors`: SHA-256 of the configured trust anchors' certificates.
    """
    pool = list(pool)
    chain = [leaf]
    current = leaf
    while not (is_self_signed(current) or current.sha256 in anchors):
        if len(chain) >= MAX_CHAIN:
            return chain, False
        issuer = _issuer_of(current, pool)
        if issuer is None:
            return chain, False
        chain.append(issuer)
        current = issuer
    return chain, True


def _ocsp_covers(resp: Any, cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        if resp["response_status"].native != "successful":
            return False
        responses = resp["response_bytes"]["response"].parsed["tbs_response_data"]["responses"]
    except (KeyError, ValueError, TypeError):
        return False
    for single in responses:
        cert_id = single["cert_id"]
        if cert_id["serial_number"].native != cert.serial_number:
            continue
        algo = cert_id["hash_algorithm"]["algorithm"].native
        try:
            key_hash = getattr(issuer.public_key, algo)  # sha1 / sha256 of the key bits
        except AttributeError:
            continue
        if cert_id["issuer_key_hash"].native == key_hash:
            return True
    return False


def _crl_covers(lst: crl.CertificateList, cert: x509.Certificate) -> bool:
    try:
        return lst.issuer == cert.issuer
    except (KeyError, ValueError, TypeError):
        return False


def revocation_gaps(
    chain: list[x509.Certificate], pool: Pool, anchors: frozenset[bytes] = frozenset()
) -> list[str]:
    """Certificates of `chain` below its anchor with no revocation status in `pool`."""
    gaps = []
    for cert, issuer in itertools.pairwise(chain):
        if cert.sha256 in anchors:
            break
        if cert.ocsp_no_check_value is not None:
            continue  # an OCSP responder's certificate: never checked (RFC 6960)
        if any(_ocsp_covers(r, cert, issuer) for r in pool.ocsps):
            continue
        if any(_crl_covers(c, cert) for c in pool.crls):
            continue
        gaps.append(cert.subject.human_friendly)
    return gaps


def declares_revinfo(cert: x509.Certificate) -> bool:
    """True when the certificate points to a CRL or an OCSP responder."""
    if cert.ocsp_no_check_value is not None:
        return False
    return bool(cert.crl_distribution_points or cert.ocsp_urls)


def token_signer(
    token: cms.ContentInfo, pool: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    """The certificate that signed a time-stamp token (found in the token or in `pool`)."""
    signed_data = token["content"]
    sid = signed_data["signer_infos"][0]["sid"]
    for cert in [*cms_certs(signed_data), *pool]:
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def missing_data(
    leaf: x509.Certificate | None, pool: Pool, anchors: frozenset[bytes], what: str
) -> list[str]:
    """Why the validation data of one certificate path is not all in `pool` (empty: it is)."""
    if leaf is None:
        return [f"{what}: certificate not found"]
    chain, complete = build_chain(leaf, pool.certs, anchors)
    gaps = [] if complete else [f"{what}: issuer of {chain[-1].subject.human_friendly} not found"]
    return gaps + [
        f"{what}: no OCSP/CRL for {name}" for name in revocation_gaps(chain, pool, anchors)
    ]


__all__ = [
    "Pool",
    "build_chain",
    "cms_certs",
    "declares_revinfo",
    "is_self_signed",
    "missing_data",
    "revocation_gaps",
    "token_signer",
]
