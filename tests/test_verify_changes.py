"""Updates after signing that are not changes of the signed content, and their near misses.

Three classes of false rejects found on the EU DSS corpus (issue 8), each
rebuilt here from a generated PDF, each next to the closest update that must
still be "changed after signing" (exit 1):

- a page entry re-pointed to a fresh object with the same content (Adobe
  does it to /Resources when it adds a time-stamp) / with other content;
- annotations added or changed after an approval signature or a
  certification allowing them (ISO 32000-1 §12.8.2.2, DocMDP P=3) / under
  P=1 or P=2, with a JavaScript action, drawn over the signature, together
  with new page content, or a signed comment removed or hidden;
- the tagged-PDF structure tree rebuilt around a new element / together
  with a content stream, or changing what a screen reader says.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from sohoa.config import Settings
from sohoa.errors import ExitCode
from sohoa.signing.identity import load_identity
from sohoa.signing.sign import sign_pdf
from sohoa.signing.verify import FileVerdict, verify_file
from tests.pki.fixtures import make_pdfa

AGENCY = "Sở Tài chính tỉnh Gia Lai"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    archive = tmp_path_factory.mktemp("changes") / "archive"
    identity = load_identity(Settings(archive=archive), archive)
    return identity, [identity.chain[0]]


def _source(
    tmp: Path, *, tagged: bool = False, comment: bool = False, shared: bool = False
) -> Path:
    """One page with its resources in an object of their own; tagged, with a comment."""
    path = tmp / "source.pdf"
    with pikepdf.open(make_pdfa(tmp / "in.pdf")) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        page.obj.Resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
        page.Contents = pdf.make_stream(
            b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Quyet dinh 151/QD-STC) Tj ET EMC"
        )
        if tagged:
            para = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, Pg=page.obj, K=0,
                    ActualText=pikepdf.String("Quyết định 151/QĐ-STC"),
                )
            )  # fmt: skip
            doc = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array([para])
                )
            )
            para.P = doc
            tree = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([doc]), ParentTreeNextKey=1,
                    ParentTree=pdf.make_indirect(pikepdf.Dictionary(Nums=[0, pikepdf.Array([para])])),
                )
            )  # fmt: skip
            doc.P = tree
            page.obj.StructParents = 0
            pdf.Root.StructTreeRoot = tree
            pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        if comment:
            note = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, P=page.obj, F=4,
                    Rect=[72, 760, 92, 780], Contents=pikepdf.String("Cần ký trước 31/5"),
                )
            )  # fmt: skip
            page.obj.Annots = pdf.make_indirect(pikepdf.Array([note]))
            if shared:  # the same object also used somewhere that is not an annotation's place
                pdf.Root.OpenAction = pikepdf.Array([page.obj, pikepdf.Name.Fit])
                pdf.Root.Names = pikepdf.Dictionary(
                    Dests=pikepdf.Dictionary(Names=["ghi-chu", note])
                )
        pdf.save(path)
    return path


def _signed(tmp: Path, demo, **source: bool) -> Path:
    out = tmp / "signed.pdf"
    sign_pdf(_source(tmp, **source), out, demo[0], agency_name=AGENCY)
    return out


def _certified(tmp: Path, demo, permission: fields.MDPPerm) -> Path:
    out = tmp / f"certified-{permission.value}.pdf"
    with _source(tmp).open("rb") as fh, out.open("wb") as dst:
        signers.sign_pdf(
            IncrementalPdfFileWriter(fh),
            signers.PdfSignatureMetadata(
                field_name="ChungThuc", certify=True, docmdp_permissions=permission
            ),
            signer=demo[0].signer,
            output=dst,
        )
    return out


def _update(src: Path, dst: Path, change: Callable[[IncrementalPdfFileWriter], None]) -> Path:
    """Copy `src` to `dst` and append one incremental update made by `change`."""
    shutil.copyfile(src, dst)
    with dst.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh)
        change(writer)
        writer.write_in_place()
    return dst


def _page(w: IncrementalPdfFileWriter) -> tuple[generic.IndirectObject, generic.DictionaryObject]:
    ref = w.root["/Pages"]["/Kids"].raw_get(0)
    return ref, ref.get_object()


def _verdict(path: Path, demo) -> FileVerdict:
    return verify_file(path, trust_roots=demo[1])


def _changed(verdict: FileVerdict) -> str:
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    sig = verdict.signatures[0]
    assert sig.status == "modified", sig.to_json()
    return sig.message


# --------------------------------------------------------------------------- same content


def _repoint_resources(base_font: str = "/Helvetica", *, annotate: bool = False):
    def change(w: IncrementalPdfFileWriter) -> None:
        page_ref, page = _page(w)
        old = page["/Resources"]
        font = generic.DictionaryObject(
            {pdf_name(k): v for k, v in old["/Font"]["/F1"].items()}
            | {pdf_name("/BaseFont"): pdf_name(base_font)}
        )
        fonts = generic.DictionaryObject({pdf_name("/F1"): w.add_object(font)})
        page["/Resources"] = w.add_object(generic.DictionaryObject({pdf_name("/Font"): fonts}))
        w.mark_update(page_ref)
        if annotate:
            _add_comment(w)

    return change


def test_resources_repointed_to_an_identical_fresh_copy_is_not_a_change(tmp_path, demo) -> None:
    signed = _signed(tmp_path, demo)
    copy = _update(signed, tmp_path / "copy.pdf", _repoint_resources())
    verdict = _verdict(copy, demo)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (later,) = verdict.signatures[0].later_revisions
    assert later.allowed and later.level == "validation-data"
    # the same, in the revision that also adds a comment on the page
    both = _update(signed, tmp_path / "both.pdf", _repoint_resources(annotate=True))
    verdict = _verdict(both, demo)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    assert "annotations" in verdict.signatures[0].later_revisions[0].kinds


def test_resources_repointed_to_a_different_fresh_object_is_a_change(tmp_path, demo) -> None:
    signed = _signed(tmp_path, demo)
    swapped = _update(signed, tmp_path / "swapped.pdf", _repoint_resources("/Courier"))
    _changed(_verdict(swapped, demo))
    # hidden behind a comment added in the same revision: still refused, and named
    both = _update(signed, tmp_path / "both.pdf", _repoint_resources("/Courier", annotate=True))
    assert "/Resources" in _changed(_verdict(both, demo))


# --------------------------------------------------------------------------- annotations


def _add_comment(w: IncrementalPdfFileWriter, **extra: generic.PdfObject) -> generic.IndirectObject:
    page_ref, page = _page(w)
    look = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 120, 20))),
        },
        stream_data=b"1 1 0.6 rg 0 0 120 20 re f",
    )
    annot = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/FreeText"),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (72, 760, 192, 780))),
            pdf_name("/Contents"): generic.TextStringObject("Đã xem — văn thư"),
            pdf_name("/DA"): generic.TextStringObject("/Helv 10 Tf 0 g"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/P"): page_ref,
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): w.add_object(look)}),
            **{pdf_name(k): v for k, v in extra.items()},
        }
    )
    ref = w.add_object(annot)
    annots = page.raw_get("/Annots") if "/Annots" in page else None
    if isinstance(annots, generic.IndirectObject):
        annots.get_object().append(ref)
        w.mark_update(annots)
    else:
        page["/Annots"] = generic.ArrayObject([*(annots or []), ref])
        w.mark_update(page_ref)
    return ref


def test_comment_added_after_an_approval_signature_is_allowed(tmp_path, demo) -> None:
    commented = _update(_signed(tmp_path, demo), tmp_path / "comment.pdf", _add_comment)
    verdict = _verdict(commented, demo)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (later,) = verdict.signatures[0].later_revisions
    assert later.allowed and later.kinds == ("annotations",) and later.level == "annotations"


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [(fields.MDPPerm.NO_CHANGES, False), (fields.MDPPerm.FILL_FORMS, False), (fields.MDPPerm.ANNOTATE, True)],
)  # fmt: skip
def test_comment_after_a_certification_follows_its_docmdp(
    tmp_path, demo, permission: fields.MDPPerm, allowed: bool
) -> None:
    commented = _update(_certified(tmp_path, demo, permission), tmp_path / "c.pdf", _add_comment)
    verdict = _verdict(commented, demo)
    if allowed:
        assert verdict.exit_code == ExitCode.OK, verdict.to_json()
        return
    message = _changed(verdict)
    assert f"beyond DocMDP P={permission.value}" in message
    (later,) = verdict.signatures[0].later_revisions
    assert later.level == "annotations" and not later.allowed


def test_comment_laid_over_the_signature_appearance_is_a_change(tmp_path, demo) -> None:
    # the "hide" shadow attack done with a comment: a white box over what was signed
    def cover(w: IncrementalPdfFileWriter) -> None:
        _page_ref, page = _page(w)
        widget = next(a for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
        rect = generic.ArrayObject(widget.get_object()["/Rect"])
        _add_comment(w, **{"/Rect": rect})

    attacked = _update(_signed(tmp_path, demo), tmp_path / "cover.pdf", cover)
    assert "covers the annotation" in _changed(_verdict(attacked, demo))


def test_comment_running_javascript_is_a_change(tmp_path, demo) -> None:
    script = generic.DictionaryObject(
        {
            pdf_name("/S"): pdf_name("/JavaScript"),
            pdf_name("/JS"): generic.TextStringObject("this.getField('SoTien').value = 0;"),
        }
    )
    attacked = _update(
        _signed(tmp_path, demo), tmp_path / "js.pdf", lambda w: _add_comment(w, **{"/A": script})
    )
    assert "JavaScript" in _changed(_verdict(attacked, demo))


def test_comment_together_with_new_page_content_is_a_change(tmp_path, demo) -> None:
    def change(w: IncrementalPdfFileWriter) -> None:
        _add_comment(w)
        page_ref, page = _page(w)
        page["/Contents"] = w.add_object(
            generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Quyet dinh 999) Tj ET")
        )
        w.mark_update(page_ref)

    message = _changed(_verdict(_update(_signed(tmp_path, demo), tmp_path / "x.pdf", change), demo))
    assert "/Contents" in message


def _edit_comment(w: IncrementalPdfFileWriter) -> None:
    _page_ref, page = _page(w)
    ref = next(a for a in page["/Annots"] if a.get_object().get("/Subtype") == "/Text")
    ref.get_object()["/Contents"] = generic.TextStringObject("Đã ký ngày 31/5")
    w.mark_update(ref)


def test_signed_comment_rewritten_is_allowed(tmp_path, demo) -> None:
    signed = _signed(tmp_path, demo, comment=True)
    verdict = _verdict(_update(signed, tmp_path / "edited.pdf", _edit_comment), demo)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    assert verdict.signatures[0].later_revisions[0].kinds == ("annotations",)


def _remove_comment(w: IncrementalPdfFileWriter) -> None:
    _page_ref, page = _page(w)
    annots = page.raw_get("/Annots")
    array = annots.get_object()
    array.pop(next(i for i, a in enumerate(array) if a.get_object().get("/Subtype") == "/Text"))
    w.mark_update(annots)


def _hide_comment(w: IncrementalPdfFileWriter) -> None:
    _page_ref, page = _page(w)
    ref = next(a for a in page["/Annots"] if a.get_object().get("/Subtype") == "/Text")
    ref.get_object()["/F"] = generic.NumberObject(4 | 2)  # Print, Hidden
    w.mark_update(ref)


@pytest.mark.parametrize("change", [_remove_comment, _hide_comment])
def test_comment_shown_when_signed_cannot_be_taken_away(tmp_path, demo, change) -> None:
    # A comment the signer saw may cover page content: removing or hiding it
    # shows the signature with what it covered (the hide attack).
    signed = _signed(tmp_path, demo, comment=True)
    message = _changed(_verdict(_update(signed, tmp_path / "gone.pdf", change), demo))
    assert "shown when the file was signed" in message


def test_comment_also_used_elsewhere_cannot_be_rewritten_as_a_comment(tmp_path, demo) -> None:
    # In the signed file the comment is also a named destination: rewriting the
    # object changes more than a comment, whatever it looks like.
    signed = _signed(tmp_path, demo, comment=True, shared=True)
    _changed(_verdict(_update(signed, tmp_path / "edited.pdf", _edit_comment), demo))


# --------------------------------------------------------------------------- structure tree


def _retag(*, content: bytes | None = None, actual_text: str | None = None, in_place=False):
    """What iText does around a new field: a /Form element, the parent tree rebuilt.

    `in_place`: as Acrobat does, rewrite the existing parent tree and leave the
    tree's root as it was.
    """

    def change(w: IncrementalPdfFileWriter) -> None:
        page_ref, page = _page(w)
        tree_ref = w.root.raw_get("/StructTreeRoot")
        tree = tree_ref.get_object()
        doc_ref = tree["/K"].raw_get(0)
        doc = doc_ref.get_object()
        para_ref = doc["/K"].raw_get(0)
        widget = page["/Annots"].raw_get(0)
        form = w.add_object(
            generic.DictionaryObject(
                {
                    pdf_name("/Type"): pdf_name("/StructElem"),
                    pdf_name("/S"): pdf_name("/Form"),
                    pdf_name("/P"): doc_ref,
                    pdf_name("/Pg"): page_ref,
                    pdf_name("/Alt"): generic.TextStringObject("Chữ ký số"),
                    pdf_name("/K"): generic.DictionaryObject(
                        {pdf_name("/Type"): pdf_name("/OBJR"), pdf_name("/Obj"): widget}
                    ),
                }
            )
        )
        doc["/K"] = generic.ArrayObject([para_ref, form])
        w.mark_update(doc_ref)
        nums = generic.ArrayObject(
            [generic.NumberObject(0), w.add_object(generic.ArrayObject([para_ref]))]
        )
        if in_place:
            parent_tree = tree.raw_get("/ParentTree")
            parent_tree.get_object()["/Nums"] = nums
            w.mark_update(parent_tree)
        else:
            tree["/ParentTree"] = w.add_object(generic.DictionaryObject({pdf_name("/Nums"): nums}))
            tree["/ParentTreeNextKey"] = generic.NumberObject(2)
            w.mark_update(tree_ref)
        if actual_text is not None:
            para_ref.get_object()["/ActualText"] = generic.TextStringObject(actual_text)
            w.mark_update(para_ref)
        if content is not None:
            contents = page.raw_get("/Contents")
            stream = contents.get_object()
            stream._data = content
            stream._encoded_data = None
            w.mark_update(contents)

    return change


@pytest.mark.parametrize("in_place", [False, True])
def test_structure_tree_rebuilt_around_a_new_element_is_not_a_change(
    tmp_path, demo, in_place: bool
) -> None:
    signed = _signed(tmp_path, demo, tagged=True)
    retagged = _update(signed, tmp_path / "retag.pdf", _retag(in_place=in_place))
    verdict = _verdict(retagged, demo)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (later,) = verdict.signatures[0].later_revisions
    assert later.allowed and later.level == "validation-data"


def test_structure_update_that_also_rewrites_page_content_is_a_change(tmp_path, demo) -> None:
    signed = _signed(tmp_path, demo, tagged=True)
    content = b"/P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Quyet dinh 999/QD-STC) Tj ET EMC"
    _changed(_verdict(_update(signed, tmp_path / "c.pdf", _retag(content=content)), demo))


def test_structure_update_changing_what_is_read_aloud_is_a_change(tmp_path, demo) -> None:
    signed = _signed(tmp_path, demo, tagged=True)
    attacked = _update(signed, tmp_path / "alt.pdf", _retag(actual_text="Quyết định 999/QĐ-STC"))
    assert "/ActualText" in _changed(_verdict(attacked, demo))
