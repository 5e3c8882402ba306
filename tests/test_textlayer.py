"""The invisible text layer: encoding, ToUnicode, geometry, and what pdftotext gets back."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import zlib
from pathlib import Path

import pikepdf
import pytest

from sohoa.models import DocumentMetadata, EncodedImage, OcrPage, OcrWord
from sohoa.ocr.textlayer import (
    GLYPH_WIDTH,
    add_glyphless_font,
    clean_text,
    encode_cids,
    layout_lines,
    text_layer_ops,
    text_layer_text,
    to_unicode_cmap,
)
from sohoa.pipeline.pdfa import build_pdfa, extract_text
from tests.factories import ocr_page

BASES = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang huyền sắc hỏi ngã nặng


def vietnamese_letters() -> list[str]:
    """Every precomposed Vietnamese letter, lower and upper case (146)."""
    letters = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES]
    letters.append("đ")
    letters += [letter.upper() for letter in letters]
    assert all(len(letter) == 1 for letter in letters)
    return letters


def blank_page(
    lines: list[list[str]], *, dpi: float = 200, width: int = 1654, height: int = 2339
) -> OcrPage:
    """A white page whose OCR words sit on a grid: 60 px high lines, 10 px gaps."""
    words: list[OcrWord] = []
    for number, line in enumerate(lines):
        x, top = 40, 60 + number * 90
        for text in line:
            right = x + 22 * len(text)
            words.append(OcrWord(text, (x, top, right, top + 60), 95.0, 0, 0, number))
            x = right + 12
    image = EncodedImage(zlib.compress(b"\xff" * width * height), "FlateDecode", width, height, "L")
    return ocr_page(
        index=0,
        source=Path("blank.png"),
        width=width,
        height=height,
        dpi=dpi,
        words=tuple(words),
        text="",
        mean_confidence=95.0,
        image=image,
    )


def roundtrip(page: OcrPage, tmp_path: Path) -> str:
    out = tmp_path / "t.pdf"
    build_pdfa([page], DocumentMetadata(), out)
    return extract_text(out)


# --- encoding ------------------------------------------------------------------------


def test_clean_text_is_nfc_and_drops_what_cannot_be_a_cid() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert clean_text(decomposed) == "Quyết định"
    assert clean_text("Hạnh\u200dphúc\u00ad") == "Hạnhphúc"  # zero-width joiner, soft hyphen
    assert clean_text("a\u00a0b") == "a b"
    assert clean_text("số 😀") == "số \ufffd"  # outside the BMP: one CID cannot hold it


def test_every_vietnamese_letter_is_one_cid() -> None:
    for letter in vietnamese_letters():
        assert encode_cids(letter) == ord(letter).to_bytes(2, "big")


def parse_bfranges(cmap: bytes) -> list[tuple[int, int, int]]:
    return [
        (int(a, 16), int(b, 16), int(c, 16))
        for a, b, c in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})> <([0-9A-F]{4})>", cmap)
    ]


def test_to_unicode_maps_each_code_to_itself() -> None:
    cmap = to_unicode_cmap()
    ranges = parse_bfranges(cmap)

    def maps(code: int) -> int | None:
        for low, high, dest in ranges:
            if low <= code <= high:
                return dest + code - low
        return None

    for letter in [*vietnamese_letters(), " ", "-", "/", ":", "0", "9", "\ufffd"]:
        assert maps(ord(letter)) == ord(letter)
    # ISO 19005-2 6.2.11.7.2: never map to U+0000, U+FEFF or U+FFFE; no surrogates.
    for code in (0x0000, 0xFEFF, 0xFFFE, 0xD800, 0xDFFF):
        assert maps(code) is None
    # ISO 32000-1 9.10.3: a bfrange varies only its last byte, 100 entries per block.
    assert all(low >> 8 == high >> 8 for low, high, _ in ranges)
    assert all(int(n) <= 100 for n in re.findall(rb"(\d+) beginbfrange", cmap))


def test_glyphless_font_dictionary() -> None:
    pdf = pikepdf.new()
    font = add_glyphless_font(pdf)
    assert font.Subtype == pikepdf.Name.Type0 and font.Encoding == pikepdf.Name("/Identity-H")
    (cid_font,) = font.DescendantFonts
    assert cid_font.Subtype == pikepdf.Name.CIDFontType2 and int(cid_font.DW) == GLYPH_WIDTH
    gids = cid_font.CIDToGIDMap.read_bytes()
    assert len(gids) == 2 * 0x10000 and set(gids[0::2]) == {0} and set(gids[1::2]) == {1}
    descriptor = cid_font.FontDescriptor
    program = descriptor.FontFile2.read_bytes()
    assert int(descriptor.FontFile2.Length1) == len(program) == 572  # Tesseract's pdf.ttf


# --- geometry ------------------------------------------------------------------------


def run_ops(ops: bytes) -> list[tuple[str, float, float, float, float]]:
    """Interpret the text operators: (text, x, baseline, advance width, size) per Tj."""
    pdf = pikepdf.new()
    shown = []
    size = tz = 0.0
    x = line_x = baseline = 0.0
    for operands, operator in pikepdf.parse_content_stream(pikepdf.Stream(pdf, ops)):
        op = str(operator)
        if op == "Tf":
            size = float(operands[1])
        elif op == "Tm":
            line_x = x = float(operands[4])
            baseline = float(operands[5])
        elif op == "Td":
            line_x = x = line_x + float(operands[0])
        elif op == "Tz":
            tz = float(operands[0])
        elif op == "Tj":
            raw = bytes(operands[0])
            advance = len(raw) // 2 * GLYPH_WIDTH / 1000 * size * tz / 100
            shown.append((raw.decode("utf-16-be"), x, baseline, advance, size))
            x += advance
    return shown


def test_words_span_their_boxes_on_the_lines_baseline() -> None:
    page = blank_page([["Độc", "lập", "-", "Tự", "do"], ["Hạnh", "phúc"]])
    k = 72 / page.dpi
    shown = [s for s in run_ops(text_layer_ops(layout_lines(page), "F0")) if s[0] != " "]
    assert [s[0] for s in shown] == [w.text for w in page.words]
    for (_, x, baseline, advance, size), word in zip(shown, page.words, strict=True):
        left, top, right, bottom = word.box
        assert x == pytest.approx(left * k, abs=0.002)
        assert advance == pytest.approx((right - left) * k, abs=0.01)
        assert size == pytest.approx((bottom - top) * k, abs=0.002)  # glyph box = line box
        assert baseline == pytest.approx((page.height - bottom) * k, abs=0.002)


def test_spaces_fill_the_gaps_between_words() -> None:
    page = blank_page([["Quyết", "định", "số"]])
    shown = run_ops(text_layer_ops(layout_lines(page), "/F0"))
    assert [s[0] for s in shown] == ["Quyết", " ", "định", " ", "số"]
    for before, space, after in zip(shown[0::2], shown[1::2], shown[2::2], strict=False):
        assert space[1] == pytest.approx(before[1] + before[3], abs=0.01)
        assert space[1] + space[3] == pytest.approx(after[1], abs=0.01)


def test_text_layer_is_invisible_and_self_contained() -> None:
    ops = text_layer_ops(layout_lines(blank_page([["a"]])), "F0").decode()
    assert ops.startswith("q\nBT\n3 Tr\n") and ops.endswith("ET\nQ\n")
    assert text_layer_ops(layout_lines(blank_page([])), "F0") == b""


def test_line_font_size_comes_from_the_tallest_ordinary_box() -> None:
    page = blank_page([["ĐẮK", "LẮK"]])
    short, tall = page.words
    page = _replace_words(
        page, (short, OcrWord(tall.text, (tall.box[0], 40, tall.box[2], 130), 90.0, 0, 0, 0))
    )
    (line,) = layout_lines(page)
    assert line.size == pytest.approx(90 * 72 / 200)
    assert line.baseline == pytest.approx((page.height - 130) * 72 / 200)


def test_a_box_far_taller_than_its_line_does_not_set_its_height() -> None:
    """A seal fragment read as a word, two lines deep, must not stretch the line."""
    page = blank_page([["năm", "2018;", "đảm", "bảo"]])
    words = list(page.words)
    junk = words[0]
    words[0] = OcrWord("TM", (junk.box[0], junk.box[1], junk.box[2], junk.box[3] + 70), 27, 0, 0, 0)
    (line,) = layout_lines(_replace_words(page, tuple(words)))
    assert line.size == pytest.approx(60 * 72 / 200)


def _replace_words(page: OcrPage, words: tuple[OcrWord, ...]) -> OcrPage:
    return dataclasses.replace(page, words=words)


# --- what a reader gets back -------------------------------------------------------------


def test_every_vietnamese_letter_extracts_exactly(tmp_path: Path) -> None:
    letters = vietnamese_letters()
    words = ["".join(letters[i : i + 12]) for i in range(0, len(letters), 12)]
    lines = [words[i : i + 3] for i in range(0, len(words), 3)]
    text = roundtrip(blank_page(lines), tmp_path)
    assert text == "\n".join(" ".join(line) for line in lines)


def test_administrative_phrases_extract_identically(tmp_path: Path) -> None:
    phrases = ["Quyết định", "Độc lập - Tự do - Hạnh phúc", "ĐẮK LẮK", "ngày 05 tháng 02 năm 2024"]
    lines = [unicodedata.normalize("NFD", p).split() for p in phrases]  # OCR may give NFD
    page = blank_page(lines)
    assert text_layer_text(layout_lines(page)) == "\n".join(phrases)
    assert roundtrip(page, tmp_path) == "\n".join(phrases)


def test_touching_and_overlapping_boxes_still_give_separate_words(tmp_path: Path) -> None:
    page = blank_page([["Số:", "151/QĐ-STC"]])
    first, second = page.words
    overlap = OcrWord(second.text, (first.box[2] - 5, *second.box[1:]), 90.0, 0, 0, 0)
    assert roundtrip(_replace_words(page, (first, overlap)), tmp_path) == "Số: 151/QĐ-STC"


def test_boxes_outside_the_page_are_clamped(tmp_path: Path) -> None:
    page = blank_page([["Hạnh", "phúc"]])
    first, second = page.words
    outside = OcrWord(
        second.text, (second.box[0], -20, page.width + 300, second.box[3]), 90.0, 0, 0, 0
    )
    assert roundtrip(_replace_words(page, (first, outside)), tmp_path) == "Hạnh phúc"


def test_characters_outside_the_bmp_become_replacement_characters(tmp_path: Path) -> None:
    page = blank_page([["Mã", "𠀀1"]])
    assert roundtrip(page, tmp_path) == "Mã \ufffd1"


def test_ocr_junk_squeezed_into_a_few_pixels_extracts_whole(tmp_path: Path) -> None:
    """poppler keeps one of a character repeated < 0.1 em apart: each gets 0.15 em."""
    page = blank_page([["Số:", "x", "ngày"]])
    first, junk, last = page.words
    squeezed = OcrWord(
        "lllll", (junk.box[0], junk.box[1], junk.box[0] + 2, junk.box[3]), 20.0, 0, 0, 0
    )
    assert roundtrip(_replace_words(page, (first, squeezed, last)), tmp_path) == "Số: lllll ngày"


def _word(
    text: str, box: tuple[int, int, int, int], line: int, confidence: float = 90.0
) -> OcrWord:
    return OcrWord(text, box, confidence, 0, 0, line)


def test_junk_lying_over_a_word_extracts_as_words_of_their_own(tmp_path: Path) -> None:
    """OCR words overlapping on the page, out of order: pdftotext glued them ("vàˆ")."""
    page = blank_page([["quyền", "hạn", "và"]])
    last = page.words[-1]
    x1, top, bottom = last.box[2], last.box[1], last.box[3]
    marks = (_word("ˆ", (x1 - 11, top - 4, x1 + 3, bottom), 0, 72),
             _word("ˆ", (x1 - 15, top - 4, x1 + 4, bottom + 8), 0, 88))  # fmt: skip
    text = roundtrip(_replace_words(page, (*page.words, *marks)), tmp_path)
    assert text.split() == ["quyền", "hạn", "và", "ˆ", "ˆ"]


def test_a_tall_junk_word_does_not_interleave_two_lines(tmp_path: Path) -> None:
    """A box reaching into the next line made poppler read "trêntrênđịađịabànbàn"."""
    first = ["TM", "năm", "2018;", "trên", "địa", "bàn"]
    second = ["học", "2", "buổi/ngày;", "trên", "địa", "bàn"]
    page = blank_page([first, second])
    words = list(page.words)
    junk = words[0]
    words[0] = _word("TM", (junk.box[0], junk.box[1], junk.box[2], junk.box[3] + 75), 0, 27)
    text = roundtrip(_replace_words(page, tuple(words)), tmp_path)
    assert text == " ".join(first) + "\n" + " ".join(second)


def test_the_end_of_the_next_row_read_into_a_line_goes_to_that_row(tmp_path: Path) -> None:
    """Tesseract put the end of the next row ("để kịp", beside a stamp) into a
    line; drawn on that line's baseline, poppler interleaved the rows ("vàchuân")."""
    rows = [["và", "gửi", "về", "Cơ", "quan"], ["chuẩn", "bị", "họp", "Hội", "đồng"]]
    page = blank_page(rows)
    second = page.words[5].box
    tail = [_word(t, (500 + 90 * i, second[1], 580 + 90 * i, second[3]), 0)
            for i, t in enumerate(["để", "kịp"])]  # fmt: skip
    words = (*page.words[:5], *tail, *page.words[5:])
    text = roundtrip(_replace_words(page, words), tmp_path)
    assert text == "và gửi về Cơ quan\nchuẩn bị họp Hội đồng để kịp"


def test_a_row_read_twice_is_drawn_once(tmp_path: Path) -> None:
    """A second look read a speck under a word as a line of its own ("củax")."""
    page = blank_page([["năm", "2021", "của", "Chủ"]])
    of = page.words[2]
    again = _word("x", (of.box[2] - 8, of.box[1] + 2, of.box[2] - 2, of.box[3] - 1), 1, 61)
    text = roundtrip(_replace_words(page, (*page.words, again)), tmp_path)
    assert sorted(text.split()) == sorted(["năm", "2021", "của", "Chủ", "x"])


def test_words_pushed_past_the_page_edge_are_pulled_back(tmp_path: Path) -> None:
    """pdftotext drops what lies outside the page: nothing may be pushed there."""
    page = blank_page([["warehouses"]], width=600)
    first = page.words[0]
    twice = [
        _word("for", (560, first.box[1], 590, first.box[3]), 0),
        _word("for", (562, first.box[1], 598, first.box[3]), 0),
    ]
    text = roundtrip(_replace_words(page, (first, *twice)), tmp_path)
    assert text.split() == ["warehouses", "for", "for"]


def test_a_line_cut_in_two_where_it_touches_keeps_a_space(tmp_path: Path) -> None:
    """One row Tesseract cut into two lines that touch ("đùn,ø,")."""
    page = blank_page([["người", "tiêu", "dùng,"]])
    last = page.words[-1]
    rest = [_word("quản", (last.box[2], last.box[1] + 3, last.box[2] + 90, last.box[3] + 3), 1)]
    text = roundtrip(_replace_words(page, (*page.words, *rest)), tmp_path)
    assert text.split() == ["người", "tiêu", "dùng,", "quản"]
