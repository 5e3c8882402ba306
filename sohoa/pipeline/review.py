"""Which pages of a document a person should look at, and why: the one place.

Page reasons are decided here: a mean word confidence under the configured
threshold, a text layer that does not extract as written (`layer_check`),
and whatever the page pipeline noted in `OcrPage.review`. Field reasons come
from the metadata extractor (`DocumentMetadata.needs_review`). A blank page
is never flagged and never counts in the document's mean confidence: a blank
back page says nothing about how well the front was read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sohoa.models import DocumentMetadata, OcrPage


@dataclass(frozen=True)
class Review:
    """What the archive records about review for one document."""

    needs_review: bool
    """A field is unsure or a page needs review."""
    pages: tuple[int, ...]
    """1-based numbers of the pages to look at."""
    reasons: dict[int, tuple[str, ...]]
    """Per page number (1-based), why."""
    blank_pages: tuple[int, ...]
    """1-based numbers of the blank pages (kept, marked, not flagged)."""
    mean_confidence: float
    """Mean word confidence of the pages where words were read (0 when none):
    a blank back page or a picture says nothing about how well text was read."""


def page_reasons(page: OcrPage, review_confidence: float) -> tuple[str, ...]:
    """Why a person should look at `page`; () when nothing."""
    if page.blank:
        return page.review
    reasons = list(page.review)
    if _read(page) and page.mean_confidence < review_confidence:
        reasons.append(
            f"mean word confidence {page.mean_confidence:.1f} is under {review_confidence:g}"
        )
    return tuple(reasons)


def review_document(
    pages: Sequence[OcrPage], metadata: DocumentMetadata, review_confidence: float
) -> Review:
    reasons = {
        page.index + 1: why for page in pages if (why := page_reasons(page, review_confidence))
    }
    read = [page.mean_confidence for page in pages if _read(page)]
    return Review(
        needs_review=bool(metadata.needs_review or reasons),
        pages=tuple(sorted(reasons)),
        reasons=reasons,
        blank_pages=tuple(page.index + 1 for page in pages if page.blank),
        mean_confidence=round(sum(read) / len(read), 2) if read else 0.0,
    )


def _read(page: OcrPage) -> bool:
    """Whether anything was read on the page (a blank page or a picture: nothing)."""
    return not page.blank and bool(page.words or page.text.strip())


def with_reasons(pages: Sequence[OcrPage], found: Mapping[int, str]) -> list[OcrPage]:
    """`pages` with the reasons found for some of them (0-based index → why) added."""
    return [
        dataclasses.replace(page, review=(*page.review, found[page.index]))
        if page.index in found
        else page
        for page in pages
    ]
