"""Image cleanup: make every page upright and straight, and give OCR a clean image.

Two images leave this stage. The archival image is the faithful scan, only
turned upright and deskewed (Thông tư 05/2025: the digitized copy is the scan
itself, colour kept). The OCR image is a grayscale image prepared for
Tesseract; nothing of it reaches the archive but the words read from it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from sohoa.models import CleanPage, LoadedPage

#: Skew below this is left alone: rotating would only blur the scan.
MIN_DESKEW_DEGREES = 0.1
#: Largest skew we correct; beyond it the page is more likely a table or a photo.
MAX_SKEW_DEGREES = 15.0
#: OSD confidence under which its answer is checked by another signal.
OSD_MIN_CONFIDENCE = 2.0

OrientationProbe = Callable[[Image.Image, float], "tuple[int, float] | None"]


@dataclass(frozen=True)
class Turn:
    """The orientation decision for a page."""

    rotate: int
    """Counter-clockwise degrees (PIL convention) that make the page upright."""
    method: str
    """"osd", "confidence" or "none"."""


def to_gray(image: Image.Image) -> np.ndarray:
    """8-bit grayscale pixels of any page image."""
    if image.mode == "L":
        return np.asarray(image)
    if image.mode == "1":
        return np.asarray(image.convert("L"))
    return cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2GRAY)


def _ink_mask(gray: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """A downscaled binary image of the ink (text = 1), and the scale used."""
    scale = min(1.0, max_side / max(gray.shape))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Large dark blobs (scanner borders, photos, the seal) are not text lines:
    # drop components that span a large part of the page.
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    big = (stats[:, cv2.CC_STAT_WIDTH] > 0.25 * w) | (stats[:, cv2.CC_STAT_HEIGHT] > 0.1 * h)
    big[0] = False
    if big.any():
        ink = ink.copy()
        ink[big[labels]] = 0
    return ink, scale


def _projection_score(ys: np.ndarray, xs: np.ndarray, angle_deg: float, height: int) -> float:
    """How sharply the ink falls into rows when the page is rotated by angle_deg."""
    theta = math.radians(angle_deg)
    rows = (ys * math.cos(theta) - xs * math.sin(theta)).astype(np.int64)
    rows -= rows.min()
    hist = np.bincount(rows)
    return float(np.dot(hist, hist)) / max(1, len(ys))


def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW_DEGREES) -> float:
    """Skew of the text lines, in degrees; rotating the image by it (PIL
    `Image.rotate`, counter-clockwise positive) makes the lines horizontal.

    Projection profile: the angle at which the ink's row histogram is the most
    peaked. Coarse search, then refine to 0.02°.
    """
    ink, _ = _ink_mask(gray, max_side=1600)
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 400_000:  # subsample very dense pages: the histogram shape is what counts
        pick = np.random.default_rng(0).choice(len(ys), 400_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)
    xs -= xs.mean()
    height = ink.shape[0]

    def best(angles: np.ndarray) -> float:
        scores = [_projection_score(ys, xs, a, height) for a in angles]
        return float(angles[int(np.argmax(scores))])

    angle = best(np.arange(-max_angle, max_angle + 1e-9, 0.5))
    angle = best(np.arange(angle - 0.5, angle + 0.5 + 1e-9, 0.1))
    angle = best(np.arange(angle - 0.1, angle + 0.1 + 1e-9, 0.02))
    # rows = y·cosθ − x·sinθ is constant along a line that PIL's rotate(−θ)
    # would produce from a straight one, so rotate(θ) straightens it
    # (checked against known rotations in tests/test_cleanup.py).
    return round(angle, 2)


def lines_are_horizontal(gray: np.ndarray) -> bool:
    """Whether the text lines run across the image (0°/180°) rather than down it (90°/270°).

    Text falls into sharp rows in one direction only: compare the peakedness
    of the row and column projections, each at its best angle within ±10°.
    """
    ink, _ = _ink_mask(gray, max_side=1000)
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return True
    ys_f, xs_f = ys.astype(np.float64), xs.astype(np.float64)
    angles = np.arange(-10, 10.01, 1.0)
    rows = max(_projection_score(ys_f, xs_f - xs_f.mean(), a, 0) for a in angles)
    cols = max(_projection_score(xs_f, ys_f - ys_f.mean(), a, 0) for a in angles)
    return rows >= cols


def _text_strip(image: Image.Image) -> Image.Image:
    """The middle third of the page: body text, away from headers and seals."""
    top, bottom = image.height // 3, 2 * image.height // 3
    return image.crop((0, top, image.width, bottom))


def decide_orientation(
    gray_image: Image.Image,
    dpi: float,
    osd: Callable[[Image.Image, float], tuple[int, float] | None],
    confidence_of: Callable[[Image.Image, float], float] | None = None,
) -> Turn:
    """Which quarter turn makes the page upright.

    Tesseract OSD first, on a half-resolution image (as reliable as full
    resolution on text pages, and twice as fast). When OSD fails or is unsure,
    the direction of the text lines tells 0/180 from 90/270, and OCR
    confidence on a strip read as horizontal text tells which of the two is
    upright: every page comes out upright.
    """
    scale = 0.5 if dpi >= 250 else 0.75
    small = gray_image.resize(
        (max(1, int(gray_image.width * scale)), max(1, int(gray_image.height * scale))),
        Image.Resampling.BILINEAR,
    )
    result = osd(small, dpi * scale)
    if result is not None and result[1] >= OSD_MIN_CONFIDENCE:
        return Turn(rotate=result[0], method="osd")
    if confidence_of is None:
        return Turn(rotate=result[0] if result else 0, method="osd" if result else "none")
    candidates = (0, 180) if lines_are_horizontal(np.asarray(small)) else (90, 270)
    scores = {}
    for turn in candidates:
        candidate = small.rotate(turn, expand=True) if turn else small
        scores[turn] = confidence_of(_text_strip(candidate), dpi * scale)
    best = max(scores, key=lambda t: scores[t])
    return Turn(rotate=best, method="confidence")


def rotate_quarter(image: Image.Image, turn: int) -> Image.Image:
    """Lossless quarter turn, counter-clockwise degrees."""
    transpose = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }
    return image.transpose(transpose[turn]) if turn else image


def deskew_image(image: Image.Image, angle: float) -> Image.Image:
    """Rotate by `angle` degrees counter-clockwise, keeping the page size; the
    corners uncovered are filled white like paper."""
    if abs(angle) < MIN_DESKEW_DEGREES:
        return image
    fill: int | tuple[int, int, int] = (255, 255, 255) if image.mode == "RGB" else 255
    source = image.convert("L") if image.mode == "1" else image
    rotated = source.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)
    return rotated.convert("1") if image.mode == "1" else rotated


def prepare_for_ocr(archival: Image.Image) -> Image.Image:
    """The grayscale image Tesseract reads."""
    return Image.fromarray(to_gray(archival))


def clean_page(
    page: LoadedPage,
    osd: Callable[[Image.Image, float], tuple[int, float] | None],
    confidence_of: Callable[[Image.Image, float], float] | None = None,
) -> CleanPage:
    """LoadedPage → CleanPage: upright, deskewed, with its OCR image."""
    gray = Image.fromarray(to_gray(page.image))
    turn = decide_orientation(gray, page.dpi, osd, confidence_of)
    upright = rotate_quarter(page.image, turn.rotate)
    upright_gray = rotate_quarter(gray, turn.rotate)
    skew = estimate_skew(np.asarray(upright_gray))
    archival = deskew_image(upright, skew)
    applied_skew = skew if abs(skew) >= MIN_DESKEW_DEGREES else 0.0
    unchanged = turn.rotate == 0 and applied_skew == 0.0
    return CleanPage(
        ref=page.ref,
        archival=archival,
        ocr_image=prepare_for_ocr(archival),
        dpi=page.dpi,
        dpi_assumed=page.dpi_assumed,
        rotation=turn.rotate,
        skew_degrees=applied_skew,
        orientation_method=turn.method,
        original_jpeg=page.original_jpeg if unchanged else None,
    )
