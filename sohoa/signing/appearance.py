"""The visible signature of a digitized copy, and where it goes on page 1.

Nghị định 30/2020 Phụ lục I (chữ ký số của cơ quan trên bản sao điện tử): top
right of the first page, no image, Times New Roman, size 10, black, giving the
copy type ("SAO Y"), the agency name and the signing time in ISO 8601 with the
Vietnam offset. Liberation Serif is metric-compatible with Times New Roman,
covers every Vietnamese precomposed letter, and is free to embed (SIL OFL),
which PDF/A requires (ISO 19005-2 §6.2.11.4: every font embedded).

The box must not cover the document's own marks: `place_box` searches the top
right whitespace left by the OCR'd words and every other mark (stamps,
handwriting), keeping 10 pt when a spot exists and shrinking down to 7 pt
otherwise; when none is free, or the page is too small, it says why and the
signature is made without a visible mark.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import ArrayObject, NameObject, NumberObject

from sohoa.vntime import VIETNAM

FONT_SIZES = (10, 9, 8, 7)
"""Sizes tried in order: 10 pt is the decree's size, 7 pt the smallest still legible."""
EDGE_MARGIN = 14.0
"""Distance (pt, ≈ 5 mm) kept from the page edge: inside every printer's printable area."""
PADDING = 2.0
"""Inner padding of the box around the text (pt)."""
CLEARANCE = 2.0
"""Minimum gap (pt) between the box and any occupied text box."""
LEADING = 1.15
"""Line spacing as a multiple of the font size."""

Box = tuple[float, float, float, float]


def font_path() -> Path:
    """The embedded signature font: Liberation Serif Regular cut down to Vietnamese
    Latin by scripts/make_stamp_font.py (SIL OFL 1.1)."""
    return Path(str(resources.files("sohoa") / "data" / "fonts" / "LiberationSerif-Vietnamese.ttf"))


@functools.cache
def _metrics() -> tuple[int, dict[int, int], dict[str, int]]:
    """(units per em, cmap, advance widths) of the signature font."""
    font = TTFont(str(font_path()), lazy=True)
    upem = font["head"].unitsPerEm
    cmap = dict(font.getBestCmap())
    widths = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
    font.close()
    return upem, cmap, widths


def text_width(text: str, size: float) -> float:
    """Advance width of `text` in points at `size` (no kerning: an upper bound is fine)."""
    upem, cmap, widths = _metrics()
    notdef = widths.get(".notdef", upem // 2)
    units = sum(widths.get(cmap.get(ord(ch), ".notdef"), notdef) for ch in text)
    return units * size / upem


def missing_glyphs(text: str) -> str:
    """Characters of `text` the font cannot draw (they would print as boxes)."""
    _upem, cmap, _widths = _metrics()
    return "".join(sorted({ch for ch in text if ord(ch) not in cmap and not ch.isspace()}))


def format_signing_time(when: datetime) -> str:
    """ISO 8601 in Vietnam time, to the second: 2021-05-31T14:03:00+07:00."""
    if when.tzinfo is None:
        raise ValueError("signing time must be timezone-aware")
    return when.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def stamp_lines(copy_type: str, agency_name: str, when: datetime) -> tuple[str, str, str]:
    """The three lines of the visible signature, in the decree's order."""
    return (copy_type.strip(), agency_name.strip(), format_signing_time(when))


@dataclass(frozen=True)
class Placement:
    """Where the visible signature goes on page 1, and at what size; or why it cannot."""

    rect: Box | None
    """(x0, y0, x1, y1) in PDF points, origin bottom-left of the page; None
    when no blank space holds it (the signature is then made invisible)."""
    font_size: int
    reason: str | None = None
    """Why there is no visible signature, in words (when `rect` is None)."""


def box_size(lines: Sequence[str], size: int) -> tuple[float, float]:
    """(width, height) of the box holding `lines` at `size` pt."""
    width = max(text_width(line, size) for line in lines) + 2 * PADDING
    # one leading per line plus the descent of the last one
    height = len(lines) * size * LEADING + 0.3 * size + 2 * PADDING
    return (round(width + 1, 1), round(height, 1))


#: Points of movement away from the corner worth one point of font size.
SIZE_STEP_COST = 12.0


def place_box(
    page: Box,
    lines: Sequence[str],
    occupied: Sequence[Box] = (),
    *,
    step: float = 2.0,
) -> Placement:
    """Top-right spot of page `page` (x0, y0, x1, y1) free of every `occupied` box.

    Search order: positions in the top-right quarter of the page (Phụ lục I:
    "góc trên, bên phải", where a reader looks for the copy's signature),
    nearest to the corner first, where shrinking the font by one point costs
    as much as moving SIZE_STEP_COST points: a smaller box in the top margin
    beats a 10 pt box pushed down beside the body text. The box never covers
    the document's own marks: when no spot is free, or the page is too small
    for even the 7 pt box, the placement has no `rect` and says why.
    """
    px0, py0, px1, py1 = page
    pw, ph = px1 - px0, py1 - py0
    right = px1 - EDGE_MARGIN
    top = py1 - EDGE_MARGIN
    # The region searched: the top-right quarter of the page, never beyond
    # the edge margins.
    min_x0 = px0 + pw * 0.45
    min_y0 = py0 + ph * 0.70
    smallest = box_size(lines, FONT_SIZES[-1])
    if smallest[0] > right - min_x0 or smallest[1] > top - min_y0:
        return Placement(
            rect=None,
            font_size=FONT_SIZES[-1],
            reason=(
                f"page 1 is {pw / 72 * 2.54:.1f} × {ph / 72 * 2.54:.1f} cm: too small for the "
                f"visible signature (at 7 pt it needs {smallest[0] / 72 * 2.54:.1f} × "
                f"{smallest[1] / 72 * 2.54:.1f} cm in the top-right quarter)"
            ),
        )
    boxes = np.array([tuple(map(float, b)) for b in occupied], dtype=np.float64).reshape(-1, 4)
    boxes = boxes[(boxes[:, 2] > min_x0 - CLEARANCE) & (boxes[:, 3] > min_y0 - CLEARANCE)]
    best: tuple[float, int, Box] | None = None
    for size in FONT_SIZES:
        if best is not None and best[0] <= (FONT_SIZES[0] - size) * SIZE_STEP_COST:
            break  # every spot at this size or smaller costs more than the best found
        w, h = box_size(lines, size)
        dx = np.arange(0.0, right - w - min_x0 + 1e-9, step * 2)
        dy = np.arange(0.0, top - h - min_y0 + 1e-9, step)
        if not len(dx) or not len(dy):
            continue
        x0, y0 = right - dx - w, top - dy - h
        # A box blocks the positions whose rectangle comes within CLEARANCE of it.
        in_x = (x0[:, None] > boxes[:, 0] - w - CLEARANCE) & (x0[:, None] < boxes[:, 2] + CLEARANCE)
        in_y = (y0[:, None] > boxes[:, 1] - h - CLEARANCE) & (y0[:, None] < boxes[:, 3] + CLEARANCE)
        # Logical, not a matrix product: BLAS's threads would spin beside the OCR workers.
        blocked = (in_x[:, None, :] & in_y[None, :, :]).any(axis=2)
        cost = dx[:, None] + dy[None, :] + (FONT_SIZES[0] - size) * SIZE_STEP_COST
        cost[blocked] = np.inf
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        if np.isfinite(cost[i, j]) and (best is None or cost[i, j] < best[0]):
            rect = (float(x0[i]), float(y0[j]), float(x0[i] + w), float(y0[j] + h))
            best = (float(cost[i, j]), size, rect)
    if best is not None:
        return Placement(rect=_rounded(best[2]), font_size=best[1])
    return Placement(
        rect=None,
        font_size=FONT_SIZES[-1],
        reason=(
            "no blank space top-right of page 1 for the visible signature "
            "(Nghị định 30/2020 Phụ lục I): text or marks fill it"
        ),
    )


def _rounded(rect: Box) -> Box:
    return (round(rect[0], 1), round(rect[1], 1), round(rect[2], 1), round(rect[3], 1))


# --------------------------------------------------------------------------- font embedding


class _ThousandUnitGlyphAccumulator(GlyphAccumulator):
    """pyHanko's GlyphAccumulator with metrics expressed in 1/1000 em.

    pyHanko 0.38 writes the font's raw design units into /W, the TJ kerning
    adjustments and the FontDescriptor, but PDF glyph space is 1/1000 em
    (ISO 32000-1 §9.2.4). Liberation Serif has 2048 units per em, so the text
    came out with every advance doubled, and the /W widths disagreed with the
    font program, which PDF/A forbids (ISO 19005-2 §6.2.11.5). Asking HarfBuzz
    for positions at a 1000-unit scale and scaling the widths and descriptor
    fixes all three; fonts with 1000 units per em are unaffected.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._design_upem = self.units_per_em
        self._ratio = 1000.0 / self._design_upem
        self.hb_font.scale = (1000, 1000)
        self.units_per_em = 1000
        descriptor = self.cidfont_obj._font_descriptor  # built eagerly by pyHanko
        for key in ("/Ascent", "/Descent", "/CapHeight"):
            if key in descriptor:
                descriptor[NameObject(key)] = NumberObject(
                    round(int(descriptor[key]) * self._ratio)
                )
        if "/FontBBox" in descriptor:
            descriptor[NameObject("/FontBBox")] = ArrayObject(
                NumberObject(round(int(v) * self._ratio)) for v in descriptor["/FontBBox"]
            )

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        try:
            return self._glyphs[glyph_id]
        except KeyError:
            pass
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = scaled = (cid, round(width * self._ratio))
        return scaled


@dataclass(frozen=True)
class SignatureFontFactory(GlyphAccumulatorFactory):
    """Embeds a subset of the signature font with correct 1/1000 em metrics."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        with open(self.font_file, "rb") as fh:
            data = io.BytesIO(fh.read())
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _ThousandUnitGlyphAccumulator(
            writer=writer,
            font_handle=data,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
