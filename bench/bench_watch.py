"""The watched inbox: latency, throughput and idle cost, each beside its baseline in one run.

    .venv/bin/python bench/bench_watch.py [--drops 20] [--pages 50] [--files 10000]
                                          [--idle 60] [--jobs 2] [--stable 2] [--skip ...]

(a) Latency. A watcher runs on an idle inbox (file events, then polling with
    `--poll 1`); one real page at a time is written into a station folder,
    and the time from its last write to its `archived` log line is measured.
    Beside it: the stability window and the plain OCR time of the same page
    (`tesseract PAGE - -l vie`, one thread). Target per drop:
    window + 1.2 × OCR + 1 s.
(b) Throughput. The same 50 pages (distinct files) go through `sohoa ingest
    DIR` (its identity made beforehand, so both sides sign with a ready
    identity) and through a warm watcher, dropped at once (renamed into two
    stations); the watcher's time runs from the drop to the 50th `archived`
    line and includes the stability window. Target: within 10%.
(c) Idle CPU. 10,000 files lie in a polled share (`--poll 2`), every one
    already settled (the share did not let the watcher remove them, the case
    of a read-only scanner share); the CPU time of the watcher and its workers
    over `--idle` seconds, beside watchdog's PollingObserver (what a user
    would assemble instead) on the same share for the same time. Target: under
    2% of a core.

Pages: the page images of /work/shared/real-dev (real scans; JPEGs made
distinct by zero padding after their end marker where a page is used twice),
else generated A4 pages (samples.generate) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sohoa.archive.jobs import JobQueue  # noqa: E402
from sohoa.archive.store import Archive  # noqa: E402
from sohoa.scanners.inbox import InboxScanner, fingerprint  # noqa: E402

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "SOHOA_ACTOR": "bench"}
ENV.pop("SOHOA_ARCHIVE", None)
ENV.pop("SOHOA_CONFIG", None)
SOHOA = str(Path(sys.executable).parent / "sohoa")
REAL = REPO.parent / "shared" / "real-dev" / "docs"
TICK = os.sysconf("SC_CLK_TCK")


# --- pages ---------------------------------------------------------------------------------


def real_pages() -> list[Path]:
    """Every page image of the real-dev corpus (JPEG and PNG files, in folders or alone)."""
    if not REAL.is_dir():
        return []
    found = [
        p
        for p in sorted(REAL.rglob("*"))
        if p.is_file() and p.suffix.lower() in (".jpg", ".jpeg", ".png")
    ]
    return found


def generated_pages(out: Path, count: int) -> list[Path]:
    from samples.generate import Damage, corpus, write_document

    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for i, (spec, _) in enumerate(corpus(count, seed=12)):
        write_document(spec, [Damage(skew=0.7, noise=3)], out, f"page-{i:02d}", "jpeg", seed=i)
        pages.extend(sorted(out.glob(f"page-{i:02d}*.jpg"))[:1])
    return pages[:count]


def distinct(pages: list[Path], count: int, out: Path) -> list[Path]:
    """`count` files with distinct bytes, cycling `pages` (a JPEG used again gets padding)."""
    out.mkdir(parents=True, exist_ok=True)
    usable = [p for p in pages if p.suffix.lower() in (".jpg", ".jpeg")] or pages
    files = []
    for i in range(count):
        source = pages[i] if i < len(pages) else usable[i % len(usable)]
        data = source.read_bytes()
        if i >= len(pages):
            data += b"\x00" * (16 + i)  # after the end marker: the same page, other bytes
        target = out / f"{i:03d}-{source.parent.name}-{source.name}".replace(" ", "_")
        target.write_bytes(data)
        files.append(target)
    return files


def plain_ocr_seconds(page: Path) -> float:
    started = time.monotonic()
    subprocess.run(["tesseract", str(page), "-", "-l", "vie"], env=ENV, capture_output=True,
                   check=True)  # fmt: skip
    return time.monotonic() - started


# --- a watcher -----------------------------------------------------------------------------


class Watcher:
    """`sohoa watch` in its own process, its JSON log read as it comes, with arrival times."""

    def __init__(self, inbox: Path, archive: Path, *args: str) -> None:
        command = [SOHOA, "watch", str(inbox), "--archive", str(archive), "--log-json", *args]
        self.proc = subprocess.Popen(
            command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.events: list[tuple[float, dict[str, Any]]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if line.startswith("{"):
                self.events.append((time.monotonic(), json.loads(line)))

    def wait(
        self, event: str, n: int = 1, source: str | None = None, timeout: float = 900
    ) -> float:
        deadline = time.monotonic() + timeout
        while True:
            hits = [
                t
                for t, e in list(self.events)
                if e["event"] == event and (source is None or e.get("source") == source)
            ]
            if len(hits) >= n:
                return hits[n - 1]
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"watcher: no {event} ({self.proc.returncode}): {self.events[-5:]}"
                )
            time.sleep(0.02)

    def cpu_seconds(self) -> float:
        """CPU time of the watcher and its worker processes so far."""
        total = 0.0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / TICK
        return total

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


# --- (a) latency ---------------------------------------------------------------------------


def latency(work: Path, pages: list[Path], drops: int, stable: float, jobs: int, poll: str | None):
    files = distinct(pages, drops, work / f"drops-{poll or 'events'}")
    inbox, archive = work / f"inbox-{poll or 'events'}", work / f"archive-{poll or 'events'}"
    (inbox / "quay-1").mkdir(parents=True)
    args = ["--stable", str(stable), "--jobs", str(jobs)] + (["--poll", poll] if poll else [])
    watcher = Watcher(inbox, archive, *args)
    watcher.wait("started", timeout=300)
    time.sleep(2.0)  # idle
    rows = []
    for file in files:
        target = inbox / "quay-1" / file.name
        with target.open("wb") as fh:  # a scanner writing the file
            fh.write(file.read_bytes())
        written = time.monotonic()
        done = watcher.wait("archived", source=str(target), timeout=600)
        queued = watcher.wait("queued", source=str(target), timeout=1)
        rows.append((file, done - written, queued - written))
        time.sleep(0.5)  # idle again before the next drop
    watcher.stop()
    return rows


def report_latency(
    rows: list[tuple[Path, float, float]], ocr: dict[str, float], stable: float, mode: str
):
    latencies = [s for _, s, _ in rows]
    waits = [q for _, _, q in rows]
    ocr_times = [ocr[f.name] for f, _, _ in rows]
    targets = [stable + 1.2 * o + 1.0 for o in ocr_times]
    met = sum(1 for s, t in zip(latencies, targets, strict=True) if s <= t)
    print(f"\n(a) latency, {mode}: {len(rows)} single-page drops into an idle inbox")
    print(f"    window {stable:.1f} s; plain OCR of the same pages: median {_med(ocr_times):.2f} s, "
          f"p95 {_p95(ocr_times):.2f} s")  # fmt: skip
    print(f"    last write → archived record: median {_med(latencies):.2f} s, "
          f"p95 {_p95(latencies):.2f} s")  # fmt: skip
    print(f"      of which waiting for the window (write → queued): median {_med(waits):.2f} s; "
          f"processing (queued → record): median "
          f"{_med([s - q for s, q in zip(latencies, waits, strict=True)]):.2f} s")  # fmt: skip
    print(f"    target window + 1.2 × OCR + 1 s: median {_med(targets):.2f} s, "
          f"p95 {_p95(targets):.2f} s; met by {met}/{len(rows)} drops")  # fmt: skip
    for file, seconds, _ in rows:
        target = stable + 1.2 * ocr[file.name] + 1.0
        flag = "" if seconds <= target else "  over"
        print(f"      {file.name[:44]:<44} {seconds:6.2f} s  (OCR {ocr[file.name]:5.2f} s, "
              f"target {target:5.2f} s){flag}")  # fmt: skip
    return {"median": _med(latencies), "p95": _p95(latencies), "met": met, "n": len(rows)}


# --- (b) throughput ------------------------------------------------------------------------


def throughput(work: Path, pages: list[Path], count: int, stable: float, jobs: int, rounds: int):
    """`rounds` alternating runs of each (the machine is shared: one pair is noise)."""
    ingest_runs, watch_runs = [], []
    for n in range(rounds):
        files = distinct(pages, count, work / f"fifty-{n}")
        ingest_runs.append(_ingest_run(work / f"ingest-{n}", files, jobs))
        watch_runs.append(_watch_run(work / f"watch-{n}", files, stable, jobs))
    print(f"\n(b) throughput: {count} real pages, --jobs {jobs}, {rounds} alternating rounds")
    for n, ((i_wall, i_cpu), (w_wall, w_cpu)) in enumerate(
        zip(ingest_runs, watch_runs, strict=True)
    ):
        print(f"    round {n + 1}: sohoa ingest DIR {i_wall:6.1f} s ({count / i_wall * 60:5.1f} pages/min, "
              f"CPU {i_cpu:6.1f} s) · sohoa watch {w_wall:6.1f} s ({count / w_wall * 60:5.1f} "
              f"pages/min, CPU {w_cpu:6.1f} s) · ratio {w_wall / i_wall:.2f}")  # fmt: skip
    ingest = sum(w for w, _ in ingest_runs)
    watch = sum(w for w, _ in watch_runs)
    print(f"    ingest: start-up included; watch: warm, from the drop to the last record, the "
          f"{stable:g} s window included")  # fmt: skip
    print(f"    watch / ingest over all rounds: {watch / ingest:.2f} wall, "
          f"{sum(c for _, c in watch_runs) / sum(c for _, c in ingest_runs):.2f} CPU "
          f"(target ≤ 1.10)")  # fmt: skip
    return {"ratio": watch / ingest}


def _ingest_run(work: Path, files: list[Path], jobs: int) -> tuple[float, float]:
    batch, archive = work / "batch", work / "archive"
    batch.mkdir(parents=True)
    for file in files:
        shutil.copyfile(file, batch / file.name)
    warm = work / "warm.jpg"
    warm.write_bytes(files[0].read_bytes() + b"\x00" * 999)
    subprocess.run(
        [SOHOA, "ingest", str(warm), "--archive", str(archive)],
        env=ENV,
        capture_output=True,
        check=True,
    )  # its identity, made beforehand
    cpu, started = _children_cpu(), time.monotonic()
    done = subprocess.run(
        [SOHOA, "ingest", str(batch), "--archive", str(archive), "--json", "--jobs", str(jobs)],
        env=ENV,
        capture_output=True,
        text=True,
    )
    wall, cpu = time.monotonic() - started, _children_cpu() - cpu
    statuses = [json.loads(x)["status"] for x in done.stdout.splitlines()]
    assert statuses.count("archived") == len(files), (done.returncode, done.stderr[-2000:])
    return wall, cpu


def _watch_run(work: Path, files: list[Path], stable: float, jobs: int) -> tuple[float, float]:
    inbox = work / "inbox"
    inbox.mkdir(parents=True)
    watcher = Watcher(inbox, work / "archive", "--stable", str(stable), "--jobs", str(jobs))
    watcher.wait("started", timeout=300)
    time.sleep(2.0)
    cpu, dropped = watcher.cpu_seconds(), time.monotonic()
    for i, file in enumerate(files):
        station = inbox / ("quay-1" if i % 2 else "quay-2")
        station.mkdir(exist_ok=True)
        os.rename(file, station / file.name)
    finished = watcher.wait("archived", n=len(files), timeout=3600)
    cpu = watcher.cpu_seconds() - cpu
    watcher.stop()
    return finished - dropped, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- (c) idle ------------------------------------------------------------------------------


def settled_share(work: Path, files: int) -> tuple[Path, Path]:
    """A share of `files` files the watcher already settled (left where they are)."""
    inbox, archive = work / "share", work / "archive-idle"
    stations = 10
    for s in range(stations):
        station = inbox / f"quay-{s + 1}"
        station.mkdir(parents=True)
        for i in range(files // stations):
            (station / f"scan-{i:05d}.pdf").write_bytes(b"%PDF-1.4 settled\n%%EOF\n")
    store = Archive(archive, create=True)
    store.db.execute("PRAGMA synchronous=OFF")  # set-up speed only
    queue = JobQueue(store, inbox)
    for path in sorted(inbox.rglob("*.pdf")):
        entry = fingerprint(path)
        assert entry is not None
        (job,) = queue.start([queue.add(path, path.parent.name, entry.fingerprint)])
        queue.finish(job, "quarantined", error="the share is read-only", input_left=True)
    store.close()
    return inbox, archive


POLLER = """
import sys, time
from watchdog.observers.polling import PollingObserver
from watchdog.events import FileSystemEventHandler
observer = PollingObserver(timeout=float(sys.argv[2]))
observer.schedule(FileSystemEventHandler(), sys.argv[1], recursive=True)
observer.start()
time.sleep(float(sys.argv[3]))
observer.stop()
observer.join()
"""


def idle(work: Path, files: int, seconds: float, jobs: int) -> dict[str, float]:
    inbox, archive = settled_share(work, files)
    hour_ago = time.time() - 3600
    for folder in [inbox, *inbox.iterdir()]:
        os.utime(folder, (hour_ago, hour_ago))  # a share at rest: no folder changed lately
    scanner = InboxScanner(inbox)
    for path, print_ in JobQueue(Archive(archive), inbox).left_in_inbox():
        scanner.settle(path, print_)
    started = time.process_time()
    scanner.scan(full=True)
    full_pass = time.process_time() - started
    started = time.process_time()
    for _ in range(10):
        scanner.scan()
    cheap_pass = (time.process_time() - started) / 10
    watcher = Watcher(inbox, archive, "--poll", "2", "--jobs", str(jobs))
    watcher.wait("started", timeout=300)
    time.sleep(8.0)  # start-up and the first full pass are not idling
    before, t0 = watcher.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    used, elapsed = watcher.cpu_seconds() - before, time.monotonic() - t0
    watcher.stop()
    assert not any(e["event"] in ("queued", "archived") for _, e in watcher.events)
    baseline = subprocess.run(
        ["bash", "-c", f'{sys.executable} -c "$0" "$@"; cat /proc/$$/stat', POLLER, str(inbox),
         "2", str(seconds)],
        capture_output=True, text=True, env=ENV,
    )  # fmt: skip
    poller = _child_cpu(baseline.stdout)
    share = used / elapsed * 100
    print(f"\n(c) idle: {files} settled files in 10 station folders, polled every 2 s, "
          f"{elapsed:.0f} s")  # fmt: skip
    print(f"    sohoa watch (with its {jobs} idle workers): {share:5.2f}% of a core "
          f"(target < 2%)")  # fmt: skip
    print(f"    watchdog PollingObserver, same share: {poller / seconds * 100:5.2f}% of a core")
    print(f"    one full pass (list + stat all): {full_pass * 1000:.0f} ms CPU; "
          f"one ordinary pass: {cheap_pass * 1000:.1f} ms CPU")  # fmt: skip
    return {"watch_percent": share, "poller_percent": poller / seconds * 100}


def _child_cpu(stat_line: str) -> float:
    """CPU of the finished children of the shell whose /proc stat line is given."""
    fields = stat_line.strip().splitlines()[-1].rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / TICK


# --- main ----------------------------------------------------------------------------------


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drops", type=int, default=20)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--stable", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2, help="throughput rounds")
    parser.add_argument("--skip", nargs="*", default=[], choices=["latency", "poll", "throughput",
                                                                  "idle"])  # fmt: skip
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-watch-"))
    try:
        pages = real_pages()
        origin = f"{len(pages)} real page images of {REAL}"
        if not pages:
            pages = generated_pages(work / "generated", max(options.drops, options.pages))
            origin = f"{len(pages)} generated A4 pages (real-dev corpus absent)"
        print(f"pages: {origin}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        if "latency" not in options.skip or "poll" not in options.skip:
            ocr = {}
            for file in distinct(pages, options.drops, work / "ocr"):
                ocr[file.name] = plain_ocr_seconds(file)
        if "latency" not in options.skip:
            rows = latency(work, pages, options.drops, options.stable, options.jobs, None)
            report_latency(rows, ocr, options.stable, "file events")
        if "poll" not in options.skip:
            rows = latency(work, pages, options.drops, options.stable, options.jobs, "1")
            report_latency(rows, ocr, options.stable, "polling every 1 s")
        if "throughput" not in options.skip:
            throughput(work, pages, options.pages, options.stable, options.jobs, options.rounds)
        if "idle" not in options.skip:
            idle(work, options.files, options.idle, options.jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
