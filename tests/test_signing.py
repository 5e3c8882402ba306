"""Signing stage 1: demo identity, visible signature, PAdES B-B, verification verdicts.

Real parts: real PDFs, poppler's `pdfsig` and `pdftotext`, the loopback test
PKI of tests/pki for certificates a CA would issue.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from fontTools.ttLib import TTFont

from sohoa.config import Settings, SigningSettings
from sohoa.errors import ExitCode, SigningError
from sohoa.pipeline.pdfa_check import check_pdfa
from sohoa.signing.appearance import (
    EDGE_MARGIN,
    font_path,
    format_signing_time,
    place_box,
    stamp_lines,
)
from sohoa.signing.identity import (
    DEMO_DIR,
    DEMO_ROOT_CERT,
    _simple_identity,
    check_certificate,
    load_identity,
    make_demo_pki,
    trust_roots_for,
)
from sohoa.signing.report import render_html
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import verify_file
from sohoa.vntime import VIETNAM
from tests.pki.fixtures import PkiHarness, make_pdfa, pki_fixture  # noqa: F401  (fixture)

AGENCY = "Sở Tài chính tỉnh Gia Lai"
A4 = (0.0, 0.0, 595.28, 841.89)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdfsig, pdftotext) not installed",
)


@pytest.fixture
def demo(tmp_path: Path):
    archive = tmp_path / "archive"
    identity = load_identity(Settings(archive=archive), archive)
    return archive, identity


@pytest.fixture
def signed(tmp_path: Path, demo) -> tuple[Path, Path, Path]:
    """(archive, unsigned source, B-B signed copy) with the demo identity."""
    archive, identity = demo
    src = make_pdfa(tmp_path / "in.pdf")
    dst = tmp_path / "signed.pdf"
    sign_pdf(src, dst, identity, agency_name=AGENCY)
    return archive, src, dst


def _roots(archive: Path) -> list:
    return trust_roots_for(Settings(archive=archive), archive)


def _flip_byte_in_signed_range(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with pikepdf.open(path) as pdf:
        byte_range = [int(x) for x in pdf.pages[0].Annots[0].V.ByteRange]
    # a byte in the middle of the first signed range (the original document)
    pos = byte_range[1] // 2
    data[pos] ^= 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------- identity


def test_demo_identity_is_created_once_private_and_clearly_demo(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = load_identity(Settings(archive=archive), archive)
    folder = archive / DEMO_DIR
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 4
    for child in folder.iterdir():
        assert stat.S_IMODE(child.stat().st_mode) == 0o600, child
    assert first.is_demo
    subject = first.certificate.subject.native
    assert "DEMO" in subject["common_name"] and "DEMO" in subject["organization_name"]
    assert subject["country_name"] == "VN"
    assert {"digital_signature", "non_repudiation"} <= set(first.certificate.key_usage_value.native)
    life = first.certificate.not_valid_after - first.certificate.not_valid_before
    assert timedelta(days=5 * 365 - 1) <= life <= timedelta(days=5 * 365 + 1)
    # the demo root is trusted for this archive, and only there
    assert [r.sha256 for r in first.trust_roots] == [r.sha256 for r in _roots(archive)]
    assert trust_roots_for(Settings(), None) == []
    second = load_identity(Settings(archive=archive), archive)
    assert second.certificate.sha256 == first.certificate.sha256


def test_expired_or_future_certificate_is_refused_before_signing(tmp_path: Path) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=6 * 365)
    _rk, root, key, cert = make_demo_pki("Sở Nội vụ", now=long_ago)
    identity = _simple_identity(key, cert, [root], roots=[], description="old", is_demo=True)
    src = make_pdfa(tmp_path / "in.pdf")
    dst = tmp_path / "out.pdf"
    with pytest.raises(SigningError, match="expired"):
        sign_pdf(src, dst, identity, agency_name=AGENCY)
    assert not dst.exists()
    with pytest.raises(SigningError, match="not valid yet"):
        check_certificate(identity.certificate, long_ago - timedelta(days=1))


def _pkcs12_settings(tmp_path: Path, pki: PkiHarness, label: str, passphrase: bytes) -> Settings:
    p12 = tmp_path / f"{label}.p12"
    p12.write_bytes(pki.pkcs12(label, passphrase))
    return Settings(signing=SigningSettings(pkcs12=p12, trust_roots=()))


def test_pkcs12_passphrase_from_env_file_or_prompt(
    tmp_path: Path, pki: PkiHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _pkcs12_settings(tmp_path, pki, "signer", b"m\xe1\xba\xadt kh\xe1\xba\xa9u")
    secret = "mật khẩu"
    monkeypatch.setenv("SOHOA_PKCS12_PASSPHRASE", secret)
    identity = load_identity(settings, tmp_path / "archive")
    assert not identity.is_demo
    assert identity.certificate.sha256 == pki.cert("signer").sha256
    monkeypatch.delenv("SOHOA_PKCS12_PASSPHRASE")

    secret_file = tmp_path / "passphrase"
    secret_file.write_text(secret + "\n", encoding="utf-8")
    secret_file.chmod(0o644)
    with_file = settings.replace(
        signing=SigningSettings(pkcs12=settings.signing.pkcs12, passphrase_file=secret_file)
    )
    with pytest.raises(SigningError, match="readable by other users"):
        load_identity(with_file, tmp_path / "archive")
    secret_file.chmod(0o600)
    assert load_identity(with_file, tmp_path / "archive").certificate.sha256 == (
        pki.cert("signer").sha256
    )

    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return secret

    assert load_identity(settings, tmp_path / "archive", prompt=prompt)
    assert asked and "passphrase" in asked[0].lower()

    with pytest.raises(SigningError) as wrong:
        load_identity(settings, tmp_path / "archive", prompt=lambda _q: "sai-mat-khau-123")
    assert "sai-mat-khau-123" not in str(wrong.value)


@pytest.mark.parametrize(
    ("label", "reason"), [("signer-expired", "expired"), ("signer-no-usage", "key usage")]
)
def test_pkcs12_identity_with_bad_certificate_is_refused(
    tmp_path: Path, pki: PkiHarness, monkeypatch: pytest.MonkeyPatch, label: str, reason: str
) -> None:
    settings = _pkcs12_settings(tmp_path, pki, label, b"pw")
    monkeypatch.setenv("SOHOA_PKCS12_PASSPHRASE", "pw")
    with pytest.raises(SigningError, match=reason):
        load_identity(settings, tmp_path / "archive")


# --------------------------------------------------------------------------- signing


@needs_poppler
def test_pdfsig_reports_valid_and_total(signed) -> None:
    _archive, _src, dst = signed
    out = subprocess.run(["pdfsig", str(dst)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in out.stdout
    assert "Total document signed" in out.stdout
    assert "ETSI.CAdES.detached" in out.stdout


def test_signing_appends_an_incremental_update_and_leaves_src_alone(tmp_path: Path, demo) -> None:
    _archive, identity = demo
    src = make_pdfa(tmp_path / "in.pdf")
    before = src.read_bytes()
    dst = tmp_path / "out" / "signed.pdf"
    result = sign_pdf(src, dst, identity, agency_name=AGENCY)
    assert src.read_bytes() == before
    assert dst.read_bytes().startswith(before)
    assert result.level == "B-B"
    assert result.path == dst
    assert "DEMO" in result.signer_subject
    assert not [p for p in dst.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_the_next_signature_reuses_the_space_the_first_kept(tmp_path: Path, demo) -> None:
    """A batch sizes the signature container once: the second document is signed into the
    space the first one's /ByteRange left, and both verify (pdfsig and sohoa)."""
    archive, identity = demo
    first = sign_pdf(make_pdfa(tmp_path / "a.pdf"), tmp_path / "a.signed.pdf", identity,
                     agency_name=AGENCY)  # fmt: skip
    assert first.reserved is not None and first.reserved > 2000
    second = sign_pdf(make_pdfa(tmp_path / "b.pdf"), tmp_path / "b.signed.pdf", identity,
                      agency_name=AGENCY, reserve=first.reserved)  # fmt: skip
    assert second.reserved == first.reserved
    for result in (first, second):
        out = subprocess.run(["pdfsig", str(result.path)], capture_output=True, text=True)
        assert "Signature is Valid" in out.stdout
        assert verify_file(result.path, trust_roots=_roots(archive)).exit_code == ExitCode.OK


def test_a_reservation_too_small_is_sized_again(tmp_path: Path, demo) -> None:
    archive, identity = demo
    result = sign_pdf(make_pdfa(tmp_path / "a.pdf"), tmp_path / "a.signed.pdf", identity,
                      agency_name=AGENCY, reserve=64)  # fmt: skip
    assert result.reserved is not None and result.reserved > 64
    assert verify_file(result.path, trust_roots=_roots(archive)).exit_code == ExitCode.OK


def test_verify_demo_signature_ok_and_level_bb(signed) -> None:
    archive, _src, dst = signed
    verdict = verify_file(dst, trust_roots=_roots(archive))
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (sig,) = verdict.signatures
    assert sig.level == "B-B"
    assert sig.intact and sig.trusted
    assert sig.coverage == "entire-file"
    assert sig.revocation == "not-declared"
    assert "DEMO" in sig.signer.subject
    data = json.loads(json.dumps(verdict.to_json()))
    assert data["signatures"][0]["level"] == "B-B"
    assert data["exit_code"] == 0


def test_flipped_byte_in_signed_range_is_broken(signed) -> None:
    archive, _src, dst = signed
    _flip_byte_in_signed_range(dst)
    verdict = verify_file(dst, trust_roots=_roots(archive))
    assert verdict.exit_code == ExitCode.FAILED
    assert verdict.signatures[0].status == "broken"
    assert not verdict.signatures[0].intact


def test_other_root_gives_indeterminate(signed, pki: PkiHarness) -> None:
    _archive, _src, dst = signed
    verdict = verify_file(dst, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.INDETERMINATE
    assert verdict.signatures[0].intact and not verdict.signatures[0].trusted


def test_unsigned_pdf_and_non_pdf_are_bad_input(tmp_path: Path) -> None:
    unsigned = make_pdfa(tmp_path / "plain.pdf")
    assert verify_file(unsigned).exit_code == ExitCode.BAD_INPUT
    text = tmp_path / "note.pdf"
    text.write_text("không phải PDF", encoding="utf-8")
    verdict = verify_file(text)
    assert verdict.exit_code == ExitCode.BAD_INPUT
    assert verdict.error and "not a PDF" in verdict.error
    assert verify_file(tmp_path / "missing.pdf").exit_code == ExitCode.BAD_INPUT


# --------------------------------------------------------------------------- appearance


@needs_poppler
def test_visible_signature_top_right_of_page_one_with_text(tmp_path: Path, demo) -> None:
    _archive, identity = demo
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    src = make_pdfa(tmp_path / "in.pdf")
    dst = tmp_path / "signed.pdf"
    sign_pdf(src, dst, identity, agency_name=AGENCY, copy_type="SAO Y", signing_time=when)
    with pikepdf.open(dst) as pdf:
        (annot,) = pdf.pages[0].Annots
        x0, y0, x1, y1 = (float(v) for v in annot.Rect)
    assert x1 == pytest.approx(A4[2] - EDGE_MARGIN, abs=0.2)
    assert y1 == pytest.approx(A4[3] - EDGE_MARGIN, abs=0.2)
    assert x0 > A4[2] / 2 and y0 > A4[3] * 0.8
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(dst), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "SAO Y" in text
    assert AGENCY in text
    assert format_signing_time(when) in text
    assert format_signing_time(when).endswith("+07:00")


def test_widget_keeps_the_file_pdfa(signed) -> None:
    """ISO 19005-2: print flag, only /N appearance, embedded font, widths in 1/1000 em."""
    _archive, _src, dst = signed
    with pikepdf.open(dst) as pdf:
        (annot,) = pdf.pages[0].Annots
        assert int(annot.F) & 4  # Print
        assert not int(annot.F) & (1 | 2 | 32)  # not Invisible/Hidden/NoView
        assert set(annot.AP.keys()) == {"/N"}
        # still a PDF 1.7-based PDF/A-2b file (pyHanko would declare 2.0 for ECDSA)
        assert str(pdf.Root.get("/Version", "/1.7")) != "/2.0"
        assert "/ISO_" not in pdf.Root.get("/Extensions", {})
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        assert "/NeedAppearances" not in pdf.Root.AcroForm
        fonts = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == "/CIDFontType2"
        ]
        assert fonts, "signature font not found"
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert "/CA" not in obj and "/ca" not in obj and "/SMask" not in obj
                assert obj.get("/S") != "/Transparency"
        cid = fonts[0]
        assert "/FontFile2" in cid.FontDescriptor
        assert cid.CIDToGIDMap == "/Identity"
        widths = list(cid.W)
    font = TTFont(str(font_path()))
    upem = font["head"].unitsPerEm
    order = font.getGlyphOrder()
    # /W: [first [w1 w2 ...] ...]; compare with the font program scaled to 1000/em
    for first, run in zip(widths[::2], widths[1::2], strict=True):
        for offset, width in enumerate(run):
            gid = int(first) + offset
            expected = font["hmtx"][order[gid]][0] * 1000 / upem
            assert abs(float(width) - expected) <= 1, (gid, width, expected)


def test_signing_time_is_iso_in_vietnam_time() -> None:
    when = datetime(2021, 12, 31, 20, 0, 5, 123456, tzinfo=UTC)
    assert format_signing_time(when) == "2022-01-01T03:00:05+07:00"
    assert stamp_lines(" SAO Y ", AGENCY, when) == ("SAO Y", AGENCY, "2022-01-01T03:00:05+07:00")
    assert VIETNAM.utcoffset(None) == timedelta(hours=7)


LINES = ("SAO Y", AGENCY, "2021-05-31T14:03:00+07:00")


def _hits(rect, boxes) -> bool:
    return any(
        not (rect[2] <= b[0] or b[2] <= rect[0] or rect[3] <= b[1] or b[3] <= rect[1])
        for b in boxes
    )


def test_placement_corner_when_free() -> None:
    placement = place_box(A4, LINES)
    assert placement.font_size == 10 and placement.rect is not None
    assert placement.rect[2] == pytest.approx(A4[2] - EDGE_MARGIN, abs=0.1)
    assert placement.rect[3] == pytest.approx(A4[3] - EDGE_MARGIN, abs=0.1)


def test_placement_moves_below_the_national_motto() -> None:
    # Quốc hiệu–Tiêu ngữ occupy the top right from about 2 cm down
    motto = [(300.0, 790.0, 560.0, 806.0), (340.0, 772.0, 520.0, 786.0)]
    top_line = [(30.0, 815.0, 580.0, 835.0)]  # a header printed right to the edge
    placement = place_box(A4, LINES, motto + top_line)
    assert placement.rect is not None
    assert placement.font_size == 10
    assert not _hits(placement.rect, motto + top_line)
    assert placement.rect[0] >= A4[2] * 0.45 and placement.rect[1] >= A4[3] * 0.70


def test_placement_shrinks_when_only_a_narrow_gap_is_free() -> None:
    # text everywhere in the top-right quarter except a 112 pt wide column at the right
    boxes = [(268.0, y, 469.0, y + 10) for y in range(590, 830, 12)]
    boxes += [(268.0, y, 580.0, y + 10) for y in range(590, 770, 12)]
    placement = place_box(A4, LINES, boxes)
    assert placement.rect is not None
    assert placement.font_size < 10
    assert not _hits(placement.rect, boxes)


def test_placement_never_covers_text_and_says_why() -> None:
    full = [(0.0, 0.0, A4[2], A4[3])]
    placement = place_box(A4, LINES, full)
    assert placement.rect is None
    assert placement.reason and "no blank space top-right of page 1" in placement.reason


def test_a_page_too_small_for_the_signature_says_so() -> None:
    """A 400 × 50 px strip at 300 dpi (OCRmyPDF's crom.png) is 3.4 × 0.4 cm."""
    placement = place_box((0.0, 0.0, 96.0, 12.0), LINES)
    assert placement.rect is None
    assert placement.reason and placement.reason.startswith("page 1 is 3.4 × 0.4 cm: too small")


def test_with_no_place_for_it_the_signature_is_invisible_and_valid(tmp_path: Path, demo) -> None:
    archive, identity = demo
    src = make_pdfa(tmp_path / "in.pdf")
    dst = tmp_path / "signed.pdf"
    signed = sign_pdf(src, dst, identity, agency_name=AGENCY, occupied=[(0.0, 0.0, *A4[2:])])
    assert signed.no_visible_mark and "no blank space" in signed.no_visible_mark
    with pikepdf.open(dst) as pdf:
        (widget,) = pdf.pages[0].Annots
        assert [float(v) for v in widget.Rect] == [0.0, 0.0, 0.0, 0.0]
    assert check_pdfa(dst) == []
    assert verify_file(dst, trust_roots=_roots(archive)).exit_code == ExitCode.OK


def test_signed_box_avoids_ocr_text(tmp_path: Path, demo) -> None:
    _archive, identity = demo
    motto = ((300.0, 790.0, 560.0, 806.0), (340.0, 772.0, 520.0, 786.0))
    src = make_pdfa(tmp_path / "in.pdf", text_boxes=motto)
    dst = tmp_path / "signed.pdf"
    sign_pdf(src, dst, identity, agency_name=AGENCY, occupied=motto)
    with pikepdf.open(dst) as pdf:
        rect = [float(v) for v in pdf.pages[0].Annots[0].Rect]
    assert not _hits(rect, motto)
    assert rect[0] > A4[2] / 2


# --------------------------------------------------------------------------- report


def test_html_report_is_self_contained_and_escaped(signed, tmp_path: Path) -> None:
    archive, _src, dst = signed
    bad = tmp_path / "<script>.pdf"
    bad.write_bytes(b"not a pdf")
    page = render_html([verify_file(dst, trust_roots=_roots(archive)), verify_file(bad)])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;.pdf" in page
    assert "PAdES B-B" in page and "DEMO Sở Tài chính" in page
    assert "http://" not in page and "https://" not in page
    # a valid file and one that is not a PDF: the run's exit code is the worse, 3, and the
    # page says so and names the bad file's verdict
    assert "(exit code)</small>: 3." in page
    assert "TỆP KHÔNG KIỂM TRA ĐƯỢC" in page


def test_key_files_and_signing_use_no_umask_luck(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        archive = tmp_path / "archive"
        load_identity(Settings(archive=archive), archive)
    finally:
        os.umask(old)
    for child in (archive / DEMO_DIR).iterdir():
        assert stat.S_IMODE(child.stat().st_mode) == 0o600
    assert (archive / DEMO_DIR / DEMO_ROOT_CERT).is_file()


def test_pkcs12_bundle_round_trip_matches_cryptography(pki: PkiHarness) -> None:
    key, cert, extra = pkcs12.load_key_and_certificates(pki.pkcs12("signer", b"x"), b"x")
    assert key is not None and cert is not None and extra
