"""How good is a text layer: character error rate against ground truth.

Both texts are NFC-normalised and their whitespace collapsed before comparing,
so a line break read as a space is not an error but a lost diacritic is.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, whitespace collapsed to single spaces, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance / reference length (both normalised)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def best_match_cer(reference: str, page_text: str) -> float:
    """CER of `reference` against its best-matching stretch of `page_text`.

    The body of a page is surrounded by headers, signer blocks and seals that
    are not part of the reference; those must not count as insertions. The
    stretch is found from a global alignment (the first and last page
    characters aligned to the reference), then widened or narrowed by a few
    characters at each end to the lowest distance.
    """
    ref, hyp = normalise(reference), normalise(page_text)
    if not ref:
        return 0.0
    if not hyp:
        return 1.0
    ops = Levenshtein.opcodes(ref, hyp)
    # Anchor on runs of a few equal characters: single-letter matches are
    # scattered through the header and would stretch the window.
    matched = [op for op in ops if op.tag == "equal" and op.src_end - op.src_start >= 4] or [
        op for op in ops if op.tag == "equal"
    ]
    if not matched:
        return Levenshtein.distance(ref, hyp) / len(ref)
    start, end = (
        matched[0].dest_start - matched[0].src_start,
        matched[-1].dest_end + (len(ref) - matched[-1].src_end),
    )
    start, end = max(0, start), min(len(hyp), end)
    best = Levenshtein.distance(ref, hyp[start:end])
    for delta_start in range(-8, 9, 2):
        for delta_end in range(-8, 9, 2):
            s, e = max(0, start + delta_start), min(len(hyp), end + delta_end)
            if s < e:
                best = min(best, Levenshtein.distance(ref, hyp[s:e], score_cutoff=best))
    return best / len(ref)
