"""Metadata extraction from OCR words and boxes, without OCR: pages built from ground truth.

A truth file gives every printed line with its box; a line is cut into word
boxes in proportion to the characters, as Tesseract would return them. OCR
damage (lost diacritics, S/5 and O/0 in symbols, a header line merged across
the two blocks, a line split in two, the seal eating a line) is injected on
these pages, so each case is exact, fast and independent of the OCR engine.
The real-OCR tests are in test_metadata_ocr.py.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sohoa.metadata.extract import extract_metadata
from sohoa.metadata.fields import comparison_key
from sohoa.models import METADATA_FIELDS, DocumentMetadata, EncodedImage, OcrPage, OcrWord
from tests.factories import ocr_page

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TRUTHS = sorted((SAMPLES / "truth").glob("*.json"))
_BLANK = EncodedImage(b"", "FlateDecode", 1, 1, "L")

Line = tuple[str, tuple[int, int, int, int], str]  # text, box, role


def load_truth(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / "truth" / f"{name}.json").read_text(encoding="utf-8"))


def words_of(
    text: str, box: Sequence[int], line_id: int, confidence: float = 95.0
) -> list[OcrWord]:
    """Cut a line box into word boxes in proportion to the characters (one space each)."""
    left, top, right, bottom = box
    tokens = text.split()
    total = sum(len(t) for t in tokens) + len(tokens) - 1
    per_char = (right - left) / max(total, 1)
    out, x = [], float(left)
    for token in tokens:
        width = len(token) * per_char
        out.append(
            OcrWord(
                unicodedata.normalize("NFC", token),
                (round(x), top, round(x + width), bottom),
                confidence,
                0,
                0,
                line_id,
            )
        )
        x += width + per_char
    return out


def page_of(
    lines: Sequence[Line], index: int, width: int, height: int, dpi: float, merge: bool = False
) -> OcrPage:
    """An OcrPage of these lines; `merge` gives lines on one baseline one Tesseract line id
    (the header blocks and the Nơi nhận/signer rows, as Tesseract often reads them)."""
    words: list[OcrWord] = []
    line_ids: dict[int, int] = {}
    for number, (text, box, _role) in enumerate(lines):
        line_id = number
        if merge:
            baseline = round(box[3] / 20)
            line_id = line_ids.setdefault(baseline, number)
        words += words_of(text, box, line_id)
    return ocr_page(
        index=index,
        source=Path("truth"),
        width=width,
        height=height,
        dpi=dpi,
        words=tuple(words),
        text="\n".join(text for text, _, _ in lines),
        mean_confidence=95.0,
        image=_BLANK,
    )


def truth_lines(page: dict[str, Any]) -> list[Line]:
    return [
        (t, tuple(b), r)
        for t, b, r in zip(page["lines"], page["boxes"], page["roles"], strict=True)
    ]


def pages_from_truth(
    truth: dict[str, Any],
    damage: Callable[[list[Line], int], list[Line]] | None = None,
    merge: bool = False,
) -> list[OcrPage]:
    pages = []
    for i, page in enumerate(truth["pages"]):
        lines = truth_lines(page)
        if damage is not None:
            lines = damage(lines, i)
        # Boxes are on the clean upright page: its size is the A4 page at this dpi.
        dpi = page["dpi"]
        width, height = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
        pages.append(page_of(lines, i, width, height, dpi, merge=merge))
    return pages


def assert_fields(metadata: DocumentMetadata, expected: dict[str, Any], fields=METADATA_FIELDS):
    got = metadata.to_json()
    wrong = {
        f: (got[f], expected[f])
        for f in fields
        if comparison_key(f, got[f]) != comparison_key(f, expected[f])
    }
    assert not wrong, wrong


# --- every field of every committed document (7 types, 5 fonts, 200 and 300 dpi) --------------


@pytest.mark.parametrize("path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_every_field_of_each_document_type(path: Path) -> None:
    truth = json.loads(path.read_text(encoding="utf-8"))
    metadata = extract_metadata(pages_from_truth(truth))
    assert_fields(metadata, truth["metadata"])
    assert not metadata.needs_review, metadata.confidence
    assert set(metadata.confidence) >= set(METADATA_FIELDS) - {"parent_organ", "signer_authority"}


@pytest.mark.parametrize("path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_header_merged_across_the_two_blocks(path: Path) -> None:
    """Tesseract reads `UBND TỈNH GIA LAI CỘNG HÒA XÃ HỘI …` as one line: boxes split it."""
    truth = json.loads(path.read_text(encoding="utf-8"))
    metadata = extract_metadata(pages_from_truth(truth, merge=True))
    assert_fields(metadata, truth["metadata"])


def test_generated_documents_of_every_type() -> None:
    """Forty generated documents (all types and fonts), laid out without rendering."""
    from samples.generate import corpus
    from tests.test_metadata_layout import pages_from_spec, truth_metadata

    results = []
    for spec, _damage in corpus(40, seed=31):
        metadata = extract_metadata(pages_from_spec(spec))
        results.append((spec.doc_type, metadata, truth_metadata(spec)))
    assert {t for t, _, _ in results} >= {"quyet_dinh", "cong_van", "thong_bao", "bao_cao"}
    for _type, metadata, expected in results:
        assert_fields(metadata, expected)


# --- OCR damage -----------------------------------------------------------------------------


def _edit(role: str, change: Callable[[str], str], page: int | None = None):
    def damage(lines: list[Line], index: int) -> list[Line]:
        if page is not None and index != page:
            return lines
        return [(change(t) if r == role else t, b, r) for t, b, r in lines]

    return damage


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def test_lost_diacritics_in_organ_place_and_date_words() -> None:
    truth = load_truth("ttr-cat-dak-lak")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        for text, box, role in lines:
            if role in ("parent_organ", "organ"):
                text = _strip_marks(text)  # "CONG AN", "TINH DAK LAK"
            elif role == "date":
                text = (
                    text.replace("Đắk Lắk", "Dak Lak")
                    .replace("ngày", "ngay")
                    .replace("tháng", "thảng")
                )
            out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.organ_name == "CÔNG AN TỈNH ĐẮK LẮK"
    assert metadata.parent_organ == "BỘ CÔNG AN"
    assert metadata.place == "Đắk Lắk"
    assert metadata.issued_date == date(2022, 11, 3)


def test_s_and_5_o_and_0_in_the_number_line() -> None:
    truth = load_truth("qd-151-stc-gia-lai")
    damaged = _edit("number", lambda t: "Số: 15l/0Đ-5TC")
    metadata = extract_metadata(pages_from_truth(truth, damaged))
    assert (metadata.code_number, metadata.code_notation) == ("151", "QĐ-STC")
    assert metadata.type_name == "Quyết định"


def test_letter_o_read_for_a_zero_in_the_number() -> None:
    truth = load_truth("kh-ubnd-lam-dong")
    metadata = extract_metadata(
        pages_from_truth(truth, _edit("number", lambda t: "Số: 1O49/KH-UBND"))
    )
    assert metadata.code_number == "1049"
    assert metadata.code_notation == "KH-UBND"


def test_glued_words_and_doubled_stroke_d_are_put_right() -> None:
    truth = load_truth("qd-ubnd-vu-thu")

    def damage(lines: list[Line], index: int) -> list[Line]:
        fixes = {"ỦY BAN NHÂN DÂN": "ỦY BANNHÂNDÂN", "Số: 1419/QĐ-UBND": "Số: 1419/QĐÐ-UBND"}
        return [(fixes.get(t, t) if r in ("organ", "number") else t, b, r) for t, b, r in lines]

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.organ_name == "ỦY BAN NHÂN DÂN HUYỆN VŨ THƯ"
    assert metadata.code_notation == "QĐ-UBND"


def test_a_subject_line_split_in_two() -> None:
    """Tesseract may cut a line in two pieces (two line ids): they are one line again."""
    truth = load_truth("tb-stp-quang-nam")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        for text, box, role in lines:
            if role == "subject" and "cuộc họp" in text:
                words = text.split()
                middle = box[0] + (box[2] - box[0]) // 2
                out.append(
                    (
                        " ".join(words[: len(words) // 2]),
                        (box[0], box[1], middle - 10, box[3]),
                        role,
                    )
                )
                out.append(
                    (
                        " ".join(words[len(words) // 2 :]),
                        (middle + 10, box[1], box[2], box[3]),
                        role,
                    )
                )
            else:
                out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.subject == truth["metadata"]["subject"]


def test_a_tone_swapped_in_a_known_word_of_the_subject() -> None:
    truth = load_truth("cv-05-bnv-vp")
    metadata = extract_metadata(
        pages_from_truth(truth, _edit("subject", lambda t: t.replace("đôn", "đồn")))
    )
    assert metadata.subject == "đôn đốc thực hiện công tác văn thư, lưu trữ"


def test_cong_van_has_no_heading_and_a_v_v_subject() -> None:
    truth = load_truth("cv-05-bnv-vp")
    metadata = extract_metadata(pages_from_truth(truth))
    assert metadata.type_name == "Công văn"
    assert metadata.code_number == "05"
    assert metadata.code_notation == "BNV-VP"
    assert metadata.subject == "đôn đốc thực hiện công tác văn thư, lưu trữ"
    assert metadata.parent_organ is None
    assert metadata.confidence["parent_organ"] >= 0.8  # read as absent, not unread


def test_two_line_signer_block_kt_giam_doc_pho_giam_doc() -> None:
    truth = load_truth("tb-stp-quang-nam")
    metadata = extract_metadata(pages_from_truth(truth))
    assert metadata.signer_authority == "KT."
    assert metadata.signer_position == "PHÓ GIÁM ĐỐC"
    assert metadata.signer_full_name == "Trần Công Hiếu"
    assert metadata.page_amount == 2


def test_signer_block_damaged_by_the_seal() -> None:
    truth = load_truth("tb-stp-quang-nam")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        for text, box, role in lines:
            if text == "PHÓ GIÁM ĐỐC":
                text = "PHO GLAM ĐOC"  # a stacked mark lost, I read for I+A
            elif text == "Trần Công Hiếu":
                text = "Tran Công Hiếu"
            out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.signer_position == "PHÓ GIÁM ĐỐC"
    assert metadata.signer_full_name == "Trần Công Hiếu"


def test_start_of_a_position_line_eaten_by_the_seal_is_completed_by_its_width() -> None:
    truth = load_truth("cv-05-bnv-vp")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        for text, box, role in lines:
            if text == "CHÁNH VĂN PHÒNG":
                # "CHÁNH " gone: what is left sits right of the block's axis.
                left = box[0] + round((box[2] - box[0]) * 6 / 15)
                text, box = "VĂN PHÒNG", (left, box[1], box[2], box[3])
            out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.signer_position == "CHÁNH VĂN PHÒNG"
    assert metadata.needs_review  # completed, not read: a clerk looks


def test_a_position_line_lost_under_the_seal_is_null_not_guessed() -> None:
    truth = load_truth("tb-stp-quang-nam")

    def damage(lines: list[Line], index: int) -> list[Line]:
        return [(t, b, r) for t, b, r in lines if t != "PHÓ GIÁM ĐỐC"]

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.signer_authority == "KT."
    assert metadata.signer_position is None
    assert "signer_position" not in metadata.confidence
    assert metadata.needs_review


def test_a_lost_authority_line_leaves_the_authority_unknown() -> None:
    truth = load_truth("tb-stp-quang-nam")
    metadata = extract_metadata(
        pages_from_truth(truth, lambda lines, i: [x for x in lines if x[0] != "KT. GIÁM ĐỐC"])
    )
    assert metadata.signer_position == "PHÓ GIÁM ĐỐC"
    assert metadata.signer_authority is None
    assert "signer_authority" not in metadata.confidence  # unknown, not "no authority"
    assert metadata.needs_review


def test_recipients_without_the_archive_copy_are_not_given() -> None:
    """Nơi nhận always ends with `Lưu: VT, …`: without it lines were lost."""
    truth = load_truth("qd-151-stc-gia-lai")
    metadata = extract_metadata(
        pages_from_truth(truth, lambda lines, i: [x for x in lines if not x[0].startswith("- Lưu")])
    )
    assert metadata.recipients is None
    assert metadata.needs_review


def test_recipient_damage_b_c_and_case() -> None:
    truth = load_truth("cv-05-bnv-vp")
    damaged = _edit("recipients", lambda t: t.replace("(b/c)", "(b/©)").replace("VT,", "VI,"))
    metadata = extract_metadata(pages_from_truth(truth, damaged))
    assert metadata.recipients == ("Như trên", "Bộ trưởng (b/c)", "Lưu: VT, VP")


def test_an_impossible_date_is_null() -> None:
    truth = load_truth("qd-151-stc-gia-lai")
    damaged = _edit("date", lambda t: "Gia Lai, ngày 31 tháng 02 năm 2021")
    metadata = extract_metadata(pages_from_truth(truth, damaged))
    assert metadata.issued_date is None
    assert metadata.needs_review


def test_notation_that_contradicts_the_heading_is_not_given() -> None:
    truth = load_truth("qd-151-stc-gia-lai")
    metadata = extract_metadata(
        pages_from_truth(truth, _edit("number", lambda t: "Số: 151/TB-STC"))
    )
    assert metadata.code_notation is None
    assert metadata.needs_review


def test_a_page_with_no_recognisable_header_gives_nulls_and_needs_review() -> None:
    lines: list[Line] = [
        (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            (400, 600, 2290, 660),
            "body",
        ),
        (
            "Xét đề nghị của các cơ quan, đơn vị có liên quan về việc triển khai thực hiện",
            (400, 680, 2290, 740),
            "body",
        ),
        (
            "nhiệm vụ được giao trong thời gian tới, bảo đảm đúng tiến độ.",
            (400, 760, 1800, 820),
            "body",
        ),
    ]
    metadata = extract_metadata([page_of(lines, 0, 2480, 3508, 300)])
    for field in METADATA_FIELDS:
        if field not in ("page_amount", "language"):
            assert getattr(metadata, field) is None, field
    assert metadata.needs_review
    assert metadata.page_amount == 1


def test_no_pages_at_all() -> None:
    metadata = extract_metadata([])
    assert metadata.page_amount == 0
    assert metadata.needs_review
    assert metadata.organ_name is None


def test_confidence_is_per_field_between_0_and_1() -> None:
    metadata = extract_metadata(pages_from_truth(load_truth("gm-ubnd-xa-dong-anh")))
    assert all(0 < v <= 1 for v in metadata.confidence.values())
    assert set(metadata.confidence) <= set(METADATA_FIELDS)


def test_extraction_is_fast() -> None:
    pages = pages_from_truth(load_truth("bc-stc-gia-lai-tong-ket"))  # ten pages
    extract_metadata(pages)  # warm the vocabularies
    started = time.perf_counter()
    for _ in range(20):
        extract_metadata(pages)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_number_and_date_read_as_one_line_when_the_national_title_is_lost() -> None:
    truth = load_truth("qd-151-stc-gia-lai")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        number_box = next(b for t, b, r in lines if r == "number")
        for text, box, role in lines:
            if role == "national_title":
                continue  # under a fold of the paper
            if role == "date":  # right after the number, as a narrow header table prints it
                width = box[2] - box[0]
                box = (number_box[2] + 30, number_box[1], number_box[2] + 30 + width, number_box[3])
            out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage, merge=True))
    assert (metadata.code_number, metadata.code_notation) == ("151", "QĐ-STC")
    assert (metadata.place, metadata.issued_date) == ("Gia Lai", date(2021, 5, 31))
    assert metadata.organ_name == "SỞ TÀI CHÍNH"


def test_a_lost_day_leaves_the_date_null_but_the_place_read() -> None:
    truth = load_truth("tb-stp-quang-nam")
    damaged = _edit("date", lambda t: t.replace("ngày 18 ", "ngày "))
    metadata = extract_metadata(pages_from_truth(truth, damaged))
    assert metadata.issued_date is None
    assert metadata.place == "Quảng Nam"
    assert metadata.needs_review


def test_a_position_whose_start_the_seal_hid_is_not_read_as_a_shorter_one() -> None:
    """`GIÁM ĐỐC` right of the block's axis is what is left of `PHÓ GIÁM ĐỐC`."""
    truth = load_truth("tb-stp-quang-nam")

    def damage(lines: list[Line], index: int) -> list[Line]:
        out = []
        for text, box, role in lines:
            if text == "PHÓ GIÁM ĐỐC":
                left = box[0] + round((box[2] - box[0]) * 4 / 12)
                text, box = "GIÁM ĐỐC", (left, box[1], box[2], box[3])
            elif text == "KT. GIÁM ĐỐC":
                text = "T. GIÁM ĐỐC"  # and the prefix spoiled too
            out.append((text, box, role))
        return out

    metadata = extract_metadata(pages_from_truth(truth, damage))
    assert metadata.signer_position in (None, "PHÓ GIÁM ĐỐC")
    assert metadata.signer_authority in (None, "KT.")
    assert metadata.needs_review


def test_a_lost_parent_organ_line_is_unknown_not_absent() -> None:
    truth = load_truth("qd-151-stc-gia-lai")
    metadata = extract_metadata(
        pages_from_truth(truth, lambda lines, i: [x for x in lines if x[2] != "parent_organ"])
    )
    assert metadata.organ_name == "SỞ TÀI CHÍNH"
    assert metadata.parent_organ is None
    assert "parent_organ" not in metadata.confidence
    assert metadata.needs_review
