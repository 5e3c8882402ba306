"""Small page images with known Vietnamese text, for unit tests that need a page fast."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Gia Lai, ngày 31 tháng 5 năm 2021",
    "Căn cứ Nghị định số 92/2017/NĐ-CP ngày 07/8/2017 của Chính phủ sửa đổi,",
    "bổ sung một số điều của các Nghị định liên quan đến kiểm soát thủ tục hành chính;",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai Đề án đổi mới",
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
    "Điều 2. Quyết định có hiệu lực thi hành kể từ ngày ký.",
)


def text_page(
    dpi: int = 300, lines: tuple[str, ...] = LINES, repeat: int = 3, size_pt: float = 13
) -> Image.Image:
    """An A4 page (RGB) with `lines` printed `repeat` times in a Times-like font."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), round(size_pt * dpi / 72))
    y = round(0.9 * dpi)
    for _ in range(repeat):
        for line in lines:
            draw.text((round(1.2 * dpi), y), line, font=font, fill="black")
            y += round(size_pt * 1.5 * dpi / 72)
    return image
