"""Field-level accuracy of the metadata extractor on degraded generated scans.

    .venv/bin/python bench/bench_metadata.py [--docs N] [--seed S] [--jobs N] [--refresh-ocr]

Generates `--docs` documents (default 28: every one of the 7 types at least
four times, all 5 fonts, random scanner damage, 200 and 300 dpi) with
`samples.generate.corpus` into `bench/out/metadata/` (git-ignored), OCRs them
with the real pipeline (`PagePool` → `process_page`: load, clean, Tesseract
`vie`), extracts the fields with `sohoa.metadata.extract_metadata`, and
compares them with the ground truth the way the issue defines it: exact match
after NFC and whitespace normalisation, organ names and positions compared
case-insensitively. A field is *correct*, *null* (the extractor said it could
not read it) or *wrong* (a value that is not the truth: what costs trust).

The OCR result of each scan is cached in `bench/out/metadata/ocr/` by the
SHA-256 of the scan (images stripped), so a re-run only extracts; the cache
remembers a fingerprint of the OCR code and warns when it changed
(`--refresh-ocr` redoes the OCR).

The same table is printed for a naive baseline: the first, flat-text regex
extractor of sohoa (kept verbatim below as `baseline`), which reads
`page.text` line by line, as paperless-ngx-style tools do.
Prints figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import pickle
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from samples.generate import corpus, write_document  # noqa: E402
from sohoa.metadata.extract import extract_metadata  # noqa: E402
from sohoa.metadata.fields import comparison_key  # noqa: E402
from sohoa.metadata.review import REVIEW_BELOW, review_below  # noqa: E402
from sohoa.models import METADATA_FIELDS, DocumentMetadata, EncodedImage, OcrPage  # noqa: E402
from sohoa.pipeline.pages import PageOptions  # noqa: E402
from sohoa.pipeline.pool import PagePool  # noqa: E402
from sohoa.scanners.loader import open_document  # noqa: E402

OUT = REPO / "bench" / "out" / "metadata"
#: Fields compared case-insensitively (the issue: organ names and positions).
#: Fields a document always has, whatever it is (they inflate the overall figure).
TRIVIAL = {"page_amount", "language"}
_BLANK = EncodedImage(b"", "FlateDecode", 1, 1, "L")


# --- the corpus -------------------------------------------------------------------------


def build_corpus(n: int, seed: int, out: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Write (or reuse) `n` generated scans; return (source, truth) pairs."""
    scans, truths = out / "scans", out / "truth"
    formats = ("jpeg", "pdf", "png", "tiff", "folder")
    result = []
    for i, (spec, damages) in enumerate(corpus(n, seed)):
        name = f"s{seed}-{i:03d}-{spec.doc_type}"
        truth_file = truths / f"{name}.json"
        if not truth_file.is_file():
            fmt = formats[i % len(formats)]
            if fmt in ("jpeg", "png") and len(damages) > 1:
                fmt = "pdf"
            write_document(spec, damages, scans, name, fmt, seed=seed * 1000 + i, truth_dir=truths)
        truth = _load_json(truth_file)
        result.append((truths / truth["source"], truth))
    return result


def _load_json(path: Path) -> dict[str, Any]:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


# --- OCR with a cache -------------------------------------------------------------------


def ocr_fingerprint() -> str:
    """Hash of the code that turns a scan into OcrPages, and the Tesseract version."""
    digest = hashlib.sha256()
    for folder in ("sohoa/pipeline", "sohoa/ocr", "sohoa/scanners"):
        for file in sorted((REPO / folder).glob("*.py")):
            digest.update(file.read_bytes())
    # The worker reads the handwritten số and day lines and the signer's name line again
    # (OcrPage.field_lines).
    for name in ("handwriting.py", "signer_lines.py", "signer.py"):
        digest.update((REPO / "sohoa" / "metadata" / name).read_bytes())
    try:
        version = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0]
    except OSError:
        version = "?"
    digest.update(version.encode())
    return digest.hexdigest()[:16]


def ocr_documents(
    sources: Sequence[Path], jobs: int, cache: Path, refresh: bool
) -> dict[Path, list[OcrPage]]:
    """OcrPages of every source, from the cache or the pool."""
    cache.mkdir(parents=True, exist_ok=True)
    fingerprint = ocr_fingerprint()
    documents = {source: open_document(source) for source in sources}
    result: dict[Path, list[OcrPage]] = {}
    stale = 0
    for source, document in documents.items():
        file = cache / f"{document.sha256}.pkl"
        if file.is_file() and not refresh:
            stored = pickle.loads(file.read_bytes())
            stale += stored["fingerprint"] != fingerprint
            result[source] = stored["pages"]
    todo = [s for s in sources if s not in result]
    if stale:
        print(
            f"note: {stale} cached OCR result(s) come from other OCR code; "
            "--refresh-ocr redoes them",
            file=sys.stderr,
        )
    if not todo:
        return result
    pages_total = sum(documents[s].page_count for s in todo)
    print(f"OCR of {len(todo)} document(s), {pages_total} page(s), {jobs} worker(s)…", flush=True)
    started = time.monotonic()
    collected: dict[Path, dict[int, OcrPage]] = {s: {} for s in todo}
    tasks = ((source, ref) for source in todo for ref in documents[source].pages)
    for done, page_result in enumerate(PagePool(jobs, PageOptions()).run(tasks), 1):
        if page_result.page is None:
            raise SystemExit(f"OCR failed: {page_result.error}")
        # The archival image is not needed to extract metadata: keep the cache small.
        collected[page_result.key][page_result.page.index] = replace(page_result.page, image=_BLANK)
        if done % 10 == 0:
            print(f"  {done}/{pages_total} pages, {time.monotonic() - started:.0f} s", flush=True)
    for source in todo:
        pages = [collected[source][i] for i in sorted(collected[source])]
        (cache / f"{documents[source].sha256}.pkl").write_bytes(
            pickle.dumps({"fingerprint": fingerprint, "pages": pages})
        )
        result[source] = pages
    return result


# --- scoring ----------------------------------------------------------------------------


def score(predicted: dict[str, Any], truth: dict[str, Any]) -> dict[str, str]:
    """Per field: "correct", "null" or "wrong"."""
    out = {}
    for field in METADATA_FIELDS:
        got, want = (
            comparison_key(field, predicted.get(field)),
            comparison_key(field, truth.get(field)),
        )
        if got == want:
            out[field] = "correct"
        elif got is None:
            out[field] = "null"
        else:
            out[field] = "wrong"
    return out


def print_table(title: str, results: list[dict[str, str]]) -> dict[str, float]:
    n = len(results)
    print(f"\n{title} ({n} documents)")
    print(f"  {'field':<18} {'accuracy':>9} {'null':>7} {'wrong':>7}")
    totals = {"correct": 0, "null": 0, "wrong": 0}
    core = {"correct": 0, "null": 0, "wrong": 0}
    for field in METADATA_FIELDS:
        counts = {k: sum(r[field] == k for r in results) for k in totals}
        for k, v in counts.items():
            totals[k] += v
            if field not in TRIVIAL:
                core[k] += v
        print(
            f"  {field:<18} {100 * counts['correct'] / n:>8.1f}% {100 * counts['null'] / n:>6.1f}%"
            f" {100 * counts['wrong'] / n:>6.1f}%"
        )
    all_fields = sum(totals.values())
    core_fields = sum(core.values())
    print(
        f"  {'overall':<18} {100 * totals['correct'] / all_fields:>8.1f}%"
        f" {100 * totals['null'] / all_fields:>6.1f}% {100 * totals['wrong'] / all_fields:>6.1f}%"
    )
    print(
        f"  {'overall w/o pages,':<18} {100 * core['correct'] / core_fields:>8.1f}%"
        f" {100 * core['null'] / core_fields:>6.1f}% {100 * core['wrong'] / core_fields:>6.1f}%"
        "   (page_amount and language left out)"
    )
    return {k: v / all_fields for k, v in totals.items()}


# --- the baseline: sohoa's first extractor, regex over flat text --------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


_B_TYPES = {
    "QĐ": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "GM": "Giấy mời", "GGT": "Giấy giới thiệu",
    "GUQ": "Giấy ủy quyền",
}  # fmt: skip
_B_NUMBER = re.compile(
    r"\bS[ốốôoóò0ö6]\s*[:;.]?\s*(?P<number>[0-9OoIl]{1,6})\s*/\s*(?P<notation>[0-9A-Za-zĐđƠơƯư/\-–.]+)"
)
_B_DATE = re.compile(
    r"(?P<place>[^\n,;:]{2,40}?)\s*,\s*ng[àaá]y\s+(?P<day>\d{1,2})\s+th[áa]ng\s+(?P<month>\d{1,2})"
    r"\s+n[ăaâ]m\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_B_VV = re.compile(r"^\s*V/v[:.]?\s*(?P<subject>.+)$", re.MULTILINE)
_B_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


def _b_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def baseline(pages: Sequence[OcrPage]) -> dict[str, Any]:
    """sohoa's first extractor (flat text, regexes), kept as the point of comparison."""
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    first = pages[0]
    text = nfc(first.text)
    lines = [nfc(x.strip()) for x in first.text.splitlines() if x.strip()]
    f: dict[str, Any] = {"page_amount": len(pages), "language": "vi"}
    m = _B_NUMBER.search(text)
    number_line = None
    if m:
        f["code_number"] = m.group("number").translate(str.maketrans("OoIl", "0011"))
        f["code_notation"] = m.group("notation").rstrip(".-–")
        number_line = next(
            (i for i, x in enumerate(lines) if m.group("number") in x and "/" in x), None
        )
    d = _B_DATE.search(text)
    if d:
        with contextlib.suppress(ValueError):
            f["issued_date"] = date(
                int(d.group("year")), int(d.group("month")), int(d.group("day"))
            )
        place = d.group("place").strip(" .-").split("\n")[-1].strip()
        if place and len(place) <= 30:
            f["place"] = place
    type_index = None
    for i, line in enumerate(lines):
        key = " ".join(_fold(line).split())
        name = next((n for n in _B_TYPES.values() if _fold(n) == key), None)
        if name:
            f["type_name"], type_index = name, i
            break
    if type_index is not None:
        subject = []
        for line in lines[type_index + 1 : type_index + 4]:
            if line.startswith(("Căn cứ", "Kính gửi", "Theo", "Điều", "I.", "1.")) or _b_upper(
                line
            ):
                break
            subject.append(line)
        if subject:
            f["subject"] = " ".join(subject)
    else:
        vv = _B_VV.search(text)
        if vv:
            f["type_name"], f["subject"] = "Công văn", vv.group("subject").strip()
    if number_line is not None:
        above = [x for x in lines[max(0, number_line - 3) : number_line] if _b_upper(x)]
        if above:
            f["organ_name"] = above[-1]
            if len(above) >= 2:
                f["parent_organ"] = above[-2]
    last = [nfc(x.strip()) for x in pages[-1].text.splitlines() if x.strip()]
    for i in range(len(last) - 1, max(-1, len(last) - 12), -1):
        if _B_NAME.match(last[i]):
            f["signer_full_name"] = last[i]
            positions: list[str] = []
            for line in reversed(last[max(0, i - 4) : i]):
                if _b_upper(line):
                    positions.insert(0, line)
                elif positions:
                    break
            if positions:
                for prefix in ("TM.", "KT.", "TL.", "TUQ.", "Q."):
                    if positions[0].startswith(prefix):
                        f["signer_authority"] = prefix
                        break
                f["signer_position"] = (
                    positions[-1]
                    if len(positions) > 1
                    else positions[0].removeprefix(str(f.get("signer_authority") or "")).strip()
                )
            break
    notation, type_name = f.get("code_notation"), f.get("type_name")
    if notation and type_name:
        expected = _B_TYPES.get(notation.split("-")[0])
        if expected and _fold(expected) != _fold(type_name):
            f["type_name"] = None
    return f


# --- calibration: is a field marked sure right? ----------------------------------------------

#: Confidence bins of the calibration curve.
BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


def calibration_rows(
    metadata: DocumentMetadata, verdicts: dict[str, str], fields: Sequence[str]
) -> list[tuple[str, float, bool]]:
    """(field, confidence, right?) for every field the extractor gave a value."""
    out = []
    for field in fields:
        if verdicts.get(field) in ("correct", "wrong"):
            confidence = metadata.confidence.get(field, 0.0)
            out.append((field, confidence, verdicts[field] == "correct"))
    return out


def print_calibration(title: str, rows: list[tuple[str, float, bool]]) -> None:
    """Accuracy of the given fields per confidence bin, and of those marked sure."""
    print(f"\ncalibration, {title} ({len(rows)} fields given)")
    print(f"  {'confidence':<12} {'fields':>7} {'right':>7} {'accuracy':>9}")
    for low, high in itertools.pairwise(BINS):
        inside = [ok for _, c, ok in rows if low <= c < high]
        if inside:
            share = 100 * sum(inside) / len(inside)
            print(
                f"  {low:.2f}–{min(high, 1):.2f}    {len(inside):>7} {sum(inside):>7} {share:>8.1f}%"
            )
    sure = [(f, c, ok) for f, c, ok in rows if c >= review_below(f)]
    if sure:
        right = sum(ok for _, _, ok in sure)
        wrong = ", ".join(f"{f} {c:.2f}" for f, c, ok in sure if not ok) or "none"
        print(
            f"  marked sure (≥ {REVIEW_BELOW}, subject ≥ {review_below('subject')}):"
            f" {right}/{len(sure)} right ({100 * right / len(sure):.1f}%); wrong ones: {wrong}"
        )
    unsure = [ok for f, c, ok in rows if c < review_below(f)]
    if unsure:
        print(f"  given but reviewed: {sum(unsure)}/{len(unsure)} right")


# --- real documents (../shared/real-dev, read by eye) ----------------------------------------

REAL_FIELDS = (
    "organ_name",
    "number",
    "type_name",
    "place",
    "issued_date",
    "subject",
    "signer_full_name",
)
_TONES = [("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"), ("uỳ", "ùy"),
          ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy")]  # fmt: skip


def _real_key(field: str, value: Any) -> str | None:
    """The scoring rule of real-dev's eval.py: case, spaces, dashes and old tone placement
    do not count; `V/v`/`Về việc` is not part of the subject; a number is số/ký hiệu."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    text = text.replace("–", "-").replace("—", "-")
    for old, new in _TONES:
        text = text.replace(old, new)
    if field == "number":
        text = text.replace(" ", "")
    if field == "subject":
        text = re.sub(r"^(v/v|về việc)\s*:?\s*", "", text).rstrip(" .;,")
    return text.rstrip(" .,") or None


def _real_values(metadata: DocumentMetadata) -> dict[str, Any]:
    values = {f: getattr(metadata, f, None) for f in REAL_FIELDS if f != "number"}
    number = metadata.code_number
    values["number"] = None if number is None else f"{number}/{metadata.code_notation or ''}"
    return values


def run_real(folder: Path, jobs: int, out: Path, refresh: bool) -> None:
    """Fields right/null/wrong on real documents, and the calibration curve there."""
    import json

    truth = {
        k: v
        for k, v in json.loads((folder / "truth.json").read_text(encoding="utf-8")).items()
        if not k.startswith("_")
    }
    sources = [(folder / v["file"]).resolve() for v in truth.values()]
    ocr = ocr_documents(sources, jobs, out / "ocr-real", refresh)
    counts = {f: {"correct": 0, "null": 0, "wrong": 0} for f in REAL_FIELDS}
    rows: list[tuple[str, float, bool]] = []
    review = 0
    for source, doc in zip(sources, truth.values(), strict=True):
        metadata = extract_metadata(ocr[source])
        review += metadata.needs_review
        values = _real_values(metadata)
        verdicts = {}
        for field in REAL_FIELDS:
            want, got = _real_key(field, doc["fields"][field]), _real_key(field, values[field])
            if want is None:
                continue
            verdicts[field] = "correct" if got == want else "null" if got is None else "wrong"
            counts[field][verdicts[field]] += 1
        for field, verdict in verdicts.items():
            if verdict != "null":
                key = "code_number" if field == "number" else field
                rows.append((key, metadata.confidence.get(key, 0.0), verdict == "correct"))
    total = {k: sum(c[k] for c in counts.values()) for k in ("correct", "null", "wrong")}
    n = sum(total.values())
    print(f"\nreal documents: {folder} ({len(truth)} documents, {n} fields read by eye)")
    print("  per field (right/null/wrong): " + ", ".join(
        f"{f} {c['correct']}/{c['null']}/{c['wrong']}" for f, c in counts.items()
    ))  # fmt: skip
    print(
        f"  fields right {total['correct']}/{n} ({100 * total['correct'] / n:.1f}%),"
        f" wrong {total['wrong']} ({100 * total['wrong'] / n:.1f}%);"
        f" {review}/{len(truth)} documents flagged needs_review"
    )
    print_calibration("real documents", rows)


# --- main -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=28, help="documents to generate (default 28)")
    parser.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    parser.add_argument("--jobs", type=int, default=2, help="OCR worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"work folder (default {OUT})")
    parser.add_argument("--refresh-ocr", action="store_true", help="ignore the OCR cache")
    parser.add_argument("--show", action="store_true", help="print every wrong or null field")
    parser.add_argument(
        "--real",
        type=Path,
        default=REPO.parent / "shared" / "real-dev",
        help="real documents with truth.json (default ../shared/real-dev; skipped when absent)",
    )
    args = parser.parse_args(argv)

    docs = build_corpus(args.docs, args.seed, args.out)
    types = sorted({t["document_type"] for _, t in docs})
    fonts = sorted({t["font"] for _, t in docs})
    pages_total = sum(len(t["pages"]) for _, t in docs)
    print(
        f"{len(docs)} documents, {pages_total} pages, {len(types)} types ({', '.join(types)}), "
        f"{len(fonts)} fonts ({', '.join(fonts)}), seed {args.seed}"
    )
    ocr = ocr_documents([s for s, _ in docs], args.jobs, args.out / "ocr", args.refresh_ocr)

    ours, naive = [], []
    rows: list[tuple[str, float, bool]] = []
    elapsed = 0.0
    for source, truth in docs:
        pages = ocr[source]
        started = time.perf_counter()
        metadata: DocumentMetadata = extract_metadata(pages)
        elapsed += time.perf_counter() - started
        result = score(metadata.to_json(), truth["metadata"])
        ours.append(result)
        rows += calibration_rows(metadata, result, [f for f in METADATA_FIELDS if f not in TRIVIAL])
        naive.append(score(baseline(pages), truth["metadata"]))
        if args.show:
            for field, verdict in result.items():
                if verdict != "correct":
                    got = metadata.to_json()[field]
                    print(
                        f"  {truth['name']}: {field} {verdict}: got {got!r} "
                        f"want {truth['metadata'][field]!r} "
                        f"(confidence {metadata.confidence.get(field)})"
                    )
    ours_total = print_table("sohoa.metadata (layout-aware)", ours)
    naive_total = print_table("baseline (regex over flat text)", naive)
    review = sum(1 for source, _ in docs if extract_metadata(ocr[source]).needs_review)
    print(
        f"\nextraction: {1000 * elapsed / len(docs):.1f} ms per document; "
        f"{review}/{len(docs)} documents flagged needs_review"
    )
    print(
        f"wrong values: sohoa {100 * ours_total['wrong']:.2f}% of fields, "
        f"baseline {100 * naive_total['wrong']:.2f}%"
    )
    print_calibration(f"generated scans, seed {args.seed}", rows)
    if (args.real / "truth.json").is_file():
        run_real(args.real, args.jobs, args.out, args.refresh_ocr)
    else:
        print(f"\nreal documents: {args.real} not found, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
