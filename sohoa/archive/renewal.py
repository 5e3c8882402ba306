"""Keeping an archive's B-LTA records verifiable: which files to renew, renewing them, logging it.

`sohoa archive renew` is a thin loop over `renew_archive`: for every archived
document, the last time-stamp is read; a file whose time-stamp certificate
expires within `before` days (or every time-stamped file with `force`) gets the
validation data of that time-stamp and a fresh document time-stamp, appended as
an incremental update; the archive's fixity hash and audit trail follow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from asn1crypto import x509

from sohoa.archive.store import Archive
from sohoa.errors import EnvironmentProblem, SohoaError
from sohoa.signing.renew import last_timestamp, needs_renewal, renew_file

Status = Literal["renewed", "not-due", "no-timestamp", "failed"]


@dataclass(frozen=True)
class Renewal:
    """What happened to one archived document."""

    document_id: str
    pdf: str
    status: Status
    timestamp_expires: str | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "pdf": self.pdf,
            "status": self.status,
            "timestamp_expires": self.timestamp_expires,
            "error": self.error,
        }


def renew_archive(
    store: Archive,
    tsa_url: str,
    *,
    before_days: int,
    force: bool = False,
    trust_roots: Sequence[x509.Certificate] = (),
) -> Iterator[Renewal]:
    """Renew what is due, one document at a time; a service that goes away stops the run.

    A file that cannot be renewed for its own reason is reported `failed`; an
    unreachable TSA or OCSP/CRL service raises (exit 5) after what was done.
    """
    for record in store.records():
        last = last_timestamp(record.pdf)
        expires = last.expires.isoformat() if last else None
        if last is None:
            yield Renewal(record.document_id, str(record.pdf), "no-timestamp", None)
            continue
        if not force and not needs_renewal(record.pdf, before_days):
            yield Renewal(record.document_id, str(record.pdf), "not-due", expires)
            continue
        try:
            renew_file(
                record.pdf, tsa_url, before_days=before_days, trust_roots=trust_roots, force=True
            )
        except EnvironmentProblem:
            raise
        except SohoaError as exc:
            yield Renewal(record.document_id, str(record.pdf), "failed", expires, str(exc))
            continue
        store.pdf_changed(record.document_id, "renew", {"tsa": tsa_url})
        renewed = last_timestamp(record.pdf)
        yield Renewal(
            record.document_id,
            str(record.pdf),
            "renewed",
            renewed.expires.isoformat() if renewed else None,
        )
