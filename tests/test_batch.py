"""A batch runs in bounded memory: pages are streamed, and released once their document is stored."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PIL import Image, ImageDraw

from sohoa.config import Settings
from sohoa.models import Archived, OcrPage, PageRef
from sohoa.pipeline.orchestrator import Ingestor
from sohoa.pipeline.pages import PageOptions, encode_archival, page_size
from sohoa.pipeline.pool import PREFETCH
from sohoa.scanners.loader import load_page
from tests.factories import ocr_page


def page_without_ocr(ref: PageRef, engine, options: PageOptions) -> OcrPage:  # type: ignore[no-untyped-def]
    """A worker's page without recognition: the batch mechanics at full speed."""
    from sohoa.pipeline.cleanup import clean_page

    clean = clean_page(load_page(ref))
    width, height = page_size(clean)
    return ocr_page(
        index=ref.index, source=ref.path, width=width, height=height,
        dpi=clean.dpi, dpi_assumed=clean.dpi_assumed, rotation=clean.rotation,
        skew_degrees=clean.skew_degrees, words=(), text="", mean_confidence=0.0,
        image=encode_archival(clean),
    )  # fmt: skip


def test_pages_are_streamed_and_released(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    for n in range(30):
        image = Image.new("L", (827, 1169), 255)  # A4 at 100 dpi
        ImageDraw.Draw(image).text((100, 100 + 20 * n), f"Trang số {n}", fill=0)
        image.save(scans / f"trang-{n:02d}.png", dpi=(100, 100))
    jobs = 2
    ingestor = Ingestor(
        Settings(archive=tmp_path / "archive", jobs=jobs), page_function=page_without_ocr
    )
    alive: list[weakref.ref[OcrPage]] = []
    most_alive = 0
    finish = ingestor.finish_document

    def watching(document, pages):  # type: ignore[no-untyped-def]
        nonlocal most_alive
        alive.extend(weakref.ref(p) for p in pages)
        gc.collect()
        most_alive = max(most_alive, sum(r() is not None for r in alive))
        return finish(document, pages)

    ingestor.finish_document = watching  # type: ignore[method-assign]
    outcomes = list(ingestor.ingest(sorted(scans.iterdir())))
    ingestor.close()
    assert [type(o) for o in outcomes] == [Archived] * 30
    # At any moment the parent holds the document being finished and the few
    # pages in flight, never the batch.
    assert most_alive <= 1 + jobs * PREFETCH
    gc.collect()
    assert all(r() is None for r in alive)


def test_an_a3_page_at_600_dpi_goes_through(tmp_path: Path) -> None:
    from sohoa.pipeline.pool import PagePool
    from sohoa.scanners.loader import open_document
    from tests.imaging import text_page

    a4 = text_page(dpi=600, repeat=1).convert("L")
    a3 = Image.new("L", (round(11.69 * 600), round(16.54 * 600)), 255)  # 7014 × 9924 px, 70 Mpx
    a3.paste(a4, (0, 0))
    path = tmp_path / "a3-600dpi.png"
    a3.save(path, dpi=(600, 600), compress_level=1)
    (result,) = list(PagePool(1, PageOptions()).run([("a3", open_document(path).pages[0])]))
    assert result.error is None, result.error
    assert result.page is not None
    assert "Độc lập - Tự do - Hạnh phúc" in result.page.text
    assert round(result.page.width_pt) == 842  # A3 short side, 100% scale
