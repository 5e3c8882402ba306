"""Trust is explicit: anchors only from --trust, sohoa.toml, --trust-system or a named archive.

The attack of issue 8: a PDF signed by an attacker's own CA, placed in a folder
shaped like an archive (index.sqlite, objects/, the attacker's root saved as
identity/demo-root-ca.crt.pem), or verified from a directory holding such an
./archive, verified "VALID, intact and trusted". Both must give exit 2 now.
Real parts: real signatures, the real CLI in a subprocess, real SQLite.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.archive import index
from sohoa.archive.fsutil import sha256_file
from sohoa.config import Settings
from sohoa.signing.identity import DEMO_DIR, DEMO_ROOT_CERT, load_identity
from sohoa.signing.sign import sign_pdf
from sohoa.signing.trust import fingerprint, is_test_certificate
from tests.pki.fixtures import make_pdfa

SOHOA = [sys.executable, "-m", "sohoa.cli"]
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SOHOA_ARCHIVE", "SOHOA_CONFIG")}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*SOHOA, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        timeout=300,
    )


def _forged_archive(folder: Path, tmp: Path) -> Path:
    """A folder shaped like an archive, holding a PDF signed by its own (attacker's) root."""
    identity = load_identity(Settings(archive=folder), folder)  # writes identity/ in `folder`
    src = make_pdfa(tmp / "in.pdf")
    obj = folder / "objects" / "ab" / "abcdef0123456789"
    obj.mkdir(parents=True)
    pdf = obj / "document.pdf"
    sign_pdf(src, pdf, identity, agency_name="Sở Tài chính")
    index.connect(folder / "index.sqlite").close()
    return pdf


def _index_row(archive: Path, pdf: Path, meta: dict[str, str]) -> None:
    db = sqlite3.connect(archive / "index.sqlite")
    rel = pdf.relative_to(archive).as_posix()
    db.execute(
        """INSERT INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256, text_path,
           original_path, pages, metadata, signature_level, signer_subject, signed_at,
           mean_confidence, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            "abcdef0123456789", "0" * 64, "scan.jpg", str(pdf.parent.relative_to(archive)), rel,
            sha256_file(pdf), "t.txt", "o.jpg", 1, json.dumps(meta, ensure_ascii=False),
            "B-B", "DEMO", "2025-01-01T00:00:00+07:00", 90.0, "2025-01-01T00:00:00+07:00",
        ),
    )  # fmt: skip
    db.commit()
    db.close()


@pytest.fixture
def forged(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "forged"
    return folder, _forged_archive(folder, tmp_path)


def _json(result: subprocess.CompletedProcess) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    return json.loads(lines[0])


def test_a_folder_shaped_like_an_archive_lends_no_trust(forged, tmp_path: Path) -> None:
    _folder, pdf = forged
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    result = run("verify", str(pdf), "--json", cwd=elsewhere)
    assert result.returncode == 2, result.stdout + result.stderr
    sig = _json(result)["signatures"][0]
    assert sig["intact"] and not sig["trusted"] and sig["trust_anchor"] is None


def test_an_archive_in_the_current_directory_lends_no_trust(forged, tmp_path: Path) -> None:
    folder, pdf = forged
    auditor = tmp_path / "cwd"
    auditor.mkdir()
    folder.rename(auditor / "archive")  # ./archive with the attacker's root
    moved = auditor / "archive" / pdf.relative_to(folder)
    result = run("verify", str(moved), "--json", cwd=auditor)
    assert result.returncode == 2, result.stdout + result.stderr
    result = run("verify", "archive/objects/ab/abcdef0123456789/document.pdf", cwd=auditor)
    assert result.returncode == 2


def test_a_named_archive_is_trusted_and_its_demo_shown_without_legal_value(
    forged, tmp_path: Path
) -> None:
    folder, pdf = forged
    result = run("verify", str(pdf), "--archive", str(folder), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    sig = _json(result)["signatures"][0]
    assert sig["trusted"] and sig["demo"]
    root = load_identity(Settings(archive=folder), folder).chain[0]
    assert sig["trust_anchor"]["sha256"] == fingerprint(root)
    assert sig["trust_anchor"]["source"].startswith("identity of archive ")
    assert sig["signing_time_claimed"].endswith("+07:00")


def test_a_configured_archive_vouches_only_for_the_files_it_knows(forged, tmp_path: Path) -> None:
    folder, pdf = forged
    stranger = tmp_path / "stranger.pdf"
    sign_pdf(
        make_pdfa(tmp_path / "other.pdf"),
        stranger,
        load_identity(Settings(archive=folder), folder),
        agency_name="Sở Tài chính",
    )
    meta = {
        "type_name": "Quyết định",
        "code_number": "151",
        "code_notation": "QĐ-STC",
        "issued_date": "2021-05-31",
        "organ_name": "SỞ TÀI CHÍNH",
    }
    _index_row(folder, pdf, meta)
    env = {"SOHOA_ARCHIVE": str(folder)}
    known = run("verify", str(pdf), "--json", cwd=tmp_path, env=env)
    assert known.returncode == 0, known.stdout + known.stderr
    document = _json(known)["document"]
    assert document["code"] == "151/QĐ-STC" and document["type_name"] == "Quyết định"
    unknown = run("verify", str(stranger), "--json", cwd=tmp_path, env=env)
    assert unknown.returncode == 2, unknown.stdout + unknown.stderr


def test_trust_file_and_config_name_where_the_anchor_was_configured(forged, tmp_path: Path) -> None:
    folder, pdf = forged
    root = folder / DEMO_DIR / DEMO_ROOT_CERT
    given = run("verify", str(pdf), "--trust", str(root), "--json", cwd=tmp_path)
    assert given.returncode == 0
    assert _json(given)["signatures"][0]["trust_anchor"]["source"] == f"--trust {root}"
    (tmp_path / "sohoa.toml").write_text(f'[verify]\ntrust = ["{root}"]\n', encoding="utf-8")
    configured = run("verify", str(pdf), "--json", cwd=tmp_path)
    assert configured.returncode == 0
    source = _json(configured)["signatures"][0]["trust_anchor"]["source"]
    assert source.startswith("sohoa.toml [verify] trust")


def test_trust_add_list_remove_keep_the_config_and_show_fingerprints(
    forged, tmp_path: Path
) -> None:
    folder, pdf = forged
    root = folder / DEMO_DIR / DEMO_ROOT_CERT
    config = tmp_path / "sohoa.toml"
    config.write_text('# cấu hình của Sở\nagency_name = "Sở Tài chính"\n', encoding="utf-8")
    added = run("trust", "add", str(root), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    cert = load_identity(Settings(archive=folder), folder).chain[0]
    assert fingerprint(cert) in added.stdout
    assert "[verify] trust of" in added.stdout  # printed as it is, not read as markup
    text = config.read_text(encoding="utf-8")
    assert "# cấu hình của Sở" in text and "[verify]" in text
    listed = run("trust", "list", "--json", cwd=tmp_path)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["sha256"] for r in rows] == [fingerprint(cert)] and rows[0]["demo"]
    assert run("verify", str(pdf), cwd=tmp_path).returncode == 0
    assert run("trust", "add", str(root), cwd=tmp_path).stdout.startswith("already trusted")
    removed = run("trust", "remove", fingerprint(cert)[:23], cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert run("verify", str(pdf), cwd=tmp_path).returncode == 2
    assert run("trust", "remove", "AB:CD:EF:01", cwd=tmp_path).returncode == 3


def test_verify_without_files_is_a_usage_error_and_a_non_archive_is_refused(
    tmp_path: Path,
) -> None:
    assert run("verify", cwd=tmp_path).returncode == 3
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run("verify", "--archive", str(plain), "--all", cwd=tmp_path)
    assert result.returncode == 3  # a usage error, as for every command (README, exit codes)
    assert "not a sohoa archive" in " ".join(result.stderr.split())
    assert list(plain.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["plain"]
    missing = run("verify", "--archive", str(tmp_path / "none"), "--all", cwd=tmp_path)
    assert missing.returncode == 3 and not (tmp_path / "none").exists()


def test_at_is_read_as_vietnam_time(forged, tmp_path: Path) -> None:
    _folder, pdf = forged
    result = run("verify", str(pdf), "--at", "2025-01-01", "--json", cwd=tmp_path)
    assert _json(result)["validated_at"] == "2025-01-01T00:00:00+07:00"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[verify]\ntrust = "root.pem"\n', "must be a list"),
        ("[verify]\ntrusted = []\n", "unknown key 'trusted'"),
    ],
)
def test_bad_verify_config_is_a_config_error(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "sohoa.toml").write_text(toml, encoding="utf-8")
    result = run("verify", "x.pdf", cwd=tmp_path)
    assert result.returncode == 4 and message in " ".join(result.stderr.split())


def test_demo_certificates_are_recognised(tmp_path: Path) -> None:
    demo = load_identity(Settings(archive=tmp_path / "a"), tmp_path / "a")
    assert is_test_certificate(demo.certificate) and is_test_certificate(demo.chain[0])
