"""PAdES levels B-B … B-LTA against the loopback test PKI (TSA, OCSP, CRL on 127.0.0.1).

Each level is signed, verified, and the level detected from the file's
structure must equal the level asked for; tampering, appended content and a
swapped signature are broken (exit 1); trust problems are exit 2; renewal
extends a B-LTA file whose time-stamp certificate is about to expire.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from sohoa.errors import ExitCode, ServiceUnavailable, SigningError
from sohoa.signing.levels import LEVELS
from sohoa.signing.renew import last_timestamp, needs_renewal, renew_file
from sohoa.signing.report import render_html
from sohoa.signing.sign import default_level, resolve_level, sign_pdf
from sohoa.signing.verify import verify_file
from tests.pki.fixtures import PkiHarness, make_pdfa, pki_fixture  # noqa: F401  (fixture)

AGENCY = "Sở Tài chính tỉnh Gia Lai"

logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _sign(
    pki: PkiHarness,
    tmp_path: Path,
    level: str,
    *,
    label: str = "signer",
    tsa: str = "tsa",
    name: str | None = None,
) -> Path:
    src = tmp_path / "in.pdf"
    if not src.exists():
        make_pdfa(src)
    dst = tmp_path / (name or f"{label}-{level}.pdf")
    result = sign_pdf(
        src,
        dst,
        pki.identity(label),
        agency_name=AGENCY,
        tsa_url=pki.tsa_url(tsa),
        level=level,
        signing_time=pki.clock.tick(),
    )
    assert result.level == level
    return dst


@pytest.fixture(scope="module")
def signed_files(pki: PkiHarness, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("levels")
    return {level: _sign(pki, folder, level) for level in LEVELS}


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_verifies_and_is_detected(
    level: str, signed_files: dict[str, Path], pki: PkiHarness
) -> None:
    # B-B and B-T carry no revocation data: the verifier must fetch it (loopback)
    online = level in ("B-B", "B-T")
    verdict = verify_file(signed_files[level], trust_roots=[pki.root], allow_fetching=online)
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    (sig,) = verdict.signatures
    assert sig.level == level, sig.level_report
    assert sig.intact and sig.trusted
    assert sig.revocation == "good"
    if level == "B-B":
        assert sig.timestamp is None
    else:
        assert sig.timestamp is not None and sig.timestamp.trusted
    if level in ("B-B", "B-T"):
        assert sig.coverage == "entire-file"
    else:
        assert sig.coverage == "entire-revision"
        assert sig.later_revisions and all(r.allowed for r in sig.later_revisions)
        assert "dss" in sig.later_revisions[0].kinds
    if level == "B-LTA":
        assert verdict.document_timestamps and all(
            t.status == "valid" for t in verdict.document_timestamps
        )


@pytest.mark.parametrize("level", ["B-B", "B-T"])
def test_without_embedded_revocation_data_offline_is_indeterminate(
    level: str, signed_files: dict[str, Path], pki: PkiHarness
) -> None:
    verdict = verify_file(signed_files[level], trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.INDETERMINATE
    assert verdict.signatures[0].intact
    assert verdict.signatures[0].revocation == "unknown"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("level", ["B-B", "B-T"])
def test_pdfsig_valid_and_total(level: str, signed_files: dict[str, Path]) -> None:
    out = subprocess.run(
        ["pdfsig", str(signed_files[level])], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" in out
    assert "Total document signed" in out


def test_untrusted_root_is_indeterminate(signed_files: dict[str, Path], pki: PkiHarness) -> None:
    verdict = verify_file(signed_files["B-LTA"], trust_roots=[pki.cert("other-root")])
    assert verdict.exit_code == ExitCode.INDETERMINATE
    assert verdict.signatures[0].intact and not verdict.signatures[0].trusted
    assert verdict.signatures[0].level == "B-LTA"  # structure does not depend on trust


def test_one_flipped_byte_is_broken(
    signed_files: dict[str, Path], pki: PkiHarness, tmp_path: Path
) -> None:
    path = tmp_path / "tampered.pdf"
    data = bytearray(signed_files["B-LT"].read_bytes())
    with pikepdf.open(signed_files["B-LT"]) as pdf:
        byte_range = [int(x) for x in pdf.pages[0].Annots[0].V.ByteRange]
    data[byte_range[1] // 2] ^= 0x20  # inside the first signed range
    path.write_bytes(bytes(data))
    verdict = verify_file(path, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.FAILED
    assert verdict.signatures[0].status == "broken"


def test_damaged_signature_dictionary_is_broken_not_bad_input(
    signed_files: dict[str, Path], pki: PkiHarness, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.pdf"
    data = signed_files["B-B"].read_bytes().replace(b"/ByteRange", b"/ByteRangX", 1)
    path.write_bytes(data)
    verdict = verify_file(path, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.FAILED


def test_appended_revision_changing_page_content_is_reported(
    signed_files: dict[str, Path], pki: PkiHarness, tmp_path: Path
) -> None:
    path = tmp_path / "appended.pdf"
    shutil.copyfile(signed_files["B-LTA"], path)
    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh)
        stream = generic.StreamObject(stream_data=b"1 0 0 rg 72 72 300 60 re f")
        writer.add_stream_to_page(0, writer.add_object(stream))
        writer.write_in_place()
    verdict = verify_file(path, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    sig = verdict.signatures[0]
    assert sig.intact  # the signed bytes are untouched …
    assert sig.status == "modified"  # … but the document shown is not the one signed
    assert not sig.later_revisions[-1].allowed
    assert "other-changes" in sig.later_revisions[-1].kinds


def test_replaced_signature_is_broken(pki: PkiHarness, tmp_path: Path) -> None:
    first = _sign(pki, tmp_path, "B-B", name="first.pdf")
    other_src = make_pdfa(tmp_path / "other-in.pdf", text_boxes=((72.0, 72.0, 200.0, 90.0),))
    second = tmp_path / "second.pdf"
    sign_pdf(other_src, second, pki.identity(), agency_name=AGENCY, signing_time=pki.clock.tick())
    data = bytearray(first.read_bytes())
    with pikepdf.open(first) as pdf:
        br = [int(x) for x in pdf.pages[0].Annots[0].V.ByteRange]
    with pikepdf.open(second) as pdf:
        foreign = bytes(pdf.pages[0].Annots[0].V.Contents).rstrip(b"\0").hex().encode()
    slot = br[2] - br[1] - 2  # hex digits between < and >
    assert len(foreign) <= slot
    data[br[1] + 1 : br[2] - 1] = foreign.ljust(slot, b"0")
    swapped = tmp_path / "swapped.pdf"
    swapped.write_bytes(bytes(data))
    verdict = verify_file(swapped, trust_roots=[pki.root], allow_fetching=True)
    assert verdict.exit_code == ExitCode.FAILED
    assert not verdict.signatures[0].intact


def test_revoked_signer_is_broken(pki: PkiHarness, tmp_path: Path) -> None:
    path = _sign(pki, tmp_path, "B-B", label="signer-revoked")
    verdict = verify_file(path, trust_roots=[pki.root], allow_fetching=True)
    assert verdict.exit_code == ExitCode.FAILED
    assert verdict.signatures[0].revocation == "revoked"


def test_revoked_signer_cannot_sign_long_term(pki: PkiHarness, tmp_path: Path) -> None:
    # B-LT gathers OCSP while signing: a revoked certificate fails before writing
    with pytest.raises(SigningError, match="revoked") as info:
        _sign(pki, tmp_path, "B-LT", label="signer-revoked")
    assert info.value.exit_code == ExitCode.CONFIG
    assert not (tmp_path / "signer-revoked-B-LT.pdf").exists()


def test_expired_signer_is_refused(pki: PkiHarness, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="expired"):
        _sign(pki, tmp_path, "B-T", label="signer-expired")


def test_level_defaults_and_requirements() -> None:
    assert default_level(None) == "B-B"
    assert default_level("http://127.0.0.1:1/tsa") == "B-LTA"
    assert resolve_level("b-t", "http://127.0.0.1:1/tsa") == "B-T"
    with pytest.raises(SigningError, match="time-stamp authority"):
        resolve_level("B-LTA", None)
    with pytest.raises(SigningError, match="Unknown"):
        resolve_level("B-X", "http://127.0.0.1:1/tsa")


def test_unreachable_tsa_fails_cleanly(pki: PkiHarness, tmp_path: Path) -> None:
    # the environment's fault (exit 5), not the document's: the input is kept for a retry
    src = make_pdfa(tmp_path / "in.pdf")
    with pytest.raises(ServiceUnavailable, match=r"B-T.*time-stamp authority did not answer"):
        sign_pdf(
            src,
            tmp_path / "out.pdf",
            pki.identity(),
            agency_name=AGENCY,
            tsa_url="http://127.0.0.1:9/nothing-listens-here",
            level="B-T",
        )
    assert not (tmp_path / "out.pdf").exists()


def test_validation_as_of_a_past_date(signed_files: dict[str, Path], pki: PkiHarness) -> None:
    before_signer_existed = pki.now - timedelta(days=2 * 365)
    verdict = verify_file(signed_files["B-LTA"], trust_roots=[pki.root], at=before_signer_existed)
    assert verdict.exit_code != ExitCode.OK
    assert verdict.validated_at.startswith(before_signer_existed.date().isoformat())


def test_renew_extends_a_file_whose_timestamp_certificate_expires(
    pki: PkiHarness, tmp_path: Path
) -> None:
    path = _sign(pki, tmp_path, "B-LTA", tsa="tsa-short")
    first = last_timestamp(path)
    assert first is not None and first.kind == "document-timestamp"
    assert needs_renewal(path, before_days=30)  # tsa-short expires in 20 days
    assert not needs_renewal(path, before_days=10)
    assert not renew_file(path, pki.tsa_url(), before_days=10, trust_roots=[pki.root])
    before = path.read_bytes()

    pki.clock.tick()
    assert renew_file(path, pki.tsa_url(), before_days=30, trust_roots=[pki.root])
    after = path.read_bytes()
    assert after.startswith(before)  # an incremental update, nothing rewritten
    renewed = last_timestamp(path)
    assert renewed is not None and renewed.expires > first.expires
    assert not needs_renewal(path, before_days=30)

    verdict = verify_file(path, trust_roots=[pki.root])
    assert verdict.exit_code == ExitCode.OK, verdict.to_json()
    assert verdict.signatures[0].level == "B-LTA"
    assert len(verdict.document_timestamps) == 2
    assert all(r.allowed for r in verdict.signatures[0].later_revisions)


def test_b_b_file_needs_no_renewal(signed_files: dict[str, Path]) -> None:
    assert not needs_renewal(signed_files["B-B"], before_days=10_000)
    assert last_timestamp(signed_files["B-T"]).kind == "signature-timestamp"


def test_html_report_lists_levels(signed_files: dict[str, Path], pki: PkiHarness) -> None:
    verdicts = [verify_file(p, trust_roots=[pki.root]) for p in signed_files.values()]
    page = render_html(verdicts)
    for level in LEVELS:
        assert f"PAdES {level} " in page
    assert "Dấu thời gian tài liệu 1" in page
