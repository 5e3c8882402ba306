"""The place and date line: `Gia Lai, ngày 31 tháng 5 năm 2021`.

Nghị định 30/2020 Phụ lục I: the địa danh, a comma, then `ngày … tháng … năm …`
in words; days below 10 and months 1 and 2 carry a leading zero
(`ngày 05 tháng 02 năm 2024`) so that nobody can add a digit later.
Tesseract reads the words with lost or wrong diacritics (`ngay`, `thảng`,
`nãm`) and digits as look-alike letters (`O5`, `2O21`, `3l`); the reader
accepts both and then insists on a real calendar date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sohoa.metadata.text import fold, similarity

#: Letters OCR reads for digits, in a place where only digits can stand.
DIGIT_LOOKALIKES = str.maketrans(
    {"o": "0", "O": "0", "D": "0", "Q": "0", "i": "1", "I": "1", "l": "1", "|": "1",
     "!": "1", "L": "1", "s": "5", "S": "5", "z": "2", "Z": "2", "b": "6", "B": "8",
     "g": "9", "q": "9", "T": "7", "?": "7"}
)  # fmt: skip
_DIGITISH = re.compile(r"^[0-9oOiIlL|!sSzZbBgqDQT?]+$")
#: The earliest date an archive of the Republic can hold; later bounds come from the caller.
EARLIEST = date(1945, 9, 2)


def to_digits(token: str) -> tuple[str, bool] | None:
    """("2021", corrected?) for a token that can only be a number, or None."""
    token = token.strip(".,;:")
    if not token or not _DIGITISH.match(token):
        return None
    if not any(c.isdigit() for c in token) and not set(token) <= set("OoIl|"):
        return None  # a word, not a number read as letters ("II" for 11, "O5" for 05 pass)
    digits = token.translate(DIGIT_LOOKALIKES)
    return (digits, digits != token) if digits.isdigit() else None


def _keyword(token: str, word: str) -> bool:
    """`token` is the date word `word` ("ngay", "thang", "nam") as OCR may spell it."""
    key = fold(token).strip(".,;:")
    if key == word:
        return True
    return len(key) >= len(word) - 1 and similarity(key, word) >= 0.74 and key[0] == word[0]


@dataclass(frozen=True)
class DateReading:
    place_words: tuple[int, ...]
    """Indexes of the words before `ngày` (the địa danh)."""
    day_words: tuple[int, ...]
    """Indexes of the words that hold the date (from `ngày` to the year)."""
    issued: date
    corrected: bool
    """A digit was read as a letter and corrected."""
    padded: bool
    """The zero-padding rule of Phụ lục I holds (a sign the digits were read whole)."""


def _split_glued(tokens: list[str]) -> tuple[list[str], list[int]]:
    """Split `ngày31`, `tháng5,` into word and number; keep a map to the source word."""
    out: list[str] = []
    source: list[int] = []
    for i, token in enumerate(tokens):
        match = re.match(r"^(\D{3,6}?)(\d{1,4})[.,]?$", token)
        # and the number glued before the next word (`26tháng`, typed without a space)
        before = re.match(r"^(\d{1,4})(\D{3,6})$", token)
        if match and any(_keyword(match.group(1), w) for w in ("ngay", "thang", "nam")):
            out += [match.group(1), match.group(2)]
            source += [i, i]
        elif before and any(_keyword(before.group(2), w) for w in ("thang", "nam")):
            out += [before.group(1), before.group(2)]
            source += [i, i]
        else:
            out.append(token)
            source.append(i)
    return out, source


def _is_ngay(words: list[str], start: int) -> bool:
    """`words[start]` is the `ngày` of the date line. The fuzzy match alone would take the
    end of the place for it (`Quảng Ngãi,` is one letter from `ngày`): a place word ends
    with the comma, and `ngày` follows that comma unless it is spelled out."""
    token = words[start]
    if not _keyword(token, "ngay") or token.endswith(","):
        return False
    exact = fold(token).strip(".:") == "ngay"
    return exact or start == 0 or words[start - 1].endswith(",")


def read_date_line(tokens: list[str], *, latest: date | None = None) -> DateReading | None:
    """Read `… , ngày D tháng M năm YYYY` from the words of one line."""
    words, source = _split_glued(tokens)
    for start in range(len(words)):
        if not _is_ngay(words, start):
            continue
        found = _read_from(words, start)
        if found is None:
            continue
        day, month, year, end, corrected, padded = found
        try:
            issued = date(year, month, day)
        except ValueError:
            continue
        if issued < EARLIEST or (latest is not None and issued > latest):
            continue
        place = tuple(dict.fromkeys(source[i] for i in range(start)))
        used = tuple(dict.fromkeys(source[i] for i in range(start, end)))
        return DateReading(place, used, issued, corrected, padded)
    return None


def _read_from(words: list[str], start: int) -> tuple[int, int, int, int, bool, bool] | None:
    """Day, month, year after `ngày` at `start`; the index after the year; flags."""
    position = start + 1
    parts: list[str] = []
    corrected = False
    for keyword in ("thang", "nam", None):
        digits = ""
        while position < len(words):
            token = words[position]
            if keyword is not None and _keyword(token, keyword) and digits:
                break
            number = to_digits(token)
            if number is None:
                return None
            digits += number[0]
            corrected = corrected or number[1]
            position += 1
            if keyword is None and len(digits) >= 4:
                break
        if not digits:
            return None
        parts.append(digits)
        if keyword is not None:
            position += 1  # past "tháng" / "năm"
    day_s, month_s, year_s = parts
    if len(day_s) > 2 or len(month_s) > 2 or len(year_s) != 4:
        return None
    day, month, year = int(day_s), int(month_s), int(year_s)
    padded = (len(day_s) == 2 or day >= 10) and (len(month_s) == 2 or month >= 3)
    if day < 10 and len(day_s) == 2 and day_s[0] != "0":
        return None
    return day, month, year, position, corrected, padded


_YEAR_END = re.compile(r"(19|20)\d\d[.,]?$")


def place_words_of(tokens: list[str]) -> tuple[int, ...] | None:
    """The words before `ngày` in a date line whose date itself is unreadable
    (`Bình Định, ngày tháng 9 năm 2023`: the day lost, or written by hand and read as
    `ngàycŠtháng`): the place is still there, closed by its comma."""
    for start in range(1, min(len(tokens), 7)):
        if tokens[start - 1].endswith(",") and fold(tokens[start]).startswith("ng"):
            rest = tokens[start + 1 :]
            if any(_YEAR_END.search(t) for t in rest[-2:]) or any(
                _keyword(t, "thang") for t in rest
            ):
                return tuple(range(start))
            return None
    for start in range(1, min(len(tokens), 7)):
        if _is_ngay(tokens, start):
            rest = tokens[start + 1 :]
            if any(_keyword(t, "thang") for t in rest) and any(_keyword(t, "nam") for t in rest):
                return tuple(range(start))
    return None


@dataclass(frozen=True)
class MonthYear:
    """The printed part of a date line whose day was not read (handwritten)."""

    month: int | None
    month_confidence: float
    year: int | None
    year_confidence: float


def read_month_year(tokens: list[str], confidences: list[float]) -> MonthYear:
    """`… tháng 5 năm 2021` of a date line, each with the OCR confidence (0–1) of its word.
    Glued forms count (`tháng5`, `02/năm`); a letter for a digit (`1O`) is not trusted."""
    pieces: list[tuple[str, float]] = []
    for token, confidence in zip(tokens, confidences, strict=True):
        for piece in re.split(r"[/\s]+|(?<=\D)(?=\d)|(?<=\d)(?=\D)", token):
            if piece.strip(".,;:"):
                pieces.append((piece.strip(".,;:"), confidence))
    month, month_confidence, year, year_confidence = None, 0.0, None, 0.0
    for i, (piece, _) in enumerate(pieces[:-1]):
        after, confidence = pieces[i + 1]
        if month is None and _keyword(piece, "thang") and after.isdigit() and len(after) <= 2:
            month, month_confidence = int(after), confidence
        if _keyword(piece, "nam") and after.isdigit() and len(after) == 4:
            year, year_confidence = int(after), confidence
    return MonthYear(month, month_confidence, year, year_confidence)
