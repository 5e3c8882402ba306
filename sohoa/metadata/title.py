"""The type name and the trích yếu under the header, and the `V/v` subject of a công văn.

Nghị định 30/2020 Phụ lục I: the type name is upper case, bold, centred under
the header; the subject follows it on 1–3 centred lines, closed by a short
rule. A công văn has no type name: its subject is `V/v …` under the number,
in the left block. Subject lines are taken while they keep the subject's
centring and line pitch; the body (justified, from the margin), the
authority line of a decision (upper case) or `Kính gửi` end it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.metadata.dictionary import check_text
from sohoa.metadata.grammar import CONG_VAN, type_name_from_heading
from sohoa.metadata.layout import Column, Segment
from sohoa.metadata.lexicon import restore_pairs
from sohoa.metadata.review import combine
from sohoa.metadata.syllables import text_confidence
from sohoa.metadata.text import fold, is_upper_text, squash
from sohoa.metadata.zones import Header, is_centred, is_label
from sohoa.models import OcrWord

#: `V/v` as OCR reads it: V/v, V/V, Vv, V/y, V.v, with or without a colon; or `w` (`V/v`
#: in a small italic face; Vietnamese has no word in w).
_VV = re.compile(r"^\s*(?:[VY]\s*[/|\\]\s*[vVyY]?|[VY][.]?[vV]|[wW](?=[:.]?\s))[:.]?\s*")
#: At most this many subject lines (Phụ lục I wants it short; a Thông tư that repeals
#: another names it in full over five).
MAX_SUBJECT_LINES = 6


@dataclass(frozen=True)
class Title:
    type_name: str | None
    type_score: float
    subject: str | None
    subject_score: float
    cong_van: bool
    """No type heading, a `V/v` subject: a công văn."""
    heading: Segment | None = None


def find_heading(found: Sequence[Segment], header: Header, column: Column) -> Segment | None:
    """The type name line: the first centred upper-case line under the header naming a type."""
    after = [s for s in found if s.top > header.bottom - 2 and s.centre > header.split_x * 0.6]
    for segment in after[:8]:
        if not is_upper_text(segment.text, minimum=4):
            continue
        if type_name_from_heading(segment.text) is not None:
            return segment
    return None


def read_title(found: Sequence[Segment], header: Header, column: Column) -> Title:
    heading = find_heading(found, header, column)
    vv = _vv_lines(header)
    if heading is None:
        if vv:
            text = _subject_text([w for s in vv for w in s.words])
            subject, fixed = restore_pairs(_VV.sub("", text, count=1).strip())
            words = [w for s in vv for w in s.words][1:]  # the `V/v` label is not the subject
            subject, doubt = checked_subject(subject)
            score = min(text_confidence(words) * 0.95**fixed * _ending(subject), doubt)
            # No heading and a `V/v` label under the number: a công văn (Phụ lục III).
            type_score = combine(vv[0].words[0].confidence / 100.0, 0.7)
            return Title(CONG_VAN, type_score, subject or None, score if subject else 0.0, True)
        return Title(None, 0.0, None, 0.0, False)
    type_heading = type_name_from_heading(heading.text)
    assert type_heading is not None
    # A heading that is one of the type names of Phụ lục III vouches for itself.
    type_score = combine(heading.confidence, 0.85 * type_heading.score)
    lines = _subject_lines(found, heading, column)
    if not lines:
        return Title(type_heading.name, type_score, None, 0.0, False, heading)
    words = [w for s in lines for w in s.words]
    while words and not any(c.isalnum() for c in words[0].text):
        words = words[1:]  # a speck or the rule read as "-" before the first word
    text = _subject_text(words)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()  # `(Về việc …)` under a collective heading
    subject, fixed = restore_pairs(text)
    subject, doubt = checked_subject(subject)
    score = min(text_confidence(words) * 0.95**fixed * _ending(subject), doubt)
    if _goes_on(found, lines[-1], column):
        score *= 0.5  # the next line sits at the subject's pitch but was not taken: cut?
    return Title(type_heading.name, type_score, subject, score, False, heading)


#: The most a subject with a word that is no syllable of Vietnamese may score: not given.
NOT_A_WORD = 0.45


def checked_subject(subject: str) -> tuple[str, float]:
    """The subject with its misread marks put back where the dictionary allows (`trong địp`
    → `trong dịp`), and the most it may score: a word that is no syllable of Vietnamese
    left in it means a misreading nobody can undo, and the subject is not given."""
    text, fixed, unknown = check_text(subject)
    if unknown:
        return text, NOT_A_WORD
    return text, 0.97**fixed


def _goes_on(found: Sequence[Segment], last: Segment, column: Column) -> bool:
    """A line of text right under the trích yếu's last line, at its pitch, that is not the
    start of the body: the trích yếu may go on there (a stamp over it spoiled its place)."""
    after = [
        s
        for s in found
        if s.top > last.bottom - 2 and s.width > 0.3 * column.width and len(s.words) >= 3
    ]
    if not after:
        return False
    nearest = min(after, key=lambda s: s.top)
    close = nearest.top - last.bottom < 0.9 * last.height
    body = _BODY_START.match(nearest.text) or is_label(nearest, "kinhgui")
    return close and not body and not is_upper_text(nearest.text, minimum=4)


def _subject_text(words: Sequence[OcrWord]) -> str:
    # A low quote mark glued to a word (`„hạ`) is a speck: Vietnamese quotes with “ ”.
    return squash(" ".join(w.text.lstrip("„‚") or w.text for w in words))


#: Words a trích yếu never ends with: a subject that does was cut (a stamp, a rule, a line lost).
_OPEN_ENDS = frozenset(
    ["và", "của", "về", "các", "cho", "đối", "với", "tại", "theo", "trong", "để", "những",
     "là", "đến", "từ", "hoặc"]
)  # fmt: skip


def _ending(subject: str | None) -> float:
    """1, or 0.5 for a subject that ends in the middle of a phrase."""
    last = subject.split()[-1].strip(".,;:").lower() if subject else ""
    return 0.5 if last in _OPEN_ENDS else 1.0


def _vv_lines(header: Header) -> list[Segment]:
    """The `V/v` lines under the number line, in the left block (a speck or a pen mark
    of a marginal note may stand between)."""
    if header.number is not None:
        under = [s for s in header.left if s.top > header.number.bottom - 2]
    else:  # the number line was lost (handwritten): the V/v line is still under the organ
        under = [s for s in header.left if not is_upper_text(s.text, minimum=3)]
        under = under[next((i for i, s in enumerate(under) if _VV.match(s.text)), len(under)) :]
    under = [s for s in under if not _is_mark(s)]
    if not under or not _VV.match(under[0].text):
        return []
    lines = [under[0]]
    for segment in under[1:]:
        previous = lines[-1]
        if segment.top - previous.bottom > 0.9 * previous.height or is_label(segment, "kinhgui"):
            break
        lines.append(segment)
    return lines[:MAX_SUBJECT_LINES]


def prose_subject(header: Header) -> tuple[str | None, float]:
    """The sentence-case lines right under the number of a công văn whose `V/v` label was
    not printed or not read: its trích yếu (subject, score)."""
    if header.number is None:
        return None, 0.0
    under = [s for s in header.left if s.top > header.number.bottom - 2 and not _is_mark(s)]
    lines: list[Segment] = []
    previous = header.number
    for segment in under:
        gap = segment.top - previous.bottom
        if gap > (1.5 if not lines else 0.9) * previous.height or is_label(segment, "kinhgui"):
            break
        if is_upper_text(segment.text, minimum=3):
            break
        lines.append(segment)
        previous = segment
        if len(lines) == MAX_SUBJECT_LINES:
            break
    words = [w for s in lines for w in s.words]
    if not words:
        return None, 0.0
    subject, fixed = restore_pairs(_subject_text(words))
    subject, doubt = checked_subject(subject)
    return subject, min(text_confidence(words) * 0.95**fixed * _ending(subject), doubt)


def _is_mark(segment: Segment) -> bool:
    """A speck or a handwritten mark, not a line of print: few letters, none read with confidence."""
    letters = sum(c.isalpha() for c in segment.text)
    return letters <= 3 or max(w.confidence for w in segment.words) < 60


def _subject_lines(found: Sequence[Segment], heading: Segment, column: Column) -> list[Segment]:
    after = [s for s in found if s.middle > heading.bottom]
    previous = heading
    # `NGHỊ QUYẾT CỦA HỘI ĐỒNG …` goes on over centred upper-case lines naming the
    # issuer; the trích yếu starts under them.
    while (
        after
        and " cua " in f" {fold(heading.text)} "
        and is_upper_text(after[0].text, minimum=4)
        and abs(after[0].centre - heading.centre) <= 0.06 * column.width
        and after[0].top - previous.bottom < 1.2 * previous.height
    ):
        previous = after.pop(0)
    lines: list[Segment] = []
    for segment in after:
        gap = max(0.0, segment.middle - previous.middle - previous.height)
        limit = (1.2 if not lines else 0.9) * max(previous.height, segment.height)
        if gap > limit:
            break
        if is_upper_text(segment.text, minimum=4) or is_label(segment, "kinhgui"):
            break
        # Subject lines are centred on the heading's axis; body lines are
        # justified from the margin. The first line right under the heading
        # may be as wide as the body (a one-line trích yếu of a Giấy mời).
        on_axis = abs(segment.centre - heading.centre) <= 0.06 * column.width
        off = not on_axis or (lines and not is_centred(segment, column, tolerance=0.08))
        if off and not (lines and _wide_line_goes_on(segment, lines, column, heading)):
            break
        lines.append(segment)
        previous = segment
        if len(lines) == MAX_SUBJECT_LINES:
            break
    return lines


_BODY_START = re.compile(r"^(?:-\s*)?(?:căn cứ|kính gửi|thực hiện|theo|\d+[.)])", re.IGNORECASE)


def _wide_line_goes_on(
    segment: Segment, lines: Sequence[Segment], column: Column, heading: Segment
) -> bool:
    """A long trích yếu fills the column like the body does, but it stays on the heading's
    axis at the pitch of its own lines; the body starts after a rule and a wider gap."""
    if abs(segment.centre - heading.centre) > 0.03 * column.width or _BODY_START.match(
        segment.text
    ):
        return False
    pitch = segment.middle - lines[-1].middle
    if len(lines) >= 2:
        return pitch <= 1.1 * (lines[-1].middle - lines[-2].middle)
    return pitch <= 1.4 * max(segment.height, lines[-1].height)
