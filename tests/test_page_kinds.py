"""Pages that are not ordinary text: blank backs, pictures, skewed scans, lying tags, tiny strips."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.models import DocumentMetadata, OcrWord, PageRef
from sohoa.ocr.engine import TesseractEngine
from sohoa.pipeline.ink import ink_boxes, is_blank
from sohoa.pipeline.orchestrator import page_text_boxes
from sohoa.pipeline.pages import PageOptions, process_page
from sohoa.pipeline.pdfa import build_pdfa
from sohoa.pipeline.resolution import content_dpi
from sohoa.signing.appearance import place_box, stamp_lines
from tests.factories import ocr_page
from tests.imaging import FONT, text_page

A4_300 = (2481, 3507)


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


def _ref(path: Path, index: int = 0) -> PageRef:
    return PageRef(path=path, kind="png", frame=0, index=index)


def _save(image: Image.Image, path: Path, dpi: int = 300) -> Path:
    image.save(path, dpi=(dpi, dpi))
    return path


def blank_back(dpi: int = 300) -> Image.Image:
    """A blank back page: yellowed paper, show-through of the front, two punch
    holes, dust."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (width, height), 238)
    through = text_page(dpi=dpi).convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    page = Image.fromarray(np.minimum(np.asarray(page), 190 + np.asarray(through) // 5))
    draw = ImageDraw.Draw(page)
    for y in (height // 3, 2 * height // 3):
        r = round(3 * dpi / 25.4)
        draw.ellipse((round(0.5 * dpi) - r, y - r, round(0.5 * dpi) + r, y + r), fill=40)
    rng = np.random.default_rng(3)
    pixels = np.asarray(page).copy()
    for y, x in rng.integers(0, min(width, height), size=(300, 2)):
        pixels[y, x] = 30
    return Image.fromarray(pixels)


def picture(width: int = 1600, height: int = 1200) -> Image.Image:
    """A picture with no text: stripes running down the page and a few blobs.
    Read by text-line direction it would be turned a quarter."""
    rng = np.random.default_rng(7)
    pixels = np.full((height, width), 255, np.uint8)
    for x in range(40, width - 40, 28):
        pixels[60 : height - 60, x : x + 9] = rng.integers(0, 120)
    image = Image.fromarray(pixels).rotate(7, fillcolor=255)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.integers(100, width - 200), rng.integers(100, height - 200)
        draw.ellipse((x, y, x + rng.integers(40, 160), y + rng.integers(40, 160)), fill=80)
    return image


def test_a_blank_back_page_has_no_letter_marks() -> None:
    gray = np.asarray(blank_back())
    assert is_blank(gray, 300)
    assert not is_blank(np.asarray(text_page().convert("L")), 300)
    assert is_blank(np.full((3507, 2481), 250, np.uint8), 300)


@pytest.mark.slow
def test_a_blank_back_page_is_kept_marked_blank_and_never_turned(
    engine: TesseractEngine, tmp_path: Path
) -> None:
    path = _save(blank_back().rotate(0), tmp_path / "back.png")
    page = process_page(_ref(path, 1), engine, PageOptions())
    assert page.blank and page.words == () and page.review == ()
    assert (page.rotation, page.skew_degrees) == (0, 0.0)
    assert (page.width, page.height) == A4_300  # as scanned


@pytest.mark.slow
def test_a_picture_is_left_as_delivered_and_flagged(
    engine: TesseractEngine, tmp_path: Path
) -> None:
    path = _save(picture(), tmp_path / "picture.png")
    page = process_page(_ref(path), engine, PageOptions())
    assert not page.blank
    assert (page.rotation, page.skew_degrees) == (0, 0.0)
    assert page.orientation_method == "as delivered"
    assert page.review and page.review[0].startswith("no text found")


@pytest.mark.slow
def test_two_short_lines_are_not_turned_upside_down_on_a_weak_guess(
    engine: TesseractEngine, tmp_path: Path
) -> None:
    """OCRmyPDF's link.pdf page 2: two short Latin lines, too few to tell up from
    down by the ink above and below the lines (descenders outweigh capitals
    there); it was archived upside down."""
    image = Image.new("RGB", (2550, 3300), "white")
    draw = ImageDraw.Draw(image)
    sans = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
    draw.text((300, 420), "Go to page 2", font=ImageFont.truetype(sans, 60), fill=(47, 84, 150))
    draw.text((300, 560), "a proper summary", font=ImageFont.truetype(sans, 44), fill=(5, 99, 193))
    page = process_page(_ref(_save(image, tmp_path / "link-2.png")), engine, PageOptions())
    assert page.rotation == 0
    assert "proper summary" in page.text


def test_too_few_lines_to_vote_leave_the_page_as_delivered() -> None:
    """Two short lines heavy with descenders look upside down to the ink balance
    ; with OSD unsure, the page is not turned on that guess."""
    from sohoa.pipeline.cleanup import clean_page, upright_score
    from tests.test_cleanup import _loaded

    image = Image.new("RGB", (2550, 3300), "white")
    draw = ImageDraw.Draw(image)
    sans = ImageFont.truetype(
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 60
    )
    draw.text((300, 420), "Go to page 2", font=sans, fill=(47, 84, 150))
    draw.text((300, 560), "a proper summary", font=sans, fill=(5, 99, 193))
    assert upright_score(np.asarray(image.convert("L"))) < -0.15  # a vote to turn it
    clean = clean_page(_loaded(image), osd=lambda image, dpi: None)
    assert (clean.rotation, clean.orientation_method) == (0, "as delivered")


def test_a_skewed_scan_is_drawn_whole(tmp_path: Path) -> None:
    """A page deskewed by 6.5° used to lose its corners off the PDF page."""
    from sohoa.pipeline.cleanup import clean_page
    from sohoa.pipeline.pages import encode_archival, page_size
    from tests.test_cleanup import _loaded

    scan = text_page(dpi=100).rotate(-6.5, expand=True, fillcolor="white")
    draw = ImageDraw.Draw(scan)
    corners = [
        (0, 0),
        (scan.width - 30, 0),
        (0, scan.height - 30),
        (scan.width - 30, scan.height - 30),
    ]
    for x, y in corners:
        draw.rectangle((x, y, x + 29, y + 29), fill=(220, 0, 0))
    loaded = _loaded(scan)
    clean = clean_page(loaded)
    assert abs(clean.skew_degrees - 6.5) < 0.3
    width, height = page_size(clean)
    page = ocr_page(
        width=width,
        height=height,
        dpi=300,
        rotation=clean.rotation,
        skew_degrees=clean.skew_degrees,
        image=encode_archival(clean),
    )
    out = build_pdfa([page], DocumentMetadata(), tmp_path / "skewed.pdf").path
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(out), str(tmp_path / "r")], check=True)
    rendered = np.asarray(Image.open(next(tmp_path.glob("r*.png"))).convert("RGB")).astype(int)
    red = (rendered[..., 0] > 150) & (rendered[..., 1] < 80) & (rendered[..., 2] < 80)
    # Each corner square is there, whole (30 × 30 px of the scan, turned).
    labels = _components(red)
    assert len(labels) == 4 and all(area > 0.9 * 900 for area in labels)


def test_a_skewed_page_with_blank_corners_keeps_its_paper_size() -> None:
    """Only blank paper falls outside a straightened A4 page with margins: it
    stays A4 (and prints so)."""
    from sohoa.pipeline.cleanup import clean_page
    from sohoa.pipeline.pages import page_size
    from tests.test_cleanup import _loaded

    scan = text_page(dpi=150).rotate(-2.0, fillcolor="white")
    clean = clean_page(_loaded(scan))
    assert abs(clean.skew_degrees - 2.0) < 0.2
    assert page_size(clean) == scan.size


def _components(mask: np.ndarray) -> list[int]:
    import cv2

    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return [int(s[cv2.CC_STAT_AREA]) for s in stats[1:] if s[cv2.CC_STAT_AREA] > 50]


def _words(height_px: int, count: int = 40) -> list[OcrWord]:
    return [
        OcrWord("quyết", (100 + 10 * i, 200, 160 + 10 * i, 200 + height_px), 95, 0, 0, i)
        for i in range(count)
    ]


def test_a_lying_resolution_tag_is_replaced_by_what_the_print_says() -> None:
    """A 750 px wide A4 page claiming 200 dpi would be a 9.5 cm page."""
    dpi, why = content_dpi(_words(15), (750, 1061), 200.0) or (None, "")
    assert dpi == pytest.approx(750 / 8.27, rel=0.01)
    assert "A4" in why and "1.9 mm" in why
    # No tag at all on a cropped page (no standard proportions): the print alone.
    dpi, why = content_dpi(_words(14), (576, 860), 300.0) or (None, "")
    assert dpi == pytest.approx(14 / 4.0 * 25.4, rel=0.01) and "print" in why


def test_a_plausible_tag_is_kept() -> None:
    assert content_dpi(_words(32), (1654, 2339), 200.0) is None  # A4 at 200 dpi
    # A poster in large print, its tag giving a standard paper: the paper wins.
    assert content_dpi(_words(120), (3508, 4961), 300.0) is None  # A3 at 300 dpi
    # Too few words to measure the print by.
    assert content_dpi(_words(15, count=5), (750, 1061), 200.0) is None


def test_the_signature_avoids_a_red_stamp_ocr_does_not_read() -> None:
    """A red ĐẾN stamp or a handwritten note top-right is not in the OCR words
    (colour is dropped for OCR), but the visible signature must not cover it."""
    scan = Image.new("RGB", (2481, 3507), "white")
    draw = ImageDraw.Draw(scan)
    draw.rectangle((1700, 150, 2350, 520), outline=(200, 20, 30), width=12)
    draw.text((1760, 230), "ĐẾN", font=ImageFont.truetype(str(FONT), 120), fill=(200, 20, 30))
    boxes = ink_boxes(scan, 300, 0.0, scan.size)
    assert any(b[0] <= 1710 and b[2] >= 2340 and b[1] <= 160 and b[3] >= 510 for b in boxes)
    page = ocr_page(width=2481, height=3507, dpi=300, ink_boxes=boxes)
    occupied = page_text_boxes(page)
    placement = place_box(
        (0, 0, 595.4, 841.7), stamp_lines("SAO Y", "SỞ TÀI CHÍNH", _now()), occupied
    )
    assert placement.rect is not None
    x0, y0, x1, y1 = placement.rect
    stamp = (1700 * 0.24, (3507 - 520) * 0.24, 2350 * 0.24, (3507 - 150) * 0.24)
    assert x1 <= stamp[0] or x0 >= stamp[2] or y1 <= stamp[1] or y0 >= stamp[3]


def _now():  # type: ignore[no-untyped-def]
    from datetime import datetime

    from sohoa.vntime import VIETNAM

    return datetime(2025, 1, 2, 9, 30, tzinfo=VIETNAM)


@pytest.mark.slow
def test_a_strip_too_small_for_the_signature_is_archived_and_says_why(tmp_path: Path) -> None:
    """OCRmyPDF's crom.png (400 × 50 px) failed in the signature layout with a
    hint about the PIN or the token."""
    import json
    import sys

    strip = Image.new("L", (400, 50), 255)
    ImageDraw.Draw(strip).text(
        (8, 10), "Quyết định số 151", font=ImageFont.truetype(str(FONT), 26), fill=0
    )
    path = _save(strip, tmp_path / "strip.png")
    done = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "ingest", str(path), "--archive", str(tmp_path / "a"), "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    assert line["status"] == "archived" and line["review_pages"] == [1]
    sidecar = json.loads(next((tmp_path / "a" / "objects").rglob("metadata.json")).read_text())
    (why,) = [r for r in sidecar["review_reasons"]["1"] if "signature" in r]
    assert "too small for the visible signature" in why
    assert "PIN" not in done.stderr
