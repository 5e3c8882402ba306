"""QR codes on a page, read in the OCR worker from the cleaned image (no second pass).

Papers printed by the provincial one-stop system carry the mã hồ sơ in a QR
code (Thông tư 01/2023/TT-VPCP), top left. The worker reads every QR code on
the cleaned page with zxing-cpp and returns their texts on the `OcrPage`; the
parent decides which text is a mã hồ sơ (`archive/dossiers.py`), because the
pattern is a setting. A damaged code simply reads as nothing.
"""

from __future__ import annotations

import unicodedata

import zxingcpp
from PIL import Image

_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)


def read_codes(image: Image.Image) -> tuple[str, ...]:
    """Texts of the QR codes on `image`, top to bottom then left to right (NFC)."""
    found = zxingcpp.read_barcodes(image, formats=_FORMATS)
    found = sorted(found, key=lambda r: (r.position.top_left.y, r.position.top_left.x))
    return tuple(unicodedata.normalize("NFC", r.text) for r in found if r.valid and r.text)
