"""Page layout of a Vietnamese administrative document (Nghị định 30/2020 Phụ lục I).

The layout is computed once per document, in pixels at REF_DPI, and is the
same whatever dpi a page is later rendered at: line breaks and page breaks do
not move between a 200 dpi and a 300 dpi scan of the same paper.

    ┌──────────────────────────────────────────────────────────────┐
    │   UBND TỈNH GIA LAI        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM │  header, left
    │    SỞ TÀI CHÍNH               Độc lập - Tự do - Hạnh phúc     │  ~42–45 %, right
    │      ─────                    ─────────────────────────       │  the rest
    │   Số: 151/QĐ-STC        Gia Lai, ngày 31 tháng 5 năm 2021     │
    │                        QUYẾT ĐỊNH                             │
    │                Ban hành Kế hoạch triển khai …                 │
    │        body, justified, first-line indent …                   │
    │ Nơi nhận:                          GIÁM ĐỐC                   │
    │ - …                         (signature, seal)                 │
    │ - Lưu: VT, VP.                  Nguyễn Anh Dũng               │
    └──────────────────────────────────────────────────────────────┘
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

from samples.fonts import Style, load_font
from samples.spec import DocumentSpec, Paragraph, vn_upper

#: Resolution of the layout grid, in dots per inch.
REF_DPI = 300
A4_MM = (210.0, 297.0)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NOI_NHAN = "Nơi nhận:"


def mm(value: float) -> float:
    """Millimetres to layout pixels."""
    return value / 25.4 * REF_DPI


def pt(value: float) -> float:
    """Points to layout pixels."""
    return value / 72.0 * REF_DPI


@dataclass(frozen=True)
class Run:
    """A piece of text in one style, drawn with its left end at x on the baseline."""

    text: str
    style: Style
    x: float


@dataclass(frozen=True)
class PlacedLine:
    """One printed line: its truth text and how it is drawn."""

    text: str
    role: str
    """parent_organ, organ, number, subject, national_title, motto, date,
    type_name, body, recipients_label, recipients, signer_position,
    signer_name or page_number."""
    runs: tuple[Run, ...]
    baseline: float
    size_pt: float
    paragraph: int = -1
    """Index of the body paragraph this line belongs to (-1 outside the body)."""


@dataclass(frozen=True)
class Rule:
    """A horizontal rule (under the organ name, the motto and the subject)."""

    x0: float
    x1: float
    y: float
    width_pt: float = 0.6


@dataclass(frozen=True)
class SignerZone:
    """Where the hand signs and the seal goes, in layout pixels."""

    center_x: float
    top: float
    """Bottom of the last position line."""
    bottom: float
    """Top of the name line."""
    width: float


@dataclass(frozen=True)
class PageLayout:
    lines: tuple[PlacedLine, ...]
    rules: tuple[Rule, ...]
    signer: SignerZone | None
    """Set on the page that carries the signer block."""


class _Measure:
    """Text widths in layout pixels for one font family."""

    def __init__(self, family: str) -> None:
        self.family = family

    def font(self, style: Style, size_pt: float) -> ImageFont.FreeTypeFont:
        return load_font(self.family, style, pt(size_pt))

    def width(self, text: str, style: Style, size_pt: float) -> float:
        return float(self.font(style, size_pt).getlength(text))

    def ascent(self, style: Style, size_pt: float) -> float:
        return float(self.font(style, size_pt).getmetrics()[0])


def _greedy_wrap(words: list[str], widths: list[float], space: float, limit: float) -> list[int]:
    """Indices where lines start, filling each line as far as it goes."""
    starts = [0]
    line_w = 0.0
    for i, w in enumerate(widths):
        if i == starts[-1]:
            line_w = w
            continue
        if line_w + space + w > limit:
            starts.append(i)
            line_w = w
        else:
            line_w += space + w
    return starts


def _wrap_plain(m: _Measure, text: str, style: Style, size_pt: float, limit: float) -> list[str]:
    words = text.split(" ")
    widths = [m.width(w, style, size_pt) for w in words]
    starts = _greedy_wrap(words, widths, m.width(" ", style, size_pt), limit)
    ends = [*starts[1:], len(words)]
    return [" ".join(words[a:b]) for a, b in zip(starts, ends, strict=True)]


def _wrap_balanced(m: _Measure, text: str, style: Style, size_pt: float, limit: float) -> list[str]:
    """Wrap into as few lines as greedy needs, but with lines of even length
    (how typists break a centred subject)."""
    lines = _wrap_plain(m, text, style, size_pt, limit)
    if len(lines) == 1:
        return lines
    lo, hi = m.width(text, style, size_pt) / len(lines), limit
    best = lines
    for _ in range(20):
        mid = (lo + hi) / 2
        trial = _wrap_plain(m, text, style, size_pt, mid)
        if len(trial) <= len(lines) and all(m.width(t, style, size_pt) <= mid for t in trial):
            best, hi = trial, mid
        else:
            lo = mid
    return best


class _Page:
    def __init__(self) -> None:
        self.lines: list[PlacedLine] = []
        self.rules: list[Rule] = []
        self.signer: SignerZone | None = None


class _Layout:
    """Builds the pages of one document."""

    def __init__(self, spec: DocumentSpec) -> None:
        self.spec = spec
        self.m = _Measure(spec.font)
        top, right, bottom, left = spec.margins_mm
        self.page_w, self.page_h = mm(A4_MM[0]), mm(A4_MM[1])
        self.left, self.right = mm(left), self.page_w - mm(right)
        self.top, self.bottom = mm(top), self.page_h - mm(bottom)
        self.text_w = self.right - self.left
        self.pages: list[_Page] = [_Page()]

    # -- helpers ---------------------------------------------------------
    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def centred(
        self, text: str, role: str, style: Style, size: float, cx: float, base: float
    ) -> float:
        """Add a line centred on `cx`; return its width."""
        w = self.m.width(text, style, size)
        line = PlacedLine(text, role, (Run(text, style, cx - w / 2),), base, size)
        self.page.lines.append(line)
        return w

    # -- header (page 1) ----------------------------------------------------
    def header(self) -> float:
        """Lay out both header blocks; return the y below them."""
        s, m = self.spec, self.m
        hp = s.header_pt
        motto_pt = min(hp + 1, 14.0)
        qh_w = m.width(QUOC_HIEU, "bold", hp)
        while qh_w > 0.62 * self.text_w and hp > 11:
            # A wide face (DejaVu) does not fit 13 pt in the right column: typists
            # drop to 12 pt, never wrap the national title.
            hp -= 0.5
            motto_pt = min(hp + 1, 14.0)
            qh_w = m.width(QUOC_HIEU, "bold", hp)
        right_w = max(0.55 * self.text_w, qh_w + mm(4))
        left_w = self.text_w - right_w
        lcx, rcx = self.left + left_w / 2, self.left + left_w + right_w / 2
        pitch = pt(hp * 1.2)
        # Stacked diacritics on capitals (Ổ, Ỉ) rise above the font's ascent:
        # keep them inside the top margin.
        base = self.top + pt(hp * 1.08)

        # Left block: cơ quan chủ quản (regular), cơ quan ban hành (bold), rule.
        y = base
        for text in s.parent_lines:
            # A long parent name is set smaller before it is ever broken
            # (`UBND TỈNH BÀ RỊA - VŨNG TÀU` stays on one line).
            size = hp
            while m.width(text, "regular", size) > left_w - mm(1) and size > 11:
                size -= 0.5
            for piece in _wrap_balanced(m, text, "regular", size, left_w - mm(1)):
                self.centred(piece, "parent_organ", "regular", size, lcx, y)
                y += pitch
        organ_w = 0.0
        for text in s.organ_lines:
            for piece in _wrap_balanced(m, text, "bold", hp, left_w - mm(2)):
                organ_w = max(organ_w, self.centred(piece, "organ", "bold", hp, lcx, y))
                y += pitch
        rule_y = y - pitch + pt(hp * 0.45)
        # Phụ lục I: the rule under the organ is 1/3 to 1/2 of the name's length.
        half = organ_w * 0.42 / 2
        self.page.rules.append(Rule(lcx - half, lcx + half, rule_y))
        left_bottom = rule_y

        # Right block: Quốc hiệu, Tiêu ngữ with a rule as long as the motto.
        right_lines: list[PlacedLine] = []
        y = base
        w = m.width(QUOC_HIEU, "bold", hp)
        right_lines.append(
            PlacedLine(QUOC_HIEU, "national_title", (Run(QUOC_HIEU, "bold", rcx - w / 2),), y, hp)
        )
        y += pt(motto_pt * 1.2)
        w = m.width(TIEU_NGU, "bold", motto_pt)
        right_lines.append(
            PlacedLine(TIEU_NGU, "motto", (Run(TIEU_NGU, "bold", rcx - w / 2),), y, motto_pt)
        )
        motto_rule_y = y + pt(motto_pt * 0.35)
        self.page.rules.append(Rule(rcx - w / 2, rcx + w / 2, motto_rule_y))
        right_bottom = motto_rule_y

        # Số and the date line share a row of the header table.
        row = max(left_bottom, right_bottom) + pt(13 * 1.55)
        number_pt = 13.0
        self.centred(s.number_line, "number", "regular", number_pt, lcx, row)
        y = row
        if not s.has_type_heading:
            vv_pt = 12.0
            y += pt(vv_pt * 0.5)
            for piece in _wrap_balanced(m, f"V/v {s.subject}", "regular", vv_pt, left_w - mm(6)):
                y += pt(vv_pt * 1.2)
                self.centred(piece, "subject", "regular", vv_pt, lcx, y)
        date_pt = min(s.body_pt, 14.0)
        while m.width(s.date_line, "italic", date_pt) > right_w - mm(2) and date_pt > 11:
            date_pt -= 0.5
        w = m.width(s.date_line, "italic", date_pt)
        right_lines.append(
            PlacedLine(
                s.date_line, "date", (Run(s.date_line, "italic", rcx - w / 2),), row, date_pt
            )
        )
        # Reading order: the whole left block, then the whole right block.
        self.page.lines.extend(right_lines)
        self.left_col_w, self.right_col_w = left_w, right_w
        return max(y, row) + pt(s.body_pt * 0.6)

    def title(self, y: float) -> float:
        """Type name and subject (trích yếu), centred, with the short rule."""
        s, m = self.spec, self.m
        cx = self.left + self.text_w / 2
        size = max(s.body_pt, 13.5)
        y += pt(size * 1.6)
        self.centred(vn_upper(s.type_name), "type_name", "bold", size, cx, y)
        widest = 0.0
        for piece in _wrap_balanced(m, s.subject, "bold", size, self.text_w * 0.9):
            y += pt(size * 1.2)
            widest = max(widest, self.centred(piece, "subject", "bold", size, cx, y))
        rule_y = y + pt(size * 0.45)
        self.page.rules.append(Rule(cx - widest * 0.2, cx + widest * 0.2, rule_y))
        return rule_y + pt(size * 0.3)

    # -- body --------------------------------------------------------------
    def paragraph_lines(self, index: int, para: Paragraph) -> list[PlacedLine]:
        """Break a paragraph into lines (baselines still 0)."""
        s, m = self.spec, self.m
        size = s.body_pt
        words = para.text.split(" ")
        styles: list[Style] = []
        for i in range(len(words)):
            bold = i < para.lead_bold or para.style in ("bold", "bold_italic")
            italic = para.style in ("italic", "bold_italic")
            styles.append(
                ("bold_italic" if italic else "bold")
                if bold
                else ("italic" if italic else "regular")
            )
        widths = [m.width(w, st, size) for w, st in zip(words, styles, strict=True)]
        space = m.width(" ", "regular", size)
        x0 = self.left + mm(para.left_mm)
        if para.left_after:
            x0 += m.width(para.left_after, styles[0], size)
        avail = self.right - x0
        first_indent = mm(s.indent_mm) if para.indent and para.align == "justify" else 0.0
        hang = mm(para.hang_mm) + (
            m.width(para.hang_after, styles[0], size) if para.hang_after else 0.0
        )

        # Wrap with a shorter first line when indented.
        starts = [0]
        line_w = 0.0
        for i, w in enumerate(widths):
            limit = avail - (first_indent if len(starts) == 1 else hang)
            if i == starts[-1]:
                line_w = w
                continue
            if line_w + space + w > limit:
                starts.append(i)
                line_w = w
            else:
                line_w += space + w
        ends = [*starts[1:], len(words)]
        out: list[PlacedLine] = []
        for n, (a, b) in enumerate(zip(starts, ends, strict=True)):
            lw, ls = widths[a:b], styles[a:b]
            text = " ".join(words[a:b])
            lx = x0 + (first_indent if n == 0 else hang)
            last = n == len(starts) - 1
            natural = sum(lw) + space * (len(lw) - 1)
            if para.align == "center":
                lx = self.left + (self.text_w - natural) / 2
            if para.align == "justify" and not last and len(lw) > 1:
                gap = (self.right - lx - sum(lw)) / (len(lw) - 1)
                runs, x = [], lx
                for word, st, w in zip(words[a:b], ls, lw, strict=True):
                    runs.append(Run(word, st, x))
                    x += w + gap
            else:
                runs, x, i = [], lx, a
                # Group consecutive words of one style into one run (kerning).
                while i < b:
                    j = i
                    while j + 1 < b and styles[j + 1] == styles[i]:
                        j += 1
                    piece = " ".join(words[i : j + 1])
                    runs.append(Run(piece, styles[i], x))
                    x += m.width(piece, styles[i], size) + space
                    i = j + 1
            out.append(PlacedLine(text, "body", tuple(runs), 0.0, size, paragraph=index))
        return out

    def closing_height(self) -> tuple[float, float]:
        """Heights of the Nơi nhận block and the signer block, in layout pixels."""
        s = self.spec
        left = pt(12 * 1.5) + len(s.recipients) * pt(11 * 1.2)
        right = pt(s.body_pt * 1.6) + len(s.signer_lines) * pt(s.body_pt * 1.2)
        right += self.signature_gap() + pt(s.body_pt * 1.2)
        return left, right

    def signature_gap(self) -> float:
        # Room for the hand; tighter when the seal is meant to bite into the text.
        s = self.spec
        if s.seal_placement == "signature":
            return mm(s.seal_mm + 1)
        return mm(max(24.0, s.seal_mm - 9))

    def closing(self, y: float) -> None:
        s, m = self.spec, self.m
        page = self.page
        size = s.body_pt
        top = y + pt(size * 0.9)
        # Left: Nơi nhận (bold italic 12 pt), items 11 pt.
        ly = top + m.ascent("bold_italic", 12)
        left_lines = [
            PlacedLine(
                NOI_NHAN, "recipients_label", (Run(NOI_NHAN, "bold_italic", self.left),), ly, 12
            )
        ]
        ly += pt(12 * 0.35)
        hang = m.width("- ", "regular", 11)
        for item in s.recipients:
            pieces = _wrap_plain(m, f"- {item}", "regular", 11, self.left_col_w - mm(2))
            for n, piece in enumerate(pieces):
                ly += pt(11 * 1.2)
                x = self.left + (hang if n else 0.0)
                left_lines.append(
                    PlacedLine(piece, "recipients", (Run(piece, "regular", x),), ly, 11)
                )
        # Right: position lines, room to sign, name.
        rcx = self.right - self.right_col_w / 2
        ry = top + m.ascent("bold", size)
        right_lines = []
        for text in s.signer_lines:
            w = m.width(text, "bold", size)
            right_lines.append(
                PlacedLine(text, "signer_position", (Run(text, "bold", rcx - w / 2),), ry, size)
            )
            ry += pt(size * 1.2)
        zone_top = ry - pt(size * 1.2) + pt(size * 0.3)
        ry += self.signature_gap()
        w = m.width(s.signer_name, "bold", size)
        right_lines.append(
            PlacedLine(
                s.signer_name, "signer_name", (Run(s.signer_name, "bold", rcx - w / 2),), ry, size
            )
        )
        zone_bottom = ry - m.ascent("bold", size)
        page.lines.extend(left_lines + right_lines)
        page.signer = SignerZone(rcx, zone_top, zone_bottom, self.right_col_w)

    def page_number(self, number: int) -> float:
        """Pages after the first carry their number centred in the top margin."""
        size = self.spec.body_pt
        base = self.top * 0.55 + self.m.ascent("regular", size) / 2
        cx = self.left + self.text_w / 2
        self.centred(str(number), "page_number", "regular", size, cx, base)
        return self.top

    def build(self) -> list[_Page]:
        s = self.spec
        y = self.header()
        if s.has_type_heading:
            y = self.title(y)
        else:
            y += pt(s.body_pt * 0.8)
        body: list[tuple[float, PlacedLine]] = []
        for index, para in enumerate(s.body):
            lines = self.paragraph_lines(index, para)
            for n, line in enumerate(lines):
                gap = pt(s.body_pt * s.line_spacing)
                if n == 0:
                    gap += pt(para.space_before_pt)
                body.append((gap, line))
        closing_h = max(self.closing_height())
        first_body_y = y
        # Place body lines page by page; the signer block must share its page
        # with at least two body lines (a lone signature page is not accepted).
        placements = self._paginate(body, first_body_y, closing_h)
        page_no = 1
        for page_index, chunk in enumerate(placements):
            if page_index > 0:
                self.pages.append(_Page())
                page_no += 1
                y = self.page_number(page_no)
            else:
                y = first_body_y
            for gap, line in chunk:
                if page_index > 0 and line is chunk[0][1]:
                    gap = pt(s.body_pt)  # first line below the top margin
                y += gap
                self.page.lines.append(
                    PlacedLine(line.text, line.role, line.runs, y, line.size_pt, line.paragraph)
                )
        self.closing(y)
        return self.pages

    def _paginate(
        self, body: list[tuple[float, PlacedLine]], y0: float, closing_h: float
    ) -> list[list[tuple[float, PlacedLine]]]:
        pages: list[list[tuple[float, PlacedLine]]] = [[]]
        y = y0
        for gap, line in body:
            first_on_page = not pages[-1]
            step = pt(self.spec.body_pt) if first_on_page and len(pages) > 1 else gap
            if y + step > self.bottom and not first_on_page:
                pages.append([])
                y = self.top
                step = pt(self.spec.body_pt)
            pages[-1].append((gap, line))
            y += step
        closing_room = pt(self.spec.body_pt * 0.9) + closing_h
        if y + closing_room > self.bottom:
            # Carry the last two lines over with the signer block.
            carry = pages[-1][-2:]
            pages[-1] = pages[-1][:-2]
            pages.append(carry)
            if not pages[-2]:
                pages.pop(-2)
        return pages


@lru_cache(maxsize=64)
def layout_document(spec: DocumentSpec) -> tuple[PageLayout, ...]:
    """Lay out every page of `spec` (cached: specs are frozen)."""
    pages = _Layout(spec).build()
    return tuple(PageLayout(tuple(p.lines), tuple(p.rules), p.signer) for p in pages)


def page_count(spec: DocumentSpec) -> int:
    return len(layout_document(spec))
