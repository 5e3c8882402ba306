"""What happened to a signed PDF after each signature: allowed updates or tampering.

A signed PDF grows by incremental updates. Some are allowed by the standards
and by the signature's own permissions (ISO 32000-1 §12.8.2.2, DocMDP and
FieldMDP; ETSI EN 319 142-1): validation data (DSS/VRI), document
time-stamps, further signatures, form filling, annotations. Anything else (a
page content stream overridden, pages inserted or removed, a font swapped)
changes the document that was signed. pyHanko's difference analysis
(`StandardDiffPolicy`) tells these apart object by object; `DIFF_POLICY` is
its default policy with rules for what real files from other software do,
each as strict as pyHanko's own:

- `diff_rules`: VRI entries rewritten by a later DSS update; a form field's
  appearance changing only with its value (the "replace" shadow attack);
  objects rewritten with the same content, fresh identical copies included;
- `diff_annotations`: annotations added, changed or removed, at pyHanko's
  ANNOTATIONS level (so a certification with P=1 or P=2 refuses them), and
  the widgets of new signature fields on pages;
- `diff_structure`: the tagged-PDF structure tree rebuilt around a new field;
- `_RobustPolicy`: a reference to an object that was never defined (PDF reads
  it as null) must not crash pyHanko's search for orphaned objects; the
  revision is then judged without discounting orphans, which is stricter.

`review_signature` classifies every revision after a signature (1-based, as a
reader counts versions) and sets the signature's `diff_result`, so pyHanko's
own `summarise_integrity_info` decides `docmdp_ok` against the permissions.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.reader import PdfFileReader, process_data_at_eof
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.rules.file_structure_rules import CatalogModificationRule
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from sohoa.signing.diff_annotations import AnnotationRule, NamesRule
from sohoa.signing.diff_rules import CatalogRule, DssRule, SameContentRule, ValueBoundFieldRule
from sohoa.signing.diff_structure import StructureTreeRule

LEVEL_NAMES = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "validation-data",
    ModificationLevel.FORM_FILLING: "form-filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}


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


_GLOBAL_RULES = _replace_rule(
    _replace_rule(
        DEFAULT_DIFF_POLICY.global_rules,
        DSSCompareRule,
        DssRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ),
    CatalogModificationRule,
    CatalogRule(),
)

DIFF_POLICY = _RobustPolicy(
    global_rules=[
        *_GLOBAL_RULES,
        SameContentRule().as_qualified(ModificationLevel.LTA_UPDATES),
        NamesRule(),
        StructureTreeRule(),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[
            # widgets of new signature fields are bound to pages by AnnotationRule,
            # which also sees through fresh identical copies of page entries
            SigFieldCreationRule(approve_widget_bindings=False),
            SigFieldModificationRule(),
            ValueBoundFieldRule(),
            AnnotationRule(),
        ]
    ),
)
"""pyHanko's DEFAULT_DIFF_POLICY with the rules of the module docstring."""


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


def _memoize_xref_lookups(reader: PdfFileReader) -> None:
    """Cache which revision introduced each object (the cross-reference sections never change).

    pyHanko asks it for every reference each rule follows, scanning all
    sections each time; a file with two dozen signatures and their DSS/VRI
    updates (EU DSS's lt-short.pdf) spent most of its 10 s there.
    """
    xrefs = reader.xrefs
    if getattr(xrefs, "_sohoa_memoized", False):
        return
    xrefs.get_introducing_revision = functools.lru_cache(maxsize=None)(
        xrefs.get_introducing_revision
    )
    xrefs._sohoa_memoized = True


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
    _memoize_xref_lookups(reader)
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
