"""Inputs → pages: formats, resolution, and every way a file can be refused."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from sohoa.errors import InputError
from sohoa.scanners.discover import natural_key
from sohoa.scanners.formats import identify, sniff
from sohoa.scanners.loader import (
    DEFAULT_DPI,
    load_page,
    open_document,
    plausible_dpi,
)


def _page(size=(1654, 2339), colour="white", mode="RGB") -> Image.Image:
    image = Image.new(mode, size, colour)
    return image


def test_sniff_recognises_formats_by_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "png"
    assert sniff(b"II*\x00rest") == "tiff"
    assert sniff(b"MM\x00*rest") == "tiff"
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"junk\n%PDF-1.4") == "pdf"
    assert sniff(b"hello world") is None


def test_zero_byte_file_is_refused_with_reason(tmp_path: Path) -> None:
    empty = tmp_path / "trống.jpg"
    empty.write_bytes(b"")
    with pytest.raises(InputError) as info:
        open_document(empty)
    assert "empty file" in str(info.value)
    assert "trống.jpg" in str(info.value)


def test_text_file_named_pdf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "quyet-dinh.pdf"
    fake.write_text("Đây không phải là PDF", encoding="utf-8")
    with pytest.raises(InputError, match="not a PDF file"):
        open_document(fake)


def test_unsupported_format_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "ghi-chu.docx"
    doc.write_bytes(b"PK\x03\x04 not a scan")
    with pytest.raises(InputError, match="not a supported scan format"):
        open_document(doc)


def test_wrong_extension_is_refused(tmp_path: Path) -> None:
    png_named_jpg = tmp_path / "trang.jpg"
    _page((200, 300)).save(png_named_jpg, format="PNG")
    with pytest.raises(InputError, match=r"content is PNG but the file is named \.jpg"):
        identify(png_named_jpg)


def test_truncated_jpeg_is_refused_when_loaded(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    _page((1200, 1600), "grey").save(buffer, format="JPEG", quality=90, dpi=(300, 300))
    truncated = tmp_path / "cắt.jpg"
    truncated.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    document = open_document(truncated)
    with pytest.raises(InputError, match="truncated"):
        load_page(document.pages[0])


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mat-khau.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(InputError, match="encrypted"):
        open_document(path)


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.png"
    Image.new("1", (20000, 20000), 1).save(bomb)  # 400 Mpx, a few KB on disk
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="page too large: 20000 × 20000 px"):
        open_document(bomb)


def test_jpeg_dpi_is_read_and_original_bytes_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    _page().save(path, format="JPEG", dpi=(200, 200))
    page = load_page(open_document(path).pages[0])
    assert page.dpi == pytest.approx(200)
    assert not page.dpi_assumed
    assert page.original is not None
    assert page.original.data == path.read_bytes()
    assert page.original.filter == "DCTDecode"
    assert page.image.mode == "RGB"


def test_missing_dpi_assumes_300_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "khong-dpi.png"
    _page((2480, 3508), mode="L").save(path)
    page = load_page(open_document(path).pages[0])
    assert page.dpi == DEFAULT_DPI
    assert page.dpi_assumed


def test_implausible_dpi_is_treated_as_unknown() -> None:
    # A 2480 px wide scan tagged 72 dpi would be 34 inches wide: a software default.
    assert plausible_dpi((2480, 3508), 72) is None
    assert plausible_dpi((2480, 3508), 300) == 300


def test_multipage_tiff_gives_one_page_per_frame(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.tif"
    frames = [_page((800, 1100), c, "L") for c in (255, 200, 100)]
    frames[0].save(
        path, save_all=True, append_images=frames[1:], dpi=(300, 300), compression="tiff_lzw"
    )
    document = open_document(path)
    assert document.page_count == 3
    third = load_page(document.pages[2])
    assert third.image.getpixel((10, 10)) == 100
    assert third.dpi == pytest.approx(300)


def test_folder_of_pages_uses_natural_order(tmp_path: Path) -> None:
    folder = tmp_path / "hồ sơ 01"
    folder.mkdir()
    for n in (1, 2, 10):
        _page((300, 400), (n, n, n)).save(folder / f"page-{n}.png", dpi=(300, 300))
    (folder / "Thumbs.db").write_bytes(b"junk")
    document = open_document(folder)
    assert [p.path.name for p in document.pages] == ["page-1.png", "page-2.png", "page-10.png"]
    assert sorted(["page-10", "page-2"], key=natural_key) == ["page-2", "page-10"]


def test_folder_with_a_bad_page_names_that_page(tmp_path: Path) -> None:
    folder = tmp_path / "doc"
    folder.mkdir()
    _page((300, 400)).save(folder / "page-1.png")
    (folder / "page-2.png").write_bytes(b"")
    with pytest.raises(InputError) as info:
        open_document(folder)
    assert "page-2.png" in str(info.value)


def test_image_only_pdf_is_read_at_native_resolution(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    image = _page((1654, 2339), (250, 240, 230))  # A4 at 200 dpi
    image.save(path, format="PDF", resolution=200)
    document = open_document(path)
    page = load_page(document.pages[0])
    assert page.image.size == (1654, 2339)
    assert page.dpi == pytest.approx(200, abs=0.5)
    assert page.original is not None  # Pillow writes DCT: embedded as-is later
    assert page.original.filter == "DCTDecode"


def test_pdf_with_vector_content_is_rasterised_at_300_dpi(tmp_path: Path) -> None:
    path = tmp_path / "vector.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    page = load_page(open_document(path).pages[0])
    assert page.dpi == 300
    assert abs(page.image.width - round(595 / 72 * 300)) <= 2


@pytest.mark.parametrize("mode", ["RGB", "L", "1"])
def test_png_rows_are_kept_for_embedding_as_is(tmp_path: Path, mode: str) -> None:
    import zlib

    path = tmp_path / f"trang-{mode}.png"
    image = Image.effect_noise((300, 200), 60).convert(mode)
    if mode == "RGB":
        image = Image.merge(
            "RGB", (image.split()[0], image.split()[0].rotate(90), image.split()[0])
        )
    image.save(path, dpi=(300, 300))
    page = load_page(open_document(path).pages[0])
    original = page.original
    assert original is not None and original.png_predictor
    assert (original.width, original.height, original.mode) == (300, 200, mode)
    # The IDAT stream inflates to the rows, each prefixed with its filter byte.
    row = (300 * {"RGB": 3, "L": 1, "1": 1}[mode] * (1 if mode == "1" else 8) + 7) // 8
    assert len(zlib.decompress(original.data)) == (row + 1) * 200
    assert original.decoded  # the page was decoded from these bytes: no second inflate


def test_png_cut_at_a_chunk_boundary_is_never_embedded_as_is(tmp_path: Path) -> None:
    """Every chunk of a PNG cut short after an IDAT chunk passes its CRC: without IEND
    its rows are not all there, and neither passthrough nor the decoder accepts it."""
    from sohoa.scanners.passthrough import png_original

    path = tmp_path / "đang-ghi.png"
    Image.effect_noise((400, 300), 80).save(path)
    data = path.read_bytes()
    assert png_original(data) is not None
    iend = data.rindex(b"IEND") - 4
    assert png_original(data[:iend]) is None
    cut = tmp_path / "cắt.png"
    cut.write_bytes(data[: data.index(b"IDAT") + 4 + 1000])
    with pytest.raises(InputError, match=r"cắt\.png"):
        load_page(open_document(cut).pages[0])


def test_png_with_palette_or_alpha_is_not_passed_through(tmp_path: Path) -> None:
    rgba = tmp_path / "alpha.png"
    Image.new("RGBA", (50, 50), (255, 0, 0, 128)).save(rgba)
    page = load_page(open_document(rgba).pages[0])
    assert page.original is None and page.image.mode == "RGB"
    palette = tmp_path / "palette.png"
    Image.new("RGB", (50, 50), (200, 10, 10)).convert("P").save(palette)
    assert load_page(open_document(palette).pages[0]).original is None
