"""Font families the generator sets pages in, and where Debian puts them.

Every family here has the full Vietnamese precomposed set (Latin Extended
Additional: ạ ả ấ … ỹ) in all four styles, so NFC text renders without
combining marks. Liberation Serif is metrically compatible with Times New
Roman, the face Nghị định 30/2020 Phụ lục I prescribes, and so is the most
common family in the corpus.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

Style = Literal["regular", "bold", "italic", "bold_italic"]

#: Folders searched for font files, after those in $SOHOA_FONT_DIRS (":"-separated).
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/freefont"),
    Path("/usr/share/fonts/truetype/noto"),
)


@dataclass(frozen=True)
class FontFamily:
    """One family: its file names per style and the Debian package that ships it."""

    name: str
    files: dict[str, str]
    package: str


FAMILIES: dict[str, FontFamily] = {
    f.name: f
    for f in (
        FontFamily(
            "Liberation Serif",
            {
                "regular": "LiberationSerif-Regular.ttf",
                "bold": "LiberationSerif-Bold.ttf",
                "italic": "LiberationSerif-Italic.ttf",
                "bold_italic": "LiberationSerif-BoldItalic.ttf",
            },
            "fonts-liberation2",
        ),
        FontFamily(
            "DejaVu Serif",
            {
                "regular": "DejaVuSerif.ttf",
                "bold": "DejaVuSerif-Bold.ttf",
                "italic": "DejaVuSerif-Italic.ttf",
                "bold_italic": "DejaVuSerif-BoldItalic.ttf",
            },
            "fonts-dejavu-core fonts-dejavu-extra",
        ),
        FontFamily(
            "Liberation Sans",
            {
                "regular": "LiberationSans-Regular.ttf",
                "bold": "LiberationSans-Bold.ttf",
                "italic": "LiberationSans-Italic.ttf",
                "bold_italic": "LiberationSans-BoldItalic.ttf",
            },
            "fonts-liberation2",
        ),
        FontFamily(
            "FreeSerif",
            {
                "regular": "FreeSerif.ttf",
                "bold": "FreeSerifBold.ttf",
                "italic": "FreeSerifItalic.ttf",
                "bold_italic": "FreeSerifBoldItalic.ttf",
            },
            "fonts-freefont-ttf",
        ),
        FontFamily(
            "Noto Serif",
            {
                "regular": "NotoSerif-Regular.ttf",
                "bold": "NotoSerif-Bold.ttf",
                "italic": "NotoSerif-Italic.ttf",
                "bold_italic": "NotoSerif-BoldItalic.ttf",
            },
            "fonts-noto-core",
        ),
    )
}

#: Relative frequency of each family in `corpus()`: Times-like faces dominate
#: real administrative papers.
FAMILY_WEIGHTS: dict[str, int] = {
    "Liberation Serif": 6,
    "DejaVu Serif": 1,
    "Liberation Sans": 1,
    "FreeSerif": 1,
    "Noto Serif": 1,
}


class FontMissingError(RuntimeError):
    """A font file the sample generator needs is not installed."""


def _search_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("SOHOA_FONT_DIRS", "").split(":") if p]
    return [*extra, *FONT_DIRS]


@cache
def font_path(family: str, style: Style) -> Path:
    """The file of `family` in `style`; raises FontMissingError naming the package."""
    fam = FAMILIES.get(family)
    if fam is None:
        raise FontMissingError(f"unknown font family {family!r}; known: {', '.join(FAMILIES)}")
    file_name = fam.files[style]
    for folder in _search_dirs():
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise FontMissingError(
        f"font {file_name} ({family} {style}) not found; install it with "
        f"`apt-get install {fam.package}` or point SOHOA_FONT_DIRS at its folder"
    )


def available_families() -> list[str]:
    """Families whose four styles are all installed, in FAMILIES order."""
    out = []
    for name in FAMILIES:
        try:
            for style in ("regular", "bold", "italic", "bold_italic"):
                font_path(name, style)
        except FontMissingError:
            continue
        out.append(name)
    return out


@lru_cache(maxsize=256)
def load_font(family: str, style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    """A FreeType font at `size_px` pixels per em.

    The basic layout engine is used on purpose: all glyphs are precomposed
    (NFC), so no shaping is needed, and it keeps rendering identical on
    machines with and without libraqm.
    """
    return ImageFont.truetype(
        str(font_path(family, style)), size=max(1, size_px), layout_engine=ImageFont.Layout.BASIC
    )
