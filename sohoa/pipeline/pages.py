"""The work done for one page, in a worker process: load → clean → OCR → encode.

Workers return `OcrPage` values; the parent assembles, signs and stores
(STYLE.md §2). The engine is created once per worker and reused.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from sohoa.models import CleanPage, EncodedImage, LoadedPage, OcrPage, PageRef
from sohoa.ocr.engine import OcrEngine, words_to_text
from sohoa.pipeline.cleanup import clean_page
from sohoa.scanners.loader import load_page

#: JPEG quality when a JPEG scan had to be turned or deskewed: high enough that
#: the second compression is invisible, the source was lossy already.
REENCODE_JPEG_QUALITY = 92


@dataclass(frozen=True)
class PageOptions:
    """What a worker needs to know to process pages (picklable)."""

    language: str = "vie"
    """Tesseract language(s)."""
    tessdata: Path | None = None
    """Directory of traineddata files; None → found automatically."""
    keep_intermediates: Path | None = None
    """Write each stage's image here (debugging); None → keep nothing."""


def encode_archival(clean: CleanPage, lossy_source: bool) -> EncodedImage:
    """The archival image encoded for the PDF.

    An untouched JPEG is embedded byte for byte. A JPEG that had to be turned
    is re-encoded as JPEG (the source was lossy; Flate would multiply the size
    by ten for nothing). A lossless scan stays lossless (Flate).
    """
    image = clean.archival
    mode = image.mode
    if mode not in ("RGB", "L", "1"):
        image = image.convert("RGB")
        mode = "RGB"
    if clean.original_jpeg is not None:
        return EncodedImage(clean.original_jpeg, "DCTDecode", image.width, image.height, mode)  # type: ignore[arg-type]
    if lossy_source and mode in ("RGB", "L"):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=REENCODE_JPEG_QUALITY, optimize=True)
        return EncodedImage(buffer.getvalue(), "DCTDecode", image.width, image.height, mode)  # type: ignore[arg-type]
    # PIL packs mode "1" rows MSB first with 1 = white, as DeviceGray 1-bit expects.
    return EncodedImage(
        zlib.compress(image.tobytes(), 6), "FlateDecode", image.width, image.height, mode
    )  # type: ignore[arg-type]


def _mean_confidence(words: list) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def process_page(ref: PageRef, engine: OcrEngine, options: PageOptions) -> OcrPage:
    """PageRef → OcrPage. Raises InputError for an unreadable page, OcrError when OCR fails."""
    loaded: LoadedPage = load_page(ref)

    def osd(image: Image.Image, dpi: float) -> tuple[int, float] | None:
        found = engine.orientation(image, dpi)
        return (found.rotate, found.confidence) if found else None

    def confidence_of(image: Image.Image, dpi: float) -> float:
        mean, count = engine.block_confidence(image, dpi)
        # Upside-down text still yields a few confident "words"; weigh by how
        # many were read so that the turn reading real lines wins.
        return mean * min(1.0, count / 20)

    clean = clean_page(loaded, osd=osd, confidence_of=confidence_of)
    if options.keep_intermediates is not None:
        _keep(options.keep_intermediates, ref, loaded, clean)
    words = engine.recognize(clean.ocr_image, clean.dpi)
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
    return OcrPage(
        index=ref.index,
        source=ref.path,
        width=clean.archival.width,
        height=clean.archival.height,
        dpi=clean.dpi,
        dpi_assumed=clean.dpi_assumed,
        rotation=clean.rotation,
        skew_degrees=clean.skew_degrees,
        words=tuple(words),
        text=words_to_text(words),
        mean_confidence=round(_mean_confidence(words), 2),
        image=encode_archival(clean, lossy_source=loaded.original_jpeg is not None),
        orientation_method=clean.orientation_method,
        warnings=tuple(warnings),
    )


def _keep(directory: Path, ref: PageRef, loaded: LoadedPage, clean: CleanPage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{ref.path.stem}-p{ref.index + 1:03d}"
    loaded.image.save(directory / f"{stem}-0-loaded.png")
    clean.archival.save(directory / f"{stem}-1-archival.png")
    clean.ocr_image.save(directory / f"{stem}-2-ocr.png")
