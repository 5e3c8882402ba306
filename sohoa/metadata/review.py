"""When a field is sure enough to give, and when a clerk must look at it.

A null costs a clerk a few seconds; a wrong value costs trust (issue 4). So a
reading under NULL_BELOW is not given at all, and one under REVIEW_BELOW is
given but puts the document on the review list until a person has set or
confirmed it (`sohoa edit`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sohoa.models import METADATA_FIELDS

#: Under this confidence a field is not given (None): it would be a guess.
NULL_BELOW = 0.5
#: Fields whose wrong readings score higher (calibrated on real-dev, issue 10: an organ
#: line with a word of no vocabulary scores 0.6 and was wrong as often as right).
FIELD_NULL_BELOW = {"organ_name": 0.65}
#: Under this confidence a field is given but the document needs review: fields at or
#: above it are the ones marked sure (bench/bench_metadata.py prints the calibration
#: curve on generated scans and on real-dev).
REVIEW_BELOW = 0.8
#: Fields that need more to be sure: a trích yếu with one tone misread by OCR still
#: scores 0.85–0.9 (every syllable is a real one), so it is reviewed under 0.9.
FIELD_REVIEW_BELOW = {"subject": 0.9}
#: Fields a document may legitimately lack (no parent organ; the head signs in
#: their own name): None *with* a confidence means "read as absent".
OPTIONAL_FIELDS = frozenset({"parent_organ", "signer_authority"})


def null_below(field: str) -> float:
    """The confidence under which `field` is not given."""
    return FIELD_NULL_BELOW.get(field, NULL_BELOW)


def review_below(field: str) -> float:
    """The confidence under which `field` is given but reviewed."""
    return FIELD_REVIEW_BELOW.get(field, REVIEW_BELOW)


def combine(ocr: float, evidence: float) -> float:
    """Confidence from the OCR's own and from independent evidence of the document's
    grammar (a heading that agrees, a known place): either can vouch for a reading,
    so only what both leave unexplained is doubt."""
    return 1 - (1 - ocr) * (1 - evidence)


def unsure_fields(
    metadata: Mapping[str, Any],
    confidence: Mapping[str, float],
    confirmed: Collection[str] = (),
    threshold: float | None = None,
) -> list[str]:
    """Fields a person should look at: unread (no confidence) or under `threshold`
    (by default each field's own, `review_below`).

    A field a person set or confirmed (`confirmed`) is sure whatever its value.
    """
    out = []
    for name in METADATA_FIELDS:
        if name in confirmed:
            continue
        score = confidence.get(name)
        if (
            score is None
            or score < (review_below(name) if threshold is None else threshold)
            or (metadata.get(name) is None and name not in OPTIONAL_FIELDS)
        ):
            out.append(name)
    return out
