"""Shared fixtures. Real parts only: real Tesseract, real files, real SQLite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract: one thread per process

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # `from samples.generate import ...`

SAMPLES = REPO / "samples"


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def settings(archive_dir: Path):
    from sohoa.config import Settings

    return Settings(archive=archive_dir, jobs=2)
