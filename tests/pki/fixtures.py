"""Test PKI and loopback PKI services for the signing tests.

`start_test_pki()` renders tests/pki/certomancer.yml with validity windows
computed from one fixed instant, generates throwaway ECDSA keys, and serves
certomancer's animator (TSA, OCSP responder, CRLs, certificate repository) on
127.0.0.1 at a free port from a background thread (werkzeug). No network
beyond loopback is used.

The services run on a `FixedClock`: its time starts ten minutes before the
session began and only moves when a test calls `tick()`, so time-stamps,
OCSP responses and CRLs carry known times; tests pass the same clock value as
the signing time, which keeps "signed before time-stamped" true.
"""

from __future__ import annotations

import atexit
import io
import string
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from werkzeug.serving import make_server

from sohoa.signing.signer import SigningIdentity

HERE = Path(__file__).parent
ARCH = "sohoa-test"
KEY_LABELS = (
    "root",
    "interm",
    "interm-ocsp",
    "tsa",
    "tsa-short",
    "tsa-ca",
    "tsa-deep",
    "signer",
    "signer-expired",
    "signer-revoked",
    "signer-no-usage",
    "other-root",
)


class FixedClock:
    """A clock that stands still until told to move (thread-safe)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def tick(self, seconds: float = 1.0) -> datetime:
        """Move forward and return the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


class ClockedAnimator(Animator):
    """certomancer's animator answering at the fixed clock's time."""

    def __init__(self, *args: Any, clock: FixedClock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock

    def at_time(self, request: Any) -> datetime:
        return self.clock.now()


class _LateApp:
    """WSGI app set after the server is bound (the config needs the port first)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class PkiHarness:
    """The running test PKI."""

    url: str
    now: datetime
    """The fixed instant every validity window was computed from."""
    clock: FixedClock
    config: CertomancerConfig
    workdir: Path
    _server: Any = field(repr=False, default=None)

    @property
    def arch(self) -> Any:
        return self.config.get_pki_arch(ArchLabel(ARCH))

    def cert(self, label: str) -> asn1_x509.Certificate:
        return self.arch.get_cert(CertLabel(label))

    @property
    def root(self) -> asn1_x509.Certificate:
        return self.cert("root")

    def tsa_url(self, label: str = "tsa") -> str:
        return f"{self.url}/{ARCH}/tsa/{label}"

    def pkcs12(self, label: str, passphrase: bytes | None) -> bytes:
        return self.arch.package_pkcs12(CertLabel(label), password=passphrase)

    def private_key_pem(self, label: str) -> bytes:
        return (self.workdir / "keys" / f"{label}.key.pem").read_bytes()

    def identity(self, label: str = "signer") -> SigningIdentity:
        """A signing identity for certificate `label`, trusting the test root."""
        arch = self.arch
        spec = arch.get_cert_spec(CertLabel(label))
        key = arch.key_set.get_private_key(spec.subject_key)
        cert = self.cert(label)
        chain = tuple(arch.get_cert(c) for c in arch.get_chain(CertLabel(label)))
        store = SimpleCertificateStore()
        store.register_multiple(chain)
        signer = SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=store)
        return SigningIdentity(
            signer=signer,
            certificate=cert,
            chain=chain,
            trust_roots=(self.root,),
            description=f"test PKI {label}",
            is_demo=False,
        )

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def start_test_pki(workdir: Path) -> PkiHarness:
    """Generate keys, render the config, start the animator on 127.0.0.1."""
    now = datetime.now(UTC).replace(microsecond=0)
    keydir = workdir / "keys"
    keydir.mkdir(parents=True, exist_ok=True)
    for label in KEY_LABELS:
        key = ec.generate_private_key(ec.SECP256R1())
        (keydir / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    day = timedelta(days=1)
    text = string.Template((HERE / "certomancer.yml").read_text(encoding="utf-8")).substitute(
        url=url,
        keydir=str(keydir),
        now_minus_3y=_stamp(now - 3 * 365 * day),
        now_minus_2y=_stamp(now - 2 * 365 * day),
        now_minus_1y=_stamp(now - 365 * day),
        now_minus_30d=_stamp(now - 30 * day),
        now_plus_20d=_stamp(now + 20 * day),
        now_plus_2y=_stamp(now + 2 * 365 * day),
        now_plus_10y=_stamp(now + 10 * 365 * day),
        now_plus_20y=_stamp(now + 20 * 365 * day),
    )
    config = CertomancerConfig.from_yaml(text, key_search_dir=str(workdir))
    clock = FixedClock(now - timedelta(minutes=10))
    late.app = ClockedAnimator(AnimatorArchStore(config.pki_archs), clock=clock, with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="test-pki", daemon=True)
    thread.start()
    return PkiHarness(url=url, now=now, clock=clock, config=config, workdir=workdir, _server=server)


_PKI: PkiHarness | None = None
_PKI_LOCK = threading.Lock()


def shared_test_pki() -> PkiHarness:
    """One PKI per test process, shared by every test module that asks."""
    global _PKI
    with _PKI_LOCK:
        if _PKI is None:
            workdir = Path(tempfile.mkdtemp(prefix="sohoa-test-pki-"))
            _PKI = start_test_pki(workdir)
            atexit.register(_PKI.stop)
        return _PKI


@pytest.fixture(scope="session", name="pki")
def pki_fixture() -> PkiHarness:
    """The loopback test PKI (root, intermediate, signers, TSA, OCSP, CRLs)."""
    return shared_test_pki()


# --------------------------------------------------------------------------- sample PDFs


def make_pdfa(
    path: Path, *, text_boxes: tuple[tuple[float, float, float, float], ...] = ()
) -> Path:
    """A small one-page A4 PDF marked PDF/A-2b (XMP pdfaid + sRGB output intent).

    `text_boxes` are drawn as grey bars where a scan would have text, so a
    rendered page shows whether the visible signature avoided them.
    """
    from PIL import ImageCms

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.28, 841.89))
    ops = [b"0.6 g"]
    for x0, y0, x1, y1 in text_boxes:
        ops.append(f"{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f".encode())
    ops.append(b"0.3 g 72 500 450 12 re f")
    page.Contents = pdf.make_stream(b"\n".join(ops))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    icc_stream = pdf.make_stream(icc)
    icc_stream.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB",
                DestOutputProfile=icc_stream,
            )
        ]
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = "Bản sao thử nghiệm"
    buf = io.BytesIO()
    pdf.save(buf, fix_metadata_version=False)
    path.write_bytes(buf.getvalue())
    return path
