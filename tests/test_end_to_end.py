"""From scans to signed, archived PDF/A — checked by independent readers (poppler).

Runs the real CLI on the committed samples once (module fixture), then checks
every output: the JSON contract, `pdfsig`, the text layer read back by
`pdftotext` against ground truth, PDF/A structure, `sohoa verify` before and
after one byte of the signed content changes, duplicates and refusals.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from sohoa.ocr.metrics import best_match_cer, strip_signature_stamp
from sohoa.pipeline.pdfa import check_pdfa

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: Mean character error rate of the text layer over the committed samples
#: must stay under this (body text, best-matching stretch, NFC).
MAX_MEAN_CER = 0.01
MAX_PAGE_CER = 0.03
CONTRACT_KEYS = {
    "source",
    "status",
    "document_id",
    "pdf",
    "pages",
    "metadata",
    "signature",
    "error",
}


def sohoa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("e2e")
    archive = root / "archive"
    result = sohoa(
        "ingest", str(SAMPLES / "scans"), "--archive", str(archive), "--json", "--jobs", "2"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    truths = {}
    for file in (SAMPLES / "truth").glob("*.json"):
        truth = json.loads(file.read_text(encoding="utf-8"))
        truths[Path(truth["source"]).name] = truth
    return {"archive": archive, "lines": lines, "truths": truths, "root": root}


def test_every_sample_is_archived_under_the_json_contract(ingested: dict[str, Any]) -> None:
    lines = ingested["lines"]
    assert len(lines) == len(ingested["truths"])
    for line in lines:
        assert set(line) >= CONTRACT_KEYS, line
        assert line["status"] == "archived", line
        assert line["error"] is None
        assert Path(line["pdf"]).is_absolute() and Path(line["pdf"]).is_file()
        assert line["signature"]["level"] == "B-B"  # no TSA configured
        truth = ingested["truths"][Path(line["source"]).name]
        assert line["pages"] == len(truth["pages"])


def test_pdfsig_finds_a_valid_signature_over_the_whole_document(ingested: dict[str, Any]) -> None:
    for line in ingested["lines"]:
        result = subprocess.run(["pdfsig", line["pdf"]], capture_output=True, text=True)
        assert "Signature is Valid" in result.stdout, result.stdout
        assert "Total document signed" in result.stdout, result.stdout
        assert "ETSI.CAdES.detached" in result.stdout


def test_text_layer_matches_ground_truth(ingested: dict[str, Any]) -> None:
    page_cers: list[float] = []
    for line in ingested["lines"]:
        truth = ingested["truths"][Path(line["source"]).name]
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", line["pdf"], "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert unicodedata.is_normalized("NFC", text)
        pages = text.split("\f")
        for number, page in enumerate(truth["pages"]):
            if not page["body"]:
                continue
            value = best_match_cer(page["body"], strip_signature_stamp(pages[number]))
            assert value <= MAX_PAGE_CER, f"{line['source']} page {number + 1}: CER {value:.2%}"
            page_cers.append(value)
    mean = sum(page_cers) / len(page_cers)
    assert mean <= MAX_MEAN_CER, f"mean CER {mean:.2%}"


def test_diacritics_survive_into_the_text_layer(ingested: dict[str, Any]) -> None:
    line = next(x for x in ingested["lines"] if "qd-151" in x["source"])
    text = subprocess.run(["pdftotext", line["pdf"], "-"], capture_output=True, text=True).stdout
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Điều 2."):
        assert phrase in text


def test_signed_outputs_stay_pdfa(ingested: dict[str, Any]) -> None:
    for line in ingested["lines"]:
        assert check_pdfa(Path(line["pdf"])) == [], line["source"]


def test_pages_keep_paper_size_and_colour(ingested: dict[str, Any]) -> None:
    line = next(x for x in ingested["lines"] if "qd-151" in x["source"])
    info = subprocess.run(
        ["pdfimages", "-list", line["pdf"]], capture_output=True, text=True
    ).stdout
    row = info.splitlines()[2].split()
    assert row[5] == "rgb" and int(row[6]) == 3  # colour kept: 3 components of 8 bits
    assert int(row[12]) >= 200 and int(row[13]) >= 200  # x-ppi, y-ppi
    size = subprocess.run(["pdfinfo", line["pdf"]], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", size).groups())  # type: ignore[union-attr]
    assert abs(width - 595.3) < 3 and abs(height - 841.9) < 3  # A4 at 100% scale


def test_verify_accepts_outputs_and_catches_one_changed_byte(ingested: dict[str, Any]) -> None:
    archive = ingested["archive"]
    result = sohoa("verify", "--archive", str(archive), "--all", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(verdicts) == len(ingested["lines"])
    assert all(v["signatures"][0]["level"] == "B-B" for v in verdicts)

    original = Path(ingested["lines"][0]["pdf"])
    tampered = ingested["root"] / "tampered.pdf"
    shutil.copyfile(original, tampered)
    data = bytearray(tampered.read_bytes())
    # A byte inside the first signed range, in the page content area (not the header).
    index = len(data) // 3
    data[index] ^= 0x01
    tampered.write_bytes(bytes(data))
    result = sohoa("verify", str(tampered), "--archive", str(archive), "--json")
    assert result.returncode == 1, result.stdout
    assert json.loads(result.stdout)["signatures"][0]["intact"] is False


def test_same_scan_again_is_a_duplicate(ingested: dict[str, Any]) -> None:
    scan = SAMPLES / "scans" / "qd-151-stc-gia-lai.jpg"
    result = sohoa("ingest", str(scan), "--archive", str(ingested["archive"]), "--json")
    assert result.returncode == 0
    line = json.loads(result.stdout)
    first = next(x for x in ingested["lines"] if "qd-151" in x["source"])
    assert line["status"] == "duplicate"
    assert line["document_id"] == first["document_id"]


def test_bad_inputs_are_quarantined_with_their_reason(ingested: dict[str, Any]) -> None:
    result = sohoa("ingest", str(SAMPLES / "bad"), "--archive", str(ingested["archive"]), "--json")
    assert result.returncode == 1
    lines = {Path(x["source"]).name: x for x in map(json.loads, result.stdout.splitlines())}
    assert {x["status"] for x in lines.values()} == {"quarantined"}
    assert "empty file" in lines["empty.jpg"]["error"]
    assert "truncated" in lines["truncated.jpg"]["error"]
    assert "not a PDF" in lines["not-a-pdf.pdf"]["error"]
    for name, line in lines.items():
        assert name in line["error"]
        assert (SAMPLES / "bad" / name).exists()  # never deleted
        assert Path(line["quarantine"]).exists()
