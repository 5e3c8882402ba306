"""Trust anchors for verification: only what the user configured, each with its origin.

A signature is "trusted" when its certificate chains to an anchor. Who
decides the anchors decides what a verdict is worth, so they come only from
explicit configuration (DESIGN.md, JSON contract; issue 8):

- `--trust FILE` on the command line (repeatable);
- `[verify] trust = [...]` in sohoa.toml (managed with `sohoa trust add|list|remove`),
  and the `[signing] trust_roots` the agency configured for its own signing chain;
- the operating system's store, only when asked (`--trust-system`);
- the roots of an archive's own identity, only when that archive is named
  (`--archive DIR`) or, for a configured archive, for files its index knows
  by hash.

Never from the folder a file happens to sit in, nor from `./archive` in the
current directory: anyone can write a folder shaped like an archive, with
their own root saved as its identity.

Every anchor carries where it was configured (`source`), and a verdict names
the anchor its chain ended in, with its SHA-256 fingerprint. Anchors of the
DEMO identity (`identity.make_demo_pki`) and of test PKIs are flagged, so the
report can say the signature has no legal value even when it verifies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509

from sohoa.config import Settings
from sohoa.signing.identity import DEMO_DIR, DEMO_ROOT_CERT, load_certificates

#: Where Debian (ca-certificates) keeps the system store as one bundle.
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")

#: Words in a certificate's names that mark a DEMO or test identity: the demo
#: PKI says "DEMO" and "thử nghiệm"; test CAs (EU DSS, certomancer) say "test".
_TEST_MARKERS = re.compile(r"\b(demo|test|testing)\b|thử nghiệm|không có giá trị pháp lý")


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, as CAs print it: upper-case hex pairs with colons."""
    digest = cert.sha256.hex().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def is_test_certificate(cert: x509.Certificate) -> bool:
    """True for a DEMO or test certificate: its names say so."""
    names = " ".join(
        str(value).lower()
        for name in (cert.subject, cert.issuer)
        for key, value in name.native.items()
        if key in ("common_name", "organization_name", "organizational_unit_name")
    )
    return _TEST_MARKERS.search(names) is not None


@dataclass(frozen=True)
class TrustAnchor:
    """A trusted root (or intermediate) certificate and where it was configured."""

    certificate: x509.Certificate
    source: str
    """Where it was configured, in words: "--trust ca.pem", "sohoa.toml [verify] trust",
    "system store (…)", "identity of archive /srv/archive"."""
    demo: bool = False
    """True for a DEMO or test anchor: what chains to it has no legal value."""

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def to_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "sha256": self.fingerprint,
            "source": self.source,
            "demo": self.demo,
        }


@dataclass(frozen=True)
class TrustStore:
    """The anchors a verification may chain to (deduplicated, first origin wins)."""

    anchors: tuple[TrustAnchor, ...] = ()

    @classmethod
    def of(cls, anchors: Iterable[TrustAnchor | x509.Certificate]) -> TrustStore:
        seen: set[bytes] = set()
        out: list[TrustAnchor] = []
        for item in anchors:
            anchor = (
                item
                if isinstance(item, TrustAnchor)
                else TrustAnchor(item, "given by the caller", is_test_certificate(item))
            )
            if anchor.certificate.sha256 not in seen:
                seen.add(anchor.certificate.sha256)
                out.append(anchor)
        return cls(tuple(out))

    def __add__(self, other: TrustStore) -> TrustStore:
        return TrustStore.of(self.anchors + other.anchors)

    def __bool__(self) -> bool:
        return bool(self.anchors)

    @property
    def certificates(self) -> list[x509.Certificate]:
        return [a.certificate for a in self.anchors]

    def anchor_for(self, cert: x509.Certificate | None) -> TrustAnchor | None:
        """The anchor that is `cert` (same certificate, or same name and key)."""
        if cert is None:
            return None
        for anchor in self.anchors:
            a = anchor.certificate
            if a.sha256 == cert.sha256 or (
                a.subject == cert.subject and a.public_key.dump() == cert.public_key.dump()
            ):
                return anchor
        return None


# --------------------------------------------------------------------------- sources


def anchors_from_file(path: Path, source: str) -> list[TrustAnchor]:
    """Every certificate of a PEM/DER file as an anchor (ConfigError when unreadable)."""
    return [TrustAnchor(c, source, is_test_certificate(c)) for c in load_certificates(path)]


def configured_anchors(settings: Settings, config_name: str = "sohoa.toml") -> list[TrustAnchor]:
    """Anchors of sohoa.toml: `[verify] trust` and the agency's `[signing] trust_roots`."""
    out: list[TrustAnchor] = []
    for path in settings.verify.trust:
        out += anchors_from_file(path, f"{config_name} [verify] trust ({path})")
    for path in settings.signing.trust_roots:
        out += anchors_from_file(path, f"{config_name} [signing] trust_roots ({path})")
    return out


def system_anchors() -> list[TrustAnchor]:
    """The system's CA store (Debian's bundle, else certifi's), only when asked for."""
    bundle = SYSTEM_BUNDLE if SYSTEM_BUNDLE.is_file() else None
    if bundle is None:
        import certifi

        bundle = Path(certifi.where())
    return anchors_from_file(bundle, f"system store ({bundle})")


def archive_anchors(archive_root: Path) -> list[TrustAnchor]:
    """The roots of the archive's own identity: its DEMO root, when it has one."""
    demo_root = Path(archive_root) / DEMO_DIR / DEMO_ROOT_CERT
    if not demo_root.is_file():
        return []
    source = f"identity of archive {Path(archive_root).absolute()}"
    return [TrustAnchor(c, source, True) for c in load_certificates(demo_root)]


def build_store(
    settings: Settings,
    *,
    trust_files: Sequence[Path] = (),
    trust_system: bool = False,
    config_name: str = "sohoa.toml",
) -> TrustStore:
    """The anchors a `sohoa verify` run may use, before any archive is considered."""
    anchors: list[TrustAnchor] = []
    for path in trust_files:
        anchors += anchors_from_file(path, f"--trust {path}")
    anchors += configured_anchors(settings, config_name)
    if trust_system:
        anchors += system_anchors()
    return TrustStore.of(anchors)


def describe(anchor: TrustAnchor | None) -> str:
    """One line naming an anchor and its origin, for messages."""
    if anchor is None:
        return "no configured trust anchor"
    return f"{anchor.subject} (SHA-256 {anchor.fingerprint}), configured by {anchor.source}"


def default_config_path() -> Path:
    """The sohoa.toml `sohoa trust` edits: $SOHOA_CONFIG, else ./sohoa.toml."""
    from sohoa.config import CONFIG_ENV

    return Path(os.environ.get(CONFIG_ENV) or "sohoa.toml")


__all__ = [
    "TrustAnchor",
    "TrustStore",
    "anchors_from_file",
    "archive_anchors",
    "build_store",
    "configured_anchors",
    "describe",
    "fingerprint",
    "is_test_certificate",
    "system_anchors",
]
