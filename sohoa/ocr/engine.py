"""The OCR engine interface and its Tesseract implementation.

One engine lives in each worker process and keeps its models loaded between
pages (loading `vie` costs ~0.2 s; a batch of 1,000 pages must not pay it
1,000 times). Tesseract must run one thread per process: its OpenMP threads
make it several times slower on a 2-core machine (DESIGN.md pitfalls), so the
environment variable is set before libtesseract is loaded.
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"  # must precede the first import of tesserocr

import dataclasses
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps

from sohoa.errors import OcrError, ToolMissingError
from sohoa.models import OcrWord

#: Where Debian and other distributions put traineddata files.
TESSDATA_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata"),
    Path("/usr/share/tessdata"),
    Path("/usr/local/share/tessdata"),
)

APT_HINT = "run: sudo apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"


def find_tessdata(configured: Path | None = None, languages: tuple[str, ...] = ("vie",)) -> Path:
    """The tessdata directory holding every language in `languages`."""
    # An explicit directory (settings, or TESSDATA_PREFIX as Tesseract itself
    # reads it) is the only place looked at: silently using other data would
    # hide a misconfiguration.
    if configured is not None:
        candidates: tuple[Path, ...] = (Path(configured),)
    elif os.environ.get("TESSDATA_PREFIX"):
        candidates = (Path(os.environ["TESSDATA_PREFIX"]),)
    else:
        candidates = TESSDATA_CANDIDATES
    for directory in candidates:
        if all((directory / f"{lang}.traineddata").is_file() for lang in languages):
            return directory
    missing = "+".join(languages)
    where = ", ".join(str(c) for c in candidates)
    raise ToolMissingError(
        f"Tesseract language data {missing!r} not found in {where}", hint=APT_HINT
    )


@dataclass(frozen=True)
class Orientation:
    """How far a page is turned, as Tesseract OSD sees it."""

    rotate: int
    """Counter-clockwise degrees to rotate the image by to make it upright (PIL's
    `Image.rotate` convention): 0, 90, 180, 270."""
    confidence: float
    """OSD orientation confidence (Tesseract's scale; > ~2 is reliable)."""


class OcrEngine(Protocol):
    """What the pipeline needs from an OCR engine."""

    def recognize(self, image: Image.Image, dpi: float) -> list[OcrWord]:
        """Words with boxes (pixels of `image`) and confidences, NFC, in reading order."""
        ...

    def recognize_regions(
        self, image: Image.Image, dpi: float, boxes: list[tuple[int, int, int, int]]
    ) -> list[list[OcrWord]]:
        """Words of each box read as one block of text, in page coordinates."""
        ...

    def orientation(self, image: Image.Image, dpi: float) -> Orientation | None:
        """Orientation of the page, or None when OSD cannot tell."""
        ...

    def close(self) -> None: ...


#: Look-alikes Tesseract's `vie` model emits that Vietnamese documents never
#: use: the Icelandic eth for đ/Đ (U+00D0/U+00F0 instead of U+0110/U+0111);
#: the fraction and division slashes (U+2044, U+2215) for the solidus of a
#: số/ký hiệu, a date or `V/v` (real scans: "V⁄", "1⁄7", "4⁄4.712/2022").
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u2044": "/", "\u2215": "/"})


def nfc(text: str) -> str:
    """NFC, with look-alike letters Vietnamese never uses replaced by their Vietnamese twins."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


class TesseractEngine:
    """Tesseract through tesserocr's C API: models loaded once, reused per page."""

    def __init__(self, language: str = "vie", tessdata: Path | None = None) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        langs = tuple(language.split("+"))
        self.tessdata = find_tessdata(tessdata, langs)
        self.language = language
        self._api = tesserocr.PyTessBaseAPI(
            path=str(self.tessdata) + "/",
            lang=language,
            psm=tesserocr.PSM.AUTO,
            oem=tesserocr.OEM.LSTM_ONLY,
        )
        self._osd = None
        if (self.tessdata / "osd.traineddata").is_file():
            self._osd = tesserocr.PyTessBaseAPI(
                path=str(self.tessdata) + "/", lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )

    def recognize(self, image: Image.Image, dpi: float) -> list[OcrWord]:
        api = self._api
        api.SetImage(image)
        api.SetSourceResolution(round(dpi))
        if not api.Recognize():
            raise OcrError("Tesseract failed to recognise the page")
        words = self._words()
        api.Clear()
        return drop_junk_words(words)

    def recognize_regions(
        self, image: Image.Image, dpi: float, boxes: list[tuple[int, int, int, int]]
    ) -> list[list[OcrWord]]:
        """Read each box of `image` as one block of text (PSM 6), bypassing the
        page layout analysis; word boxes in page coordinates.

        Each box is read as an image of its own with a white margin around
        it: read in place (`SetRectangle`), a glyph near the box's edge is
        binarised with the box and misread (a page number "2" as "6)").
        A box that reads as nothing is read once more in black and white:
        the recogniser reads grey, and a lone glyph's soft edges can make
        junk of it (a page number "2" as ",)") that Otsu's threshold clears.
        """
        api = self._api
        api.SetPageSegMode(self._tesserocr.PSM.SINGLE_BLOCK)
        results: list[list[OcrWord]] = []
        try:
            for x0, y0, x1, y1 in boxes:
                margin = max(10, (y1 - y0) // 4)
                region = ImageOps.expand(image.crop((x0, y0, x1, y1)), margin, fill=255)
                found = self._read_block(region, dpi)
                if not found and region.mode == "L":
                    found = self._read_block(_black_and_white(region), dpi)
                results.append(shifted(found, x0 - margin, y0 - margin))
        finally:
            api.Clear()
            api.SetPageSegMode(self._tesserocr.PSM.AUTO)
        return results

    def _read_block(self, region: Image.Image, dpi: float) -> list[OcrWord]:
        api = self._api
        api.SetImage(region)
        api.SetSourceResolution(round(dpi))
        return drop_junk_words(self._words()) if api.Recognize() else []

    def _words(self) -> list[OcrWord]:
        """The words of the last recognition, with block/paragraph/line numbers."""
        RIL = self._tesserocr.RIL
        words: list[OcrWord] = []
        iterator = self._api.GetIterator()
        if iterator is None:
            return words
        block = paragraph = line = -1
        iterator.Begin()
        while True:
            if iterator.IsAtBeginningOf(RIL.BLOCK):
                block += 1
            if iterator.IsAtBeginningOf(RIL.PARA):
                paragraph += 1
            if iterator.IsAtBeginningOf(RIL.TEXTLINE):
                line += 1
            try:
                text = iterator.GetUTF8Text(RIL.WORD)
                box = iterator.BoundingBox(RIL.WORD)
            except RuntimeError:  # an element with no text (an empty block)
                text, box = None, None
            if text and text.strip() and box is not None:
                words.append(
                    OcrWord(
                        text=nfc(text.strip()),
                        box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])),
                        confidence=float(iterator.Confidence(RIL.WORD)),
                        block=block,
                        paragraph=paragraph,
                        line=line,
                    )
                )
            if not iterator.Next(RIL.WORD):
                break
        return words

    def orientation(self, image: Image.Image, dpi: float) -> Orientation | None:
        if self._osd is None:
            return None
        self._osd.SetImage(image)
        self._osd.SetSourceResolution(round(dpi))
        try:
            result = self._osd.DetectOrientationScript()
        except RuntimeError:
            return None
        finally:
            self._osd.Clear()
        if not result:
            return None
        # orient_deg is the counter-clockwise turn that makes the page upright
        # (checked on pages turned by a known angle: tests/test_cleanup.py).
        return Orientation(
            rotate=int(result["orient_deg"]) % 360, confidence=float(result["orient_conf"])
        )

    def close(self) -> None:
        self._api.End()
        if self._osd is not None:
            self._osd.End()


def _area(box: tuple[int, int, int, int]) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> float:
    """Share of `inner`'s area that lies inside `outer`."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = _area(inner)
    return (w * h) / area if w > 0 and h > 0 and area else 0.0


def drop_junk_words(words: list[OcrWord]) -> list[OcrWord]:
    """Remove what Tesseract reads in specks and seal fragments, not in text.

    A "word" of punctuation alone read with no confidence or from a speck far
    smaller than the letters of its line (a dust dot read as "-" before
    `Số:`), or one lying inside another word of its line, is noise: in the
    text layer it would sit on top of a real word, and PDF readers merge or
    drop such overlapping text.
    """
    by_line: dict[int, list[OcrWord]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    line_height = {}
    for line, members in by_line.items():
        letters = sorted(w.box[3] - w.box[1] for w in members if any(c.isalnum() for c in w.text))
        line_height[line] = letters[len(letters) // 2] if letters else 0
    kept: list[OcrWord] = []
    for word in words:
        if not any(c.isalnum() for c in word.text):
            small = 0.2 * line_height[word.line]
            if word.confidence < 30 or (
                word.box[2] - word.box[0] < small and word.box[3] - word.box[1] < small
            ):
                continue
        if any(
            other is not word
            and _area(other.box) > _area(word.box)
            and _inside(word.box, other.box) > 0.7
            for other in by_line[word.line]
        ):
            continue
        kept.append(word)
    return kept


def words_to_text(words: list[OcrWord] | tuple[OcrWord, ...]) -> str:
    """Page text: words of a line joined by spaces, lines by newlines, blocks by a blank line."""
    out: list[str] = []
    current_line = None
    current_block = None
    for word in words:
        if current_line is None:
            out.append(word.text)
        elif word.line != current_line:
            out.append("\n\n" if word.block != current_block else "\n")
            out.append(word.text)
        else:
            out.append(" ")
            out.append(word.text)
        current_line, current_block = word.line, word.block
    return "".join(out)


def shifted(words: list[OcrWord], dx: int, dy: int) -> list[OcrWord]:
    """`words` with their boxes moved by (dx, dy) pixels."""
    if not dx and not dy:
        return words
    return [
        dataclasses.replace(w, box=(w.box[0] + dx, w.box[1] + dy, w.box[2] + dx, w.box[3] + dy))
        for w in words
    ]


def _black_and_white(gray: Image.Image) -> Image.Image:
    """A grayscale image thresholded at Otsu's level (ink black, paper white)."""
    import cv2
    import numpy as np

    _, binary = cv2.threshold(np.asarray(gray), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(binary)
