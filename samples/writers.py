"""Writing a scan in the formats scanner stations deliver, with its ground truth."""

from __future__ import annotations

import io
import json
import os
import unicodedata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pikepdf
from PIL import Image

from samples.damage import degrade_pixels, encode_jpeg, map_box
from samples.layout import page_count
from samples.render import RenderedPage, render_page
from samples.spec import Damage, DocumentSpec

Format = Literal["jpeg", "png", "tiff", "pdf", "folder"]
FORMATS: tuple[str, ...] = ("jpeg", "png", "tiff", "pdf", "folder")
#: Quality used when a page's damage does not ask for one (office scanners: 80–85).
DEFAULT_JPEG_QUALITY = 85
GENERATOR = "samples.generate/1"


def metadata(spec: DocumentSpec, page_amount: int) -> dict[str, Any]:
    """The fields an extractor should find, named as sohoa.models.METADATA_FIELDS."""
    return {
        "organ_name": spec.organ_name,
        "parent_organ": spec.parent_organ,
        "code_number": spec.number,
        "code_notation": spec.notation,
        "type_name": spec.type_name,
        "place": spec.place,
        "issued_date": spec.issued.isoformat(),
        "subject": spec.subject,
        "signer_authority": spec.signer_authority,
        "signer_position": spec.signer_position,
        "signer_full_name": spec.signer_name,
        # Items without the leading dash and the closing `;`/`.` punctuation.
        "recipients": [item.rstrip(";.").strip() for item in spec.recipients],
        "page_amount": page_amount,
        "language": "vi",
    }


def page_truth(page: RenderedPage, damage: Damage, scan_size: tuple[int, int]) -> dict[str, Any]:
    size = page.image.size
    return {
        "page": page.page_no,
        "lines": list(page.lines),
        "boxes": [list(b) for b in page.boxes],
        "scan_boxes": [_clamp(map_box(b, size, damage), scan_size) for b in page.boxes],
        "roles": list(page.roles),
        "body": page.body,
        "text": page.text,
        "rotation": damage.rotation,
        "skew": damage.skew,
        "dpi": damage.dpi,
        "width": scan_size[0],
        "height": scan_size[1],
        "seal_text": page.seal_text,
        "signature": page.signature,
        "damage": damage.to_json(),
    }


def _clamp(box: tuple[int, int, int, int], size: tuple[int, int]) -> list[int]:
    left, top, right, bottom = box
    return [max(0, left), max(0, top), min(size[0], right), min(size[1], bottom)]


def _check_nfc(value: Any, where: str = "truth") -> None:
    if isinstance(value, str):
        if unicodedata.normalize("NFC", value) != value:
            raise ValueError(f"{where} is not NFC: {value!r}")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_nfc(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_nfc(v, f"{where}[{i}]")


def scan_pages(
    spec: DocumentSpec, damages: list[Damage], seed: int
) -> list[tuple[RenderedPage, Damage, Image.Image]]:
    """Render and degrade every page (JPEG compression left to the writer).

    `damages` gives one Damage per page; a shorter list repeats its last item.
    """
    if not damages:
        raise ValueError("give at least one Damage")
    out = []
    for page_no in range(1, page_count(spec) + 1):
        damage = damages[min(page_no - 1, len(damages) - 1)]
        page = render_page(spec, page_no, damage.dpi, seal=damage.seal, signature=damage.signature)
        rng = np.random.default_rng([seed, page_no])
        out.append((page, damage, degrade_pixels(page.image, damage, rng)))
    return out


def write_document(
    spec: DocumentSpec,
    damages: list[Damage],
    out_dir: Path,
    name: str,
    fmt: Format,
    *,
    seed: int = 0,
    truth_dir: Path | None = None,
    root: Path | None = None,
) -> dict[str, Any]:
    """Write the scan of `spec` to `out_dir` and its truth to `truth_dir/<name>.json`.

    The scan is `<name>.jpg`, `.png`, `.tif`, `.pdf`, or for `folder` a folder
    `<name>/` of `page-1.jpg … page-N.jpg` (unpadded: only a natural sort puts
    page-10 after page-9). The truth's `source` is relative to `root`
    (default: the truth folder). Returns the truth.
    """
    out_dir, truth_dir = Path(out_dir), Path(truth_dir or out_dir)
    root = Path(root or truth_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    pages = scan_pages(spec, damages, seed)
    if fmt in ("jpeg", "png") and len(pages) != 1:
        raise ValueError(f"{fmt} holds one page; {name} has {len(pages)}: use tiff, pdf or folder")
    dpis = {d.dpi for _, d, _ in pages}
    if fmt in ("tiff", "pdf") and len(dpis) != 1:
        raise ValueError("one file, one scanning resolution: give every page the same dpi")

    files: list[Path]
    if fmt == "jpeg":
        (_, d, img) = pages[0]
        files = [out_dir / f"{name}.jpg"]
        files[0].write_bytes(encode_jpeg(img, d.jpeg_quality or DEFAULT_JPEG_QUALITY, d.dpi))
        source = files[0]
    elif fmt == "png":
        (_, d, img) = pages[0]
        img = _jpeg_roundtrip(img, d)
        files = [out_dir / f"{name}.png"]
        img.save(files[0], "PNG", dpi=(d.dpi, d.dpi), optimize=True)
        source = files[0]
    elif fmt == "tiff":
        source = out_dir / f"{name}.tif"
        files = [source]
        _write_tiff(source, [(d, img) for _, d, img in pages])
    elif fmt == "pdf":
        source = out_dir / f"{name}.pdf"
        files = [source]
        _write_pdf(source, [(d, img) for _, d, img in pages])
    elif fmt == "folder":
        source = out_dir / name
        source.mkdir(exist_ok=True)
        for old in source.glob("page-*.jpg"):
            old.unlink()
        files = []
        for i, (_, d, img) in enumerate(pages, 1):
            path = source / f"page-{i}.jpg"
            path.write_bytes(encode_jpeg(img, d.jpeg_quality or DEFAULT_JPEG_QUALITY, d.dpi))
            files.append(path)
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")

    page_entries = []
    for i, (page, damage, img) in enumerate(pages):
        entry = page_truth(page, damage, img.size)
        if fmt == "folder":
            entry["file"] = os.path.relpath(files[i], root).replace(os.sep, "/")
        elif fmt in ("tiff", "pdf"):
            entry["frame"] = i
        page_entries.append(entry)
    seal_texts = {p["seal_text"] for p in page_entries if p["seal_text"]}
    truth: dict[str, Any] = {
        "name": name,
        "source": os.path.relpath(source, root).replace(os.sep, "/"),
        "format": fmt,
        "document_type": spec.doc_type,
        "font": spec.font,
        "seed": seed,
        "generator": GENERATOR,
        "seal_text": next(iter(seal_texts), None),
        "body": "\n".join(p.text for p in spec.body),
        "notes": spec.extra,
        "pages": page_entries,
        "metadata": metadata(spec, len(pages)),
    }
    _check_nfc(truth)
    text = json.dumps(truth, ensure_ascii=False, indent=2) + "\n"
    (truth_dir / f"{name}.json").write_text(text, encoding="utf-8")
    return truth


def _jpeg_roundtrip(img: Image.Image, d: Damage) -> Image.Image:
    """JPEG artefacts in a lossless file (a scanner that compresses internally)."""
    if d.jpeg_quality is None:
        return img
    out = Image.open(io.BytesIO(encode_jpeg(img, d.jpeg_quality, d.dpi)))
    out.load()
    return out


def _write_tiff(path: Path, pages: list[tuple[Damage, Image.Image]]) -> None:
    """One frame per page. JPEG-in-TIFF when the scanner compresses, else Deflate."""
    d0 = pages[0][0]
    images = [img for _, img in pages]
    opts: dict[str, Any] = {"dpi": (d0.dpi, d0.dpi), "save_all": True, "append_images": images[1:]}
    if d0.jpeg_quality is not None:
        opts |= {"compression": "jpeg", "quality": d0.jpeg_quality}
    else:
        opts |= {"compression": "tiff_adobe_deflate"}
    images[0].save(path, "TIFF", **opts)


def _write_pdf(path: Path, pages: list[tuple[Damage, Image.Image]]) -> None:
    """An image-only PDF as a scanner makes it: one JPEG per page, page size
    = pixels / dpi, no text layer."""
    pdf = pikepdf.new()
    for damage, img in pages:
        data = encode_jpeg(img, damage.jpeg_quality or DEFAULT_JPEG_QUALITY, damage.dpi)
        w_pt = img.width * 72.0 / damage.dpi
        h_pt = img.height * 72.0 / damage.dpi
        xobj = pikepdf.Stream(pdf, data)
        xobj.Type = pikepdf.Name.XObject
        xobj.Subtype = pikepdf.Name.Image
        xobj.Width, xobj.Height = img.width, img.height
        xobj.ColorSpace = pikepdf.Name.DeviceGray if img.mode == "L" else pikepdf.Name.DeviceRGB
        xobj.BitsPerComponent = 8
        xobj.Filter = pikepdf.Name.DCTDecode
        content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(w_pt, 4), round(h_pt, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)),
            Contents=pikepdf.Stream(pdf, content),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/Producer"] = "sohoa sample generator (synthetic scan)"
    pdf.save(path, deterministic_id=True, compress_streams=True)
