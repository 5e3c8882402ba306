"""Which pages are flagged for review, and why; blank pages never count."""

from __future__ import annotations

from sohoa.models import DocumentMetadata
from sohoa.pipeline.review import review_document, with_reasons
from tests.factories import ocr_page as _ocr_page


def ocr_page(**fields):  # type: ignore[no-untyped-def]
    """A page on which something was read, unless said otherwise."""
    return _ocr_page(**{"text": "Quyết định", **fields})


def test_nothing_to_review_when_every_page_reads_well() -> None:
    pages = [ocr_page(index=0, mean_confidence=93.0), ocr_page(index=1, mean_confidence=88.0)]
    review = review_document(pages, DocumentMetadata(), 70.0)
    assert not review.needs_review and review.pages == () and review.reasons == {}
    assert review.mean_confidence == 90.5


def test_a_blank_back_page_is_kept_out_of_the_mean_and_not_flagged() -> None:
    pages = [
        ocr_page(index=0, mean_confidence=92.0),
        ocr_page(index=1, mean_confidence=0.0, blank=True, text=""),
    ]
    review = review_document(pages, DocumentMetadata(), 70.0)
    assert review.mean_confidence == 92.0
    assert review.blank_pages == (2,)
    assert not review.needs_review


def test_low_confidence_and_layer_problems_are_reasons_in_words() -> None:
    pages = [ocr_page(index=0, mean_confidence=45.0), ocr_page(index=1, mean_confidence=91.0)]
    # 69.7 is under 70, and says so (not "70 is under 70").
    assert (
        "69.7 is under 70"
        in review_document([ocr_page(mean_confidence=69.7)], DocumentMetadata(), 70.0).reasons[1][0]
    )
    pages = with_reasons(pages, {1: "2 word(s) of the text layer extract run together"})
    review = review_document(pages, DocumentMetadata(), 70.0)
    assert review.needs_review and review.pages == (1, 2)
    assert review.reasons[1] == ("mean word confidence 45.0 is under 70",)
    assert "run together" in review.reasons[2][0]


def test_an_unsure_field_alone_needs_review() -> None:
    review = review_document([ocr_page()], DocumentMetadata(needs_review=True), 70.0)
    assert review.needs_review and review.pages == ()


def test_a_picture_does_not_count_in_the_mean_and_says_why() -> None:
    picture = ocr_page(index=1, text="", mean_confidence=0.0, review=("no text found: …",))
    review = review_document(
        [ocr_page(index=0, mean_confidence=90.0), picture], DocumentMetadata(), 70
    )
    assert review.mean_confidence == 90.0
    assert review.reasons == {2: ("no text found: …",)}
