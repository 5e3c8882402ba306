"""The text layer's self-check: what counts as not giving back what OCR read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sohoa.models import DocumentMetadata
from sohoa.pipeline.layer_check import layer_problem
from sohoa.pipeline.pdfa import build_pdfa
from tests.test_textlayer import blank_page


def test_the_same_words_in_another_order_round_trip() -> None:
    assert layer_problem("Độc lập\nTự do", "Tự do\nĐộc lập") is None


def test_a_lost_diacritic_is_a_problem() -> None:
    why = layer_problem("Quyết định số", "Quyêt định số")
    assert why is not None and "lost 'ế'" in why and "gained 'ê'" in why


def test_a_doubled_letter_counts_twice() -> None:
    """Runs of one letter used to count once: gluing "an"+"nh" then looked like a loss."""
    assert layer_problem("an nh", "annh") is not None
    assert "run together" in (layer_problem("an nh", "annh") or "")
    assert "lost 'n'" in (layer_problem("ann", "an") or "")


def test_words_run_together_are_a_problem() -> None:
    why = layer_problem("trên địa bàn\ntrên địa bàn", "trêntrên địađịa bàn bàn")
    assert why is not None and "2 word(s)" in why and "'trêntrên'" in why


def test_a_hyphenated_word_joined_at_the_line_end_is_not() -> None:
    assert layer_problem("cán bộ quy-\nđịnh mới", "cán bộ quyđịnh mới") is None


def test_punctuation_glued_to_a_word_hides_no_word() -> None:
    assert layer_problem("Hồ sơ\n' quy hoạch", "Hồ sơ' quy hoạch") is None


def test_a_page_whose_layer_does_not_round_trip_is_kept_and_named(tmp_path: Path) -> None:
    """A row of single letters: poppler joins its closest two (letter-spaced text).

    The document is written all the same; the page is reported, to be flagged."""
    pages = [blank_page([["Số:", "151/QĐ-STC"]]), blank_page([["Kính", "gửi"], ["A", "B", "C"]])]
    pages[1] = dataclasses.replace(pages[1], index=1)
    out = tmp_path / "doc.pdf"
    archival = build_pdfa(pages, DocumentMetadata(), out)
    assert out.is_file()
    assert list(archival.layer_problems) == [1]
    assert "run together ('ABC')" in archival.layer_problems[1]
