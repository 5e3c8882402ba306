"""Real papers: sohoa on real Vietnamese administrative scans, beside plain Tesseract.

    .venv/bin/python bench/bench_real.py [--jobs 2] [--no-tesseract] [--corpus DIR]

Runs the scoring script that ships with the corpus (`../shared/real-dev/eval.py`,
the one a held-out set of other real scans is scored with too): one `sohoa
ingest` of every document, the fields read against the truth read by eye,
the CER of the archived text layer (pdftotext) and of plain `tesseract -l vie`
on the same pages, pages per minute of both. Then prints, per document, what
sohoa did (archived or refused, flagged for review) and its CER beside
Tesseract's, and the summary the issue's bar is set on: documents refused,
documents whose text layer is worse than plain Tesseract, mean CER, speed.

The corpus is never copied into the repository: without it (a user's machine)
the benchmark says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "real-dev"


def sohoa_command() -> str:
    """The `sohoa` of this checkout's environment."""
    beside = Path(sys.executable).with_name("sohoa")
    return str(beside) if beside.exists() else shutil.which("sohoa") or "sohoa"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-tesseract", action="store_true", help="skip the Tesseract baseline")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    script = args.corpus / "eval.py"
    print("real-dev: real scans of Vietnamese administrative documents")
    if not script.is_file():
        print(
            f"  skipped: {script} not found (the corpus lives beside the repository, in ../shared)"
        )
        return 0
    out = Path(tempfile.mkdtemp(prefix="sohoa-bench-real-")) / "results.json"
    command = [
        sys.executable,
        str(script),
        sohoa_command(),
        "--jobs",
        str(args.jobs),
        "--out",
        str(out),
    ]
    if args.no_tesseract:
        command.append("--no-tesseract")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.is_file():
        print(f"  eval.py failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return 1
    report = json.loads(out.read_text(encoding="utf-8"))
    docs = report["docs"]
    have_tess = report.get("mean_cer_tesseract") is not None

    print(f"  {'document':22} {'status':11} {'review':8} {'CER sohoa':>9} {'tesseract':>9}")
    worse = []
    for name, doc in docs.items():
        tess = doc.get("cer_tesseract")
        mark = ""
        if doc["status"] == "archived" and tess is not None and round(doc["cer"], 4) > tess:
            worse.append(name)
            mark = "  worse"
        review = "yes" if doc.get("needs_review") else ""
        print(
            f"  {name:22} {doc['status'] or 'missing':11} {review:8} {doc['cer']:9.4f} "
            f"{tess if tess is not None else float('nan'):9.4f}{mark}"
        )
    refused = [n for n, d in docs.items() if d["status"] != "archived"]
    archived = [d for d in docs.values() if d["status"] == "archived"]
    mean = sum(d["cer"] for d in archived) / len(archived) if archived else float("nan")
    print()
    print(f"  refused: {len(refused)} of {len(docs)} documents {refused or ''}")
    if have_tess:
        tess_mean = sum(d["cer_tesseract"] for d in archived) / len(archived) if archived else 0
        print(
            f"  text layer CER over the archived documents: sohoa {mean:.4f} vs plain tesseract "
            f"{tess_mean:.4f} on the same pages; worse than tesseract on {len(worse)} "
            f"document(s) {worse or ''}"
        )
    pages = report["pages"]
    line = f"  speed: sohoa {report['wall_s'] / pages:.2f} s/page ({report['pages_per_min']:.1f} pages/min)"
    if report.get("tesseract_wall_s"):
        line += f", plain tesseract {report['tesseract_wall_s'] / pages:.2f} s/page"
    print(line + f", {args.jobs} jobs")
    right, scored = report["fields_right"], report["fields_scored"]
    print(
        f"  fields: {right}/{scored} right ({100 * right / scored:.1f}%), "
        f"{report['fields_wrong']} wrong, {report['fields_null']} null"
    )
    print(f"  details: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
