"""Turning a clean page into what a scanner delivers.

Order matters and follows a real scan: the paper itself (tone, dust) is laid
on the glass skewed and maybe turned; then the scanner's own faults, which
live in the scanner's frame, not the paper's (an uneven lamp, the black strip
of a lifted lid, optics blur, sensor noise); then its compression.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageFilter

from samples.spec import Damage

Point = tuple[float, float]

#: Off-white of office paper and the yellow of old paper, RGB.
_WHITE_PAPER = np.array([250.0, 249.0, 245.0])
_OLD_PAPER = np.array([236.0, 228.0, 205.0])


def degrade(image: Image.Image, damage: Damage, rng: np.random.Generator) -> Image.Image:
    """Apply `damage` to a clean RGB page, JPEG compression included.

    The result is what opening the scanner's file gives: RGB (or L when
    `damage.grayscale`), rotated by `damage.rotation` clockwise and skewed by
    `damage.skew` degrees counter-clockwise.
    """
    out = degrade_pixels(image, damage, rng)
    if damage.jpeg_quality is not None:
        out = Image.open(io.BytesIO(encode_jpeg(out, damage.jpeg_quality, damage.dpi)))
        out.load()
    return out


def encode_jpeg(image: Image.Image, quality: int, dpi: int) -> bytes:
    """JPEG bytes as a scanner writes them (4:2:0, baseline, JFIF dpi)."""
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, subsampling=2, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def degrade_pixels(image: Image.Image, damage: Damage, rng: np.random.Generator) -> Image.Image:
    """Everything `degrade` does except the final JPEG compression."""
    k = damage.dpi / 300.0
    arr = np.asarray(image.convert("RGB"), dtype=np.float32)
    h, w = arr.shape[:2]

    # 1. The paper: its tone multiplies the page; ink stays dark.
    tone = _WHITE_PAPER + (_OLD_PAPER - _WHITE_PAPER) * damage.paper_tone
    arr = arr * (tone / 255.0)

    # 2. Dust and toner specks, on the paper.
    if damage.speckles:
        _speckle(arr, damage.speckles, k, rng)

    page = Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))
    fill = tuple(int(v) for v in tone)
    # 3. Laid skewed on the glass; the scanner lid (white) shows in the corners.
    if damage.skew:
        page = page.rotate(damage.skew, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    # 4. Fed sideways or upside down.
    page = quarter_turn(page, damage.rotation)

    arr = np.asarray(page, dtype=np.float32)
    h, w = arr.shape[:2]
    # 5. The lamp: a smooth falloff towards one edge.
    if damage.illumination:
        arr *= _light_falloff(w, h, damage.illumination, damage.illumination_edge)[..., None]
    # 6. A lifted lid leaves black strips with a soft, slightly wavy edge.
    if damage.border_px and damage.border_sides:
        _border(arr, damage.border_px, damage.border_sides, rng)
    page = Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))
    # 7. Optics.
    if damage.blur:
        page = page.filter(ImageFilter.GaussianBlur(damage.blur * k))
    # 8. Sensor noise.
    if damage.grayscale:
        page = page.convert("L")
    if damage.noise:
        arr = np.asarray(page, dtype=np.float32)
        arr = arr + rng.normal(0.0, damage.noise, arr.shape).astype(np.float32)
        page = Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))
    return page


def quarter_turn(image: Image.Image, rotation: int) -> Image.Image:
    """Turn `image` clockwise by `rotation` degrees (0, 90, 180, 270)."""
    ops = {
        0: None,
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    op = ops[rotation]
    return image if op is None else image.transpose(op)


def map_point(p: Point, size: tuple[int, int], damage: Damage) -> Point:
    """Where point `p` of the clean page (size w×h) lands in the scan."""
    w, h = size
    x, y = p
    if damage.skew:
        # Pillow rotates counter-clockwise about the image centre.
        a = math.radians(damage.skew)
        cx, cy = w / 2.0, h / 2.0
        dx, dy = x - cx, y - cy
        x = cx + dx * math.cos(a) + dy * math.sin(a)
        y = cy - dx * math.sin(a) + dy * math.cos(a)
    if damage.rotation == 90:
        x, y = h - y, x
    elif damage.rotation == 180:
        x, y = w - x, h - y
    elif damage.rotation == 270:
        x, y = y, w - x
    return x, y


def map_box(
    box: tuple[int, int, int, int], size: tuple[int, int], damage: Damage
) -> tuple[int, int, int, int]:
    """The axis-aligned box, in the scan, around a box of the clean page."""
    left, top, right, bottom = box
    pts = [
        map_point(p, size, damage)
        for p in ((left, top), (right, top), (left, bottom), (right, bottom))
    ]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))


def _speckle(arr: np.ndarray, count: int, k: float, rng: np.random.Generator) -> None:
    h, w = arr.shape[:2]
    for _ in range(count):
        r = max(1.0, rng.uniform(0.8, 3.2) * k)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        darkness = rng.uniform(0.35, 0.9)
        x0, x1 = int(max(0, cx - r - 1)), int(min(w, cx + r + 2))
        y0, y1 = int(max(0, cy - r - 1)), int(min(h, cy + r + 2))
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d = np.hypot(xx - cx, yy - cy)
        cover = np.clip(r + 0.5 - d, 0, 1) * darkness
        arr[y0:y1, x0:x1] *= (1 - cover)[..., None]


def _light_falloff(w: int, h: int, level: float, edge: str) -> np.ndarray:
    if edge in ("left", "right"):
        t = np.linspace(0.0, 1.0, w, dtype=np.float32)
        t = t if edge == "right" else t[::-1]
        ramp = np.broadcast_to(t[None, :], (h, w))
    else:
        t = np.linspace(0.0, 1.0, h, dtype=np.float32)
        t = t if edge == "bottom" else t[::-1]
        ramp = np.broadcast_to(t[:, None], (h, w))
    # Smooth: flat over most of the page, falling off in the last third.
    return 1.0 - level * np.clip((ramp - 0.35) / 0.65, 0, 1) ** 1.6


def _border(arr: np.ndarray, width: int, sides: tuple[str, ...], rng: np.random.Generator) -> None:
    h, w = arr.shape[:2]
    for side in sides:
        length = h if side in ("left", "right") else w
        # A slowly wandering edge: a few random sines.
        pos = np.arange(length, dtype=np.float32)
        wobble = np.zeros(length, dtype=np.float32)
        for _ in range(3):
            wobble += rng.uniform(0.5, 3.0) * np.sin(
                pos / rng.uniform(80, 600) + rng.uniform(0, 6.3)
            )
        edge = width + wobble
        depth = np.arange(int(width * 1.6) + 8, dtype=np.float32)
        # Opacity 1 inside the strip, a soft shadow of ~6 px outside it.
        cover = np.clip((edge[:, None] - depth[None, :]) / 6.0 + 1.0, 0, 1)
        dark = 22.0 + rng.normal(0, 3.0, cover.shape).astype(np.float32)
        n = depth.size
        if side == "left":
            region = arr[:, :n]
            arr[:, :n] = region * (1 - cover[..., None]) + dark[..., None] * cover[..., None]
        elif side == "right":
            region = arr[:, w - n :][:, ::-1]
            arr[:, w - n :] = (
                region * (1 - cover[..., None]) + dark[..., None] * cover[..., None]
            )[:, ::-1]
        elif side == "top":
            region = arr[:n, :].transpose(1, 0, 2)
            arr[:n, :] = (
                region * (1 - cover[..., None]) + dark[..., None] * cover[..., None]
            ).transpose(1, 0, 2)
        else:
            region = arr[h - n :, :][::-1].transpose(1, 0, 2)
            blended = region * (1 - cover[..., None]) + dark[..., None] * cover[..., None]
            arr[h - n :, :] = blended.transpose(1, 0, 2)[::-1]
