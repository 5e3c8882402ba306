"""Does a page's text layer give back what OCR read? The PDF's own self-check.

`pdftotext` reads the built file back, and each page's text is compared with
the text the layer was written from. Two kinds of difference are told apart:

* characters lost or changed (a font or ToUnicode fault, a diacritic gone):
  the layer is wrong;
* words run together (poppler joins words whose glyphs it finds on one line
  and touching, e.g. OCR junk lying over a real word): every character is
  there, but a search for one of those words would miss it.

Either way the document is kept (the scan is the record; the layer only helps
finding it) and the page is flagged for review with the reason in words.
Layout may reorder lines and words, so order is never compared.
"""

from __future__ import annotations

import itertools
from collections import Counter

#: Not compared: hyphens, which pdftotext drops at a line's end when it joins
#: a hyphenated word.
_HYPHENS = str.maketrans("", "", "-\u00ad\u2010")


def _characters(text: str) -> Counter[str]:
    return Counter("".join(text.split()).translate(_HYPHENS))


def _words(text: str) -> Counter[str]:
    """Words as letters and digits only: punctuation glued to a word (`sơ'`,
    `9—`, poppler's way with a line of single characters) hides no word."""
    return Counter(w for w in ("".join(filter(str.isalnum, t)) for t in text.split()) if w)


def _hyphen_joins(text: str) -> set[str]:
    """Words pdftotext may make of a line ending in a hyphen and the next line's first word."""
    lines = [line.split() for line in text.splitlines() if line.split()]
    return {
        "".join(filter(str.isalnum, first[-1] + second[0]))
        for first, second in itertools.pairwise(lines)
        if first[-1][-1] in "-\u00ad\u2010"
    }


def _sample(counter: Counter[str], limit: int = 40) -> str:
    return repr("".join(sorted(counter.elements()))[:limit]) if counter else "nothing"


def layer_problem(written: str, extracted: str) -> str | None:
    """Why the extracted text of one page is not the text written, or None when it is."""
    lost = _characters(written) - _characters(extracted)
    gained = _characters(extracted) - _characters(written)
    if lost or gained:
        return (
            "the text layer does not extract intact "
            f"(lost {_sample(lost)}, gained {_sample(gained)})"
        )
    joins = _hyphen_joins(written)
    run_together = [
        word for word in (_words(extracted) - _words(written)).elements() if word not in joins
    ]
    if run_together:
        shown = ", ".join(repr(w) for w in run_together[:3])
        return (
            f"{len(run_together)} word(s) of the text layer extract run together ({shown}): "
            "searching for them may miss this page"
        )
    return None
