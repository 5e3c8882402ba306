"""PKCS#11 identities: the agency's USB token (or an HSM) signs; the key never leaves it.

Vietnamese public CAs (VNPT-CA, Viettel-CA, BKAV-CA, …) deliver agency
certificates on USB tokens with a PKCS#11 module. Configure:

    [signing]
    pkcs11_module = "/usr/lib/…/libtoken.so"
    pkcs11_token_label = "SO TAI CHINH"
    pkcs11_key_label = "signing key"      # the certificate carries the same label

The user PIN comes from $SOHOA_PKCS11_PIN (`pin_env`), the 0600
`passphrase_file`, or the prompt, like a PKCS#12 passphrase; it is never logged.
Tested against SoftHSM2 (tests/test_pkcs11.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from asn1crypto import x509 as asn1_x509

from sohoa.config import Settings
from sohoa.errors import ConfigError, SigningError
from sohoa.signing.signer import SigningIdentity, read_secret


def load_pkcs11_identity(
    settings: Settings,
    roots: Sequence[asn1_x509.Certificate],
    *,
    prompt: Callable[[str], str] | None = None,
) -> SigningIdentity:
    """Open a session on the configured token and find the signing key + certificate."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    signing = settings.signing
    module = signing.pkcs11_module
    assert module is not None
    if not module.is_file():
        raise ConfigError(f"{module}: PKCS#11 module not found")
    if not signing.pkcs11_key_label:
        raise ConfigError(
            "[signing] pkcs11_key_label is required with pkcs11_module",
            hint="set it to the label of the signing key on the token",
        )
    pin = read_secret(
        env_name=signing.pin_env,
        secret_file=signing.passphrase_file,
        prompt=prompt,
        what="PKCS#11 user PIN",
    )
    token = signing.pkcs11_token_label
    where = f"PKCS#11 token {token!r}" if token else "PKCS#11 token"
    try:
        session = open_pkcs11_session(
            str(module),
            token_criteria=TokenCriteria(label=token) if token else None,
            user_pin=pin,
        )
    except Exception as exc:
        # python-pkcs11 exception names (PinIncorrect, TokenNotPresent, …) say
        # what went wrong without quoting the PIN.
        raise SigningError(
            f"Cannot open the {where} with {module} ({type(exc).__name__}).",
            hint="check the token is plugged in, its label and the PIN",
        ) from None
    try:
        signer = PKCS11Signer(
            session,
            key_label=signing.pkcs11_key_label,
            cert_label=signing.pkcs11_key_label,
            other_certs_to_pull=None,  # pull the CA chain stored on the token too
            # Hash on the host and let the token sign the digest (CKM_ECDSA,
            # CKM_RSA_PKCS): SoftHSM 2.6 has no CKM_ECDSA_SHA256, and many
            # USB tokens only implement the raw mechanisms either.
            use_raw_mechanism=True,
        )
        cert = signer.signing_cert
        chain = tuple(c for c in signer.cert_registry if c.sha256 != cert.sha256)
    except Exception as exc:
        session.close()
        raise SigningError(
            f"The {where} has no usable key and certificate labelled "
            f"{signing.pkcs11_key_label!r} ({type(exc).__name__}).",
            hint="list the token objects and check pkcs11_key_label",
        ) from None
    return SigningIdentity(
        signer=signer,
        certificate=cert,
        chain=chain,
        trust_roots=tuple(roots),
        description=f"{where} via {module} ({cert.subject.human_friendly})",
        is_demo=False,
        closer=_closer(session),
    )


def _closer(session: object) -> Callable[[], None]:
    done = False

    def close() -> None:
        nonlocal done
        if not done:
            done = True
            # closing a session of a token pulled out meanwhile may fail; nothing to do
            with contextlib.suppress(Exception):
                session.close()  # type: ignore[attr-defined]

    return close
