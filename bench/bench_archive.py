"""Archive benchmark (issue 11): search latency on 100,000 documents, check throughput.

1. Search: an index of 100,000 generated administrative documents (the sample
   generator's Vietnamese bodies, organs, số/ký hiệu and dates; text files on
   disk for the snippets), queried with what clerks type — words without
   diacritics, a số/ký hiệu in several forms, filters. Median and 95th
   percentile latency of `search` (ranking, filters and snippet included),
   target under 100 ms; beside it `grep -ril` over the same text files, what a
   clerk would do without an index.
2. Check: `archive check` (fixity only, both copies) over objects of
   realistic sizes, in MB/s, beside `sha256sum` over the very same files.

    .venv/bin/python bench/bench_archive.py [--documents 100000] [--objects 150] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from samples.generate import DOC_TYPES, build_document  # noqa: E402
from sohoa.archive import fixity, search  # noqa: E402
from sohoa.archive.store import Archive  # noqa: E402
from sohoa.models import DocumentMetadata, SignedPdf  # noqa: E402
from sohoa.scanners.loader import open_document  # noqa: E402
from tests.factories import ocr_page  # noqa: E402

QUERIES = [
    "quyet dinh so hoa",
    "ke hoach cai cach hanh chinh",
    "ủy ban nhân dân tỉnh",
    "thu tuc hanh chinh mot cua",
    "bao cao ket qua",
    "phong chong thien tai",
    "chuyen doi so",
    "giấy mời hội nghị",
    "tiet kiem chong lang phi",
    "dang ky cu tru",
]


def build_index(root: Path, count: int, seed: int) -> list[tuple[str, str, str]]:
    """An archive index of `count` documents (rows, search rows, text files); the số/ký
    hiệu of some of them, for queries."""
    archive = Archive(root, create=True)
    rng = random.Random(seed)
    types = list(DOC_TYPES)
    codes: list[tuple[str, str, str]] = []
    started = time.monotonic()
    archive.db.execute("BEGIN")
    for i in range(count):
        spec = build_document(types[i % len(types)], rng, size=rng.choice([0, 1, 1, 2, 3]))
        document_id = f"{rng.getrandbits(64):016x}"
        rel = f"objects/{document_id[:2]}/{document_id}"
        text = "\n".join(p.text for p in spec.body)
        folder = root / rel
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "text.txt").write_text(text, encoding="utf-8")
        metadata = {
            "organ_name": spec.organ_name,
            "code_number": spec.number,
            "code_notation": spec.notation,
            "type_name": spec.type_name,
            "issued_date": spec.issued.isoformat(),
            "subject": spec.subject,
            "signer_full_name": spec.signer_name,
            "page_amount": 1,
        }
        archive.db.execute(
            "INSERT INTO documents (id, sha256, source, object_dir, pdf_path, pdf_sha256, text_path,"
            " original_path, pages, metadata, organ_name, code_number, code_notation, type_name,"
            " issued_date, subject, signer_full_name, signature_level, signer_subject, signed_at,"
            " mean_confidence, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                document_id, document_id * 4, f"scan-{i}.jpg", rel, f"{rel}/document.pdf", "0" * 64,
                f"{rel}/text.txt", f"{rel}/original/scan.jpg", 1,
                json.dumps(metadata, ensure_ascii=False), spec.organ_name, spec.number,
                spec.notation, spec.type_name, spec.issued.isoformat(), spec.subject,
                spec.signer_name, "B-B", "CN=bench", "2025-01-01T00:00:00+07:00", 90.0,
                "2025-01-01T00:00:00+07:00",
            ),
        )  # fmt: skip
        search.index_document(archive.db, document_id, metadata, text, source=f"scan-{i}.jpg")
        if i % max(1, count // 30) == 0:
            codes.append((spec.number, spec.notation, document_id))
        if i and i % 20000 == 0:
            print(f"  {i} documents indexed ({time.monotonic() - started:.0f} s)", flush=True)
    archive.db.execute("COMMIT")
    archive.db.execute("ANALYZE")
    archive.close()
    print(f"  {count} documents indexed in {time.monotonic() - started:.0f} s; "
          f"index {(root / 'index.sqlite').stat().st_size / 1e6:.0f} MB")  # fmt: skip
    return codes


def bench_search(root: Path, codes: list[tuple[str, str, str]], rounds: int) -> None:
    archive = Archive(root)
    rng = random.Random(2)
    queries: list[tuple[str, search.Filters, str | None]] = [
        (q, search.Filters(), None) for q in QUERIES
    ]
    for number, notation, document_id in codes[:30]:
        typed = rng.choice(
            [f"{number}/{notation}", f"{number} {notation.replace('-', ' ').lower()}"]
        )
        queries.append((typed, search.Filters(), document_id))
    queries += [
        ("ke hoach", search.Filters(type_name="ke hoach"), None),
        ("so hoa", search.Filters(date_from="2024-01-01", date_to="2024-12-31"), None),
        ("quyet dinh", search.Filters(organ="ủy ban nhân dân"), None),
    ]
    latencies: list[float] = []
    found_codes = asked = 0
    for _ in range(rounds):
        for query, filters, wanted in queries:
            started = time.perf_counter()
            hits = search.search(archive.db, archive.root, query, filters, limit=20)
            latencies.append((time.perf_counter() - started) * 1000)
            if wanted is not None:
                asked += 1
                found_codes += wanted in {h.document_id for h in hits}
    archive.close()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"  sohoa search ({len(latencies)} queries, 20 results with snippets): "
          f"median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
          f"max {latencies[-1]:.1f} ms (target < 100 ms)")  # fmt: skip
    print(f"  số/ký hiệu queries with their document in the first 20: {found_codes}/{asked}")
    grep_times = []
    for query in ("Quyết định", "số hóa", "thiên tai"):
        started = time.perf_counter()
        subprocess.run(["grep", "-ril", "--include=text.txt", query, str(root / "objects")],
                       capture_output=True, check=False)  # fmt: skip
        grep_times.append((time.perf_counter() - started) * 1000)
    print(f"  baseline grep -ril over the text files (accents must be typed exactly): "
          f"median {statistics.median(grep_times):.0f} ms")  # fmt: skip


def build_objects(root: Path, replica: Path, count: int, seed: int) -> int:
    """`count` objects with PDFs of 0.3–3 MB (random bytes: nothing compresses or dedups)."""
    from PIL import Image

    archive = Archive(root, create=True, replica=replica)
    rng = random.Random(seed)
    work = root.parent / "inputs"
    work.mkdir(exist_ok=True)
    for i in range(count):
        scan = work / f"scan-{i}.png"
        Image.new("L", (40, 30), i % 256).save(scan)
        scan.write_bytes(scan.read_bytes() + i.to_bytes(4, "big"))
        pdf = work / f"pdf-{i}.pdf"
        pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(rng.randint(300_000, 3_000_000)))
        signed = SignedPdf(pdf, datetime(2025, 1, 1), "B-B", "CN=bench")
        archive.store(
            open_document(scan), [ocr_page(text="x")], DocumentMetadata(), signed,
            review_confidence=70,
        )  # fmt: skip
        pdf.unlink()
    archive.close()
    shutil.rmtree(work)
    return sum(p.stat().st_size for p in root.rglob("objects/*/*/*") if p.is_file())


def bench_check(root: Path, replica: Path) -> None:
    files = [
        str(p) for base in (root, replica) for p in base.glob("objects/*/*/**/*") if p.is_file()
    ]
    size = sum(os.path.getsize(f) for f in files)
    subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)  # warm the cache
    started = time.perf_counter()
    subprocess.run(["sha256sum", *files], stdout=subprocess.DEVNULL, check=True)
    baseline = time.perf_counter() - started
    archive = Archive(root, replica=replica)
    report = fixity.check(archive, log=False)
    archive.close()
    assert not report.findings, report.findings
    print(f"  {len(files)} files, {size / 1e6:.0f} MB in two copies (page cache warm)")
    print(f"  sohoa archive check --no-signatures: {report.bytes / 1e6 / report.seconds:.0f} MB/s "
          f"({report.seconds:.2f} s, {fixity.HASH_THREADS} hashing threads)")  # fmt: skip
    print(
        f"  baseline sha256sum (one process):    {size / 1e6 / baseline:.0f} MB/s ({baseline:.2f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--objects", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="build here and keep (default: a temporary folder)"
    )
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="sohoa-bench-archive-"))
    try:
        print(f"search: {args.documents} documents")
        index_root = base / "search"
        if (index_root / "index.sqlite").exists():
            shutil.rmtree(index_root)
        codes = build_index(index_root, args.documents, seed=11)
        print(" as built by ingests (index segments not merged):")
        bench_search(index_root, codes, args.rounds)
        archive = Archive(index_root)
        started = time.monotonic()
        search.optimize(archive.db)
        archive.close()
        print(f" after the segments are merged (as `archive check` does; "
              f"{time.monotonic() - started:.1f} s):")  # fmt: skip
        bench_search(index_root, codes, args.rounds)
        print(f"check: {args.objects} objects")
        objects, replica = base / "check", base / "copy2"
        shutil.rmtree(objects, ignore_errors=True)
        shutil.rmtree(replica, ignore_errors=True)
        replica.mkdir(parents=True)
        build_objects(objects, replica, args.objects, seed=12)
        bench_check(objects, replica)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
