"""Arguments → documents: which files make one document, and what is never taken as input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sohoa.errors import UsageError
from sohoa.scanners.discover import DOCUMENT_MARKER, discover


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")


def _shape(folder: Path, sources) -> list[tuple[str, list[str]]]:
    return [(str(s.path.relative_to(folder)), [f.name for f in s.files]) for s in sources]


def test_unrelated_scans_in_one_folder_stay_separate_documents(tmp_path: Path) -> None:
    _touch(tmp_path, "quyết-định-151.jpg", "công-văn-05.png", "QD-152.jpg", "QD-153.jpg")
    sources = discover([tmp_path])
    assert _shape(tmp_path, sources) == [
        ("công-văn-05.png", []),
        ("QD-152.jpg", []),
        ("QD-153.jpg", []),
        ("quyết-định-151.jpg", []),
    ]
    assert {s.rule for s in sources} == {"file"}


def test_pages_named_with_a_shared_stem_are_one_document(tmp_path: Path) -> None:
    _touch(tmp_path / "hồ sơ", "page-1.jpg", "page-2.jpg", "page-10.jpg", "page-3.jpg")
    for n in range(4, 10):
        _touch(tmp_path / "hồ sơ", f"page-{n}.jpg")
    (source,) = discover([tmp_path / "hồ sơ"])
    assert source.path == tmp_path / "hồ sơ"
    assert [f.name for f in source.files] == [f"page-{n}.jpg" for n in range(1, 11)]
    assert source.rule == "pages named page-1.jpg … page-10.jpg"


def test_a_series_beside_other_scans_groups_only_the_series(tmp_path: Path) -> None:
    _touch(tmp_path, "scan_001.png", "scan_002.png", "giấy mời.jpg")
    shape = _shape(tmp_path, discover([tmp_path]))
    assert shape == [("giấy mời.jpg", []), ("scan_001.png", ["scan_001.png", "scan_002.png"])]


def test_numbers_that_are_not_page_numbers_do_not_group(tmp_path: Path) -> None:
    # 151, 152: document numbers, not pages counted from 1
    _touch(tmp_path, "qd-151.jpg", "qd-152.jpg", "trang-1.jpg", "trang-3.jpg")
    assert [s.files for s in discover([tmp_path])] == [(), (), (), ()]


def test_marker_or_option_makes_a_folder_one_document(tmp_path: Path) -> None:
    _touch(tmp_path / "a", "mặt trước.jpg", "mặt sau.jpg", DOCUMENT_MARKER)
    (source,) = discover([tmp_path / "a"])
    assert source.rule == ".document marker" and len(source.files) == 2
    _touch(tmp_path / "b", "front.jpg", "back.jpg")
    assert len(discover([tmp_path / "b"])) == 2
    (source,) = discover([tmp_path / "b"], one_document=True)
    assert source.rule == "--one-document" and source.path == tmp_path / "b"


def test_pdfs_tiffs_and_subfolders_are_documents_of_their_own(tmp_path: Path) -> None:
    _touch(tmp_path, "a.pdf", "b.tif")
    _touch(tmp_path / "c", "page-1.png", "page-2.png")
    assert _shape(tmp_path, discover([tmp_path])) == [
        ("a.pdf", []),
        ("b.tif", []),
        ("c", ["page-1.png", "page-2.png"]),
    ]


def test_an_archive_is_never_taken_as_input(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    _touch(scans, "a.jpg")
    _touch(scans / "archive" / "objects")
    (scans / "archive" / "index.sqlite").write_bytes(b"")
    _touch(scans / "other-archive" / "objects" / "ab", "page-1.jpg")
    (scans / "other-archive" / "index.sqlite").write_bytes(b"")
    _touch(scans / "configured-but-not-yet-created-archive", "x.jpg")
    sources = discover([scans], exclude=[scans / "configured-but-not-yet-created-archive"])
    assert [s.path for s in sources] == [scans / "a.jpg"]
    with pytest.raises(UsageError, match="is a sohoa archive"):
        discover([scans / "archive"])


def test_fifo_symlink_and_missing_paths(tmp_path: Path) -> None:
    _touch(tmp_path, "real.jpg")
    os.mkfifo(tmp_path / "x.jpg")
    (tmp_path / "passwd.jpg").symlink_to("/etc/passwd")
    by_name = {s.path.name: s for s in discover([tmp_path])}
    assert "FIFO" in by_name["x.jpg"].refusal
    assert "symbolic link" in by_name["passwd.jpg"].refusal
    assert by_name["real.jpg"].refusal is None
    followed = {s.path.name: s for s in discover([tmp_path], follow_symlinks=True)}
    assert "passwd" in followed and followed["passwd"].refusal is None
    with pytest.raises(UsageError, match="no such file"):
        discover([tmp_path / "không có.jpg"])


def test_hidden_and_temporary_files_are_ignored(tmp_path: Path) -> None:
    _touch(tmp_path, ".~lock.jpg", "Thumbs.db", "scan.jpg.part", "scan.jpg")
    assert [s.path.name for s in discover([tmp_path])] == ["scan.jpg"]
