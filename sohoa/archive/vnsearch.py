"""Vietnamese text as the search index and the query see it: folded, tokenised, số/ký hiệu.

A clerk types `quyet dinh so hoa` on a keyboard without Telex, or `151 qđ stc`
for the number printed `Số: 151/QĐ-STC`, and must find the record. Both the
index and the query are folded the same way: NFC, lower case, diacritics
dropped, `đ` → `d` (SQLite's unicode61 tokenizer drops diacritics but keeps
`đ`, which is a letter of its own, not d with a mark). NFD input (macOS file
names, some keyboards) is composed first, so it folds to the same key.

Folding is done character by character on NFC text and keeps its length, so
a match found in the folded text is at the same offsets in the original:
snippets show the text as printed, with its diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[0-9a-z]+")
#: A số/ký hiệu as typed: number, then the notation's parts separated by `/`, `-`,
#: spaces or nothing (`151/QĐ-STC`, `151 qđ stc`, `05/BNV-VP`, `12/2020/NĐ-CP`).
_CODE_QUERY = re.compile(r"^\s*(?:s[oố]\s*:?\s*)?(\d{1,6})\s*[/\s]\s*([0-9a-z][0-9a-z/\-\s]*)$")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base[0] if base else char


def fold(text: str) -> str:
    """NFC text lower-cased without diacritics, `đ` → `d`, one character per character."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def words(text: str) -> list[str]:
    """The folded words (letters and digits) of `text`."""
    return _WORD.findall(fold(text))


def code_terms(number: str | None, notation: str | None) -> str:
    """What the code column of the index holds for a số/ký hiệu.

    `151` + `QĐ-STC` → `151 qd stc 151qdstc`: the parts for a query typed with
    spaces, and one joined key for a query typed with `/` and `-` or none. A
    number printed zero-padded (`05`) is also indexed without the zero.
    """
    parts = words(notation or "")
    if not number and not parts:
        return ""
    terms: list[str] = []
    if number:
        terms.append(number)
        if number.lstrip("0") and number.lstrip("0") != number:
            terms.append(number.lstrip("0"))
    terms += parts
    for n in dict.fromkeys([number or "", (number or "").lstrip("0")]):
        if n and parts:
            terms.append(n + "".join(parts))
    return " ".join(dict.fromkeys(terms))


@dataclass(frozen=True)
class Query:
    """A user's query, folded: the FTS5 expression and the words to highlight."""

    expression: str
    words: tuple[str, ...]
    code: str | None = None
    """The joined số/ký hiệu key when the query reads as one (`151qdstc`)."""


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def parse_query(text: str) -> Query | None:
    """The FTS5 expression for what a clerk typed; None when it has no word at all.

    Every word must occur (in any column); a word ending in `*` is a prefix.
    A query that reads as a số/ký hiệu also matches the joined code key, so
    `151/QĐ-STC`, `151 qđ stc` and `151QDSTC` find the same document.
    User text never reaches FTS5 syntax: each word is quoted.
    """
    folded = fold(text)
    found: list[str] = []
    for match in re.finditer(r"[0-9a-z]+\*?", folded):
        found.append(match.group())
    if not found:
        return None
    terms = [f"{_quote(w.rstrip('*'))}*" if w.endswith("*") else _quote(w) for w in found]
    expression = " AND ".join(terms)
    plain = tuple(w.rstrip("*") for w in found)
    code = None
    match = _CODE_QUERY.match(folded)
    if match:
        number, rest = match.group(1), words(match.group(2))
        if rest:
            code = number.lstrip("0") + "".join(rest)
            keys = {number + "".join(rest), code}
            joined = " OR ".join(f"code : {_quote(k)}" for k in sorted(keys))
            expression = f"({joined}) OR ({expression})"
    return Query(expression, plain, code)


def phrase(text: str, column: str) -> str | None:
    """An FTS5 filter: `column` holds the words of `text` in a row (`--type "quyết định"`)."""
    found = words(text)
    if not found:
        return None
    return f'{column} : "{" ".join(found)}"'


def snippet(
    text: str, query_words: tuple[str, ...], width: int = 160
) -> tuple[str, list[list[int]]]:
    """A window of `text` around the first match, and the [start, end) of each match in it.

    Matching is on the folded text, cut from the original, so the snippet
    keeps its diacritics; a word matches at the start of a word (prefixes too).
    """
    original = " ".join(unicodedata.normalize("NFC", text).split())
    folded = fold(original)
    if not query_words:
        return original[:width], []
    pattern = re.compile(
        r"(?<![0-9a-z])(?:"
        + "|".join(re.escape(w) for w in sorted(query_words, key=len, reverse=True))
        + ")"
    )
    hits = [(m.start(), m.end()) for m in pattern.finditer(folded)]
    if not hits:
        return original[:width], []

    # The window holding the most distinct query words, the earliest among equals.
    def coverage(i: int) -> int:
        return len({folded[s:e] for s, e in hits[i:] if s < hits[i][0] + width})

    first = hits[max(range(len(hits)), key=lambda i: (coverage(i), -i))][0]
    start = max(0, first - width // 3)
    if start:
        space = original.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(original), start + width)
    if end < len(original):
        space = original.rfind(" ", start, end)
        end = space if space > first else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(original) else ""
    shift = len(prefix) - start
    marks = [[s + shift, e + shift] for s, e in hits if s >= start and e <= end]
    return prefix + original[start:end] + suffix, marks
