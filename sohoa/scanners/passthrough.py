"""A scan's own encoded bytes, ready to embed in a PDF without re-compression.

Keeping the scanner's bytes is both faithful (the archive holds the scan
itself, not a copy decoded and compressed again) and fast: re-compressing a
noisy 300 dpi colour page with zlib costs 0.4–2 s and gains nothing.

- JPEG: the file is a DCTDecode stream as it is.
- PNG: the concatenated IDAT chunks are a zlib stream of rows with PNG filter
  bytes, which PDF reads with /FlateDecode and /Predictor 15 (ISO 32000-1
  §7.4.4.4), as img2pdf does. Only what PDF can express this way qualifies:
  8-bit gray or RGB, or 1-bit gray, not interlaced, no transparency.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from sohoa.models import EncodedImage

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: (colour type, bit depth) → image mode.
_PNG_MODES = {(0, 8): "L", (2, 8): "RGB", (0, 1): "1"}


def jpeg_original(data: bytes) -> EncodedImage | None:
    """The JPEG as an embeddable image, or None (CMYK/YCCK, unreadable)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format != "JPEG" or im.mode not in ("RGB", "L"):
                return None
            width, height, mode = im.width, im.height, im.mode
    except (OSError, ValueError):
        return None
    # Exif orientation is deliberately ignored: PDF readers ignore it too, and
    # sohoa finds the page's orientation from its text and turns it itself.
    return EncodedImage(data, "DCTDecode", width, height, mode)  # type: ignore[arg-type]


def png_original(data: bytes) -> EncodedImage | None:
    """The PNG's pixel stream as an embeddable image, or None when PDF cannot take it as is."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    position = len(PNG_SIGNATURE)
    header: tuple[int, int, int, int, int, int, int] | None = None
    idat: list[bytes] = []
    ended = False
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if len(chunk) != length:
            return None  # truncated
        crc = data[position + 8 + length : position + 12 + length]
        if len(crc) != 4 or zlib.crc32(kind + chunk) != struct.unpack(">I", crc)[0]:
            return None  # damaged: let the decoder report it
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind in (b"tRNS", b"PLTE"):
            return None  # transparency or palette: decode and re-encode instead
        elif kind == b"IEND":
            ended = True
            break
        position += 12 + length
    if header is None or not idat or not ended:
        return None  # a file cut short (a copy still being written) is never embedded as is
    width, height, depth, colour, compression, filters, interlace = header
    mode = _PNG_MODES.get((colour, depth))
    if mode is None or compression != 0 or filters != 0 or interlace != 0:
        return None
    return EncodedImage(b"".join(idat), "FlateDecode", width, height, mode, png_predictor=True)  # type: ignore[arg-type]
