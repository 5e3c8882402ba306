"""Which recognizer reads the handwritten số and day: measured on real documents.

    .venv/bin/python bench/bench_handwriting.py [--real DIR]

For page 1 of every document of `--real` (default ../shared/real-dev, read by
eye: truth.json), the page goes through the real worker (`process_page`:
load, clean, Tesseract `vie`, the field lines read again), and the number,
the day and the month are read by each candidate from the same crops
(`sohoa.metadata.handwriting.field_crops`):

  tesseract        the digits Tesseract read in the number and date lines
  ppocr line       PP-OCRv4 (the rapidocr-onnxruntime wheel's model) on the line alone
  ppocr chosen     what sohoa gives: the line and a crop of the field alone agree,
                   every digit sure enough (ACCEPT), days and numbers zero-padded;
                   where PP-OCR did not settle the number and the day, AsterNet
                   (Vietnamese, the asterocr wheel's model) reads the same fields too
                   and either reader's agreement counts (not when both are sure of
                   other digits)
  sklearn digits   a k-NN on scikit-learn's handwritten digits (`load_digits`, 8×8)
                   over the connected components of the field crop
  rendered fonts   the same k-NN trained on digits rendered here in italic and
                   script fonts (URW Z003, Bookman, P052, C059, Nimbus), shifted
                   and slanted

Each is scored right / null / wrong per field (a wrong value costs more than
a null). Then the calibration of ACCEPT: each reader's line-and-crop agreements
by confidence, right or wrong (on real-dev: PP-OCR 32/32 right at ≥ 0.9, 4/5
at 0.75–0.9, the wrong one a lone `8` for 28 that the zero-padding rule
refuses; AsterNet 13/13 at ≥ 0.75; under 0.75 half are wrong). Prints
figures only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sohoa.metadata.dates import read_month_year  # noqa: E402
from sohoa.metadata.handwriting import (  # noqa: E402
    ACCEPT,
    PRINTED,
    _date_part,
    _date_spans,
    _digits_of,
    _number_reading,
    _number_span,
    date_part,
    field_crops,
    number_reading,
)
from sohoa.metadata.layout import segments, text_column  # noqa: E402
from sohoa.metadata.numbers import read_number  # noqa: E402
from sohoa.metadata.zones import find_header  # noqa: E402
from sohoa.models import FieldLine, OcrPage  # noqa: E402
from sohoa.ocr.engine import TesseractEngine  # noqa: E402
from sohoa.ocr.lines import recognizer  # noqa: E402
from sohoa.pipeline.pages import PageOptions, process_page  # noqa: E402
from sohoa.scanners.loader import open_document  # noqa: E402

FIELDS = ("number", "day", "month")
FONTS = Path("/usr/share/fonts/opentype/urw-base35")
SCRIPT_FONTS = (
    "Z003-MediumItalic.otf", "URWBookman-LightItalic.otf", "P052-Italic.otf",
    "C059-Italic.otf", "NimbusSans-Italic.otf", "NimbusRoman-Italic.otf",
    "URWGothic-BookOblique.otf", "NimbusMonoPS-Italic.otf",
)  # fmt: skip


def truth_values(doc: dict[str, Any]) -> dict[str, str]:
    fields = doc["fields"]
    _year, month, day = fields["issued_date"].split("-")
    return {"number": fields["number"].split("/")[0], "day": day, "month": month}


def same(field: str, got: str, want: str) -> bool:
    """Days and months compare as numbers (`5` is May, `05` too)."""
    if field == "number":
        return got == want
    return got.isdigit() and int(got) == int(want)


# --- the classifiers over connected components ------------------------------------------------


def components(crop: Image.Image) -> list[np.ndarray]:
    """Ink blobs of a field crop, left to right, pieces of one digit (a 5's flag) joined."""
    gray = np.asarray(crop.convert("L"))
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, 8)
    height = crop.height
    boxes = [
        (x, y, x + w, y + h)
        for x, y, w, h, area in stats[1:count]
        if h > 0.2 * height and area > 0.002 * height * height
    ]
    boxes.sort()
    merged: list[list[int]] = []
    for box in boxes:
        if merged and box[0] < merged[-1][2] - 0.3 * (box[2] - box[0]):
            last = merged[-1]
            merged[-1] = [min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3])]  # fmt: skip
        else:
            merged.append(list(box))
    return [ink[y0:y1, x0:x1] for x0, y0, x1, y1 in merged]


def normalise(blob: np.ndarray, size: int) -> np.ndarray:
    """A blob centred in a square, resized to size×size, values 0–1."""
    h, w = blob.shape
    side = max(h, w) + 4
    square = np.zeros((side, side), np.uint8)
    y, x = (side - h) // 2, (side - w) // 2
    square[y : y + h, x : x + w] = blob
    small = cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32).ravel() / 255.0


class Knn:
    """k nearest neighbours by cosine similarity; confidence = share of the k votes."""

    def __init__(self, samples: np.ndarray, labels: np.ndarray, size: int, k: int = 7) -> None:
        norms = np.linalg.norm(samples, axis=1, keepdims=True) + 1e-6
        self.samples, self.labels, self.size, self.k = samples / norms, labels, size, k

    def read(self, crop: Image.Image) -> tuple[str, float] | None:
        blobs = components(crop)
        if not blobs or len(blobs) > 6:
            return None
        digits, sure = "", 1.0
        for blob in blobs:
            vector = normalise(blob, self.size)
            vector /= np.linalg.norm(vector) + 1e-6
            nearest = np.argsort(-(self.samples @ vector))[: self.k]
            votes = np.bincount(self.labels[nearest], minlength=10)
            digits += str(int(votes.argmax()))
            sure = min(sure, votes.max() / self.k)
        return digits, sure


def sklearn_digits() -> Knn | None:
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        return None
    data = load_digits()
    images = [(img / 16.0 * 255).astype(np.uint8) for img in data.images]
    # The 8×8 digits fill their square: crop to the ink so they normalise like ours.
    samples = []
    for img in images:
        ys, xs = np.nonzero(img > 40)
        samples.append(normalise(img[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], 8))
    return Knn(np.array(samples), data.target, 8)


def rendered_digits(seed: int = 7) -> Knn:
    rng = np.random.default_rng(seed)
    samples, labels = [], []
    for name in SCRIPT_FONTS:
        path = FONTS / name
        if not path.is_file():
            continue
        for size in (36, 48, 60):
            font = ImageFont.truetype(str(path), size)
            for digit in range(10):
                for _ in range(6):
                    image = Image.new("L", (size * 2, size * 2), 0)
                    ImageDraw.Draw(image).text(
                        (size // 2, size // 3), str(digit), fill=255, font=font
                    )
                    shear = rng.uniform(-0.35, 0.15)
                    matrix = np.float32([[1, shear, 0], [0, 1, 0]])
                    array = cv2.warpAffine(np.asarray(image), matrix, image.size)
                    width = int(rng.integers(1, 4))
                    array = cv2.dilate(array, np.ones((width, width), np.uint8))
                    ys, xs = np.nonzero(array > 60)
                    if len(ys) == 0:
                        continue
                    blob = array[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
                    samples.append(normalise(blob, 16))
                    labels.append(digit)
    return Knn(np.array(samples), np.array(labels), 16)


# --- the candidates ---------------------------------------------------------------------------


def tesseract_values(page: OcrPage) -> dict[str, tuple[str | None, float]]:
    found = segments(page)
    header = find_header(page, found, text_column(page, found))
    out: dict[str, tuple[str | None, float]] = {f: (None, 0.0) for f in FIELDS}
    if header.number is not None:
        reading = read_number(header.number.tokens, type_abbreviation=None, cong_van=True)
        words = header.number.words[1:] or header.number.words
        out["number"] = (reading.number, words[0].confidence / 100)
    if header.date is not None:
        if header.date_reading is not None:
            issued = header.date_reading.issued
            words = [header.date.words[i] for i in header.date_reading.day_words]
            sure = min(w.confidence for w in words) / 100
            out["day"] = (str(issued.day), sure)
            out["month"] = (str(issued.month), sure)
        else:
            found_month = read_month_year(
                header.date.tokens, [w.confidence / 100 for w in header.date.words]
            )
            if found_month.month is not None:
                out["month"] = (str(found_month.month), found_month.month_confidence)
    return out


def line_values(lines: Sequence[FieldLine]) -> dict[str, tuple[str | None, float]]:
    out: dict[str, tuple[str | None, float]] = {f: (None, 0.0) for f in FIELDS}
    for line in lines:
        if line.crop != "line":
            continue
        spans = _number_span(line.text) if line.field == "number" else _date_spans(line.text)
        for name, (before, after) in spans.items():
            got = _digits_of(line.text[before + 1 : after], line.probabilities[before + 1 : after])
            if got is not None:
                out["number" if name == "digits" else name] = (got[0], min(got[1]))
    return out


def chosen_values(page: OcrPage) -> dict[str, tuple[str | None, float]]:
    def keep(reading: Any, padded: Callable[[str], bool]) -> tuple[str | None, float]:
        if reading is None or reading.confidence < ACCEPT or not padded(reading.digits):
            return None, 0.0
        return reading.digits, reading.confidence

    return {
        "number": keep(number_reading(page), lambda d: len(d) >= 2),
        "day": keep(date_part(page, "day"), lambda d: len(d) == 2),
        "month": keep(date_part(page, "month"), lambda d: int(d) >= 3 or len(d) == 2),
    }


def knn_values(knn: Knn | None, crops: Sequence[tuple[FieldLine, Image.Image]]) -> dict[str, Any]:
    out: dict[str, tuple[str | None, float]] = {f: (None, 0.0) for f in FIELDS}
    if knn is None:
        return out
    for line, crop in crops:
        name = "number" if line.crop == "digits" else line.crop
        if name in FIELDS and out[name][0] is None:
            found = knn.read(crop)
            if found is not None:
                out[name] = found
    return out


# --- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, default=REPO.parent / "shared" / "real-dev")
    parser.add_argument("--sure", type=float, default=0.9, help="confidence a candidate must reach")
    args = parser.parse_args(argv)
    if not (args.real / "truth.json").is_file():
        print(f"{args.real}: no truth.json, nothing to measure")
        return 0
    truth = {
        k: v
        for k, v in json.loads((args.real / "truth.json").read_text(encoding="utf-8")).items()
        if not k.startswith("_")
    }
    engine = TesseractEngine("vie", None)
    digits_knn, fonts_knn = sklearn_digits(), rendered_digits()
    names = ("tesseract", "ppocr line", "ppocr chosen", "sklearn digits", "rendered fonts")
    scores = {n: {f: [0, 0, 0] for f in FIELDS} for n in names}
    as_read = {n: {f: [0, 0, 0] for f in FIELDS} for n in names}
    agreements: list[tuple[str, float, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for key, doc in truth.items():
            ref = open_document((args.real / doc["file"]).resolve()).pages[0]
            keep = Path(tmp) / key
            page = process_page(ref, engine, PageOptions(keep_intermediates=keep))
            image = Image.open(next(keep.glob("*-6-ocr-input.png")))
            crops = field_crops(image, page, recognizer().read)
            values = {
                "tesseract": tesseract_values(page),
                "ppocr line": line_values(page.field_lines),
                "ppocr chosen": chosen_values(page),
                "sklearn digits": knn_values(digits_knn, crops),
                "rendered fonts": knn_values(fonts_knn, crops),
            }
            want = truth_values(doc)
            for reader in ("ppocr", "aster"):
                for field, found in (
                    ("number", _number_reading(page, reader)),
                    ("day", _date_part(page, "day", reader)),
                    ("month", _date_part(page, "month", reader)),
                ):
                    if found is not None:
                        ok = same(field, found.digits, want[field])
                        agreements.append((reader, found.confidence, ok))
            line = [key[:4]]
            for name in names:
                for field in FIELDS:
                    got, sure = values[name][field]
                    verdict = 2 if got is None else 0 if same(field, got, want[field]) else 1
                    as_read[name][field][verdict] += 1
                    gate = PRINTED if name == "tesseract" else args.sure
                    if name != "ppocr chosen" and sure < gate:
                        verdict = 2
                    scores[name][field][verdict] += 1
                line.append(f"{name}: " + " ".join(str(values[name][f][0]) for f in FIELDS))
            print("  ".join(line), flush=True)
    print(f"\nhandwritten and printed số/day/month on {args.real} ({len(truth)} documents)")
    _table("as read (every value taken)", names, as_read)
    _table(f"given only when sure (Tesseract ≥ {PRINTED}, others ≥ {args.sure})", names, scores)
    print(f"\ncalibration of ACCEPT = {ACCEPT}: line-and-crop agreements of each reader")
    print(f"  {'reader':<8} {'confidence':<12} {'found':>6} {'right':>6}")
    for reader in ("ppocr", "aster"):
        for low, high in ((0.0, 0.5), (0.5, ACCEPT), (ACCEPT, 0.9), (0.9, 1.01)):
            inside = [ok for r, c, ok in agreements if r == reader and low <= c < high]
            print(
                f"  {reader:<8} {low:.2f}–{min(high, 1):.2f}    {len(inside):>6} {sum(inside):>6}"
            )
    if digits_knn is None:
        print("  (sklearn digits: scikit-learn is not installed: `make bench` installs it)")
    engine.close()
    return 0


def _table(title: str, names: Sequence[str], scores: dict[str, dict[str, list[int]]]) -> None:
    print(f"\n{title}")
    head = "".join(f"{f + ' r/w/null':>18}" for f in FIELDS)
    print(f"  {'recognizer':<16}{head}{'all right':>11}{'wrong':>7}")
    for name in names:
        cells = scores[name]
        right = sum(c[0] for c in cells.values())
        wrong = sum(c[1] for c in cells.values())
        row = "".join(f"{'/'.join(map(str, cells[f])):>18}" for f in FIELDS)
        print(f"  {name:<16}{row}{right:>11}{wrong:>7}")


if __name__ == "__main__":
    sys.exit(main())
