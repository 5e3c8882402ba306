"""What a synthetic document says (DocumentSpec) and how its scan is damaged (Damage)."""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from samples.fonts import Style

DocType = Literal[
    "quyet_dinh", "cong_van", "thong_bao", "bao_cao", "ke_hoach", "to_trinh", "giay_moi"
]

#: Type name (Phụ lục VI TypeName) and the abbreviation used in the notation
#: (Nghị định 30/2020 Phụ lục III); a công văn has no abbreviation.
DOC_TYPES: dict[str, tuple[str, str]] = {
    "quyet_dinh": ("Quyết định", "QĐ"),
    "cong_van": ("Công văn", ""),
    "thong_bao": ("Thông báo", "TB"),
    "bao_cao": ("Báo cáo", "BC"),
    "ke_hoach": ("Kế hoạch", "KH"),
    "to_trinh": ("Tờ trình", "TTr"),
    "giay_moi": ("Giấy mời", "GM"),
}

#: Authority prefixes of the signer block (Nghị định 30/2020 Điều 13).
AUTHORITIES: tuple[str, ...] = ("TM.", "Q.", "KT.", "TL.", "TUQ.")

Align = Literal["justify", "center", "left"]
SealPlacement = Literal["signature", "position", "name"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vn_upper(text: str) -> str:
    """Upper case that keeps Vietnamese precomposed letters precomposed (NFC)."""
    return nfc(text.upper())


def date_line(place: str, issued: date) -> str:
    """`Gia Lai, ngày 31 tháng 5 năm 2021`.

    Nghị định 30/2020 Phụ lục I: days below 10 and months 1 and 2 are written
    with a leading zero (`ngày 05 tháng 02 năm 2024`).
    """
    day = f"{issued.day:02d}" if issued.day < 10 else str(issued.day)
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    return f"{place}, ngày {day} tháng {month} năm {issued.year}"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body, with the little typography it needs."""

    text: str
    align: Align = "justify"
    """Justified body text, centred headings, or left-aligned list items."""
    style: Style = "regular"
    """Base style of the paragraph (italic for the Căn cứ lines of a decision)."""
    indent: bool = True
    """First-line indent (1–1.27 cm for body paragraphs)."""
    lead_bold: int = 0
    """How many leading words are bold (`Điều 1.`, `Thời gian:`)."""
    left_mm: float = 0.0
    """Indent of every line from the left margin (Kính gửi block)."""
    hang_mm: float = 0.0
    """Extra indent of the continuation lines."""
    left_after: str = ""
    """Further indent by the width of this text (a `Kính gửi: ` label above)."""
    hang_after: str = ""
    """Continuation lines are further indented by the width of this text."""
    space_before_pt: float = 6.0
    """Nghị định 30/2020: paragraphs are at least 6 pt apart."""


@dataclass(frozen=True)
class DocumentSpec:
    """Everything printed on one synthetic administrative document.

    Texts are NFC and exactly as printed (upper case where the page shows
    upper case). Line breaks in the header blocks are given explicitly as
    tuples, as real agencies choose them; the body is wrapped by the layout.
    """

    doc_type: DocType
    parent_lines: tuple[str, ...]
    """Cơ quan chủ quản, upper case, one entry per printed line (may be empty)."""
    organ_lines: tuple[str, ...]
    """Cơ quan ban hành, upper case bold, one entry per printed line."""
    number: str
    """Số (CodeNumber), e.g. `151`."""
    notation: str
    """Ký hiệu (CodeNotation), e.g. `QĐ-STC`; a công văn's has no type part (`BNV-VP`)."""
    place: str
    issued: date
    subject: str
    """Trích yếu; for a công văn the text after `V/v `."""
    body: tuple[Paragraph, ...]
    signer_authority: str | None
    """One of AUTHORITIES, or None when the head signs in their own name."""
    signer_principal: str | None
    """Who the authority is exercised for: `GIÁM ĐỐC` in `KT. GIÁM ĐỐC`,
    `ỦY BAN NHÂN DÂN` in `TM. ỦY BAN NHÂN DÂN`; None without authority and for `Q.`."""
    signer_position: str
    """The signer's own position, upper case (`PHÓ GIÁM ĐỐC`)."""
    signer_name: str
    recipients: tuple[str, ...]
    """Nơi nhận items as printed after the dash (`Như Điều 3;`, `Lưu: VT, VP.`)."""
    font: str = "Liberation Serif"
    body_pt: float = 14.0
    header_pt: float = 13.0
    """Size of cơ quan chủ quản, cơ quan ban hành and Quốc hiệu (12–13 pt)."""
    line_spacing: float = 1.15
    """Line pitch of the body as a multiple of its size (single to 1.5 lines)."""
    margins_mm: tuple[float, float, float, float] = (20.0, 15.0, 20.0, 30.0)
    """Top, right, bottom, left (Phụ lục I: 20–25, 15–20, 20–25, 30–35 mm)."""
    indent_mm: float = 12.7
    seal_text: str | None = None
    """Text around the seal's ring (not page text); None: the agency has no seal here."""
    seal_mm: float = 36.0
    seal_placement: SealPlacement = "signature"
    """What the seal overlaps besides the signature: nothing else, the position
    line or the name."""
    ink_seed: int = 0
    """Seed of the handwritten signature and the seal's ink texture."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Free notes carried into the ground truth (topic, agency kind)."""

    @property
    def type_name(self) -> str:
        return DOC_TYPES[self.doc_type][0]

    @property
    def has_type_heading(self) -> bool:
        """A công văn has no type name line; its subject is `V/v …` under the number."""
        return self.doc_type != "cong_van"

    @property
    def organ_name(self) -> str:
        return " ".join(self.organ_lines)

    @property
    def parent_organ(self) -> str | None:
        return " ".join(self.parent_lines) or None

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}/{self.notation}"

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.issued)

    @property
    def signer_lines(self) -> tuple[str, ...]:
        """The bold upper-case lines above the signature."""
        if self.signer_authority is None:
            return (self.signer_position,)
        if self.signer_authority == "Q.":
            return (f"Q. {self.signer_position}",)
        return (f"{self.signer_authority} {self.signer_principal}", self.signer_position)

    def replace(self, **changes: Any) -> DocumentSpec:
        return dataclasses.replace(self, **changes)


BorderSide = Literal["left", "right", "top", "bottom"]


@dataclass(frozen=True)
class Damage:
    """How one page's scan differs from the clean page.

    Applied in the order a real scan happens: the paper (tone, dust) is laid
    skewed and possibly turned on the glass, then the scanner adds its own
    faults in its own frame (uneven lamp, lid border, optics blur, sensor
    noise) and finally compresses.
    """

    skew: float = 0.0
    """Degrees the paper is turned on the glass, counter-clockwise positive."""
    rotation: int = 0
    """Clockwise quarter turn of the delivered page: 0, 90, 180 or 270.
    Turning the scan counter-clockwise by this much makes it upright."""
    dpi: int = 300
    noise: float = 0.0
    """Standard deviation of the sensor's gaussian noise, in 0–255 levels."""
    blur: float = 0.0
    """Gaussian blur radius in pixels at 300 dpi (scaled with dpi)."""
    illumination: float = 0.0
    """Darkening of the dim edge (0: even light, 0.3: 30% darker)."""
    illumination_edge: BorderSide = "right"
    jpeg_quality: int | None = None
    """Quality of the scanner's JPEG compression; None: lossless."""
    speckles: int = 0
    """Number of dust specks and toner dots on the page."""
    border_px: int = 0
    """Width of the black strip a lifted lid leaves, in pixels at this dpi."""
    border_sides: tuple[BorderSide, ...] = ()
    seal: bool = True
    """Stamp the red seal over the signature (when the page has the signer block)."""
    signature: bool = True
    """Draw the blue handwritten signature (when the page has the signer block)."""
    grayscale: bool = False
    """Deliver an 8-bit grayscale scan instead of colour."""
    paper_tone: float = 0.4
    """How far the paper is from pure white (0: white, 1: old yellowed paper)."""

    def __post_init__(self) -> None:
        if self.rotation not in (0, 90, 180, 270):
            raise ValueError(f"rotation must be a quarter turn, not {self.rotation}")
        if self.dpi <= 0:
            raise ValueError("dpi must be positive")
        if self.jpeg_quality is not None and not 1 <= self.jpeg_quality <= 95:
            raise ValueError("jpeg_quality must be 1–95")

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["border_sides"] = list(self.border_sides)
        return data
