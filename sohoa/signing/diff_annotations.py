"""Annotations added, changed or removed after signing (ISO 32000-1 §12.8.2.2, Table 254).

DocMDP P=3 (and an approval signature, which sets no DocMDP) permits
"annotation creation, deletion, and modification" besides form filling and
signing; pyHanko names that level `ModificationLevel.ANNOTATIONS` but has no
rule producing it. `AnnotationRule` is that rule, qualified at that level so
that pyHanko's own DocMDP check refuses it after a certification with P=1
or P=2. It clears creation and modification; not deletion, nor hiding an
annotation that was shown when signed: an annotation the signer saw may lie
over page content, and taking it away shows the signer's words with what
it covered (the "hide" shadow attack done with a comment). What it clears,
and nothing more:

- a page whose dictionary is unchanged but for /Annots (values pointing to
  fresh identical copies count as unchanged, see `same_content`);
- in /Annots: widgets of signature fields created in the same revision (the
  binding pyHanko's `SigFieldCreationRule` clears, done here instead so that
  it sees through fresh copies), and markup annotations (comments, stamps,
  highlights, links…) added, with the fresh objects they use;
- an existing non-widget annotation rewritten in place, on the paths where
  the signed file used it as an annotation (a page's /Annots, another
  annotation's /Popup or /IRT, the structure tree's /Obj); any other use of
  the same object stays unexplained, so an object that is also, say, a
  resource dictionary cannot be changed under the cover of a comment.

Never cleared: a widget added to or removed from a form field (that is a
form change), an annotation that runs an action able to change what is
shown (JavaScript, hide, reset form, launch…), an annotation or signature
widget added, or a comment moved or unhidden, over another annotation of the
page (a comment laid over a form field or a signature's appearance hides
what was signed; EU DSS reports such overlaps as modifications), a page's
content, resources or boxes, pages added, removed or reordered. `NamesRule` clears the one
catalog name tree annotations need: /Names /AP, the appearance streams
Acrobat's comment tools refer to by name (ISO 32000-1 §7.7.4).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.form_rules_api import (
    FieldComparisonContext,
    FieldMDPRule,
    FormUpdate,
)
from pyhanko.sign.diff_analysis.rules_api import (
    Context,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    RelativeContext,
)

from sohoa.signing.same_content import PRODUCER_MARKERS, Comparison, raw

LTA = ModificationLevel.LTA_UPDATES
ANNOTATIONS = ModificationLevel.ANNOTATIONS

#: Actions that move the view or open a link: they change nothing a page shows.
HARMLESS_ACTIONS = frozenset({"/URI", "/GoTo", "/GoToR", "/GoToE", "/Named", "/Thread"})

#: Last keys of a path under which the signed file used an object as an annotation.
ANNOTATION_PLACES = frozenset({"/Popup", "/IRT", "/Obj"})


def is_widget(obj: Any) -> bool:
    return isinstance(obj, generic.DictionaryObject) and raw(obj, "/Subtype") == "/Widget"


def is_markup(obj: Any) -> bool:
    """A non-widget annotation dictionary (comments, stamps, links, popups…)."""
    return (
        isinstance(obj, generic.DictionaryObject)
        and not isinstance(obj, generic.StreamObject)
        and isinstance(raw(obj, "/Subtype"), generic.NameObject)
        and not is_widget(obj)
        and raw(obj, "/Type") in (None, "/Annot")
    )


def check_actions(annot: generic.DictionaryObject, where: str) -> None:
    """Refuse an annotation whose actions could change what the document shows."""
    if raw(annot, "/AA") is not None:
        raise SuspiciousModification(f"{where} carries additional actions (/AA)")
    pending, hops = [annot.get("/A")], 0
    while pending:
        action = pending.pop()
        if action is None:
            continue
        hops += 1
        if hops > 50 or not isinstance(action, generic.DictionaryObject):
            raise SuspiciousModification(f"{where} has an unreadable chain of actions")
        kind = raw(action, "/S")
        if kind not in HARMLESS_ACTIONS:
            raise SuspiciousModification(
                f"{where} runs a {kind} action, which can change what the document shows"
            )
        nxt = action.get("/Next")
        pending += list(nxt) if isinstance(nxt, generic.ArrayObject) else [nxt]


def _fresh_deps(old: HistoricalResolver, new: HistoricalResolver, obj: Any) -> set[Any]:
    """Objects `obj` uses that did not exist when the file was signed."""
    deps = new.collect_dependencies(obj, since_revision=old.revision + 1)
    return {ref for ref in deps if old.is_ref_unassignable(ref)}


def _annots(page: Any, where: str) -> tuple[set[Any], Any]:
    """(references in the page's /Annots, reference of the array when indirect)."""
    value = raw(page, "/Annots")
    if value is None:
        return set(), None
    array = value.get_object() if isinstance(value, generic.IndirectObject) else value
    if not isinstance(array, generic.ArrayObject) or not all(
        isinstance(a, generic.IndirectObject) for a in array
    ):
        raise SuspiciousModification(f"{where}: /Annots is not an array of references")
    ref = value.reference if isinstance(value, generic.IndirectObject) else None
    return {a.reference for a in array}, ref


def _leaf_pages(old: HistoricalResolver, new: HistoricalResolver) -> Iterator[tuple[int, Any]]:
    """(page number, reference) of every page, checking the tree kept its shape."""
    number = 0
    stack = [(old.root.raw_get("/Pages"), new.root.raw_get("/Pages"), 0)]
    while stack:
        old_node, new_node, depth = stack.pop()
        if depth > 64:
            raise SuspiciousModification("the page tree is too deep")
        if not isinstance(old_node, generic.IndirectObject) or old_node != new_node:
            raise SuspiciousModification("pages were replaced or reordered after signing")
        node = old_node.get_object()
        if raw(node, "/Type") != "/Pages":
            number += 1
            yield number, old_node.reference
            continue
        old_kids, new_kids = raw(node, "/Kids"), raw(new_node.get_object(), "/Kids")
        old_kids, new_kids = (
            k.get_object() if k is not None else None for k in (old_kids, new_kids)
        )
        if (
            not isinstance(old_kids, generic.ArrayObject)
            or not isinstance(new_kids, generic.ArrayObject)
            or len(old_kids) != len(new_kids)
        ):
            raise SuspiciousModification("pages were added or removed after signing")
        stack.extend(
            (o, n, depth + 1) for o, n in reversed(list(zip(old_kids, new_kids, strict=True)))
        )


#: Annotation flags (ISO 32000-1 Table 165) under which nothing is drawn.
HIDDEN, NO_VIEW = 2, 32


def _box(annot: Any) -> tuple[float, float, float, float] | None:
    """The drawn rectangle of an annotation, or None when it draws nothing."""
    if not isinstance(annot, generic.DictionaryObject):
        return None
    flags, opacity = annot.get("/F", 0), annot.get("/CA", 1)
    if isinstance(flags, int) and flags & (HIDDEN | NO_VIEW):
        return None
    if isinstance(opacity, int | float | Decimal) and opacity <= 0:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return box if box[2] > box[0] and box[3] > box[1] else None


def check_not_covering(
    new: HistoricalResolver, ref: Any, annots: Iterable[Any], where: str
) -> None:
    """Refuse annotation `ref` when it is drawn over another annotation in `annots`."""
    mine = new(ref)
    box = _box(mine)
    if box is None:
        return
    family = {getattr(raw(mine, k), "reference", None) for k in ("/Popup", "/Parent", "/IRT")}
    for other_ref in annots:
        if other_ref == ref or other_ref in family:
            continue
        other = new(other_ref)
        if getattr(raw(other, "/Popup"), "reference", None) == ref:
            continue  # its own comment's pop-up window
        theirs = _box(other)
        if theirs is None:
            continue
        if min(box[2], theirs[2]) > max(box[0], theirs[0]) and min(box[3], theirs[3]) > max(
            box[1], theirs[1]
        ):
            raise SuspiciousModification(
                f"{where}: the annotation {ref} drawn after signing covers the annotation "
                f"{other_ref}, hiding what was signed"
            )


class AnnotationRule(FieldMDPRule):
    """Annotations on pages, and the widgets of new signature fields (module docstring)."""

    def apply(
        self, context: FieldComparisonContext
    ) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        old, new = context.old, context.new
        touched = new.explicit_refs_in_revision()
        yield from self._rewritten_annotations(old, new, touched)
        if not any(self._touches_pages(old, new, ref) for ref in touched):
            return
        widgets = _new_signature_widgets(context)
        for number, page_ref in _leaf_pages(old, new):
            new_page = new(page_ref)
            annots = raw(new_page, "/Annots")
            annots_touched = (
                isinstance(annots, generic.IndirectObject) and annots.reference in touched
            )
            if page_ref in touched or annots_touched:
                yield from self._page(old, new, number, page_ref, old(page_ref), new_page, widgets)

    @staticmethod
    def _touches_pages(old: HistoricalResolver, new: HistoricalResolver, ref: Any) -> bool:
        if old.is_ref_unassignable(ref):
            return False
        for path in old._get_usages_of_ref(ref):
            nodes = path.path
            if len(nodes) >= 2 and nodes[0] == "/Root" and nodes[1] == "/Pages":
                return True
        return False

    def _page(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        number: int,
        page_ref: Any,
        old_page: Any,
        new_page: Any,
        widgets: dict[Any, str],
    ) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        where = f"page {number}"
        if not isinstance(new_page, generic.DictionaryObject):
            raise SuspiciousModification(f"{where} is no longer a dictionary")
        check = Comparison(old, new)
        ignore = PRODUCER_MARKERS | {"/Annots"}
        keys = (set(old_page.keys()) | set(new_page.keys())) - ignore
        for key in sorted(keys):
            if not check.same(raw(old_page, key), raw(new_page, key)):
                raise SuspiciousModification(f"{where}: {key} was changed after signing")
        old_annots, old_annots_ref = _annots(old_page, where)
        new_annots, new_annots_ref = _annots(new_page, where)
        if old_annots == new_annots and old_annots_ref == new_annots_ref and not check.fresh:
            return  # nothing this rule explains: an /Annots array rewritten in place as it was
        level, names = LTA, set()
        for ref in old_annots - new_annots:
            kind = "a form field's widget" if is_widget(old(ref)) else "the annotation"
            raise SuspiciousModification(
                f"{where}: {kind} {ref}, shown when the file was signed, was removed"
            )
        updates: list[tuple[ModificationLevel, FormUpdate]] = []
        for ref in new_annots - old_annots:
            check_not_covering(new, ref, new_annots, where)
            if ref in widgets:
                names.add(widgets[ref])
                continue
            added = new(ref)
            if not is_markup(added):
                raise SuspiciousModification(
                    f"{where}: the new annotation {ref} is a widget of no new signature field"
                )
            if not old.is_ref_unassignable(ref) and not is_markup(old(ref)):
                raise SuspiciousModification(f"{where}: {ref} was turned into an annotation")
            check_actions(added, f"the annotation added on {where}")
            level = ANNOTATIONS
            fresh = _fresh_deps(old, new, added)
            if old.is_ref_unassignable(ref):
                fresh.add(ref)
            updates += [(ANNOTATIONS, FormUpdate(r)) for r in fresh]
        name = next(iter(names)) if len(names) == 1 and level == LTA else None
        # Pages are reached from many places (link destinations, /P of annotations):
        # like pyHanko, clear the page as a whole once its dictionary is known unchanged.
        updates.append(
            (level, FormUpdate(page_ref, field_name=name, valid_when_locked=name is not None))
        )
        if new_annots_ref is not None and (
            new_annots_ref == old_annots_ref or old.is_ref_unassignable(new_annots_ref)
        ):
            updates.append(
                (
                    level,
                    FormUpdate(
                        new_annots_ref,
                        field_name=name,
                        valid_when_locked=name is not None,
                        context_checked=RelativeContext(page_ref, RawPdfPath("/Annots")),
                    ),
                )
            )
        updates += [(LTA, FormUpdate(r)) for r in check.fresh]
        yield from updates

    @staticmethod
    def _rewritten_annotations(
        old: HistoricalResolver, new: HistoricalResolver, touched: set[Any]
    ) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        for ref in touched:
            if old.is_ref_unassignable(ref):
                continue
            before, after = old(ref), new(ref)
            if not (is_markup(before) and is_markup(after)):
                continue
            check_actions(after, f"the annotation {ref}")
            if _box(before) is not None and _box(after) is None:
                raise SuspiciousModification(
                    f"the annotation {ref}, shown when the file was signed, was hidden"
                )
            if _box(before) != _box(after):
                page = raw(after, "/P")
                annots = raw(page.get_object(), "/Annots") if page is not None else None
                annots = annots.get_object() if annots is not None else None
                if not isinstance(annots, generic.ArrayObject):
                    raise SuspiciousModification(
                        f"the annotation {ref} was moved or shown after signing, and names no page"
                    )
                refs = [a.reference for a in annots if isinstance(a, generic.IndirectObject)]
                check_not_covering(new, ref, refs, f"the annotation {ref}")
            for path in old._get_usages_of_ref(ref):
                nodes = path.path
                place = nodes[-1] if nodes else None
                in_annots = len(nodes) >= 2 and isinstance(place, int) and nodes[-2] == "/Annots"
                if in_annots or place in ANNOTATION_PLACES:
                    yield (
                        ANNOTATIONS,
                        FormUpdate(ref, context_checked=Context.from_absolute(old, path)),
                    )
            for dep in _fresh_deps(old, new, after):
                yield ANNOTATIONS, FormUpdate(dep)


def _new_signature_widgets(context: FieldComparisonContext) -> dict[Any, str]:
    """Widget annotation → name, for the signature fields created in this revision."""
    out: dict[Any, str] = {}
    for name, spec in context.field_specs.items():
        if (
            spec.field_type != "/Sig"
            or spec.old_field_ref is not None
            or spec.new_field_ref is None
        ):
            continue
        kids = raw(spec.new_field, "/Kids")
        kids = kids.get_object() if isinstance(kids, generic.IndirectObject) else kids
        if isinstance(kids, generic.ArrayObject):
            for kid in kids:
                if isinstance(kid, generic.IndirectObject) and "/T" not in kid.get_object():
                    out[kid.reference] = name
        else:
            out[spec.new_field_ref] = name
    return out


class NamesRule(QualifiedWhitelistRule):
    """The catalog's /Names: only its /AP tree (annotation appearances) may change."""

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        old_raw, new_raw = raw(old.root, "/Names"), raw(new.root, "/Names")
        touched = new.explicit_refs_in_revision()
        rewritten = isinstance(new_raw, generic.IndirectObject) and new_raw.reference in touched
        unchanged = old_raw == new_raw and not rewritten
        if unchanged and (old_raw is None or isinstance(old_raw, generic.IndirectObject)):
            return  # unchanged here; a change inside would be an unexplained object
        if new_raw is None:
            raise SuspiciousModification("the document's name dictionary was removed")
        old_names = old_raw.get_object() if old_raw is not None else generic.DictionaryObject()
        new_names = new_raw.get_object()
        if not isinstance(new_names, generic.DictionaryObject) or isinstance(
            new_names, generic.StreamObject
        ):
            raise SuspiciousModification("/Names is not a dictionary")
        check = Comparison(old, new)
        for key in sorted((set(old_names.keys()) | set(new_names.keys())) - {"/AP"}):
            if not check.same(raw(old_names, key), raw(new_names, key)):
                raise SuspiciousModification(f"the name tree /Names {key} changed after signing")
        if isinstance(new_raw, generic.IndirectObject):
            ref = new_raw.reference
            if ref == getattr(old_raw, "reference", None):
                yield (
                    ANNOTATIONS,
                    ReferenceUpdate(
                        ref,
                        context_checked=Context.from_absolute(old, RawPdfPath("/Root", "/Names")),
                    ),
                )
            elif old.is_ref_unassignable(ref):
                yield ANNOTATIONS, ReferenceUpdate(ref)
            else:
                raise SuspiciousModification(f"/Names now points to the existing object {ref}")
        appearances = raw(new_names, "/AP")
        if appearances is not None:
            for dep in _fresh_deps(old, new, appearances):
                yield ANNOTATIONS, ReferenceUpdate(dep)
        for copy in check.fresh:
            yield LTA, ReferenceUpdate(copy)


__all__ = ["AnnotationRule", "NamesRule", "check_actions", "is_markup", "is_widget"]
