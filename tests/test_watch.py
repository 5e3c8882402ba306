"""The watched inbox, piece by piece (issue 12): what stands still, what is whole, the durable
queue, the inbox lock, the warm pool. Real files, real SQLite, real OCR workers; a manual
clock where waiting would only slow the test down."""

from __future__ import annotations

import errno
import io
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from sohoa.archive.jobs import JobQueue, status
from sohoa.archive.store import Archive
from sohoa.config import load_settings
from sohoa.errors import UsageError
from sohoa.models import PageRef
from sohoa.pipeline.pages import PageOptions
from sohoa.pipeline.pool import PagePool
from sohoa.scanners.complete import incomplete
from sohoa.scanners.formats import is_candidate
from sohoa.scanners.inbox import InboxScanner, fingerprint
from sohoa.scanners.inbox_lock import InboxLock, holder_of
from sohoa.vntime import now
from tests.imaging import text_page
from tests.mounts import tmpfs

REPO = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def tick(self, seconds: float) -> None:
        self.t += seconds


def _jpeg(path: Path, mark: int = 0) -> bytes:
    page = text_page(dpi=60, repeat=1)
    page.putpixel((mark, 0), (0, 0, 0))
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=80, dpi=(60, 60))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def _due(scanner: InboxScanner, window: float = 2.0) -> dict[str, tuple]:
    return {e.path.name: (e, age, problem) for e, age, problem in scanner.due(window, window)}


# --- what stands still -------------------------------------------------------------------


def test_a_file_is_due_only_once_it_stood_still_for_the_window(tmp_path: Path) -> None:
    clock = Clock()
    scan = tmp_path / "quầy-1" / "quyết định.jpg"
    data = _jpeg(scan)
    scan.write_bytes(data[:1000])
    scanner = InboxScanner(tmp_path, clock=clock)
    scanner.scan()
    assert _due(scanner) == {}
    clock.tick(1.5)
    scan.write_bytes(data)  # still being written: the window starts again
    scanner.scan()
    clock.tick(1.5)
    scanner.scan()
    assert _due(scanner) == {}
    assert scanner.next_due(2.0, 2.0) == pytest.approx(0.5)
    clock.tick(0.6)
    scanner.scan()
    due = _due(scanner)
    assert list(due) == ["quyết định.jpg"]
    entry, age, _ = due["quyết định.jpg"]
    assert entry.station == "quầy-1" and age >= 2.0
    scan.unlink()  # a file that vanishes is forgotten
    scanner.scan()
    assert _due(scanner) == {} and scanner.watching() == 0


def test_stations_documents_and_what_is_never_looked_at(tmp_path: Path) -> None:
    clock = Clock()
    station = tmp_path / "quay-2"
    _jpeg(station / "công văn.jpg")
    _jpeg(station / "hồ sơ" / "page-1.jpg", 1)
    _jpeg(station / "hồ sơ" / "page-2.jpg", 2)
    (station / "hồ sơ" / "Thumbs.db").write_bytes(b"cache")
    for junk in (
        ".~lock.x#",
        "x.pdf.part",
        "~$bản nháp.docx",
        "scan.tmp",
        "Thumbs.db",
        ".DS_Store",
    ):
        (station / junk).write_bytes(b"x")
    (station / "@eaDir").mkdir()
    (station / "liên kết.jpg").symlink_to(station / "công văn.jpg")
    _jpeg(tmp_path / "gốc.jpg", 3)  # a document of no station
    archive = Archive(tmp_path / "archive", create=True)
    archive.close()
    scanner = InboxScanner(tmp_path, exclude=(tmp_path / "archive",), clock=clock)
    scanner.scan()
    due = _due(scanner)
    assert sorted(due) == ["liên kết.jpg"]  # a refusal is due at once, never followed
    assert "symbolic link" in (due["liên kết.jpg"][0].refusal or "")
    clock.tick(2.0)
    scanner.scan()
    due = _due(scanner)
    assert sorted(due) == ["công văn.jpg", "gốc.jpg", "hồ sơ", "liên kết.jpg"]
    folder = due["hồ sơ"][0]
    assert folder.is_folder and [p.name for p in folder.files] == ["page-1.jpg", "page-2.jpg"]
    assert due["gốc.jpg"][0].station is None and folder.station == "quay-2"
    assert not is_candidate(Path("~$bản nháp.docx")) and not is_candidate(Path("x.PART"))


def test_a_page_folder_with_a_ready_marker_is_due_at_once(tmp_path: Path) -> None:
    clock = Clock()
    folder = tmp_path / "quay-1" / "hồ sơ 17"
    _jpeg(folder / "1.jpg")
    scanner = InboxScanner(tmp_path, clock=clock)
    scanner.scan()
    assert _due(scanner) == {}
    (folder / ".ready").touch()
    scanner.scan()
    (entry, _, _) = _due(scanner)["hồ sơ 17"]
    assert entry.ready
    (folder / "2.jpg").symlink_to("/etc/passwd")
    scanner.scan()
    (entry, _, _) = _due(scanner)["hồ sơ 17"]
    assert entry.refusal is not None and "2.jpg" in entry.refusal


def test_taken_and_settled_inputs_are_not_offered_again(tmp_path: Path) -> None:
    clock = Clock()
    station = tmp_path / "quay-1"
    taken, kept = station / "a.jpg", station / "b.jpg"
    _jpeg(taken)
    _jpeg(kept, 1)
    scanner = InboxScanner(tmp_path, clock=clock)
    scanner.scan()
    clock.tick(3)
    scanner.scan()
    scanner.take(taken)
    entry = fingerprint(kept)
    assert entry is not None
    scanner.settle(kept, entry.fingerprint)  # the share did not let us remove it
    scanner.scan(full=True)
    assert _due(scanner) == {}
    # Rewritten in place, in the same second as its folder: only a full pass sees it.
    old = time.time() - 3600
    os.utime(station, (old, old))
    scanner.scan()
    _jpeg(kept, 2)
    os.utime(station, (old, old))
    scanner.scan()
    clock.tick(3)
    scanner.scan()
    assert _due(scanner) == {}
    scanner.scan(full=True)
    clock.tick(3)
    scanner.scan()
    assert list(_due(scanner)) == ["b.jpg"]


def test_an_input_given_back_is_watched_again_at_once(tmp_path: Path) -> None:
    clock = Clock()
    scan = tmp_path / "quay-1" / "a.jpg"
    _jpeg(scan)
    scanner = InboxScanner(tmp_path, clock=clock)
    scanner.scan()
    scanner.take(scan)
    old = time.time() - 3600
    os.utime(scan.parent, (old, old))  # its folder will not be listed again
    scanner.scan()
    assert scanner.watching() == 0
    scanner.release(scan)  # e.g. it changed after it was queued
    assert scanner.watching() == 1
    clock.tick(2)
    scanner.scan()
    assert list(_due(scanner)) == ["a.jpg"]


def test_an_inbox_that_goes_away_forgets_nothing(tmp_path: Path) -> None:
    clock = Clock()
    inbox = tmp_path / "share"
    _jpeg(inbox / "quay-1" / "a.jpg")
    scanner = InboxScanner(inbox, clock=clock)
    assert scanner.scan() is None and scanner.watching() == 1
    inbox.rename(tmp_path / "unmounted")  # the share went away
    why = scanner.scan()
    assert why is not None and "share" in why
    assert scanner.watching() == 1  # still known, not forgotten
    (tmp_path / "unmounted").rename(inbox)
    clock.tick(2)
    assert scanner.scan() is None
    assert list(_due(scanner)) == ["a.jpg"]


def test_a_new_file_in_an_unchanged_folder_listing_is_seen_on_the_next_pass(tmp_path: Path) -> None:
    station = tmp_path / "quay-1"
    station.mkdir()
    clock = Clock()
    scanner = InboxScanner(tmp_path, clock=clock)
    scanner.scan()
    _jpeg(station / "mới.jpg")  # the folder's mtime moves (or is too recent to trust)
    scanner.scan()
    assert scanner.watching() == 1


def test_the_lock_probe_tells_a_file_another_program_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sohoa.pipeline.watcher import _unreadable

    scan = tmp_path / "quay-1" / "khóa.jpg"
    _jpeg(scan)
    entry = fingerprint(scan)
    assert entry is not None and _unreadable(entry) is None
    real_open = os.open

    def busy(path: object, flags: int, *args: object) -> int:
        if os.fspath(path) == str(scan):  # type: ignore[arg-type]
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", busy)
    why = _unreadable(entry)
    assert why is not None and scan.name in why and "another program holds it" in why


# --- what is whole -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "save"),
    [
        ("jpeg", {"format": "JPEG", "quality": 85}),
        ("png", {"format": "PNG"}),
        ("pdf", {"format": "PDF"}),
        ("tiff", {"format": "TIFF", "compression": "tiff_lzw"}),
    ],
)
def test_a_file_cut_short_is_not_whole(tmp_path: Path, kind: str, save: dict) -> None:
    page = text_page(dpi=80, repeat=1)
    buffer = io.BytesIO()
    if kind == "tiff":
        page.save(buffer, save_all=True, append_images=[page], **save)
    else:
        page.save(buffer, **save)
    data = buffer.getvalue()
    whole = tmp_path / f"whole.{kind}"
    whole.write_bytes(data)
    assert incomplete(whole, kind) is None  # type: ignore[arg-type]
    for fraction in (0.5, 0.9):
        cut = tmp_path / f"cut-{fraction}.{kind}"
        cut.write_bytes(data[: int(len(data) * fraction)])
        why = incomplete(cut, kind)  # type: ignore[arg-type]
        assert why is not None and "still be writing" in why, (kind, fraction)


def test_padding_after_the_end_marker_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "padded.jpg"
    buffer = io.BytesIO()
    text_page(dpi=60, repeat=1).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue() + b"\x00" * 300)  # scanners pad to a block size
    assert incomplete(path, "jpeg") is None


# --- the durable queue -------------------------------------------------------------------


def test_the_queue_holds_one_open_job_per_input_and_counts_attempts(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    inbox = tmp_path / "inbox"
    queue = JobQueue(archive, inbox)
    path = inbox / "quay-1" / "tờ trình.jpg"
    first = queue.add(path, "quay-1", "f:1:2:3", "ab" * 32)
    assert queue.add(path, "quay-1", "f:1:2:3").id == first.id  # never queued twice
    (started,) = queue.start([first])
    assert started.state == "processing" and started.attempts == 1
    queue.requeue([started], "the TSA does not answer", delay=60)
    assert queue.due(10) == []  # backing off
    assert 50 < (queue.next_due_in() or 0) <= 60
    queue.requeue([started], None, counted=False)  # a graceful stop gives the attempt back
    (again,) = queue.due(10)
    assert again.attempts == 0 and again.last_error == "the TSA does not answer"
    (again,) = queue.start([again])
    queue.finish(again, "archived", document_id="abababababababab", pages=3)
    other = queue.add(inbox / "quay-2" / "hỏng.pdf", "quay-2", "f:9:9:9")
    (other,) = queue.start([other])
    queue.finish(other, "quarantined", error="hỏng.pdf: damaged PDF", input_left=True)
    assert queue.left_in_inbox() == [(inbox / "quay-2" / "hỏng.pdf", "f:9:9:9")]
    waiting = queue.add(inbox / "quay-2" / "chờ.jpg", "quay-2", "f:5:5:5")
    report = status(archive.db)["inboxes"][str(inbox.absolute())]
    assert report["queue_depth"] == 1 and report["archived"] == 1
    assert report["pages_per_minute"] == pytest.approx(0.3)
    assert report["oldest_queued_seconds"] is not None
    assert report["stations"]["quay-2"]["last_errors"][0]["error"] == "hỏng.pdf: damaged PDF"
    assert report["stations"]["quay-1"]["archived"] == 1
    assert waiting.created_at <= now() + timedelta(seconds=1)
    archive.close()


def test_the_queue_survives_the_process(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    archive = Archive(tmp_path / "archive", create=True)
    job = JobQueue(archive, inbox).add(inbox / "a.jpg", None, "f:1:1:1")
    JobQueue(archive, inbox).start([job])
    archive.close()  # the process dies here
    reopened = Archive(tmp_path / "archive")
    (left,) = JobQueue(reopened, inbox).open_jobs("processing")
    assert left.id == job.id and left.attempts == 1
    assert JobQueue(reopened, tmp_path / "other").open_jobs() == []  # another inbox's queue
    reopened.close()


# --- one watcher per inbox ---------------------------------------------------------------


def test_one_watcher_per_inbox(tmp_path: Path) -> None:
    lock = InboxLock(tmp_path)
    holder = holder_of(tmp_path)
    assert holder is not None and holder["pid"] == os.getpid()
    with pytest.raises(UsageError) as refused:
        InboxLock(tmp_path)
    assert f"pid {os.getpid()}" in refused.value.message
    assert "another sohoa watch" in refused.value.message
    lock.release()
    assert holder_of(tmp_path) is None
    InboxLock(tmp_path).release()  # free again
    assert not is_candidate(tmp_path / ".sohoa-watch.lock")


# --- the warm pool -----------------------------------------------------------------------


def test_a_warm_pool_keeps_its_workers_and_drops_a_stopped_run(tmp_path: Path) -> None:
    pages = []
    for name in ("a", "b", "c", "d"):
        path = tmp_path / f"{name}.png"
        text_page(dpi=100, repeat=1).convert("L").save(path, dpi=(100, 100))
        pages.append(PageRef(path=path, kind="png", frame=0, index=0))
    with PagePool(2, PageOptions()) as pool:
        assert pool._warm is not None
        pids = {w.process.pid for w in pool._warm}
        first = list(pool.run((i, ref) for i, ref in enumerate(pages[:2])))
        assert sorted(r.key for r in first) == [0, 1] and all(r.error is None for r in first)
        assert {w.process.pid for w in pool._warm} == pids  # models stayed loaded
        run = pool.run((i, ref) for i, ref in enumerate(pages))
        next(run)
        run.close()  # the batch stopped with pages in flight
        again = list(pool.run((f"again-{i}", ref) for i, ref in enumerate(pages[2:])))
        assert sorted(r.key for r in again) == ["again-0", "again-1"]  # nothing of the old run
        assert all(r.page is not None and "Độc lập" in r.page.text for r in again)
    assert pool._warm is None


# --- the service ---------------------------------------------------------------------------


def test_the_systemd_unit_is_valid_and_keeps_secrets_off_the_command_line(tmp_path: Path) -> None:
    unit = (REPO / "deploy" / "sohoa-watch.service").read_text(encoding="utf-8")
    keys = [line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0] != "#"]
    service = {k: v for k, v in keys}
    assert " watch " in service["ExecStart"] and "--log-json" in service["ExecStart"]
    for key, value in keys:  # no secret value anywhere: a credential file, by its path
        assert not re.search(r"(PASSPHRASE|PIN)(_[A-Z]+)?=(?!%d/)", value), (key, value)
    assert service["LoadCredential"].startswith("sohoa-passphrase:")
    assert service["Environment"] and "SOHOA_PASSPHRASE_FILE=%d/sohoa-passphrase" in unit
    assert service["KillMode"] == "mixed" and set(service["RestartPreventExitStatus"].split()) == {
        "3",
        "4",
    }
    # systemd's own checker, on the unit pointed at this checkout's sohoa and user
    local = unit.replace("/opt/sohoa/.venv/bin/sohoa", str(Path(sys.executable).parent / "sohoa"))
    local = local.replace("User=sohoa", "User=root").replace("Group=sohoa", "Group=root")
    (tmp_path / "sohoa-watch.service").write_text(local, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", "sohoa-watch.service"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_a_service_reads_its_passphrase_file_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "sohoa-passphrase"
    secret.write_text("mật khẩu\n", encoding="utf-8")
    monkeypatch.setenv("SOHOA_PASSPHRASE_FILE", str(secret))
    assert load_settings().signing.passphrase_file == secret


# --- the same input twice in one batch -------------------------------------------------------


def fail_first_copy(ref: PageRef, engine: object, options: PageOptions) -> object:
    """A page reader that fails on the file named first.jpg (a worker's page function)."""
    from sohoa.errors import OcrError
    from sohoa.pipeline.pages import process_page

    if ref.path.name == "first.jpg":
        raise OcrError(f"{ref.path}: page 1: the OCR engine gave up")
    return process_page(ref, engine, options)


def test_the_second_copy_in_a_batch_follows_the_first_when_it_is_refused(tmp_path: Path) -> None:
    from sohoa.config import Settings
    from sohoa.models import Quarantined
    from sohoa.pipeline.orchestrator import Ingestor

    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    second.write_bytes(_jpeg(first))
    ingestor = Ingestor(
        Settings(archive=tmp_path / "archive", jobs=1), page_function=fail_first_copy
    )
    try:
        outcomes = list(ingestor.ingest([first, second]))
    finally:
        ingestor.close()
    assert [type(o) for o in outcomes] == [Quarantined, Quarantined]
    assert "gave up" in outcomes[1].reason and "same bytes as" in outcomes[1].reason
    assert first.exists() and second.exists()  # the batch command copies, never moves


# --- quarantine across file systems (an inbox share, an archive disk) ------------------------


@pytest.fixture
def other_disk(tmp_path: Path):
    with tmpfs(tmp_path / "share", "16m") as mount:
        yield mount


def test_quarantine_moves_across_file_systems_whole(tmp_path: Path, other_disk: Path) -> None:
    archive = Archive(tmp_path / "archive", create=True)
    station = other_disk / "quay-1"
    scan = station / "hỏng.jpg"
    data = _jpeg(scan)
    folder = station / "hồ sơ"
    _jpeg(folder / "1.jpg", 1)
    _jpeg(folder / "2.jpg", 2)
    (folder / "ghi chú").mkdir()  # not a page: stays where it is
    link = station / "liên kết.jpg"
    link.symlink_to("/etc/passwd")
    kept_file = archive.quarantine(scan, "damaged", move=True, station="quay-1", attempt=1)
    kept_folder = archive.quarantine(folder, "no pages", move=True, station="quay-1")
    kept_link = archive.quarantine(link, "a link", move=True, station="quay-1")
    assert kept_file is not None and kept_file.read_bytes() == data and not scan.exists()
    assert kept_folder is not None and sorted(p.name for p in kept_folder.iterdir()) == [
        "1.jpg",
        "2.jpg",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["ghi chú"]  # only the pages moved
    assert kept_link is not None and os.readlink(kept_link) == "/etc/passwd"
    assert not link.is_symlink()
    quarantine = archive.quarantine_folder("quay-1")
    assert not [p for p in quarantine.iterdir() if p.name.endswith(".part")]
    reason = quarantine / f"{kept_file.name}.reason.txt"
    assert "damaged" in reason.read_text(encoding="utf-8")
    archive.close()
