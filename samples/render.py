"""Drawing a laid-out page at a given dpi, with its exact ground truth."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from samples.fonts import load_font
from samples.ink import SEAL_INK, SIGNATURE_INK, multiply, seal_mask, signature_mask
from samples.layout import A4_MM, REF_DPI, PageLayout, layout_document
from samples.spec import DocumentSpec

Box = tuple[int, int, int, int]
#: Toner is not quite black.
TEXT_INK = (18, 18, 22)


@dataclass(frozen=True)
class RenderedPage:
    """A clean page image and what is printed on it."""

    image: Image.Image
    """RGB, A4 at `dpi`, white paper."""
    lines: tuple[str, ...]
    """Every printed text line in reading order (NFC)."""
    boxes: tuple[Box, ...]
    """Bounding box of each line: (left, top, right, bottom) in pixels of `image`."""
    roles: tuple[str, ...]
    """What each line is (see samples.layout.PlacedLine.role)."""
    paragraphs: tuple[int, ...]
    """Body paragraph index of each line, -1 outside the body."""
    dpi: int
    page_no: int
    """1-based."""
    page_count: int
    seal_text: str | None
    """Text around the seal stamped on this page (not page text), or None."""
    signature: bool
    """Whether a handwritten signature was drawn on this page."""
    ink_boxes: dict[str, Box]
    """Where the seal and the signature landed ("seal", "signature")."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def body(self) -> str:
        """Body lines of this page, a paragraph per line of text."""
        paras: list[list[str]] = []
        last = None
        for line, para in zip(self.lines, self.paragraphs, strict=True):
            if para < 0:
                continue
            if para != last:
                paras.append([])
                last = para
            paras[-1].append(line)
        return "\n".join(" ".join(p) for p in paras)


def page_size(dpi: int) -> tuple[int, int]:
    """A4 in pixels at `dpi`."""
    return (round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi))


def render_page(
    spec: DocumentSpec, page_no: int, dpi: int = 300, *, seal: bool = False, signature: bool = False
) -> RenderedPage:
    """Render page `page_no` (1-based) of `spec` at `dpi`.

    Without `seal` and `signature` the page is exactly the printed text on
    white paper; with them the signer block gets the hand and the stamp
    (only on the page that carries it).
    """
    layouts = layout_document(spec)
    if not 1 <= page_no <= len(layouts):
        raise ValueError(f"page {page_no} out of range 1–{len(layouts)}")
    layout = layouts[page_no - 1]
    k = dpi / REF_DPI
    image = Image.new("RGB", page_size(dpi), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    boxes: list[Box] = []
    for line in layout.lines:
        size_px = line.size_pt / 72.0 * dpi
        left = top = 10**9
        right = bottom = -(10**9)
        for run in line.runs:
            font = load_font(spec.font, run.style, size_px)
            xy = (run.x * k, line.baseline * k)
            draw.text(xy, run.text, font=font, fill=TEXT_INK, anchor="ls")
            bl, bt, br, bb = draw.textbbox(xy, run.text, font=font, anchor="ls")
            left, top, right, bottom = min(left, bl), min(top, bt), max(right, br), max(bottom, bb)
        boxes.append((int(left), int(top), int(right), int(bottom)))
    for rule in layout.rules:
        thick = max(1, round(rule.width_pt / 72.0 * dpi))
        y = round(rule.y * k)
        draw.rectangle((round(rule.x0 * k), y, round(rule.x1 * k), y + thick - 1), fill=TEXT_INK)

    ink_boxes: dict[str, Box] = {}
    seal_text = None
    if layout.signer is not None and (seal or signature):
        ink_boxes = _ink(image, spec, layout, dpi, seal=seal, signature=signature)
        if "seal" in ink_boxes:
            seal_text = spec.seal_text
    return RenderedPage(
        image=image,
        lines=tuple(line.text for line in layout.lines),
        boxes=tuple(boxes),
        roles=tuple(line.role for line in layout.lines),
        paragraphs=tuple(line.paragraph for line in layout.lines),
        dpi=dpi,
        page_no=page_no,
        page_count=len(layouts),
        seal_text=seal_text,
        signature=signature and "signature" in ink_boxes,
        ink_boxes=ink_boxes,
    )


def _ink(
    image: Image.Image,
    spec: DocumentSpec,
    layout: PageLayout,
    dpi: int,
    *,
    seal: bool,
    signature: bool,
) -> dict[str, Box]:
    zone = layout.signer
    assert zone is not None
    k = dpi / REF_DPI
    px_mm = dpi / 25.4
    out: dict[str, Box] = {}
    sig_w, sig_h = round(px_mm * 48), round(px_mm * 19)
    cx = zone.center_x * k + px_mm * 4
    cy = (zone.top + zone.bottom) / 2 * k
    sx, sy = round(cx - sig_w / 2), round(cy - sig_h / 2)
    if signature:
        mask = signature_mask(spec.ink_seed, sig_w, sig_h)
        multiply(image, mask, SIGNATURE_INK, (sx, sy))
        out["signature"] = (sx, sy, sx + sig_w, sy + sig_h)
    if seal and spec.seal_text:
        d = round(px_mm * spec.seal_mm)
        # Nghị định 30/2020 Điều 33: the seal covers about a third of the
        # signature, on its left.
        scx = sx + sig_w / 3 - d * 0.42
        if spec.seal_placement == "position":
            scy = zone.top * k + d * 0.28
        elif spec.seal_placement == "name":
            scy = zone.bottom * k - d * 0.22
        else:
            scy = cy
        x0, y0 = round(scx - d / 2), round(scy - d / 2)
        multiply(image, seal_mask(spec.seal_text, d, spec.ink_seed + 1), SEAL_INK, (x0, y0))
        out["seal"] = (x0, y0, x0 + d, y0 + d)
    return out
