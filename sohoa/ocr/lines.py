"""Text-line recognizers for what Tesseract reads badly: handwritten số and day, the
signer's name under a signature.

Tesseract `vie` reads print; on the handwritten number and day it returns
partial digits with a fair confidence (572 → `54`), which is worse than
nothing. PP-OCRv4's line recognizer, trained on print and handwriting, reads
those digits far better (bench/bench_handwriting.py measures it against
Tesseract and a classifier trained on scikit-learn's handwritten digits).
Its ONNX model ships inside the `rapidocr-onnxruntime` wheel (1.x; later
versions download models at run time, which we never do); we load only the
recognizer, with onnxruntime on one thread, and decode it ourselves to keep
the probability of every character: a field is only as sure as its least
sure digit.

A second reader, AsterNet (the `asterocr` wheel ships its ONNX model and
vocabulary; we load those two files only, never the package's code, which
may fetch from the network), was trained on Vietnamese print and
handwriting fonts: it writes the marks (`Lê Trung Chinh`, `ngày 26`), and
it errs on other digits than PP-OCR does (bench/bench_handwriting.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image

#: The recognizer's input height, and the least width it pads to (PaddleOCR's 3×48×320).
#: A narrow crop costs as much as a 320-wide one, yet padding less changes what the model
#: reads: at 96 or 192 a handwritten day was read wrong and sure on real-dev
#: (bench/bench_handwriting.py), so the model reads what it was trained on.
_HEIGHT, _MIN_WIDTH = 48, 320


@dataclass(frozen=True)
class LineReading:
    """What the recognizer read on one line: characters and the probability of each."""

    text: str
    probabilities: tuple[float, ...]
    """One per character of `text`, 0–1."""
    positions: tuple[float, ...]
    """Where each character stands, as a fraction of the crop's width (0 left, 1 right)."""


def model_path() -> Path:
    """The PP-OCRv4 recognizer shipped in the rapidocr-onnxruntime wheel."""
    root = resources.files("rapidocr_onnxruntime") / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    return Path(str(root))


class LineRecognizer:
    """PP-OCRv4 text-line recognition with per-character probabilities."""

    def __init__(self) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread: parallelism comes from the worker processes (DESIGN.md pitfalls).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model_path()), options, providers=["CPUExecutionProvider"]
        )
        meta = self._session.get_modelmeta().custom_metadata_map
        # CTC: index 0 is the blank, the model's characters, then the space.
        self._characters = ["", *meta["character"].splitlines(), " "]
        self._input = self._session.get_inputs()[0].name

    def read(self, image: Image.Image) -> LineReading:
        """Read one line of text (a crop holding one line, any height)."""
        batch, width = _normalise(image)
        scores = self._session.run(None, {self._input: batch})[0][0]  # (steps, classes)
        return _decode(scores, self._characters, batch.shape[3] / width)


def _decode(scores: np.ndarray, characters: list[str], padded: float) -> LineReading:
    """Greedy CTC decoding of (steps, classes) probabilities, index 0 the blank; `padded`:
    the input's width over the width the image takes in it."""
    step_width = padded / len(scores)
    best = scores.argmax(axis=1)
    chars: list[str] = []
    probs: list[float] = []
    places: list[float] = []
    previous = -1
    for step, index in enumerate(best):
        if index != previous and index != 0:
            chars.append(characters[index])
            probs.append(float(scores[step, index]))
            places.append(min(1.0, (step + 0.5) * step_width))
        elif index == previous and index != 0:
            probs[-1] = max(probs[-1], float(scores[step, index]))
        previous = int(index)
    return LineReading(
        "".join(chars),
        tuple(round(p, 4) for p in probs),
        tuple(round(x, 4) for x in places),
    )


def _normalise(image: Image.Image) -> tuple[np.ndarray, int]:
    """PaddleOCR's preprocessing: RGB, height 48, values in −1…1, padded right to width 320;
    and the width the image itself takes."""
    rgb = image.convert("RGB")
    width = max(1, math.ceil(_HEIGHT * rgb.width / max(rgb.height, 1)))
    resized = np.asarray(rgb.resize((width, _HEIGHT), Image.Resampling.BILINEAR), np.float32)
    data = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    padded = np.zeros((3, _HEIGHT, max(width, _MIN_WIDTH)), np.float32)
    padded[:, :, :width] = data
    return padded[np.newaxis], width


def aster_model() -> tuple[Path, Path]:
    """AsterNet's ONNX model and its vocabulary, shipped in the asterocr wheel."""
    root = resources.files("asterocr") / "assets"
    return Path(str(root / "asternet.onnx")), Path(str(root / "vocab.json"))


class VietnameseLineRecognizer:
    """AsterNet text-line recognition (Vietnamese, marks included), per-character probabilities."""

    def __init__(self) -> None:
        import onnxruntime

        model, vocabulary = aster_model()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        # CTC: index 0 is the blank.
        self._characters = ["", *json.loads(vocabulary.read_text(encoding="utf-8"))["chars"][1:]]
        self._input = self._session.get_inputs()[0].name

    def read(self, image: Image.Image) -> LineReading:
        """Read one line of text (a crop holding one line, any height)."""
        rgb = image.convert("RGB")
        # The model reads lines 32 pixels high, any width (a multiple of 4).
        width = max(32, int(_ASTER_HEIGHT * rgb.width / max(rgb.height, 1)))
        width = (width + 3) // 4 * 4
        resized = np.asarray(rgb.resize((width, _ASTER_HEIGHT), Image.Resampling.BILINEAR))
        batch = ((resized.astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
        log_probabilities = self._session.run(None, {self._input: batch})[0][:, 0, :]
        return _decode(np.exp(log_probabilities), self._characters, 1.0)


_ASTER_HEIGHT = 32


@lru_cache(maxsize=1)
def recognizer() -> LineRecognizer:
    """One recognizer per process (the model takes ~0.3 s to load)."""
    return LineRecognizer()


@lru_cache(maxsize=1)
def vietnamese_recognizer() -> VietnameseLineRecognizer:
    """One AsterNet reader per process (~0.15 s to load)."""
    return VietnameseLineRecognizer()
