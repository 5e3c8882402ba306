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
from sohoa.ocr.engine import OcrEngine, shifted, words_to_text
from sohoa.ocr.recover import recover, reread_wide_words
from sohoa.pipeline.cleanup import centre_offset, clean_page
from sohoa.pipeline.codes import read_codes
from sohoa.pipeline.ink import ink_boxes
from sohoa.pipeline.resolution import content_dpi
from sohoa.scanners.loader import load_page

#: Mean word confidence under which the page is also read upside down; and
#: the confidence of a word that counts as text read.
RECHECK_CONFIDENCE = 60.0
#: A reading with fewer words read with confidence found no text.
MIN_TEXT_WORDS = 3


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


def is_text(words: Sequence[OcrWord]) -> bool:
    """Whether a reading found text: a few words read with confidence.

    A picture, a map or a page read upside down gives few or none; such a
    reading cannot tell how the page is turned.
    """
    sure = [
        w
        for w in words
        if w.confidence >= RECHECK_CONFIDENCE and sum(c.isalnum() for c in w.text) >= 2
    ]
    return len(sure) >= MIN_TEXT_WORDS


def process_page(ref: PageRef, engine: OcrEngine, options: PageOptions) -> OcrPage:
    """PageRef → OcrPage. Raises InputError for an unreadable page, OcrError when OCR fails."""
    loaded: LoadedPage = load_page(ref)

    def osd(image: Image.Image, dpi: float) -> tuple[int, float] | None:
        found = engine.orientation(image, dpi)
        return (found.rotate, found.confidence) if found else None

    keep = _keeper(options.keep_intermediates, ref, loaded) if options.keep_intermediates else None
    clean = clean_page(loaded, osd=osd, keep=keep)
    words: list[OcrWord] = []
    review: list[str] = []
    if not clean.blank:
        clean, words = _read_upright(clean, engine)
        if not is_text(words):
            if clean.rotation or clean.skew_degrees:
                # No text to tell the page's orientation by (a picture, a
                # map): it is left as delivered, never turned on a guess.
                clean = clean_page(loaded, keep=keep, as_delivered=True)
                words = engine.recognize(clean.ocr_image, clean.dpi)
            review.append("no text found: the page is kept as scanned (a picture?)")

    if words:

        def read_regions(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
            return engine.recognize_regions(clean.ocr_image, clean.dpi, boxes)

        words = reread_wide_words(words, read_regions)
        words = recover(np.asarray(clean.ocr_image), words, clean.dpi, read_regions)
        words = shifted(words, *_offset(clean))
    if keep is not None:
        keep("6-ocr-input", np.asarray(clean.ocr_image))
    width, height = page_size(clean)
    upright = clean.archival.size[::-1] if clean.rotation in (90, 270) else clean.archival.size
    dpi, warnings = _resolution(ref, loaded, words, upright)
    page = OcrPage(
        index=ref.index,
        source=ref.path,
        width=width,
        height=height,
        dpi=dpi,
        dpi_assumed=clean.dpi_assumed,
        rotation=clean.rotation,
        skew_degrees=clean.skew_degrees,
        words=tuple(words),
        text=words_to_text(words),
        mean_confidence=round(_mean_confidence(words), 2),
        image=encode_archival(clean),
        orientation_method=clean.orientation_method,
        warnings=tuple(warnings),
        blank=clean.blank,
        review=tuple(review),
        ink_boxes=_ink_of_first_page(clean, (width, height)),
        codes=read_codes(clean.ocr_image),
    )
    # The số and the day are often handwritten, the signer's name under the seal: their
    # lines are read again (issue 10).
    if not page.words:
        return page
    page_image = clean.ocr_image
    if clean.canvas is not None:  # the word boxes are in the canvas's coordinates
        page_image = Image.new(page_image.mode, clean.canvas, 255)
        page_image.paste(clean.ocr_image, _offset(clean))
    return dataclasses.replace(page, field_lines=read_field_lines(page_image, page))


def page_size(clean: CleanPage) -> tuple[int, int]:
    """The upright page in pixels of the scan: the scan's size (the OCR image
    at the scan's own resolution), or the bounding box of the straightened
    scan when ink reaches beyond it (cleanup.needs_canvas)."""
    return clean.canvas or clean.ocr_image.size


def _offset(clean: CleanPage) -> tuple[int, int]:
    """Where the OCR image's top-left corner lies on the page (pixels of the scan)."""
    if clean.canvas is None:
        return 0, 0
    (width, height), image = clean.canvas, clean.ocr_image
    top, left = centre_offset((height, width), (image.height, image.width))
    return left, top


def _read_upright(clean: CleanPage, engine: OcrEngine) -> tuple[CleanPage, list[OcrWord]]:
    """Read the page; read it upside down too when the reading is poor, and
    keep the other way up only when it finds text, clearly better."""
    words = engine.recognize(clean.ocr_image, clean.dpi)
    if _mean_confidence(words) >= RECHECK_CONFIDENCE:
        return clean, words
    flipped = clean.ocr_image.transpose(Image.Transpose.ROTATE_180)
    other = engine.recognize(flipped, clean.dpi)
    if is_text(other) and _mean_confidence(other) > _mean_confidence(words) + 10:
        turned = dataclasses.replace(
            clean,
            ocr_image=flipped,
            rotation=(clean.rotation + 180) % 360,
            orientation_method="confidence",
        )
        return turned, other
    return clean, words


def _resolution(
    ref: PageRef, loaded: LoadedPage, words: Sequence[OcrWord], upright: tuple[int, int]
) -> tuple[float, list[str]]:
    """The page's resolution (from its print when the tag lies), and what to tell the user."""
    name = ref.path.name
    warnings: list[str] = []
    dpi = loaded.dpi
    found = content_dpi(words, upright, dpi)
    if found is not None:
        dpi, why = found
        warnings.append(
            f"{name}: the resolution {'assumed' if loaded.dpi_assumed else 'tag'}: {why}"
        )
    elif loaded.dpi_assumed:
        warnings.append(f"{name}: resolution not given by the file, assumed {dpi:.0f} dpi")
    if round(dpi) < 200:  # a scanner's 199.9996 dpi is its 200
        warnings.append(
            f"{name}: scanned at {dpi:.0f} dpi, below the 200 dpi "
            "Nghị định 30/2020 Phụ lục I asks for"
        )
    return dpi, warnings


def _ink_of_first_page(
    clean: CleanPage, size: tuple[int, int]
) -> tuple[tuple[int, int, int, int], ...]:
    """Marks at the top of page 1, where the visible signature goes (signing/appearance.py)."""
    if clean.ref.index != 0:
        return ()
    turn = clean.rotation + clean.skew_degrees
    return ink_boxes(clean.archival, clean.dpi, turn, size)


def _keeper(directory: Path, ref: PageRef, loaded: LoadedPage) -> Callable[[str, np.ndarray], None]:
    """Write each cleanup stage of a page as PNG into `directory` (debugging)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{ref.path.stem}-p{ref.index + 1:03d}"
    loaded.image.save(directory / f"{stem}-0-scan.png")

    def keep(stage: str, pixels: np.ndarray) -> None:
        Image.fromarray(pixels).save(directory / f"{stem}-{stage}.png")

    return keep
