"""HTML → PDF through headless Chromium, the one browser a Debian machine has for it.

Chromium lays the page out with its fonts (Liberation Serif standing in for
Times New Roman), keeps text as text with a ToUnicode map (Vietnamese letters
extract as they were written) and prints CSS paged-media margin boxes (the page
number). It runs with a throwaway profile and no network.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from sohoa.errors import EnvironmentProblem, ToolMissingError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 180


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(
        "printing the report to PDF needs Chromium, which is not installed",
        hint="apt-get install chromium (or write the HTML only with --html-only)",
    )


def print_pdf(html: Path, pdf: Path) -> None:
    """Print `html` to `pdf` (written under a temporary name, then renamed into place)."""
    command = browser()
    partial = pdf.with_name(f".{pdf.name}.part")
    with tempfile.TemporaryDirectory(prefix="sohoa-chromium-") as profile:
        try:
            done = subprocess.run(
                [
                    command, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--no-default-browser-check",
                    f"--user-data-dir={profile}", "--no-pdf-header-footer",
                    f"--print-to-pdf={partial}", html.resolve().as_uri(),
                ],
                capture_output=True, text=True, timeout=TIMEOUT, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise EnvironmentProblem(f"Chromium did not print {html} within {TIMEOUT} s") from None
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        detail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise EnvironmentProblem(f"Chromium could not print {html}: {detail[0]}")
    partial.replace(pdf)
