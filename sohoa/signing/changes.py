"""What happened to a signed PDF after each signature: allowed updates or tampering.

A signed PDF grows by incremental updates. Some are allowed by the standards
and by the signature's own permissions (ISO 32000-2 §12.8.2, DocMDP/FieldMDP;
ETSI EN 319 142-1): validation data (DSS/VRI), document time-stamps, further
signatures, form filling, annotations. Anything else (a page content stream
overridden, pages inserted or removed, a font swapped) changes the document
that was signed. pyHanko's difference analysis (`StandardDiffPolicy`) already
tells these apart object by object; this module builds on it and only adds
what real files from other software need, each rule as strict as pyHanko's:

- `_DssRule`: a later DSS update may *rewrite* the VRI entry of an earlier
  signature (EU DSS and Adobe add the OCSP responses they gathered since),
  provided the rewritten entry is a well-formed VRI dictionary;
- `_ValueBoundFieldRule`: a form field's appearance may change only together
  with its value. A field whose value stays and whose appearance is redrawn
  is the "replace" shadow attack (Mainka et al., 2021): the signed value is
  shown as something else;
- `_ProducerMarkerRule`: iText 5 stamps its version (/ITXT) on the page-tree
  root at every save; an object rewritten identical but for such a marker
  changes nothing;
- `_RobustPolicy`: a reference to an object that was never defined (PDF reads
  it as null) must not crash pyHanko's search for orphaned objects; the
  revision is then judged without discounting orphans, which is stricter.

`review_signature` classifies every revision after a signature (1-based, as a
reader counts versions) and sets the signature's `diff_result`, so pyHanko's
own `summarise_integrity_info` decides `docmdp_ok` against the permissions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import (
    HistoricalResolver,
    PdfFileReader,
    RawPdfPath,
    process_data_at_eof,
)
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.commons import compare_key_refs
from pyhanko.sign.diff_analysis.form_rules_api import FieldComparisonContext, FieldComparisonSpec
from pyhanko.sign.diff_analysis.policies import _is_id
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    _validate_dss_substructure,
)
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

LEVEL_NAMES = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "validation-data",
    ModificationLevel.FORM_FILLING: "form-filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}


# --------------------------------------------------------------------------- rules


class _DssRule(DSSCompareRule):
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


class _ValueBoundFieldRule(GenericFieldModificationRule):
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


def _raw(d: generic.DictionaryObject, key: str) -> Any:
    try:
        return d.raw_get(key)
    except KeyError:
        return None


def _value_changed(old: generic.DictionaryObject, new: generic.DictionaryObject, touched) -> bool:
    for key in ("/V", "/AS"):
        old_v, new_v = _raw(old, key), _raw(new, key)
        if old_v != new_v:
            return True
        if isinstance(new_v, generic.IndirectObject) and new_v.reference in touched:
            return True
    return False


def _appearance_redrawn(
    old: generic.DictionaryObject, new: generic.DictionaryObject, touched
) -> bool:
    old_ap, new_ap = _raw(old, "/AP"), _raw(new, "/AP")
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
        value = _raw(ap, key)
        if isinstance(value, generic.IndirectObject) and value.reference in touched:
            return True
    return False


#: Keys a PDF library writes into existing objects to mark itself, with no
#: meaning for any reader (iText 5: /ITXT on the page-tree root).
PRODUCER_MARKERS = frozenset({"/ITXT"})


class _ProducerMarkerRule(WhitelistRule):
    """Clears objects rewritten identical to their signed version but for producer markers."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        for ref in new.explicit_refs_in_revision():
            if old.is_ref_unassignable(ref):
                continue
            try:
                before, after = old(ref), new(ref)
            except Exception:
                continue
            if (
                isinstance(before, generic.DictionaryObject)
                and isinstance(after, generic.DictionaryObject)
                and not isinstance(before, generic.StreamObject)
                and not isinstance(after, generic.StreamObject)
                and _same_but_markers(before, after)
            ):
                yield ReferenceUpdate(ref)


def _same_but_markers(before: generic.DictionaryObject, after: generic.DictionaryObject) -> bool:
    keys = set(before.keys()) - PRODUCER_MARKERS
    if keys != set(after.keys()) - PRODUCER_MARKERS:
        return False
    try:
        return all(_is_id(before.raw_get(k), after.raw_get(k)) for k in keys)
    except NotImplementedError:
        return False


class _RobustPolicy(StandardDiffPolicy):
    """StandardDiffPolicy that survives dangling references in its orphan search."""

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None) -> DiffResult:
        try:
            return super().apply(old, new, field_mdp_spec, doc_mdp)
        except KeyError:
            if not self.ignore_orphaned_objects:
                raise
        strict = StandardDiffPolicy(
            self.global_rules,
            self.form_rule,
            reject_object_freeing=self.reject_object_freeing,
            ignore_orphaned_objects=False,
            ignore_identical_objects=self.ignore_identical_objects,
        )
        return strict.apply(old, new, field_mdp_spec, doc_mdp)


def _replace_rule(rules: Sequence[Any], kind: type, new_rule: Any) -> list[Any]:
    """pyHanko's default rules with the rule wrapping `kind` replaced by `new_rule`."""
    out = []
    for rule in rules:
        inner = getattr(rule, "rule", rule)
        out.append(new_rule if isinstance(inner, kind) else rule)
    return out


DIFF_POLICY = _RobustPolicy(
    global_rules=[
        *_replace_rule(
            DEFAULT_DIFF_POLICY.global_rules,
            DSSCompareRule,
            _DssRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ),
        _ProducerMarkerRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[SigFieldCreationRule(), SigFieldModificationRule(), _ValueBoundFieldRule()]
    ),
)
"""pyHanko's DEFAULT_DIFF_POLICY with the adjustments of the module docstring."""


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class RevisionChange:
    """One revision appended after a signature, as the difference analysis saw it."""

    revision: int
    """1-based, as a reader counts versions of the file."""
    kinds: tuple[str, ...]
    """What it does: "dss", "document-timestamp", "signature", "form-filling",
    "annotations", "metadata", "other-changes"."""
    level: str
    """pyHanko's modification level: "validation-data", "form-filling",
    "annotations" or "other"."""
    allowed: bool
    """True when the signature's permissions (DocMDP/FieldMDP) allow it."""
    reason: str | None = None
    """Why a change is not allowed, in pyHanko's words."""

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "adds": list(self.kinds),
            "level": self.level,
            "allowed": self.allowed,
            "reason": self.reason,
        }


def realign_signed_revision(sig: EmbeddedPdfSignature) -> None:
    """Point `sig.signed_revision` at the last revision its byte range covers whole.

    A linearized file has two cross-reference sections in its first version;
    pyHanko counts them as two revisions and takes the signature to belong to
    the first, so a signature over the whole original file looks like it
    covers "a block from the start". When the signed bytes end exactly at the
    end of a *later* revision, that revision is the one signed. Never moves
    backwards: a signature dictionary overridden after signing stays unclear.
    """
    try:
        if sig.evaluate_signature_coverage() != SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START:
            return
        _start1, _len1, start2, len2 = (int(x) for x in sig.byte_range)
        stream = sig.reader.stream
        stream.seek(start2 + len2)
        startxref = process_data_at_eof(stream)
    except (misc.PdfError, ValueError, TypeError, OSError):
        return
    xrefs = sig.reader.xrefs
    for rev in range(sig.signed_revision + 1, xrefs.total_revisions):
        with contextlib.suppress(Exception):
            if xrefs.get_startxref_for_revision(rev) == startxref:
                sig.signed_revision = rev
                return


def review_signature(
    reader: PdfFileReader,
    sig: EmbeddedPdfSignature,
    signed_in: Callable[[int], Sequence[str]],
    dss_changed: Callable[[int], bool],
) -> tuple[RevisionChange, ...]:
    """Check coverage and every later revision of `sig`; set its integrity info.

    `signed_in(rev)` names what was signed in 0-based revision `rev`
    ("signature", "document-timestamp"); `dss_changed(rev)` says whether that
    revision changed the DSS. Raises what pyHanko raises when the signed bytes
    themselves cannot be digested (the caller reports the signature broken).
    """
    realign_signed_revision(sig)
    sig.compute_integrity_info(diff_policy=DIFF_POLICY, skip_diff=True)
    if sig.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        sig.diff_result = SuspiciousModification("Nonstandard signature coverage level")
        return ()
    if sig.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        sig.diff_result = DiffResult(ModificationLevel.NONE, set())
        return ()
    doc_mdp, field_mdp = _permissions(sig)
    base = reader.get_historical_resolver(sig.signed_revision)
    changes: list[RevisionChange] = []
    worst: DiffResult | SuspiciousModification = DiffResult(ModificationLevel.NONE, set())
    for rev in range(sig.signed_revision + 1, reader.xrefs.total_revisions):
        signed = tuple(signed_in(rev))
        kinds = (["dss"] if dss_changed(rev) else []) + list(signed)
        try:
            result = DIFF_POLICY.apply(
                base, reader.get_historical_resolver(rev), field_mdp_spec=field_mdp, doc_mdp=doc_mdp
            )
        except SuspiciousModification as exc:
            changes.append(
                RevisionChange(rev + 1, (*kinds, "other-changes"), "other", False, str(exc))
            )
            if isinstance(worst, DiffResult):
                worst = exc
            continue
        except Exception as exc:  # pyHanko could not compare: not proven harmless
            reason = f"cannot be compared with the signed version ({type(exc).__name__}: {exc})"
            changes.append(
                RevisionChange(rev + 1, (*kinds, "other-changes"), "other", False, reason)
            )
            if isinstance(worst, DiffResult):
                worst = SuspiciousModification(reason)
            continue
        level = result.modification_level
        fields = result.changed_form_fields
        if level == ModificationLevel.FORM_FILLING and not signed:
            kinds.append("form-filling")
        elif level == ModificationLevel.ANNOTATIONS:
            kinds.append("annotations")
        elif level == ModificationLevel.LTA_UPDATES and not kinds:
            kinds.append("metadata")
        allowed = doc_mdp is None or level.value <= doc_mdp.value
        reason = None if allowed else f"{LEVEL_NAMES[level]} is beyond DocMDP P={doc_mdp.value}"
        changes.append(RevisionChange(rev + 1, tuple(kinds), LEVEL_NAMES[level], allowed, reason))
        if isinstance(worst, DiffResult):
            worst = DiffResult(
                max(worst.modification_level, level), worst.changed_form_fields | fields
            )
    sig.diff_result = worst
    return tuple(changes)


def _permissions(sig: EmbeddedPdfSignature) -> tuple[Any, Any]:
    """(DocMDP, FieldMDP) of `sig`; unreadable permissions count as the strictest."""
    from pyhanko.sign.fields import MDPPerm

    try:
        doc_mdp = sig.docmdp_level
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        doc_mdp = MDPPerm.NO_CHANGES
    try:
        field_mdp = sig.fieldmdp
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        field_mdp = None
        doc_mdp = MDPPerm.NO_CHANGES
    return doc_mdp, field_mdp


__all__ = [
    "DIFF_POLICY",
    "RevisionChange",
    "realign_signed_revision",
    "review_signature",
]
