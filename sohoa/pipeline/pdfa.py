"""Build the PDF/A-2b "hai lớp" file (scan image + invisible OCR text).

Thông tư 05/2025/TT-BNV asks the digitized copy to be a PDF/A with the scan at
100% scale and a searchable text layer; DESIGN.md chose PDF/A-2b. The file is
written directly with pikepdf (qpdf): no Ghostscript anywhere, because
Ghostscript's PDF/A conversion has corrupted accented text layers (DESIGN.md,
pitfalls). After writing, `build_pdfa` checks its own output — the structural
PDF/A-2b rules (`check_pdfa`), and whether `pdftotext` gives back every OCR
word (`layer_check`) — before the file gets its real name.

`check_pdfa` is used again after the PAdES signature was appended by an
incremental update, so it accepts signature fields, widgets, a DSS
dictionary and several revisions.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import pikepdf
from PIL import Image

from sohoa.archive.fsutil import atomic_path
from sohoa.errors import PdfError, ToolMissingError
from sohoa.models import (
    METADATA_FIELDS,
    PHU_LUC_VI_NAMES,
    ArchivalPdf,
    DocumentMetadata,
    EncodedImage,
    OcrPage,
)
from sohoa.ocr.textlayer import (
    PlacedLine,
    add_glyphless_font,
    layout_lines,
    pdf_number,
    text_layer_ops,
    text_layer_text,
)
from sohoa.pipeline.layer_check import layer_problem
from sohoa.pipeline.pdfa_check import check_pdfa
from sohoa.vntime import VIETNAM as VIETNAM_TZ
from sohoa.xmp import NS as _NS
from sohoa.xmp import SOHOA_NS, SOHOA_PREFIX

T = TypeVar("T")

#: DESIGN.md: times carry the Vietnam offset (+07:00).
#: Catalog /Lang of a Vietnamese document (RFC 3066 tag).
DEFAULT_LANG = "vi-VN"
_IMAGE_NAME = "Im0"
_FONT_NAME = "F0"
_PDFTOTEXT_TIMEOUT_S = 300


# --- build -------------------------------------------------------------------


def build_pdfa(
    pages: Sequence[OcrPage],
    metadata: DocumentMetadata,
    out: Path,
    *,
    title: str | None = None,
    document_id: str | None = None,
    created: datetime | None = None,
    producer: str = "sohoa 0.1.0",
) -> ArchivalPdf:
    """Write the PDF/A-2b "hai lớp" file of `pages` to `out`, atomically, and check it.

    One PDF page per OCR page, at the paper's real size (pixels × 72 / dpi),
    the archival image drawn full page (JPEG bytes embedded as they are), the
    OCR words on top as invisible text. `created` (default: now) is the
    creation and modification date; the same inputs and `created` give the
    same bytes. `metadata.page_amount`, when unknown, is set to the page count.

    Raises PdfError when the file cannot be built or written, or when it fails
    its own PDF/A-2b check; `out` is then left as it was. A page whose text
    layer does not extract as written is kept and reported in
    `ArchivalPdf.layer_problems` (the scan is the record; the page is flagged).
    """
    if not pages:
        raise PdfError("cannot build an archival PDF without pages")
    if metadata.page_amount is None:
        metadata = metadata.replace(page_amount=len(pages))
    info = _doc_info(metadata, title, document_id, _vietnam_time(created), producer)
    placed = [layout_lines(page) for page in pages]
    texts = [text_layer_text(lines) for lines in placed]
    pdf = pikepdf.new()
    try:
        font = add_glyphless_font(pdf)
        for page, lines in zip(pages, placed, strict=True):
            _add_page(pdf, page, font, lines)
        _set_catalog(pdf, info, metadata)
        layer_problems = _write_atomically(pdf, out, verify=lambda tmp: _self_check(tmp, texts))
    finally:
        pdf.close()
    return ArchivalPdf(
        path=out,
        page_count=len(pages),
        text="\f".join(texts),
        metadata=metadata,
        layer_problems=layer_problems,
    )


def _vietnam_time(moment: datetime | None) -> datetime:
    """`moment` in +07:00, whole seconds; a naive time is taken as Vietnam local time."""
    if moment is None:
        moment = datetime.now(VIETNAM_TZ)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ).replace(microsecond=0)


def _add_page(
    pdf: pikepdf.Pdf, page: OcrPage, font: pikepdf.Object, lines: Sequence[PlacedLine]
) -> None:
    where = f"page {page.index + 1} ({page.source})"
    if page.dpi <= 0:
        raise PdfError(f"{where}: resolution must be positive, got {page.dpi} dpi")
    if page.rotation % 90 or page.rotation not in (0, 90, 180, 270):
        raise PdfError(f"{where}: rotation must be a quarter turn, got {page.rotation}")
    sideways = page.rotation in (90, 270)
    upright = (
        (page.image.height, page.image.width) if sideways else (page.image.width, page.image.height)
    )
    # A straightened page is the scan's own size, or the bounding box of the
    # scan turned by its skew (when ink reaches its corners; grown to an even
    # margin, cleanup.turned_size), or in between.
    theta = math.radians(page.skew_degrees)
    cos, sin = abs(math.cos(theta)), abs(math.sin(theta))
    largest = (upright[0] * cos + upright[1] * sin, upright[0] * sin + upright[1] * cos)
    if not (
        upright[0] - 1 <= page.width <= largest[0] + 2
        and upright[1] - 1 <= page.height <= largest[1] + 2
    ):
        raise PdfError(
            f"{where}: image is {page.image.width}×{page.image.height} px but the page, "
            f"turned {page.rotation + page.skew_degrees}°, is {page.width}×{page.height} px"
        )
    width, height = page.width_pt, page.height_pt
    # ISO 19005-2 6.1.13: page boundaries between 3 and 14 400 units.
    if not (3 <= width <= 14400 and 3 <= height <= 14400):
        raise PdfError(
            f"{where}: page would be {width:.1f}×{height:.1f} pt at {page.dpi} dpi; "
            "PDF/A allows 3–14400 pt",
            hint="check the scan's resolution",
        )
    image = _image_xobject(pdf, page.image, where)
    # 100% scale (Thông tư 05/2025): the page has the paper's size and the scan
    # is drawn at its own resolution, turned upright and straight about the
    # page centre: the scan's pixels stay as delivered, never resampled.
    matrix = image_matrix(page)
    ops = ("q " + " ".join(pdf_number(v) for v in matrix) + f" cm /{_IMAGE_NAME} Do Q\n").encode()
    ops += text_layer_ops(lines, _FONT_NAME)
    resources_dict = pikepdf.Dictionary(XObject=pikepdf.Dictionary({f"/{_IMAGE_NAME}": image}))
    if page.words:
        resources_dict.Font = pikepdf.Dictionary({f"/{_FONT_NAME}": font})
    page_dict = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, round(width, 4), round(height, 4)]),
        Resources=resources_dict,
        Contents=pdf.make_indirect(pikepdf.Stream(pdf, ops)),
    )
    pdf.pages.append(pikepdf.Page(pdf.make_indirect(page_dict)))


def image_matrix(page: OcrPage) -> tuple[float, float, float, float, float, float]:
    """The `cm` matrix drawing the scan (unit square) on the page, turned
    counter-clockwise by rotation + skew about the page centre.

    Row-vector convention of PDF (ISO 32000-1 §8.3.4): scale the unit square
    to the image's size in points, centre it on the origin, rotate, move to
    the page centre.
    """
    k = 72.0 / page.dpi
    w, h = page.image.width * k, page.image.height * k
    theta = math.radians(page.rotation + page.skew_degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    if page.skew_degrees == 0:  # exact quarter turns: no rounding noise in the matrix
        cos, sin = round(cos), round(sin)
    cx, cy = page.width_pt / 2, page.height_pt / 2
    a, b = w * cos, w * sin
    c, d = -h * sin, h * cos
    e = cx - (a + c) / 2
    f = cy - (b + d) / 2
    return (a, b, c, d, e, f)


_COLOUR_SPACES = {
    "RGB": pikepdf.Name.DeviceRGB,
    "L": pikepdf.Name.DeviceGray,
    "1": pikepdf.Name.DeviceGray,
}
_COMPONENTS = {"RGB": 3, "L": 1, "1": 1}


def _image_xobject(pdf: pikepdf.Pdf, image: EncodedImage, where: str) -> pikepdf.Object:
    """The image XObject, its data embedded as given (a JPEG is never re-compressed)."""
    if image.mode not in _COLOUR_SPACES:
        raise PdfError(f"{where}: image mode {image.mode!r} is not RGB, L or 1")
    if image.filter == "DCTDecode":
        _check_jpeg(image, where)
    elif image.filter == "FlateDecode":
        if not image.decoded:  # else the worker's decoder read every row from them
            _check_flate(image, where)
    else:
        raise PdfError(f"{where}: unknown image filter {image.filter!r}")
    stream = pikepdf.Stream(pdf, image.data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = image.width
    stream.Height = image.height
    # Mode "1": Pillow packs white as bit 1, and a 1-bit DeviceGray sample of 1
    # is white too, so the default /Decode [0 1] is right (no inversion).
    stream.ColorSpace = _COLOUR_SPACES[image.mode]
    stream.BitsPerComponent = image.bits_per_component
    stream.Filter = pikepdf.Name("/" + image.filter)
    if image.png_predictor:
        # A PNG's IDAT rows, each with its filter byte (ISO 32000-1 §7.4.4.4).
        stream.DecodeParms = pikepdf.Dictionary(
            Predictor=15,
            Colors=_COMPONENTS[image.mode],
            BitsPerComponent=image.bits_per_component,
            Columns=image.width,
        )
    return pdf.make_indirect(stream)


def _check_jpeg(image: EncodedImage, where: str) -> None:
    try:
        with Image.open(BytesIO(image.data)) as jpeg:
            found = (jpeg.format, jpeg.size, jpeg.mode)
    except (OSError, ValueError) as exc:
        raise PdfError(f"{where}: image data is not a readable JPEG: {exc}") from None
    wanted = ("JPEG", (image.width, image.height), image.mode)
    if found != wanted:
        raise PdfError(f"{where}: JPEG is {found}, expected {wanted}")


def _check_flate(image: EncodedImage, where: str) -> None:
    """The zlib data must inflate to exactly the rows the dictionary will announce."""
    row = (image.width * _COMPONENTS[image.mode] * image.bits_per_component + 7) // 8
    if image.png_predictor:
        row += 1  # each PNG row starts with its filter-type byte
    expected = row * image.height
    inflater = zlib.decompressobj()
    size = 0
    try:
        for start in range(0, len(image.data), 1 << 20):
            size += len(inflater.decompress(image.data[start : start + (1 << 20)]))
        size += len(inflater.flush())
    except zlib.error as exc:
        raise PdfError(f"{where}: image data is not valid zlib data: {exc}") from None
    if size != expected:
        raise PdfError(
            f"{where}: image data inflates to {size} bytes, expected {expected} "
            f"({image.width}×{image.height} {image.mode})"
        )


# --- document metadata: Info dictionary and XMP, built from one value ---------


@dataclass(frozen=True)
class _DocInfo:
    """What both the Info dictionary and the XMP say (ISO 19005-2 6.6.2.2: equivalent)."""

    title: str
    author: str | None
    subject: str | None
    producer: str
    created: datetime
    language: str
    document_id: str | None


def _doc_info(
    metadata: DocumentMetadata,
    title: str | None,
    document_id: str | None,
    created: datetime,
    producer: str,
) -> _DocInfo:
    return _DocInfo(
        title=_nfc(title) if title else _default_title(metadata, document_id),
        author=_nfc(metadata.organ_name) if metadata.organ_name else None,
        subject=_nfc(metadata.subject) if metadata.subject else None,
        producer=producer,
        created=created,
        language=_language_tag(metadata.language),
        document_id=document_id,
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _default_title(metadata: DocumentMetadata, document_id: str | None) -> str:
    """E.g. "Quyết định số 151/QĐ-STC ngày 31/05/2021: Ban hành Kế hoạch …"."""
    parts: list[str] = []
    if metadata.type_name:
        parts.append(metadata.type_name)
    number = "/".join(p for p in (metadata.code_number, metadata.code_notation) if p)
    if number:
        parts.append(f"số {number}")
    if metadata.issued_date:
        parts.append(f"ngày {metadata.issued_date:%d/%m/%Y}")
    head = " ".join(parts)
    if metadata.subject:
        head = f"{head}: {metadata.subject}" if head else metadata.subject
    return _nfc(head or document_id or "Tài liệu số hóa")


def _language_tag(language: str | None) -> str:
    """An RFC 3066 tag for dc:language and /Lang ("vi" → "vi-VN")."""
    if language and re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", language):
        return DEFAULT_LANG if language.lower() == "vi" else language
    return DEFAULT_LANG


def _pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z")  # "+0700"
    return f"D:{moment:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


def _set_catalog(pdf: pikepdf.Pdf, info: _DocInfo, metadata: DocumentMetadata) -> None:
    root = pdf.Root
    root.Lang = pikepdf.String(info.language)
    root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    icc = (resources.files("sohoa") / "data" / "icc" / "sRGB.icc").read_bytes()
    profile = pdf.make_indirect(pikepdf.Stream(pdf, icc))
    profile.N = 3
    root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
                RegistryName=pikepdf.String("http://www.color.org"),
                Info=pikepdf.String("sRGB IEC61966-2.1"),
                DestOutputProfile=profile,
            )
        ]
    )
    xmp = pdf.make_indirect(pikepdf.Stream(pdf, _xmp_packet(info, metadata)))
    xmp.Type = pikepdf.Name.Metadata
    xmp.Subtype = pikepdf.Name.XML
    root.Metadata = xmp
    fields: dict[str, pikepdf.Object] = {
        "/Title": pikepdf.String(info.title),
        "/Creator": pikepdf.String(info.producer),
        "/Producer": pikepdf.String(info.producer),
        "/CreationDate": pikepdf.String(_pdf_date(info.created)),
        "/ModDate": pikepdf.String(_pdf_date(info.created)),
    }
    if info.author:
        fields["/Author"] = pikepdf.String(info.author)
    if info.subject:
        fields["/Subject"] = pikepdf.String(info.subject)
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(fields))


#: Our field → (XMP value type, description) of the sohoa extension schema.
_PROPERTY_TYPES: dict[str, tuple[str, str]] = {
    "organ_name": ("Text", "Tên cơ quan, tổ chức ban hành văn bản"),
    "parent_organ": ("Text", "Tên cơ quan, tổ chức chủ quản trực tiếp"),
    "code_number": ("Text", "Số của văn bản"),
    "code_notation": ("Text", "Ký hiệu của văn bản"),
    "type_name": ("Text", "Tên loại văn bản"),
    "place": ("Text", "Địa danh nơi ban hành văn bản"),
    "issued_date": ("Date", "Ngày, tháng, năm ban hành văn bản"),
    "subject": ("Text", "Trích yếu nội dung văn bản"),
    "signer_authority": ("Text", "Quyền hạn của người ký (TM., Q., KT., TL., TUQ.)"),
    "signer_position": ("Text", "Chức vụ của người ký"),
    "signer_full_name": ("Text", "Họ và tên người ký"),
    "recipients": ("seq Text", "Nơi nhận"),
    "page_amount": ("Integer", "Số lượng trang của văn bản"),
    "language": ("Text", "Ngôn ngữ của văn bản"),
}


def xmp_property_name(field_name: str) -> str:
    """The XMP name of a metadata field: its Phụ lục VI name made a valid XML name.

    "SignerInfo/Position" is not an XML name, so signer fields become
    SignerPosition, SignerFullName, SignerAuthority.
    """
    return PHU_LUC_VI_NAMES[field_name].replace("SignerInfo/", "Signer")


def _xmp_packet(info: _DocInfo, metadata: DocumentMetadata) -> bytes:
    """The XMP packet: PDF/A identification, Dublin Core, XMP basic, PDF, our fields.

    Written by hand, not through pikepdf's editor, so the bytes depend only on
    the inputs. No `bytes`/`encoding` attribute in the xpacket header (ISO
    19005-2 6.6.2.1).
    """
    when = info.created.isoformat()
    dc = [_alt("dc:title", info.title), "<dc:format>application/pdf</dc:format>"]
    if info.author:
        dc.append(_array("dc:creator", "Seq", [info.author]))
    if info.subject:
        dc.append(_alt("dc:description", info.subject))
    dc.append(_array("dc:language", "Bag", [info.language]))
    if info.document_id:
        dc.append(f"<dc:identifier>{_xml(info.document_id)}</dc:identifier>")
    descriptions = [
        _description(
            "pdfaid", ["<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>"]
        ),
        _description("dc", dc),
        _description(
            "xmp",
            [
                f"<xmp:CreateDate>{when}</xmp:CreateDate>",
                f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
                f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
                f"<xmp:CreatorTool>{_xml(info.producer)}</xmp:CreatorTool>",
            ],
        ),
        _description("pdf", [f"<pdf:Producer>{_xml(info.producer)}</pdf:Producer>"]),
        _extension_schemas(),
    ]
    fields = _metadata_properties(metadata)
    if fields:
        descriptions.append(_description(SOHOA_PREFIX, fields))
    packet = "\n".join(
        [
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
            f'<x:xmpmeta xmlns:x="{_NS["x"]}">',
            f'<rdf:RDF xmlns:rdf="{_NS["rdf"]}">',
            *descriptions,
            "</rdf:RDF>",
            "</x:xmpmeta>",
            '<?xpacket end="w"?>',
        ]
    )
    return packet.encode("utf-8")


def _metadata_properties(metadata: DocumentMetadata) -> list[str]:
    out: list[str] = []
    for name in METADATA_FIELDS:
        value = getattr(metadata, name)
        if value is None:
            continue
        tag = f"{SOHOA_PREFIX}:{xmp_property_name(name)}"
        if isinstance(value, tuple):
            out.append(_array(tag, "Seq", [str(v) for v in value]))
        elif isinstance(value, date):
            out.append(f"<{tag}>{value.isoformat()}</{tag}>")
        else:
            out.append(f"<{tag}>{_xml(str(value))}</{tag}>")
    return out


def _extension_schemas() -> str:
    """The PDF/A extension schema declaring our properties (ISO 19005-2 6.6.2.3)."""
    properties = "\n".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{xmp_property_name(name)}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>{value_type}</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{_xml(text)} (Nghị định 30/2020, Phụ lục VI)"
        "</pdfaProperty:description></rdf:li>"
        for name, (value_type, text) in _PROPERTY_TYPES.items()
    )
    schema = (
        '<rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Thông tin văn bản hành chính (Nghị định 30/2020, Phụ lục VI)"
        "</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{SOHOA_NS}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{SOHOA_PREFIX}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>\n{properties}\n</rdf:Seq></pdfaSchema:property>"
        "</rdf:li>"
    )
    body = f"<pdfaExtension:schemas><rdf:Bag>\n{schema}\n</rdf:Bag></pdfaExtension:schemas>"
    return _description("pdfaExtension", [body], extra=("pdfaSchema", "pdfaProperty"))


def _description(prefix: str, children: list[str], extra: tuple[str, ...] = ()) -> str:
    declarations = " ".join(f'xmlns:{p}="{_NS[p]}"' for p in (prefix, *extra))
    return (
        f'<rdf:Description rdf:about="" {declarations}>\n'
        + "\n".join(children)
        + "\n</rdf:Description>"
    )


def _alt(tag: str, text: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{_xml(text)}</rdf:li></rdf:Alt></{tag}>'


def _array(tag: str, kind: str, items: list[str]) -> str:
    lis = "".join(f"<rdf:li>{_xml(item)}</rdf:li>" for item in items)
    return f"<{tag}><rdf:{kind}>{lis}</rdf:{kind}></{tag}>"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Escaped XML text, NFC, without the characters XML 1.0 cannot carry."""
    return escape(_XML_INVALID.sub("", _nfc(text)))


# --- writing -----------------------------------------------------------------


def _write_atomically(pdf: pikepdf.Pdf, out: Path, verify: Callable[[Path], T]) -> T:
    """Save beside `out` under a temporary name, verify, then rename over `out`.

    STYLE.md 7: a crash never leaves half a file under the real name, and a
    file that fails `verify` never gets it.
    """
    if not Path(out).parent.is_dir():  # never create folders: the caller names a place that exists
        raise PdfError(f"cannot write {out}: folder {Path(out).parent} does not exist")
    try:
        with atomic_path(Path(out)) as tmp:
            pdf.save(
                tmp,
                # Header %PDF-1.7 (ISO 19005-2 6.1.2 allows 1.0–1.7).
                force_version="1.7",
                # /ID from the content: same inputs, same bytes (6.1.3 needs an /ID).
                deterministic_id=True,
                # Classic xref table: the friendliest base for incremental signing.
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                compress_streams=True,
                # Keep every encoded stream (the JPEGs, the zlib images) byte for byte.
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                # Leave our XMP exactly as written (pikepdf would re-serialise it).
                fix_metadata_version=False,
            )
            result = verify(tmp)
    except (OSError, pikepdf.PdfError) as exc:
        raise PdfError(f"cannot write {out}: {exc}") from exc
    return result


def _self_check(path: Path, texts: list[str]) -> dict[int, str]:
    """Refuse a file that is not PDF/A-2b; return the pages whose text layer
    does not extract as written (0-based index → why), to be flagged."""
    problems = check_pdfa(path)
    if problems:
        raise PdfError("the archival PDF failed its PDF/A-2b check: " + "; ".join(problems))
    extracted = extract_text(path).split("\f")
    if len(extracted) != len(texts):
        raise PdfError(f"pdftotext found {len(extracted)} pages, expected {len(texts)}")
    found = {
        index: layer_problem(want, got)
        for index, (want, got) in enumerate(zip(texts, extracted, strict=True))
    }
    return {index: why for index, why in found.items() if why}


def extract_text(path: Path) -> str:
    """The text `pdftotext` (reading order, not -layout) gets from `path`, NFC.

    Pages are separated by a form feed; each page's lines by a newline, with no
    trailing newline.
    """
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ToolMissingError(
            "pdftotext (poppler-utils) is not installed", hint="apt-get install poppler-utils"
        )
    try:
        done = subprocess.run(
            [exe, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=_PDFTOTEXT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfError(f"{path}: pdftotext took more than {_PDFTOTEXT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise PdfError(f"{path}: pdftotext failed: {message}")
    pages = _nfc(done.stdout.decode("utf-8", "replace")).split("\f")
    if pages and pages[-1] == "":
        pages.pop()  # pdftotext ends every page, the last one too, with \f
    return "\f".join(page.rstrip("\n") for page in pages)
