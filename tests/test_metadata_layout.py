"""The pieces of the extractor: grammar tables, places, names, dates, layout zones.

Also the builder other metadata tests use: OcrPages straight from the sample
generator's layout (word boxes measured with the document's font), so that
many documents of every type can be checked without rendering or OCR.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from sohoa.metadata.dates import read_date_line
from sohoa.metadata.grammar import (
    abbreviations_like,
    fix_symbol_part,
    initials_options,
    type_name_from_heading,
)
from sohoa.metadata.layout import segments
from sohoa.metadata.lexicon import restore_pairs
from sohoa.metadata.names import read_person_name
from sohoa.metadata.numbers import read_number
from sohoa.metadata.places import match_place
from sohoa.metadata.syllables import is_syllable
from sohoa.metadata.vocab import fix_upper_word, match_position, split_glued
from sohoa.models import EncodedImage, OcrPage, OcrWord

_BLANK = EncodedImage(b"", "FlateDecode", 1, 1, "L")


# --- OcrPages from the generator's layout ----------------------------------------------------


@lru_cache(maxsize=64)
def _font(family: str, style: str, size_px: int) -> Any:
    from samples.fonts import load_font

    return load_font(family, style, size_px)  # type: ignore[arg-type]


def pages_from_spec(spec: Any) -> list[OcrPage]:
    """Every printed line of `spec` as OCR words with boxes, at the layout's 300 dpi."""
    from samples.layout import REF_DPI, layout_document

    out = []
    for index, page in enumerate(layout_document(spec)):
        words: list[OcrWord] = []
        for line_id, line in enumerate(page.lines):
            size = round(line.size_pt / 72 * REF_DPI)
            top, bottom = round(line.baseline - 0.75 * size), round(line.baseline + 0.2 * size)
            for run in line.runs:
                font = _font(spec.font, run.style, size)
                x = run.x
                for token in run.text.split():
                    width = font.getlength(token)
                    box = (round(x), top, round(x + width), bottom)
                    words.append(OcrWord(token, box, 93.0, 0, 0, line_id))
                    x += width + font.getlength(" ")
        width, height = round(210 / 25.4 * REF_DPI), round(297 / 25.4 * REF_DPI)
        out.append(
            OcrPage(
                index,
                Path("layout"),
                width,
                height,
                REF_DPI,
                False,
                0,
                0.0,
                tuple(words),
                "",
                93.0,
                _BLANK,
            )
        )
    return out


def truth_metadata(spec: Any) -> dict[str, Any]:
    from samples.layout import page_count
    from samples.writers import metadata

    return metadata(spec, page_count(spec))


# --- grammar ---------------------------------------------------------------------------------


def test_type_heading_tolerates_lost_diacritics_and_one_letter() -> None:
    assert type_name_from_heading("QUYẾT ĐỊNH").name == "Quyết định"  # type: ignore[union-attr]
    assert type_name_from_heading("QUYET DINH").name == "Quyết định"  # type: ignore[union-attr]
    assert type_name_from_heading("TỜ TRINH").name == "Tờ trình"  # type: ignore[union-attr]
    assert type_name_from_heading("ĐIỀU 1") is None
    assert type_name_from_heading("GIÁM ĐỐC SỞ TÀI CHÍNH") is None


def test_type_abbreviation_look_alikes() -> None:
    assert abbreviations_like("0Đ") == ["QĐ"]
    assert abbreviations_like("QĐ")[0] == "QĐ"
    assert "TTr" in abbreviations_like("TTR")
    assert abbreviations_like("HD")[0] == "HD"  # Hướng dẫn before Hợp đồng when read as HD


def test_symbols_are_letters_and_numbers_digits() -> None:
    assert fix_symbol_part("5TC") == ("STC", True)
    assert fix_symbol_part("UBND") == ("UBND", False)
    assert fix_symbol_part("PC06") == ("PC06", False)  # a police unit keeps its digits


def test_organ_initials_give_the_notation_part() -> None:
    assert initials_options("SỞ TÀI CHÍNH")[0] == "STC"
    assert initials_options("ỦY BAN NHÂN DÂN TỈNH GIA LAI")[0] == "UBND"
    assert "CAT" in initials_options("CÔNG AN TỈNH ĐẮK LẮK")
    assert initials_options("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")[0] == "STNMT"
    assert initials_options("SỞ GIÁO DỤC VÀ ĐÀO TẠO")[0] == "SGDĐT"


@pytest.mark.parametrize(
    ("tokens", "heading", "cong_van", "number", "notation"),
    [
        (["Số:", "151/QĐ-STC"], "QĐ", False, "151", "QĐ-STC"),
        (["Số:", "151/0Đ-5TC"], "QĐ", False, "151", "QĐ-STC"),
        (["Số:151/", "QĐ-", "STC"], "QĐ", False, "151", "QĐ-STC"),
        (["Số:", "1492/TI-SIC"], "TTr", False, "1492", "TTr-STC"),
        (["Số:", "05/BNV-VP"], None, True, "05", "BNV-VP"),
        (["Số:", "12/2021/QĐ-UBND"], "QĐ", False, "12", "2021/QĐ-UBND"),
        (["Số:", "977/TTr-CAT-PC06"], "TTr", False, "977", "TTr-CAT-PC06"),
    ],
)
def test_number_line(
    tokens: list[str], heading: str | None, cong_van: bool, number: str, notation: str
) -> None:
    organ = {"STC": "SỞ TÀI CHÍNH", "BNV": "BỘ NỘI VỤ", "UBND": "ỦY BAN NHÂN DÂN TỈNH X"}
    organ_name = next((v for k, v in organ.items() if k in notation), "CÔNG AN TỈNH ĐẮK LẮK")
    reading = read_number(
        tokens,
        type_abbreviation=heading,
        cong_van=cong_van,
        organ_abbreviations=initials_options(organ_name),
    )
    assert (reading.number, reading.notation) == (number, notation)


def test_number_without_its_slash_is_not_trusted() -> None:
    reading = read_number(["Số:", "15UOĐ-STC"], type_abbreviation="QĐ", cong_van=False)
    assert reading.number is None
    assert reading.notation == "QĐ-STC"


# --- dates, places, names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Gia Lai, ngày 31 tháng 5 năm 2021", date(2021, 5, 31)),
        ("Hà Nội, ngay 05 thang 02 nam 2024", date(2024, 2, 5)),
        ("Thanh Hóa, ngày 27 tháng II năm 2024", date(2024, 11, 27)),
        ("Hà Nội, ngày O5 tháng 02 năm 2O24", date(2024, 2, 5)),
        ("Quảng Nam, ngày18 tháng 9 năm 2023", date(2023, 9, 18)),
        ("Gia Lai, ngày 30 tháng 02 năm 2021", None),
        ("Gia Lai, ngày tháng 9 năm 2023", None),
    ],
)
def test_date_line(line: str, expected: date | None) -> None:
    reading = read_date_line(line.split())
    assert (reading.issued if reading else None) == expected


def test_places_with_lost_or_swapped_diacritics() -> None:
    assert match_place("Dak Lak").name == "Đắk Lắk"  # type: ignore[union-attr]
    assert match_place("Buon Ma Thuot").name == "Buôn Ma Thuột"  # type: ignore[union-attr]
    assert match_place("Đà Lat").name == "Đà Lạt"  # type: ignore[union-attr]
    assert match_place("Hồ Chí Minh").name in ("Hồ Chí Minh", "Thành phố Hồ Chí Minh")  # type: ignore[union-attr]
    assert match_place("Thanh pho Ho Chi Minh").name == "Thành phố Hồ Chí Minh"  # type: ignore[union-attr]
    assert match_place("Quang Nam").name == "Quảng Nam"  # type: ignore[union-attr]
    assert match_place("Pleiku").exact  # type: ignore[union-attr]
    assert match_place("Xyz") is None


def test_both_the_63_and_the_34_provinces_are_known() -> None:
    from sohoa.metadata.places import PROVINCES_AFTER_2025, PROVINCES_BEFORE_2025

    assert len(PROVINCES_BEFORE_2025) + 5 == 63
    assert len(PROVINCES_AFTER_2025) + 6 == 34
    for name in ("Bình Định", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Đắk Nông", "Hậu Giang"):
        assert match_place(name) is not None


def test_person_names() -> None:
    assert read_person_name(["Nguyễn", "Anh", "Dũng"]).name == "Nguyễn Anh Dũng"  # type: ignore[union-attr]
    assert read_person_name(["Nguyen", "Anh", "Dũng"]).name == "Nguyễn Anh Dũng"  # type: ignore[union-attr]
    assert read_person_name(["PHÓ", "GIÁM", "ĐỐC"]) is None  # upper case: a position
    assert read_person_name(["Xyzt", "Anh"]) is None  # no such family name
    assert read_person_name(["Trần", "Ngưyễmm"]) is None  # not a syllable


def test_syllables() -> None:
    assert is_syllable("Nguyễn") and is_syllable("khuyến") and is_syllable("đôn")
    assert not is_syllable("Ngưyễmm") and not is_syllable("tnh")


def test_upper_words_and_positions() -> None:
    from sohoa.metadata.organ import read_organ_words

    # TĨNH is a word (Hà Tĩnh); before a place it is the unit TỈNH.
    assert read_organ_words(["TĨNH", "NGHẸ", "AN"], [0.9] * 3).text == "TỈNH NGHỆ AN"
    assert fix_upper_word("NHAN").word == "NHÂN"
    assert split_glued("BANNHÂNDÂN") == ["BAN", "NHÂN", "DÂN"]
    assert match_position("PHO GLAM ĐOC").text == "PHÓ GIÁM ĐỐC"  # type: ignore[union-attr]
    assert match_position("THỦ TRƯỞNG", deputy=True).text == "THỨ TRƯỞNG"  # type: ignore[union-attr]


def test_lexicon_restores_swapped_tones_in_known_pairs_only() -> None:
    assert restore_pairs("đồn đốc thực hiện") == ("đôn đốc thực hiện", 1)
    assert restore_pairs("cấp cắn cước năm 2025") == ("cấp căn cước năm 2025", 1)
    assert restore_pairs("đồn biên phòng")[1] == 0


# --- layout -----------------------------------------------------------------------------------


def test_segments_split_lines_tesseract_merged_across_columns() -> None:
    words = (
        OcrWord("UBND", (486, 260, 635, 296), 90, 0, 0, 0),
        OcrWord("TỈNH", (652, 248, 779, 295), 90, 0, 0, 0),
        OcrWord("CỘNG", (1152, 248, 1310, 306), 90, 0, 0, 0),
        OcrWord("HÒA", (1326, 249, 1448, 296), 90, 0, 0, 0),
    )
    page = OcrPage(0, Path("x"), 2480, 3508, 300, False, 0, 0.0, words, "", 90, _BLANK)
    found = segments(page)
    assert [s.text for s in found] == ["UBND TỈNH", "CỘNG HÒA"]
