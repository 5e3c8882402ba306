"""A second look at ink Tesseract's page layout analysis skipped.

Tesseract segments the page before it reads it, and drops text it takes for
a picture: lines beside a seal or a signature, a short line sharing a row
with one (the signer block of every administrative document, `- Lưu: VT, VP.`
next to the signature). Those are exactly the lines metadata is read from.

After the first reading, the ink no word covers is grouped into line-shaped
regions, and each region is read again as a single block of text (PSM 6).
Words read with confidence are added; specks, strokes of a signature and the
seal's remains give no confident words and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from sohoa.models import OcrWord

Box = tuple[int, int, int, int]
#: A recovered word must be read at least this confidently (0–100).
MIN_CONFIDENCE = 60.0
#: Regions read again per page at most (a page of handwriting must not cost minutes).
MAX_REGIONS = 12


def uncovered_regions(gray: np.ndarray, words: Sequence[OcrWord], dpi: float) -> list[Box]:
    """Boxes (page pixels) of line-shaped ink that no recognised word covers.

    Worked out at about 150 dpi: a quarter of the pixels, the same regions.
    """
    scale = min(1.0, 150.0 / dpi)
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    for word in words:
        x0, y0, x1, y1 = (round(v * scale) for v in word.box)
        ink[max(0, y0 - 1) : y1 + 2, max(0, x0 - 1) : x1 + 2] = 0
    unit = dpi * scale / 300.0  # pixels of `small` per pixel of a 300 dpi page
    line_height = (_typical_line_height(words) or 50 * dpi / 300.0) * scale
    # Specks are not text: keep components of at least a small letter's size.
    # Seal rings and signature strokes are not text either, and they join the
    # line they touch into one tall blob: drop components taller than two
    # lines (a seal touching a letter takes that letter, the rest of the line
    # stays to be found).
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    drop = (stats[:, cv2.CC_STAT_AREA] < 30 * unit * unit) | (
        stats[:, cv2.CC_STAT_HEIGHT] > 2 * line_height
    )
    drop[0] = True
    ink[drop[labels]] = 0
    if not ink.any():
        return []
    # Join letters into words and words into line pieces: wide, not tall.
    kernel = cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(3, round(40 * unit)), max(1, round(6 * unit)))
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(ink, kernel), connectivity=8
    )
    height, width = gray.shape
    regions: list[tuple[int, Box]] = []
    for index in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[index])
        # A line of text: at least two letters wide, between half a line and
        # a few lines tall (taller is a seal, a signature or a picture).
        if w < line_height or h < 0.5 * line_height or h > 4 * line_height:
            continue
        margin = 0.3 * line_height
        box = (
            max(0, round((x - margin) / scale)),
            max(0, round((y - margin) / scale)),
            min(width, round((x + w + margin) / scale)),
            min(height, round((y + h + margin) / scale)),
        )
        regions.append((area, box))
    regions.sort(reverse=True)
    return [box for _, box in regions[:MAX_REGIONS]]


def _typical_line_height(words: Sequence[OcrWord]) -> float | None:
    heights = sorted(w.box[3] - w.box[1] for w in words if len(w.text) >= 3)
    return float(heights[len(heights) // 2]) if heights else None


def recover(
    gray: np.ndarray,
    words: list[OcrWord],
    dpi: float,
    read_regions: Callable[[list[Box]], list[list[OcrWord]]],
) -> list[OcrWord]:
    """`words` plus the confident words found in regions the first pass skipped.

    `read_regions(boxes)` reads each region as a block of text and returns its
    words in page coordinates (line numbers local to the region).
    """
    regions = uncovered_regions(gray, words, dpi)
    if not regions:
        return words
    next_line = max((w.line for w in words), default=-1) + 1
    next_block = max((w.block for w in words), default=-1) + 1
    added: list[OcrWord] = []
    for region_words in read_regions(regions):
        found = [
            w
            for w in region_words
            if w.confidence >= MIN_CONFIDENCE
            and any(c.isalnum() for c in w.text)
            and not _covered(w.box, words)
        ]
        if not _plausible(found, gray.shape):
            continue
        lines = sorted({w.line for w in found})
        for word in found:
            added.append(
                OcrWord(
                    text=word.text,
                    box=word.box,
                    confidence=word.confidence,
                    block=next_block,
                    paragraph=next_block,
                    line=next_line + lines.index(word.line),
                )
            )
        next_line += len(lines)
        next_block += 1
    return words + added


#: A word whose box is this much wider than its letters need hides unread text.
WIDE_FACTOR = 1.5


def reread_wide_words(
    words: list[OcrWord],
    read_regions: Callable[[list[Box]], list[list[OcrWord]]],
) -> list[OcrWord]:
    """Read again the words whose box is far wider than their letters.

    A speck between two words makes Tesseract take them for one word, and the
    recogniser then drops what it cannot fit (`ngày·13` read as `ngày`: the
    day of the date line lost). Read alone, the box gives both words.
    """
    by_line: dict[int, list[OcrWord]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    suspects: list[OcrWord] = []
    for line_words in by_line.values():
        widths = sorted(
            (w.box[2] - w.box[0]) / len(w.text)
            for w in line_words
            if len(w.text) >= 3 and w.text.isalpha()
        )
        if not widths:
            continue
        per_char = widths[(len(widths) - 1) // 2]  # the lower median
        for word in line_words:
            width = word.box[2] - word.box[0]
            if (
                any(c.isalnum() for c in word.text)
                and width > WIDE_FACTOR * per_char * len(word.text) + per_char / 2
            ):
                suspects.append(word)
    if not suspects:
        return words
    boxes = []
    for word in suspects:
        x0, y0, x1, y1 = word.box
        pad = max(2, (y1 - y0) // 5)
        boxes.append((max(0, x0 - pad), max(0, y0 - pad), x1 + pad, y1 + pad))
    replacement: dict[int, list[OcrWord]] = {}
    for word, found in zip(suspects, read_regions(boxes), strict=True):
        letters = sum(c.isalnum() for w in found for c in w.text)
        if (
            len(found) > 1
            and letters > sum(c.isalnum() for c in word.text)
            and min(w.confidence for w in found) >= MIN_CONFIDENCE
            and found[0].text == word.text
        ):
            replacement[id(word)] = [
                OcrWord(w.text, w.box, w.confidence, word.block, word.paragraph, word.line)
                for w in found
            ]
    if not replacement:
        return words
    return [new for word in words for new in replacement.get(id(word), [word])]


def _plausible(found: list[OcrWord], shape: tuple[int, ...]) -> bool:
    """Whether words read in a skipped region are text rather than the remains
    of a seal or a signature: at least three letters, or a lone page number
    where Nghị định 30/2020 puts it (top margin, centred)."""
    if sum(c.isalnum() for w in found for c in w.text) >= 3:
        return True
    if len(found) == 1 and found[0].text.isdigit():
        height, width = shape[0], shape[1]
        x0, y0, x1, _ = found[0].box
        return y0 < 0.12 * height and width / 3 < (x0 + x1) / 2 < 2 * width / 3
    return False


def _covered(box: Box, words: Sequence[OcrWord]) -> bool:
    """Whether a word read again lies over words already read: a second reading of them.

    Measured along the line: the share of its width that words of the same
    height band span. Tesseract's boxes for small print can be narrower than
    the ink (`tình` given 7 px of its 24), so the leftover ink is read again
    as a word lying over the first one; in the text layer the two would run
    together.
    """
    height = box[3] - box[1]
    width = box[2] - box[0]
    if height <= 0 or width <= 0:
        return True
    spans = []
    for other in words:
        shared = min(box[3], other.box[3]) - max(box[1], other.box[1])
        if shared > 0.5 * min(height, other.box[3] - other.box[1]):
            left, right = max(box[0], other.box[0]), min(box[2], other.box[2])
            if right > left:
                spans.append((left, right))
    covered, reach = 0, box[0]
    for left, right in sorted(spans):
        left = max(left, reach)
        if right > left:
            covered += right - left
            reach = right
    return covered > COVERED_SHARE * width


#: A word read again is dropped when words already read span this share of its width.
COVERED_SHARE = 0.2
