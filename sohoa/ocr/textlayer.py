"""The invisible OCR text layer of a "hai lớp" PDF, and the glyph-less font it uses.

The text is drawn in rendering mode 3 (neither filled nor stroked) over the
scanned image, so a viewer shows the scan but selects, searches and copies the
OCR words. The font is the one Tesseract and OCRmyPDF use: a Type0 font with
Identity-H encoding whose character codes are the UTF-16 code units of the
text (CID = code unit), every CID drawn with glyph 1 of a tiny embedded
TrueType (`sohoa/data/fonts/pdf.ttf`, a 0.5 em × 1 em box), and a ToUnicode
CMap that maps each code unit to itself. So any BMP character — every
precomposed Vietnamese letter (NFC) included — extracts exactly, with no
font able to lose a diacritic.

Geometry, per OCR line (pixels → points, y flipped):

* font size = the height of the line's typical word box, baseline = its
  bottom. The glyph box spans baseline … baseline + 1 em (Ascent 1000,
  Descent ~0), so the invisible glyphs cover the line's words: selection
  highlights land on them, stacked diacritics (Ạ, Ậ, Ỗ) included. One size
  and one baseline per line, not per word, so `pdftotext` and viewers keep
  the words of a line on one line. An OCR line whose words sit on two rows
  is drawn as two lines, and lines close enough for poppler to merge them
  get a smaller size (`_apart`).
* each word starts at its box's left edge (`Td` from the previous word) and
  is stretched with `Tz` so that its advance width equals its box width
  (shortened to leave 0.05 em when it touches the next word's box); words
  never overlap and every character advances at least 0.15 em.
* a space glyph, stretched to fill the gap up to the next word, follows every
  word but the last, so copy/paste and `pdftotext` give separated words.
* boxes are clamped to the page: pdftotext drops characters drawn outside it.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pikepdf

from sohoa.models import OcrPage, OcrWord

#: BaseFont/FontName of the glyph-less font (the name Tesseract gives it).
FONT_NAME = "GlyphLessFont"
#: Advance width of every glyph in 1/1000 em: glyph 1 of pdf.ttf is 1024 of
#: 2048 units wide. /DW must equal it (ISO 19005-2 6.2.11.5: widths in the
#: font dictionary consistent with the embedded program).
GLYPH_WIDTH = 500
#: Smallest horizontal scaling written, in percent; a zero or negative Tz
#: (an empty or overlapping box) would make the word vanish or run backwards.
MIN_TZ = 1.0
#: Smallest advance of one character, in em: poppler drops a character that
#: repeats the previous one less than 0.1 em away, taking it for fake bold.
MIN_ADVANCE_EM = 0.15
#: A word taller than this many times its line's median word is left out of
#: the line's height.
TALL_WORD = 1.5
#: Two runs sharing columns are one row when their bands overlap by this share.
SAME_ROW = 0.7
#: Largest font size of two overlapping lines, as a multiple of their
#: baselines' distance: poppler joins lines closer than half a font size.
SEPARATION = 1.8
#: Lines are not shrunk below this share of their size to keep them apart.
MIN_SEPARATED = 0.2
#: Gap kept between two words of a line, in em, when their boxes touch.
MIN_GAP_EM = 0.05
#: Smallest font size written, in points (a box of zero height).
MIN_FONT_SIZE = 0.5
_SPACE = 0x20
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class PlacedWord:
    """One word of the text layer, in PDF points (origin bottom-left)."""

    text: str
    """The text as encoded: what a viewer extracts."""
    x: float
    """Left edge of the word's box."""
    width: float
    """Width of the word's box."""


@dataclass(frozen=True)
class PlacedLine:
    """One OCR line: its words share a font size and a baseline."""

    words: tuple[PlacedWord, ...]
    baseline: float
    size: float


def clean_text(text: str) -> str:
    """The text as the text layer can carry it.

    NFC; controls and format characters (Cc, Cf: zero-width joiners, BOM,
    soft hyphen) dropped; other spaces → U+0020; characters outside the BMP
    and non-characters → U+FFFD, because a CID is one UTF-16 code unit and a
    ToUnicode entry cannot map half a surrogate pair (no Vietnamese letter is
    outside the BMP).
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        code = ord(ch)
        if category in ("Cc", "Cf"):
            continue
        if category == "Zs":
            out.append(" ")
        elif code > 0xFFFF or category == "Cs" or _is_noncharacter(code):
            out.append(_REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out).strip()


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def layout_lines(page: OcrPage) -> list[PlacedLine]:
    """Place the page's OCR words, line by line, in PDF points."""
    scale = 72.0 / page.dpi
    runs: list[list[tuple[str, Box]]] = []
    for words in _group_lines(page.words):
        kept = [
            (text, _clamp(w.box, page.width, page.height))
            for w in words
            if (text := clean_text(w.text))
        ]
        runs.extend(_runs(kept))
    placed: list[PlacedLine] = []
    for run in _merge_rows(runs):
        top, bottom = _line_band([box for _, box in run])
        size = max((bottom - top) * scale, MIN_FONT_SIZE)
        line_words = [
            PlacedWord(text=text, x=box[0] * scale, width=(box[2] - box[0]) * scale)
            for text, box in run
        ]
        placed.append(
            PlacedLine(
                words=tuple(_one_after_another(line_words, size, page.width * scale)),
                baseline=(page.height - bottom) * scale,
                size=size,
            )
        )
    return _apart(placed)


Box = tuple[int, int, int, int]


def _runs(words: list[tuple[str, Box]]) -> list[list[tuple[str, Box]]]:
    """The words of one OCR line, left to right, split where they do not share a row.

    Tesseract sometimes takes the end of the next line (beside a seal or a
    handwritten date) into a line; drawn on one baseline, those words would
    land among the next line's words and pdftotext would interleave them. A
    word joins the latest run whose last word of ordinary height it overlaps
    vertically by half the shorter of the two heights; a speck (a tone mark
    read as a letter) stays with the words around it.
    """
    if not words:
        return []
    heights = sorted(box[3] - box[1] for _, box in words)
    small = 0.5 * heights[len(heights) // 2]
    runs: list[list[tuple[str, Box]]] = []
    rows: list[Box] = []  # per run, its last word of ordinary height
    for word in sorted(words, key=lambda item: item[1][0]):
        box = word[1]
        if box[3] - box[1] < small and runs:
            runs[-1].append(word)
            continue
        for index in reversed(range(len(runs))):
            if _same_row(box, rows[index]):
                runs[index].append(word)
                rows[index] = box
                break
        else:
            runs.append([word])
            rows.append(box)
    return runs


def _same_row(a: Box, b: Box, share: float = 0.5) -> bool:
    """Whether two boxes overlap vertically by `share` of the shorter one's height."""
    shared = min(a[3], b[3]) - max(a[1], b[1])
    return shared >= share * min(a[3] - a[1], b[3] - b[1])


def _merge_rows(runs: list[list[tuple[str, Box]]]) -> list[list[tuple[str, Box]]]:
    """Runs lying on one row and sharing columns, merged into one.

    OCR sometimes reads the same row twice (a word at the end of a line
    taken for a line of its own, a second look that read a speck under a
    word): drawn as two lines on one baseline, their words would interleave.
    Merged, the row's words are laid out one after another.
    """
    merged: list[list[tuple[str, Box]]] = []
    extents: list[Box] = []
    for run in runs:
        extent = _extent([box for _, box in run])
        for index, other in enumerate(extents):
            if extent[0] < other[2] and other[0] < extent[2] and _same_row(extent, other, SAME_ROW):
                merged[index] = sorted(merged[index] + run, key=lambda item: item[1][0])
                extents[index] = _extent([box for _, box in merged[index]])
                break
        else:
            merged.append(list(run))
            extents.append(extent)
    return merged


def _extent(boxes: list[Box]) -> Box:
    """The band of a run's words of ordinary height, from its leftmost to its rightmost word."""
    top, bottom = _line_band(boxes)
    return min(b[0] for b in boxes), top, max(b[2] for b in boxes), bottom


def _line_band(boxes: list[Box]) -> tuple[int, int]:
    """Top and bottom (pixels) of a line's glyphs: the extent of its words of
    ordinary height.

    A box far taller than the line's others (a seal fragment or a signature
    stroke read as a word, a box Tesseract drew two lines deep) must not make
    the line's glyphs reach into the next line, where pdftotext would
    interleave the two lines' words ("trêntrênđịađịa").
    """
    heights = sorted(box[3] - box[1] for box in boxes)
    typical = heights[len(heights) // 2]
    ordinary = [box for box in boxes if box[3] - box[1] <= TALL_WORD * typical]
    return min(box[1] for box in ordinary), max(box[3] for box in ordinary)


def _apart(lines: list[PlacedLine]) -> list[PlacedLine]:
    """Lines that pdftotext could take for one are kept from running together.

    poppler puts into one line every word whose baseline lies within half
    the first word's font size of its own (`maxIntraLineDelta`), and writes
    no space between two of its words closer than a few hundredths of an
    em. Two OCR lines that sit that close (a superscript, a line squeezed
    between two others, a skewed table row, one line Tesseract cut in two)
    would have their words interleaved or glued. When they share columns,
    their font size is reduced below twice their baselines' distance (the
    baselines stay); when one ends just where the other starts, the first
    one's last word is shortened to leave a gap.
    """
    sizes = [line.size for line in lines]
    words = [list(line.words) for line in lines]
    for i, j in itertools.combinations(range(len(lines)), 2):
        distance = abs(lines[i].baseline - lines[j].baseline)
        if distance >= 0.5 * max(sizes[i], sizes[j]):
            continue  # poppler keeps them apart
        left, right = (i, j) if words[i][0].x <= words[j][0].x else (j, i)
        end = words[left][-1].x + words[left][-1].width
        gap = MIN_GAP_EM * 3 * sizes[left]
        if end + gap <= words[right][0].x:
            continue  # side by side, with room between: at worst joined with a space
        last = words[left][-1]
        shortened = words[right][0].x - gap - last.x
        if end <= words[right][0].x and shortened >= _min_width(last.text, sizes[left]):
            words[left][-1] = PlacedWord(text=last.text, x=last.x, width=shortened)
            continue
        limit = SEPARATION * distance
        if limit >= MIN_SEPARATED * min(sizes[i], sizes[j]):
            sizes[i], sizes[j] = min(sizes[i], limit), min(sizes[j], limit)
        # else: two lines on one baseline (OCR read the same ink twice):
        # nothing keeps them apart, and the self-check reports the page.
    return [
        PlacedLine(words=tuple(w), baseline=line.baseline, size=size)
        for line, w, size in zip(lines, words, sizes, strict=True)
    ]


def _one_after_another(words: list[PlacedWord], size: float, page_right: float) -> list[PlacedWord]:
    """Words of a line placed left to right, never overlapping, each wide enough.

    Each word starts at its box's left edge or just after the previous word,
    whichever is further right, and is at least MIN_ADVANCE_EM per character
    wide. pdftotext glues words whose glyphs touch or overlap, even with a
    space glyph between them ("Số:151/QĐ-STC"), and drops a character that
    repeats the previous one less than 0.1 em away (its fake-bold detection).
    Words pushed past the page's right edge are pulled back inside it:
    pdftotext drops characters drawn outside the page.
    """
    gap = MIN_GAP_EM * size
    out: list[PlacedWord] = []
    end = -math.inf
    for i, word in enumerate(words):
        x = max(word.x, end + gap)
        right = word.x + word.width
        if i + 1 < len(words) and words[i + 1].x > x:
            # Its box runs into the next word's: end it short of that box.
            right = min(right, words[i + 1].x - gap)
        width = max(right - x, _min_width(word.text, size))
        out.append(PlacedWord(text=word.text, x=x, width=width))
        end = x + width
    limit = page_right
    for i in reversed(range(len(out))):
        word = out[i]
        if word.x + word.width <= limit:
            break
        width = max(min(word.width, limit - word.x), _min_width(word.text, size))
        x = max(0.0, limit - width)
        width = min(width, limit - x)
        out[i] = PlacedWord(text=word.text, x=x, width=width)
        limit = x - gap
    return out


def _min_width(text: str, size: float) -> float:
    return len(encode_cids(text)) // 2 * MIN_ADVANCE_EM * size


def _clamp(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """The box inside the page: pdftotext drops characters drawn outside the page."""
    left, top = min(max(box[0], 0), width), min(max(box[1], 0), height)
    return left, top, min(max(box[2], left), width), min(max(box[3], top), height)


def _group_lines(words: Iterable[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped by `OcrWord.line`, lines and words in OCR reading order."""
    lines: dict[int, list[OcrWord]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return list(lines.values())


def text_layer_text(lines: Sequence[PlacedLine]) -> str:
    """The text the layer of `lines` (`layout_lines`) carries: one line per OCR line,
    words separated by a space."""
    return "\n".join(" ".join(w.text for w in line.words) for line in lines)


def text_layer_ops(lines: Sequence[PlacedLine], font_resource: str) -> bytes:
    """Content-stream operators drawing a page's OCR words, placed by `layout_lines`,
    as invisible text.

    `font_resource` is the name of the glyph-less font in the page's /Font
    resources (with or without the leading slash). Returns b"" for a page
    without words. The operators are wrapped in q … Q so the text state (Tz,
    Tr) does not leak into what follows.
    """
    if not lines:
        return b""
    name = font_resource.lstrip("/")
    ops: list[str] = ["q", "BT", "3 Tr"]
    for line in lines:
        ops.extend(_line_ops(line, name))
    ops.extend(["ET", "Q"])
    return ("\n".join(ops) + "\n").encode("ascii")


def _line_ops(line: PlacedLine, font_name: str) -> list[str]:
    first = line.words[0]
    ops = [
        f"/{font_name} {pdf_number(line.size)} Tf",
        f"1 0 0 1 {pdf_number(first.x)} {pdf_number(line.baseline)} Tm",
    ]
    em = GLYPH_WIDTH / 1000.0 * line.size  # advance of one glyph at Tz 100, in points
    for i, word in enumerate(line.words):
        if i > 0:
            # Td moves the start of the text line: from the previous word's left edge.
            ops.append(f"{pdf_number(word.x - line.words[i - 1].x)} 0 Td")
        codes = encode_cids(word.text)
        ops.append(f"{_tz(word.width, len(codes) // 2, em)} Tz")
        ops.append(f"<{codes.hex().upper()}> Tj")
        if i + 1 < len(line.words):
            gap = line.words[i + 1].x - (word.x + word.width)
            ops.append(f"{_tz(gap, 1, em)} Tz")
            ops.append(f"<{_SPACE:04X}> Tj")
    return ops


def _tz(width: float, glyphs: int, em: float) -> str:
    """Horizontal scaling (percent) making `glyphs` glyph advances span `width` points."""
    return pdf_number(max(100.0 * width / (glyphs * em), MIN_TZ))


def encode_cids(text: str) -> bytes:
    """The CIDs of `text` (already `clean_text`ed): its UTF-16BE code units."""
    return text.encode("utf-16-be")


def pdf_number(value: float) -> str:
    """A PDF number with at most 3 decimals, no trailing zeros, no "-0"."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --- the glyph-less font -----------------------------------------------------


@cache
def font_program() -> bytes:
    """pdf.ttf from the package data (Tesseract's glyph-less font, Apache-2.0)."""
    return (resources.files("sohoa") / "data" / "fonts" / "pdf.ttf").read_bytes()


@cache
def to_unicode_cmap() -> bytes:
    """ToUnicode CMap mapping each 2-byte code to the same UTF-16 code unit.

    Written as one bfrange per high byte: ISO 32000-1 9.10.3 lets a bfrange's
    destination vary only in its last byte, so the single <0000> <FFFF> range
    some tools write is, strictly, malformed. Codes that are never written are
    left out: controls below U+0020, surrogates, and U+FEFF/U+FFFE/U+FFFF
    (ISO 19005-2 6.2.11.7.2 forbids mapping to U+0000, U+FEFF, U+FFFE).
    """
    ranges: list[tuple[int, int]] = [(0x0020, 0x00FF)]
    for high in range(0x01, 0x100):
        if 0xD8 <= high <= 0xDF:
            continue
        low, top = high << 8, (high << 8) | 0xFF
        if high == 0xFE:
            top = 0xFEFE
        elif high == 0xFF:
            top = 0xFFFD
        ranges.append((low, top))
    body: list[str] = []
    for start in range(0, len(ranges), 100):  # at most 100 entries per block (9.10.3)
        chunk = ranges[start : start + 100]
        body.append(f"{len(chunk)} beginbfrange")
        body.extend(f"<{lo:04X}> <{hi:04X}> <{lo:04X}>" for lo, hi in chunk)
        body.append("endbfrange")
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
        *body,
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def add_glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the glyph-less Type0 font to `pdf`; returns its (indirect) font dictionary."""
    program = font_program()
    font_file = pikepdf.Stream(pdf, program)
    font_file.Length1 = len(program)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/" + FONT_NAME),
            # Symbolic (4) + FixedPitch (1): the glyphs are not a Latin set.
            Flags=5,
            FontBBox=pikepdf.Array([0, 0, GLYPH_WIDTH, 1000]),
            ItalicAngle=0,
            # The glyph box runs from the baseline to 1 em above it. Descent is
            # -1, not 0: poppler ignores a zero descent and assumes -0.35 em.
            Ascent=1000,
            Descent=-1,
            CapHeight=1000,
            StemV=80,
            FontFile2=font_file,
        )
    )
    # Every CID → glyph 1, never glyph 0: ISO 19005-2 6.2.11.8 forbids
    # referencing .notdef, even in rendering mode 3.
    cid_to_gid = pikepdf.Stream(pdf, b"\x00\x01" * 0x10000)
    cid_font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name("/" + FONT_NAME),
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"),
                Ordering=pikepdf.String("Identity"),
                Supplement=0,
            ),
            FontDescriptor=descriptor,
            DW=GLYPH_WIDTH,
            CIDToGIDMap=pdf.make_indirect(cid_to_gid),
        )
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/" + FONT_NAME),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([cid_font]),
            ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, to_unicode_cmap())),
        )
    )
