"""The PAdES level read across revisions, as EU DSS reads it (issue 8, item 4).

Each case rebuilds a level disagreement found on the EU DSS corpus from the
loopback test PKI: a signature, then validation data appended in a later DSS
update, sometimes a document time-stamp. B-LT needs, somewhere in the file
after a DSS update, every certificate up to the anchor and a revocation
status for each one below it, for the signer and for the signature
time-stamp's TSA (ETSI EN 319 142-1 §6.3; DSS's
`checkAllRequiredRevocationDataPresent`):

- PAdES-LT.pdf: a signer certificate that names no CRL or OCSP responder
  still needs a status (the demo identity's certificates name none);
- doc-firmado.pdf: the TSA's issuing CA is nowhere in the file ("missing
  certs"): B-T, even under a later document time-stamp;
- pades-lt-extended-abde.pdf: the signer's status is there, its CA's is not:
  B-T, unless that CA is a configured anchor, as on the EU trusted lists
  that DSS's tests load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from asn1crypto import ocsp
from certomancer.registry import ServiceLabel
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers, timestamps
from pyhanko.sign.validation import DocumentSecurityStore

from sohoa.config import Settings
from sohoa.signing.identity import load_identity
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import SignatureVerdict, verify_file
from tests.pki.fixtures import PkiHarness, make_pdfa, pki_fixture  # noqa: F401  (fixture)

AGENCY = "Sở Tài chính tỉnh Gia Lai"


def _sign(pki: PkiHarness, tmp: Path, level: str, *, identity=None, tsa: str = "tsa") -> Path:
    out = tmp / f"signed-{level}-{tsa}.pdf"
    sign_pdf(
        make_pdfa(tmp / "in.pdf"),
        out,
        identity or pki.identity("signer"),
        agency_name=AGENCY,
        tsa_url=pki.tsa_url(tsa) if level != "B-B" else None,
        level=level,
        signing_time=pki.clock.tick(),
    )
    return out


def _crl(pki: PkiHarness, repo: str):
    return pki.arch.service_registry.get_crl(ServiceLabel(repo), at_time=pki.clock.tick())


def _ocsp(pki: PkiHarness, label: str, issuer: str) -> ocsp.OCSPResponse:
    cert, ca = pki.cert(label), pki.cert(issuer)
    request = ocsp.OCSPRequest(
        {
            "tbs_request": {
                "request_list": [
                    {
                        "req_cert": {
                            "hash_algorithm": {"algorithm": "sha1"},
                            "issuer_name_hash": ca.subject.sha1,
                            "issuer_key_hash": ca.public_key.sha1,
                            "serial_number": cert.serial_number,
                        }
                    }
                ]
            }
        }
    )
    responder = pki.arch.service_registry.summon_responder(
        ServiceLabel(issuer), at_time=pki.clock.tick()
    )
    return responder.build_ocsp_response(request)


def _add_dss(src: Path, dst: Path, *, certs=(), ocsps=(), crls=()) -> Path:
    shutil.copyfile(src, dst)
    with dst.open("r+b") as fh:
        DocumentSecurityStore.add_dss(
            fh, None, certs=list(certs), ocsps=list(ocsps), crls=list(crls), force_write=True
        )
    return dst


def _add_doc_timestamp(pki: PkiHarness, src: Path, dst: Path) -> Path:
    with src.open("rb") as fh, dst.open("wb") as out:
        signers.PdfTimeStamper(timestamps.HTTPTimeStamper(pki.tsa_url())).timestamp_pdf(
            IncrementalPdfFileWriter(fh), "sha256", output=out
        )
    return dst


def _signature(path: Path, roots) -> SignatureVerdict:
    verdict = verify_file(path, trust_roots=roots)
    (sig,) = verdict.signatures
    return sig


def _chain(pki: PkiHarness, *labels: str):
    return [pki.cert(label) for label in labels]


def test_validation_data_complete_is_b_lt(pki: PkiHarness, tmp_path: Path) -> None:
    signed = _sign(pki, tmp_path, "B-T")
    full = _add_dss(
        signed,
        tmp_path / "full.pdf",
        certs=_chain(pki, "signer", "interm", "root", "tsa"),
        crls=[_crl(pki, "interm"), _crl(pki, "root")],
    )
    sig = _signature(full, [pki.root])
    assert sig.level == "B-LT", sig.level_report
    assert sig.level_report.dss_revision is not None


def test_certificate_naming_no_revocation_source_still_needs_a_status(
    pki: PkiHarness, tmp_path: Path
) -> None:
    # PAdES-LT.pdf: its first signer's certificate names no CRL or OCSP
    # responder and the DSS holds no status for it; DSS says B-T, not B-LT.
    archive = tmp_path / "archive"
    demo = load_identity(Settings(archive=archive), archive)
    signed = _sign(pki, tmp_path, "B-T", identity=demo)
    assert not demo.certificate.crl_distribution_points and not demo.certificate.ocsp_urls
    updated = _add_dss(
        signed, tmp_path / "dss.pdf", certs=[*demo.chain, pki.cert("tsa")], crls=[_crl(pki, "root")]
    )
    sig = _signature(updated, [demo.chain[-1], pki.root])
    assert sig.level == "B-T", sig.level_report
    assert any("no OCSP/CRL" in m and "DEMO" in m for m in sig.level_report.missing), (
        sig.level_report
    )


def test_time_stamp_authority_whose_ca_is_missing_is_b_t(pki: PkiHarness, tmp_path: Path) -> None:
    # doc-firmado.pdf: everything for the signer, the TSA's status too, but not
    # the TSA's issuing CA certificate: its chain cannot be built (DSS: "missing
    # certs"), and a document time-stamp over it does not make it B-LTA.
    signed = _sign(pki, tmp_path, "B-T", tsa="tsa-deep")
    data = {
        "ocsps": [_ocsp(pki, "signer", "interm")],
        "crls": [_crl(pki, "root"), _crl(pki, "tsa-ca")],
    }
    missing = _add_dss(
        signed, tmp_path / "missing.pdf", certs=_chain(pki, "signer", "interm", "root"), **data
    )
    stamped = _add_doc_timestamp(pki, missing, tmp_path / "stamped.pdf")
    sig = _signature(stamped, [pki.root])
    assert sig.level == "B-T", sig.level_report
    assert any(
        "signature time-stamp" in m and "TEST TSA under its own CA" in m and "not found" in m
        for m in sig.level_report.missing
    ), sig.level_report
    complete = _add_dss(
        signed,
        tmp_path / "complete.pdf",
        certs=_chain(pki, "signer", "interm", "root", "tsa-ca"),
        **data,
    )
    stamped = _add_doc_timestamp(pki, complete, tmp_path / "stamped-complete.pdf")
    assert _signature(stamped, [pki.root]).level == "B-LTA"


@pytest.mark.parametrize("anchored", [False, True])
def test_ca_without_status_is_b_t_unless_it_is_the_anchor(
    pki: PkiHarness, tmp_path: Path, anchored: bool
) -> None:
    # pades-lt-extended-abde.pdf: a signature, a document time-stamp, then a
    # DSS with the signer's OCSP response and its CA's certificate but no
    # status for that CA. The EU trusted lists DSS trusts name issuing CAs
    # like it as anchors; an auditor who configures it gets B-LT too.
    signed = _sign(pki, tmp_path, "B-B")
    stamped = _add_doc_timestamp(pki, signed, tmp_path / "stamped.pdf")
    updated = _add_dss(
        stamped,
        tmp_path / "dss.pdf",
        certs=_chain(pki, "signer", "interm", "root"),
        ocsps=[_ocsp(pki, "signer", "interm")],
    )
    roots = [pki.cert("interm")] if anchored else [pki.root]
    sig = _signature(updated, roots)
    if anchored:
        assert sig.level == "B-LT", sig.level_report
    else:
        assert sig.level == "B-T", sig.level_report
        assert any("TEST Intermediate CA" in m for m in sig.level_report.missing)


def test_dss_unchanged_after_the_signature_is_not_its_validation_data(
    pki: PkiHarness, tmp_path: Path
) -> None:
    # pades-lt-extended-abde.pdf, second signature: the file's DSS was complete
    # before it was signed and no DSS update followed it: B-T (EN 319 142-1:
    # the validation data is added after the signature).
    first = _add_dss(
        _sign(pki, tmp_path, "B-T"),
        tmp_path / "first.pdf",
        certs=_chain(pki, "signer", "interm", "root", "tsa"),
        crls=[_crl(pki, "interm"), _crl(pki, "root")],
    )
    second = tmp_path / "second.pdf"
    sign_pdf(
        first,
        second,
        pki.identity("signer"),
        agency_name=AGENCY,
        tsa_url=pki.tsa_url(),
        level="B-T",
        signing_time=pki.clock.tick(),
    )
    verdict = verify_file(second, trust_roots=[pki.root])
    assert [s.level for s in verdict.signatures] == ["B-LT", "B-T"], [
        s.level_report for s in verdict.signatures
    ]
    assert "no DSS update after the signature" in verdict.signatures[1].level_report.missing
