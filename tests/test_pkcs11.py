"""PKCS#11 signing against a real SoftHSM2 token, created in a temporary directory.

The token holds the test PKI's signer key (imported with `softhsm2-util
--import`) and its certificate (written with python-pkcs11), like an agency's
USB token holds the key and certificate its CA issued.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sohoa.config import Settings, SigningSettings
from sohoa.errors import ExitCode, SigningError
from sohoa.signing.identity import load_identity
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import verify_file
from tests.pki.fixtures import PkiHarness, make_pdfa, pki_fixture  # noqa: F401  (fixture)

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
MODULE = next((Path(p) for p in MODULE_CANDIDATES if Path(p).is_file()), None)
TOKEN = "sohoa-test"
PIN = "246810"
SO_PIN = "13579"

pytestmark = pytest.mark.skipif(
    MODULE is None or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 not installed (apt-get install softhsm2)",
)


@pytest.fixture(scope="module")
def token(pki: PkiHarness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SoftHSM2 token with the signer's key and certificate; yields the module path."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    # SoftHSM reads its configuration when the module is initialised: set the
    # variable for this process before anything loads the module.
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ)
    run = lambda *a: subprocess.run(a, check=True, capture_output=True, env=env)  # noqa: E731
    run(
        "softhsm2-util", "--init-token", "--free", "--label", TOKEN,
        "--pin", PIN, "--so-pin", SO_PIN,
    )  # fmt: skip
    key_file = folder / "signer.key.pem"
    key_file.write_bytes(pki.private_key_pem("signer"))
    run(
        "softhsm2-util", "--import", str(key_file), "--token", TOKEN,
        "--label", "signer", "--id", "01", "--pin", PIN,
    )  # fmt: skip
    key_file.unlink()

    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(str(MODULE))
    tok = lib.get_token(token_label=TOKEN)
    with tok.open(rw=True, user_pin=PIN) as session:
        # the signer's certificate next to its key, and the CA chain as a
        # Vietnamese CA's token carries it
        for label, ident in (("signer", b"\x01"), ("interm", b"\x02"), ("root", b"\x03")):
            cert = pki.cert(label)
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: ident,
                    Attribute.SUBJECT: cert.subject.dump(),
                    Attribute.VALUE: cert.dump(),
                }
            )
    yield MODULE  # type: ignore[misc]
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


def _settings(module: Path, pki: PkiHarness, tmp_path: Path) -> Settings:
    root = tmp_path / "root.pem"
    from asn1crypto import pem

    root.write_bytes(pem.armor("CERTIFICATE", pki.root.dump()))
    return Settings(
        signing=SigningSettings(
            pkcs11_module=module,
            pkcs11_token_label=TOKEN,
            pkcs11_key_label="signer",
            trust_roots=(root,),
        )
    )


def test_sign_with_softhsm_token_and_verify(
    token: Path, pki: PkiHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOHOA_PKCS11_PIN", PIN)
    identity = load_identity(_settings(token, pki, tmp_path), tmp_path / "archive")
    try:
        assert not identity.is_demo
        assert identity.certificate.sha256 == pki.cert("signer").sha256
        assert "PKCS#11" in identity.description and PIN not in identity.description
        assert {c.sha256 for c in identity.chain} >= {pki.cert("interm").sha256}
        src = make_pdfa(tmp_path / "in.pdf")
        dst = tmp_path / "signed.pdf"
        result = sign_pdf(
            src,
            dst,
            identity,
            agency_name=None,
            tsa_url=pki.tsa_url(),
            level="B-LT",
            signing_time=pki.clock.tick(),
        )
    finally:
        identity.close()
    assert result.level == "B-LT"
    verdict = verify_file(dst, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    assert verdict.signatures[0].level == "B-LT"
    assert "TEST Sở Tài chính" in verdict.signatures[0].signer.subject


def test_wrong_pin_is_refused_without_echoing_it(
    token: Path, pki: PkiHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOHOA_PKCS11_PIN", "999999")
    with pytest.raises(SigningError) as err:
        load_identity(_settings(token, pki, tmp_path), tmp_path / "archive")
    assert "999999" not in str(err.value)


def test_unknown_key_label_is_refused(
    token: Path, pki: PkiHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOHOA_PKCS11_PIN", PIN)
    settings = _settings(token, pki, tmp_path)
    settings = settings.replace(
        signing=SigningSettings(
            pkcs11_module=token, pkcs11_token_label=TOKEN, pkcs11_key_label="no-such-key"
        )
    )
    with pytest.raises(SigningError, match="no-such-key"):
        load_identity(settings, tmp_path / "archive")
