"""The hand and the stamp: a blue-ink signature and a red round seal.

Both are drawn as an alpha mask and laid on the page with multiply blending,
as ink on paper: printed text under the seal stays visible but turns dark red.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.fonts import load_font

SIGNATURE_INK = (28, 52, 150)
SEAL_INK = (208, 32, 44)


def multiply(
    page: Image.Image, mask: np.ndarray, colour: tuple[int, int, int], at: tuple[int, int]
) -> None:
    """Blend `colour` with opacity `mask` (0–1, h×w) onto `page` at `at`, in place."""
    x0, y0 = at
    h, w = mask.shape
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(page.width, x0 + w), min(page.height, y0 + h)
    if px0 >= px1 or py0 >= py1:
        return
    region = np.asarray(page.crop((px0, py0, px1, py1)), dtype=np.float32)
    a = mask[py0 - y0 : py1 - y0, px0 - x0 : px1 - x0, None]
    tint = np.asarray(colour, dtype=np.float32) / 255.0
    out = region * (1.0 - a * (1.0 - tint))
    page.paste(Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8)), (px0, py0))


def _smooth(points: list[tuple[float, float]], per_segment: int) -> list[tuple[float, float]]:
    """Catmull-Rom spline through `points`."""
    if len(points) < 3:
        return points
    pts = [points[0], *points, points[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(per_segment):
            t = k / per_segment
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[d]
                        + (-p0[d] + p2[d]) * t
                        + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2
                        + (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3
                    )
                    for d in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def signature_mask(seed: int, width: int, height: int) -> np.ndarray:
    """A handwritten-looking signature: a looping initial, a run of cursive
    loops and an underline flourish, with pen pressure varying along the stroke."""
    rng = random.Random(seed)
    scale = 3  # draw large, then shrink: smooth anti-aliased strokes
    w, h = width * scale, height * scale
    canvas = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(canvas)
    pen = max(2.0, height * scale * rng.uniform(0.022, 0.032))

    slant = math.tan(math.radians(rng.uniform(12, 28)))
    strokes: list[list[tuple[float, float]]] = []
    # The initial: a tall capital loop on the left.
    x0 = w * rng.uniform(0.04, 0.12)
    top, base = h * rng.uniform(0.04, 0.16), h * rng.uniform(0.6, 0.7)
    cap_w = w * rng.uniform(0.08, 0.14)
    strokes.append(
        [
            (x0, base + h * 0.05),
            (x0 + cap_w * 0.3, top + h * 0.25),
            (x0 + cap_w * 0.6, top),
            (x0 + cap_w * 0.75, top + h * 0.15),
            (x0 + cap_w * 0.35, h * 0.5),
            (x0 + cap_w * 0.1, h * 0.45),
            (x0 + cap_w * 0.55, h * 0.42),
            (x0 + cap_w * 1.0, base),
        ]
    )
    # The cursive run: humps (n, m), loops (l, h) and cups (u), one pen stroke.
    x = x0 + cap_w * 1.05
    end = w * rng.uniform(0.7, 0.84)
    mid = h * rng.uniform(0.5, 0.58)
    pts: list[tuple[float, float]] = [(x, base)]
    while x < end:
        shape = rng.random()
        step = w * rng.uniform(0.035, 0.06)
        if shape < 0.35:  # hump
            pts += [
                (x + step * 0.3, mid - h * 0.12),
                (x + step * 0.7, mid - h * 0.1),
                (x + step, base),
            ]
        elif shape < 0.65:  # tall loop
            tall = h * rng.uniform(0.05, 0.2)
            pts += [
                (x + step * 0.6, mid - h * 0.15),
                (x + step * 0.8, tall),
                (x + step * 0.45, tall + h * 0.05),
                (x + step * 0.5, base),
            ]
        else:  # cup
            pts += [
                (x + step * 0.2, mid - h * 0.08),
                (x + step * 0.55, base),
                (x + step, mid - h * 0.1),
            ]
        x += step
    strokes.append(pts)
    # The flourish: from the last letter a long stroke sweeping back underneath.
    fy = h * rng.uniform(0.74, 0.88)
    strokes.append(
        [
            (x, base),
            (x + w * 0.06, mid),
            (x + w * 0.08, fy - h * 0.12),
            (w * rng.uniform(0.5, 0.62), fy),
            (w * rng.uniform(0.15, 0.3), fy + h * rng.uniform(-0.05, 0.07)),
            (w * rng.uniform(0.03, 0.1), fy - h * rng.uniform(0.04, 0.14)),
        ]
    )
    if rng.random() < 0.6:  # a tick above, as many signatures have
        cx, cy = w * rng.uniform(0.45, 0.75), h * rng.uniform(0.06, 0.2)
        strokes.append([(cx, cy + h * 0.05), (cx + w * 0.04, cy - h * 0.03), (cx + w * 0.07, cy)])
    # Handwriting leans right.
    strokes = [[(px + (base - py) * slant * 0.6, py) for px, py in st] for st in strokes]

    for stroke in strokes:
        path = _smooth(stroke, 24)
        n = len(path)
        phase = rng.uniform(0, math.tau)
        for i in range(n - 1):
            t = i / max(1, n - 1)
            taper = min(1.0, t * 6, (1 - t) * 5) * 0.7 + 0.3
            width_i = pen * taper * (0.8 + 0.25 * math.sin(phase + t * 9))
            draw.line([path[i], path[i + 1]], fill=255, width=max(1, round(width_i)))
            r = width_i / 2
            px, py = path[i + 1]
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
    small = canvas.resize((width, height), Image.Resampling.LANCZOS)
    mask = np.asarray(small, dtype=np.float32) / 255.0
    return np.clip(mask * 0.95, 0, 1)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    pts = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def seal_mask(text: str, diameter: int, seed: int) -> np.ndarray:
    """A round seal: thick outer ring, thin inner ring, `text` around between
    them from the lower left over the top, a star at the bottom and in the centre.
    Ink coverage is uneven (a hand-pressed stamp)."""
    rng = random.Random(seed)
    scale = 2
    d = diameter * scale
    img = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(img)
    c = d / 2
    r_out = c * 0.98
    ring = d * 0.03
    draw.ellipse((c - r_out, c - r_out, c + r_out, c + r_out), outline=255, width=round(ring))
    r_in = r_out * 0.70
    draw.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=round(ring * 0.45))

    # Text around the ring, centred on the top; starts and ends near the bottom.
    size = (r_out - ring - r_in) * 0.66
    font = load_font("Liberation Sans", "bold", size)
    r_text = (r_out - ring + r_in) / 2 - size * 0.3
    widths = [font.getlength(ch) for ch in text]
    # Letters are spread to fill the ring (about 290°), leaving room at the
    # bottom for the small star; a long name is squeezed instead.
    span = math.radians(290)
    gap = max(size * 0.05, (span * r_text - sum(widths)) / max(1, len(text) - 1))
    total = sum(widths) + gap * (len(text) - 1)
    squeeze = min(1.0, span * r_text / total)
    span = total * squeeze / r_text
    angle = -math.pi / 2 - span / 2  # radians, 0 = 3 o'clock, y downwards
    for ch, cw in zip(text, widths, strict=True):
        step = (cw + gap) / r_text * squeeze
        a = angle + cw / r_text * squeeze / 2
        angle += step
        if ch == " ":
            continue
        glyph = Image.new("L", (int(size * 2), int(size * 2)), 0)
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        gx = c + r_text * math.cos(a) - glyph.width / 2
        gy = c + r_text * math.sin(a) - glyph.height / 2
        img.paste(255, (round(gx), round(gy)), glyph)
    draw.polygon(_star(c, c + (r_out + r_in) / 2 - ring * 0.2, size * 0.45), fill=255)
    draw.polygon(_star(c, c, r_in * 0.42), fill=255)

    img = img.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
    small = img.resize((diameter, diameter), Image.Resampling.LANCZOS)
    mask = np.asarray(small.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32) / 255.0
    # Uneven ink: a smooth pressure field (one side pressed harder) and grain.
    nrng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:diameter, 0:diameter] / diameter
    tilt = rng.uniform(0, math.tau)
    pressure = 0.78 + 0.2 * np.cos(tilt) * (xx - 0.5) * 2 + 0.2 * np.sin(tilt) * (yy - 0.5) * 2
    field = Image.fromarray((nrng.random((diameter, diameter)) * 255).astype(np.uint8))
    blotch = np.asarray(field.filter(ImageFilter.GaussianBlur(diameter / 40)), dtype=np.float32)
    blotch = (blotch - blotch.mean()) / (blotch.std() + 1e-6)
    grain = nrng.random((diameter, diameter)) > 0.03
    mask = mask * np.clip(pressure + 0.12 * blotch, 0.25, 1.0) * grain
    return np.clip(mask * 1.05, 0, 1).astype(np.float32)
