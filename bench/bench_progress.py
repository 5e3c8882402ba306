"""Progress benchmark (issue 13): `sohoa progress` on 1,000,000 register entries and 500,000
linked documents (target: under 1 s), and `sohoa register import` in rows per second.

1. Import: a register export of N rows (CSV, the one-stop system's headings, dates as
   31/05/2021) through `sohoa register import`, end to end as a clerk runs it, in rows
   per second; beside it the floor a hand-rolled script gets — Python's csv module
   inserting the raw strings into SQLite with no checking at all. A smaller .xlsx export
   through the same command.
2. Archive: half of the entries get a document (index rows as an ingest writes them,
   each with its ingest event by one of six clerks at three stations, and its link to the
   dossier; 1 % of them later fail `archive check`), plus look-ups at the counter. The
   documents' PDFs are not written: `progress` never opens one.
3. Progress: `sohoa progress` (and `--by department`, `--json`) as a process, median of
   runs, target under 1 s; beside it the same "digitized" count computed by joining the
   links, documents and verdicts at query time (without the maintained `digitized_at`),
   and what re-verifying every linked PDF on each call would cost (one real signed PDF
   verified, times the number of documents).

    .venv/bin/python bench/bench_progress.py [--entries 1000000] [--documents 500000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sohoa.archive.store import Archive  # noqa: E402
from sohoa.vntime import VIETNAM  # noqa: E402

SOHOA = str(Path(sys.executable).parent / "sohoa")
AT = date(2026, 11, 20)
FIRST = date(2021, 1, 4)
DEPARTMENTS = (
    "Văn phòng Sở", "Phòng Quản lý ngân sách", "Phòng Tài chính đầu tư", "Phòng Quản lý giá",
    "Phòng Tài chính doanh nghiệp", "Phòng Tin học – Thống kê", "Thanh tra Sở",
    "Phòng Quản lý công sản",
)  # fmt: skip
FIELDS = ("Tài chính ngân sách", "Quản lý giá", "Tài chính doanh nghiệp", "Quản lý công sản",
          "Tin học – Thống kê", "Đầu tư", "Hành chính sự nghiệp", "Tài chính hợp tác xã")  # fmt: skip
PROCEDURES = (
    ("1.005428", "Cấp mã số đơn vị có quan hệ với ngân sách"),
    ("2.002236", "Đăng ký giá của các doanh nghiệp thuộc phạm vi cấp tỉnh"),
    ("1.009479", "Quyết toán vốn đầu tư dự án hoàn thành"),
    ("1.006222", "Xác lập quyền sở hữu toàn dân đối với tài sản"),
    ("2.001987", "Thẩm định phương án giá đất"),
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em",
         "Công ty TNHH Phú Thịnh", "Hợp tác xã Ia Grai", "Vũ Thị Hạnh")  # fmt: skip
CLERKS = ("Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Ngọc", "Phạm Văn Quang", "Đỗ Thị Hoa",
          "Bùi Văn Sơn")  # fmt: skip
STATIONS = ("Một cửa – quầy 1", "Một cửa – quầy 2", "Một cửa – quầy 3")


def registry_rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    span = (AT - FIRST).days
    rows = []
    for i in range(count):
        resolved = FIRST + timedelta(days=i * span // count)
        received = resolved - timedelta(days=rng.randint(0, 15))
        code = f"000.00.17.H34-{resolved:%y%m%d}-{i % 10_000:04d}"
        procedure = PROCEDURES[rng.randrange(len(PROCEDURES))]
        rows.append([
            str(i + 1), code, procedure[0], procedure[1], FIELDS[rng.randrange(len(FIELDS))],
            DEPARTMENTS[rng.randrange(len(DEPARTMENTS))], f"{received:%d/%m/%Y}",
            f"{resolved:%d/%m/%Y}", "Có" if rng.random() < 0.8 else "Không",
            NAMES[rng.randrange(len(NAMES))],
        ])  # fmt: skip
    return rows


HEADINGS = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Phòng",
            "Ngày tiếp nhận", "Ngày trả kết quả", "Còn hiệu lực", "Người nộp"]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["DANH SÁCH HỒ SƠ ĐÃ GIẢI QUYẾT"])
        writer.writerow(HEADINGS)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(HEADINGS)
    for row in rows:
        day = datetime.strptime(row[7], "%d/%m/%Y")
        sheet.append([int(row[0]), *row[1:7], day, *row[8:]])
    book.save(path)


def run(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run([SOHOA, *args], capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def baseline_import(csv_path: Path, db_path: Path) -> float:
    """Python's csv module into SQLite, raw strings, nothing checked: the floor."""
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE raw (" + ", ".join(f"c{i}" for i in range(len(HEADINGS))) + ")")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        next(reader)
        db.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(HEADINGS))})", reader)
    db.commit()
    db.close()
    return time.perf_counter() - started


def fill_archive(root: Path, documents: int, seed: int) -> None:
    """Documents for every other register entry, as an ingest indexes them (rows, ingest
    events, links), 1 % failing a later check, and look-ups at the counter."""
    rng = random.Random(seed)
    archive = Archive(root)
    db = archive.db
    codes = [r[0] for r in db.execute("SELECT code FROM register ORDER BY code")]
    chosen = codes[:: max(1, len(codes) // documents)][:documents]
    db.execute("BEGIN")
    docs, links, events = [], [], []
    for i, code in enumerate(chosen):
        resolved = datetime.strptime(code.split("-")[1], "%y%m%d").date()
        when = datetime.combine(resolved + timedelta(days=rng.randint(0, 30)), datetime.min.time())
        stamp = (when.replace(tzinfo=VIETNAM) + timedelta(hours=8 + rng.random() * 9)).replace(
            microsecond=0
        )
        if stamp.date() > AT:
            stamp = datetime(AT.year, AT.month, AT.day, 9, tzinfo=VIETNAM)
        document_id = f"{i:016x}"
        rel = f"objects/{document_id[:2]}/{document_id}"
        docs.append((document_id, f"{i:064x}", f"scan-{i}.jpg", rel, f"{rel}/document.pdf",
                     f"{i + 1:064x}", f"{rel}/text.txt", f"{rel}/original/scan-{i}.jpg", 1, "{}",
                     "B-LTA", "CN=SỞ TÀI CHÍNH", stamp.isoformat(), 93.0, stamp.isoformat()))  # fmt: skip
        links.append((document_id, code, "qr", stamp.isoformat()))
        events.append((stamp.isoformat(), CLERKS[rng.randrange(len(CLERKS))],
                       STATIONS[rng.randrange(len(STATIONS))], "ingest", document_id,
                       json.dumps({"source": f"scan-{i}.jpg", "pages": 1})))  # fmt: skip
    db.executemany(
        "INSERT INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256, text_path,"
        " original_path, pages, metadata, signature_level, signer_subject, signed_at,"
        " mean_confidence, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        docs,
    )
    db.executemany(
        "INSERT INTO document_dossiers (document_id, dossier_code, origin, linked_at)"
        " VALUES (?,?,?,?)",
        links,
    )
    events.sort()
    for citizen in range(3000):  # look-ups at the counter over the last months
        at = datetime(2026, 8, 1, 8, tzinfo=VIETNAM) + timedelta(minutes=citizen * 50)
        events.append((at.isoformat(), CLERKS[citizen % len(CLERKS)], STATIONS[0], "lookup",
                       None, json.dumps({"citizen": f"0791{citizen:08d}", "dossier": None,
                                         "documents": int(rng.random() < 0.4)})))  # fmt: skip
    events.append(("2026-11-01T20:00:00+07:00", "admin", STATIONS[0], "check", None,
                   json.dumps({"documents": len(chosen), "sampled": False})))  # fmt: skip
    db.executemany(
        "INSERT INTO events (at, actor, station, action, document_id, detail, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,'-','-')",
        events,
    )
    failing = [(d[0],) for d in docs[::100]]
    db.executemany(
        "UPDATE signature_checks SET ok = 0, status = 'changed', source = 'check',"
        " message = 'document.pdf changed since it was written',"
        " checked_at = '2026-11-01T20:00:00+07:00' WHERE document_id = ?",
        failing,
    )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    archive.close()


def naive_count(root: Path) -> tuple[float, int]:
    """Digitized entries by joining links, documents and verdicts at query time."""
    db = sqlite3.connect(f"{(root / 'index.sqlite').as_uri()}?mode=ro", uri=True)
    started = time.perf_counter()
    count = db.execute(
        "SELECT count(*) FROM register r WHERE (r.resolved_date IS NULL OR r.resolved_date <= ?)"
        " AND EXISTS (SELECT 1 FROM document_dossiers l"
        " JOIN documents d ON d.id = l.document_id"
        " JOIN signature_checks c ON c.document_id = l.document_id AND c.ok = 1"
        " WHERE l.dossier_code = r.code AND max(d.ingested_at, l.linked_at) < ?)",
        (AT.isoformat(), (AT + timedelta(days=1)).isoformat()),
    ).fetchone()[0]
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed, count


def verify_one(tmp: Path) -> float:
    """Seconds to verify one real signed PDF (PAdES B-B, the demo identity)."""
    from sohoa.config import Settings
    from sohoa.signing.identity import load_identity
    from sohoa.signing.sign import sign_pdf
    from sohoa.signing.trust import TrustStore, archive_anchors
    from sohoa.signing.verify import verify_file
    from tests.pki.fixtures import make_pdfa

    archive = tmp / "pki"
    identity = load_identity(Settings(archive=archive), archive)
    signed = tmp / "signed.pdf"
    sign_pdf(make_pdfa(tmp / "in.pdf"), signed, identity, agency_name="Sở Tài chính")
    store = TrustStore.of(archive_anchors(archive))
    verify_file(signed, trust_roots=store)  # warm
    times = []
    for _ in range(5):
        started = time.perf_counter()
        verify_file(signed, trust_roots=store)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def median_run(args: list[str], runs: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(runs):
        elapsed, done = run(*args)
        if done.returncode != 0:
            raise SystemExit(f"sohoa {' '.join(args)} failed: {done.stderr}")
        times.append(elapsed)
        output = done.stdout
    return statistics.median(times), output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=500_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="Keep the generated files and archive here.")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-progress-", dir=args.keep))
    try:
        rows = registry_rows(args.entries, args.seed)
        csv_path = tmp / "so-theo-doi.csv"
        write_csv(csv_path, rows)
        xlsx_path = tmp / "so-theo-doi.xlsx"
        write_xlsx(xlsx_path, rows[: args.xlsx_rows])
        root = tmp / "archive"
        Archive(root, create=True).close()

        print(
            f"register import ({args.entries:,} rows, CSV {csv_path.stat().st_size / 1e6:.0f} MB)"
        )
        elapsed, done = run("register", "import", str(csv_path), "--archive", str(root), "--json")
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        summary = json.loads(done.stdout.splitlines()[-1])
        assert summary["imported"] == args.entries, summary
        floor = baseline_import(csv_path, tmp / "raw.sqlite")
        print(f"  sohoa register import   {elapsed:6.1f} s  {args.entries / elapsed:9,.0f} rows/s"
              "  (columns recognised, every value checked, merged, logged)")  # fmt: skip
        print(f"  csv module → SQLite     {floor:6.1f} s  {args.entries / floor:9,.0f} rows/s"
              "  (raw strings, nothing checked: the floor)")  # fmt: skip
        again, done = run("register", "import", str(csv_path), "--archive", str(root), "--json")
        summary = json.loads(done.stdout.splitlines()[-1])
        assert summary["unchanged"] == args.entries, summary
        print(f"  re-import, unchanged    {again:6.1f} s  {args.entries / again:9,.0f} rows/s")
        xlsx_root = tmp / "archive-xlsx"
        Archive(xlsx_root, create=True).close()
        took, done = run("register", "import", str(xlsx_path), "--archive", str(xlsx_root))
        print(f"  .xlsx ({args.xlsx_rows:,} rows)     {took:6.1f} s  "
              f"{args.xlsx_rows / took:9,.0f} rows/s  (openpyxl, read-only mode)")  # fmt: skip

        started = time.perf_counter()
        fill_archive(root, args.documents, args.seed)
        print(f"\narchive: {args.documents:,} documents linked, ingest events, 3,000 look-ups "
              f"({time.perf_counter() - started:.0f} s to build)")  # fmt: skip

        at = ["--at", AT.isoformat(), "--archive", str(root)]
        plain, text = median_run(["progress", *at], args.runs)
        by, _ = median_run(["progress", *at, "--by", "department"], args.runs)
        as_json, output = median_run(["progress", *at, "--json"], args.runs)
        startup, _ = median_run(["--version"], args.runs)
        figures = json.loads(output.splitlines()[-1])
        naive, count = naive_count(root)
        per_pdf = verify_one(tmp)
        print(f"\nsohoa progress on {args.entries:,} entries, {args.documents:,} documents "
              f"(median of {args.runs} runs, whole process):")  # fmt: skip
        verdict = "OK" if plain < 1.0 else "OVER TARGET"
        print(f"  sohoa progress                  {plain:6.2f} s   target < 1 s: {verdict}")
        print(f"  sohoa progress --by department  {by:6.2f} s")
        print(f"  sohoa progress --json           {as_json:6.2f} s")
        print(f"  (of which starting Python and the CLI: {startup:.2f} s)")
        print(f"  digitized {figures['digitized']:,} / {figures['total']:,} = {figures['rate']} %;"
              f" pace {figures['pace']['per_day']} a day")  # fmt: skip
        print(f"  baseline: the same count joined at query time  {naive:6.2f} s "
              f"({count:,} digitized; agrees: {count == figures['digitized']})")  # fmt: skip
        print(f"  baseline: re-verifying every PDF on each call  {per_pdf * args.documents / 3600:6.1f} h"
              f" ({per_pdf * 1000:.0f} ms per signed PDF × {args.documents:,})")  # fmt: skip
        print("\n" + text.strip().splitlines()[-1])
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
