"""The PDF/A-2b "hai lớp" file: real pages rendered with Pillow, real poppler, real pyHanko."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pikepdf
import pytest
from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from sohoa.errors import PdfError
from sohoa.models import DocumentMetadata, EncodedImage, OcrPage, OcrWord
from sohoa.pipeline.pdfa import SOHOA_NS, build_pdfa, check_pdfa, extract_text
from tests.factories import ocr_page

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

FONTS = Path("/usr/share/fonts/truetype")
A4_INCHES = (8.2677, 11.6929)  # 210 × 297 mm
CREATED = datetime(2024, 2, 5, 10, 30, 0, tzinfo=timezone(timedelta(hours=7)))
LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ĐẮK LẮK, ngày 05 tháng 02 năm 2024",
    "QUYẾT ĐỊNH",
    "Về việc ban hành Kế hoạch số hóa kết quả",
    "giải quyết thủ tục hành chính năm 2024",
    "Số: 151/QĐ-STC",
)
METADATA = DocumentMetadata(
    organ_name="SỞ TÀI CHÍNH TỈNH ĐẮK LẮK",
    code_number="151",
    code_notation="QĐ-STC",
    type_name="Quyết định",
    place="Đắk Lắk",
    issued_date=date(2024, 2, 5),
    subject="Ban hành Kế hoạch số hóa kết quả giải quyết thủ tục hành chính",
    signer_authority="KT. GIÁM ĐỐC",
    signer_position="PHÓ GIÁM ĐỐC",
    signer_full_name="Nguyễn Thị Ánh Tuyết",
    recipients=("Như Điều 3;", "Lưu: VT, VP."),
)


@dataclass(frozen=True)
class Scan:
    """A synthetic scan: the OCR page handed to build_pdfa and the image it shows."""

    page: OcrPage
    image: Image.Image
    lines: tuple[str, ...]


def make_scan(
    index: int,
    mode: str,
    dpi: int,
    filter_: str,
    font: str = "dejavu/DejaVuSerif.ttf",
    lines: tuple[str, ...] = LINES,
) -> Scan:
    """An A4 page with `lines` drawn at known boxes, encoded as the OCR stage would."""
    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    paper, ink = ((250, 246, 232), (25, 35, 140)) if mode == "RGB" else ("white", "black")
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(str(FONTS / font), round(dpi * 14 / 72))  # 14 pt type
    words: list[OcrWord] = []
    y = round(dpi * 0.8)
    for number, line in enumerate(lines):
        x = round(dpi * (0.8 + 0.15 * (number % 3)))
        for text in line.split():
            box = draw.textbbox((x, y), text, font=face)
            draw.text((x, y), text, font=face, fill=ink)
            words.append(OcrWord(text, box, 91.0, 0, 0, number))
            x = box[2] + round(dpi * 0.07)
        y += round(dpi * 0.45)
    image = image.convert(mode)
    if filter_ == "DCTDecode":
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        data = buffer.getvalue()
    else:
        data = zlib.compress(image.tobytes())
    encoded = EncodedImage(data, filter_, width, height, mode)  # type: ignore[arg-type]
    page = ocr_page(
        index=index,
        source=Path(f"scan-{index}.png"),
        width=width,
        height=height,
        dpi=dpi,
        words=tuple(words),
        text="\n".join(lines),
        mean_confidence=91.0,
        image=encoded,
    )
    return Scan(page, image, lines)


SCAN_SPECS = (  # (mode, dpi, filter, font)
    ("RGB", 300, "DCTDecode", "dejavu/DejaVuSerif.ttf"),
    ("L", 200, "FlateDecode", "liberation2/LiberationSerif-Regular.ttf"),
    ("1", 300, "FlateDecode", "dejavu/DejaVuSans.ttf"),
    ("RGB", 200, "FlateDecode", "liberation2/LiberationSans-Regular.ttf"),
)


@pytest.fixture(scope="module")
def scans() -> list[Scan]:
    return [make_scan(i, *spec) for i, spec in enumerate(SCAN_SPECS)]


@pytest.fixture(scope="module")
def built(scans: list[Scan], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdfa") / "151-QD-STC.pdf"
    result = build_pdfa(
        [s.page for s in scans], METADATA, out, document_id="doc-151", created=CREATED
    )
    assert result.path == out and result.page_count == len(scans)
    return out


def nonempty_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- geometry and text -----------------------------------------------------------


def test_pages_have_the_papers_size(built: Path) -> None:
    with pikepdf.open(built) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            assert (x0, y0) == (0, 0)
            assert x1 == pytest.approx(595.3, abs=0.5)  # A4 at 100% scale
            assert y1 == pytest.approx(841.9, abs=0.5)


def test_pdftotext_gives_the_words_in_order_one_line_per_ocr_line(
    built: Path, scans: list[Scan]
) -> None:
    pages = extract_text(built).split("\f")
    assert len(pages) == len(scans)
    for text, scan in zip(pages, scans, strict=True):
        assert nonempty_lines(text) == [nfc(line) for line in scan.lines]


def test_archival_text_is_the_layer_as_written(scans: list[Scan], tmp_path: Path) -> None:
    result = build_pdfa([scans[2].page], METADATA, tmp_path / "a.pdf", created=CREATED)
    assert result.text == "\n".join(LINES)
    assert result.metadata.page_amount == 1  # unknown → the page count
    assert nonempty_lines(extract_text(result.path)) == list(LINES)


def pdftotext_boxes(path: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", html, re.S):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        )
        pages.append([(nfc(unescape(w[4])), tuple(float(v) for v in w[:4])) for w in words])
    return pages  # type: ignore[return-value]


def test_selection_boxes_land_on_the_words(built: Path, scans: list[Scan]) -> None:
    """pdftotext -bbox gives, per word, the box a viewer highlights."""
    for found, scan in zip(pdftotext_boxes(built), scans, strict=True):
        page = scan.page
        k = 72.0 / page.dpi
        assert [text for text, _ in found] == [w.text for w in page.words]
        for (_, (x0, y0, x1, y1)), word in zip(found, page.words, strict=True):
            left, top, right, bottom = (v * k for v in word.box)
            line = [w for w in page.words if w.line == word.line]
            line_top = min(w.box[1] for w in line) * k
            line_bottom = max(w.box[3] for w in line) * k
            # Horizontally the word's own box; vertically the line's box …
            assert x0 == pytest.approx(left, abs=0.3) and x1 == pytest.approx(right, abs=0.3)
            assert y0 == pytest.approx(line_top, abs=0.3)
            assert y1 == pytest.approx(line_bottom, abs=0.3)
            # … which covers the word's ink: the highlight lands on the word.
            assert y0 <= top + 0.01 and bottom <= y1 + 0.01


# --- images ---------------------------------------------------------------------------


def test_images_are_embedded_byte_for_byte(built: Path, scans: list[Scan]) -> None:
    with pikepdf.open(built) as pdf:
        for page, scan in zip(pdf.pages, scans, strict=True):
            (image,) = page.Resources.XObject.values()
            encoded = scan.page.image
            assert image.read_raw_bytes() == encoded.data  # the JPEG never re-compressed
            assert image.Filter == pikepdf.Name("/" + encoded.filter)
            assert int(image.BitsPerComponent) == encoded.bits_per_component
            gray = encoded.mode in ("L", "1")
            assert image.ColorSpace == (pikepdf.Name.DeviceGray if gray else pikepdf.Name.DeviceRGB)
            assert (int(image.Width), int(image.Height)) == (encoded.width, encoded.height)
            assert "/Decode" not in image and "/Interpolate" not in image


def render(path: Path, page: int, width: int, height: int, gray: bool) -> Image.Image:
    args = ["pdftoppm", "-f", str(page), "-l", str(page), "-scale-to-x", str(width)]
    args += ["-scale-to-y", str(height), "-gray" if gray else "-png", str(path)]
    return Image.open(io.BytesIO(subprocess.run(args, capture_output=True, check=True).stdout))


def test_rendering_matches_the_scan_and_the_text_is_invisible(
    built: Path, scans: list[Scan]
) -> None:
    """Same picture as the scan: colours and 1-bit polarity right, no visible glyph boxes."""
    for number, scan in enumerate(scans, 1):
        gray = scan.page.image.mode != "RGB"
        size = (scan.page.width // 4, scan.page.height // 4)
        expected = scan.image.convert("L" if gray else "RGB").resize(size, Image.Resampling.BOX)
        shown = render(built, number, *size, gray=gray).convert(expected.mode)
        diff = np.abs(np.asarray(shown, dtype=np.int16) - np.asarray(expected, dtype=np.int16))
        assert diff.mean() < 3, f"page {number}: mean difference {diff.mean():.1f}"
        # Over each word, too: the glyph-less font's glyph is a filled box, so
        # visible text would turn the word's box black (a difference above 100).
        ours, theirs = np.asarray(shown, dtype=float), np.asarray(expected, dtype=float)
        for word in scan.page.words:
            x0, y0, x1, y1 = (v // 4 for v in word.box)
            change = abs(ours[y0:y1, x0:x1].mean() - theirs[y0:y1, x0:x1].mean())
            assert change < 30, f"page {number}: {word.text} is visible ({change:.0f})"


def test_one_bit_polarity_white_paper(built: Path, scans: list[Scan]) -> None:
    page = next(i for i, s in enumerate(scans, 1) if s.page.image.mode == "1")
    corner = np.asarray(render(built, page, 100, 141, gray=True))[:6, :6]
    assert corner.min() > 250  # paper is white, not inverted


# --- PDF/A structure and metadata ------------------------------------------------------


def test_check_pdfa_accepts_ours(built: Path) -> None:
    assert check_pdfa(built) == []


def test_check_pdfa_rejects_a_plain_pillow_pdf(scans: list[Scan], tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    scans[0].image.save(plain, "PDF", resolution=300)
    problems = check_pdfa(plain)
    assert any(p.startswith("6.6") and "pdfaid" in p for p in problems), problems
    assert any(p.startswith("6.2.3") for p in problems), problems
    assert any("binary comment" in p for p in problems), problems


def test_file_structure(built: Path) -> None:
    raw = built.read_bytes()
    assert raw.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in raw[10:14])
    assert raw.rstrip(b"\r\n").endswith(b"%%EOF")
    assert b"Ghostscript" not in raw and b"/JavaScript" not in raw
    for forbidden in (b"/Transparency", b"/SMask", b"/Encrypt"):
        assert forbidden not in raw
    with pikepdf.open(built) as pdf:
        assert len(pdf.trailer.ID) == 2
        assert pdf.Root.Lang == "vi-VN"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1 and int(intent.DestOutputProfile.N) == 3
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[12:20] == b"mntrRGB " and profile[36:40] == b"acsp"
        assert "/Filter" not in pdf.Root.Metadata  # XMP readable by non-PDF tools
    fonts = subprocess.run(["pdffonts", str(built)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+no\s+yes\b", row) for row in rows), fonts.stdout


def read_xmp(path: Path) -> etree._Element:
    with pikepdf.open(path) as pdf:
        return etree.fromstring(pdf.Root.Metadata.read_bytes())


def test_xmp_says_pdfa_2b_and_carries_the_fields_with_diacritics(built: Path) -> None:
    root = read_xmp(built)
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "xmp": "http://ns.adobe.com/xap/1.0/",
        "pdf": "http://ns.adobe.com/pdf/1.3/",
        "s": SOHOA_NS,
    }

    def text(xpath: str) -> str:
        return nfc(root.xpath(xpath, namespaces=ns)[0].text)

    assert text("//pdfaid:part") == "2" and text("//pdfaid:conformance") == "B"
    assert text("//s:OrganName") == "SỞ TÀI CHÍNH TỈNH ĐẮK LẮK"
    assert text("//s:SignerFullName") == "Nguyễn Thị Ánh Tuyết"
    assert text("//s:SignerPosition") == "PHÓ GIÁM ĐỐC"
    assert text("//s:SignerAuthority") == "KT. GIÁM ĐỐC"
    assert text("//s:CodeNotation") == "QĐ-STC" and text("//s:IssuedDate") == "2024-02-05"
    assert text("//s:PageAmount") == "4"
    recipients = root.xpath("//s:Recipients/rdf:Seq/rdf:li", namespaces=ns)
    assert [nfc(li.text) for li in recipients] == ["Như Điều 3;", "Lưu: VT, VP."]
    assert text("//xmp:CreateDate") == "2024-02-05T10:30:00+07:00"
    declared = root.xpath(
        "//pdfaSchema:namespaceURI",
        namespaces={"pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#"},
    )
    assert [d.text for d in declared] == [SOHOA_NS]
    with pikepdf.open(built) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == text("//dc:title/rdf:Alt/rdf:li")
        assert str(info.Title).startswith("Quyết định số 151/QĐ-STC ngày 05/02/2024")
        assert (
            str(info.Author) == text("//dc:creator/rdf:Seq/rdf:li") == "SỞ TÀI CHÍNH TỈNH ĐẮK LẮK"
        )
        assert str(info.Producer) == text("//pdf:Producer") == "sohoa 0.1.0"
        assert str(info.CreationDate) == "D:20240205103000+07'00'" == str(info.ModDate)


def test_naive_created_time_is_vietnam_time(scans: list[Scan], tmp_path: Path) -> None:
    build_pdfa([scans[2].page], METADATA, tmp_path / "a.pdf", created=datetime(2024, 2, 5, 10, 30))
    with pikepdf.open(tmp_path / "a.pdf") as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20240205103000+07'00'"


def test_same_inputs_give_the_same_bytes(scans: list[Scan], tmp_path: Path) -> None:
    pages = [scans[1].page, scans[2].page]
    a = build_pdfa(pages, METADATA, tmp_path / "a.pdf", title="Bản sao", created=CREATED)
    b = build_pdfa(pages, METADATA, tmp_path / "b.pdf", title="Bản sao", created=CREATED)
    assert a.path.read_bytes() == b.path.read_bytes()


# --- writing: atomic, and refusing bad input ------------------------------------------


def test_missing_directory_raises_and_leaves_nothing(scans: list[Scan], tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="cannot write"):
        build_pdfa([scans[2].page], METADATA, tmp_path / "missing" / "a.pdf", created=CREATED)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_raises(scans: list[Scan], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    if os.geteuid() == 0:  # root writes anywhere, except in a kernel file system
        locked = Path("/proc")
    with pytest.raises(PdfError, match="cannot write"):
        build_pdfa([scans[2].page], METADATA, locked / "a.pdf", created=CREATED)
    assert not (locked / "a.pdf").exists()
    assert not any(p.name.startswith(".a.pdf.") for p in locked.iterdir())


def test_failure_after_writing_leaves_no_temporary_file(scans: list[Scan], tmp_path: Path) -> None:
    """The final rename fails (the name is a directory): no half file, no temp left."""
    out = tmp_path / "a.pdf"
    out.mkdir()
    with pytest.raises(PdfError, match="cannot write"):
        build_pdfa([scans[2].page], METADATA, out, created=CREATED)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"] and out.is_dir()


def test_bad_image_keeps_the_previous_file(scans: list[Scan], tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    out.write_bytes(b"previous version")
    page = scans[0].page
    truncated = EncodedImage(page.image.data[:200], "DCTDecode", page.width, page.height, "RGB")
    with pytest.raises(PdfError, match="JPEG"):
        build_pdfa([_with_image(page, truncated)], METADATA, out, created=CREATED)
    assert out.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def _with_image(page: OcrPage, image: EncodedImage) -> OcrPage:
    return dataclasses.replace(page, image=image)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mode": "L"}, "JPEG is"),
        ({"width": 100}, "image is 100"),
    ],
)
def test_image_not_matching_its_description_is_refused(
    scans: list[Scan], tmp_path: Path, change: dict, message: str
) -> None:
    page = scans[0].page
    image = dataclasses.replace(page.image, **change)
    with pytest.raises(PdfError, match=message):
        build_pdfa([_with_image(page, image)], METADATA, tmp_path / "a.pdf", created=CREATED)


def test_flate_data_of_the_wrong_size_is_refused(scans: list[Scan], tmp_path: Path) -> None:
    page = scans[2].page
    short = EncodedImage(zlib.compress(b"\xff" * 100), "FlateDecode", page.width, page.height, "1")
    with pytest.raises(PdfError, match="inflates to 100 bytes"):
        build_pdfa([_with_image(page, short)], METADATA, tmp_path / "a.pdf", created=CREATED)


def test_no_pages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="without pages"):
        build_pdfa([], METADATA, tmp_path / "a.pdf")


# --- check_pdfa finds what breaks PDF/A -------------------------------------------------


def _mutated(source: Path, tmp_path: Path, mutate: Callable[[pikepdf.Pdf], None]) -> Path:
    out = tmp_path / "mutated.pdf"
    with pikepdf.open(source) as pdf:
        mutate(pdf)
        pdf.save(out, deterministic_id=True)
    return out


def _add_javascript(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )


def _add_hidden_annotation(pdf: pikepdf.Pdf) -> None:
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=[10, 10, 50, 50], F=2
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def _add_unembedded_font(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].Resources.Font.F9 = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )


def _drop_output_intent(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.OutputIntents


def _claim_pdfa_1(pdf: pikepdf.Pdf) -> None:
    xmp = pdf.Root.Metadata.read_bytes().replace(b"<pdfaid:part>2<", b"<pdfaid:part>1<")
    pdf.Root.Metadata.write(xmp)


def _undeclared_xmp_property(pdf: pikepdf.Pdf) -> None:
    xmp = pdf.Root.Metadata.read_bytes().replace(
        b"</rdf:RDF>",
        b'<rdf:Description rdf:about="" xmlns:my="urn:x-mine:1/"><my:Thing>1</my:Thing>'
        b"</rdf:Description></rdf:RDF>",
    )
    pdf.Root.Metadata.write(xmp)


def _change_info_title(pdf: pikepdf.Pdf) -> None:
    pdf.docinfo.Title = "Một tiêu đề khác"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_add_javascript, "6.5.1: the open action uses a forbidden action /JavaScript"),
        (_add_hidden_annotation, "6.3.2"),
        (_add_unembedded_font, "6.2.11.4: page 1: font Helvetica is not embedded"),
        (_drop_output_intent, "6.2.3: no /OutputIntents"),
        (_claim_pdfa_1, "6.6.4: pdfaid:part is '1'"),
        (_undeclared_xmp_property, "6.6.2.3: XMP property Thing"),
        (_change_info_title, "Info/XMP"),
    ],
)
def test_check_pdfa_finds_violations(
    built: Path, tmp_path: Path, mutate: Callable[[pikepdf.Pdf], None], expected: str
) -> None:
    problems = check_pdfa(_mutated(built, tmp_path, mutate))
    assert any(p.startswith(expected) for p in problems), problems


def test_check_pdfa_reports_encryption_and_garbage(built: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(built) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    assert "6.1.3: the file is encrypted" in check_pdfa(locked)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert any(p.startswith("not a readable PDF") for p in check_pdfa(junk))


# --- after a PAdES signature (incremental update, pyHanko) ------------------------------


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> SimpleSigner:
    """A throwaway RSA identity (Vietnamese CAs issue RSA certificates)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tài chính (thử nghiệm)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("pki")
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return signers.SimpleSigner.load(str(folder / "key.pem"), str(folder / "cert.pem"))


def sign(source: Path, out: Path, signer: SimpleSigner, *, align_producer: bool) -> None:
    """Sign with a visible stamp in an embedded font, then add a DSS: two incremental updates."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.stamp import TextStampStyle

    signed = io.BytesIO()
    with source.open("rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        if align_producer:
            # pyHanko writes its own name as XMP pdf:Producer but appends it to
            # the Info /Producer; starting from its name keeps both equal.
            info = writer.trailer["/Info"].get_object()
            info["/Producer"] = generic.TextStringObject(VENDOR)
            writer.update_container(info)
        fields.append_signature_field(
            writer, fields.SigFieldSpec("Chuky1", on_page=0, box=(380, 770, 580, 830))
        )
        font = GlyphAccumulatorFactory(str(FONTS / "liberation2/LiberationSerif-Regular.ttf"))
        style = TextStampStyle(
            stamp_text="SAO Y\nSở Tài chính tỉnh Đắk Lắk\n%(ts)s",
            text_box_style=TextBoxStyle(font=font, font_size=10),
            border_width=0,
        )
        meta = signers.PdfSignatureMetadata(
            field_name="Chuky1", subfilter=fields.SigSeedSubFilter.PADES
        )
        signers.PdfSigner(meta, signer, stamp_style=style).sign_pdf(writer, output=signed)
    signed.seek(0)
    signature = PdfFileReader(signed).embedded_signatures[0]
    writer = IncrementalPdfFileWriter(signed)
    DocumentSecurityStore.supply_dss_in_writer(
        writer, signature.sig_object["/Contents"], certs=[signer.signing_cert]
    )
    with out.open("wb") as fh:
        writer.write(fh)


def test_check_pdfa_accepts_a_pades_signed_incremental_update(
    built: Path, tmp_path: Path, signer: SimpleSigner
) -> None:
    out = tmp_path / "signed.pdf"
    sign(built, out, signer, align_producer=True)
    raw = out.read_bytes()
    assert raw.startswith(built.read_bytes())  # incremental: the PDF/A bytes untouched
    assert raw.count(b"%%EOF") == 3
    with pikepdf.open(out) as pdf:
        assert "/DSS" in pdf.Root and int(pdf.Root.AcroForm.SigFlags) == 3
        (widget,) = pdf.pages[0].Annots
        assert pikepdf.Name.Sig == widget.FT and "/N" in widget.AP
    assert check_pdfa(out) == []
    assert "Độc lập - Tự do - Hạnh phúc" in extract_text(out)


def test_plain_pyhanko_signing_breaks_only_producer_equality(
    built: Path, tmp_path: Path, signer: SimpleSigner
) -> None:
    """What the signing stage must know: pyHanko 0.38 appends itself to Info /Producer
    but writes only its own name to XMP pdf:Producer."""
    out = tmp_path / "signed.pdf"
    sign(built, out, signer, align_producer=False)
    problems = check_pdfa(out)
    assert len(problems) == 1 and "Producer" in problems[0], problems
