"""Image cleanup: find how the page is turned and skewed, and give OCR a clean image.

The scan itself is never resampled: the archive keeps its pixels (and, where
possible, its bytes) as delivered, and the PDF page draws them turned by the
angle found here (Thông tư 05/2025: the digitized copy is the scan itself,
colour kept, 100% scale). Only the OCR image is cleaned: colour ink dropped,
turned upright, straightened, scanner borders whitened, light flattened.
Nothing of it reaches the archive but the words read from it.

Orientation without Tesseract OSD (which costs ~0.3 s a page whatever its
size): the direction of the text lines tells 0°/180° from 90°/270°, and the
balance of ink above and below each line's x-height (diacritics, capitals and
ascenders sit above; only a few descenders hang below) tells upright from
upside down. OSD is asked only when that balance is too close to call, and
OCR confidence is the last word (pipeline/pages.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from sohoa.models import CleanPage, LoadedPage
from sohoa.pipeline.ink import is_blank

# The settings below were chosen on real scans (../shared/real-dev, bench/bench_real.py),
# by the metadata fields read right and wrong and by the text layer's CER, each
# against the alternative in the comment. Fields are the stricter measure: a
# tone mark lost in a trích yếu makes the field wrong, and CER hardly moves.
# Not done, for the same reason: reading scans under 180 dpi enlarged to 200
# (cubic) lowered the CER (1.2% against 1.3%) but read 3 fields fewer of 147.

#: Skew below this is left as scanned. Straightening from 0.1° on (rather than
#: from 0.5° at 300 dpi, 0.75° at 200): 9 more fields right of 147, 6 fewer wrong;
#: Tesseract reads the header's short lines worse when they slant.
MIN_DESKEW_DEGREES = 0.1
#: Chroma (max − min channel) from which a pixel starts to count as coloured
#: ink, and from which it fully does (drop_colour_ink). (0, 1): every pixel
#: takes its brightest channel; a blend from 25 to 65 read 5 fields fewer.
COLOUR_CHROMA = (0.0, 1.0)
#: Paper this much darker somewhere than at its brightest is unevenly lit
#: (flattening an evenly lit page or not made no difference to the fields).
UNEVEN_LIGHT = 0.85
#: Thin light graphics (seals, signatures) thinned in colour scans too, where
#: colour already drops most of them (off: 1 field fewer).
ERASE_ON_COLOUR = True
#: How a straightened page is resampled (cubic: 7 fields fewer, 5 more wrong).
DESKEW_INTERPOLATION = cv2.INTER_LINEAR
#: Darker than this (0–255, after cleanup) is ink.
INK_LEVEL = 128
#: Largest skew we correct; beyond it the page is more likely a table or a photo.
MAX_SKEW_DEGREES = 15.0
#: Fewer text lines than this do not decide upright from upside down: ask OSD.
MIN_VOTING_LINES = 5
#: |upright_score| below this is too close to call: ask OSD.
AMBIGUOUS_SCORE = 0.15
#: OSD confidence under which its answer is not trusted.
OSD_MIN_CONFIDENCE = 2.0

#: OSD probe: (image, dpi) → (counter-clockwise degrees to make upright, confidence).
OrientationProbe = Callable[[Image.Image, float], "tuple[int, float] | None"]


def to_gray(image: Image.Image) -> np.ndarray:
    """8-bit grayscale pixels of any page image."""
    if image.mode == "L":
        return np.asarray(image)
    if image.mode == "1":
        return np.asarray(image.convert("L"))
    return luminance(np.asarray(image if image.mode == "RGB" else image.convert("RGB")))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """8-bit grayscale of RGB pixels (ITU-R 601 weights)."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def analysis_copy(gray: np.ndarray, max_side: int = 1600) -> np.ndarray:
    """A copy small enough to measure a page by (direction, skew, ink): the
    measures need the shape of lines, not the letters, and a full page costs
    tens of milliseconds per look."""
    scale = min(1.0, max_side / max(gray.shape))
    if scale >= 1:
        return gray
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def has_colour_ink(rgb: np.ndarray) -> bool:
    """Whether the page carries coloured marks (seal, signature) worth dropping."""
    small = rgb[:: max(1, rgb.shape[0] // 400), :: max(1, rgb.shape[1] // 300)].astype(np.int16)
    chroma = small.max(axis=2) - small.min(axis=2)
    return bool((chroma > 60).mean() > 0.0005)


def drop_colour_ink(rgb: np.ndarray, lum: np.ndarray | None = None) -> np.ndarray:
    """Grayscale in which red seals and blue ink vanish but black print stays as it is.

    Where a pixel is coloured, the brightest of its three channels: a red
    stamp is bright in the red channel and blue ink in the blue one, so both
    become near-white, while black text printed under a seal stays dark (ink
    multiplies: red over black is still black, and not coloured). Where it
    is not coloured, plain luminance (`lum`, computed when not given), as a
    scan without colour would give: the maximum of three noisy channels would
    lighten thin black strokes. In between, a blend by chroma.
    """
    r, g, b = cv2.split(rgb)
    brightest = cv2.max(cv2.max(r, g), b)
    chroma = cv2.subtract(brightest, cv2.min(cv2.min(r, g), b))
    if lum is None:
        lum = luminance(rgb)
    weight = cv2.LUT(chroma, _CHROMA_WEIGHT)  # 0 … 255
    lighter = cv2.multiply(cv2.subtract(brightest, lum), weight, scale=1 / 255)
    return cv2.add(lum, lighter)


_CHROMA_WEIGHT = (
    np.clip(
        (np.arange(256, dtype=np.float32) - COLOUR_CHROMA[0])
        / (COLOUR_CHROMA[1] - COLOUR_CHROMA[0]),
        0,
        1,
    )
    * 255
).astype(np.uint8)


def histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel count of each of the 256 levels of an 8-bit image."""
    return cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel().astype(np.int64)


def percentile_of(hist: np.ndarray, q: float) -> float:
    """`np.percentile` (linear, NumPy's own rounding) of the pixels a 256-level
    histogram counts: the same value, without sorting millions of pixels."""
    cumulative = np.cumsum(hist)
    n = int(cumulative[-1])
    if n == 0:
        raise ValueError("percentile of no pixels")
    index = q / 100 * (n - 1)
    low = math.floor(index)
    t = index - low
    a = float(np.searchsorted(cumulative, low, side="right"))
    b = float(np.searchsorted(cumulative, min(low + 1, n - 1), side="right"))
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


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
    rows = (ys * math.cos(theta) - xs * math.sin(theta)).astype(np.int32)
    hist = np.bincount(rows - rows.min())
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
    if len(ys) > 150_000:  # subsample dense pages: the histogram shape is what counts
        pick = np.random.default_rng(0).choice(len(ys), 150_000, replace=False)
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


def whiten_borders(gray: np.ndarray) -> np.ndarray:
    """Paint white the dark regions touching the image edge: the scanner lid,
    the shadow beyond the paper. They are not text, and they fool Tesseract's
    binarisation and layout analysis."""
    scale = 0.25
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    dark = (small < 90).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    if count <= 1:
        return gray
    h, w = dark.shape
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    ww, hh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    touches = (x == 0) | (y == 0) | (x + ww >= w) | (y + hh >= h)
    # A border runs along an edge: long in one direction. Text that happens to
    # touch the edge is short in both.
    long_side = np.maximum(ww / w, hh / h)
    border = touches & (long_side > 0.2) & (stats[:, cv2.CC_STAT_AREA] > 0.002 * h * w)
    border[0] = False
    if not border.any():
        return gray
    mask = border[labels].astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[mask > 0] = 255
    return out


def flatten_illumination(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Divide by the paper's own brightness: a page dim at one edge becomes evenly white.

    The background is the page with the text removed (a max filter wider than
    a letter), smoothed; dividing by it leaves the ink and a flat white paper.
    A page whose paper is evenly lit is left as it is: there is nothing to
    gain, and the division changes the contrast of thin strokes.
    """
    scale = min(1.0, 75.0 / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))
    background = cv2.dilate(small, kernel)
    background = cv2.GaussianBlur(background, (0, 0), 6)
    low, high = np.percentile(background, (2, 98))
    if low >= UNEVEN_LIGHT * high:
        return gray
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    background = np.maximum(background, 1)
    return cv2.divide(gray, background, scale=255)


def erase_light_graphics(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Thin out seals and signatures on grayscale scans, where colour cannot tell them apart.

    A seal ring or a signature is one large, sparse stroke figure (15–90 mm
    wide, 10–60 mm tall, under 30% ink); inside its box, ink lighter than the
    page's print is erased. Printed text there is darker than a stamp or a
    pen and survives, so the signer lines the seal overlaps can be read.
    Tesseract's layout analysis otherwise takes the whole block for a picture.
    """
    scale = min(1.0, 150.0 / dpi)
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    threshold, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    mm = dpi * scale / 25.4
    w, h, area = (stats[1:, i].astype(np.int64) for i in (2, 3, 4))
    sparse = (15 * mm < w) & (w < 90 * mm) & (10 * mm < h) & (h < 60 * mm) & (area < 0.3 * w * h)
    boxes = [
        (bx - 0.05 * bw, by - 0.05 * bh, bx + 1.05 * bw, by + 1.05 * bh)
        for bx, by, bw, bh in stats[1:][sparse, :4].tolist()
    ]
    if not boxes:
        return gray
    dark = np.where(np.arange(256) < threshold, histogram(gray), 0)
    # The print's own darkness: most toner pixels are far darker than a stamp.
    cut = min(110.0, percentile_of(dark, 10) + 50.0) if dark.any() else 110.0
    out = gray.copy()
    height, width = gray.shape
    for x0, y0, x1, y1 in boxes:
        top, bottom = max(0, int(y0 / scale)), min(height, int(y1 / scale))
        left, right = max(0, int(x0 / scale)), min(width, int(x1 / scale))
        region = out[top:bottom, left:right]
        region[region > cut] = 255
    return out


def turn_quarter(gray: np.ndarray, degrees: int) -> np.ndarray:
    """Lossless quarter turn, counter-clockwise (PIL's convention)."""
    k = (degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, k)) if k else gray


def straighten(gray: np.ndarray, angle: float, paper: int = 255) -> np.ndarray:
    """Rotate by `angle` degrees counter-clockwise about the centre onto a
    canvas large enough for all of it (nothing of the scan is cut off).

    The uncovered corners take the `paper`'s own brightness: a white canvas
    around a yellowed or dim page draws slanted edges that later steps take
    for ink (the light flattening darkens the paper beside them).
    """
    if abs(angle) < MIN_DESKEW_DEGREES:
        return gray
    height, width = gray.shape
    out_w, out_h = turned_size(width, height, angle)
    # Pixel-index centre ((w−1)/2, (h−1)/2) is the page centre w/2, h/2 in the
    # continuous coordinates the PDF page is turned about; the canvas keeps it
    # at its own centre.
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), angle, 1.0)
    matrix[0, 2] += (out_w - width) / 2
    matrix[1, 2] += (out_h - height) / 2
    return cv2.warpAffine(
        gray,
        matrix,
        (out_w, out_h),
        flags=DESKEW_INTERPOLATION,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=paper,
    )


def needs_canvas(canvas: tuple[int, int], shape: tuple[int, ...], seen: np.ndarray) -> bool:
    """Whether the straightened page needs the larger canvas: a mark lies
    outside the scan's own size, at the canvas's centre.

    Straightening turns the scan inside a larger canvas (`canvas`, height ×
    width). Its corners beyond the scan's own size are blank paper on almost
    every page, and the page keeps its paper size (A4 stays A4, and prints
    so); when a mark reaches beyond (a picture to its edges, writing in a
    corner), the page keeps the larger canvas: nothing written is ever cut
    off. `seen` is a small copy of the straightened scan in luminance, where
    marks of every colour show.
    """
    height = canvas[0]
    want_h, want_w = shape[0], shape[1]
    k = seen.shape[0] / height
    ink = seen < INK_LEVEL
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    cols = np.flatnonzero(ink.sum(axis=0) >= 2)
    top, left = centre_offset(canvas, shape)
    return bool(len(rows)) and not (
        rows[0] >= (top - 1) * k
        and rows[-1] <= (top + want_h + 1) * k
        and cols[0] >= (left - 1) * k
        and cols[-1] <= (left + want_w + 1) * k
    )


def centre_offset(outer: tuple[int, ...], inner: tuple[int, ...]) -> tuple[int, int]:
    """Where an `inner` (height, width) at the centre of `outer` starts: (top, left).
    The one rule for where the scan sits in its straightened canvas (needs_canvas,
    centre_crop, and the word boxes of pages.py)."""
    return (outer[0] - inner[0]) // 2, (outer[1] - inner[1]) // 2


def centre_crop(image: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The `shape` (height, width) at the centre of `image` (`centre_offset`)."""
    top, left = centre_offset(image.shape, shape)
    return np.ascontiguousarray(image[top : top + shape[0], left : left + shape[1]])


def turned_size(width: int, height: int, angle: float) -> tuple[int, int]:
    """Pixel size of the bounding box of a width × height image turned by
    `angle` degrees, grown by an even number of pixels on each axis.

    Even: the scan then sits at a whole-pixel offset in the canvas, so that
    its centre crop is the scan turned in place; an odd margin would shift
    every pixel by half a pixel, a blur that costs the stacked tone marks.
    """
    if abs(angle) < MIN_DESKEW_DEGREES:
        return width, height
    theta = math.radians(angle)
    cos, sin = abs(math.cos(theta)), abs(math.sin(theta))
    out_w, out_h = width * cos + height * sin, width * sin + height * cos
    return width + 2 * math.ceil((out_w - width) / 2), height + 2 * math.ceil((out_h - height) / 2)


def upright_score(clean: np.ndarray) -> float:
    """The median vote of `upright_votes` (0 when there are none)."""
    votes = upright_votes(clean)
    return float(np.median(votes)) if votes else 0.0


def upright_votes(clean: np.ndarray) -> list[float]:
    """Positive when the (straight, horizontal-line) page is upright, negative when upside down.

    For each text line, the ink above its x-height band (diacritics, capitals,
    ascenders: Vietnamese is heavy with marks above the letters) is compared
    with the ink below it (descenders, the dot below); the median over lines
    of (above − below) / (above + below) is the score. One vote per line.
    """
    # A whole-number reduction to 1500–3000 px: OpenCV's area averaging is four times
    # faster by a whole factor, and a line's ink above and below it is as clear.
    factor = max(1, max(clean.shape) // 1500)
    small = (
        cv2.resize(clean, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
        if factor > 1
        else clean
    )
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    profile = ink.sum(axis=1).astype(np.float64)
    if profile.max() <= 0:
        return []
    on = profile > 0.02 * profile.max()
    votes: list[float] = []
    y, n = 0, len(profile)
    while y < n:
        if not on[y]:
            y += 1
            continue
        start = y
        while y < n and on[y]:
            y += 1
        band = profile[start:y]
        if len(band) < 4:
            continue
        core = np.flatnonzero(band > 0.5 * band.max())
        above, below = band[: core[0]].sum(), band[core[-1] + 1 :].sum()
        if above + below > 0:
            votes.append((above - below) / (above + below))
    return votes


def clean_page(
    page: LoadedPage,
    osd: OrientationProbe | None = None,
    keep: Callable[[str, np.ndarray], None] | None = None,
    *,
    as_delivered: bool = False,
) -> CleanPage:
    """LoadedPage → CleanPage: the turn and skew of the page, and its OCR image.

    A blank page is recognised first and left as it is (`blank`). With
    `as_delivered` the page is neither turned nor straightened: for a page
    with no text to tell its orientation by (a picture), which is never
    turned on a guess. `keep(stage, pixels)` receives each intermediate image
    (--keep-intermediates).
    """
    keep = keep or (lambda stage, pixels: None)
    rgb = np.asarray(page.image) if page.image.mode == "RGB" else None  # a copy: once
    lum = luminance(rgb) if rgb is not None else to_gray(page.image)
    colour = rgb is not None and has_colour_ink(rgb)
    gray = drop_colour_ink(rgb, lum) if rgb is not None and colour else lum
    keep("1-ink-dropped", gray)
    small_lum = analysis_copy(lum)
    if is_blank(small_lum, page.dpi * small_lum.shape[0] / lum.shape[0]):  # colour print counts
        return _clean(page, gray, rotation=0, skew=0.0, method="blank", blank=True)
    if as_delivered:
        clean = _clean_image(gray, page.dpi, colour, keep)
        return _clean(page, clean, rotation=0, skew=0.0, method="as delivered")
    small = analysis_copy(gray) if colour else small_lum
    base = 0 if lines_are_horizontal(small) else 90
    turned = turn_quarter(gray, base)
    skew = estimate_skew(turn_quarter(small, base))
    if abs(skew) < MIN_DESKEW_DEGREES:
        skew = 0.0
    straight = straighten(turned, skew, paper=int(percentile_of(histogram(small), 90)))
    canvas: tuple[int, int] | None = None
    if skew:
        # Marks of any colour count here (a red stamp in a corner is kept).
        seen = straighten(turn_quarter(small_lum, base), skew, paper=255)
        if needs_canvas(straight.shape, turned.shape, seen):
            canvas = (straight.shape[1], straight.shape[0])
        # OCR reads the scan's own size at the canvas's centre even so: on
        # real scans the larger canvas read 6 fields fewer of 147 (the
        # corners' edges and the wider margin change Tesseract's layout).
        straight = centre_crop(straight, turned.shape)
    keep("2-straightened", straight)
    clean = _clean_image(straight, page.dpi, colour, keep)
    votes = upright_votes(clean)
    score = float(np.median(votes)) if votes else 0.0
    flip, method = score <= -AMBIGUOUS_SCORE, "lines"
    if abs(score) < AMBIGUOUS_SCORE or len(votes) < MIN_VOTING_LINES:
        # Too close to call from the ink, or too few lines to vote (a short
        # Latin line full of descenders looks upside down): OSD decides when
        # it is sure; when it is not, the page stays as delivered (the
        # reading's confidence has the last word, pipeline/pages.py).
        flip, method = False, "as delivered"
        if osd is not None:
            half = Image.fromarray(
                cv2.resize(clean, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            )
            found = osd(half, page.dpi / 2)
            if found is not None and found[1] >= OSD_MIN_CONFIDENCE and found[0] in (0, 180):
                flip, method = found[0] == 180, "osd"
    if flip:
        clean = np.ascontiguousarray(clean[::-1, ::-1])
    return _clean(
        page,
        clean,
        rotation=(base + (180 if flip else 0)) % 360,
        skew=skew,
        method=method,
        canvas=canvas,
    )


def _clean_image(
    gray: np.ndarray, dpi: float, colour: bool, keep: Callable[[str, np.ndarray], None]
) -> np.ndarray:
    """Each step changes the page only where its problem is there to fix."""
    bordered = whiten_borders(gray)
    keep("3-borders-whitened", bordered)
    flat = flatten_illumination(bordered, dpi)
    keep("4-light-flattened", flat)
    if colour and not ERASE_ON_COLOUR:
        return flat  # colour already told seals and signatures from print
    clean = erase_light_graphics(flat, dpi)
    keep("5-graphics-thinned", clean)
    return clean


def _clean(
    page: LoadedPage,
    ocr: np.ndarray,
    *,
    rotation: int,
    skew: float,
    method: str,
    blank: bool = False,
    canvas: tuple[int, int] | None = None,
) -> CleanPage:
    return CleanPage(
        ref=page.ref,
        archival=page.image,
        ocr_image=Image.fromarray(ocr),
        dpi=page.dpi,
        dpi_assumed=page.dpi_assumed,
        rotation=rotation,
        skew_degrees=round(skew, 2),
        orientation_method=method,
        original=page.original,
        blank=blank,
        canvas=canvas,
    )
