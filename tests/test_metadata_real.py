"""Failure classes of real papers (issue 10), each as a small case of its own.

Handwritten số and day, the place before `, ngày`, notations without a type
part, organ codes OCR read right, organ lines that start with a place-like
word. Pages are built from OcrWords laid out as Phụ lục I lays them out, or
rendered with the bundled Vietnamese font for the line recognizer.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from sohoa.metadata.dates import MonthYear, place_words_of, read_date_line
from sohoa.metadata.extract import extract_metadata
from sohoa.metadata.handwriting import (
    DigitsReading,
    choose_date,
    choose_number,
    date_part,
    number_reading,
    read_field_lines,
)
from sohoa.metadata.numbers import read_number
from sohoa.metadata.organ import read_organ_words
from sohoa.models import FieldLine, OcrWord
from sohoa.ocr.lines import LineRecognizer
from tests.factories import ocr_page

FONT = "sohoa/data/fonts/LiberationSerif-Vietnamese.ttf"


def _line(
    text: str, x: int, y: int, conf: float = 95.0, h: int = 40, line: int = 0
) -> list[OcrWord]:
    """The words of `text` from (x, y), 0.5 h per letter, a space of 0.5 h."""
    out = []
    for word in text.split():
        width = int(0.5 * h * len(word))
        out.append(OcrWord(word, (x, y, x + width, y + h), conf, 0, 0, line))
        x += width + h // 2
    return out


def _header(date_line: list[OcrWord], number_line: list[OcrWord]) -> list[OcrWord]:
    return [
        *_line("UBND TỈNH QUẢNG NGÃI", 250, 150, line=1),
        *_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150, line=2),
        *_line("SỞ TÀI CHÍNH", 300, 200, line=3),
        *_line("Độc lập - Tự do - Hạnh phúc", 1150, 200, line=4),
        *number_line,
        *date_line,
    ]


# --- the place before ", ngày" ----------------------------------------------------------


def test_a_place_ending_like_ngay_is_not_cut_at_it() -> None:
    """`Quảng Ngãi,` is one letter from `ngày`: with the day unreadable, the place was `Quảng`."""
    tokens = ["Quảng", "Ngãi,", "ngày", "â4", "tháng", "5", "năm", "2024"]
    assert read_date_line(tokens) is None
    assert place_words_of(tokens) == (0, 1)
    read = read_date_line(["Quảng", "Ngãi,", "ngày", "12", "tháng", "5", "năm", "2024"])
    assert read is not None and read.place_words == (0, 1) and read.issued == date(2024, 5, 12)


def test_a_handwritten_day_glued_to_its_words_keeps_the_place() -> None:
    assert place_words_of(["Cần", "Thơ,", "ngàycŠtháng", "10", "năm", "2025"]) == (0, 1)
    assert place_words_of(["Cần", "Thơ,", "ngày:1⁄+", "tháng1O", "năm", "2025"]) == (0, 1)
    # The body's `… ngày 12 …` has no place and no year at the end: not a date line.
    assert place_words_of(["Thực", "hiện,", "ngày", "nghỉ", "hè"]) is None


def test_place_of_a_page_whose_day_is_handwritten() -> None:
    page = ocr_page(
        width=2000,
        height=2800,
        words=_header(
            _line("Quảng Ngãi, ngày â4 tháng 5 năm 2024", 1050, 300, line=5),
            _line("Số: 151/STC-NS", 300, 300, line=6),
        ),
    )
    metadata = extract_metadata([page])
    assert metadata.place == "Quảng Ngãi"
    assert metadata.issued_date is None  # the day was not read: null, not a guess


# --- the handwritten number and day ---------------------------------------------------------


def _digits(text: str, p: float) -> FieldLine:
    return FieldLine("number", "digits", text, tuple(p for _ in text))


def test_a_handwritten_number_needs_both_readings_to_agree() -> None:
    line = FieldLine("number", "line", "So: 572 /UBND-VP", (0.9,) * 16)
    page = ocr_page(field_lines=(line, _digits("572", 0.95)))
    assert number_reading(page) == DigitsReading("572", 0.925)  # each digit: the mean of two
    assert number_reading(ocr_page(field_lines=(line, _digits("512", 0.95)))) is None
    assert number_reading(ocr_page(field_lines=(line, _digits("57Z", 0.95)))) is None
    assert number_reading(ocr_page(field_lines=(line,))) is None


def test_a_number_never_mixes_a_partial_printed_reading_with_a_guess() -> None:
    # Tesseract read 54 of a handwritten 572 at 55%: not print, and nothing else agrees.
    assert choose_number("54", 0.7, 0.55, None) == (None, 0.0)
    # The recognizer's reading, sure enough, is taken whole.
    assert choose_number("54", 0.7, 0.55, DigitsReading("572", 0.9)) == ("572", 0.9)
    # One digit alone is a part of a number (numbers below 10 are written 01–09).
    assert choose_number(None, 0.0, 0.0, DigitsReading("5", 0.99)) == (None, 0.0)
    # Unsure readings give nothing.
    assert choose_number(None, 0.0, 0.0, DigitsReading("572", 0.6)) == (None, 0.0)
    # Print read whole stays; agreement makes it surer.
    assert choose_number("151", 0.9, 0.95, None) == ("151", 0.9)
    number, score = choose_number("151", 0.9, 0.95, DigitsReading("151", 0.9))
    assert number == "151" and score > 0.9


def test_a_handwritten_day_completes_the_printed_month_and_year() -> None:
    printed = MonthYear(5, 0.97, 2019, 0.97)
    found = choose_date(None, printed, DigitsReading("31", 0.9), None)
    assert found == (date(2019, 5, 31), 0.9)
    # Days below 10 carry a leading zero: a lone handwritten digit is a part of the day.
    assert choose_date(None, printed, DigitsReading("8", 0.99), None) is None
    assert choose_date(None, printed, DigitsReading("31", 0.5), None) is None
    # A handwritten month must agree with a printed one.
    assert choose_date(None, printed, DigitsReading("31", 0.9), DigitsReading("6", 0.9)) is None
    # No month at all: no date.
    assert choose_date(None, MonthYear(None, 0, 2019, 0.97), DigitsReading("31", 0.9), None) is None


def test_the_recognizer_reads_a_rendered_number_line() -> None:
    image = Image.new("L", (900, 80), 255)
    ImageDraw.Draw(image).text((20, 15), "Số: 572/UBND-VP", font=ImageFont.truetype(FONT, 44))
    reading = LineRecognizer().read(image)
    assert "572/UBND-VP" in reading.text
    assert len(reading.probabilities) == len(reading.text) == len(reading.positions)
    assert all(
        0.5 < p <= 1.0
        for p, c in zip(reading.probabilities, reading.text, strict=True)
        if c.isdigit()
    )
    assert list(reading.positions) == sorted(reading.positions)


def test_field_lines_are_found_by_layout_and_read_again() -> None:
    """The number and the day are cropped where the header puts them and read twice."""
    width, height = 2000, 2800
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    lines = {
        "UBND TỈNH QUẢNG NGÃI": (250, 150),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": (1000, 150),
        "SỞ TÀI CHÍNH": (300, 200),
        "Độc lập - Tự do - Hạnh phúc": (1150, 200),
        "Số: 572 /STC-NS": (300, 300),
        "Quảng Ngãi, ngày 31 tháng 05 năm 2024": (1000, 300),
    }
    words: list[OcrWord] = []
    for number, (text, (x, y)) in enumerate(lines.items()):
        for word in text.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font)
            # Tesseract lost the number and the day: their words are not in the OCR.
            if word not in ("572", "31"):
                words.append(OcrWord(word, (left, top, right, bottom), 95, 0, 0, number))
            x = right + 12
    page = ocr_page(width=width, height=height, words=words)
    page = ocr_page(
        width=width, height=height, words=words, field_lines=read_field_lines(image, page)
    )
    crops = {(f.field, f.crop) for f in page.field_lines}
    assert {("number", "line"), ("number", "digits"), ("date", "line"), ("date", "day")} <= crops
    number = number_reading(page)
    day = date_part(page, "day")
    assert number is not None and number.digits == "572"
    assert day is not None and day.digits == "31"
    metadata = extract_metadata([page])
    assert metadata.code_number == "572" and metadata.code_notation == "STC-NS"
    assert metadata.issued_date == date(2024, 5, 31)


# --- notations and organs -------------------------------------------------------------------


def test_a_notation_without_a_type_part() -> None:
    """`519/SNV-TCCC` on a Tờ trình, `2317/STC-QLGCS` of a công văn: the organ's part alone."""
    tt = read_number(["Số:", "519/SNV-TCCC"], type_abbreviation="TTr", cong_van=False)
    assert (tt.number, tt.notation) == ("519", "SNV-TCCC")
    cv = read_number(["Số:", "2317/STC-QLGCS"], type_abbreviation=None, cong_van=True)
    assert (cv.number, cv.notation) == ("2317", "STC-QLGCS")
    # A type part that names another type is still a disagreement, not a free notation.
    qd = read_number(["Số:", "15/QĐ-STC"], type_abbreviation="TTr", cong_van=False)
    assert qd.notation is None and qd.disagrees


def test_an_organ_code_read_right_is_not_lengthened_to_the_initials() -> None:
    found = read_number(
        ["Số:", "1135/ĐHTĐ"], type_abbreviation=None, cong_van=True, organ_abbreviations=["TĐHTĐ"]
    )
    assert found.notation == "ĐHTĐ"
    fixed = read_number(
        ["Số:", "15/5TC-NS"], type_abbreviation=None, cong_van=True, organ_abbreviations=["STC"]
    )
    assert fixed.notation == "STC-NS"


def test_an_organ_line_starts_with_an_organ_word_not_a_place_word() -> None:
    line = read_organ_words(["PHONG", "AN", "NINH", "CHÍNH", "TRỊ"], [0.9] * 5)
    assert line.text.startswith("PHÒNG AN NINH")


def test_a_number_without_its_notation_is_not_given() -> None:
    page = ocr_page(
        width=2000,
        height=2800,
        words=_header(
            _line("Quảng Ngãi, ngày 12 tháng 05 năm 2024", 1050, 300, line=5),
            _line("Số: 151/§¤", 300, 300, line=6),
        ),
    )
    metadata = extract_metadata([page])
    assert metadata.code_notation is None
    assert metadata.code_number is None
    assert metadata.issued_date == date(2024, 5, 12)


# --- headings, trích yếu, organs and signers of real papers -------------------------------


def test_old_and_collective_headings_name_the_type() -> None:
    from sohoa.metadata.grammar import type_name_from_heading

    for heading, name in (
        ("QUYẾT ĐỊNH CỦA UỶ BAN NHÂN DÂN TỈNH", "Quyết định"),  # 1999
        ("NGHỊ QUYẾT CỦA HỘI ĐỒNG QUẢN LÝ QUỸ", "Nghị quyết"),
        ("THÔNG TƯ", "Thông tư"),  # a legal normative document: `08/2023/TT-BTC`
        (",DUYÉT ĐỊNH", "Quyết định"),  # a stamp's ink before it, one letter misread
    ):
        found = type_name_from_heading(heading)
        assert found is not None and found.name == name, heading
    assert type_name_from_heading("CỦA HỘI ĐỒNG") is None


def _page(lines: list[tuple[str, int, int]], width: int = 2000, height: int = 2800) -> Any:
    words: list[OcrWord] = []
    for number, (text, x, y) in enumerate(lines):
        words += _line(text, x, y, line=number)
    return ocr_page(width=width, height=height, words=words)


def _top() -> list[tuple[str, int, int]]:
    return [
        ("BỘ TÀI CHÍNH", 330, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Số: 08/2023/TT-BTC", 300, 300),
        ("Hà Nội, ngày 07 tháng 02 năm 2023", 1050, 300),
    ]


def test_a_long_trich_yeu_keeps_its_wide_lines_and_stops_at_the_body() -> None:
    """Five lines naming the repealed text in full, as wide as the body; then `Căn cứ`."""
    subject = [
        "Bãi bỏ Thông tư số 86/2016/TT-BTC ngày 20 tháng 6 năm 2016 của",
        "Bộ trưởng Bộ Tài chính hướng dẫn một số nội dung về Quỹ dự phòng",
        "rủi ro bồi thường thiệt hại về môi trường theo quy định tại Nghị",
        "định số 19/2015/NĐ-CP ngày 14 tháng 2 năm 2015 của Chính phủ",
        "quy định chi tiết thi hành Luật",
    ]
    lines = [*_top(), ("THÔNG TƯ", 920, 500)]
    for i, text in enumerate(subject):
        width = int(0.5 * 40 * len(text.replace(" ", ""))) + 20 * (len(text.split()) - 1)
        lines.append((text, 1000 - width // 2, 560 + 50 * i))
    lines.append(("Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6", 420, 900))
    metadata = extract_metadata([_page(lines)])
    assert metadata.type_name == "Thông tư"
    assert metadata.subject == " ".join(subject)


def test_a_trich_yeu_in_parentheses_under_a_collective_heading() -> None:
    lines = [
        *_top()[:3],
        ("Số: 01/NQ-HĐQLQ", 300, 300),
        ("Bình Thuận, ngày 18 tháng 02 năm 2025", 1050, 300),
        ("NGHỊ QUYẾT CỦA HỘI ĐỒNG QUẢN LÝ QUỸ", 640, 500),
        ("KHUYẾN HỌC TỈNH BÌNH THUẬN", 730, 545),
        ("(Về việc sửa đổi Điều lệ Quỹ)", 720, 595),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.type_name == "Nghị quyết"
    assert metadata.subject == "Về việc sửa đổi Điều lệ Quỹ"


def test_a_trich_yeu_cut_in_the_middle_of_a_phrase_is_not_given() -> None:
    from sohoa.metadata.title import _ending

    assert _ending("Quy định chức năng, nhiệm quyền hạn và") == 0.5
    assert _ending("Quy định chức năng, nhiệm vụ của Sở Công Thương") == 1.0


def test_vv_under_a_pen_mark_and_without_a_number_line() -> None:
    lines = [
        ("BỘ XÂY DỰNG", 330, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Hà Nội, ngày 06 tháng 02 năm 2023", 1050, 300),
        ("V/v góp ý dự thảo Quy trình", 240, 380),
        ("làm sạch dữ liệu đất đai", 260, 425),
        ("Kính gửi: Bộ Tài chính", 700, 600),
    ]
    metadata = extract_metadata([_page(lines)])  # no `Số:` line: the number was handwritten
    assert metadata.organ_name == "BỘ XÂY DỰNG"
    assert metadata.type_name == "Công văn"
    assert metadata.subject == "góp ý dự thảo Quy trình làm sạch dữ liệu đất đai"


def test_organ_words_resolved_by_the_phrase_they_make() -> None:
    line = read_organ_words(["CONG", "AN", "TINH", "DAK", "LAK"], [0.9] * 5)
    assert line.text == "CÔNG AN TỈNH ĐẮK LẮK" and line.score >= 0.65


def test_a_unit_word_ending_a_parent_line_does_not_take_the_next_organ() -> None:
    from sohoa.metadata.organ import split_organs

    organs = split_organs(
        [
            read_organ_words(["HỘI", "KHUYẾN", "HỌC", "TỈNH"], [0.9] * 4),
            read_organ_words(["HỘI", "ĐỒNG", "QL", "QUỸ", "KHUYẾN", "HỌC"], [0.9] * 6),
        ]
    )
    assert (organs.parent, organs.organ) == ("HỘI KHUYẾN HỌC TỈNH", "HỘI ĐỒNG QL QUỸ KHUYẾN HỌC")
    # A place after the unit still continues the line above it.
    joined = split_organs(
        [
            read_organ_words(["CÔNG", "AN", "TỈNH"], [0.9] * 3),
            read_organ_words(["ĐẮK", "LẮK"], [0.9] * 2),
        ]
    )
    assert joined.organ == "CÔNG AN TỈNH ĐẮK LẮK"


def test_a_rank_before_the_signer_is_not_part_of_the_name() -> None:
    from sohoa.metadata.names import read_person_name

    found = read_person_name(["Trung", "tá", "Ngô", "Văn", "Công"])
    assert found is not None and found.name == "Ngô Văn Công"
    found = read_person_name(["Thiếu", "tướng", "Nguyễn", "Văn", "Long"])
    assert found is not None and found.name == "Nguyễn Văn Long"


def test_the_signer_of_a_letter_before_its_appendix() -> None:
    """A one-page letter and a Phụ lục of several pages: the signer is on page 1."""
    letter = _page(
        [
            *_top(),
            ("Nơi nhận:", 260, 1600),
            ("KT. BỘ TRƯỞNG", 1150, 1600),
            ("- Như trên;", 260, 1650),
            ("THỨ TRƯỞNG", 1160, 1650),
            ("- Lưu: VT.", 260, 1700),
            ("Cao Anh Tuấn", 1160, 1900),
        ]
    )
    appendix = [
        _page(
            [
                (f"{i}. Nội dung thực hiện theo kế hoạch của các sở ngành", 300, 300 + 60 * i)
                for i in range(20)
            ]
        )
        for _ in range(3)
    ]
    appendix = [dataclasses.replace(p, index=i + 1) for i, p in enumerate(appendix)]
    metadata = extract_metadata([letter, *appendix])
    assert metadata.signer_full_name == "Cao Anh Tuấn"
    assert metadata.signer_position == "THỨ TRƯỞNG"


def test_a_footnote_under_the_signature_is_not_the_end_of_the_body() -> None:
    """`Nơi nhận:` misread, and a footnote (a wide line) at the foot of the page."""
    body = "Kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định các nội dung"
    page = _page(
        [
            *_top(),
            (body, 200, 1500),
            ("tmee-se)", 260, 1600),
            ("GIÁM ĐỐC", 1160, 1600),
            ("- Như trên;", 260, 1650),
            ("- Lưu: VT.", 260, 1700),
            ("Đỗ Văn Chung", 1150, 1900),
            (
                "1 Nghị định số 126/2024/NĐ-CP ngày 08/10/2024 của Chính phủ quy định về hội",
                200,
                2600,
            ),
        ]
    )
    metadata = extract_metadata([page])
    assert metadata.signer_full_name == "Đỗ Văn Chung"
    assert metadata.signer_position == "GIÁM ĐỐC"


def test_the_notation_is_checked_by_the_second_reader() -> None:
    """Tesseract lost the ký hiệu (`/§GDĐT-CTYTT`); the recognizer read `SGDDT-CTrTT`
    without diacritics: the organ's initials give its Đ back."""
    lines = [
        ("UBND THÀNH PHỐ ĐÀ NẴNG", 230, 150),
        ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", 230, 200),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Đà Nẵng, ngày 26 tháng 7 năm 2020", 1050, 300),
        ("V/v phòng chống dịch bệnh", 240, 360),
    ]
    page = _page(lines)
    words = [*page.words, *_line("Số: 1906 /§GDĐ-CTYTT", 300, 300, conf=40, line=99)]
    number_line = FieldLine("number", "line", "S:1906/SGDDT-CTrTT", (0.97,) * 18)
    digits = FieldLine("number", "digits", "1906", (0.99,) * 4)
    page = dataclasses.replace(page, words=tuple(words), field_lines=(number_line, digits))
    metadata = extract_metadata([page])
    assert (metadata.code_number, metadata.code_notation) == ("1906", "SGDĐT-CTrTT")
    # A part the grammar cannot vouch for, with a D (Đ or D?), is not taken from it.
    other = FieldLine("number", "line", "S:1906/SGDDT-PDT", (0.97,) * 16)
    page = dataclasses.replace(page, field_lines=(other, digits))
    assert extract_metadata([page]).code_notation is None


def test_a_unit_named_by_what_it_is_under_its_parent() -> None:
    from sohoa.metadata.organ import split_organs

    organs = split_organs(
        [
            read_organ_words(["BỘ", "TƯ", "PHÁP"], [0.93] * 3),
            read_organ_words(["VĂN", "PHÒNG"], [0.96] * 2),
        ]
    )
    assert (organs.parent, organs.organ) == ("BỘ TƯ PHÁP", "VĂN PHÒNG")
    assert organs.organ_score >= 0.9
    # Alone, with no parent line above, `VĂN PHÒNG` is a name cut short.
    alone = split_organs([read_organ_words(["VĂN", "PHÒNG"], [0.96] * 2)])
    assert alone.organ_score < 0.5


def test_stamp_ink_before_the_organ_name_is_not_part_of_it() -> None:
    from sohoa.metadata.layout import Segment
    from sohoa.metadata.organ import read_organ_line

    words = _line("TT” SỞ TƯ PHÁP", 280, 190)
    words[0] = dataclasses.replace(words[0], confidence=0.0)
    line = read_organ_line(Segment(tuple(words)))
    assert line is not None and line.text == "SỞ TƯ PHÁP" and line.score > 0.8


def test_a_signer_name_with_a_misread_tone_is_not_given() -> None:
    """`Vịnh` is a syllable, but the names say Vinh or Vĩnh: a stacked mark misread."""
    from sohoa.metadata.names import read_person_name

    found = read_person_name(["Hoàng", "Thanh", "Vịnh"])
    assert found is not None and found.score < 0.5
    sure = read_person_name(["Hoàng", "Thanh", "Vinh"])
    assert sure is not None and sure.score == 1.0


def test_a_doubled_letter_in_the_organ_part_is_put_right() -> None:
    found = read_number(
        ["Số:", "12/BC-CATT-PC06"],
        type_abbreviation="BC",
        cong_van=False,
        organ_abbreviations=["CA", "CAT"],
    )
    assert found.notation == "BC-CAT-PC06"


def test_a_cong_van_whose_vv_was_lost_by_its_layout() -> None:
    """No heading, a notation without a type part, prose under the number: a công văn."""
    lines = [
        ("TRƯỜNG ĐẠI HỌC TÂY ĐÔ", 250, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Số: 1135/ĐHTĐ", 330, 300),
        ("Cần Thơ, ngày 24 tháng 10 năm 2025", 1050, 300),
        ("Góp ý dự thảo Quy chế văn bằng,", 260, 345),
        ("Kính gửi: Cục Quản lý chất lượng", 600, 600),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.code_notation == "ĐHTĐ"
    assert metadata.type_name == "Công văn"
    assert metadata.needs_review  # inferred, not read: a clerk confirms it


def test_a_trich_yeu_with_a_line_it_could_not_take_is_not_given() -> None:
    """A stamp merged into the trích yếu's second line: the line at the subject's pitch
    that was not taken means the subject may be cut; a clean one ends before the body."""
    top = [*_top(), ("QUYẾT ĐỊNH", 900, 500)]
    cut = [
        *top,
        ("Bãi bỏ toàn bộ Quyết định số 78/2010/QĐ-TTg ngày 30 tháng 11", 380, 560),
        ("CÔNG THÔNG TIN ĐIỆN phổ a Thủ tướng Chính phủ về mức giá trị", 40, 605),
    ]
    assert extract_metadata([_page(cut)]).subject is None
    whole = [
        *top,
        ("Bãi bỏ toàn bộ Quyết định số 78/2010/QĐ-TTg", 560, 560),
        ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015", 420, 700),
    ]
    assert extract_metadata([_page(whole)]).subject == "Bãi bỏ toàn bộ Quyết định số 78/2010/QĐ-TTg"


def _organ(text: str, y: int) -> Any:
    from sohoa.metadata.layout import Segment
    from sohoa.metadata.organ import read_organ_line

    return read_organ_line(Segment(tuple(_line(text, 200, y))))


def test_an_organ_name_with_a_hyphen_is_not_cut_at_it() -> None:
    from sohoa.metadata.organ import split_organs

    whole = _organ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", 200)
    assert whole.text == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    for first in ("SỞ LAO ĐỘNG -", "SỞ LAO ĐỘNG-"):  # the dash ends the line: it goes on
        organs = split_organs(
            [
                _organ("UBND TỈNH QUẢNG NAM", 150),
                _organ(first, 200),
                _organ("THƯƠNG BINH VÀ XÃ HỘI", 250),
            ]
        )
        assert (organs.parent, organs.organ) == (
            "UBND TỈNH QUẢNG NAM",
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        )
    # A dash before the name is a speck, not part of it.
    assert _organ("- SỞ TÀI CHÍNH", 200).text == "SỞ TÀI CHÍNH"


def test_a_ban_chi_dao_as_the_organ() -> None:
    from sohoa.metadata.organ import split_organs

    organs = split_organs([_organ("UBND TỈNH QUẢNG NAM", 150), _organ("BAN CHỈ ĐẠO 389", 200)])
    assert (organs.parent, organs.organ) == ("UBND TỈNH QUẢNG NAM", "BAN CHỈ ĐẠO 389")
    assert organs.organ_score >= 0.65


def test_vv_read_as_w_is_still_the_subject_label() -> None:
    lines = [
        ("CÔNG AN TP ĐÀ NẴNG", 240, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("PHÒNG AN NINH CHÍNH TRỊ NỘI BỘ", 150, 200),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Số: 115/CV-PA83", 330, 300),
        ("Đà Nẵng, ngày 26 tháng 4 năm 2018", 1050, 300),
        ("w thông báo hoạt động của tà đạo", 200, 345),
        ("Kính gửi: Sở Giáo dục và Đào tạo", 600, 600),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.type_name == "Công văn"
    assert metadata.subject == "thông báo hoạt động của tà đạo"


def test_vv_read_with_a_fraction_slash_is_still_the_subject_label() -> None:
    # Tesseract gives `V⁄` (U+2044 FRACTION SLASH) for a slanted `V/v`; the engine's
    # text is normalised before anything reads it, and the slash is a solidus again.
    from sohoa.ocr.engine import nfc

    lines = [
        ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", 150, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("TRƯỜNG ĐẠI HỌC TÂY ĐÔ", 160, 200),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        (nfc("Số: 1135⁄ĐHTĐ"), 330, 300),
        ("Cần Thơ, ngày 24 tháng 10 năm 2025", 1050, 300),
        (nfc("V⁄ Góp ý dự thảo Quy chế văn bằng,"), 170, 345),
        ("chứng chỉ của hệ thống GDQD", 200, 390),
        ("Kính gửi: Cục Quản lý chất lượng", 600, 600),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.type_name == "Công văn"
    assert metadata.code_notation == "ĐHTĐ"
    assert metadata.subject == "Góp ý dự thảo Quy chế văn bằng, chứng chỉ của hệ thống GDQD"


def _organ_top(organ: str, parent: str, number: str, date_line: str) -> list[tuple[str, int, int]]:
    return [
        (parent, 200, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        (organ, 220, 200),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        (number, 300, 300),
        (date_line, 1050, 300),
        ("V/v khẩn trương thực hiện các biện pháp", 200, 345),
        ("Kính gửi: Các trường trực thuộc Sở", 600, 600),
    ]


def test_a_place_spoiled_after_its_first_syllable_is_the_organs() -> None:
    lines = _organ_top(
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND THÀNH PHỐ ĐÀ NẴNG",
        "Số: 1906/SGDĐT-CTTT",
        "Đà v ngày 26 tháng 7 năm 2020",
    )
    metadata = extract_metadata([_page(lines)])
    assert metadata.place == "Đà Nẵng"
    assert metadata.issued_date == date(2020, 7, 26)
    # Another first syllable is not completed from the organ line.
    lines[5] = ("Hà v ngày 26 tháng 7 năm 2020", 1050, 300)
    assert extract_metadata([_page(lines)]).place is None


def test_the_place_word_ocr_set_on_a_line_of_its_own() -> None:
    # A low-resolution scan: OCR put `Đà` on a line of its own, a little lower, and
    # `v ngày …` (`Nẵng,` spoiled) at the end of the organ's line.
    lines = _organ_top(
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND THÀNH PHỐ ĐÀ NẴNG",
        "Số: 1906/SGDĐT-CTTT",
        "v ngày 26 tháng 7 năm 2020",
    )
    lines[5] = ("v ngày 26 tháng 7 năm 2020", 1110, 300)
    lines.insert(6, ("Đà", 1060, 330))
    metadata = extract_metadata([_page(lines)])
    assert metadata.place == "Đà Nẵng"
    assert metadata.issued_date == date(2020, 7, 26)


def test_the_place_of_a_date_line_whose_ngay_was_written_over() -> None:
    lines = _organ_top(
        "CƠ QUAN THƯỜNG TRỰC HĐTĐ",
        "HỘI ĐỒNG THẨM ĐỊNH QUY HOẠCH",
        "Số: 4240/CQTT",
        "Hà Nội nữ iếntieifDrfui6ƒ",
    )
    metadata = extract_metadata([_page(lines)])
    assert metadata.place == "Hà Nội"
    assert metadata.issued_date is None
    # A line that does not open with a place we know gives none.
    lines[5] = ("Hà Nộ nữ iếntieifDrfui6ƒ", 1050, 300)
    assert extract_metadata([_page(lines)]).place is None


def test_a_day_glued_to_thang() -> None:
    """`ngày 26tháng 7 năm 2020`, typed without a space (read off a low-resolution page)."""
    found = read_date_line(["Đà", "Nẵng,", "ngày", "26tháng", "7", "năm", "2020"])
    assert found is not None and found.issued == date(2020, 7, 26) and found.place_words == (0, 1)


# --- words that are no syllable of Vietnamese, set phrases, a trích yếu without V/v -------


def test_a_mark_misread_into_no_syllable_is_put_back_when_one_syllable_is_that_close() -> None:
    """`địp` is no syllable: `dịp` is one mark away (the đ's stroke); `díp` is two."""
    from sohoa.metadata.dictionary import check_text, known, restore

    assert known("dịp") and known("Ủy") and known("hóa") and known("Huế")  # placements, names
    assert known("địp") is False
    assert restore("địp") == "dịp" and restore("Địp") == "Dịp"
    text, fixed, unknown = check_text("bảo đảm TTATGT cho HS, SV trong địp nghỉ hè")
    assert (text, fixed, unknown) == ("bảo đảm TTATGT cho HS, SV trong dịp nghỉ hè", 1, 0)
    # Abbreviations, numbers and foreign words are not the dictionary's to judge.
    assert check_text("seminar cấp Khoa/Bộ môn COVID-19 năm 2024") == (
        "seminar cấp Khoa/Bộ môn COVID-19 năm 2024",
        0,
        0,
    )


def _centred(text: str, y: int) -> tuple[str, int, int]:
    width = int(0.5 * 40 * len(text.replace(" ", ""))) + 20 * (len(text.split()) - 1)
    return (text, 1000 - width // 2, y)


def test_a_subject_with_a_word_that_is_no_syllable_is_not_given() -> None:
    heading = _centred("THÔNG TƯ", 500)
    spoiled = [*_top(), heading, _centred("Bãi bỏ Thông tư về Quỹ dự phòng rủi rõo", 560)]
    metadata = extract_metadata([_page(spoiled)])
    assert metadata.type_name == "Thông tư"
    assert metadata.subject is None  # `rõo`: nobody can say what was printed
    fixed = [*_top(), heading, _centred("Bãi bỏ Thông tư trong địp nghỉ hè", 560)]
    assert extract_metadata([_page(fixed)]).subject == "Bãi bỏ Thông tư trong dịp nghỉ hè"


def test_a_signer_name_with_no_syllable_of_vietnamese_is_not_given() -> None:
    from sohoa.metadata.names import read_person_name

    found = read_person_name(["Thái", "Đoên", "Thanh"])  # a script stamp read: `Doãn`
    assert found is not None and found.score < 0.5
    rare = read_person_name(["Nguyễn", "Văn", "Khoái"])  # a real syllable the lists lack
    assert rare is not None and rare.score >= 0.5


def test_a_set_phrase_decides_between_two_words() -> None:
    """`chi tiêu` (spending) and `chỉ tiêu` (target) are both words: the phrase tells."""
    from sohoa.metadata.lexicon import restore_pairs

    assert restore_pairs("Quy chế chỉ tiêu nội bộ của Văn phòng") == (
        "Quy chế chi tiêu nội bộ của Văn phòng",
        1,
    )
    assert restore_pairs("giao chỉ tiêu biên chế năm 2024") == (
        "giao chỉ tiêu biên chế năm 2024",
        0,
    )
    assert restore_pairs("chứng chỉ của hệ thông giáo dục") == (
        "chứng chỉ của hệ thống giáo dục",
        1,
    )


def test_the_trich_yeu_of_a_cong_van_printed_without_vv() -> None:
    lines = [
        ("TRƯỜNG ĐẠI HỌC TÂY ĐÔ", 250, 150),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 150),
        ("Độc lập - Tự do - Hạnh phúc", 1150, 200),
        ("Số: 1135/ĐHTĐ", 330, 300),
        ("Cần Thơ, ngày 24 tháng 10 năm 2025", 1050, 300),
        ("Góp ý dự thảo Quy chế văn bằng,", 260, 345),
        ("chứng chỉ của hệ thông GDQD", 280, 390),
        ("Kính gửi: Cục Quản lý chất lượng", 600, 600),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.type_name == "Công văn"
    assert metadata.subject == "Góp ý dự thảo Quy chế văn bằng, chứng chỉ của hệ thống GDQD"
    assert metadata.needs_review and metadata.confidence["subject"] < 0.9  # found by place


# --- the signer's name read again; two recognizers; two signers ----------------------------


def _signer_page(draw_name: bool, seal: bool) -> tuple[Image.Image, Any]:
    """A last page: `Nơi nhận:` and `KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC` read by Tesseract; the name
    under a signature stroke and a grey seal ring, which Tesseract did not read."""
    width, height = 2000, 2800
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    words: list[OcrWord] = []
    for number, (text, x, y) in enumerate(
        [
            ("Nơi nhận:", 260, 1600),
            ("KT. GIÁM ĐỐC", 1250, 1600),
            ("- Như trên;", 260, 1660),
            ("PHÓ GIÁM ĐỐC", 1230, 1660),
            ("- Lưu: VT.", 260, 1720),
        ]
    ):
        for word in text.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font)
            words.append(OcrWord(word, (left, top, right, bottom), 95, 0, 0, number))
            x = right + 14
    if seal:
        draw.ellipse((1180, 1720, 1620, 2160), outline=170, width=14)  # the seal, dropped to grey
        draw.line((1150, 1930, 1700, 1860), fill=20, width=6)  # a signature stroke
    if draw_name:
        draw.text((1230, 2060), "Lê Trung Chinh", font=font, fill=0)
    return image, ocr_page(width=width, height=height, words=words, index=1)


def test_the_name_under_a_seal_is_read_again_and_given_as_a_vietnamese_name() -> None:
    image, page = _signer_page(draw_name=True, seal=True)
    lines = read_field_lines(image, page)
    assert [(f.field, f.crop, f.reader) for f in lines] == [("signer", "name", "aster")]
    first = ocr_page(width=2000, height=2800, words=_header([], _line("Số: 15/STC", 300, 300)))
    page = dataclasses.replace(page, field_lines=lines)
    metadata = extract_metadata([first, page])
    assert metadata.signer_full_name == "Lê Trung Chinh"
    assert metadata.signer_position == "PHÓ GIÁM ĐỐC"
    # No name under the block (a red stamp the cleanup dropped): nothing read, nothing given.
    image, page = _signer_page(draw_name=False, seal=True)
    page = dataclasses.replace(page, field_lines=read_field_lines(image, page))
    assert extract_metadata([first, page]).signer_full_name is None


def test_a_reread_name_is_given_only_as_a_vietnamese_name_as_sure_as_its_letters() -> None:
    from sohoa.metadata.extract import Field, _full_name
    from sohoa.metadata.signer_lines import name_from_lines

    def page(text: str, p: float) -> Any:
        return ocr_page(field_lines=(FieldLine("signer", "name", text, (p,) * len(text), "aster"),))

    assert name_from_lines(page("Gần Lông Luận", 0.99)) is None  # a script stamp misread
    found = name_from_lines(page("Thếu Mồng Nguyễn Văn Long", 0.95))  # rank spoiled, name clean
    assert found is not None and found[0] == "Nguyễn Văn Long" and found[1] > 0.9
    unsure = name_from_lines(page("Nguyễn Văn Long", 0.6))  # a hesitant letter: not given
    assert unsure is not None and unsure[1] < 0.5
    # Tesseract's reading stays; a recognizer that reads another name sends it to review.
    kept = _full_name(Field("Nguyễn Văn Sinh", 0.9), ("Nguyễn Văn Ninh", 0.98))
    assert kept.value == "Nguyễn Văn Sinh" and kept.score < 0.8
    # Tesseract's unsure reading (`Xinh`, not given) and another one: neither is given.
    assert _full_name(Field("Nguyễn Xinh Tâm", 0.0), ("Nguyễn Ninh Lâm", 0.95)).score < 0.5
    agreed = _full_name(Field("Nguyễn Văn Sinh", 0.7), ("Nguyễn Văn Sinh", 0.9))
    assert agreed.score > 0.9
    assert _full_name(Field(None, 0.0), ("Lê Trung Chinh", 0.95)) == Field("Lê Trung Chinh", 0.95)


def test_two_recognizers_that_read_other_digits_give_no_number() -> None:
    def lines(reader: str, digits: str, p: float) -> tuple[FieldLine, ...]:
        line = FieldLine("number", "line", f"So: {digits}/UBND", (p,) * (9 + len(digits)), reader)
        alone = FieldLine("number", "digits", digits, (p,) * len(digits), reader)
        return (line, alone)

    one = ocr_page(field_lines=lines("ppocr", "534", 0.6) + lines("aster", "534", 0.99))
    assert number_reading(one) == DigitsReading("534", 0.99)  # the sure one is taken
    both = ocr_page(field_lines=lines("ppocr", "570", 0.9) + lines("aster", "5710", 0.95))
    assert number_reading(both) is None  # each sure of other digits: nobody knows


def test_the_vietnamese_recognizer_reads_marks() -> None:
    from sohoa.ocr.lines import VietnameseLineRecognizer

    image = Image.new("L", (700, 80), 255)
    ImageDraw.Draw(image).text((20, 15), "Nguyễn Đình Trung", font=ImageFont.truetype(FONT, 44))
    reading = VietnameseLineRecognizer().read(image)
    assert reading.text == "Nguyễn Đình Trung"
    assert len(reading.probabilities) == len(reading.text) == len(reading.positions)


def test_two_signers_side_by_side_the_right_block_signs() -> None:
    """A joint document (liên tịch): two signer blocks on one baseline; Phụ lục I puts the
    lead organ's signer on the right. Neither block's lines leak into the other."""
    lines = [
        *_top(),
        ("Quyết định này có hiệu lực kể từ ngày ký và thay thế các quy định trước", 250, 1380),
        ("TM. BAN THƯỜNG VỤ", 330, 1500),
        ("KT. GIÁM ĐỐC", 1250, 1500),
        ("BÍ THƯ", 400, 1550),
        ("PHÓ GIÁM ĐỐC", 1230, 1550),
        ("Trần Văn Bình", 360, 1800),
        ("Lê Thị Hoa", 1260, 1800),
        ("Nơi nhận:", 260, 2000),
        ("- Như trên;", 260, 2050),
    ]
    metadata = extract_metadata([_page(lines)])
    assert metadata.signer_full_name == "Lê Thị Hoa"
    assert metadata.signer_position == "PHÓ GIÁM ĐỐC"
    assert metadata.signer_authority == "KT."
