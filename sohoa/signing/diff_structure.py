"""Tagged-PDF structure rewritten after signing (ISO 32000-1 §14.7, logical structure).

The structure tree (/StructTreeRoot, its elements, the /ParentTree index,
role and class maps) says what the marked content of the pages *is*
(heading, paragraph, form control…) for accessibility and reflow; it draws
nothing. Writers that add a signature field to a tagged PDF (iText, Acrobat)
add a /Form element for it and rebuild the parent tree, rewriting elements
that existed when the file was signed. EU DSS counts that among the changes
that leave the signed content as it was; pyHanko has no rule for it.

`StructureTreeRule` clears, at the level of validation data (nothing shown
changes):

- objects reached from the catalog's /StructTreeRoot along the tree's own
  edges (/K, /ParentTree, /IDTree, /RoleMap, /ClassMap, /A…; never /Pg,
  /Obj, /Stm, which point out of the tree to pages, annotations and content
  streams), written in this revision, that are not streams;
- among them, an object that existed when signed only when every place the
  signed file used it lies inside the structure tree, so that nothing else
  (a page, a resource, an annotation) can change under its cover.

What a screen reader would say instead of the page must not change: an
existing element keeps its /Alt, /ActualText and /E, and a new element may
carry them only when it covers no marked content of the pages (a /Form
element pointing to a new widget does not).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.rules_api import Context, QualifiedWhitelistRule, ReferenceUpdate

from sohoa.signing.same_content import Comparison, raw

#: Entries that leave the structure tree for the content it describes.
OUTWARD_KEYS = frozenset(
    {"/P", "/Pg", "/Obj", "/Stm", "/StmOwn", "/Ref", "/AF", "/PronunciationLexicon", "/Namespaces"}
)
#: What assistive technology reads instead of the marked content (ISO 32000-1 §14.9).
TEXT_ALTERNATIVES = ("/Alt", "/ActualText", "/E")
#: Objects followed per revision at most: far beyond any real tree rewrite.
LIMIT = 200_000


class StructureTreeRule(QualifiedWhitelistRule):
    """Structure-tree objects rewritten or added (module docstring)."""

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        old_raw, new_raw = raw(old.root, "/StructTreeRoot"), raw(new.root, "/StructTreeRoot")
        if new_raw is None:
            if old_raw is not None:
                raise SuspiciousModification("the structure tree was removed after signing")
            return
        fresh_root = isinstance(new_raw, generic.IndirectObject) and old.is_ref_unassignable(
            new_raw.reference
        )
        if new_raw != old_raw and not fresh_root:
            raise SuspiciousModification("/StructTreeRoot now points to another object")
        touched = new.explicit_refs_in_revision()
        # Writers rewrite the root, or only the elements and index they touch:
        # start from the root and from every rewritten object the signed file
        # used inside the tree alone, then follow the tree into what is new.
        starts = [new_raw] + [
            generic.IndirectObject(ref.idnum, ref.generation, new)
            for ref in touched
            if not old.is_ref_unassignable(ref) and _inside_tree(old, ref)
        ]
        for ref in _rewritten_tree_objects(new, starts, touched):
            yield from _clear(old, new, ref)


def _inside_tree(old: HistoricalResolver, ref: Any) -> bool:
    """Whether the signed file used `ref` only inside its structure tree."""
    paths = old._get_usages_of_ref(ref)
    return bool(paths) and all(p.path[:2] == ("/Root", "/StructTreeRoot") for p in paths)


def _rewritten_tree_objects(
    new: HistoricalResolver, starts: list[Any], touched: set[Any]
) -> Iterable[Any]:
    """References written in this revision, reached from `starts` along tree edges.

    Objects not written in this revision are not entered: what they point to
    was judged when they were written (pyHanko compares each revision with
    the signed one), and walking all of a large tree each time would be slow.
    """
    seen: set[Any] = set()
    pending = list(starts)
    steps = 0
    while pending:
        value = pending.pop()
        steps += 1
        if steps > LIMIT:
            raise SuspiciousModification("the structure tree is too large to compare")
        if isinstance(value, generic.IndirectObject):
            ref = value.reference
            if ref in seen or ref not in touched:
                continue
            seen.add(ref)
            yield ref
            value = new(ref)
        if isinstance(value, generic.DictionaryObject):
            pending += [v for k, v in value.items() if k not in OUTWARD_KEYS]
        elif isinstance(value, generic.ArrayObject):
            pending += list(value)


def _clear(
    old: HistoricalResolver, new: HistoricalResolver, ref: Any
) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
    after = new(ref)
    if isinstance(after, generic.StreamObject):
        return  # content, not structure: left for the other rules
    if old.is_ref_unassignable(ref):
        _check_new_element(after, ref)
        yield ModificationLevel.LTA_UPDATES, ReferenceUpdate(ref)
        return
    before = old(ref)
    if isinstance(before, generic.StreamObject):
        return
    if not _inside_tree(old, ref):
        return  # also used outside the tree in the signed file: not ours to clear
    _check_kept_alternatives(old, new, before, after, ref)
    for path in old._get_usages_of_ref(ref):
        yield (
            ModificationLevel.LTA_UPDATES,
            ReferenceUpdate(ref, context_checked=Context.from_absolute(old, path)),
        )


def _is_element(obj: Any) -> bool:
    return isinstance(obj, generic.DictionaryObject) and (
        raw(obj, "/Type") == "/StructElem" or raw(obj, "/S") is not None
    )


def _check_kept_alternatives(
    old: HistoricalResolver, new: HistoricalResolver, before: Any, after: Any, ref: Any
) -> None:
    if not (_is_element(before) or _is_element(after)):
        return
    check = Comparison(old, new)
    for key in TEXT_ALTERNATIVES:
        if not check.same(raw(before, key), raw(after, key)):
            raise SuspiciousModification(
                f"structure element {ref}: its {key} (what is read aloud instead of the page) "
                "was changed after signing"
            )


def _check_new_element(after: Any, ref: Any) -> None:
    if not _is_element(after) or not any(raw(after, k) is not None for k in TEXT_ALTERNATIVES):
        return
    kids = after.get("/K")
    kids = list(kids) if isinstance(kids, generic.ArrayObject) else [kids]
    for kid in kids:
        kid = kid.get_object() if isinstance(kid, generic.IndirectObject) else kid
        if kid is None:
            continue
        if not (isinstance(kid, generic.DictionaryObject) and raw(kid, "/Type") == "/OBJR"):
            raise SuspiciousModification(
                f"the new structure element {ref} gives a text alternative to content "
                "that was signed"
            )


__all__ = ["StructureTreeRule"]
