"""Values for tests, with defaults for every field a test does not care about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.models import EncodedImage, OcrPage

#: A 1×1 white image: for pages whose pixels a test never looks at.
BLANK = EncodedImage(b"x\x9cc\xf8\x0f\x00\x01\x01\x01\x00", "FlateDecode", 1, 1, "L")


def ocr_page(**fields: Any) -> OcrPage:
    """An OcrPage: upright, straight, 300 dpi, 100×100 px, blank, unless said otherwise."""
    values: dict[str, Any] = {
        "index": 0,
        "source": Path("x"),
        "width": 100,
        "height": 100,
        "dpi": 300,
        "dpi_assumed": False,
        "rotation": 0,
        "skew_degrees": 0.0,
        "words": (),
        "text": "",
        "mean_confidence": 95.0,
        "image": BLANK,
    }
    values.update(fields)
    if isinstance(values["words"], list):
        values["words"] = tuple(values["words"])
    return OcrPage(**values)
