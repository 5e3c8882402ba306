"""Keeping signatures alive: renew the archive time-stamp before its TSA certificate expires.

A B-LTA file stays verifiable only while its *last* time-stamp can be
validated: once the TSA certificate of that time-stamp expires (or its
algorithm weakens), nothing proves any more that the DSS data and the
signature existed before. ETSI EN 319 142-1 §5.5 (PAdES-LTA) answers with a
chain: before the last time-stamp's certificate expires, add the validation
data of that time-stamp to the DSS and a fresh document time-stamp over
everything. `renew_file` does exactly that, as one more incremental update,
written with temp file + fsync + os.replace like every archive file.

`sohoa archive renew [--before DAYS]` calls `needs_renewal` then
`renew_file` on every archived PDF.
"""

from __future__ import annotations

import io
import logging
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import cms, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator import ValidationContext

from sohoa.archive.fsutil import atomic_write
from sohoa.errors import InputError, SigningError
from sohoa.signing.levels import signature_timestamp_token
from sohoa.signing.sign import UrllibTimeStamper, signing_failure
from sohoa.signing.signer import SigningIdentity

log = logging.getLogger(__name__)

DEFAULT_BEFORE_DAYS = 90
"""Renew when the last time-stamp certificate expires within this many days."""


@dataclass(frozen=True)
class LastTimestamp:
    """The newest time-stamp of a file and the certificate it depends on."""

    kind: str
    """"document-timestamp" or "signature-timestamp"."""
    time: datetime
    tsa_certificate: x509.Certificate

    @property
    def expires(self) -> datetime:
        return self.tsa_certificate.not_valid_after


def _token_info(token: cms.ContentInfo) -> tuple[datetime, x509.Certificate] | None:
    sd = token["content"]
    try:
        tst_info = sd["encap_content_info"]["content"].parsed
        when = tst_info["gen_time"].native
        sid = sd["signer_infos"][0]["sid"]
    except (KeyError, ValueError, IndexError):
        return None
    for choice in sd["certificates"] or ():
        cert = choice.chosen
        if choice.name != "certificate":
            continue
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                return when, cert
        elif cert.key_identifier == sid.chosen.native:
            return when, cert
    return None


def last_timestamp(path: Path) -> LastTimestamp | None:
    """The newest document time-stamp, else the newest signature time-stamp, else None."""
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(io.BytesIO(fh.read()), strict=False)
            sigs = list(reader.embedded_signatures)
    except Exception as exc:
        raise InputError(path, f"unreadable PDF ({type(exc).__name__})") from None
    doc_ts = [s for s in sigs if s.sig_object_type == "/DocTimeStamp"]
    if doc_ts:
        newest = max(doc_ts, key=lambda s: s.signed_revision)
        token = cms.ContentInfo.load(newest.pkcs7_content)
        info = _token_info(token)
        if info is not None:
            return LastTimestamp("document-timestamp", info[0], info[1])
    found: list[LastTimestamp] = []
    for sig in sigs:
        if sig.sig_object_type == "/DocTimeStamp":
            continue
        token = signature_timestamp_token(sig.signer_info)
        if token is not None and (info := _token_info(token)) is not None:
            found.append(LastTimestamp("signature-timestamp", info[0], info[1]))
    return max(found, key=lambda t: t.time) if found else None


def needs_renewal(
    path: Path, before_days: int = DEFAULT_BEFORE_DAYS, *, now: datetime | None = None
) -> bool:
    """True when the file's last time-stamp certificate expires within `before_days`.

    A file without any time-stamp (PAdES B-B) has nothing to keep alive and
    is never "due": signing it again with a TSA is the cure, not renewal.
    """
    last = last_timestamp(path)
    if last is None:
        return False
    now = now or datetime.now(UTC)
    return last.expires <= now + timedelta(days=before_days)


def renew_file(
    path: Path,
    identity_or_tsa: SigningIdentity | str | TimeStamper,
    *,
    before_days: int = DEFAULT_BEFORE_DAYS,
    tsa_url: str | None = None,
    trust_roots: Sequence[x509.Certificate] = (),
    now: datetime | None = None,
    force: bool = False,
) -> bool:
    """Add the last time-stamp's validation data and a fresh document time-stamp.

    `identity_or_tsa`: the TSA URL (or a pyHanko TimeStamper); a
    SigningIdentity is accepted for the archive's convenience, its trust roots
    used and the TSA taken from `tsa_url`. Returns False (file untouched) when
    the last time-stamp is not due within `before_days` and `force` is off.
    Raises SigningError when the TSA or the revocation services cannot be
    reached, InputError when `path` is not a readable PDF.
    """
    roots = list(trust_roots)
    if isinstance(identity_or_tsa, SigningIdentity):
        roots += list(identity_or_tsa.trust_roots)
        if tsa_url is None:
            raise SigningError(
                "Renewing a time-stamp needs a time-stamp authority.",
                hint="set [signing] tsa_url (or $SOHOA_TSA_URL)",
            )
        timestamper: TimeStamper = UrllibTimeStamper(tsa_url)
    elif isinstance(identity_or_tsa, str):
        timestamper = UrllibTimeStamper(identity_or_tsa)
    else:
        timestamper = identity_or_tsa
    if not force and not needs_renewal(path, before_days, now=now):
        return False
    data = path.read_bytes()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    # The context validates the last time-stamp and gathers its chain, OCSP
    # and CRLs for the DSS; fetching is the point here, so it is on.
    context = ValidationContext(
        trust_roots=roots,
        allow_fetching=True,
        revocation_mode="hard-fail",
    )
    out = io.BytesIO()
    try:
        # the synchronous wrapper also closes the fetchers' HTTP session
        PdfTimeStamper(timestamper).update_archival_timestamp_chain(
            reader, context, in_place=False, output=out
        )
    except Exception as exc:
        # an unreachable TSA or OCSP/CRL service is the environment's fault (exit 5)
        raise signing_failure(exc, path, "B-LTA") from exc
    # keep the original bytes as the prefix: an incremental update, never a rewrite
    result = out.getvalue()
    if not result.startswith(data):
        raise SigningError(f"{path}: renewal did not produce an incremental update; file kept.")
    atomic_write(path, result, stat.S_IMODE(path.stat().st_mode))  # stays read-only
    log.info("%s: archive time-stamp renewed", path)
    return True
