"""The watched inbox on the real CLI (issue 12): drops of every kind, slow writers, fifty files
at once, polling, a graceful stop, a time-stamp authority that goes away, and SIGKILL at random
moments. The watcher runs in a process of its own; its --log-json lines are read as they come."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from werkzeug.serving import make_server

from sohoa.pipeline import watcher as watcher_module
from tests.imaging import text_page
from tests.pki.fixtures import PkiHarness, pki_fixture  # noqa: F401  (fixture)
from tests.test_robustness import ENV, REPO, assert_whole, index, lines, sohoa

pytestmark = pytest.mark.slow

NAMES = ("quyết định", "công văn", "tờ trình", "thông báo", "kế hoạch", "giấy mời", "báo cáo")


def page_bytes(number: int, dpi: int = 100) -> bytes:
    """A distinct one-page JPEG scan with Vietnamese text (a mark makes each one unique)."""
    pixels = np.asarray(text_page(dpi=dpi, repeat=1)).copy()
    row, column = divmod(number, 60)
    pixels[5 + 4 * row : 8 + 4 * row, 5 + 3 * column : 8 + 3 * column] = 0
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90, dpi=(dpi, dpi))
    return buffer.getvalue()


def drop(folder: Path, count: int, start: int = 0) -> dict[Path, bytes]:
    """`count` scans written into `folder` (whole, at once), by path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i in range(start, start + count):
        path = folder / f"{NAMES[i % len(NAMES)]} số {i}.jpg"
        data = page_bytes(i)
        staged = folder.parent / f".{path.name}.staging"
        staged.write_bytes(data)
        os.rename(staged, path)  # appears whole, as a scanner that renames when done
        out[path] = data
    return out


class Watch:
    """`sohoa watch` in a process of its own (through the patching driver), its log read live."""

    def __init__(
        self,
        inbox: Path,
        archive: Path,
        *args: str,
        env: dict[str, str] | None = None,
        patch: tuple[str, ...] = (),
    ) -> None:
        command = [sys.executable, "-m", "tests.driver", *patch, "--", "watch", str(inbox)]
        command += ["--archive", str(archive), "--log-json", *args]
        self.proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env or ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.events: list[dict[str, Any]] = []
        self.other: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.other.append(line)

    def count(self, event: str) -> int:
        return sum(1 for e in list(self.events) if e.get("event") == event)

    def wait_for(self, event: str, n: int = 1, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while self.count(event) < n:
            if self.proc.poll() is not None:
                self._reader.join(timeout=5)
                if self.count(event) >= n:
                    return
                raise AssertionError(f"watcher exited {self.proc.returncode}: {self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {n} × {event} in {timeout} s: {self.log()}")
            time.sleep(0.1)

    def stop(self, how: int = signal.SIGTERM, timeout: float = 120) -> int:
        self.proc.send_signal(how)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self) -> str:
        return "\n".join(json.dumps(e, ensure_ascii=False) for e in self.events[-30:]) + "".join(
            self.other[-20:]
        )


@pytest.fixture
def watchers():
    started: list[Watch] = []
    yield started
    for watch in started:
        watch.cleanup()


def once(inbox: Path, archive: Path, *args: str, env: dict[str, str] | None = None):
    """`sohoa watch --once`: (the finished process, its log events)."""
    command = [sys.executable, "-m", "tests.driver", "--", "watch", str(inbox)]
    command += ["--archive", str(archive), "--once", "--log-json", *args]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, env=env or ENV, timeout=600
    )
    events = [json.loads(x) for x in result.stderr.splitlines() if x.startswith("{")]
    return result, events


def jobs(archive: Path) -> list[sqlite3.Row]:
    return index(archive).execute("SELECT * FROM jobs ORDER BY id").fetchall()


def documents(archive: Path) -> list[sqlite3.Row]:
    if not (archive / "index.sqlite").exists():
        return []
    db = index(archive)
    try:
        return db.execute("SELECT * FROM documents").fetchall()
    except sqlite3.OperationalError:  # a watcher is creating the archive right now
        return []
    finally:
        db.close()


def inbox_files(inbox: Path) -> list[str]:
    """What is left in the inbox but the lock and the (empty) station folders."""
    return sorted(
        str(p.relative_to(inbox))
        for p in inbox.rglob("*")
        if p.name != ".sohoa-watch.lock" and not (p.is_dir() and p.parent == inbox)
    )


# --- one run, every kind of drop ---------------------------------------------------------


def test_every_kind_of_drop_is_settled_once_and_recorded_with_its_station(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    dropped = drop(inbox / "quay-1", 2)
    first = next(iter(dropped))
    twin = inbox / "quay-2" / "bản chụp lại.jpg"
    twin.parent.mkdir()
    twin.write_bytes(dropped[first])  # the same paper scanned at another counter
    (inbox / "quay-2" / "hỏng.jpg").write_bytes(b"\xff\xd8\xff not a jpeg at all")
    folder = inbox / "quay-2" / "hồ sơ 000.00.17.H34-241120-0042"
    folder.mkdir()
    (folder / "trang-1.jpg").write_bytes(page_bytes(40))
    (folder / "trang-2.jpg").write_bytes(page_bytes(41))
    (folder / ".ready").touch()
    (inbox / "quay-1" / "mật khẩu.jpg").symlink_to("/etc/passwd")
    for junk in ("~$biên bản.docx", ".~lock.a#", "scan.tmp", "Thumbs.db"):
        (inbox / "quay-1" / junk).write_bytes(b"junk")

    replica = tmp_path / "bản sao"
    replica.mkdir()  # a second disk: the inbox copy goes only once both copies hold it
    result, events = once(
        inbox, archive, "--stable", "0.5", "--give-up", "3", "--replica", str(replica)
    )
    assert result.returncode == 1, result.stderr  # something was quarantined
    by_event: dict[str, list[str]] = {}
    for event in events:
        by_event.setdefault(event["event"], []).append(Path(event.get("source", "")).name)
    (duplicate,) = by_event["duplicate"]  # the same paper twice: whichever came second
    assert duplicate in (first.name, twin.name)
    assert sorted(by_event["archived"] + [duplicate]) == sorted(
        [*(p.name for p in dropped), twin.name, folder.name]
    )
    assert sorted(by_event["quarantined"] + by_event["refused"]) == ["hỏng.jpg", "mật khẩu.jpg"]
    assert_whole(archive, 3)

    db = index(archive)
    for row in db.execute("SELECT source, object_dir FROM documents"):
        sidecar = json.loads((archive / row["object_dir"] / "metadata.json").read_text("utf-8"))
        assert sidecar["station"] == Path(row["source"]).parent.name  # recorded with each one
    actions = [(r["action"], r["station"]) for r in db.execute("SELECT * FROM events")]
    assert actions.count(("duplicate", "quay-1")) + actions.count(("duplicate", "quay-2")) == 1
    assert {s for a, s in actions if a == "quarantine"} == {"quay-1", "quay-2"}

    kept = archive / "quarantine" / "quay-2"
    (reason_file,) = kept.glob("*hỏng.jpg.reason.txt")
    reason = reason_file.read_text(encoding="utf-8")
    assert "hỏng.jpg" in reason and "attempt: 1" in reason and "when: " in reason
    assert (kept / reason_file.name.removesuffix(".reason.txt")).exists()  # moved, not deleted
    (link,) = [p for p in (archive / "quarantine" / "quay-1").iterdir() if p.is_symlink()]
    assert os.readlink(link) == "/etc/passwd"  # the link itself, never its target
    assert inbox_files(inbox) == sorted(
        f"quay-1/{j}" for j in ("~$biên bản.docx", ".~lock.a#", "scan.tmp", "Thumbs.db")
    )

    status = sohoa("status", "--archive", str(archive), "--json")
    assert status.returncode == 0, status.stderr
    (report,) = json.loads(status.stdout)["inboxes"].values()
    assert report["queue_depth"] == 0 and report["watcher"] is None
    quay_1 = report["stations"]["quay-1"]
    assert quay_1["archived"] + quay_1["duplicate"] == 2 and quay_1["quarantined"] == 1
    errors = report["stations"]["quay-2"]["last_errors"]
    assert any("hỏng.jpg" in e["error"] for e in errors)
    for row in documents(archive):
        assert (replica / row["object_dir"] / "document.pdf").is_file()
    check = sohoa("archive", "check", "--archive", str(archive), "--replica", str(replica))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "primary and replica" in check.stdout


# --- nothing taken half-written ----------------------------------------------------------


def test_a_file_written_slowly_and_a_filled_placeholder_are_taken_once_whole(
    tmp_path: Path,
) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    station = inbox / "quay-1"
    station.mkdir(parents=True)
    slow, placeholder = station / "chậm.jpg", station / "giữ chỗ.jpg"
    data, later = page_bytes(1), page_bytes(2)
    placeholder.touch()  # a scanner that creates the file first, empty
    chunks = [data[i : i + len(data) // 5 + 1] for i in range(0, len(data), len(data) // 5 + 1)]
    slow.write_bytes(chunks[0])

    def write() -> None:
        with slow.open("ab") as fh:
            for chunk in chunks[1:]:
                time.sleep(1.5)  # longer than --stable: standing still is not enough
                fh.write(chunk)
                fh.flush()
        time.sleep(1.0)
        placeholder.write_bytes(later)

    writer = threading.Thread(target=write)
    writer.start()
    result, events = once(inbox, archive, "--stable", "1", "--give-up", "20")
    writer.join()
    assert result.returncode == 0, result.stderr
    assert [e["event"] for e in events].count("archived") == 2
    originals = {
        r["source"]: (archive / r["original_path"]).read_bytes() for r in documents(archive)
    }
    assert originals == {str(slow): data, str(placeholder): later}  # whole, as written
    assert [r["state"] for r in jobs(archive)] == ["archived", "archived"]  # taken once each
    assert not (archive / "quarantine").exists() or not any((archive / "quarantine").iterdir())


# --- many at once ------------------------------------------------------------------------


def test_fifty_files_dropped_at_once_are_each_archived_once(tmp_path: Path, watchers) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    (inbox / "quay-1").mkdir(parents=True)
    watch = Watch(inbox, archive, "--stable", "1")
    watchers.append(watch)
    watch.wait_for("started", timeout=120)
    staging = tmp_path / "scanner"
    dropped = {**drop(staging / "a", 25), **drop(staging / "b", 25, start=25)}
    for path in dropped:  # dropped at once: renamed into two stations
        station = inbox / ("quay-1" if path.parent.name == "a" else "quay-2")
        station.mkdir(exist_ok=True)
        os.rename(path, station / path.name)
    watch.wait_for("archived", n=50, timeout=900)
    assert watch.stop() == 0, watch.log()
    rows = jobs(archive)
    assert len(rows) == 50 and {r["state"] for r in rows} == {"archived"}
    assert {r["attempts"] for r in rows} == {1}
    assert sorted(Path(r["source"]).name for r in documents(archive)) == sorted(
        p.name for p in dropped
    )
    assert_whole(archive, 50)
    assert inbox_files(inbox) == []


# --- polling, one watcher per inbox ------------------------------------------------------


def test_polling_without_file_events_and_one_watcher_per_inbox(tmp_path: Path, watchers) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    watch = Watch(inbox, archive, "--poll", "0.3", "--stable", "0.5")
    watchers.append(watch)
    watch.wait_for("started", timeout=120)
    assert watch.events[0]["mode"] == "polling every 0.3 s"
    second = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "watch", str(inbox), "--archive", str(archive)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=ENV,
        timeout=60,
    )
    assert second.returncode == 3, second.stderr
    assert "another sohoa watch" in second.stderr and f"pid {watch.proc.pid}" in second.stderr
    status = json.loads(sohoa("status", "--archive", str(archive), "--json").stdout)
    assert status["inboxes"] == {}  # nothing taken yet
    (dropped,) = drop(inbox / "quầy mới", 1)  # a station created after the start
    watch.wait_for("archived", timeout=300)
    status = json.loads(sohoa("status", "--archive", str(archive), "--json").stdout)
    (report,) = status["inboxes"].values()
    assert report["watcher"]["pid"] == watch.proc.pid
    assert report["stations"]["quầy mới"]["archived"] == 1
    assert watch.stop(signal.SIGINT) == 0, watch.log()
    assert watch.events[-1]["event"] == "stopped"
    assert not dropped.exists() and len(documents(archive)) == 1


# --- a graceful stop ---------------------------------------------------------------------


def test_sigterm_mid_batch_gives_the_jobs_back_and_a_restart_completes(
    tmp_path: Path, watchers
) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    dropped = drop(inbox / "quay-1", 8)
    watch = Watch(inbox, archive, "--stable", "0.5", "--jobs", "1")
    watchers.append(watch)
    watch.wait_for("archived", timeout=300)
    started = time.monotonic()
    assert watch.stop(signal.SIGTERM) == 0, watch.log()
    assert time.monotonic() - started < 60  # between pages, not at the end of the batch
    rows = jobs(archive)
    assert "processing" not in {r["state"] for r in rows}
    waiting = [r for r in rows if r["state"] == "queued"]
    assert waiting and all(r["attempts"] == 0 for r in waiting)  # a stop is not an attempt
    archived = len(documents(archive))
    assert 1 <= archived < 8
    result, _ = once(inbox, archive, "--stable", "0.5")
    assert result.returncode == 0, result.stderr
    assert len(jobs(archive)) == 8  # the same jobs, taken again
    assert {r["state"] for r in jobs(archive)} == {"archived"}
    assert sorted(Path(r["source"]).name for r in documents(archive)) == sorted(
        p.name for p in dropped
    )
    assert_whole(archive, 8)


# --- a file another program holds --------------------------------------------------------

_PROBE = watcher_module._unreadable


def held_while_listed(entry: Any) -> str | None:
    """Stands in for the watcher's lock probe in its process (tests/driver.py --replace): the
    files named in the file $SOHOA_TEST_HELD are held by another program while listed there."""
    listed = Path(os.environ["SOHOA_TEST_HELD"]).read_text(encoding="utf-8").split("\n")
    if entry.path.name in listed:
        return f"{entry.path.name} cannot be read now (Device or resource busy): another program holds it"
    return _PROBE(entry)


def test_a_file_another_program_holds_waits_alone_and_is_quarantined_only_at_the_end(
    tmp_path: Path, watchers
) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    held_a_while, held_for_good, free = drop(inbox / "quay-1", 3)
    held = tmp_path / "held"
    held.write_text(f"{held_a_while.name}\n{held_for_good.name}", encoding="utf-8")
    probe = "sohoa.pipeline.watcher:_unreadable=tests.test_watch_cli:held_while_listed"
    watch = Watch(
        inbox,
        archive,
        *("--stable", "0.5", "--attempts", "2"),
        env={**ENV, "SOHOA_TEST_HELD": str(held)},
        patch=("--replace", probe),
    )
    watchers.append(watch)
    watch.wait_for("retry", n=2, timeout=300)
    watch.wait_for("archived", timeout=300)  # the others go on meanwhile
    held.write_text(held_for_good.name, encoding="utf-8")  # the antivirus let go of one
    watch.wait_for("archived", n=2, timeout=300)
    watch.wait_for("quarantined", timeout=300)
    assert watch.stop() == 0, watch.log()
    rows = {Path(r["path"]).name: r for r in jobs(archive)}
    assert (rows[free.name]["state"], rows[free.name]["attempts"]) == ("archived", 1)
    assert (rows[held_a_while.name]["state"], rows[held_a_while.name]["attempts"]) == (
        "archived",
        2,
    )
    gave_up = rows[held_for_good.name]
    assert gave_up["state"] == "quarantined" and gave_up["attempts"] == 2
    assert "gave up after 2 attempts" in gave_up["last_error"]
    assert "another program holds it" in gave_up["last_error"]
    (reason,) = (archive / "quarantine" / "quay-1").glob("*.reason.txt")
    assert held_for_good.name in reason.name and "attempt: 2" in reason.read_text("utf-8")


# --- the environment fails, the inputs are not blamed ------------------------------------


class Switch:
    """A time-stamp authority that can be switched off: forwards to the test TSA, or 503."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.up = True
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        if not self.up:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down for maintenance"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        request = urllib.request.Request(
            self.target, data=body, headers={"Content-Type": environ.get("CONTENT_TYPE", "")}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = answer.read()
            start_response("200 OK", [("Content-Type", answer.headers["Content-Type"])])
        return [data]


def test_a_time_stamp_authority_that_goes_away_pauses_the_queue_and_blames_no_input(
    tmp_path: Path, pki: PkiHarness, watchers
) -> None:
    tsa = Switch(pki.tsa_url())
    p12 = tmp_path / "agency.p12"
    p12.write_bytes(pki.pkcs12("signer", b"mat-khau"))
    secret = tmp_path / "passphrase"
    secret.write_text("mat-khau\n", encoding="utf-8")
    secret.chmod(0o600)  # what systemd's LoadCredential= hands over
    root = tmp_path / "root.der"
    root.write_bytes(pki.root.dump())
    config = tmp_path / "sohoa.toml"
    config.write_text(f'[signing]\ntrust_roots = ["{root}"]\n', encoding="utf-8")
    env = {
        **ENV,
        "SOHOA_CONFIG": str(config),
        "SOHOA_PKCS12": str(p12),
        "SOHOA_PASSPHRASE_FILE": str(secret),
        "SOHOA_TSA_URL": tsa.url,
    }
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    watch = Watch(inbox, archive, "--stable", "0.5", env=env)
    watchers.append(watch)
    watch.wait_for("started", timeout=120)
    tsa.up = False
    dropped = drop(inbox / "quay-1", 2)
    watch.wait_for("paused", n=2, timeout=300)  # the batch, then the probe before a retry
    assert watch.count("quarantined") == 0 and all(p.exists() for p in dropped)
    tsa.up = True
    watch.wait_for("archived", n=2, timeout=300)
    assert watch.count("resumed") >= 1
    assert watch.stop() == 0, watch.log()
    rows = jobs(archive)
    assert {r["state"] for r in rows} == {"archived"}
    assert all(r["attempts"] <= 2 for r in rows), [dict(r) for r in rows]
    assert any("time-stamp authority" in (r["last_error"] or "") for r in rows)
    assert not list((archive / "quarantine").rglob("*"))
    levels = {r["signature_level"] for r in documents(archive)}
    assert levels == {"B-LTA"}  # time-stamped once the authority came back
    tsa.server.shutdown()


# --- SIGKILL at random moments -----------------------------------------------------------


def test_sigkill_at_three_random_moments_loses_nothing_and_doubles_nothing(
    tmp_path: Path, watchers
) -> None:
    seed = int(os.environ.get("SOHOA_FAULT_SEED", "0")) or random.SystemRandom().randrange(1, 10**6)
    rng = random.Random(seed)
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    valid = {**drop(inbox / "quay-1", 10), **drop(inbox / "quay-2", 10, start=10)}
    folder = inbox / "quay-2" / "hồ sơ gộp"
    folder.mkdir()
    (folder / "1.jpg").write_bytes(page_bytes(30))
    (folder / "2.jpg").write_bytes(page_bytes(31))
    (folder / ".ready").touch()
    invalid = {
        inbox / "quay-1" / "rỗng.jpg": b"",
        inbox / "quay-1" / "không phải ảnh.png": "chỉ là chữ".encode(),
        inbox / "quay-2" / "bị cắt.jpg": page_bytes(32)[:5000],
    }
    for path, data in invalid.items():
        path.write_bytes(data)
    args = ("--stable", "0.5", "--give-up", "3", "--jobs", "2")
    moments = []
    for _ in range(3):
        before = len(documents(archive))
        watch = Watch(inbox, archive, *args)
        watchers.append(watch)
        deadline = time.monotonic() + 300
        # Until a new record; or, when an earlier watcher archived every input
        # before its kill (pages read fast), this one is killed idle.
        while before == len(documents(archive)) < len(valid) + 1:
            assert watch.proc.poll() is None, watch.log()
            assert time.monotonic() < deadline, f"seed {seed}: no progress: {watch.log()}"
            time.sleep(0.2)
        moments.append(round(rng.uniform(0.0, 2.5), 2))
        time.sleep(moments[-1])
        assert watch.stop(signal.SIGKILL) == -signal.SIGKILL
    result, _ = once(inbox, archive, *args)
    context = f"seed {seed}, killed {moments} s after a new record: {result.stderr[-3000:]}"
    assert result.returncode in (0, 1), context
    assert inbox_files(inbox) == [], context

    assert_whole(archive, len(valid) + 1)  # once each, whole, logged once, no staging left
    sources = sorted(Path(r["source"]).name for r in documents(archive))
    assert sources == sorted([*(p.name for p in valid), folder.name]), context
    for row in documents(archive):
        original = archive / row["original_path"]
        if original.is_file():
            assert original.read_bytes() == valid[Path(row["source"])], context
    kept = [
        p for p in (archive / "quarantine").rglob("*") if p.is_file() and "reason" not in p.name
    ]
    assert sorted(p.name.split("-", 1)[1] for p in kept) == sorted(p.name for p in invalid)
    for path in kept:
        reason = path.with_name(path.name + ".reason.txt").read_text(encoding="utf-8")
        assert reason.startswith(str(inbox)) and "when: " in reason, context
    leftovers = [p for p in (*archive.rglob("*"), *inbox.rglob("*")) if p.name.endswith(".part")]
    assert leftovers == [], context
    states = {r["path"]: r["state"] for r in jobs(archive)}  # the latest job of each input
    assert {states[str(p)] for p in valid} == {"archived"}, context
    assert {states[str(p)] for p in invalid} == {"quarantined"}, context
    check = sohoa("archive", "check", "--archive", str(archive))
    assert check.returncode == 0, f"{context}\n{check.stdout}"
    chain = sohoa("archive", "log", "--archive", str(archive), "--verify")
    assert chain.returncode == 0, chain.stdout


def test_an_input_that_kills_the_watcher_every_time_is_quarantined_alone(tmp_path: Path) -> None:
    """Crashes are blamed like errors: with two jobs in flight nobody is blamed and they are
    taken one at a time; the one that kills the watcher alone uses up its attempts."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    drop(inbox / "quay-1", 2)
    args = ("--stable", "0.5", "--attempts", "2")
    crash = ("--crash", "sohoa.pipeline.orchestrator:build_pdfa")  # dies on every document
    command = [sys.executable, "-m", "tests.driver", *crash, "--", "watch", str(inbox)]
    command += ["--archive", str(archive), "--once", *args]
    for _ in range(3):  # both in flight; then the oldest alone, twice
        died = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=ENV)
        assert died.returncode == -signal.SIGKILL, died.stderr
    oldest, other = jobs(archive)  # taken alone first, it is the one that dies alone
    assert (oldest["attempts"], other["attempts"]) == (2, 0)  # the other is not blamed
    poison, fine = Path(oldest["path"]), Path(other["path"])
    result, _ = once(inbox, archive, *args)
    assert result.returncode == 1, result.stderr
    states = {Path(r["path"]).name: (r["state"], r["last_error"]) for r in jobs(archive)}
    assert states[fine.name][0] == "archived"
    assert states[poison.name][0] == "quarantined"
    assert "stopped 2 times" in states[poison.name][1]
    (kept,) = (archive / "quarantine" / "quay-1").glob("*.reason.txt")
    assert poison.name in kept.name and "attempt: 2" in kept.read_text(encoding="utf-8")


# --- the batch command meets the same input twice ----------------------------------------


def test_ingest_of_one_input_twice_in_a_batch_logs_one_duplicate(tmp_path: Path) -> None:
    first = tmp_path / "quyết định.jpg"
    first.write_bytes(page_bytes(7))
    second = tmp_path / "bản sao.jpg"
    second.write_bytes(first.read_bytes())
    bad = tmp_path / "hỏng.jpg"
    bad.write_bytes(b"\xff\xd8\xff broken")
    again = tmp_path / "hỏng lần hai.jpg"
    again.write_bytes(bad.read_bytes())
    archive = tmp_path / "archive"
    result = sohoa(
        "ingest", str(second), str(first), str(bad), str(again), "--archive", str(archive), "--json"
    )
    assert result.returncode == 1, result.stderr
    statuses = [r["status"] for r in lines(result)]
    assert sorted(statuses[:2]) == ["archived", "duplicate"]
    assert statuses[2:] == ["quarantined", "quarantined"]
    actions = [r["action"] for r in index(archive).execute("SELECT action FROM events")]
    assert actions.count("duplicate") == 1 and actions.count("ingest") == 1
