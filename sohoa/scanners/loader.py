"""Inputs → pages: open a scan file or a folder of page images as one document.

`open_document` is cheap and runs in the parent: it identifies the format,
counts pages and hashes the bytes. `load_page` decodes one page to pixels and
runs in a worker process, so that a batch never holds more pages in memory
than there are workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import warnings
from pathlib import Path

import pikepdf
from PIL import Image, ImageFile, UnidentifiedImageError

from sohoa.archive.fsutil import sha256_file
from sohoa.errors import InputError
from sohoa.models import EncodedImage, LoadedPage, PageRef, ScannedDocument, SourceKind
from sohoa.scanners.discover import Source, natural_key
from sohoa.scanners.formats import SUPPORTED_HINT, identify, is_candidate
from sohoa.scanners.passthrough import jpeg_original, png_original

#: Resolution assumed when a file does not say (and told to the user).
DEFAULT_DPI = 300.0
#: Largest page we accept, in pixels: an A3 page at 600 dpi is 70 Mpx; anything
#: far beyond is a decompression bomb or a mistake, not a scan.
MAX_PIXELS = 200_000_000
#: Plausible paper sizes in inches (A7 short side … A0 long side): a resolution
#: tag implying paper outside this range is a software default, not the scan's.
MIN_PAPER_INCHES = 2.5
MAX_PAPER_INCHES = 47.0

# Truncated images must fail loudly, never decode to a half-grey page.
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Pillow's own bomb check fires when the header is read, with a message in its words;
# every page's declared size is checked against MAX_PIXELS before decoding instead.
Image.MAX_IMAGE_PIXELS = None


def _count_frames(path: Path, kind: SourceKind) -> int:
    if kind == "pdf":
        return _pdf_page_count(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                _check_pixels(path, im.size)
                return int(getattr(im, "n_frames", 1))
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError(path, f"page too large: {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"not a readable {kind.upper()} image: {exc}") from None


def _pdf_page_count(path: Path) -> int:
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
    except pikepdf.PasswordError:
        raise InputError(
            path,
            "PDF is encrypted with a password",
            hint="export the scan again without a password",
        ) from None
    except pikepdf.PdfError as exc:
        raise InputError(path, f"damaged PDF: {exc}") from None
    if count == 0:
        raise InputError(path, "PDF has no pages")
    return count


def _check_pixels(
    path: Path, size: tuple[int, int], dpi: float | None = None, page: int | None = None
) -> None:
    """Refuse a page by its declared size, before a single pixel is decoded."""
    width, height = size
    where = f"page {page}: " if page is not None else ""
    if width <= 0 or height <= 0:
        raise InputError(path, f"{where}image has no pixels")
    if width * height > MAX_PIXELS:
        at = f" at {dpi:.0f} dpi" if dpi else ""
        raise InputError(
            path,
            f"{where}page too large: {width} × {height} px{at} "
            f"({width * height / 1e6:.0f} Mpx), limit {MAX_PIXELS // 1_000_000} Mpx",
            hint="pages up to A0 at 300 dpi are taken: split the scan or lower its resolution "
            "(Thông tư 05/2025 asks for 200 dpi or more)",
        )


def open_document(source: Source | Path) -> ScannedDocument:
    """Identify a file, a folder of page images, or a discovered group of pages as one document.

    Raises InputError naming the file and the reason when it cannot be a scan.
    A bare folder path is taken as one document of all its images (the library's
    call; the CLI groups a folder's images by their names first, see `discover`).
    """
    document = _open(source)
    if isinstance(source, Source) and source.station is not None:
        document = dataclasses.replace(document, station=source.station)
    return document


def _open(source: Source | Path) -> ScannedDocument:
    if isinstance(source, Path):
        path = source
        files: tuple[Path, ...] = ()
        if path.is_dir():
            files = tuple(
                sorted(
                    (p for p in path.iterdir() if p.is_file() and is_candidate(p)),
                    key=lambda p: natural_key(p.name),
                )
            )
            if not files:
                raise InputError(path, "folder holds no page images", hint=SUPPORTED_HINT)
    else:
        path, files = source.path, source.files
    if files:
        return _open_pages(path, files)
    kind = identify(path)
    frames = _count_frames(path, kind)
    pages = tuple(PageRef(path=path, kind=kind, frame=i, index=i) for i in range(frames))
    return ScannedDocument(
        source=path,
        pages=pages,
        sha256=sha256_file(path),
        size_bytes=path.stat().st_size,
        files=(path,),
    )


def document_sha256(files: tuple[Path, ...]) -> str:
    """The identity of a document of several files: its pages in order (names do not
    matter, bytes do) — the SHA-256 of the files' SHA-256s."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(sha256_file(file).encode())
    return digest.hexdigest()


def _open_pages(source: Path, files: tuple[Path, ...]) -> ScannedDocument:
    pages: list[PageRef] = []
    size = 0
    for file in files:
        kind = identify(file)
        if kind == "pdf":
            raise InputError(
                file, "a folder document must hold page images, not PDF files", hint=SUPPORTED_HINT
            )
        for frame in range(_count_frames(file, kind)):
            pages.append(PageRef(path=file, kind=kind, frame=frame, index=len(pages)))
        size += file.stat().st_size
    return ScannedDocument(
        source=source,
        pages=tuple(pages),
        sha256=document_sha256(files),
        size_bytes=size,
        files=files,
    )


# --- decoding one page (runs in a worker) -------------------------------------------------


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, L or 1: the three colour models PDF/A pages are built from."""
    mode = image.mode
    if mode in ("RGB", "L", "1"):
        return image
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flattened = Image.alpha_composite(background, rgba).convert("RGB")
        return flattened if mode != "LA" else flattened.convert("L")
    if mode == "P":
        rgb = image.convert("RGB")
        return rgb if _is_colour(rgb) else rgb.convert("L")
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return (
            image.point(lambda v: v / 256).convert("L")
            if mode.startswith("I;16")
            else image.convert("L")
        )
    return image.convert("RGB")  # CMYK, YCbCr, LAB


def _is_colour(rgb: Image.Image) -> bool:
    small = rgb.copy()
    small.thumbnail((256, 256))
    r, g, b = small.split()
    from PIL import ImageChops

    diff = ImageChops.difference(r, g).getextrema()[1] + ImageChops.difference(g, b).getextrema()[1]
    return diff > 24


def _dpi_from_info(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if dpi is None and image.info.get("jfif_unit") == 1:
        dpi = image.info.get("jfif_density")
    if not dpi:
        return None
    try:
        value = float(dpi[0] if isinstance(dpi, tuple) else dpi)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def plausible_dpi(size: tuple[int, int], dpi: float | None) -> float | None:
    """The dpi when it implies a real paper size, else None (a software default like 72)."""
    if dpi is None:
        return None
    width_in, height_in = size[0] / dpi, size[1] / dpi
    if min(width_in, height_in) < MIN_PAPER_INCHES or max(width_in, height_in) > MAX_PAPER_INCHES:
        return None
    return dpi


def _read(ref: PageRef) -> bytes:
    try:
        return ref.path.read_bytes()
    except OSError as exc:
        raise InputError(ref.path, f"cannot read: {exc.strerror or exc}") from None


def load_page(ref: PageRef) -> LoadedPage:
    """Decode one page to pixels with its resolution. Raises InputError on a bad page."""
    if ref.kind == "pdf":
        return _load_pdf_page(ref)
    # A JPEG or PNG goes into the PDF as its own bytes: the pixels are decoded from those
    # very bytes, read once (a file still being written cannot differ between two reads).
    data = _read(ref) if ref.frame == 0 and ref.kind in ("jpeg", "png") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data) if data is not None else ref.path) as im:
                _check_pixels(ref.path, im.size)
                if ref.frame:
                    im.seek(ref.frame)  # a TIFF's frames each declare their own size
                    _check_pixels(ref.path, im.size, page=ref.frame + 1)
                im.load()
                dpi = plausible_dpi(im.size, _dpi_from_info(im))
                # Leaving `with` closes only the file (Pillow ≥ 10): the pixels stay, no copy.
                image = _normalise_mode(im)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError(ref.path, f"page {ref.frame + 1}: page too large: {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        reason = str(exc)
        if "truncated" in reason:
            reason = "image file is truncated (incomplete copy or scanner still writing)"
        raise InputError(ref.path, f"cannot decode page {ref.frame + 1}: {reason}") from None
    original = None
    if data is not None:
        original = jpeg_original(data) if ref.kind == "jpeg" else png_original(data)
        if original is not None and (original.width, original.height, original.mode) != (
            image.width,
            image.height,
            image.mode,
        ):
            original = None
        elif original is not None and original.png_predictor:
            # Pillow read every row from this IDAT stream (a short one is "truncated").
            original = dataclasses.replace(original, decoded=True)
    return LoadedPage(
        ref=ref,
        image=image,
        dpi=dpi or DEFAULT_DPI,
        dpi_assumed=dpi is None,
        original=original,
    )


def _load_pdf_page(ref: PageRef) -> LoadedPage:
    """A page of an image-only PDF: take its image at native resolution.

    When the page is a single full-page image (what a scanner writes), the image
    is extracted as-is, so its pixels and resolution are the scan's own. Any
    other page (vector text, several images) is rasterised at 300 dpi.
    """
    try:
        with pikepdf.open(ref.path) as pdf:
            page = pdf.pages[ref.frame]
            extracted = _single_page_image(ref, page)
            if extracted is None:
                _check_raster_size(ref, page, DEFAULT_DPI)
    except pikepdf.PasswordError:
        raise InputError(ref.path, "PDF is encrypted with a password") from None
    except pikepdf.PdfError as exc:
        raise InputError(ref.path, f"damaged PDF page {ref.frame + 1}: {exc}") from None
    if extracted is not None:
        image, dpi, jpeg = extracted
        return LoadedPage(ref=ref, image=image, dpi=dpi, dpi_assumed=False, original=jpeg)
    return _rasterise_pdf_page(ref, DEFAULT_DPI)


def _check_raster_size(ref: PageRef, page: pikepdf.Page, dpi: float) -> None:
    """Refuse a page whose rendering at `dpi` would be too large, before rendering it."""
    box = [float(v) for v in page.mediabox]
    width_in, height_in = abs(box[2] - box[0]) / 72.0, abs(box[3] - box[1]) / 72.0
    size = (round(width_in * dpi), round(height_in * dpi))
    _check_pixels(ref.path, size, dpi=dpi, page=ref.frame + 1)


def _single_page_image(
    ref: PageRef, page: pikepdf.Page
) -> tuple[Image.Image, float, EncodedImage | None] | None:
    images = (
        list(page.get_images().items())
        if hasattr(page, "get_images")
        else list(page.images.items())
    )
    if len(images) != 1:
        return None
    _, raw = images[0]
    pdf_image = pikepdf.PdfImage(raw)
    width_pt = float(page.mediabox[2]) - float(page.mediabox[0])
    height_pt = float(page.mediabox[3]) - float(page.mediabox[1])
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    if rotate or width_pt <= 0:
        return None
    # Scanners draw the image over the whole page; the dpi follows from the page size.
    dpi_x = pdf_image.width / (width_pt / 72.0)
    dpi_y = pdf_image.height / (height_pt / 72.0)
    if abs(dpi_x - dpi_y) > 0.02 * dpi_x:
        return None
    # The image dictionary declares the size: refuse a bomb before decoding it.
    _check_pixels(ref.path, (pdf_image.width, pdf_image.height), dpi=dpi_x, page=ref.frame + 1)
    try:
        pil = pdf_image.as_pil_image()
    except Exception:  # a colour space or filter pikepdf cannot hand over: render the page
        return None
    jpeg = None
    filters = pdf_image.filters
    if (
        filters == ["/DCTDecode"]
        and pil.mode in ("RGB", "L")
        and not any(pdf_image.decode_parms)
        and "/Decode" not in raw
    ):
        jpeg = jpeg_original(bytes(raw.read_raw_bytes()))
    return _normalise_mode(pil), round(dpi_x, 2), jpeg


def _rasterise_pdf_page(ref: PageRef, dpi: float) -> LoadedPage:
    cmd = [
        "pdftoppm", "-f", str(ref.frame + 1), "-l", str(ref.frame + 1),
        "-r", str(int(dpi)), "-png", str(ref.path),
    ]  # fmt: skip
    try:
        result = subprocess.run(cmd, capture_output=True, check=True, timeout=300)
    except FileNotFoundError:
        raise InputError(ref.path, "pdftoppm (poppler-utils) is needed to read this PDF") from None
    except subprocess.CalledProcessError as exc:
        raise InputError(
            ref.path, f"cannot render page {ref.frame + 1}: {exc.stderr.decode(errors='replace')}"
        ) from None
    image = Image.open(io.BytesIO(result.stdout))
    image.load()
    return LoadedPage(ref=ref, image=_normalise_mode(image), dpi=dpi, dpi_assumed=False)
