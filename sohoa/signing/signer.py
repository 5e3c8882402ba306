"""A signing identity and what every source of one shares (certificate checks, secrets).

`identity.py` loads identities from a PKCS#12 file or the demo CA, and
`pkcs11.py` from a token; both build the `SigningIdentity` defined here, so
neither imports the other.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers.pdf_cms import Signer

from sohoa.errors import ConfigError, SigningError

#: Key usages that allow signing a document (RFC 5280 names, asn1crypto spelling).
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})

Prompt = Callable[[str], str]


@dataclass(frozen=True)
class SigningIdentity:
    """A key able to sign, its certificate, and what verification trusts."""

    signer: Signer
    """pyHanko signer (SimpleSigner for PKCS#12/demo, PKCS11Signer for a token)."""
    certificate: asn1_x509.Certificate
    """The signer's certificate."""
    chain: tuple[asn1_x509.Certificate, ...]
    """Issuer certificates known for the signer (intermediates, maybe the root)."""
    trust_roots: tuple[asn1_x509.Certificate, ...]
    """Roots a verifier of this archive trusts (configured + the demo root)."""
    description: str
    """Where the identity comes from, for messages (never contains a secret)."""
    is_demo: bool
    """True for the local demo identity: its signatures have no legal value."""
    closer: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    """Releases a PKCS#11 session; None for in-memory keys."""

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    def close(self) -> None:
        """Release the token session, if any (safe to call twice)."""
        if self.closer is not None:
            self.closer()


# --------------------------------------------------------------------------- checks


def key_usages(cert: asn1_x509.Certificate) -> frozenset[str]:
    """Key usage bits of `cert` (empty when the extension is absent)."""
    value = cert.key_usage_value
    return frozenset(value.native) if value is not None else frozenset()


def check_certificate(cert: asn1_x509.Certificate, at: datetime | None = None) -> None:
    """Refuse a certificate that must not sign a document, before anything is signed.

    Raises SigningError when the key usage lacks both digitalSignature and
    nonRepudiation, or when `at` (default: now) is outside the validity period.
    """
    at = at or datetime.now(UTC)
    subject = cert.subject.human_friendly
    usages = key_usages(cert)
    # A certificate without the KeyUsage extension is refused too: every CA
    # certificate for document signing carries it, and accepting "anything
    # goes" would let a TLS or CA certificate sign an archival copy.
    if not usages & SIGNING_KEY_USAGES:
        shown = ", ".join(sorted(usages)) or "no KeyUsage extension"
        raise SigningError(
            f"The certificate of {subject!r} may not sign documents (key usage: {shown}).",
            hint="use a certificate with the digitalSignature or nonRepudiation key usage",
        )
    not_before = cert.not_valid_before
    not_after = cert.not_valid_after
    if at < not_before:
        raise SigningError(
            f"The certificate of {subject!r} is not valid yet "
            f"(valid from {not_before:%Y-%m-%d %H:%M} UTC).",
            hint="check the computer's clock, or wait until the certificate is valid",
        )
    if at > not_after:
        raise SigningError(
            f"The certificate of {subject!r} expired on {not_after:%Y-%m-%d %H:%M} UTC.",
            hint="renew the agency's certificate with its CA and configure the new one",
        )


# --------------------------------------------------------------------------- secrets


def read_secret(
    *,
    env_name: str,
    secret_file: Path | None,
    prompt: Prompt | None,
    what: str,
) -> str | None:
    """A passphrase/PIN from $env_name, a 0600 file, or the prompt (in that order)."""
    value = os.environ.get(env_name)
    if value:
        return value
    if secret_file is not None:
        try:
            st = secret_file.stat()
        except FileNotFoundError:
            raise ConfigError(f"{secret_file}: {what} file not found") from None
        # Same rule as ssh for private keys: a secret readable by others is
        # already leaked, so refuse it rather than use it.
        if stat.S_IMODE(st.st_mode) & 0o077:
            raise SigningError(
                f"{secret_file}: the {what} file is readable by other users "
                f"(mode {stat.S_IMODE(st.st_mode):04o}).",
                hint=f"run: chmod 600 {secret_file}",
            )
        return secret_file.read_text(encoding="utf-8").rstrip("\r\n")
    if prompt is not None:
        return prompt(f"{what.capitalize()}: ")
    return None
