"""Synthetic scans of Vietnamese administrative documents, with exact ground truth.

Importable (tests put the repository root on sys.path) and a CLI:

    python -m samples.generate --committed          # rewrite samples/scans, truth, bad, dossier
    python -m samples.generate --check              # regenerate in a temp dir, compare bytes
    python -m samples.generate -n 20 --seed 7 --out /tmp/corpus

Everything is deterministic given the seed (and the installed font files).
"""

from __future__ import annotations

import argparse
import filecmp
import random
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from samples.damage import degrade, map_box, map_point, quarter_turn
from samples.documents import build_document, seed_decision_151
from samples.dossier import write_dossier_samples
from samples.fonts import FAMILIES, FAMILY_WEIGHTS, FontMissingError, available_families
from samples.layout import layout_document, page_count
from samples.register import write_register_samples
from samples.render import RenderedPage, page_size, render_page
from samples.spec import DOC_TYPES, Damage, DocType, DocumentSpec, Paragraph, date_line
from samples.topics import TOPIC_BY_KEY, TOPICS
from samples.vocab import (
    Province,
    department,
    ministry_home_affairs,
    people_committee,
    provincial_police,
)
from samples.writers import FORMATS, Format, metadata, write_document

__all__ = [
    "DOC_TYPES",
    "FAMILIES",
    "FORMATS",
    "Damage",
    "DocumentSpec",
    "FontMissingError",
    "Paragraph",
    "RenderedPage",
    "available_families",
    "build_document",
    "check_committed",
    "committed_set",
    "corpus",
    "date_line",
    "degrade",
    "layout_document",
    "map_box",
    "map_point",
    "metadata",
    "page_count",
    "page_size",
    "quarter_turn",
    "random_damage",
    "render_page",
    "seed_decision_151",
    "write_bad",
    "write_committed",
    "write_document",
]

SAMPLES_DIR = Path(__file__).resolve().parent
DOC_TYPE_KEYS: tuple[DocType, ...] = tuple(DOC_TYPES)  # type: ignore[assignment]


def random_damage(rng: random.Random, pages: int) -> list[Damage]:
    """Plausible scanner faults for each page of one document (one dpi per document)."""
    dpi = 300 if rng.random() < 0.8 else 200
    jpeg = rng.choice([None, 60, 75, 80, 85, 85, 90])
    grayscale = rng.random() < 0.3
    out = []
    for _ in range(pages):
        turn = rng.random()
        rotation = 0 if turn < 0.85 else (180 if turn < 0.92 else rng.choice([90, 270]))
        border = rng.random() < 0.15
        signed = rng.random() < 0.96
        out.append(
            Damage(
                skew=round(rng.uniform(-3.0, 3.0), 2) if rng.random() < 0.7 else 0.0,
                rotation=rotation,
                dpi=dpi,
                noise=round(rng.uniform(0, 7), 1) if rng.random() < 0.7 else 0.0,
                blur=round(rng.uniform(0.3, 1.3), 2) if rng.random() < 0.4 else 0.0,
                illumination=round(rng.uniform(0.1, 0.4), 2) if rng.random() < 0.35 else 0.0,
                illumination_edge=rng.choice(["left", "right", "top", "bottom"]),
                jpeg_quality=jpeg,
                speckles=rng.randint(0, 60),
                border_px=rng.randint(12, 60) if border else 0,
                border_sides=tuple(
                    rng.sample(["left", "right", "top", "bottom"], rng.randint(1, 2))
                )
                if border
                else (),
                seal=signed and rng.random() < 0.97,
                signature=signed,
                grayscale=grayscale,
                paper_tone=round(rng.uniform(0.0, 0.8), 2),
            )
        )
    return out


def corpus(
    n: int, seed: int, *, fonts: Sequence[str] | None = None
) -> list[tuple[DocumentSpec, list[Damage]]]:
    """`n` varied documents with per-page damage.

    Types cycle through all seven (shuffled per round) so any 7 consecutive
    documents cover them; fonts follow FAMILY_WEIGHTS the same way, so
    Liberation Serif (the Times New Roman look-alike) is the most common and
    10 documents use all five families.
    """
    rng = random.Random(seed)
    families = list(fonts or FAMILIES)
    font_round = [f for f in families for _ in range(FAMILY_WEIGHTS.get(f, 1))]
    types: list[DocType] = []
    font_seq: list[str] = []
    out = []
    for _ in range(n):
        if not types:
            types = list(DOC_TYPE_KEYS)
            rng.shuffle(types)
        if not font_seq:
            font_seq = list(font_round)
            rng.shuffle(font_seq)
            # Make the rarer faces show up early in the round.
            rare = [f for f in families if FAMILY_WEIGHTS.get(f, 1) == 1]
            font_seq = [f for f in font_seq if f not in rare[:1]] + rare[:1]
        doc_type, font = types.pop(), font_seq.pop()
        size = rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 2])[0]
        spec = build_document(doc_type, rng, font=font, size=size)
        out.append((spec, random_damage(rng, page_count(spec))))
    return out


# -- the committed sample set ------------------------------------------------------


def _entries() -> list[tuple[str, DocumentSpec, list[Damage], Format, int]]:
    """The committed documents: (name, spec, damages, format, seed)."""
    out: list[tuple[str, DocumentSpec, list[Damage], Format, int]] = []

    # 1. The seed decision, a colour JPEG straight from an office scanner.
    out.append(
        (
            "qd-151-stc-gia-lai",
            seed_decision_151(),
            [Damage(skew=0.8, noise=1.0, blur=0.35, jpeg_quality=82, speckles=12, paper_tone=0.25)],
            "jpeg",
            1,
        )
    )
    # 2. A công văn of Bộ Nội vụ, fed upside down, grayscale PNG.
    spec = build_document(
        "cong_van",
        random.Random("cv-05-bnv-vp"),
        font="DejaVu Serif",
        size=1,
        issued=date(2024, 2, 5),
        topic=TOPIC_BY_KEY["van_thu"],
        agency=ministry_home_affairs(),
        signer=("TL.", "BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG"),
    )
    spec = _one_page(spec.replace(number="05"))
    out.append(
        (
            "cv-05-bnv-vp",
            spec,
            [Damage(skew=-0.6, rotation=180, grayscale=True, speckles=25, paper_tone=0.2)],
            "png",
            2,
        )
    )
    # 3. A two-page notice of a Sở Tư pháp before the merger, grayscale JPEG-in-TIFF;
    # page 2 fed sideways.
    qnam = Province("Quảng Nam", False, False)
    spec = build_document(
        "thong_bao",
        random.Random("tb-stp-quang-nam"),
        font="Liberation Sans",
        size=3,
        issued=date(2023, 9, 18),
        topic=TOPIC_BY_KEY["pbgdpl"],
        agency=department(qnam, "Sở Tư pháp", "STP"),
        signer=("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    )
    spec = _at_least_pages(spec, 2)
    out.append(
        (
            "tb-stp-quang-nam",
            spec,
            [
                Damage(skew=1.2, noise=1.0, jpeg_quality=80, grayscale=True, paper_tone=0.35),
                Damage(
                    skew=-0.4,
                    rotation=90,
                    noise=1.0,
                    jpeg_quality=80,
                    grayscale=True,
                    paper_tone=0.35,
                ),
            ],
            "tiff",
            3,
        )
    )
    # 4. A plan of a merged province, image-only PDF, lamp fading on one side.
    ld = Province("Lâm Đồng", False, True)
    spec = build_document(
        "ke_hoach",
        random.Random("kh-ubnd-lam-dong"),
        font="FreeSerif",
        size=2,
        issued=date(2025, 8, 12),
        topic=TOPIC_BY_KEY["so_hoa"],
        agency=people_committee(ld),
        signer=("KT.", "CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    )
    spec = _at_least_pages(spec, 2)
    out.append(
        (
            "kh-ubnd-lam-dong",
            spec,
            [
                Damage(
                    skew=1.6,
                    illumination=0.35,
                    illumination_edge="right",
                    noise=1.2,
                    jpeg_quality=80,
                ),
                Damage(
                    skew=0.9,
                    illumination=0.3,
                    illumination_edge="bottom",
                    noise=1.2,
                    jpeg_quality=80,
                ),
            ],
            "pdf",
            4,
        )
    )
    # 5. A ten-page annual report, a folder of page-1.jpg … page-10.jpg at 200 dpi.
    gl = Province("Gia Lai", False, False)
    topics = tuple(t for t in TOPICS if t.key != "mot_cua")
    spec = build_document(
        "bao_cao",
        random.Random("bc-stc-gia-lai-tong-ket"),
        font="Liberation Serif",
        size=1,
        issued=date(2024, 1, 15),
        topic=TOPIC_BY_KEY["mot_cua"],
        agency=department(gl, "Sở Tài chính", "STC"),
        extra_topics=topics,
        signer=("Q.", None, "GIÁM ĐỐC"),
    )
    # Ten pages or more: page-10.jpg must sort after page-9.jpg.
    spec = _at_least_pages(spec.replace(line_spacing=1.3), 10)
    rng = random.Random("bc-stc-gia-lai-tong-ket/damage")
    folder_damage = []
    for i in range(page_count(spec)):
        folder_damage.append(
            Damage(
                dpi=200,
                skew=round(rng.uniform(-1.5, 1.5), 2),
                noise=1.0,
                blur=0.9 if i == 3 else 0.0,
                jpeg_quality=70,
                grayscale=True,
                paper_tone=0.3,
                speckles=10,
            )
        )
    out.append(("bc-stc-gia-lai-tong-ket", spec, folder_damage, "folder", 5))
    # 6. A submission of a provincial police, lid border, blur and skew.
    dl = Province("Đắk Lắk", False, False)
    spec = build_document(
        "to_trinh",
        random.Random("ttr-cat-dak-lak"),
        font="Noto Serif",
        size=0,
        issued=date(2022, 11, 3),
        topic=TOPIC_BY_KEY["cu_tru"],
        agency=provincial_police(dl),
        signer=("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    )
    spec = _one_page(spec)
    out.append(
        (
            "ttr-cat-dak-lak",
            spec,
            [
                Damage(
                    skew=-2.3,
                    blur=0.8,
                    noise=1.5,
                    border_px=45,
                    border_sides=("left", "bottom"),
                    jpeg_quality=82,
                    paper_tone=0.5,
                )
            ],
            "jpeg",
            6,
        )
    )
    # 7. An invitation of a commune after the merger, heavy JPEG artefacts.
    hn = Province("Hà Nội", True, True)
    spec = build_document(
        "giay_moi",
        random.Random("gm-ubnd-xa-dong-anh"),
        font="Liberation Serif",
        size=1,
        issued=date(2025, 9, 22),
        topic=TOPIC_BY_KEY["thien_tai"],
        agency=people_committee(hn, ("xã", "Đông Anh")),
        signer=("TL.", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
    )
    spec = _one_page(spec)
    out.append(
        (
            "gm-ubnd-xa-dong-anh",
            spec,
            [Damage(skew=0.5, noise=1.0, jpeg_quality=45, speckles=30, paper_tone=0.3)],
            "jpeg",
            7,
        )
    )
    # 8. A decision of a district UBND, signed for the collective, 200 dpi.
    tb = Province("Thái Bình", False, False)
    spec = build_document(
        "quyet_dinh",
        random.Random("qd-ubnd-vu-thu"),
        font="Liberation Serif",
        size=0,
        issued=date(2020, 2, 7),
        topic=TOPIC_BY_KEY["thien_tai"],
        agency=people_committee(tb, ("huyện", "Vũ Thư")),
        signer=("TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    )
    spec = _one_page(spec)
    out.append(
        (
            "qd-ubnd-vu-thu",
            spec,
            [Damage(dpi=200, skew=-1.1, noise=1.5, speckles=40, jpeg_quality=85, paper_tone=0.6)],
            "jpeg",
            8,
        )
    )
    return out


def _at_least_pages(spec: DocumentSpec, pages: int) -> DocumentSpec:
    """Loosen the spacing until the document runs to `pages` pages."""
    # Phụ lục I allows up to 1.5 lines (~1.7 of the font size).
    for spacing in (spec.line_spacing, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7):
        candidate = spec.replace(line_spacing=spacing, body_pt=14.0)
        if page_count(candidate) >= pages:
            return candidate
    return candidate


def _one_page(spec: DocumentSpec) -> DocumentSpec:
    """Tighten the setting (13 pt, single spacing) until the document fits one page."""
    for body_pt, spacing in ((spec.body_pt, spec.line_spacing), (13.0, 1.2), (13.0, 1.15)):
        candidate = spec.replace(body_pt=body_pt, line_spacing=spacing)
        if page_count(candidate) == 1:
            return candidate
    raise ValueError(f"{spec.doc_type} {spec.number} does not fit one page; give it less text")


def committed_set() -> list[tuple[str, DocumentSpec, list[Damage], Format, int]]:
    return _entries()


def write_committed(root: Path = SAMPLES_DIR) -> list[dict]:
    """Write scans/, truth/ and bad/ under `root`; return the truths."""
    truths = []
    for name, spec, damages, fmt, seed in _entries():
        truths.append(
            write_document(
                spec,
                damages,
                root / "scans",
                name,
                fmt,
                seed=seed,
                truth_dir=root / "truth",
                root=root,
            )
        )
    write_bad(root / "bad", root / "scans" / "qd-151-stc-gia-lai.jpg")
    write_dossier_samples(root / "dossier")
    write_register_samples(root / "register")
    return truths


def write_bad(bad_dir: Path, a_jpeg: Path) -> None:
    """Inputs a scanner station really produces and sohoa must refuse cleanly."""
    bad_dir.mkdir(parents=True, exist_ok=True)
    # A scanner creates the file first and writes it later.
    (bad_dir / "empty.jpg").write_bytes(b"")
    # Cut off mid-transfer: header and part of the scan data, no EOI marker.
    data = a_jpeg.read_bytes()
    (bad_dir / "truncated.jpg").write_bytes(data[:65536])
    # A text file someone saved with a .pdf name.
    (bad_dir / "not-a-pdf.pdf").write_text(
        "Đây không phải là tệp PDF: biên bản bàn giao hồ sơ được lưu nhầm phần mở rộng.\n",
        encoding="utf-8",
    )


def check_committed(root: Path = SAMPLES_DIR) -> list[str]:
    """Regenerate the committed set in a temporary folder; list files that differ."""
    diffs: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        write_committed(Path(tmp))
        for sub in ("scans", "truth", "bad", "dossier", "register"):
            fresh = sorted(p.relative_to(tmp) for p in (Path(tmp) / sub).rglob("*") if p.is_file())
            kept = sorted(p.relative_to(root) for p in (root / sub).rglob("*") if p.is_file())
            diffs += [f"missing or extra: {p}" for p in sorted(set(fresh) ^ set(kept))]
            for rel in sorted(set(fresh) & set(kept)):
                if not filecmp.cmp(Path(tmp) / rel, root / rel, shallow=False):
                    diffs.append(f"differs: {rel}")
    return diffs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samples.generate",
        description="Generate synthetic scans of Vietnamese administrative documents "
        "with exact ground truth (text lines, boxes, metadata).",
    )
    parser.add_argument(
        "--committed",
        action="store_true",
        help="rewrite samples/scans, samples/truth and samples/bad",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate the committed set in a temporary folder and compare bytes",
    )
    parser.add_argument("-n", type=int, default=10, help="number of random documents (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random corpus (default 0)")
    parser.add_argument("--out", type=Path, help="output folder of the random corpus")
    parser.add_argument(
        "--format",
        choices=[*FORMATS, "mixed"],
        default="mixed",
        help="file format of the random corpus (default: mixed; single-page formats fall back to pdf for long documents)",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            diffs = check_committed()
            for line in diffs:
                print(line)
            print("committed set is reproducible" if not diffs else f"{len(diffs)} file(s) differ")
            return 1 if diffs else 0
        if args.committed:
            truths = write_committed()
            for t in truths:
                print(
                    f"{t['source']}: {t['document_type']}, {len(t['pages'])} page(s), {t['font']}"
                )
            return 0
        if args.out is None:
            parser.error("give --out DIR, --committed or --check")
        rng = random.Random(args.seed)
        for i, (spec, damages) in enumerate(corpus(args.n, args.seed)):
            fmt = args.format if args.format != "mixed" else rng.choice(FORMATS)
            if fmt in ("jpeg", "png") and len(damages) > 1:
                fmt = "pdf"
            name = f"{i + 1:03d}-{spec.doc_type}"
            truth = write_document(spec, damages, args.out, name, fmt, seed=args.seed * 1000 + i)
            print(f"{truth['source']}: {len(truth['pages'])} page(s), {spec.font}")
    except FontMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
