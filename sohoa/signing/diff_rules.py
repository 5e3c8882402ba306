"""Rules added to pyHanko's difference analysis: validation data, forms, same content.

Each rule is as strict as pyHanko's own and explains one kind of update real
files from other software make (see `changes.py` for the whole policy):

- `DssRule`: a later DSS update may *rewrite* the VRI entry of an earlier
  signature (EU DSS and Adobe add the OCSP responses they gathered since),
  provided the rewritten entry is a well-formed VRI dictionary;
- `ValueBoundFieldRule`: a form field's appearance may change only together
  with its value. A field whose value stays and whose appearance is redrawn
  is the "replace" shadow attack (Mainka et al., 2021): the signed value is
  shown as something else;
- `SameContentRule`: an object rewritten with the same content as when it
  was signed changes nothing, also when some of its references now point to
  fresh identical copies (`same_content`) or when a library only added its
  marker (iText's /ITXT);
- `CatalogRule`: pyHanko's catalog rule, leaving /Names and /StructTreeRoot
  to the rules that know them (`diff_annotations`, `diff_structure`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.diff_analysis.commons import compare_key_refs
from pyhanko.sign.diff_analysis.constants import ROOT_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.diff_analysis.form_rules_api import FieldComparisonContext, FieldComparisonSpec
from pyhanko.sign.diff_analysis.rules.file_structure_rules import CatalogModificationRule
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    GenericFieldModificationRule,
    _validate_dss_substructure,
)
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule

from sohoa.signing.same_content import PRODUCER_MARKERS, Comparison, raw


class DssRule(DSSCompareRule):
    """pyHanko's DSS rule, except that an existing VRI entry may be rewritten.

    The structure of the rewritten entry is checked exactly as pyHanko checks
    a new one; removing a VRI entry stays suspicious.
    """

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        # Same walk as DSSCompareRule.apply (pyHanko 0.38), with `_check_vri` below.
        dss_context = Context.from_absolute(old, RawPdfPath("/Root", "/DSS"))
        old_dss, new_dss = yield from misc.map_with_return(
            compare_key_refs("/DSS", old, old.root, new.root),
            ReferenceUpdate.curry_ref(context_checked=dss_context),
        )
        if new_dss is None:
            return
        if old_dss is None:
            old_dss = generic.DictionaryObject()
        if not isinstance(old_dss, generic.DictionaryObject):
            raise misc.PdfReadError("/DSS is not a dictionary")
        if not isinstance(new_dss, generic.DictionaryObject):
            raise SuspiciousModification("/DSS is not a dictionary")
        stream_keys = {"/Certs", "/CRLs", "/OCSPs"}
        unexpected = set(new_dss.keys()) - ({"/Type", "/VRI"} | stream_keys)
        if unexpected:
            raise SuspiciousModification(f"Unexpected keys in DSS: {unexpected}.")
        yield from _validate_dss_substructure(
            old, new, old_dss, new_dss, stream_keys, is_vri=False, context=dss_context
        )
        vri_context = Context.from_absolute(old, RawPdfPath("/Root", "/DSS", "/VRI"))
        old_vri, new_vri = yield from misc.map_with_return(
            compare_key_refs("/VRI", old, old_dss, new_dss),
            ReferenceUpdate.curry_ref(context_checked=vri_context),
        )
        if new_vri is None:
            return
        if not isinstance(new_vri, generic.DictionaryObject):
            raise SuspiciousModification("/VRI is not a dictionary")
        if old_vri is None:
            old_vri = generic.DictionaryObject()
        elif not isinstance(old_vri, generic.DictionaryObject):
            raise misc.PdfReadError("/VRI is not a dictionary")
        yield from self._check_vri(old, new, old_vri, new_vri)

    @staticmethod
    def _check_vri(
        old: HistoricalResolver,
        new: HistoricalResolver,
        old_vri: generic.DictionaryObject,
        new_vri: generic.DictionaryObject,
    ) -> Iterable[ReferenceUpdate]:
        unchanged = generic.DictionaryObject()
        for key, old_value in old_vri.items():
            try:
                new_value = new_vri.raw_get(key)
            except KeyError:
                raise SuspiciousModification(f"VRI key {key} was deleted.") from None
            if new_value == old_value and not (
                isinstance(new_value, generic.IndirectObject)
                and new_value.reference in new.explicit_refs_in_revision()
            ):
                unchanged[key] = old_value
                continue
            if isinstance(new_value, generic.IndirectObject) and not old.is_ref_unassignable(
                new_value.reference
            ):
                # rewritten in place: the entry itself is cleared on its one path
                yield ReferenceUpdate(
                    new_value.reference,
                    context_checked=Context.from_absolute(
                        old, RawPdfPath("/Root", "/DSS", "/VRI", key)
                    ),
                )
        # Rewritten entries are checked like new ones by pyHanko's own rule.
        yield from DSSCompareRule._check_vri(old, new, unchanged, new_vri)


class ValueBoundFieldRule(GenericFieldModificationRule):
    """pyHanko's form-filling rule, refusing a new appearance without a new value."""

    def check_form_field(
        self,
        fq_name: str,
        spec: FieldComparisonSpec,
        context: FieldComparisonContext,
    ) -> Iterable[tuple[ModificationLevel, Any]]:
        old_field, new_field = spec.old_field, spec.new_field
        if spec.field_type != "/Sig" and old_field is not None and new_field is not None:
            touched = context.new.explicit_refs_in_revision()
            if _appearance_redrawn(old_field, new_field, touched) and not _value_changed(
                old_field, new_field, touched
            ):
                raise SuspiciousModification(
                    f"the appearance of field {fq_name} was redrawn while its value stayed "
                    "the same: what is shown is not what was signed (shadow attack)"
                )
        yield from super().check_form_field(fq_name, spec, context)


def _value_changed(old: generic.DictionaryObject, new: generic.DictionaryObject, touched) -> bool:
    for key in ("/V", "/AS"):
        old_v, new_v = raw(old, key), raw(new, key)
        if old_v != new_v:
            return True
        if isinstance(new_v, generic.IndirectObject) and new_v.reference in touched:
            return True
    return False


def _appearance_redrawn(
    old: generic.DictionaryObject, new: generic.DictionaryObject, touched
) -> bool:
    old_ap, new_ap = raw(old, "/AP"), raw(new, "/AP")
    if new_ap is None:
        return False
    if old_ap != new_ap:
        return True
    if isinstance(new_ap, generic.IndirectObject) and new_ap.reference in touched:
        return True
    ap = new_ap.get_object()
    if not isinstance(ap, generic.DictionaryObject):
        return False
    for key in ("/N", "/R", "/D"):
        value = raw(ap, key)
        if isinstance(value, generic.IndirectObject) and value.reference in touched:
            return True
    return False


class SameContentRule(WhitelistRule):
    """Clears objects rewritten with their signed content (fresh identical copies allowed)."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        for ref in new.explicit_refs_in_revision():
            if old.is_ref_unassignable(ref):
                continue
            try:
                before, after = old(ref), new(ref)
            except Exception:  # unreadable: left for the policy to report
                continue
            if not isinstance(before, generic.DictionaryObject | generic.ArrayObject):
                continue
            check = Comparison(old, new)
            if check.same(before, after, ignore=PRODUCER_MARKERS):
                yield ReferenceUpdate(ref)
                for copy in check.fresh:
                    yield ReferenceUpdate(copy)


class CatalogRule(CatalogModificationRule):
    """pyHanko's catalog rule; /Names and /StructTreeRoot are judged by their own rules.

    `diff_annotations.NamesRule` and `diff_structure.StructureTreeRule` run on
    every revision and refuse any change to those entries they cannot explain,
    so leaving them out of the strict comparison here loosens nothing else.
    """

    def __init__(self) -> None:
        super().__init__(ROOT_EXEMPT_STRICT_COMPARISON | {"/Names", "/StructTreeRoot"})


__all__ = [
    "CatalogRule",
    "DssRule",
    "SameContentRule",
    "ValueBoundFieldRule",
]
