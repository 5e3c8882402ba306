"""The second look: lines Tesseract's layout analysis skipped are read again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.models import OcrWord
from sohoa.ocr.engine import TesseractEngine
from sohoa.ocr.recover import recover, uncovered_regions
from sohoa.pipeline.cleanup import clean_page
from sohoa.scanners.loader import load_page, open_document
from tests.imaging import FONT

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "scans"


def _word(text: str, box: tuple[int, int, int, int]) -> OcrWord:
    return OcrWord(text=text, box=box, confidence=95, block=0, paragraph=0, line=0)


def test_only_uncovered_line_shaped_ink_is_a_region() -> None:
    from PIL import ImageFont

    image = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 54)
    draw.text((300, 100), "Căn cứ Luật Tổ chức chính quyền", font=font, fill=0)  # read already
    draw.text((300, 400), "- Lưu: VT, VP.", font=font, fill=0)  # skipped by the first pass
    draw.ellipse((1500, 300, 2200, 1000), outline=0, width=25)  # a seal: not a line
    rng = np.random.default_rng(1)
    pixels = np.array(image)
    for y, x in rng.integers(0, 1200, size=(200, 2)):
        pixels[y, x * 2] = 0  # specks
    covered = [_word("Căn", (300, 100, 1150, 170))]
    regions = uncovered_regions(pixels, covered, 300)
    assert len(regions) == 1
    x0, y0, x1, y1 = regions[0]
    assert x0 <= 300 and y0 <= 410 and x1 >= 640 and y1 >= 460 and y1 < 600


def test_nothing_to_recover_leaves_words_alone() -> None:
    blank = np.full((1000, 800), 255, np.uint8)
    words = [_word("x", (10, 10, 20, 20))]
    assert recover(blank, words, 300, lambda boxes: [[] for _ in boxes]) is words


def test_confident_words_of_a_skipped_line_are_added_and_fragments_are_not() -> None:
    page = np.full((3508, 2480), 255, np.uint8)
    page[1000:1050, 300:700] = 0  # a skipped line
    page[2000:2040, 1500:1620] = 0  # a blot the size of a word
    first = [_word("Điều", (300, 200, 420, 250))]

    def read(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
        out = []
        for _x0, y0, _x1, _y1 in boxes:
            if y0 < 1500:
                out.append(
                    [_word("Lưu:", (300, 1000, 420, 1050)), _word("VT.", (440, 1000, 520, 1050))]
                )
            else:
                out.append([_word("À", (1500, 2000, 1540, 2040))])  # a lone letter: a fragment
        return out

    asked: list[tuple[int, int, int, int]] = []

    def reading(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
        asked.extend(boxes)
        return read(boxes)

    words = recover(page, first, 300, reading)
    assert len(asked) == 2  # the line and the blot were both looked at
    assert [w.text for w in words] == ["Điều", "Lưu:", "VT."]
    assert words[1].line == words[2].line != words[0].line


@pytest.mark.slow
def test_the_page_number_beside_nothing_is_recovered() -> None:
    # Tesseract's page layout drops the lone page number at the top of page 2
    # (Nghị định 30/2020: centred in the top margin); the second look reads it.
    engine = TesseractEngine()
    page = load_page(open_document(SAMPLES / "kh-ubnd-lam-dong.pdf").pages[1])
    clean = clean_page(page)
    first = engine.recognize(clean.ocr_image, clean.dpi)
    top = [w for w in first if w.box[1] < 0.12 * clean.ocr_image.height]
    assert "2" not in [w.text for w in top]
    words = recover(
        np.asarray(clean.ocr_image),
        first,
        clean.dpi,
        lambda boxes: engine.recognize_regions(clean.ocr_image, clean.dpi, boxes),
    )
    assert [w.text for w in words[len(first) :]] == ["2"]


def test_an_over_wide_word_is_read_again() -> None:
    from sohoa.ocr.recover import reread_wide_words

    # "ngày·13": a speck joined the day to "ngày", and the recogniser dropped it.
    line = [
        _word("Bình", (1148, 421, 1270, 464)),
        _word("Định,", (1292, 423, 1437, 475)),
        _word("ngày", (1462, 421, 1673, 476)),
        _word("tháng", (1696, 421, 1849, 476)),
        _word("năm", (1924, 422, 2034, 465)),
    ]
    asked: list[tuple[int, int, int, int]] = []

    def read(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
        asked.extend(boxes)
        return [[_word("ngày", (1462, 421, 1570, 476)), _word("13", (1610, 424, 1673, 465))]]

    words = reread_wide_words(line, read)
    assert len(asked) == 1 and asked[0][0] <= 1462 and asked[0][2] >= 1673
    assert [w.text for w in words] == ["Bình", "Định,", "ngày", "13", "tháng", "năm"]
    # A reading that does not start with the same word is not trusted.
    assert (
        reread_wide_words(
            line, lambda boxes: [[_word("ngàv", (0, 0, 1, 1)), _word("13", (0, 0, 1, 1))]]
        )
        == line
    )


def test_a_second_reading_of_words_already_read_is_not_added() -> None:
    """Tesseract drew "tình" 7 px wide over 24 px of ink; the leftover ink, read
    again, gave "tỉnh" on top of it, and the text layer then read "tỉnhtình"."""
    page = np.full((960, 576), 255, np.uint8)
    page[446:458, 363:387] = 0  # the ink of the word
    page[446:458, 392:420] = 0  # and of the next one
    first = [_word("căn", (316, 447, 337, 458)), _word("tình", (380, 446, 387, 457)),
             _word("hình", (392, 446, 420, 457))]  # fmt: skip

    def read(boxes: list[tuple[int, int, int, int]]) -> list[list[OcrWord]]:
        return [[_word("tỉnh", (363, 446, 387, 457))] for _ in boxes]

    assert [w.text for w in recover(page, first, 300, read)] == ["căn", "tình", "hình"]
