"""Cleanup: every page's turn and skew found; OCR gets a clean image; the scan stays as delivered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.models import LoadedPage, PageRef
from sohoa.ocr.engine import TesseractEngine
from sohoa.pipeline.cleanup import (
    clean_page,
    drop_colour_ink,
    estimate_skew,
    flatten_illumination,
    lines_are_horizontal,
    to_gray,
    upright_score,
    whiten_borders,
)
from tests.imaging import text_page


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return text_page(dpi=300)


def _loaded(image: Image.Image, original=None) -> LoadedPage:  # type: ignore[no-untyped-def]
    return LoadedPage(
        ref=PageRef(path=Path("x.jpg"), kind="jpeg", frame=0, index=0),
        image=image,
        dpi=300,
        dpi_assumed=False,
        original=original,
    )


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_each_quarter_turn_is_found(page: Image.Image, turn: int) -> None:
    delivered = page.rotate(turn, expand=True) if turn else page
    clean = clean_page(_loaded(delivered))
    assert (turn + clean.rotation) % 360 == 0
    assert clean.orientation_method == "lines"
    assert clean.ocr_image.size == page.size  # upright: portrait again


@pytest.mark.parametrize("turn", [0, 180])
def test_upright_score_tells_up_from_down(page: Image.Image, turn: int) -> None:
    gray = to_gray(page.rotate(turn))
    score = upright_score(gray)
    assert (score > 0.15) if turn == 0 else (score < -0.15)


def test_lines_direction(page: Image.Image) -> None:
    assert lines_are_horizontal(to_gray(page))
    assert not lines_are_horizontal(to_gray(page.rotate(90, expand=True)))


@pytest.mark.parametrize("angle", [-4.3, -1.25, -0.4, 0.35, 0.8, 2.6, 6.0])
def test_deskew_recovers_angle_within_0_2_degrees(page: Image.Image, angle: float) -> None:
    skewed = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
    estimated = estimate_skew(to_gray(skewed))
    assert abs(estimated + angle) <= 0.2


def test_deskew_ignores_a_black_scanner_border(page: Image.Image) -> None:
    skewed = np.array(page.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor="white"))
    skewed[:, :120] = 0  # scanner lid shadow down the left edge
    skewed[-90:, :] = 0
    assert abs(estimate_skew(to_gray(Image.fromarray(skewed))) + 1.5) <= 0.2


def test_the_scan_is_kept_as_delivered(page: Image.Image) -> None:
    skewed = page.rotate(90, expand=True).rotate(1.2, fillcolor="white")
    clean = clean_page(_loaded(skewed))
    assert clean.archival is skewed  # never resampled: the PDF turns it
    assert clean.rotation == 270
    assert abs(clean.skew_degrees + 1.2) <= 0.2
    assert clean.archival.mode == "RGB" and clean.ocr_image.mode == "L"


def test_black_border_is_whitened_for_ocr_only(page: Image.Image) -> None:
    gray = to_gray(page).copy()
    gray[:, :150] = 10
    gray[-100:, :] = 10
    out = whiten_borders(gray)
    assert out[:, :140].min() > 200 and out[-90:, :].min() > 200
    assert (out[400:1200, 400:2000] < 100).any()  # the text is still there


def test_uneven_light_is_flattened(page: Image.Image) -> None:
    gray = to_gray(page).astype(np.float64)
    ramp = np.linspace(1.0, 0.55, gray.shape[1])[None, :]  # 45% darker at the right edge
    dim = (gray * ramp).astype(np.uint8)
    flat = flatten_illumination(dim, 300)
    # Paper far right is as white as paper far left.
    assert abs(int(np.median(flat[:, -200:])) - int(np.median(flat[:, :200]))) <= 8
    assert np.median(flat[:, -200:]) >= 240


def _seal_over(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """A red seal and blue ink stamped (multiplied) over part of `image`."""
    overlay = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(overlay)
    x0, y0, x1, y1 = box
    draw.ellipse(box, outline=(215, 30, 40), width=22)
    draw.ellipse((x0 + 60, y0 + 60, x1 - 60, y1 - 60), outline=(215, 30, 40), width=10)
    for k in range(0, 600, 40):
        draw.line((x0 + k, y1 - 50, x0 + k + 200, y0 + 80), fill=(30, 50, 190), width=9)
    draw.rectangle((x0 + 120, y0 + 200, x1 - 120, y0 + 330), fill=(225, 40, 50))
    return Image.fromarray(
        (np.asarray(image, np.uint16) * np.asarray(overlay, np.uint16) // 255).astype(np.uint8)
    )


def test_seal_and_ink_dropout_improves_ocr_of_the_overlapped_signer_line(
    engine: TesseractEngine,
) -> None:
    lines = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Phương Thảo")
    base = text_page(dpi=300, lines=lines, repeat=1, size_pt=16)
    stamped = _seal_over(base, (200, 180, 1000, 980))
    crop = (0, 150, 1800, 1100)
    plain = Image.fromarray(to_gray(stamped)).crop(crop)
    dropped = Image.fromarray(drop_colour_ink(np.asarray(stamped))).crop(crop)

    def hits(image: Image.Image) -> int:
        text = " ".join(w.text for w in engine.recognize(image, 300))
        return sum(line in text for line in lines)

    assert hits(dropped) == len(lines)
    assert hits(dropped) > hits(plain)


def test_grayscale_seal_is_thinned_so_the_signer_lines_read(engine: TesseractEngine) -> None:
    from samples.generate import render_page, seed_decision_151
    from sohoa.pipeline.cleanup import erase_light_graphics

    page = render_page(seed_decision_151(), 1, 300, seal=True, signature=True)
    gray = to_gray(page.image)  # a grayscale scan of a red seal over blue ink: no colour to drop
    thinned = erase_light_graphics(gray, 300)
    assert (thinned != gray).any()
    x0, y0, x1, y1 = page.ink_boxes["seal"]
    crop = (
        max(0, x0 - 300),
        max(0, y0 - 250),
        min(gray.shape[1], x1 + 500),
        min(gray.shape[0], y1 + 250),
    )
    signer_lines = [
        line for line, role in zip(page.lines, page.roles, strict=True) if role.startswith("signer")
    ]
    assert signer_lines

    def hits(pixels: np.ndarray) -> int:
        text = " ".join(w.text for w in engine.recognize(Image.fromarray(pixels).crop(crop), 300))
        return sum(line in text for line in signer_lines)

    assert hits(thinned) == len(signer_lines)
    assert hits(thinned) > hits(gray)


def test_pages_without_graphics_are_left_alone(page: Image.Image) -> None:
    from sohoa.pipeline.cleanup import erase_light_graphics

    gray = to_gray(page)
    assert erase_light_graphics(gray, 300) is gray


@pytest.mark.parametrize("angle", [0.8, -1.3, 3.7])
def test_a_straightened_scan_is_not_shifted_by_half_a_pixel(
    page: Image.Image, angle: float
) -> None:
    # Straightening turns the scan inside a larger canvas and OCR reads the
    # scan's own size at its centre. With an odd margin that crop is the turn
    # shifted by half a pixel: every pixel interpolated from two, a blur that
    # cost the stacked tone marks (lấy → lây) on real scans.
    import cv2

    from sohoa.pipeline.cleanup import centre_crop, straighten

    gray = to_gray(page)[:1001, :777]  # odd sizes: the margins must still be even
    height, width = gray.shape
    in_place = cv2.warpAffine(
        gray,
        cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), angle, 1.0),
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    canvas = straighten(gray, angle, paper=255)
    assert (canvas.shape[0] - height) % 2 == 0 and (canvas.shape[1] - width) % 2 == 0
    assert canvas.shape[0] > height and canvas.shape[1] > width
    crop = centre_crop(canvas, gray.shape)
    assert np.abs(crop.astype(int) - in_place.astype(int)).max() <= 1
