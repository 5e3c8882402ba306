"""Cleanup: every page comes out upright and straight; the archive keeps the scan's colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.models import LoadedPage, PageRef
from sohoa.ocr.engine import TesseractEngine
from sohoa.pipeline.cleanup import clean_page, decide_orientation, estimate_skew, to_gray
from tests.imaging import text_page


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return text_page(dpi=300)


def _osd(engine: TesseractEngine):
    def probe(image: Image.Image, dpi: float):
        found = engine.orientation(image, dpi)
        return (found.rotate, found.confidence) if found else None

    return probe


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_each_quarter_turn_is_made_upright(
    engine: TesseractEngine, page: Image.Image, turn: int
) -> None:
    turned = page.rotate(turn, expand=True) if turn else page
    decision = decide_orientation(Image.fromarray(to_gray(turned)), 300, _osd(engine))
    assert (turn + decision.rotate) % 360 == 0


def test_orientation_falls_back_to_confidence_when_osd_fails(
    engine: TesseractEngine, page: Image.Image
) -> None:

    def confidence_of(image: Image.Image, dpi: float) -> float:
        mean, count = engine.block_confidence(image, dpi)
        return mean * min(1, count / 20)

    for turn in (0, 90, 180, 270):
        turned = page.rotate(turn, expand=True) if turn else page
        decision = decide_orientation(
            Image.fromarray(to_gray(turned)), 300, lambda image, dpi: None, confidence_of
        )
        assert decision.method == "confidence"
        assert (turn + decision.rotate) % 360 == 0, turn


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


def test_clean_page_keeps_colour_and_jpeg_when_nothing_to_do(
    engine: TesseractEngine, page: Image.Image
) -> None:
    loaded = LoadedPage(
        ref=PageRef(path=Path("x.jpg"), kind="jpeg", frame=0, index=0),
        image=page,
        dpi=300,
        dpi_assumed=False,
        original_jpeg=b"\xff\xd8\xff-original",
    )
    clean = clean_page(loaded, _osd(engine))
    assert clean.rotation == 0 and clean.skew_degrees == 0
    assert clean.archival.mode == "RGB"
    assert clean.original_jpeg == b"\xff\xd8\xff-original"
    assert clean.ocr_image.mode == "L"


def test_clean_page_turns_the_archival_image_and_drops_stale_jpeg(
    engine: TesseractEngine, page: Image.Image
) -> None:
    turned = page.rotate(90, expand=True)
    loaded = LoadedPage(
        ref=PageRef(path=Path("x.jpg"), kind="jpeg", frame=0, index=0),
        image=turned,
        dpi=300,
        dpi_assumed=False,
        original_jpeg=b"\xff\xd8\xff-original",
    )
    clean = clean_page(loaded, _osd(engine))
    assert clean.rotation == 270
    assert clean.archival.size == page.size  # portrait again
    assert clean.original_jpeg is None  # the bytes no longer match the pixels
