"""Robust operations (issue 9): many processes on one archive, crashes, odd inputs, full disks,
bad settings and unreachable services. Everything runs the real CLI on real files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.imaging import text_page
from tests.mounts import tmpfs

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "SOHOA_ACTOR": "test", "OMP_THREAD_LIMIT": "1"}
ENV.pop("SOHOA_ARCHIVE", None)
ENV.pop("SOHOA_CONFIG", None)


def sohoa(
    *args: str, cwd: Path | None = None, patch: tuple[str, ...] = (), timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own (through the patching driver when `patch` is given)."""
    command = [sys.executable, "-m", "tests.driver", *patch, "--", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd or REPO, env=ENV, timeout=timeout
    )


def ingest_beside(
    archive: Path, inputs: list[Path], commands: Callable[[int], Sequence[tuple[str, ...]]]
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, int, str]]]:
    """`sohoa ingest --json` of `inputs` into `archive` while another thread runs
    `commands(n)` on the same archive, round n after round n, until the ingest ends.
    The ingest's result, and each command's (name, exit code, output)."""
    stop = threading.Event()
    done: list[tuple[str, int, str]] = []

    def beside() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            for args in commands(n):
                run = sohoa(*args, "--archive", str(archive))
                done.append((args[0], run.returncode, run.stdout + run.stderr))

    thread = threading.Thread(target=beside)
    thread.start()
    try:
        result = sohoa("ingest", *map(str, inputs), "--archive", str(archive), "--json")
    finally:
        stop.set()
        thread.join()
    return result, done


def lines(result: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def scans(folder: Path, count: int, *, dpi: int = 100, noise: bool = False) -> list[Path]:
    """`count` distinct one-page scans with Vietnamese text (unrelated names: never one document)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = ["quyết định", "công văn", "tờ trình", "thông báo", "kế hoạch", "giấy mời", "báo cáo"]
    out = []
    rng = np.random.default_rng(7)
    for i in range(count):
        page = text_page(dpi=dpi, repeat=1)
        pixels = np.asarray(page).copy()
        pixels[5:9, 5 + 3 * i : 8 + 3 * i] = 0  # a mark that makes every scan distinct
        if noise:
            pixels = np.clip(pixels.astype(int) + rng.integers(-40, 40, pixels.shape), 0, 255)
        path = folder / f"{names[i % len(names)]} {chr(65 + i)}.jpg"
        Image.fromarray(pixels.astype(np.uint8)).save(path, quality=92, dpi=(dpi, dpi))
        out.append(path)
    return out


def index(archive: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(archive / "index.sqlite")
    conn.row_factory = sqlite3.Row
    return conn


def assert_whole(archive: Path, expected_documents: int) -> None:
    """Every document indexed, logged, complete; nothing half-written left anywhere."""
    db = index(archive)
    ids = [r["id"] for r in db.execute("SELECT id FROM documents")]
    assert len(ids) == expected_documents
    for document_id in ids:
        events = db.execute(
            "SELECT count(*) FROM events WHERE action = 'ingest' AND document_id = ?",
            (document_id,),
        ).fetchone()[0]
        assert events == 1, document_id
        folder = archive / "objects" / document_id[:2] / document_id
        assert {"document.pdf", "metadata.json", "text.txt", "original"} <= {
            p.name for p in folder.iterdir()
        }
    objects = list((archive / "objects").glob("*/*"))
    assert len(objects) == expected_documents
    assert not [p for p in archive.rglob("*") if p.name.endswith(".part")]
    leftovers = [p.name for p in (archive / "tmp").iterdir()] if (archive / "tmp").exists() else []
    assert leftovers == [], leftovers


# --- configuration and environment: found before any page is read ---------------------------


BAD_SETTINGS = {
    "negative jobs": "jobs = -3",
    "jobs as text": 'jobs = "2"',
    "confidence as text": 'review_confidence = "high"',
    "confidence out of range": "review_confidence = 150",
    "language not installed": 'ocr_language = "xyz"',
    "unknown level": '[signing]\nlevel = "B-X"',
    "level without a TSA": '[signing]\nlevel = "B-LTA"',
    "TSA not a URL": '[signing]\ntsa_url = "ftp://tsa.example.vn"',
    "empty copy type": 'copy_type = ""',
    "archive not a path": "archive = 5",
    "unknown key": 'archve = "typo"',
}


@pytest.mark.parametrize("toml", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_a_bad_setting_is_exit_4_before_any_page_is_read(tmp_path: Path, toml: str) -> None:
    (scan,) = scans(tmp_path / "in", 1)
    config = tmp_path / "sohoa.toml"
    config.write_text(toml + "\n", encoding="utf-8")
    archive = tmp_path / "archive"
    result = sohoa(
        "ingest", str(scan), "--archive", str(archive), "--config", str(config), "--json"
    )
    assert result.returncode == 4, result.stderr
    assert result.stdout == ""  # no input was reported: none was looked at
    assert not archive.exists()  # nothing quarantined, no OCR, no archive made
    key = toml.split("=")[0].split("\n")[-1].strip()
    assert key in result.stderr.replace("\n", " "), result.stderr


def test_an_unreachable_time_stamp_authority_is_exit_5_and_blames_no_input(tmp_path: Path) -> None:
    inputs = scans(tmp_path / "in", 2)
    config = tmp_path / "sohoa.toml"
    config.write_text('[signing]\ntsa_url = "http://127.0.0.1:9/tsa"\n', encoding="utf-8")
    archive = tmp_path / "archive"
    started = time.monotonic()
    result = sohoa("ingest", *map(str, inputs), "--archive", str(archive), "--config", str(config))
    assert result.returncode == 5, result.stderr
    assert "time-stamp authority" in result.stderr
    assert time.monotonic() - started < 60  # one probe, no OCR
    assert not list((archive / "quarantine").iterdir())
    assert all(p.exists() for p in inputs)


def test_doctor_runs_the_same_checks(tmp_path: Path) -> None:
    config = tmp_path / "sohoa.toml"
    config.write_text('ocr_language = "xyz"\n', encoding="utf-8")
    bad = sohoa("doctor", "--config", str(config), "--archive", str(tmp_path / "a"))
    assert bad.returncode == 4
    assert "xyz" in bad.stdout and "installed:" in " ".join(bad.stdout.split())
    config.write_text('[signing]\ntsa_url = "http://127.0.0.1:9/tsa"\n', encoding="utf-8")
    down = sohoa("doctor", "--config", str(config), "--archive", str(tmp_path / "a"))
    assert down.returncode == 5 and "ERROR" in down.stdout
    plain = sohoa("doctor", "--archive", str(tmp_path / "a"))
    assert plain.returncode == 0
    rows = {line.split("│")[1].strip(): line for line in plain.stdout.splitlines() if "│" in line}
    assert "warning" in rows["signing identity"]  # DEMO: works, but no legal value
    assert "warning" in rows["time-stamp authority"]
    assert "ok" in rows["jbig2dec"]


# --- odd inputs ----------------------------------------------------------------------------


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header declares width × height and whose data is a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.slow
def test_odd_inputs_are_refused_in_words_and_never_hang(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    (good,) = scans(folder, 1)
    long_name = folder / (
        ("Quyết định phê duyệt kế hoạch số hóa hồ sơ " * 8).encode()[:250].decode(errors="ignore")
        + ".jpg"
    )
    shutil.copyfile(good, long_name)
    long_name.write_bytes(long_name.read_bytes() + b"\x00")  # another input, same pixels
    os.mkfifo(folder / "x.jpg")
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    (folder / "passwd.jpg").symlink_to(secret)
    _png_header_only(folder / "bomb.png", 30000, 30000)
    archive = tmp_path / "archive"
    result = sohoa("ingest", str(folder), "--archive", str(archive), "--json", timeout=240)
    assert result.returncode == 1, result.stderr
    by_name = {Path(line["source"]).name: line for line in lines(result)}
    assert len(by_name) == 5  # every input reported
    assert by_name[good.name]["status"] == "archived"
    assert by_name[long_name.name]["status"] == "archived"
    assert "FIFO" in by_name["x.jpg"]["error"]
    assert "symbolic link" in by_name["passwd.jpg"]["error"]
    assert "30000 × 30000" in by_name["bomb.png"]["error"]
    assert "page too large" in by_name["bomb.png"]["error"]
    kept = [p for p in (archive / "quarantine").iterdir() if not p.name.endswith(".reason.txt")]
    assert [p.name for p in kept] == [p.name for p in kept if "bomb" in p.name]  # no FIFO, no link
    assert not any("mật khẩu" in p.read_text(errors="ignore") for p in kept if p.is_file())
    assert_whole(archive, 2)


@pytest.mark.slow
def test_ingest_dot_twice_keeps_scans_apart_and_never_takes_its_archive(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    scans(folder, 2)
    first = sohoa("ingest", ".", "--json", cwd=folder)
    assert first.returncode == 0, first.stderr
    assert [line["status"] for line in lines(first)] == ["archived", "archived"]
    assert all(line["pages"] == 1 for line in lines(first))
    second = sohoa("ingest", ".", "--json", cwd=folder)
    assert second.returncode == 0, second.stderr
    assert [line["status"] for line in lines(second)] == ["duplicate", "duplicate"]
    assert not list((folder / "archive" / "quarantine").iterdir())
    assert_whole(folder / "archive", 2)


# --- many processes on one archive ---------------------------------------------------------


@pytest.mark.slow
def test_two_ingests_of_the_same_inputs_give_one_document_each(tmp_path: Path) -> None:
    inputs = scans(tmp_path / "in", 4)
    archive = tmp_path / "archive"
    sohoa("ingest", str(inputs[0]), "--archive", str(archive))  # the archive and its identity
    args = ["ingest", *map(str, inputs), "--archive", str(archive), "--json", "--jobs", "1"]
    command = [sys.executable, "-m", "tests.driver", "--", *args]
    procs = [
        subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    statuses: dict[str, list[str]] = {}
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr.decode()
        reported = [json.loads(line) for line in stdout.decode().splitlines()]
        assert [Path(r["source"]).name for r in reported] == [p.name for p in inputs]
        for r in reported:
            statuses.setdefault(r["source"], []).append(r["status"])
    for source in map(str, inputs[1:]):
        assert sorted(statuses[source]) == ["archived", "duplicate"], statuses[source]
    assert_whole(archive, 4)


@pytest.mark.slow
def test_ingest_beside_review_and_verify_loses_nothing(tmp_path: Path) -> None:
    inputs = scans(tmp_path / "in", 4)
    archive = tmp_path / "archive"
    assert sohoa("ingest", str(inputs[0]), "--archive", str(archive)).returncode == 0
    result, beside = ingest_beside(archive, inputs, lambda n: (("review",), ("verify", "--all")))
    codes = [code for _, code, _ in beside]
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in lines(result)] == ["duplicate"] + ["archived"] * 3
    assert codes and 70 not in codes and set(codes) <= {0, 1, 2}, codes
    assert_whole(archive, 4)


CRASH_POINTS = {
    # while the signed PDF sits in the process's staging folder
    "after signing": "sohoa.pipeline.orchestrator:verify_file",
    # with every file of the object staged, before the rename
    "staged": "sohoa.archive.store:write_sidecar",
    # after the object is in place, before the index row is committed
    "renamed": "sohoa.archive.store:Archive._insert",
}


@pytest.mark.slow
@pytest.mark.parametrize("point", CRASH_POINTS.values(), ids=CRASH_POINTS.keys())
def test_sigkill_at_any_point_then_a_rerun_completes(tmp_path: Path, point: str) -> None:
    inputs = scans(tmp_path / "in", 2)
    archive = tmp_path / "archive"
    args = ("ingest", *map(str, inputs), "--archive", str(archive), "--json")
    crashed = sohoa(*args, patch=("--crash", point))
    assert crashed.returncode == -9, crashed.stderr
    rerun = sohoa(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert {r["status"] for r in lines(rerun)} <= {"archived", "duplicate"}
    assert all(p.exists() for p in inputs)
    assert_whole(archive, 2)


# --- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    with tmpfs(tmp_path / "disk", "24m") as mount:
        yield mount


def _fill(disk: Path, leave: int) -> Path:
    ballast = disk / "ballast"
    free = shutil.disk_usage(disk).free
    with ballast.open("wb") as fh:
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - leave))
    return ballast


@pytest.mark.slow
def test_a_disk_that_fills_mid_batch_is_named_and_the_next_run_completes(
    tmp_path: Path, small_disk: Path
) -> None:
    inputs = scans(tmp_path / "in", 5, dpi=150, noise=True)
    archive = small_disk / "archive"
    floor = ("--set", "sohoa.preflight:MIN_FREE_BYTES=0")
    first = sohoa("ingest", str(inputs[0]), "--archive", str(archive), patch=floor)
    assert first.returncode == 0, first.stderr
    per_document = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file()) // 2
    ballast = _fill(small_disk, leave=2 * per_document + (per_document // 2))
    args = ("ingest", *map(str, inputs), "--archive", str(archive), "--json")
    full = sohoa(*args, patch=floor)
    assert full.returncode == 5, full.stderr
    assert "no space left on" in full.stderr
    reported = lines(full)
    assert len(reported) == len(inputs)  # every input reported
    statuses = [r["status"] for r in reported]
    assert "untouched" in statuses and "quarantined" not in statuses, statuses
    assert all(p.exists() for p in inputs)
    ballast.unlink()
    rerun = sohoa(*args, patch=floor)
    assert rerun.returncode == 0, rerun.stderr
    assert_whole(archive, len(inputs))


@pytest.mark.slow
def test_a_full_disk_at_start_is_named_not_an_unreadable_index(
    tmp_path: Path, small_disk: Path
) -> None:
    first, second = scans(tmp_path / "in", 2)
    archive = small_disk / "archive"
    floor = ("--set", "sohoa.preflight:MIN_FREE_BYTES=0")
    assert sohoa("ingest", str(first), "--archive", str(archive), patch=floor).returncode == 0
    _fill(small_disk, leave=0)
    for patch in ((), floor):  # refused by the preflight, or met when the index is opened
        result = sohoa("ingest", str(second), "--archive", str(archive), patch=patch)
        assert result.returncode == 5, result.stderr
        assert "no space left on" in result.stderr and "unreadable" not in result.stderr
        assert second.exists()
