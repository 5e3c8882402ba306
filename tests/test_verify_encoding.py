"""Signatures a lenient reader accepts and the EU DSS refuses, reduced to generated PDFs.

DSS-818: signed attributes written out of DER order and signed that way; the
signature value must hold over their DER form (RFC 5652 §5.4). BadEncodedCMS:
an INTEGER with a redundant leading octet in the signer information (X.690
§8.3.2). Both are broken signatures (exit 1), never "intact".
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from asn1crypto import cms, core

from sohoa.errors import ExitCode
from sohoa.signing.validation import der_signed_attributes, malformed_integers
from sohoa.signing.verify import verify_file
from tests.test_verify_crashes import _contents_span, _replace_cms, _signed, demo  # noqa: F401


def _cms(path: Path) -> cms.ContentInfo:
    data, start, end = _contents_span(path)
    return cms.ContentInfo.load(bytes.fromhex(data[start:end].decode()).rstrip(b"\0"))


def _set_of(elements: list[bytes]) -> bytes:
    body = b"".join(elements)
    length = len(body)
    head = (
        bytes([length])
        if length < 0x80
        else bytes([0x81, length])
        if length < 0x100
        else bytes([0x82]) + length.to_bytes(2, "big")
    )
    return b"\x31" + head + body


def _resigned(path: Path, out: Path, demo) -> Path:  # noqa: F811
    """The same signature with its signed attributes written in reverse order and signed
    over that encoding, as the files of DSS-818 were."""
    identity, _roots = demo
    info = _cms(path)
    signer_info = info["content"]["signer_infos"][0]
    elements = [attr.dump() for attr in signer_info["signed_attrs"]]
    reordered = _set_of(list(reversed(elements)))
    assert reordered != _set_of(sorted(elements))
    signature = asyncio.run(identity.signer.async_sign_raw(reordered, "sha256"))
    attrs = cms.CMSAttributes.load(reordered)
    signer_info["signed_attrs"] = attrs
    signer_info["signature"] = core.OctetString(signature)
    _replace_cms(path, out, info.dump())
    return out


def test_signed_attributes_out_of_der_order_are_broken(tmp_path: Path, demo) -> None:  # noqa: F811
    signed = _signed(tmp_path, demo)
    _identity, roots = demo
    assert verify_file(signed, trust_roots=roots).exit_code == ExitCode.OK
    bad = _resigned(signed, tmp_path / "out-of-order.pdf", demo)
    assert der_signed_attributes(_cms(bad)["content"]["signer_infos"][0]) is not None
    verdict = verify_file(bad, trust_roots=roots)
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    assert "DER" in verdict.signatures[0].message


def test_a_redundant_leading_octet_in_the_signer_information_is_broken(
    tmp_path: Path,
    demo,  # noqa: F811
) -> None:
    signed = _signed(tmp_path, demo)
    _identity, roots = demo
    signed_data = _cms(signed)["content"]
    signer_info = cms.SignerInfo.load(signed_data["signer_infos"][0].dump())
    version = signer_info["version"]
    signer_info["version"] = cms.CMSVersion.load(
        bytes([0x02, len(version.contents) + 1, 0x00]) + version.contents
    )
    assert malformed_integers(signer_info.dump()) == 1
    signed_data["signer_infos"] = cms.SignerInfos([signer_info])
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    _replace_cms(signed, tmp_path / "malformed.pdf", info.dump())
    verdict = verify_file(tmp_path / "malformed.pdf", trust_roots=roots)
    assert verdict.exit_code == ExitCode.FAILED, verdict.to_json()
    assert "X.690" in verdict.signatures[0].message


@pytest.mark.parametrize(
    ("encoded", "count"),
    [
        (bytes.fromhex("020100"), 0),  # 0
        (bytes.fromhex("02020080"), 0),  # 128: the zero is needed
        (bytes.fromhex("02020050"), 1),  # 80 with a needless zero
        (bytes.fromhex("0202ff80"), 1),  # -128 with a needless 0xff
        (bytes.fromhex("3007020100020200 50".replace(" ", "")), 1),
    ],
)
def test_malformed_integers_counts_redundant_leading_octets(encoded: bytes, count: int) -> None:
    assert malformed_integers(encoded) == count
