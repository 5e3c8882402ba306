"""Where a page carries ink: blank pages, and the marks the visible signature must not cover.

Both are measured on a small copy of the page (about 50–100 dpi): what counts
is whether there are marks the size of letters, not the letters themselves.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]

#: Darker than this (0–255, paper flattened to white) is ink.
INK_LEVEL = 128
#: A mark between these heights (mm) could be a letter, a digit or a stroke of
#: handwriting (down to the x-height of 6 pt print); smaller is a speck of
#: dust, larger a border or a picture.
LETTER_MM = (0.6, 20.0)
#: Fewer letter-sized marks than this and the page is blank (two punch
#: holes, a staple, a speck the size of a letter, a lone page number).
BLANK_BELOW = 3
#: … and less ink than this share of the page (two punch holes are 0.1%).
BLANK_INK_SHARE = 0.003


def _small(gray: np.ndarray, dpi: float, target_dpi: float) -> tuple[np.ndarray, float]:
    scale = min(1.0, target_dpi / dpi)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray, dpi * scale


def _flat(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The page divided by its own paper brightness (a max filter wider than a letter)."""
    size = max(3, round(dpi / 6) | 1)  # ~4 mm
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def _marks(gray: np.ndarray, dpi: float) -> tuple[int, float]:
    """How many marks of letter size the page carries away from its edges (up
    to BLANK_BELOW), and the share of the page all such marks cover.

    Marks touching the image edge (the scanner's lid, the paper's edge) are
    not counted; show-through and a yellowed paper are lighter than INK_LEVEL
    once the paper is flattened to white.
    """
    small, at = _small(gray, dpi, 150.0)
    ink = (_flat(small, at) < INK_LEVEL).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    mm = at / 25.4
    x, y, w, h, area = (stats[1:, i].astype(np.int64) for i in range(5))
    inside = (x != 0) & (y != 0) & (x + w < width) & (y + h < height)
    letter = (LETTER_MM[0] * mm <= h) & (h <= LETTER_MM[1] * mm) & (w <= 60 * mm)
    marks, covered = int((inside & letter).sum()), int(area[inside].sum())
    return min(marks, BLANK_BELOW), covered / ink.size


def is_blank(gray: np.ndarray, dpi: float) -> bool:
    """Whether the page carries no writing (a blank back page): fewer than
    BLANK_BELOW marks the size of a letter and next to no ink at all.
    Show-through is lighter than ink once the paper is flattened (Tesseract
    would read it as mirrored junk)."""
    marks, covered = _marks(gray, dpi)
    return marks < BLANK_BELOW and covered < BLANK_INK_SHARE


def ink_boxes(
    image: Image.Image,
    dpi: float,
    turn: float,
    size: tuple[int, int],
    top_share: float = 0.4,
) -> tuple[Box, ...]:
    """Boxes of every mark, of any colour, in the top part of the upright page.

    `image` is the scan as delivered; `turn` the counter-clockwise degrees
    (quarter turn + deskew) that make it upright, about its centre, on a
    page of `size` (width, height) pixels. The visible signature must not
    cover a red ĐẾN stamp, a handwritten number or a logo any more than the
    printed words OCR read, so colour is kept here (OCR drops it).
    """
    gray = np.asarray(image.convert("L"))
    small, at = _small(gray, dpi, 50.0)
    scale = at / dpi
    h, w = small.shape
    out_w, out_h = max(1, round(size[0] * scale)), max(1, round(size[1] * scale))
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), turn, 1.0)
    matrix[0, 2] += (out_w - w) / 2
    matrix[1, 2] += (out_h - h) / 2
    upright = cv2.warpAffine(small, matrix, (out_w, out_h), flags=cv2.INTER_AREA, borderValue=255)
    band = upright[: max(1, math.ceil(out_h * top_share))]
    ink = (_flat(band, at) < INK_LEVEL + 40).astype(np.uint8)  # light stamps count too
    ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = stats[1:][stats[1:, cv2.CC_STAT_AREA] >= 3]  # smaller: a speck
    return tuple(
        (
            math.floor(x / scale),
            math.floor(y / scale),
            math.ceil((x + bw) / scale),
            math.ceil((y + bh) / scale),
        )
        for x, y, bw, bh, _ in marks.tolist()
    )
