"""Text-quality metrics: the numbers every OCR claim rests on."""

from __future__ import annotations

import random

from rapidfuzz.distance import Levenshtein

from sohoa.ocr.metrics import (
    best_match_cer,
    cer,
    normalise,
    semiglobal_distance,
    strip_signature_stamp,
)


def test_normalise_is_nfc_and_collapses_whitespace() -> None:
    decomposed = "Quyê\u0301t  đi\u0323nh\n"
    assert normalise(decomposed) == "Quyết định"


def test_cer_counts_a_lost_diacritic_as_an_error() -> None:
    assert cer("Quyết định", "Quyết đinh") == 1 / len("Quyết định")
    assert cer("Quyết định", "Quyết\nđịnh") == 0.0


def test_semiglobal_distance_is_the_best_substring_distance() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("ab ạế") for _ in range(rng.randint(1, 10)))
        b = "".join(rng.choice("ab ạế") for _ in range(rng.randint(0, 12)))
        brute = min(
            Levenshtein.distance(a, b[i:j]) for i in range(len(b) + 1) for j in range(i, len(b) + 1)
        )
        assert semiglobal_distance(a, b) == brute, (a, b)


def test_best_match_ignores_surrounding_text_even_when_the_body_repeats_the_header() -> None:
    header = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Số: 12/QĐ-UBND "
    body = "ỦY BAN NHÂN DÂN HUYỆN VŨ THƯ Căn cứ Luật Tổ chức chính quyền địa phương"
    page = header + body.replace("Luật", "Luât") + " Nơi nhận: - Như Điều 3;"
    assert best_match_cer(body, page) == 1 / len(normalise(body))


def test_the_visible_signature_is_not_counted_as_page_text() -> None:
    text = "Kính mời:\nSAO Y\nDEMO Sở Tài chính\n2026-11-28T19:30:51+07:00\n- Đại diện lãnh đạo;"
    assert strip_signature_stamp(text) == "Kính mời:\n- Đại diện lãnh đạo;"
