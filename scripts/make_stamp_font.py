"""Make the visible-signature font: Liberation Serif cut down to Vietnamese Latin.

    .venv/bin/python scripts/make_stamp_font.py

The full font (400 KB, with OpenType layout tables) made pyHanko's per-signature
subsetting cost ~0.1 s; the stamp needs only Latin letters with Vietnamese
diacritics, digits and punctuation, no kerning. Output:
sohoa/data/fonts/LiberationSerif-Vietnamese.ttf (SIL OFL 1.1, as the source).
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
TARGET = (
    Path(__file__).resolve().parent.parent
    / "sohoa"
    / "data"
    / "fonts"
    / "LiberationSerif-Vietnamese.ttf"
)

RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A (Ă ă Đ đ Ĩ ĩ Ũ ũ)
    (0x01A0, 0x01B0),  # Ơ ơ Ư ư
    (0x0300, 0x0323),  # combining marks used by Vietnamese
    (0x1EA0, 0x1EF9),  # Latin Extended Additional: Vietnamese precomposed letters
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x2030, 0x2044),  # per mille, primes, fraction slash
    (0x20AB, 0x20AB),  # ₫
)


def main() -> None:
    options = subset.Options()
    options.layout_features = []  # no kerning or ligatures: the stamp is three plain lines
    options.hinting = False
    options.name_IDs = ["*"]  # keep copyright and licence strings
    options.notdef_outline = True
    font = subset.load_font(str(SOURCE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for a, b in RANGES for u in range(a, b + 1)])
    subsetter.subset(font)
    for table in ("GSUB", "GPOS", "GDEF", "kern"):
        if table in font:
            del font[table]
    subset.save_font(font, str(TARGET), options)
    print(f"{TARGET} ({TARGET.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
