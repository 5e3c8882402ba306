"""Is an object of a later revision the same content as its signed version?

Writers re-save objects they did not mean to change: Adobe points a page's
/Resources at a fresh copy of the very same dictionary when it adds a
document time-stamp, iText stamps its version on the page-tree root. What a
reader shows depends on content, not on object numbers, so a value counts as
unchanged when it is equal to its signed version once every reference is
followed, under two conditions that keep this from becoming a way in:

- a reference that differs from the signed one must point to an object that
  did not exist when the file was signed (a *fresh copy*); a reference to
  another existing object is a change, because that object's own content and
  other uses were signed for a different place;
- every fresh copy found is returned to the caller, who clears exactly those
  objects and nothing else.

Only structure is compared (stream bytes as stored, strings as written): two
encodings of the same picture count as different, which is stricter than
needed and never looser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis.policies import _is_id

#: Keys a PDF library writes into existing objects to mark itself, with no
#: meaning for any reader (iText 5: /ITXT on the page-tree root).
PRODUCER_MARKERS = frozenset({"/ITXT"})

#: Objects compared at most per question: a fresh copy of a whole font program
#: tree is a few dozen objects; more than this is not a copy made in passing.
BUDGET = 2000


@dataclass
class Comparison:
    """One question "same content?", with the fresh copies it relied on."""

    old: HistoricalResolver
    new: HistoricalResolver
    fresh: set[generic.Reference] = field(default_factory=set)
    _seen: set[tuple[Any, Any]] = field(default_factory=set)
    _budget: int = BUDGET

    def same(self, a: Any, b: Any, ignore: frozenset[str] = frozenset()) -> bool:
        """True when `a` (signed revision) and `b` (later revision) show the same content.

        `ignore`: keys left out at the top level when both are dictionaries.
        """
        self._budget -= 1
        if self._budget < 0:
            return False
        if a is None or b is None:  # an entry absent on one side or both
            return a is None and b is None
        both_refs = isinstance(a, generic.IndirectObject) and isinstance(b, generic.IndirectObject)
        if both_refs and (a.idnum, a.generation) == (b.idnum, b.generation):
            # the same object: if it changed too, that change is judged on its own
            return True
        if isinstance(b, generic.IndirectObject):
            ref = b.reference
            if not self.old.is_ref_unassignable(ref):
                return False  # another object that existed when signed: not a copy
            key = (_key(a), (ref.idnum, ref.generation))
            if key in self._seen:
                return True
            self._seen.add(key)
            if not self.same(_resolve(a), self.new(ref), ignore):
                return False
            self.fresh.add(ref)
            return True
        if isinstance(a, generic.IndirectObject):
            return self.same(_resolve(a), b, ignore)
        return self._same_direct(a, b, ignore)

    def _same_direct(self, a: Any, b: Any, ignore: frozenset[str]) -> bool:
        streams = isinstance(a, generic.StreamObject), isinstance(b, generic.StreamObject)
        if any(streams) and not (all(streams) and a.encoded_data == b.encoded_data):
            return False
        if isinstance(a, generic.DictionaryObject):
            if not isinstance(b, generic.DictionaryObject):
                return False
            keys = set(a.keys()) - ignore
            if keys != set(b.keys()) - ignore:
                return False
            return all(self.same(a.raw_get(k), b.raw_get(k)) for k in keys)
        if isinstance(a, generic.ArrayObject):
            return (
                isinstance(b, generic.ArrayObject)
                and len(a) == len(b)
                and all(self.same(x, y) for x, y in zip(a, b, strict=True))
            )
        if isinstance(b, generic.DictionaryObject | generic.ArrayObject):
            return False
        numbers = (generic.NumberObject, generic.FloatObject)
        if isinstance(a, numbers) and isinstance(b, numbers):
            return a == b  # 612 and 612.0 are the same number to every reader
        try:
            return bool(_is_id(a, b))
        except NotImplementedError:
            return False


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, generic.IndirectObject) else value


def _key(value: Any) -> Any:
    if isinstance(value, generic.IndirectObject):
        return (value.idnum, value.generation)
    return id(value)


def raw(container: Any, key: str) -> Any:
    """`container[key]` without following a reference; None when absent or not a dict."""
    if not isinstance(container, generic.DictionaryObject):
        return None
    try:
        return container.raw_get(key)
    except KeyError:
        return None


__all__ = ["BUDGET", "PRODUCER_MARKERS", "Comparison", "raw"]
