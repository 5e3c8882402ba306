"""The CLI: every command documented, errors mapped to exit codes, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.cli import app

SOHOA = [sys.executable, "-m", "sohoa.cli"]


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SOHOA, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_every_command_has_help_text() -> None:
    import typer.main

    group = typer.main.get_command(app)
    assert group.commands, "no commands registered"
    for name, command in group.commands.items():
        assert command.help and len(command.help.strip()) > 20, f"{name} has no help text"
        for param in command.params:
            if param.name in ("help",):
                continue
            assert getattr(param, "help", None) or param.param_type_name == "argument", (
                f"{name} --{param.name} has no help"
            )


def test_help_runs() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("ingest", "verify", "doctor", "demo"):
        assert command in result.stdout


def test_usage_error_is_bad_input_not_indeterminate() -> None:
    # Click's default exit code 2 would read as "trust cannot be established" to a script.
    result = run("verify", "--no-such-option")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr


def test_doctor_reports_every_tool() -> None:
    result = run("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("tesserocr", "vie.traineddata", "osd.traineddata", "poppler", "signing identity"):
        assert name in result.stdout


def test_doctor_fails_with_the_fix_when_vie_is_missing(tmp_path: Path) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"x")
    result = run("doctor", env={"SOHOA_TESSDATA": str(tmp_path), "TESSDATA_PREFIX": str(tmp_path)})
    assert result.returncode != 0
    # The message must say what to run; the table may wrap it, so compare without spaces.
    assert "tesseract-ocr-vie" in "".join(result.stdout.split())


def test_config_rejects_unknown_keys(tmp_path: Path) -> None:
    config = tmp_path / "sohoa.toml"
    config.write_text('archve = "typo"\n', encoding="utf-8")
    result = run("doctor", "--config", str(config))
    assert result.returncode == 4
    assert "archve" in result.stderr


@pytest.mark.slow
def test_ingest_refuses_bad_inputs_with_their_reason(tmp_path: Path) -> None:
    empty = tmp_path / "trống.jpg"
    empty.write_bytes(b"")
    fake = tmp_path / "công văn.pdf"
    fake.write_text("không phải PDF", encoding="utf-8")
    archive = tmp_path / "archive"
    result = run("ingest", str(empty), str(fake), "--archive", str(archive), "--json")
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["quarantined", "quarantined"]
    assert "trống.jpg" in lines[0]["error"] and "empty file" in lines[0]["error"]
    assert "công văn.pdf" in lines[1]["error"] and "not a PDF" in lines[1]["error"]
    assert empty.exists() and fake.exists()  # never deleted
    reasons = sorted((archive / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == 2
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_demo_archives_and_verifies_every_sample(tmp_path: Path) -> None:
    archive = tmp_path / "demo-archive"
    result = run("demo", "--archive", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8/8 documents archived and verified" in result.stdout
    assert "valid" in result.stdout and "Quyết định" in result.stdout
    # then the one-stop papers and the register: the demo ends with where the office stands
    assert "tb-ket-qua-ho-so.jpg → hồ sơ 000.00.17.H34-230512-0003" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Progress on ")
    assert "2 / 10 digitized (20.0 %)" in result.stdout
    # Run again: the demo archive is recreated, not refused or doubled.
    again = run("demo", "--archive", str(archive))
    assert again.returncode == 0
    assert "8/8 documents archived and verified" in again.stdout


def test_names_with_brackets_are_printed_as_they_are(tmp_path: Path) -> None:
    # rich reads "[...]" as markup: a file named so must still be named in full
    odd = tmp_path / "[bản sao] công văn.pdf"
    odd.write_text("không phải PDF", encoding="utf-8")
    result = run("verify", str(odd))
    assert result.returncode == 3
    assert "[bản sao] công văn.pdf" in result.stdout + result.stderr
