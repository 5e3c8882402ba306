"""Issue 11 end to end: the real CLI on real signed documents — QR dossier codes, search,
lookup, two copies, check, repair, the log, BagIt export validated by the Library of
Congress's bagit-python and imported again, and processes working side by side."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.pipeline.cleanup import clean_page
from sohoa.pipeline.codes import read_codes
from sohoa.scanners.loader import load_page, open_document
from tests.test_robustness import (
    ENV,
    REPO,
    _fill,
    assert_whole,
    index,
    ingest_beside,
    lines,
    scans,
    small_disk,  # noqa: F401  (fixture)
    sohoa,
)

DOSSIER_SAMPLES = REPO / "samples" / "dossier"
EXPECTED = json.loads((DOSSIER_SAMPLES / "expected.json").read_text(encoding="utf-8"))
BAGIT = Path(sys.executable).parent / "bagit.py"


def test_qr_codes_are_read_on_the_cleaned_page_and_a_smudged_one_reads_nothing() -> None:
    for sample in EXPECTED:
        document = open_document(DOSSIER_SAMPLES / sample["file"])
        clean = clean_page(load_page(document.pages[0]), osd=lambda image, dpi: None)
        expected = (sample["qr_text"],) if sample["qr_text"] else ()
        assert read_codes(clean.ocr_image) == expected, sample["file"]


@pytest.mark.slow
def test_ingest_links_each_sample_to_the_dossier_its_qr_or_name_gives(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    inputs = [str(DOSSIER_SAMPLES / s["file"]) for s in EXPECTED]
    result = sohoa("ingest", *inputs, "--archive", str(archive), "--json")
    assert result.returncode == 0, result.stderr
    by_name = {Path(r["source"]).name: r for r in lines(result)}
    for sample in EXPECTED:
        assert by_name[sample["file"]]["dossiers"] == [sample["dossier"]], sample["file"]
    origins = dict(index(archive).execute("SELECT dossier_code, origin FROM document_dossiers"))
    assert origins == {s["dossier"]: s["origin"] for s in EXPECTED}
    held = sohoa("lookup", "--dossier", EXPECTED[0]["dossier"], "--archive", str(archive), "--json")
    assert held.returncode == 0 and json.loads(held.stdout)["documents"] == 1
    # --dossier on the command line wins over the QR code
    other = tmp_path / "other"
    forced = sohoa(
        "ingest", inputs[0], "--archive", str(other), "--dossier", "H34.9-250101-0001", "--json"
    )
    assert lines(forced)[0]["dossiers"] == ["H34.9-250101-0001"]


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three signed documents in an archive with a replica; one in a dossier."""
    tmp = tmp_path_factory.mktemp("archived")
    inputs = scans(tmp / "in", 3)
    archive, replica = tmp / "archive", tmp / "copy2"
    replica.mkdir()
    first = sohoa(
        "ingest", str(inputs[0]), "--archive", str(archive), "--replica", str(replica),
        "--dossier", "000.00.17.H34-230512-0003",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    rest = sohoa(
        "ingest", *map(str, inputs[1:]), "--archive", str(archive), "--replica", str(replica)
    )
    assert rest.returncode == 0, rest.stderr
    return {"tmp": tmp, "archive": archive, "replica": replica, "inputs": inputs[0].parent}


def _copy(archived: dict[str, Path], tmp_path: Path) -> tuple[Path, Path]:
    archive, replica = tmp_path / "archive", tmp_path / "copy2"
    shutil.copytree(archived["archive"], archive, symlinks=True)
    shutil.copytree(archived["replica"], replica, symlinks=True)
    return archive, replica


@pytest.mark.slow
def test_search_list_and_lookup_on_the_command_line(archived: dict[str, Path]) -> None:
    a = ("--archive", str(archived["archive"]))
    found = sohoa("search", "quyet dinh so hoa", *a, "--json")
    assert found.returncode == 0, found.stderr
    hits = lines(found)
    assert len(hits) == 3 and all(h["snippet"] and h["highlights"] for h in hits)
    marked = {hits[0]["snippet"][s:e].lower() for s, e in hits[0]["highlights"]}
    assert marked & {"quyết", "định", "số", "hóa"}
    assert sohoa("search", "ngân hàng thế giới xyz", *a).returncode == 1  # nothing found
    listed = lines(sohoa("list", *a, "--dossier", "000.00.17.H34-230512-0003", "--json"))
    assert len(listed) == 1 and listed[0]["dossiers"] == ["000.00.17.H34-230512-0003"]
    assert sohoa("lookup", "--citizen", "079123456789", *a).returncode == 1
    assert sohoa("lookup", *a).returncode == 3


@pytest.mark.slow
def test_check_is_clean_then_catches_damage_and_repair_restores(
    archived: dict[str, Path], tmp_path: Path
) -> None:
    archive, replica = _copy(archived, tmp_path)
    a = ("--archive", str(archive), "--replica", str(replica))
    clean = sohoa("archive", "check", *a, "--json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    report = json.loads(clean.stdout)
    assert report["ok"] and report["signatures_checked"] == 3 and report["documents_checked"] == 3
    pdf = next(archive.glob("objects/*/*/document.pdf"))
    pdf.chmod(0o644)
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pdf.write_bytes(bytes(data))
    damaged = sohoa("archive", "check", *a, "--json")
    assert damaged.returncode == 1
    kinds = [(f["kind"], f["copy"]) for f in json.loads(damaged.stdout)["findings"]]
    assert kinds == [("changed", "primary")]
    repaired = sohoa("archive", "repair", *a, "--json")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert [r["repaired"] for r in lines(repaired)] == [True]
    assert sohoa("archive", "check", *a).returncode == 0
    log = sohoa("archive", "log", "--archive", str(archive), "--verify", "--json")
    assert log.returncode == 0 and lines(log)[-1]["verified"] is True
    assert [e["action"] for e in lines(log)[:-1]].count("repair") == 1


@pytest.mark.slow
def test_a_replica_that_cannot_be_written_fails_the_ingest_loudly(tmp_path: Path) -> None:
    (scan,) = scans(tmp_path / "in", 1)
    archive = tmp_path / "archive"
    result = sohoa(
        "ingest", str(scan), "--archive", str(archive), "--replica", str(tmp_path / "unmounted")
    )
    assert result.returncode == 5, result.stderr
    assert "replica" in result.stderr and "mounted" in result.stderr
    assert scan.exists() and not (tmp_path / "unmounted").exists()


@pytest.mark.slow
def test_a_replica_disk_that_fills_stops_the_batch_with_inputs_untouched(
    tmp_path: Path,
    small_disk: Path,  # noqa: F811
) -> None:
    inputs = scans(tmp_path / "in", 3, dpi=150, noise=True)
    archive = tmp_path / "archive"
    _fill(small_disk, leave=64 << 10)
    result = sohoa(
        "ingest", *map(str, inputs), "--archive", str(archive), "--replica", str(small_disk), "--json"
    )  # fmt: skip
    assert result.returncode == 5, result.stderr
    statuses = [r["status"] for r in lines(result)]
    assert "archived" not in statuses and "quarantined" not in statuses, statuses
    assert all(p.exists() for p in inputs)
    assert not list((archive / "objects").glob("*/*"))  # never one copy without the other


@pytest.mark.slow
def test_export_is_a_valid_bag_that_imports_into_another_archive(
    archived: dict[str, Path], tmp_path: Path
) -> None:
    source = archived["archive"]
    bag = tmp_path / "bag"
    exported = sohoa("export", "--bagit", str(bag), "--all", "--archive", str(source), "--json")
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["documents"]) == 3
    valid = subprocess.run([str(BAGIT), "--validate", str(bag)], capture_output=True, text=True)
    assert valid.returncode == 0, valid.stderr
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for label in ("Bagging-Date:", "Payload-Oxum:", "Source-Organization:"):
        assert label in info
    folder = next(p for p in (bag / "data").iterdir() if p.name != "dossiers")
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert {"CodeNumber", "TypeName", "OrganName", "SignerInfo"} <= set(metadata)
    assert b"<premis:eventType>ingestion</premis:eventType>" in (folder / "premis.xml").read_bytes()
    assert (bag / "data" / "dossiers" / "000.00.17.H34-230512-0003.json").is_file()
    # refused without trust in the source's signing root, imported with it
    target = tmp_path / "other"
    untrusted = sohoa("import", "--bagit", str(bag), "--archive", str(target), "--json")
    assert untrusted.returncode == 1 and {r["status"] for r in lines(untrusted)} == {"refused"}
    root = source / "identity" / "demo-root-ca.crt.pem"
    imported = sohoa(
        "import", "--bagit", str(bag), "--archive", str(target), "--trust", str(root), "--json"
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert [r["status"] for r in lines(imported)] == ["imported"] * 3
    again = sohoa(
        "import", "--bagit", str(bag), "--archive", str(target), "--trust", str(root), "--json"
    )
    assert [r["status"] for r in lines(again)] == ["duplicate"] * 3
    config = tmp_path / "sohoa.toml"
    config.write_text(f'[verify]\ntrust = ["{root}"]\n', encoding="utf-8")
    check = sohoa("archive", "check", "--archive", str(target), "--config", str(config))
    assert check.returncode == 0, check.stdout
    held = sohoa("lookup", "--dossier", "000.00.17.H34-230512-0003", "--archive", str(target))
    assert held.returncode == 0
    # a changed byte in the bag: nothing is imported
    text = folder / "text.txt"
    text.write_text(text.read_text(encoding="utf-8") + "!", encoding="utf-8")
    third = tmp_path / "third"
    broken = sohoa("import", "--bagit", str(bag), "--archive", str(third), "--trust", str(root))
    assert broken.returncode == 1 and "text.txt" in broken.stderr
    assert not list((third / "objects").glob("*/*"))


# --- processes side by side ------------------------------------------------------------------


@pytest.mark.slow
def test_two_ingests_with_a_replica_then_check_and_log_are_whole(tmp_path: Path) -> None:
    inputs = scans(tmp_path / "in", 4)
    archive, replica = tmp_path / "archive", tmp_path / "copy2"
    replica.mkdir()
    a = ("--archive", str(archive), "--replica", str(replica))
    assert sohoa("ingest", str(inputs[0]), *a).returncode == 0
    command = [sys.executable, "-m", "tests.driver", "--", "ingest", *map(str, inputs), *a,
               "--json", "--jobs", "1"]  # fmt: skip
    procs = [
        subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()
    assert_whole(archive, 4)
    assert sohoa("archive", "check", *a).returncode == 0
    assert sohoa("archive", "log", "--archive", str(archive), "--verify").returncode == 0
    duplicates = index(archive).execute("SELECT count(*) FROM events WHERE action = 'duplicate'")
    assert duplicates.fetchone()[0] == 5  # 1 + 4 inputs seen again by the slower process


@pytest.mark.slow
def test_ingest_beside_edits_and_checks_corrupts_nothing(tmp_path: Path) -> None:
    inputs = scans(tmp_path / "in", 4)
    archive = tmp_path / "archive"
    first = sohoa("ingest", str(inputs[0]), "--archive", str(archive), "--json")
    assert first.returncode == 0, first.stderr
    document_id = lines(first)[0]["document_id"]
    result, codes = ingest_beside(
        archive,
        inputs,
        lambda n: (
            ("edit", document_id, "--set", f"subject=Kế hoạch số hóa lần {n}"),
            ("archive", "check", "--no-signatures"),
            ("dossier", "link", "000.00.17.H34-230512-0003", document_id),
        ),
    )
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in lines(result)] == ["duplicate"] + ["archived"] * 3
    assert codes and all(code == 0 for _, code, _ in codes), [c for c in codes if c[1]]
    assert_whole(archive, 4)
    assert sohoa("archive", "check", "--archive", str(archive)).returncode == 0
    assert sohoa("archive", "log", "--archive", str(archive), "--verify").returncode == 0


@pytest.mark.parametrize(
    "toml",
    [
        'dossier_pattern = "([unclosed"',
        'dossier_pattern = "(a)(b)"',
        "replica = 5",
        'station = " "',
    ],
    ids=["not a regex", "groups without code", "replica not a path", "blank station"],
)
def test_bad_issue_11_settings_are_exit_4_before_any_page(tmp_path: Path, toml: str) -> None:
    (scan,) = scans(tmp_path / "in", 1)
    config = tmp_path / "sohoa.toml"
    config.write_text(toml + "\n", encoding="utf-8")
    result = sohoa("ingest", str(scan), "--archive", str(tmp_path / "a"), "--config", str(config))
    assert result.returncode == 4, result.stderr
    assert toml.split("=")[0].strip() in result.stderr
    assert not (tmp_path / "a").exists()
