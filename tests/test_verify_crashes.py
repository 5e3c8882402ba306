"""Each class of file that crashed or fooled the verifier, reduced to a small generated PDF.

Found on the EU DSS corpus (issue 8); rebuilt here from our own files with
pyHanko and pikepdf so the repository holds no third-party file. Every case
must give a verdict (never an exception, never exit 70), and the right one.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import cms, core
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers

from sohoa.config import Settings
from sohoa.errors import ExitCode
from sohoa.signing.identity import load_identity
from sohoa.signing.levels import read_dss_at
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import verify_file
from tests.pki.fixtures import make_pdfa

AGENCY = "Sở Tài chính tỉnh Gia Lai"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    archive = tmp_path_factory.mktemp("crash") / "archive"
    identity = load_identity(Settings(archive=archive), archive)
    return identity, [identity.chain[0]]


def _signed(tmp: Path, demo, src: Path | None = None) -> Path:
    identity, _roots = demo
    out = tmp / "signed.pdf"
    sign_pdf(src or make_pdfa(tmp / "in.pdf"), out, identity, agency_name=AGENCY)
    return out


def _contents_span(path: Path) -> tuple[bytes, int, int]:
    data = path.read_bytes()
    with pikepdf.open(path) as pdf:
        br = [int(x) for x in pdf.pages[0].Annots[0].V.ByteRange]
    return data, br[1] + 1, br[2] - 1  # the hex digits between < and >


def _replace_cms(path: Path, out: Path, der: bytes) -> None:
    data, start, end = _contents_span(path)
    hexed = der.hex().encode()
    assert len(hexed) <= end - start
    out.write_bytes(data[:start] + hexed.ljust(end - start, b"0") + data[end:])


def test_dss_behind_indirect_references(tmp_path: Path, demo) -> None:
    signed = _signed(tmp_path, demo)
    identity, roots = demo
    with signed.open("r+b") as fh:
        w = IncrementalPdfFileWriter(fh)
        cert = w.add_object(generic.StreamObject(stream_data=identity.certificate.dump()))
        certs = w.add_object(generic.ArrayObject([cert]))  # the array itself indirect
        vri = w.add_object(generic.DictionaryObject())
        dss = generic.DictionaryObject(
            {generic.pdf_name("/Certs"): certs, generic.pdf_name("/VRI"): vri}
        )
        w.root[generic.pdf_name("/DSS")] = w.add_object(dss)
        w.update_root()
        w.write_in_place()
    reader = PdfFileReader(io.BytesIO(signed.read_bytes()), strict=False)
    found = read_dss_at(reader, reader.xrefs.total_revisions - 1)
    assert found is not None and found.certs[0].sha256 == identity.certificate.sha256
    verdict = verify_file(signed, trust_roots=roots)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (later,) = verdict.signatures[0].later_revisions
    assert later.allowed and "dss" in later.kinds


def test_linearized_file_without_catalog_in_its_first_section(tmp_path: Path, demo) -> None:
    linear = tmp_path / "linear.pdf"
    with pikepdf.open(make_pdfa(tmp_path / "in.pdf")) as pdf:
        pdf.save(linear, linearize=True)
    signed = _signed(tmp_path, demo, linear)
    reader = PdfFileReader(io.BytesIO(signed.read_bytes()), strict=False)
    for rev in range(reader.xrefs.total_revisions):
        read_dss_at(reader, rev)  # KeyError '/Root' before
    verdict = verify_file(signed, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()


def test_signer_certificate_missing_from_the_cms(tmp_path: Path, demo) -> None:
    signed = _signed(tmp_path, demo)
    data, start, end = _contents_span(signed)
    info = cms.ContentInfo.load(bytes.fromhex(data[start:end].decode()).rstrip(b"\0"))
    info["content"]["certificates"] = cms.CertificateSet([])
    stripped = info
    out = tmp_path / "nocert.pdf"
    _replace_cms(signed, out, stripped.dump(force=True))
    verdict = verify_file(out, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.FAILED
    assert "certificate is not in the signature" in verdict.signatures[0].message


@pytest.mark.parametrize("der", [b"", b"\x30\x00", b"\x04\x03abc"])
def test_empty_or_garbage_cms_is_an_unreadable_signature(tmp_path: Path, demo, der: bytes) -> None:
    out = tmp_path / "empty.pdf"
    _replace_cms(_signed(tmp_path, demo), out, der)
    verdict = verify_file(out, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.FAILED
    assert verdict.signatures and verdict.signatures[0].status == "broken"


def test_reference_to_an_undefined_object(tmp_path: Path, demo) -> None:
    src = make_pdfa(tmp_path / "in.pdf")
    with src.open("r+b") as fh:  # before signing: a catalog entry pointing nowhere
        w = IncrementalPdfFileWriter(fh)
        w.root[generic.pdf_name("/PieceInfo")] = generic.IndirectObject(9999, 0, w)
        w.update_root()
        w.write_in_place()
    signed = _signed(tmp_path, demo, src)
    with signed.open("r+b") as fh:  # a DSS update rewrites the catalog
        w = IncrementalPdfFileWriter(fh)
        w.root[generic.pdf_name("/DSS")] = w.add_object(generic.DictionaryObject())
        w.update_root()
        w.write_in_place()
    verdict = verify_file(signed, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()


def _encrypted_signed(tmp: Path, demo, user: str) -> Path:
    enc = tmp / f"enc-{user or 'open'}.pdf"
    with pikepdf.open(make_pdfa(tmp / "in.pdf")) as pdf:
        pdf.save(enc, encryption=pikepdf.Encryption(owner="chủ-sở-hữu", user=user, R=6))
    out = tmp / f"signed-{user or 'open'}.pdf"
    with enc.open("rb") as fh:
        w = IncrementalPdfFileWriter(fh)
        w.encrypt("chủ-sở-hữu")
        with out.open("wb") as dst:
            signers.sign_pdf(
                w,
                signers.PdfSignatureMetadata(field_name="Sig1"),
                signer=demo[0].signer,
                output=dst,
            )
    return out


def test_encrypted_file_that_opens_without_password_is_verified(tmp_path: Path, demo) -> None:
    verdict = verify_file(_encrypted_signed(tmp_path, demo, ""), trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    locked = verify_file(_encrypted_signed(tmp_path, demo, "mật-khẩu"), trust_roots=demo[1])
    assert locked.exit_code == ExitCode.BAD_INPUT and "password" in locked.error


def _form(tmp: Path) -> Path:
    """A one-page PDF with a filled text field whose appearance shows its value."""
    path = tmp / "form.pdf"
    with pikepdf.open(make_pdfa(tmp / "in.pdf")) as pdf:
        page = pdf.pages[0]
        ap = pdf.make_stream(b"/Tx BMC BT /Helv 12 Tf 2 6 Td (Nguyen Van A) Tj ET EMC")
        ap.Type, ap.Subtype, ap.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 200, 20]
        ap.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(Helv=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )))
        )  # fmt: skip
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
                T=pikepdf.String("HoTen"), V=pikepdf.String("Nguyen Van A"), F=4,
                Rect=[72, 600, 272, 620], P=page.obj, AP=pikepdf.Dictionary(N=ap),
                DA=pikepdf.String("/Helv 12 Tf 0 g"),
            )
        )  # fmt: skip
        page.Annots = pdf.make_indirect(pikepdf.Array([field]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])
        pdf.save(path)
    return path


def _redraw(path: Path, text: bytes, value: str | None) -> None:
    with path.open("r+b") as fh:
        w = IncrementalPdfFileWriter(fh)
        ref = w.root["/AcroForm"]["/Fields"].raw_get(0)
        field = ref.get_object()
        stream = generic.StreamObject(
            {generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
             generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
             generic.pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 200, 20)))},
            stream_data=b"/Tx BMC BT /Helv 12 Tf 2 6 Td (" + text + b") Tj ET EMC",
        )  # fmt: skip
        field["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): w.add_object(stream)})
        if value is not None:
            field["/V"] = generic.TextStringObject(value)
        w.mark_update(ref)
        w.write_in_place()


def test_shadow_replace_redrawn_field_is_changed_after_signing(tmp_path: Path, demo) -> None:
    signed = _signed(tmp_path, demo, _form(tmp_path))
    attacked = tmp_path / "replace.pdf"
    shutil.copyfile(signed, attacked)
    _redraw(attacked, b"Tran Thi B", None)  # same value, other appearance
    verdict = verify_file(attacked, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    sig = verdict.signatures[0]
    assert sig.status == "modified" and "appearance" in sig.message
    filled = tmp_path / "filled.pdf"
    shutil.copyfile(signed, filled)
    _redraw(filled, b"Tran Thi B", "Tran Thi B")  # form filling: value and appearance
    verdict = verify_file(filled, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (later,) = verdict.signatures[0].later_revisions
    assert later.allowed and "form-filling" in later.kinds


def _padded(value: core.Integer) -> core.Integer:
    out = core.Integer()
    out.contents = b"\x00" + value.contents  # X.690 §8.3.2 forbids this byte
    return out


def test_serial_with_a_redundant_leading_byte_is_broken(tmp_path: Path, demo) -> None:
    # BadEncodedCMS (EU DSS): the signer's certificate serial is padded with a
    # 00 byte, in the embedded certificate and in the signer identifier alike.
    # asn1crypto reads the number anyway; the DSS file verified as intact
    # (exit 2). Bouncy Castle and EU DSS refuse the CMS; so do we, saying why.
    signed = _signed(tmp_path, demo)
    data, start, end = _contents_span(signed)
    info = cms.ContentInfo.load(bytes.fromhex(data[start:end].decode()).rstrip(b"\0"))
    signed_data = info["content"]
    signer_info = signed_data["signer_infos"][0]
    sid = signer_info["sid"].chosen
    serial = sid["serial_number"].native
    certs = []
    for choice in signed_data["certificates"]:
        cert = choice.chosen
        if cert.serial_number == serial:
            tbs = cert["tbs_certificate"]
            tbs["serial_number"] = _padded(tbs["serial_number"])
            cert["tbs_certificate"] = tbs
        certs.append(cms.CertificateChoices(name="certificate", value=cert))
    sid["serial_number"] = _padded(sid["serial_number"])
    # re-encode each enclosing structure, and nothing else, around the padded serials
    signer_info["sid"] = cms.SignerIdentifier(name="issuer_and_serial_number", value=sid)
    signed_data["signer_infos"] = cms.SignerInfos([signer_info])
    signed_data["certificates"] = cms.CertificateSet(certs)
    info["content"] = signed_data
    out = tmp_path / "padded.pdf"
    _replace_cms(signed, out, info.dump())
    assert verify_file(signed, trust_roots=demo[1]).exit_code == ExitCode.OK
    verdict = verify_file(out, trust_roots=demo[1])
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    message = verdict.signatures[0].message
    assert "redundant leading byte" in message
    assert "an embedded certificate" in message and "signer identifier" in message
