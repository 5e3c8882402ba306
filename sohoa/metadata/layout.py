"""Visual lines of a page from OCR word boxes, split into the columns of Phụ lục I.

Tesseract often reads the two header blocks as one line (`UBND TỈNH GIA LAI
CỘNG HÒA XÃ HỘI …`) and the Nơi nhận list together with the signer block
(`- Như trên; PHÓ GIÁM ĐỐC`). A `Segment` is a run of words on one baseline
with no column gap inside it; zones are then chosen by x position, never by
the order of the flat text.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from sohoa.metadata.text import fold, nfc
from sohoa.models import OcrPage, OcrWord

_LATIN = re.compile(r"[a-z0-9]")
#: A gap wider than this many word heights separates two columns.
COLUMN_GAP = 2.2


@dataclass(frozen=True)
class Segment:
    """Words on one baseline, left to right, with no column gap between them."""

    words: tuple[OcrWord, ...]

    @cached_property
    def text(self) -> str:
        return nfc(" ".join(w.text for w in self.words))

    @property
    def tokens(self) -> list[str]:
        return [w.text for w in self.words]

    @cached_property
    def left(self) -> int:
        return min(w.box[0] for w in self.words)

    @cached_property
    def top(self) -> int:
        return min(w.box[1] for w in self.words)

    @cached_property
    def right(self) -> int:
        return max(w.box[2] for w in self.words)

    @cached_property
    def bottom(self) -> int:
        return max(w.box[3] for w in self.words)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @cached_property
    def height(self) -> float:
        """Median word height: robust to a tall `Ỷ` or a comma."""
        return float(statistics.median(w.box[3] - w.box[1] for w in self.words))

    @property
    def width(self) -> int:
        return self.right - self.left

    @cached_property
    def confidence(self) -> float:
        """The least confident word, 0–1 (one bad word spoils a field)."""
        return min(w.confidence for w in self.words) / 100.0

    def sub(self, start: int, end: int | None = None) -> Segment | None:
        words = self.words[start:end]
        return Segment(words) if words else None


def is_debris(word: OcrWord) -> bool:
    """Ink that is not text: seal, signature, dust (no Latin letter or digit in it)."""
    text = word.text.strip()
    if not _LATIN.search(fold(text)):
        # Dashes of the Nơi nhận list and of the motto are text, not debris.
        return text not in ("-", "–", "—", "+", "•") or word.confidence < 10
    # Tesseract gives 0% to perfect words now and then (`BAN NHÂN DÂN`): keep
    # every word with a letter; the readers check them against the grammar.
    return False


_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _normalise(word: OcrWord) -> OcrWord:
    """Tesseract writes the Icelandic eth (Ð) for Đ now and then, or both in a row:
    Vietnamese has no eth."""
    text = re.sub("ĐÐ|ÐĐ|ÐÐ", "Đ", nfc(word.text)).translate(_ETH)
    return word if text == word.text else dataclasses.replace(word, text=text)


def segments(page: OcrPage) -> list[Segment]:
    """The page's segments, top to bottom (then left to right)."""
    words = [_normalise(w) for w in page.words if w.text.strip() and not is_debris(w)]
    by_line: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        by_line.setdefault((word.block, word.paragraph, word.line), []).append(word)
    pieces: list[list[OcrWord]] = []
    for line_words in by_line.values():
        pieces.extend(_split_at_gaps(sorted(line_words, key=lambda w: w.box[0])))
    merged = _merge_same_baseline(pieces)
    out = [Segment(tuple(p)) for p in merged]
    return sorted(out, key=lambda s: (s.top, s.left))


def _split_at_gaps(words: list[OcrWord]) -> list[list[OcrWord]]:
    if not words:
        return []
    height = statistics.median(w.box[3] - w.box[1] for w in words)
    pieces: list[list[OcrWord]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        gap = word.box[0] - previous.box[2]
        vertical_jump = abs(_middle(word) - _middle(previous)) > 0.9 * height
        if gap > COLUMN_GAP * height or vertical_jump:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def _middle(word: OcrWord) -> float:
    return (word.box[1] + word.box[3]) / 2


def _merge_same_baseline(pieces: list[list[OcrWord]]) -> list[list[OcrWord]]:
    """Join pieces Tesseract put in different lines although they touch on one baseline."""
    boxes = [_Piece.of(p) for p in pieces]
    boxes.sort(key=lambda b: b.left)
    out: list[_Piece] = []
    for piece in boxes:
        for target in out:
            if target.continued_by(piece):
                target.absorb(piece)
                break
        else:
            out.append(piece)
    return [p.words for p in out]


@dataclass
class _Piece:
    words: list[OcrWord]
    left: int
    top: int
    right: int
    bottom: int
    height: float

    @classmethod
    def of(cls, words: list[OcrWord]) -> _Piece:
        return cls(
            list(words),
            min(w.box[0] for w in words),
            min(w.box[1] for w in words),
            max(w.box[2] for w in words),
            max(w.box[3] for w in words),
            float(statistics.median(w.box[3] - w.box[1] for w in words)),
        )

    def continued_by(self, other: _Piece) -> bool:
        height = max(self.height, other.height)
        gap = other.left - self.right
        if not -height < gap <= COLUMN_GAP * height:
            return False
        overlap = min(self.bottom, other.bottom) - max(self.top, other.top)
        return overlap > 0.6 * min(self.height, other.height)

    def absorb(self, other: _Piece) -> None:
        self.words.extend(other.words)
        self.right = max(self.right, other.right)
        self.top, self.bottom = min(self.top, other.top), max(self.bottom, other.bottom)


@dataclass(frozen=True)
class Column:
    """The text column of a page: left and right margins in pixels."""

    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    @property
    def width(self) -> float:
        return self.right - self.left


def text_column(page: OcrPage, found: Sequence[Segment]) -> Column:
    """Margins from the long lines of the body (justified text reaches both)."""
    long_lines = [s for s in found if s.width > 0.45 * page.width and len(s.words) >= 4]
    if len(long_lines) >= 3:
        lefts = sorted(s.left for s in long_lines)
        rights = sorted(s.right for s in long_lines)
        # Justified lines reach both margins; indented first lines and list
        # items start further right, so the left margin is the smallest left.
        return Column(lefts[len(lefts) // 20], rights[-1 - len(rights) // 10])
    # Phụ lục I margins: 30–35 mm left, 15–20 mm right of a 210 mm page.
    return Column(page.width * 32 / 210, page.width * (210 - 17) / 210)


def below(found: Iterable[Segment], y: float) -> list[Segment]:
    return [s for s in found if s.top >= y]


def gap_between(upper: Segment, lower: Segment) -> float:
    return lower.top - upper.bottom
