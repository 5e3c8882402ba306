"""The work done for one page, in a worker process: load → clean → OCR → encode.

Workers return `OcrPage` values; the parent assembles, signs and stores
(STYLE.md §2). The engine is created once per worker and reused.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.metadata.handwriting import read_field_lines
from sohoa.models import CleanPage, EncodedImage, LoadedPage, OcrPage, OcrWord, PageRef
from sohoa.ocr.engine import OcrEngine, words_to_text
from sohoa.ocr.recover import recover, reread_wide_words
from sohoa.pipeline.cleanup import clean_page
from sohoa.pipeline.codes import read_codes
from sohoa.scanners.loader import load_page

#: Mean word confidence under which the page is also read upside down.
RECHECK_CONFIDENCE = 60.0


@dataclass(frozen=True)
class PageOptions:
    """What a worker needs to know to process pages (picklable)."""

    language: str = "vie"
    """Tesseract language(s)."""
    tessdata: Path | None = None
    """Directory of traineddata files; None → found automatically."""
    keep_intermediates: Path | None = None
    """Write each stage's image here (debugging); None → keep nothing."""


def encode_archival(clean: CleanPage) -> EncodedImage:
    """The scan's pixels encoded for the PDF.

    The scan's own bytes when they can go in as they are (JPEG, PNG rows);
    otherwise the pixels losslessly (Flate), so that nothing is lost that
    the scanner delivered. Level 1: noisy scans barely compress further and
    higher levels cost seconds per page.
    """
    if clean.original is not None:
        return clean.original
    image = clean.archival
    if image.mode not in ("RGB", "L", "1"):
        image = image.convert("RGB")
    # PIL packs mode "1" rows MSB first with 1 = white, as DeviceGray 1-bit expects.
    data = zlib.compress(image.tobytes(), 1)
    return EncodedImage(data, "FlateDecode", image.width, image.height, image.mode)  # type: ignore[arg-type]


def _mean_confidence(words: Sequence[OcrWord]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def process_page(ref: PageRef, engine: OcrEngine, options: PageOptions) -> OcrPage:
    """PageRef → OcrPage. Raises InputError for an unreadable page, OcrError when OCR fails."""
    loaded: LoadedPage = load_page(ref)

    def osd(image: Image.Image, dpi: float) -> tuple[int, float] | None:
        found = engine.orientation(image, dpi)
        return (found.rotate, found.confidence) if found else None

    keep = _keeper(options.keep_intermediates, ref, loaded) if options.keep_intermediates else None
    clean = clean_page(loaded, osd=osd, keep=keep)
    words = engine.recognize(clean.ocr_image, clean.dpi)
    if _mean_confidence(words) < RECHECK_CONFIDENCE:
        # The last word on orientation: a page read upside down gives words of
        # low confidence. Read it the other way up and keep the better reading.
        flipped = clean.ocr_image.transpose(Image.Transpose.ROTATE_180)
        other = engine.recognize(flipped, clean.dpi)
        if _mean_confidence(other) > _mean_confidence(words) + 10:
            words = other
            clean = dataclasses.replace(
                clean,
                ocr_image=flipped,
                rotation=(clean.rotation + 180) % 360,
                orientation_method="confidence",
            )

    def read_regions(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
        return engine.recognize_regions(clean.ocr_image, clean.dpi, boxes)

    words = reread_wide_words(words, read_regions)
    words = recover(np.asarray(clean.ocr_image), words, clean.dpi, read_regions)
    if keep is not None:
        keep("6-ocr-input", np.asarray(clean.ocr_image))
    warnings: list[str] = []
    if loaded.dpi_assumed:
        warnings.append(
            f"{ref.path.name}: resolution not given by the file, assumed {loaded.dpi:.0f} dpi"
        )
    if loaded.dpi < 200:
        warnings.append(
            f"{ref.path.name}: scanned at {loaded.dpi:.0f} dpi, below the 200 dpi "
            "Nghị định 30/2020 Phụ lục I asks for"
        )
    page = OcrPage(
        index=ref.index,
        source=ref.path,
        width=clean.ocr_image.width,
        height=clean.ocr_image.height,
        dpi=clean.dpi,
        dpi_assumed=clean.dpi_assumed,
        rotation=clean.rotation,
        skew_degrees=clean.skew_degrees,
        words=tuple(words),
        text=words_to_text(words),
        mean_confidence=round(_mean_confidence(words), 2),
        image=encode_archival(clean),
        orientation_method=clean.orientation_method,
        warnings=tuple(warnings),
        codes=read_codes(clean.ocr_image),
    )
    # The số and the day are often handwritten, the signer's name under the seal: their
    # lines are read again (issue 10).
    page = dataclasses.replace(page, field_lines=read_field_lines(clean.ocr_image, page))
    return page


def _keeper(directory: Path, ref: PageRef, loaded: LoadedPage) -> Callable[[str, np.ndarray], None]:
    """Write each cleanup stage of a page as PNG into `directory` (debugging)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{ref.path.stem}-p{ref.index + 1:03d}"
    loaded.image.save(directory / f"{stem}-0-scan.png")

    def keep(stage: str, pixels: np.ndarray) -> None:
        Image.fromarray(pixels).save(directory / f"{stem}-{stage}.png")

    return keep
