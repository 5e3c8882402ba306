"""The worker pool: real OCR in worker processes; a crashing page fails only itself."""

from __future__ import annotations

import os
import signal
import unicodedata
from pathlib import Path

import pytest

from sohoa.models import PageRef
from sohoa.pipeline.pages import PageOptions, process_page
from sohoa.pipeline.pool import PagePool
from tests.imaging import text_page


def crash_on_bomb(ref: PageRef, engine, options: PageOptions):
    """Kill the worker on pages whose file is named 'bom*' (a libtesseract crash stand-in)."""
    if ref.path.name.startswith("bom"):
        os.kill(os.getpid(), signal.SIGKILL)
    return process_page(ref, engine, options)


@pytest.fixture(scope="module")
def page_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("pages")
    files = []
    for name in ("a", "bom", "c", "d"):
        path = folder / f"{name}.png"
        text_page(dpi=150, repeat=1).convert("L").save(path, dpi=(150, 150))
        files.append(path)
    return files


def _ref(path: Path) -> PageRef:
    return PageRef(path=path, kind="png", frame=0, index=0)


def test_pages_are_read_in_workers(page_files: list[Path]) -> None:
    pool = PagePool(2, PageOptions())
    results = list(pool.run((p.name, _ref(p)) for p in page_files if p.stem != "bom"))
    assert sorted(r.key for r in results) == ["a.png", "c.png", "d.png"]
    for result in results:
        assert result.error is None and result.page is not None
        text = result.page.text
        assert unicodedata.is_normalized("NFC", text)
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert result.page.mean_confidence > 80


def test_a_page_that_kills_its_worker_fails_alone(page_files: list[Path]) -> None:
    pool = PagePool(2, PageOptions(), page_function=crash_on_bomb)
    results = {r.key: r for r in pool.run((p.name, _ref(p)) for p in page_files)}
    assert set(results) == {"a.png", "bom.png", "c.png", "d.png"}
    assert results["bom.png"].page is None
    assert "crashed" in (results["bom.png"].error or "")
    assert "bom.png" in (results["bom.png"].error or "")
    for name in ("a.png", "c.png", "d.png"):
        assert results[name].error is None, results[name].error


def test_an_unreadable_page_is_reported_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "hỏng.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    pool = PagePool(1, PageOptions())
    (result,) = list(pool.run([("x", _ref(bad))]))
    assert result.page is None
    assert "hỏng.png" in (result.error or "")


def test_junk_words_inside_other_words_are_dropped() -> None:
    from sohoa.models import OcrWord
    from sohoa.ocr.engine import drop_junk_words

    def word(text: str, box: tuple[int, int, int, int], conf: float = 90, line: int = 0) -> OcrWord:
        return OcrWord(text=text, box=box, confidence=conf, block=0, paragraph=0, line=line)

    real = word("Quyết", (100, 100, 300, 150))
    speck = word("/", (150, 110, 160, 130))  # inside "Quyết": a seal fragment
    dash = word("—", (400, 100, 420, 150), conf=0)  # punctuation read with no confidence
    other_line = word("/", (150, 110, 160, 130), line=1)  # not inside a word of its own line
    assert drop_junk_words([real, speck, dash, other_line]) == [real, other_line]
    so = word("Số:", (547, 453, 611, 494), line=4)
    dot = word("-", (523, 477, 527, 482), line=4)  # a dust dot, a tenth of the letters' height
    hyphen = word("-", (1499, 345, 1516, 352), line=4)  # a real hyphen: as wide as a letter
    assert drop_junk_words([dot, so, hyphen]) == [so, hyphen]


def test_a_one_batch_pool_lets_idle_workers_go_before_the_last_page(page_files: list[Path]) -> None:
    """`sohoa ingest`'s pool: once no page is left to hand out, a worker with nothing to
    read is told to exit while the last page is still being read (and signed); a later
    run starts new workers."""
    pool = PagePool(2, PageOptions(), one_batch=True)
    pool.start()
    try:
        pages = [p for p in page_files if p.stem != "bom"]
        results = pool.run((p.name, _ref(p)) for p in pages)
        first = next(results)
        assert first.error is None
        rest = list(results)
        assert sorted(r.key for r in [first, *rest]) == sorted(p.name for p in pages)
        assert pool._leaving, "no worker was let go at the end of the batch"
        for worker in pool._leaving:
            worker.process.join(timeout=20)
            assert not worker.process.is_alive()
        (again,) = list(pool.run([("a", _ref(pages[0]))]))  # new workers take over
        assert again.error is None and again.page is not None
    finally:
        pool.close()
    assert not pool._leaving and pool._warm is None
