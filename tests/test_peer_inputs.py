"""OCRmyPDF's test files: every real scan archived upright, or refused in words.

The files are other projects' test scans (skewed, rotated, CCITT and JBIG2
bilevel, 2400 dpi, posters, colour-mapped PNGs, pictures) and a few that are
not scans at all. They live in ../shared/peer-inputs/ocrmypdf, never in this
repository: without that folder (a user's machine) the test is skipped.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PEER = Path(__file__).resolve().parent.parent.parent / "shared" / "peer-inputs" / "ocrmypdf"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PEER.is_dir(),
        reason=f"{PEER} not found: the peer test scans live beside the repository",
    ),
]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `sohoa ingest` of every file, each its own document."""
    archive = tmp_path_factory.mktemp("peer") / "archive"
    files = sorted(p for p in PEER.iterdir() if p.is_file())
    done = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "ingest", *map(str, files),
         "--archive", str(archive), "--json", "--jobs", "2"],
        capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    sidecars = {}
    for path in (archive / "objects").rglob("metadata.json"):
        sidecar = json.loads(path.read_text(encoding="utf-8"))
        sidecars[Path(sidecar["source"]).name] = sidecar
    return {
        "exit": done.returncode,
        "stderr": done.stderr,
        "files": [f.name for f in files],
        "outcomes": {Path(x["source"]).name: x for x in lines},
        "sidecars": sidecars,
    }


def test_no_input_is_a_bug_and_every_input_is_answered(ingested: dict[str, Any]) -> None:
    assert ingested["exit"] in (0, 1), ingested["stderr"][-3000:]
    assert sorted(ingested["outcomes"]) == sorted(ingested["files"])
    statuses = {o["status"] for o in ingested["outcomes"].values()}
    assert statuses <= {"archived", "duplicate", "quarantined"}


def test_every_refusal_names_the_reason_in_words(ingested: dict[str, Any]) -> None:
    for name, outcome in ingested["outcomes"].items():
        if outcome["status"] != "quarantined":
            continue
        error = outcome["error"] or ""
        assert len(error) > 20, (name, error)
        assert "internal error" not in error and "Traceback" not in error, (name, error)


def test_scans_sohoa_refused_for_its_own_reasons_are_archived(ingested: dict[str, Any]) -> None:
    """The text-layer self-check and the signature layout refused real scans:
    epson.pdf, multipage.pdf (page 5), crom.png (400 × 50 px)."""
    for name in ("epson.pdf", "multipage.pdf", "crom.png", "typewriter.png", "skew.pdf"):
        assert ingested["outcomes"][name]["status"] == "archived", ingested["outcomes"][name]


def test_pictures_and_weak_guesses_stay_as_delivered(ingested: dict[str, Any]) -> None:
    """A map, a picture, a page of two short lines: nothing to tell their
    orientation by, so never turned (they were archived upside down, or
    turned 270° and deskewed 6.5° with the corners cut off)."""
    sidecars = ingested["sidecars"]
    assert sidecars["baiona_colormapped.png"]["page_rotation"] == [0]
    assert sidecars["link.pdf"]["page_rotation"] == [0, 0]
    assert sidecars["lichtenstein.pdf"]["page_rotation"] == [0]
    assert sidecars["lichtenstein.pdf"]["page_skew"] == [0.0]


def test_archived_pages_with_text_are_upright(ingested: dict[str, Any], tmp_path: Path) -> None:
    """Tesseract OSD, asked about each archived page with enough text to
    tell, finds it upright."""
    checked = 0
    for name, outcome in ingested["outcomes"].items():
        if outcome["status"] != "archived":
            continue
        pages = outcome["pages"]
        for number in range(1, min(pages, 6) + 1):
            image = tmp_path / f"{name}-{number}"
            subprocess.run(
                ["pdftoppm", "-r", "100", "-gray", "-f", str(number), "-l", str(number),
                 "-singlefile", "-png", outcome["pdf"], str(image)],
                check=True, capture_output=True,
            )  # fmt: skip
            osd = subprocess.run(
                ["tesseract", f"{image}.png", "-", "--psm", "0", "--dpi", "100"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            turned = re.search(r"Orientation in degrees: (\d+)", osd.stdout)
            confidence = re.search(r"Orientation confidence: ([\d.]+)", osd.stdout)
            if not turned or not confidence or float(confidence.group(1)) < 5:
                continue  # too little text for OSD to be sure either way
            assert turned.group(1) == "0", (name, number, osd.stdout)
            checked += 1
    assert checked >= 10
