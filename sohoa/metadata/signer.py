"""The signer block (bottom right of the last page): authority, position, full name.

Nghị định 30/2020 Điều 13 and Phụ lục I: upper-case bold lines
(`KT. GIÁM ĐỐC` / `PHÓ GIÁM ĐỐC`, `TM. ỦY BAN NHÂN DÂN` / `CHỦ TỊCH`,
`Q. GIÁM ĐỐC`, or the head's position alone), the signature and seal, then the
full name in title case. Its first line shares the baseline of `Nơi nhận:`.
The seal is stamped over the position or the name: lines come back partly
read or not at all, so every part is checked against the grammar before it
is believed, and a line the seal hid leaves its field unknown (None), not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.metadata.grammar import AUTHORITY_PREFIXES
from sohoa.metadata.layout import Column, Segment
from sohoa.metadata.names import read_person_name
from sohoa.metadata.review import combine
from sohoa.metadata.text import edit_distance, fold, is_upper_text, upper_vn
from sohoa.metadata.vocab import (
    fix_upper_word,
    is_deputy,
    is_position_word,
    match_position,
    positions_ending_with,
)
from sohoa.metadata.zones import is_label

#: The most a value reconstructed by the grammar (not read) may score: it is given, and reviewed.
RECONSTRUCTED = 0.75
_STRIP = ".,;:!?\"'`()[]{}|_~*-–—"
_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)[.,:]?$")
_PREFIX_FOLDED = {fold(p.rstrip(".")): p for p in AUTHORITY_PREFIXES}


@dataclass(frozen=True)
class Signer:
    authority: str | None
    authority_score: float
    """For None: how sure the block has no authority prefix (0: unknown)."""
    position: str | None
    position_score: float
    full_name: str | None
    name_score: float
    label: Segment | None
    """The `Nơi nhận:` segment the block was aligned with."""
    lines: tuple[Segment, ...] = ()
    """The upper-case lines of the block (authority, position): the name is under them."""


def find_label(found: Sequence[Segment], column: Column) -> Segment | None:
    """`Nơi nhận:` in the left half, lowest on the page."""
    labels = [
        s
        for s in found
        if s.centre < column.centre and is_label(s, "noinhan") and len(s.words) <= 4
    ]
    return labels[-1] if labels else None


def read_signer(found: Sequence[Segment], column: Column) -> Signer | None:
    label = find_label(found, column)
    right = [s for s in found if s.left > column.left + 0.4 * column.width]
    body = [s for s in found if s.width > 0.6 * column.width]
    if label is not None:
        start = label.top - 1.5 * label.height
    else:
        start = body[-1].bottom if body else 0.0
    block = [s for s in right if s.top >= start]
    if not block and label is None and len(body) >= 2:
        # A footnote at the foot of the page, under the signature, is no body line:
        # the block stands between the body and it.
        block = [s for s in right if body[-2].bottom <= s.top < body[-1].top]
    if not block and label is not None:
        # `Nơi nhận:` under the signatures (two signers side by side, a joint document):
        # the block stands above it, under the body.
        above = [s for s in body if s.bottom < label.top]
        upper = max(above[-1].bottom if above else 0.0, label.top - 14 * label.height)
        block = [s for s in right if upper <= s.top < label.top]
    if not block:
        return None if label is None else Signer(None, 0.0, None, 0.0, None, 0.0, label)
    name_index, name = _find_name(block)
    upper = [s for s in block[: name_index if name is not None else len(block)]]
    lines = _position_lines(upper)
    authority, authority_score, position, position_score = _read_positions(
        lines, label, name, column
    )
    return Signer(
        authority,
        authority_score,
        position,
        position_score,
        name.name if name else None,
        name.score if name else 0.0,
        label,
        tuple(lines),
    )


@dataclass(frozen=True)
class _Name:
    name: str
    score: float
    segment: Segment


def _find_name(block: Sequence[Segment]) -> tuple[int, _Name | None]:
    """The lowest line that reads as a Vietnamese full name."""
    for index in range(len(block) - 1, -1, -1):
        segment = block[index]
        reading = read_person_name(segment.tokens)
        if reading is not None:
            # Every syllable a known one vouches a little: "Hùng" read "Hưng" is known too.
            evidence = 0.5 if reading.score >= 1.0 else 0.3 if reading.score >= 0.8 else 0.0
            score = combine(segment.confidence, evidence)
            if reading.score < 0.5:
                score = min(score, reading.score)  # a name syllable misread: not given
            return index, _Name(reading.name, score, segment)
    return len(block), None


def _position_lines(segments: Sequence[Segment]) -> list[Segment]:
    """The upper-case lines at the top of the block (the signature and seal debris below are not)."""
    lines: list[Segment] = []
    for segment in segments:
        words = [_clean(t) for t in segment.tokens if _clean(t)]
        text = " ".join(words)
        if _is_debris_line(words):
            continue
        if lines and segment.height > 1.8 * lines[0].height:
            continue  # a signature stroke or the seal read as tall letters
        if is_upper_text(text, minimum=2):
            if lines and segment.top - lines[-1].bottom > 1.2 * lines[-1].height:
                break
            lines.append(segment)
        elif lines:
            break
    return lines


def _is_debris_line(words: Sequence[str]) -> bool:
    """Seal ring letters or signature strokes read as words: nothing a position is made of."""
    if sum(len(w) for w in words) < 3:
        return True
    return all(
        fix_upper_word(w.rstrip(".")).status == "unknown" and not _PREFIX.match(upper_vn(w))
        for w in words
    )


def _clean(token: str) -> str:
    """`__TL.` → `TL.`, `›GIÁM` → `GIÁM`: ink of the seal glued to a word (the final dot stays)."""
    token = re.sub(r"^[\W_]+", "", token)
    return re.sub(r"[^\w.]+$", "", token)


def _letter_runs(token: str) -> list[str]:
    """`.a⁄PHÓ` → [`PHÓ`], `HỒ-GIÁM` → [`HỒ`, `GIÁM`]: the upper-case runs of letters of a
    word the seal's ink touched (lower-case letters in a position line are ink)."""
    runs = re.findall(r"[^\W\d_]+", token)
    upper = [r for r in runs if r.isupper()]
    return upper if upper else runs[-1:]


def _split_prefix(segment: Segment) -> tuple[str | None, float, list[str]]:
    """(authority prefix, how sure, the words after it)."""
    tokens = [_clean(t) for t in segment.tokens if _clean(t)]
    if not tokens:
        return None, 0.0, []
    first = upper_vn(tokens[0]).replace(" ", "")
    prefix = _PREFIX.match(first)
    if prefix and (first.endswith((".", ",")) or len(tokens) > 1):
        return _PREFIX_FOLDED[fold(prefix.group(1))], 0.8, tokens[1:]
    # `1L.` for `TL.`, `T.` for `KT.`: one letter off, and the dot that no word has
    # (or, without the dot, a position of the vocabulary after it: `T1L CHỦ TỊCH`).
    rest_is_position = len(tokens) > 1 and match_position(" ".join(tokens[1:])) is not None
    if (first.endswith(".") or rest_is_position) and len(tokens) > 1 and 2 <= len(first) <= 5:
        stem = first.rstrip(".")
        near = [p for p in AUTHORITY_PREFIXES if len(p) > 2 and edit_distance(p[:-1], stem) == 1]
        if near and not is_position_word(stem):
            return near[0] if len(near) == 1 else "?", 0.5, tokens[1:]
    return None, 0.0, tokens


def _read_positions(
    lines: Sequence[Segment], label: Segment | None, name: _Name | None, column: Column
) -> tuple[str | None, float, str | None, float]:
    """(authority, its confidence, position, its confidence).

    Confidence combines the OCR's with what the grammar vouches for: a prefix
    read as one of the five, a position of the vocabulary that suits the
    prefix, the first line on the baseline of `Nơi nhận:`.
    """
    if not lines:
        return None, 0.0, None, 0.0
    # A first line lower than `Nơi nhận:` means the seal or the OCR lost one above it.
    lost_above = label is not None and lines[0].top > label.top + 0.8 * label.height
    prefixes = [_split_prefix(line) for line in lines]
    authority, authority_score = None, 0.0
    for line, (prefix, evidence, _) in zip(lines, prefixes, strict=True):
        if prefix is not None:
            authority = prefix
            authority_score = combine(line.words[0].confidence / 100.0, evidence)
    last_prefix, _, last_tokens = prefixes[-1]
    # The block is centred: its axis is the name's centre, or a whole line's.
    axis = (
        name.segment.centre if name is not None else (lines[0].centre if len(lines) > 1 else None)
    )
    if authority == "?":
        # A spoiled prefix (`T.`): under it signs a deputy only for KT.
        below = _position_text(" ".join(last_tokens), lines[-1], axis, None, False)[0]
        authority = "KT." if below is not None and is_deputy(below) else None
        authority_score = min(authority_score, RECONSTRUCTED) if authority else 0.0
    if last_prefix is not None and last_prefix != "Q.":
        # `KT. GIÁM ĐỐC` with no line under it: the position line was lost.
        return authority, authority_score, None, 0.0
    # Nghị định 30/2020 Điều 13: a deputy signs KT. for the head; the head signs
    # alone, TM. a collective or Q. (acting); TL./TUQ. a unit head or deputy.
    deputy = {"KT.": True, "TM.": False, "Q.": False, None: False}.get(authority)
    if authority is None and (lost_above or len(lines) > 1):
        deputy = None  # a prefix line may be lost: nothing to narrow by
    reading = _position_text(" ".join(last_tokens), lines[-1], axis, deputy, len(lines) == 1)
    position, evidence, partial = reading
    position_score = combine(lines[-1].confidence, evidence) if position else 0.0
    if partial:
        position_score = min(position_score, RECONSTRUCTED)  # completed, not read: review it
    if authority is None and position is not None:
        if lost_above or partial or len(lines) > 1 or is_deputy(position):
            authority_score = 0.0  # a prefix may have been lost with the line's start
        else:
            aligned = 0.7 if label is not None else 0.3
            authority_score = combine(lines[0].confidence, aligned) * evidence
    return authority, authority_score, position, position_score


def _position_text(
    text: str, segment: Segment, axis: float | None, deputy: bool | None, first_line: bool
) -> tuple[str | None, float, bool]:
    """(position, how much the vocabulary vouches for it, the start of the line was lost)."""
    words = [run for t in text.split() for run in _letter_runs(t)]
    # A lone letter inside the line is a speck of the seal (`HÁN VĂN Ò PHÒNG`).
    words = [w for w in words if len(w) > 1 or is_position_word(w)]
    text = " ".join(words)
    if not text:
        return None, 0.0, False
    match = match_position(text, deputy)
    off_axis = _off_axis(segment, axis, len(words))
    if match is not None and match.score >= 0.95 and not off_axis:
        return match.text, 0.85, False
    # The seal may have eaten the start of the line: "ÁM ĐỐC", "NT 1H VĂN PHÒNG".
    for start in range(len(words)):
        tail = " ".join(words[start:])
        # The tail alone is a candidate only when nothing was read before it.
        completed = _complete_from_width(tail, segment, axis, deputy, first_line, start == 0)
        if completed is not None:
            return completed, 0.4, True
    if off_axis:
        return None, 0.0, True  # what is left of the line fits no position for sure
    if match is not None:
        return match.text, 0.5 if match.score >= 0.7 else 0.2, False
    fixes = [fix_upper_word(w) for w in words]
    if all(w.status in ("known", "restored") for w in fixes):
        known = all(is_position_word(w.word) for w in fixes)
        return " ".join(w.word for w in fixes), 0.3 if known else 0.0, False
    # Words no organ or position has: a line the seal spoiled, not a position.
    return None, 0.0, False


def _off_axis(segment: Segment, axis: float | None, count: int) -> bool:
    """The line's words sit right of the block's axis: its start was lost (`GIÁM ĐỐC` left of
    `PHÓ GIÁM ĐỐC` after the seal)."""
    tail = _tail_words(segment, count)
    if axis is None or not tail:
        return False
    left, right = tail[0].box[0], tail[-1].box[2]
    letters = sum(len(w.text) for w in tail) + len(tail) - 1
    return (left + right) / 2 - axis > 1.5 * (right - left) / max(letters, 1)


def _complete_from_width(
    text: str,
    segment: Segment,
    axis: float | None,
    deputy: bool | None,
    first_line: bool,
    whole: bool = True,
) -> str | None:
    """Pick the position whose printed width, centred on the block, fits what is left of the line.

    `text` is the end of the line that was read; its words give the width of a
    letter, and the block's axis the width of the whole line. On the block's
    first line an authority prefix may have been lost too (`Q. GIÁM ĐỐC`):
    those readings compete, and if one wins nothing is said.
    """
    candidates = positions_ending_with(text, deputy)
    if not candidates or axis is None:
        return None
    known = match_position(text, deputy) if whole else None
    if known is not None and known.score >= 0.95:
        candidates.append(known.text)  # the line may be whole after all
    if first_line:
        candidates += [f"{p} {c}" for c in candidates for p in AUTHORITY_PREFIXES]
    tail = _tail_words(segment, len(text.split()))
    if not tail:
        return None
    left, right = tail[0].box[0], tail[-1].box[2]
    per_char = (right - left) / max(len(text), 1)
    expected = 2 * max(right - axis, axis - left) / per_char
    fits = sorted(candidates, key=lambda c: abs(len(c) - expected))
    best = fits[0]
    if abs(len(best) - expected) > 0.2 * len(best):
        return None
    if len(fits) > 1 and abs(len(fits[1]) - expected) - abs(len(best) - expected) < 2:
        return None
    return None if best.split()[0] in AUTHORITY_PREFIXES else best


def _tail_words(segment: Segment, count: int) -> list:
    """The last `count` words of the segment that carry letters."""
    words = [w for w in segment.words if any(c.isalpha() for c in w.text)]
    return words[-count:] if count <= len(words) else []
