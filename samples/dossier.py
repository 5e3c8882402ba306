"""Scans printed by a provincial one-stop system: a QR code with the mã hồ sơ, top left.

Thông tư 01/2023/TT-VPCP: papers the one-stop system prints (the receipt, the
result) carry the dossier's code in a QR code. Three committed samples
(`samples/dossier/`, expected codes in `expected.json`):

- two pages whose QR code reads (one as a bare code, one as a look-up link
  of the provincial portal that carries the code as a parameter);
- one page whose QR code is smudged past reading (an ink blot over a corner
  finder and the data), named after its dossier: the code must come from the
  file name instead.

Written by `python -m samples.generate --committed` like the rest.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw

from samples.damage import degrade_pixels, encode_jpeg
from samples.documents import build_document
from samples.render import render_page
from samples.spec import Damage
from samples.topics import TOPIC_BY_KEY
from samples.vocab import Province, department, people_committee

#: QR code side and its distance from the page's top-left corner, in mm.
QR_MM = 16.0
QR_AT_MM = (12.0, 6.0)


def qr_image(text: str, side_px: int) -> Image.Image:
    """A QR code of `text` (error correction M, quiet zone kept), `side_px` wide."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = Image.fromarray(np.asarray(code.to_image(scale=1, add_quiet_zones=True)))
    return modules.resize((side_px, side_px), Image.Resampling.NEAREST).convert("RGB")


def _stamp_qr(page: Image.Image, text: str, dpi: int, *, smudge: bool) -> None:
    px_mm = dpi / 25.4
    side = round(QR_MM * px_mm)
    x, y = round(QR_AT_MM[0] * px_mm), round(QR_AT_MM[1] * px_mm)
    page.paste(qr_image(text, side), (x, y))
    if smudge:
        # A wet-ink blot over the top-left finder and a third of the data: past what
        # error correction M (15 %) can restore.
        draw = ImageDraw.Draw(page)
        draw.ellipse(
            (x - side * 0.05, y - side * 0.05, x + side * 0.55, y + side * 0.6), fill=(40, 40, 60)
        )


def _entries() -> list[tuple[str, Any, str, bool, int]]:
    """(file stem, spec, QR text, smudged, seed)."""
    from samples.generate import _one_page as one_page  # generate imports this module

    gl = Province("Gia Lai", False, False)
    hn = Province("Hà Nội", True, True)
    out = []
    spec = build_document(
        "thong_bao",
        random.Random("tb-ket-qua-h34"),
        size=0,
        issued=date(2023, 5, 12),
        topic=TOPIC_BY_KEY["mot_cua"],
        agency=department(gl, "Sở Tài chính", "STC"),
        signer=("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    )
    out.append(("tb-ket-qua-ho-so", one_page(spec), "000.00.17.H34-230512-0003", False, 11))
    spec = build_document(
        "giay_moi",
        random.Random("gm-ho-so-h26"),
        size=0,
        issued=date(2025, 9, 3),
        topic=TOPIC_BY_KEY["cu_tru"],
        agency=people_committee(hn, ("xã", "Đông Anh")),
        signer=("TL.", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
    )
    link = "https://dichvucong.example.gov.vn/tra-cuu-ho-so?maHoSo=000.00.31.H26-250903-0117"
    out.append(("gm-moi-bo-sung-ho-so", one_page(spec), link, False, 12))
    spec = build_document(
        "thong_bao",
        random.Random("tb-ho-so-smudged"),
        size=0,
        issued=date(2024, 11, 20),
        topic=TOPIC_BY_KEY["mot_cua"],
        agency=department(gl, "Sở Tư pháp", "STP"),
        signer=("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    )
    out.append(
        (
            "000.00.17.H34-241120-0042 thông báo",
            one_page(spec),
            "000.00.17.H34-241120-0042",
            True,
            13,
        )
    )
    return out


def write_dossier_samples(folder: Path) -> list[dict[str, Any]]:
    """Write the QR samples (JPEG, 200 dpi, light scanner damage) and `expected.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = []
    for stem, spec, text, smudged, seed in _entries():
        damage = Damage(dpi=200, skew=0.4, noise=1.0, jpeg_quality=85, paper_tone=0.2, speckles=8)
        page = render_page(spec, 1, damage.dpi, seal=True, signature=True).image
        _stamp_qr(page, text, damage.dpi, smudge=smudged)
        scan = degrade_pixels(page, damage, np.random.default_rng([seed, 1]))
        name = f"{stem}.jpg"
        (folder / name).write_bytes(encode_jpeg(scan, damage.jpeg_quality or 85, damage.dpi))
        code = text.rsplit("=", 1)[-1]
        expected.append(
            {"file": name, "qr_text": None if smudged else text, "dossier": code,
             "origin": "name" if smudged else "qr"}
        )  # fmt: skip
    data = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    (folder / "expected.json").write_text(data, encoding="utf-8")
    return expected
