"""Signing identities: who signs, with which key, trusted by which roots.

Three sources, tried in this order (`load_identity`):

1. a PKCS#12 file (`[signing] pkcs12`), the usual form of an agency's
   certificate from a Vietnamese CA (Nghị định 130/2018 on digital signatures);
2. a PKCS#11 token (`[signing] pkcs11_module` + labels): the USB token the
   agency's CA delivers, so the key never leaves the hardware;
3. nothing configured: the local **demo identity** of the archive, created on
   first use in `ARCHIVE/identity/`. Its subjects say "DEMO" so nobody mistakes
   a demo archive for legally valid copies; its root is trusted only when
   verifying that archive.

Secrets (PKCS#12 passphrase, PKCS#11 PIN) come from an environment variable,
a file readable by its owner only, or an interactive prompt, and are never
logged or put in an exception message.

Every certificate is checked before anything is signed (`check_certificate`):
key usage digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3; a Vietnamese
signing certificate for documents carries both), and validity at the signing
time. A refused certificate raises `SigningError` naming the reason.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.config import Settings
from sohoa.errors import ConfigError, SigningError
from sohoa.signing.signer import (
    Prompt,
    SigningIdentity,
    check_certificate,
    read_secret,
)

log = logging.getLogger(__name__)

#: Folder of the demo identity inside an archive.
DEMO_DIR = "identity"
DEMO_ROOT_CERT = "demo-root-ca.crt.pem"
DEMO_ROOT_KEY = "demo-root-ca.key.pem"
DEMO_SIGNER_CERT = "demo-agency.crt.pem"
DEMO_SIGNER_KEY = "demo-agency.key.pem"
#: Validity of the demo certificates (brief: five years).
DEMO_VALIDITY = timedelta(days=5 * 365)
DEMO_AGENCY = "Sở Tài chính"

# --------------------------------------------------------------------------- loading


def _cert_to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    """All certificates of a PEM (one or more) or DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the certificate file: {exc.strerror}") from None
    try:
        return list(load_certs_from_pemder_data(data))
    except Exception:
        raise ConfigError(f"{path}: not a PEM or DER certificate file") from None


def trust_roots_for(settings: Settings, archive_dir: Path | None) -> list[asn1_x509.Certificate]:
    """Configured trust roots, plus the demo root of `archive_dir` when it has one."""
    roots: list[asn1_x509.Certificate] = []
    for path in settings.signing.trust_roots:
        roots.extend(load_certificates(path))
    if archive_dir is not None:
        demo_root = archive_dir / DEMO_DIR / DEMO_ROOT_CERT
        if demo_root.is_file():
            roots.extend(load_certificates(demo_root))
    seen: set[bytes] = set()
    unique = []
    for cert in roots:
        if cert.sha256 not in seen:
            seen.add(cert.sha256)
            unique.append(cert)
    return unique


def load_identity(
    settings: Settings, archive_dir: Path, *, prompt: Prompt | None = None
) -> SigningIdentity:
    """The identity configured in `settings`, or the archive's demo identity.

    The certificate is checked (key usage, validity now) before returning, so
    a bad identity fails before the first document of a batch is touched.
    """
    signing = settings.signing
    roots = tuple(trust_roots_for(settings, archive_dir))
    if signing.pkcs12 is not None:
        identity = _load_pkcs12(settings, roots, prompt)
    elif signing.pkcs11_module is not None:
        from sohoa.signing.pkcs11 import load_pkcs11_identity

        identity = load_pkcs11_identity(settings, roots, prompt=prompt)
    else:
        identity = load_demo_identity(archive_dir, agency_name=settings.agency_name)
        # The demo root exists only now on first use: trust it with the others.
        identity = dataclasses.replace(
            identity, trust_roots=tuple(trust_roots_for(settings, archive_dir))
        )
    try:
        check_certificate(identity.certificate)
    except SigningError:
        identity.close()
        raise
    return identity


def _load_pkcs12(
    settings: Settings, roots: tuple[asn1_x509.Certificate, ...], prompt: Prompt | None
) -> SigningIdentity:
    signing = settings.signing
    path = signing.pkcs12
    assert path is not None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: PKCS#12 file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the PKCS#12 file: {exc.strerror}") from None
    secret = read_secret(
        env_name=signing.passphrase_env,
        secret_file=signing.passphrase_file,
        prompt=prompt,
        what="PKCS#12 passphrase",
    )
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            data, secret.encode("utf-8") if secret is not None else None
        )
    except ValueError:
        # Never include the passphrase (or cryptography's message, which
        # might one day quote input) in what we print.
        hint = (
            f"check the passphrase (set ${signing.passphrase_env} or passphrase_file)"
            if secret is not None
            else f"the file needs a passphrase: set ${signing.passphrase_env} "
            "or [signing] passphrase_file"
        )
        raise SigningError(f"{path}: cannot open the PKCS#12 file.", hint=hint) from None
    if key is None or cert is None:
        raise SigningError(f"{path}: the PKCS#12 file holds no private key and certificate.")
    return _simple_identity(
        key,
        cert,
        list(extra),
        roots=roots,
        description=f"PKCS#12 {path}",
        is_demo=False,
    )


def _simple_identity(
    key: Any,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    *,
    roots: Sequence[asn1_x509.Certificate],
    description: str,
    is_demo: bool,
) -> SigningIdentity:
    from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1

    asn1_cert = _cert_to_asn1(cert)
    asn1_chain = tuple(_cert_to_asn1(c) for c in chain)
    store = SimpleCertificateStore()
    store.register_multiple(asn1_chain)
    signer = SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=store,
    )
    return SigningIdentity(
        signer=signer,
        certificate=asn1_cert,
        chain=asn1_chain,
        trust_roots=tuple(roots),
        description=f"{description} ({asn1_cert.subject.human_friendly})",
        is_demo=is_demo,
    )


# --------------------------------------------------------------------------- demo


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` with mode 0600 via a temp file + fsync + os.replace (STYLE.md §7)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _name(common_name: str, organization: str, unit: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def make_demo_pki(
    agency_name: str | None = None, *, now: datetime | None = None
) -> tuple[Any, x509.Certificate, Any, x509.Certificate]:
    """A demo root CA and an agency certificate: (root_key, root, key, cert).

    ECDSA P-256: small signatures, fast, and accepted by Adobe, poppler/NSS
    and pyHanko alike.
    """
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    agency = agency_name or DEMO_AGENCY
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(
        "DEMO sohoa Root CA — không dùng cho văn bản thật",
        "DEMO sohoa",
        "Chứng thư thử nghiệm — không có giá trị pháp lý",
    )
    not_before = now - timedelta(hours=1)  # tolerate a slightly slow clock elsewhere
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + DEMO_VALIDITY + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                f"DEMO {agency} — sohoa",
                f"DEMO {agency}",
                "Chứng thư thử nghiệm — không có giá trị pháp lý",
            )
        )
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    return root_key, root, key, cert


def _pem_key(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def create_demo_identity(archive_dir: Path, *, agency_name: str | None = None) -> Path:
    """Create ARCHIVE/identity/ with a fresh demo PKI unless it exists; return the folder.

    The files are written into a private temporary folder and the folder is
    renamed into place, so two processes starting on an empty archive never
    see half an identity: the loser of the race keeps the winner's identity.
    """
    target = archive_dir / DEMO_DIR
    if (target / DEMO_SIGNER_CERT).is_file():
        return target
    archive_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=archive_dir, prefix=".identity-"))
    try:
        root_key, root, key, cert = make_demo_pki(agency_name)
        _write_private(staging / DEMO_ROOT_KEY, _pem_key(root_key))
        _write_private(staging / DEMO_ROOT_CERT, _pem_cert(root))
        _write_private(staging / DEMO_SIGNER_KEY, _pem_key(key))
        _write_private(staging / DEMO_SIGNER_CERT, _pem_cert(cert))
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / DEMO_SIGNER_CERT).is_file():
                raise
            # another process won the race; use its identity
        else:
            log.warning(
                "created the DEMO signing identity in %s: its signatures have no legal "
                "value; configure [signing] pkcs12 or pkcs11_module for real copies",
                target,
            )
    finally:
        if staging.exists():
            for child in staging.iterdir():
                child.unlink()
            staging.rmdir()
    return target


def load_demo_identity(archive_dir: Path, *, agency_name: str | None = None) -> SigningIdentity:
    """The archive's demo identity, created on first use."""
    folder = create_demo_identity(archive_dir, agency_name=agency_name)
    try:
        key = serialization.load_pem_private_key(
            (folder / DEMO_SIGNER_KEY).read_bytes(), password=None
        )
        cert = x509.load_pem_x509_certificate((folder / DEMO_SIGNER_CERT).read_bytes())
        root = x509.load_pem_x509_certificate((folder / DEMO_ROOT_CERT).read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningError(
            f"{folder}: the demo identity is unreadable ({type(exc).__name__}).",
            hint=f"move {folder} away to create a new demo identity",
        ) from None
    asn1_root = _cert_to_asn1(root)
    return _simple_identity(
        key,
        cert,
        [root],
        roots=[asn1_root],
        description=f"DEMO identity {folder}",
        is_demo=True,
    )
