"""An archive signed at B-LTA with a real (test) CA and TSA, renewed from the CLI, still verifies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.archive.store import Archive, sha256_file
from tests.imaging import text_page
from tests.pki.fixtures import PkiHarness, pki_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def sohoa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )


def test_b_lta_archive_is_renewed_and_still_verifies(pki: PkiHarness, tmp_path: Path) -> None:
    p12 = tmp_path / "agency.p12"
    p12.write_bytes(pki.pkcs12("signer", b"mat-khau"))
    root = tmp_path / "root.der"
    root.write_bytes(pki.root.dump())
    config = tmp_path / "sohoa.toml"
    config.write_text(
        f'agency_name = "SỞ TÀI CHÍNH TỈNH GIA LAI"\n[signing]\ntrust_roots = ["{root}"]\n',
        encoding="utf-8",
    )
    env = {
        "SOHOA_CONFIG": str(config),
        "SOHOA_PKCS12": str(p12),
        "SOHOA_PKCS12_PASSPHRASE": "mat-khau",
        "SOHOA_TSA_URL": pki.tsa_url("tsa-short"),  # its certificate expires in 20 days
    }
    scan = tmp_path / "quyet-dinh.png"
    text_page(dpi=150, repeat=1).convert("L").save(scan, dpi=(150, 150))
    archive = tmp_path / "archive"

    result = sohoa("ingest", str(scan), "--archive", str(archive), "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    line = json.loads(result.stdout)
    assert line["signature"]["level"] == "B-LTA"  # a TSA is configured: the archive default

    result = sohoa(
        "archive", "renew", "--archive", str(archive), "--before", "10", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "not-due"

    before = Path(line["pdf"]).read_bytes()
    result = sohoa(
        "archive", "renew", "--archive", str(archive), "--before", "30", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "renewed"
    after = Path(line["pdf"]).read_bytes()
    assert after.startswith(before) and len(after) > len(before)  # appended, never rewritten

    store = Archive(archive)
    assert store.pdf_sha256(line["document_id"]) == sha256_file(Path(line["pdf"]))  # fixity follows
    actions = [row["action"] for row in store.db.execute("SELECT action FROM events")]
    store.close()
    assert "renew" in actions

    result = sohoa("verify", "--archive", str(archive), "--all", "--json", env=env)
    assert result.returncode == 0, result.stdout
    verdict = json.loads(result.stdout)
    assert verdict["signatures"][0]["level"] == "B-LTA"
    assert len(verdict["document_timestamps"]) == 2
