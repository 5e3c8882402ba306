"""The typed values one document moves through.

    ScannedDocument → (per page) PageRef → LoadedPage → CleanPage → OcrPage
                    → DocumentMetadata → ArchivalPdf → SignedPdf → ArchiveRecord

Every value is a frozen dataclass: a stage is a function from one value to the
next, and only the orchestrator (the parent process) performs side effects.
Pages are the unit of parallel work, so the per-page values are picklable and
carry encoded images rather than open files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from PIL import Image

#: Formats a page file can come in (after sniffing its bytes, not its name).
SourceKind = Literal["jpeg", "png", "tiff", "pdf"]


@dataclass(frozen=True)
class PageRef:
    """Where one page of a document lives: a file and a frame inside it."""

    path: Path
    """The file holding the page (an image, a multi-page TIFF or a PDF)."""
    kind: SourceKind
    """Format of `path`, sniffed from its bytes."""
    frame: int
    """Frame index inside `path` (TIFF frame or PDF page), 0-based."""
    index: int
    """Page number inside the document, 0-based."""


@dataclass(frozen=True)
class ScannedDocument:
    """One input document: a single file, or a folder of page images."""

    source: Path
    """What the user gave: a file or a folder."""
    pages: tuple[PageRef, ...]
    sha256: str
    """SHA-256 of the input bytes (for a folder: of the page hashes in order)."""
    size_bytes: int
    files: tuple[Path, ...]
    """Every file that makes up the document, in page order."""
    station: str | None = None
    """The scanner station it came from (watched inbox), recorded with the document."""

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class EncodedImage:
    """An image ready to embed in a PDF without further processing."""

    data: bytes
    filter: Literal["DCTDecode", "FlateDecode"]
    """DCTDecode: a JPEG file; FlateDecode: zlib-compressed samples."""
    width: int
    height: int
    mode: Literal["RGB", "L", "1"]
    """Mode "1" samples are packed as Pillow does (bit 1 = white), which is what a
    1-bit DeviceGray image means too: no inversion."""
    png_predictor: bool = False
    """FlateDecode data whose rows carry PNG filter bytes (a PNG file's IDAT
    stream, embedded as-is with /Predictor 15)."""
    decoded: bool = False
    """The worker decoded these very bytes into the page's pixels (a PNG read from
    them): they hold every row, and the PDF writer need not inflate them again."""

    @property
    def bits_per_component(self) -> int:
        return 1 if self.mode == "1" else 8


@dataclass(frozen=True)
class LoadedPage:
    """A page decoded to pixels, with the resolution it was scanned at."""

    ref: PageRef
    image: Image.Image
    """RGB, L (grayscale) or 1 (bilevel): the colour of the scan is kept."""
    dpi: float
    dpi_assumed: bool
    """True when the file did not say its resolution and 300 dpi was assumed."""
    original: EncodedImage | None = None
    """The page's own encoded pixels when they can go into a PDF as they are
    (a JPEG file, a PNG's IDAT stream, a scanner PDF's JPEG): the archive then
    keeps the scan's bytes, never a re-compression."""


@dataclass(frozen=True)
class CleanPage:
    """A page as the archive keeps it and as OCR reads it.

    `archival` is the scan's pixels exactly as delivered (Thông tư 05/2025:
    the digitized copy is the scan itself); the PDF page draws them turned by
    `rotation + skew_degrees`, so nothing is resampled or re-compressed.
    `ocr_image` is the cleaned grayscale image, upright and straight, that
    only OCR reads; word boxes are in its pixel space. Straightened, it is
    the bounding box of the turned scan, so that nothing of the scan falls
    off the page.
    """

    ref: PageRef
    archival: Image.Image
    ocr_image: Image.Image
    dpi: float
    dpi_assumed: bool
    rotation: int
    """Counter-clockwise quarter turn applied to make the page upright (PIL's
    `Image.rotate` convention): 0, 90, 180, 270."""
    skew_degrees: float
    """Deskew rotation applied, in degrees (counter-clockwise positive)."""
    orientation_method: str = "lines"
    """How the quarter turn was decided: "lines" (text-line direction and
    ascender/descender balance), "osd" (Tesseract OSD), "confidence" (OCR
    confidence of both turns), "as delivered" (nothing to tell it by: not
    turned), "blank"."""
    original: EncodedImage | None = None
    """The scan's own encoded bytes for `archival`, when embeddable as-is."""
    blank: bool = False
    """The page carries no writing (a blank back page): nothing to read."""
    canvas: tuple[int, int] | None = None
    """Width × height (pixels of the upright page) of a straightened page
    larger than the scan, when a mark of the turned scan would fall off the
    scan's own size (cleanup.needs_canvas); the OCR image is the scan's own size
    at the canvas's centre. None: the page is the OCR image's size."""


@dataclass(frozen=True)
class OcrWord:
    """A word read by OCR, in the pixel space of the archival image."""

    text: str
    """NFC-normalised text of the word."""
    box: tuple[int, int, int, int]
    """(left, top, right, bottom) in pixels, origin top-left."""
    confidence: float
    """0–100, Tesseract's word confidence."""
    block: int
    paragraph: int
    line: int
    """Line number unique within the page (block, paragraph and line folded)."""


@dataclass(frozen=True)
class FieldLine:
    """A line of page 1 read a second time, by the line recognizer of `sohoa.ocr.lines`:
    the số and the date, which the văn thư often writes by hand (issue 10)."""

    field: str
    """"number" (the `Số:` line), "date" (the place and date line) or "signer" (the
    signer's name line, on the page of the signer block)."""
    crop: str
    """"line" (the whole line) or the part read alone: "digits" (the số), "day", "month";
    for the signer, "name"."""
    text: str
    probabilities: tuple[float, ...]
    """One per character of `text`, 0–1."""
    reader: str = "ppocr"
    """The recognizer: "ppocr" (PP-OCRv4) or "aster" (AsterNet, Vietnamese)."""


@dataclass(frozen=True)
class OcrPage:
    """The result of one page's work: what the parent needs to build the PDF.

    `width` × `height` is the upright page in pixels (the OCR image, where the
    word boxes live). `image` holds the scan as delivered; the PDF draws it
    turned counter-clockwise by `rotation + skew_degrees` about the page centre
    (a straightened page is the turned scan's bounding box: nothing is cut off).
    """

    index: int
    source: Path
    width: int
    height: int
    dpi: float
    dpi_assumed: bool
    rotation: int
    skew_degrees: float
    words: tuple[OcrWord, ...]
    text: str
    """NFC text of the page, one line per OCR line, blocks separated by a blank line."""
    mean_confidence: float
    """Mean word confidence 0–100 (0 when no words were read)."""
    image: EncodedImage
    """The scan's pixels as delivered, encoded for the PDF."""
    orientation_method: str = "lines"
    """How the rotation was decided ("lines", "osd", "confidence", "as delivered")."""
    warnings: tuple[str, ...] = ()
    blank: bool = False
    """No text and next to no ink (a blank back page): kept as scanned, left
    out of the document's mean confidence, never flagged for it."""
    review: tuple[str, ...] = ()
    """Why a person should look at this page, in words (see pipeline/review.py)."""
    ink_boxes: tuple[tuple[int, int, int, int], ...] = ()
    """Page 1 only: boxes (pixels, like word boxes) of every mark of any colour
    in the top of the page (stamps, handwriting, logos): the visible signature
    must not cover them any more than the words."""
    field_lines: tuple[FieldLine, ...] = ()
    """Lines read again by a line recognizer: on page 1 the số and date lines (handwriting,
    `sohoa.metadata.handwriting`); on a page with a signer block, the name line
    (`sohoa.metadata.signer_lines`)."""
    codes: tuple[str, ...] = ()
    """Texts of the QR codes on the page (a mã hồ sơ printed by the one-stop system)."""

    @property
    def width_pt(self) -> float:
        return self.width * 72.0 / self.dpi

    @property
    def height_pt(self) -> float:
        return self.height * 72.0 / self.dpi


#: Field names of DocumentMetadata that are extracted from the text, in the
#: order of DESIGN.md's JSON contract.
METADATA_FIELDS: tuple[str, ...] = (
    "organ_name",
    "parent_organ",
    "code_number",
    "code_notation",
    "type_name",
    "place",
    "issued_date",
    "subject",
    "signer_authority",
    "signer_position",
    "signer_full_name",
    "recipients",
    "page_amount",
    "language",
)

#: Our field names → Nghị định 30/2020 Phụ lục VI names.
PHU_LUC_VI_NAMES: dict[str, str] = {
    "organ_name": "OrganName",
    "parent_organ": "ParentOrganName",
    "code_number": "CodeNumber",
    "code_notation": "CodeNotation",
    "type_name": "TypeName",
    "place": "Place",
    "issued_date": "IssuedDate",
    "subject": "Subject",
    "signer_authority": "SignerInfo/Authority",
    "signer_position": "SignerInfo/Position",
    "signer_full_name": "SignerInfo/FullName",
    "recipients": "Recipients",
    "page_amount": "PageAmount",
    "language": "Language",
}


@dataclass(frozen=True)
class DocumentMetadata:
    """Fields of a Vietnamese administrative document (Nghị định 30/2020).

    A field that could not be read is None, never a guess.
    """

    organ_name: str | None = None
    parent_organ: str | None = None
    code_number: str | None = None
    code_notation: str | None = None
    type_name: str | None = None
    place: str | None = None
    issued_date: date | None = None
    subject: str | None = None
    signer_authority: str | None = None
    signer_position: str | None = None
    signer_full_name: str | None = None
    recipients: tuple[str, ...] | None = None
    page_amount: int | None = None
    language: str | None = "vi"
    confidence: dict[str, float] = field(default_factory=dict, compare=False)
    """Per-field confidence 0–1 for the fields that were read."""
    needs_review: bool = False

    def to_json(self) -> dict[str, Any]:
        """The fields as in DESIGN.md's JSON contract (dates in ISO 8601)."""
        out: dict[str, Any] = {}
        for name in METADATA_FIELDS:
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentMetadata:
        kwargs: dict[str, Any] = {}
        for name in METADATA_FIELDS:
            if name not in data:
                continue
            value = data[name]
            if name == "issued_date" and value is not None:
                value = date.fromisoformat(value)
            elif name == "recipients" and value is not None:
                value = tuple(value)
            kwargs[name] = value
        return cls(**kwargs)

    def replace(self, **changes: Any) -> DocumentMetadata:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ArchivalPdf:
    """A PDF/A-2b "hai lớp" file (image + invisible text), not yet signed."""

    path: Path
    page_count: int
    text: str
    """The text layer as written, NFC; pages separated by form feed."""
    metadata: DocumentMetadata
    layer_problems: dict[int, str] = field(default_factory=dict)
    """Pages (0-based) whose text layer does not extract as written, and why."""


@dataclass(frozen=True)
class SignedPdf:
    """The archival PDF after the PAdES signature was appended."""

    path: Path
    signing_time: datetime
    level: str
    """PAdES baseline level signed: "B-B", "B-T", "B-LT" or "B-LTA"."""
    signer_subject: str
    no_visible_mark: str | None = None
    """Why the signature has no visible mark on page 1; None when it has one."""
    reserved: int | None = None
    """Hex digits kept for the signature container (`sign_pdf(reserve=…)` for the next
    document of the same identity and level)."""


@dataclass(frozen=True)
class ArchiveRecord:
    """A document as the archive keeps it."""

    document_id: str
    source: Path
    sha256: str
    pdf: Path
    text_path: Path
    original: Path
    pages: int
    metadata: DocumentMetadata
    signature_level: str
    ingested_at: datetime
    mean_confidence: float
    pages_needing_review: tuple[int, ...] = ()
    """1-based numbers of the pages a person should look at (pipeline/review.py)."""
    needs_review: bool = False
    """A field could not be read with confidence, or a page needs review."""
    dossiers: tuple[str, ...] = ()
    """Mã hồ sơ of the dossiers the document is linked to."""


# Typed outcomes of one consume task (like paperless-ngx's consume results).


@dataclass(frozen=True)
class Archived:
    source: Path
    record: ArchiveRecord
    status: Literal["archived"] = "archived"
    rule: str = "file"
    """Why the source was one document ("file", "pages named page-1.jpg … page-9.jpg", …)."""


@dataclass(frozen=True)
class Duplicate:
    source: Path
    document_id: str
    pdf: Path
    status: Literal["duplicate"] = "duplicate"


@dataclass(frozen=True)
class Quarantined:
    source: Path
    reason: str
    quarantine_path: Path | None = None
    status: Literal["quarantined"] = "quarantined"


@dataclass(frozen=True)
class Untouched:
    """Not processed because the batch stopped (configuration or environment error):
    the input is where it was, for a re-run."""

    source: Path
    reason: str
    status: Literal["untouched"] = "untouched"


Outcome = Archived | Duplicate | Quarantined | Untouched
