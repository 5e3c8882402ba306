"""The sample generator and the committed sample set (samples/)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samples.fonts import FAMILIES, available_families  # noqa: E402
from samples.generate import (  # noqa: E402
    Damage,
    check_committed,
    committed_set,
    corpus,
    degrade,
    layout_document,
    map_point,
    render_page,
    seed_decision_151,
    write_document,
)
from samples.spec import date_line  # noqa: E402
from sohoa.models import METADATA_FIELDS  # noqa: E402

SAMPLES = ROOT / "samples"
TRUTHS = sorted((SAMPLES / "truth").glob("*.json"))
PAGE_FIELDS = (
    "page",
    "lines",
    "boxes",
    "scan_boxes",
    "roles",
    "body",
    "text",
    "rotation",
    "skew",
    "dpi",
    "width",
    "height",
    "seal_text",
    "signature",
    "damage",
)
TOP_FIELDS = (
    "name",
    "source",
    "format",
    "document_type",
    "font",
    "seal_text",
    "body",
    "pages",
    "metadata",
)

all_fonts = pytest.mark.skipif(
    set(available_families()) != set(FAMILIES),
    reason="needs every font package: apt-get install fonts-liberation2 fonts-dejavu-core "
    "fonts-dejavu-extra fonts-freefont-ttf fonts-noto-core",
)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


# -- the generator -----------------------------------------------------------------


def test_date_line_zero_pads_days_below_10_and_months_1_2() -> None:
    assert date_line("Gia Lai", date(2021, 5, 31)) == "Gia Lai, ngày 31 tháng 5 năm 2021"
    assert date_line("Hà Nội", date(2024, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2024"
    assert date_line("Huế", date(2025, 12, 9)) == "Huế, ngày 09 tháng 12 năm 2025"


def test_corpus_is_deterministic_and_seed_dependent() -> None:
    assert corpus(6, 42) == corpus(6, 42)
    assert corpus(6, 42) != corpus(6, 43)


def test_corpus_is_varied() -> None:
    docs = corpus(14, 0)
    types = Counter(spec.doc_type for spec, _ in docs)
    fonts = Counter(spec.font for spec, _ in docs)
    assert len(types) >= 6
    assert len(fonts) >= 4
    assert fonts.most_common(1)[0][0] == "Liberation Serif"
    authorities = {spec.signer_authority for spec, _ in docs}
    assert None in authorities and len(authorities) >= 3
    assert {spec.issued >= date(2025, 7, 1) for spec, _ in docs} == {True, False}
    assert any(len(layout_document(spec)) > 1 for spec, _ in docs)
    for spec, damages in docs:
        assert len(damages) == len(layout_document(spec))
        assert len({d.dpi for d in damages}) == 1
        for text in [spec.subject, *(p.text for p in spec.body), *spec.signer_lines]:
            assert unicodedata.normalize("NFC", text) == text


def test_render_page_is_deterministic() -> None:
    spec = seed_decision_151()
    a = render_page(spec, 1, 150, seal=True, signature=True)
    b = render_page(spec, 1, 150, seal=True, signature=True)
    assert a.image.tobytes() == b.image.tobytes()
    assert a.lines == b.lines and a.boxes == b.boxes


def test_write_document_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    spec = seed_decision_151()
    damage = [Damage(dpi=150, skew=1.0, noise=3, blur=0.5, jpeg_quality=80, speckles=20)]
    for run in ("a", "b"):
        write_document(spec, damage, tmp_path / run, "qd", "jpeg", seed=9)
    assert (tmp_path / "a/qd.jpg").read_bytes() == (tmp_path / "b/qd.jpg").read_bytes()
    assert (tmp_path / "a/qd.json").read_bytes() == (tmp_path / "b/qd.json").read_bytes()
    write_document(spec, damage, tmp_path / "c", "qd", "jpeg", seed=10)
    assert (tmp_path / "a/qd.jpg").read_bytes() != (tmp_path / "c/qd.jpg").read_bytes()


def test_every_printed_pixel_is_inside_a_truth_line() -> None:
    """No text is drawn that the truth does not list: outside the line boxes
    and the rules, a clean page (no seal, no signature) is blank."""
    for spec, _ in [(seed_decision_151(), None), *corpus(3, 5, fonts=available_families())]:
        layout = layout_document(spec)[0]
        page = render_page(spec, 1, 150)
        ink = np.asarray(page.image.convert("L")) < 160
        mask = Image.new("1", page.image.size, 0)
        draw = ImageDraw.Draw(mask)
        for left, top, right, bottom in page.boxes:
            draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=1)
            assert ink[top:bottom, left:right].any(), "a truth line with no ink"
        k = 150 / 300
        for rule in layout.rules:
            y = rule.y * k
            draw.rectangle((rule.x0 * k - 2, y - 2, rule.x1 * k + 2, y + 4), fill=1)
        stray = ink & ~np.asarray(mask, dtype=bool)
        assert not stray.any(), f"ink outside the truth lines at {np.argwhere(stray)[:3]}"


def test_boxes_stay_inside_the_margins() -> None:
    for spec, _ in corpus(7, 3, fonts=available_families()):
        for page_no in range(1, len(layout_document(spec)) + 1):
            page = render_page(spec, page_no, 100)
            w, h = page.image.size
            top, right, bottom, left = (v / 25.4 * 100 for v in spec.margins_mm)
            for box, role in zip(page.boxes, page.roles, strict=True):
                if role == "page_number":
                    continue  # printed in the top margin, as Phụ lục I asks
                assert box[0] >= left - 2 and box[2] <= w - right + 2, (role, box)
                assert box[1] >= top - 2 and box[3] <= h - bottom + 2, (role, box)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_degrade_applies_the_rotation_it_claims(rotation: int) -> None:
    page = Image.new("RGB", (300, 420), "white")
    ImageDraw.Draw(page).rectangle((40, 60, 60, 80), fill="black")  # near the top-left
    damage = Damage(rotation=rotation, skew=2.0, paper_tone=0.0, dpi=100)
    out = degrade(page, damage, np.random.default_rng(0))
    if rotation in (90, 270):
        assert out.width > out.height  # landscape
        assert out.size == (420, 300)
    else:
        assert out.size == (300, 420)
    x, y = map_point((50, 70), page.size, damage)
    assert np.asarray(out.convert("L"))[round(y), round(x)] < 80


def test_degrade_jpeg_and_grayscale() -> None:
    page = render_page(seed_decision_151(), 1, 100).image
    out = degrade(page, Damage(jpeg_quality=60, grayscale=True, noise=4), np.random.default_rng(1))
    assert out.mode == "L" and out.format == "JPEG"


def test_cli_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "samples.generate", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "--committed" in result.stdout


# -- the committed set -----------------------------------------------------------------


def test_committed_set_is_small_and_mixed() -> None:
    assert 1 <= len(TRUTHS) <= 8
    total = sum(
        p.stat().st_size
        for d in ("scans", "truth")
        for p in (SAMPLES / d).rglob("*")
        if p.is_file()
    )
    assert total <= 10 * 1024 * 1024
    truths = [load(p) for p in TRUTHS]
    assert {t["format"] for t in truths} == {"jpeg", "png", "tiff", "pdf", "folder"}
    pages = [p for t in truths for p in t["pages"]]
    assert {p["rotation"] for p in pages} >= {0, 90, 180}
    assert 200 in {p["dpi"] for p in pages}
    assert any(p["damage"]["border_px"] for p in pages)
    assert any(abs(p["skew"]) >= 2 for p in pages)
    assert any(p["damage"]["illumination"] for p in pages)
    assert any(p["damage"]["blur"] for p in pages)
    assert len({t["document_type"] for t in truths}) >= 6
    for t in truths:
        for p in t["pages"]:
            if p["signature"]:
                assert p["seal_text"], f"{t['name']} page {p['page']}: a signature without a seal"


@pytest.mark.parametrize("truth_path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_truth_is_nfc_and_complete(truth_path: Path) -> None:
    truth = load(truth_path)
    for text in strings(truth):
        assert unicodedata.normalize("NFC", text) == text
    assert set(TOP_FIELDS) <= set(truth)
    assert tuple(truth["metadata"]) == METADATA_FIELDS
    meta = truth["metadata"]
    assert meta["page_amount"] == len(truth["pages"])
    assert meta["language"] == "vi"
    assert date.fromisoformat(meta["issued_date"])
    all_lines = [line for p in truth["pages"] for line in p["lines"]]
    assert f"Số: {meta['code_number']}/{meta['code_notation']}" in all_lines
    assert meta["signer_full_name"] in all_lines
    assert any(line.startswith(f"{meta['place']}, ngày ") for line in all_lines)
    if truth["document_type"] == "cong_van":
        assert meta["type_name"] == "Công văn"
        assert meta["code_notation"].split("-")[0] not in ("CV", "QĐ")
        assert any(line.startswith("V/v ") for line in all_lines)
    else:
        assert meta["type_name"].upper() in all_lines
    for page in truth["pages"]:
        assert set(PAGE_FIELDS) <= set(page)
        n = len(page["lines"])
        assert n == len(page["boxes"]) == len(page["scan_boxes"]) == len(page["roles"])
        assert page["text"] == "\n".join(page["lines"])
        assert page["rotation"] in (0, 90, 180, 270)
        for left, top, right, bottom in page["scan_boxes"]:
            assert 0 <= left < right <= page["width"] and 0 <= top < bottom <= page["height"]


def _frames(truth: dict[str, Any]) -> list[tuple[Image.Image, float]]:
    """Every page image of a committed scan with the resolution its file states."""
    source = SAMPLES / truth["source"]
    fmt = truth["format"]
    if fmt in ("jpeg", "png", "tiff"):
        img = Image.open(source)
        out = []
        for i in range(getattr(img, "n_frames", 1)):
            img.seek(i)
            out.append((img.copy(), img.info["dpi"][0]))
        return out
    if fmt == "folder":
        files = sorted(source.iterdir(), key=natural_key)
        assert [f.name for f in files] == [f"page-{i}.jpg" for i in range(1, len(files) + 1)]
        return [(Image.open(f), Image.open(f).info["dpi"][0]) for f in files]
    out = []
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            assert "/Font" not in page.Resources, "an image-only scan has no text"
            (raw,) = list(page.Resources.XObject.values())
            assert raw.Subtype == pikepdf.Name.Image
            assert raw.Filter == pikepdf.Name.DCTDecode
            img = Image.open(io.BytesIO(raw.read_raw_bytes()))
            width_pt = float(page.MediaBox[2]) - float(page.MediaBox[0])
            out.append((img, img.width * 72.0 / width_pt))
    return out


@pytest.mark.parametrize("truth_path", TRUTHS, ids=[p.stem for p in TRUTHS])
def test_committed_file_has_the_pages_and_dpi_of_its_truth(truth_path: Path) -> None:
    truth = load(truth_path)
    frames = _frames(truth)
    assert len(frames) == len(truth["pages"]) == truth["metadata"]["page_amount"]
    for (img, dpi), page in zip(frames, truth["pages"], strict=True):
        img.load()
        assert round(dpi) == page["dpi"]
        assert img.size == (page["width"], page["height"])
        if page["rotation"] in (90, 270):
            assert img.width > img.height


def test_seed_decision_truth() -> None:
    meta = load(SAMPLES / "truth" / "qd-151-stc-gia-lai.json")["metadata"]
    assert meta == {
        "organ_name": "SỞ TÀI CHÍNH",
        "parent_organ": "UBND TỈNH GIA LAI",
        "code_number": "151",
        "code_notation": "QĐ-STC",
        "type_name": "Quyết định",
        "place": "Gia Lai",
        "issued_date": "2021-05-31",
        "subject": "Ban hành Kế hoạch triển khai Đề án đổi mới cơ chế một cửa, một cửa liên "
        "thông trong giải quyết thủ tục hành chính tại Sở Tài chính",
        "signer_authority": None,
        "signer_position": "GIÁM ĐỐC",
        "signer_full_name": "Nguyễn Anh Dũng",
        "recipients": [
            "Như Điều 3",
            "UBND tỉnh (b/c)",
            "VP UBND tỉnh (theo dõi)",
            "GD, PGD Sở",
            "Lưu: VT, VP",
        ],
        "page_amount": 1,
        "language": "vi",
    }


def test_committed_set_lists_what_is_on_disk() -> None:
    assert sorted(name for name, *_ in committed_set()) == sorted(p.stem for p in TRUTHS)


def test_bad_inputs_are_bad() -> None:
    bad = SAMPLES / "bad"
    assert (bad / "empty.jpg").stat().st_size == 0
    with pytest.raises(OSError):
        Image.open(bad / "truncated.jpg").load()
    assert not (bad / "not-a-pdf.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(pikepdf.PdfError):
        pikepdf.open(bad / "not-a-pdf.pdf")


@all_fonts
def test_committed_set_regenerates_byte_identical() -> None:
    assert check_committed() == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_clean_page_reads_back_with_tesseract(tmp_path: Path) -> None:
    """The truth is what is printed: Tesseract `vie` reads a clean page's body
    almost perfectly (CER below 2%)."""
    page = render_page(seed_decision_151(), 1, 300)
    path = tmp_path / "page.png"
    page.image.save(path)
    out = subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    ).stdout
    ocr = re.sub(r"\s+", " ", unicodedata.normalize("NFC", out))
    body = " ".join(
        line for line, role in zip(page.lines, page.roles, strict=True) if role == "body"
    )
    assert _substring_distance(body, ocr) / len(body) < 0.02


def _substring_distance(needle: str, hay: str) -> int:
    """Edit distance of `needle` to the best-matching stretch of `hay`."""
    prev = [0] * (len(hay) + 1)  # free start anywhere in hay
    for i, c in enumerate(needle, 1):
        cur = [i]
        for j, h in enumerate(hay, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (c != h)))
        prev = cur
    return min(prev)  # free end anywhere in hay
