"""The paper's real size from what is printed on it, when the resolution tag lies.

Scanners and the software between them write wrong resolution tags: a 750 px
wide page that claims 200 dpi becomes a 9.5 cm page, the visible signature
then no longer fits beside the text, and every size measured in millimetres
is off. Administrative print has a known size (Nghị định 30/2020 Phụ lục I:
body text in 13–14 pt), so the height of the words tells the resolution; the
page's proportions then say which standard paper it is.

The tag is kept when it makes the page a standard paper size, or the words a
plausible height: only a tag that fails both is replaced.
"""

from __future__ import annotations

from collections.abc import Sequence

from sohoa.models import OcrWord

#: Median height (mm) of a word box of three letters or more in 13–14 pt
#: print (diacritics included): 3.3–4.6 mm on real scans whose tag is right.
TYPICAL_WORD_MM = 4.0
#: Median word heights (mm) that do not call the tag into question.
PLAUSIBLE_WORD_MM = (2.8, 6.0)
#: Standard papers (short side, long side) in inches.
PAPERS: dict[str, tuple[float, float]] = {
    "A5": (5.83, 8.27),
    "A4": (8.27, 11.69),
    "A3": (11.69, 16.54),
    "Letter": (8.5, 11.0),
    "Legal": (8.5, 14.0),
}
#: How far (relative) a page may be from a paper's size or proportions and still be it.
PAPER_TOLERANCE = 0.04
#: Words needed to measure the print by.
MIN_WORDS = 20


def _paper_at(short_in: float, long_in: float) -> str | None:
    for name, (short, long) in PAPERS.items():
        if (
            abs(short_in / short - 1) <= PAPER_TOLERANCE
            and abs(long_in / long - 1) <= PAPER_TOLERANCE
        ):
            return name
    return None


def content_dpi(
    words: Sequence[OcrWord], size: tuple[int, int], dpi: float
) -> tuple[float, str] | None:
    """A resolution that makes the page what its print says, and why; None to keep `dpi`.

    `size` is the scan's upright size in pixels (before any straightening).
    """
    heights = sorted(
        w.box[3] - w.box[1]
        for w in words
        if w.confidence >= 70 and sum(c.isalpha() for c in w.text) >= 3
    )
    if len(heights) < MIN_WORDS:
        return None
    short_px, long_px = sorted(size)
    if _paper_at(short_px / dpi, long_px / dpi):
        return None
    word_px = heights[len(heights) // 2]
    word_mm = word_px / dpi * 25.4
    if PLAUSIBLE_WORD_MM[0] <= word_mm <= PLAUSIBLE_WORD_MM[1]:
        return None
    from_print = word_px / TYPICAL_WORD_MM * 25.4
    # A standard paper of the page's proportions, at a resolution near what
    # the print says: the page is that paper.
    best: tuple[float, str, float] | None = None
    for name, (short, long) in PAPERS.items():
        if abs((long_px / short_px) / (long / short) - 1) > PAPER_TOLERANCE:
            continue
        paper_dpi = short_px / short
        ratio = paper_dpi / from_print
        if 1 / 1.4 <= ratio <= 1.4 and (best is None or abs(ratio - 1) < best[2]):
            best = (paper_dpi, name, abs(ratio - 1))
    said = f"{dpi:.0f} dpi makes the print {word_mm:.1f} mm high"
    if best is not None:
        return round(best[0], 2), f"{said}; the page is {best[1]} at {best[0]:.0f} dpi"
    return round(from_print, 2), f"{said}; read at {from_print:.0f} dpi from the print's height"
