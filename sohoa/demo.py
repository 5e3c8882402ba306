"""`sohoa demo`: ingest the bundled samples, verify every output, print a summary table.

The samples come with ground truth (samples/truth/*.json), so the demo also
shows how well the text layer and the metadata match what is printed on the
paper: the figures a clerk can check for themselves.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sohoa.config import Settings
from sohoa.errors import ExitCode
from sohoa.metadata.fields import comparison_key
from sohoa.models import Archived, Outcome
from sohoa.ocr.metrics import best_match_cer, strip_signature_stamp
from sohoa.pipeline.pdfa import extract_text

#: Fields compared against the ground truth in the summary.
COMPARED_FIELDS = (
    "code_number",
    "code_notation",
    "type_name",
    "issued_date",
    "place",
    "organ_name",
)


def load_truths(samples: Path) -> dict[str, dict[str, Any]]:
    """Ground truth keyed by the source path relative to samples/ (e.g. "scans/a.jpg")."""
    truths: dict[str, dict[str, Any]] = {}
    for file in sorted((samples / "truth").glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        truths[str(data["source"]).rstrip("/")] = data
    return truths


def pdf_text(pdf: Path) -> list[str]:
    """The text layer of each page, read back by poppler (an independent reader)."""
    return [strip_signature_stamp(page) for page in extract_text(pdf).split("\f")]


def field_matches(truth: dict[str, Any], metadata: dict[str, Any]) -> tuple[int, int]:
    ok = total = 0
    for name in COMPARED_FIELDS:
        expected = truth.get(name)
        if expected is None:
            continue
        total += 1
        got = metadata.get(name)
        if got is not None and comparison_key(name, got) == comparison_key(name, expected):
            ok += 1
    return ok, total


def run_demo(settings: Settings, samples: Path, out: Console, err: Console) -> int:
    from sohoa.pipeline.orchestrator import Ingestor
    from sohoa.scanners.discover import discover
    from sohoa.signing.verify import verify_file

    sources = discover([samples / "scans"])
    truths = load_truths(samples)
    ingestor = Ingestor(settings)
    err.print(
        f"Demo: {len(sources)} sample documents → {ingestor.archive.root} "
        f"({settings.jobs} OCR workers, signing with the DEMO identity)"
    )
    started = time.monotonic()
    outcomes: list[Outcome] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task("pages", total=None)
        for outcome in ingestor.ingest(
            sources,
            on_progress=lambda p: progress.update(
                task, completed=p.pages_done, total=p.pages_total or None
            ),
        ):
            outcomes.append(outcome)
    elapsed = time.monotonic() - started

    table = Table(title="sohoa demo: samples archived and verified")
    for column in (
        "document",
        "pages",
        "type",
        "số / ký hiệu",
        "ngày",
        "signature",
        "verify",
        "CER",
        "fields",
    ):
        table.add_column(column, no_wrap=column != "document")
    all_ok = True
    cers: list[float] = []
    pages_total = 0
    fields_ok = fields_total = 0
    for outcome in outcomes:
        rel = (
            outcome.source.relative_to(samples).as_posix()
            if outcome.source.is_relative_to(samples)
            else str(outcome.source)
        )
        if not isinstance(outcome, Archived):
            all_ok = False
            reason = getattr(outcome, "reason", outcome.status)
            table.add_row(
                rel, "", "", "", "", "", f"[red]{outcome.status}[/]", "", str(reason)[:60]
            )
            continue
        record = outcome.record
        pages_total += record.pages
        verdict = verify_file(record.pdf, trust_roots=ingestor.trust_roots)
        verified = verdict.exit_code == ExitCode.OK
        all_ok &= verified
        truth = truths.get(rel)
        cer_text = fields_text = "–"
        if truth is not None:
            texts = pdf_text(record.pdf)
            page_cers = [
                best_match_cer(page["body"], texts[i] if i < len(texts) else "")
                for i, page in enumerate(truth["pages"])
                if page.get("body")
            ]
            if page_cers:
                doc_cer = sum(page_cers) / len(page_cers)
                cers.append(doc_cer)
                cer_text = f"{doc_cer:.1%}"
            ok, total = field_matches(truth.get("metadata", {}), record.metadata.to_json())
            fields_ok += ok
            fields_total += total
            fields_text = f"{ok}/{total}"
        m = record.metadata
        table.add_row(
            rel,
            str(record.pages),
            m.type_name or "–",
            f"{m.code_number}/{m.code_notation}" if m.code_number else "–",
            m.issued_date.isoformat() if m.issued_date else "–",
            record.signature_level,
            "[green]valid[/]" if verified else f"[red]{verdict.status}[/]",
            cer_text,
            fields_text,
        )
    # The summary is meant to be read and printed: never squeeze it to 80 columns.
    wide = (
        Console(width=max(out.width, 150), highlight=False, soft_wrap=True)
        if not out.is_terminal
        else out
    )
    wide.print(table)
    mean_cer = sum(cers) / len(cers) if cers else float("nan")
    per_page = elapsed / pages_total if pages_total else float("nan")
    out.print(
        f"{sum(isinstance(o, Archived) for o in outcomes)}/{len(outcomes)} documents archived and "
        f"verified, {pages_total} pages in {elapsed:.1f} s ({per_page:.2f} s/page); "
        f"mean text-layer CER {mean_cer:.2%}; metadata fields {fields_ok}/{fields_total} exact."
    )
    out.print(
        f"Archive: {ingestor.archive.root}   Try: sohoa verify --archive {settings.archive} --all"
    )
    try:
        linked_ok, line = demo_progress(ingestor, samples, out, err)
    finally:
        ingestor.close()
    out.print(line)  # the demo ends where the office stands on its road to 100 %
    return ExitCode.OK if all_ok and linked_ok else ExitCode.FAILED


def demo_progress(ingestor: Any, samples: Path, out: Console, err: Console) -> tuple[bool, str]:
    """Papers printed by the one-stop system (mã hồ sơ in a QR code or the file name) and the
    register of results they belong to: (all archived, the progress line)."""
    from sohoa.progress.figures import progress
    from sohoa.progress.register import import_register
    from sohoa.scanners.discover import discover
    from sohoa.vntime import now

    err.print("Demo: the one-stop papers of samples/dossier and the register of results")
    papers = sorted((samples / "dossier").glob("*.jpg"))  # not expected.json beside them
    outcomes = list(ingestor.ingest(discover(papers)))
    archived = [o for o in outcomes if isinstance(o, Archived)]
    for outcome in archived:
        codes = ", ".join(outcome.record.dossiers) or "no dossier"
        out.print(f"  {outcome.source.name} → hồ sơ {escape(codes)}")
    register = samples / "register" / "so-theo-doi-ket-qua.csv"
    result = import_register(ingestor.archive, register, ingestor.settings)
    out.print(
        f"Register: {register.relative_to(samples.parent)}: {result.imported} results imported "
        f"({len(result.bad)} refused).   Try: sohoa progress --archive "
        f"{ingestor.settings.archive} --by department"
    )
    figures = progress(ingestor.archive.db, ingestor.settings.progress, now().date())
    return len(archived) == len(outcomes) and not result.bad, figures.summary()
