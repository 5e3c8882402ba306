"""The signer's name read a second time, where the seal and the signature spoil it.

Tesseract reads the signer block's position lines well and its last line,
the full name, badly: a signature stroke runs through it (`_LếTr rung
Chỉnh`), the seal's ink sits on it (`Le `eN 4`). The worker finds the name
line by layout and ink (under the position lines, on the block's axis: the
lowest band of print-dark ink as tall as a line of text, once the signature
strokes and seal rings, taller than any letter, are taken out) and reads it
with the Vietnamese line recognizer (`sohoa.ocr.lines`, marks included).
The parent believes that reading only as a Vietnamese full name
(`names.read_person_name`, every syllable a real one) and only as sure as
its least sure character.

A name printed as a red script-font rubber stamp is not read: neither
recognizer reads those letters (bench/bench_metadata.py's notes), and a
guess is worse than a null.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from sohoa.metadata.layout import segments, text_column
from sohoa.metadata.names import RANKS, read_person_name
from sohoa.metadata.review import combine
from sohoa.metadata.signer import read_signer
from sohoa.metadata.text import fold, similarity
from sohoa.models import FieldLine, OcrPage

#: A name Tesseract read at least this sure is not read again.
READ_ALREADY = 0.9
#: How far under the last position line the name may stand (× its height): the
#: signature and the seal take 3–4 cm.
_DEPTH = 12.0
#: The least probability of every letter of a name read again (calibrated on real-dev
#: and the generated scans: right names read at 0.81–1.0, wrong ones at 0.53–0.58 and
#: one at 0.98 that Tesseract's reading contradicts).
SURE_LETTER = 0.75
#: The score of a reading that is not given.
NOT_GIVEN = 0.45
#: Ink darker than this is print; seal and signature ink, dropped to grey by the
#: cleanup, is lighter.
_PRINT = 110


# --- worker side --------------------------------------------------------------------------


def read_signer_lines(image: Image.Image, page: OcrPage) -> tuple[FieldLine, ...]:
    """The name line of the page's signer block read by the Vietnamese recognizer (none
    when the page has no signer block, or Tesseract read the name well)."""
    crop = name_crop(image, page)
    if crop is None:
        return ()
    from sohoa.ocr.lines import vietnamese_recognizer

    reading = vietnamese_recognizer().read(crop)
    return (FieldLine("signer", "name", reading.text, reading.probabilities, reader="aster"),)


def name_crop(image: Image.Image, page: OcrPage) -> Image.Image | None:
    """The name line under the signer block's position lines, print ink only."""
    found = segments(page)
    if not found:
        return None
    column = text_column(page, found)
    signer = read_signer(found, column)
    if signer is None or signer.name_score >= READ_ALREADY:
        return None
    if signer.lines:
        last = signer.lines[-1]
        height = max(last.height, 8.0)
        axis = sum(s.centre for s in signer.lines) / len(signer.lines)
        half = max(max(s.width for s in signer.lines) / 2 + 2 * height, 7 * height)
        top = last.bottom + 0.3 * height
    elif signer.label is not None:
        # The seal hid the position lines: the block's first line shares the baseline of
        # `Nơi nhận:`, and the block fills the right half of the column.
        height = max(signer.label.height, 8.0)
        axis = column.right - column.width / 4
        half = column.width / 4 + height
        top = signer.label.top + 1.5 * height
    else:
        return None
    return _lowest_line(image, axis, half, top, height)


def _lowest_line(
    image: Image.Image, axis: float, half: float, top_y: float, height: float
) -> Image.Image | None:
    left, right = max(0, int(axis - half)), min(image.width, int(axis + half))
    top, bottom = int(top_y), min(image.height, int(top_y + _DEPTH * height))
    if right - left < 4 * height or bottom - top < 2 * height:
        return None
    gray = np.asarray(image.convert("L").crop((left, top, right, bottom)))
    ink = _letters(gray < _PRINT, height)
    band = _last_band(ink, height)
    if band is None:
        return None
    y0, y1 = band
    columns = np.flatnonzero(ink[y0:y1].any(axis=0))
    pad = int(0.4 * height)
    x0, x1 = max(0, columns[0] - pad), min(ink.shape[1], columns[-1] + pad + 1)
    y0, y1 = max(0, y0 - pad), min(ink.shape[0], y1 + pad)
    line = np.where(ink[y0:y1, x0:x1], 0, 255).astype(np.uint8)
    return Image.fromarray(line)


def _letters(ink: np.ndarray, height: float) -> np.ndarray:
    """The ink without the blobs no letter makes: signature strokes and seal rings (taller
    than two lines) and specks."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    tall = stats[:, cv2.CC_STAT_HEIGHT] > 2.2 * height
    wide = stats[:, cv2.CC_STAT_WIDTH] > 6 * height
    speck = stats[:, cv2.CC_STAT_AREA] < max(4, 0.01 * height * height)
    drop = tall | wide | speck
    drop[0] = True
    return ~drop[labels] & (labels > 0)


def _last_band(ink: np.ndarray, height: float) -> tuple[int, int] | None:
    """The lowest run of rows that holds a line of text (as tall as one, as wide as a name)."""
    rows = ink.sum(axis=1)
    on = rows > max(2, 0.02 * height)
    bands: list[tuple[int, int]] = []
    y = 0
    while y < len(on):
        if not on[y]:
            y += 1
            continue
        start = y
        while y < len(on) and on[y]:
            y += 1
        bands.append((start, y))
    for start, end in reversed(bands):
        columns = np.flatnonzero(ink[start:end].any(axis=0))
        tall = end - start
        if 0.6 * height <= tall <= 2.0 * height and columns[-1] - columns[0] >= 4 * height:
            return start, end
    return None


# --- parent side ---------------------------------------------------------------------------


def name_from_lines(page: OcrPage) -> tuple[str, float] | None:
    """The signer's full name as the recognizer read it on `page`, and how sure: a
    Vietnamese name by the grammar, as sure as its least sure letter."""
    best: tuple[str, float] | None = None
    for line in _signer_lines(page.field_lines):
        words, probabilities = _words(line)
        if len(words) > 3 and _is_rank(words[:2]):
            words, probabilities = words[2:], probabilities[2:]  # `Thiếu tướng` read `Thếu Mồng`
        reading = read_person_name(words)
        if reading is None or not words:
            continue
        letters = [p for word in probabilities for p in word]
        evidence = 0.5 if reading.score >= 1.0 else 0.3 if reading.score >= 0.8 else 0.0
        score = combine(min(letters), evidence)
        if reading.score < 0.5 or min(letters) < SURE_LETTER:
            # A misread syllable, or a letter the recognizer hesitated on (`Sinh` read
            # `Ninh` at 0.58): the grammar cannot tell a real name from another one.
            score = min(score, reading.score, NOT_GIVEN)
        if best is None or score > best[1]:
            best = (reading.name, score)
    return best


def _signer_lines(lines: Sequence[FieldLine]) -> list[FieldLine]:
    return [f for f in lines if f.field == "signer"]


def _words(line: FieldLine) -> tuple[list[str], list[list[float]]]:
    """The words of a reading and the probabilities of each one's letters."""
    words: list[str] = []
    probabilities: list[list[float]] = []
    current: list[tuple[str, float]] = []
    for char, probability in [*zip(line.text, line.probabilities, strict=True), (" ", 1.0)]:
        if char.isspace():
            if current:
                words.append("".join(c for c, _ in current))
                probabilities.append([p for c, p in current if c.isalpha()] or [0.0])
            current = []
        else:
            current.append((char, probability))
    return words, probabilities


def _is_rank(words: Sequence[str]) -> bool:
    """Two words that read as a rank of the police or the army, however spoiled."""
    key = fold(" ".join(words))
    return max(similarity(key, fold(rank)) for rank in RANKS) >= 0.7
