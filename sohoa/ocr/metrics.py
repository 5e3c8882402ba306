"""How good is a text layer: character error rate against ground truth.

Both texts are NFC-normalised and their whitespace collapsed before comparing,
so a line break read as a space is not an error but a lost diacritic is.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")
#: Last line of the visible signature of a copy (Nghị định 30/2020 Phụ lục I).
_STAMP_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def normalise(text: str) -> str:
    """NFC, whitespace collapsed to single spaces, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_signature_stamp(text: str) -> str:
    """Remove the visible signature's three lines (copy type, agency, ISO time)
    from text extracted from a signed copy: they are not part of the scan."""
    lines = text.split("\n")
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if _STAMP_TIME.match(line.strip()):
            drop.add(i)
            previous = [j for j in range(i - 1, -1, -1) if lines[j].strip()][:2]
            drop.update(previous)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance / reference length (both normalised)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def semiglobal_distance(reference: str, text: str) -> int:
    """Edit distance between `reference` and its best-matching stretch of `text`.

    Levenshtein with free gaps at both ends of `text` (semi-global alignment).
    Each row of the dynamic programme is computed with numpy: the insertion
    chain D[i][j] = min_k (E[k] + j − k) is a running minimum of E[k] − k.
    """
    n, m = len(reference), len(text)
    if n == 0:
        return 0
    if m == 0:
        return n
    hyp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    ramp = np.arange(m + 1, dtype=np.int64)
    previous = np.zeros(m + 1, dtype=np.int64)  # free start anywhere in `text`
    for i, char in enumerate(reference.encode("utf-32-le").decode("utf-32-le"), start=1):
        substitute = previous[:-1] + (hyp != ord(char))
        best = np.empty(m + 1, dtype=np.int64)
        best[0] = i
        best[1:] = np.minimum(substitute, previous[1:] + 1)
        previous = np.minimum.accumulate(best - ramp) + ramp
    return int(previous.min())  # free end anywhere in `text`


def best_match_cer(reference: str, page_text: str) -> float:
    """CER of `reference` against its best-matching stretch of `page_text`.

    The body of a page is surrounded by headers, signer blocks and seals that
    are not part of the reference; those must not count as insertions.
    """
    ref, hyp = normalise(reference), normalise(page_text)
    if not ref:
        return 0.0
    return semiglobal_distance(ref, hyp) / len(ref)
