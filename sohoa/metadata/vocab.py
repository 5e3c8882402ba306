"""Words of organ names and signer positions, to restore what OCR spoils in the header and signer block.

Organ names and positions are printed in upper case (Nghị định 30/2020
Phụ lục I), where Tesseract most often drops a stacked diacritic (`TĨNH` for
`TỈNH`, `PHO GLAM ĐOC` for `PHÓ GIÁM ĐỐC`). A word is restored from this
vocabulary only when its folded form names one entry: nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sohoa.metadata.places import UNIT_WORDS, all_places
from sohoa.metadata.text import fold, similarity, upper_vn

#: Organs and their parts (Bộ, Sở, Ủy ban, Công an, …), written as in the header.
ORGAN_PHRASES: tuple[str, ...] = (
    "Ủy ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND", "Công an", "Bộ Công an",
    "Bộ Quốc phòng", "Bộ Nội vụ", "Bộ Tài chính", "Bộ Tư pháp", "Bộ Công Thương",
    "Bộ Xây dựng", "Bộ Y tế", "Bộ Giáo dục và Đào tạo", "Bộ Khoa học và Công nghệ",
    "Bộ Nông nghiệp và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ Ngoại giao", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Dân tộc và Tôn giáo",
    "Bộ Kế hoạch và Đầu tư", "Bộ Giao thông vận tải", "Bộ Tài nguyên và Môi trường",
    "Bộ Lao động - Thương binh và Xã hội", "Bộ Thông tin và Truyền thông",
    "Thanh tra Chính phủ", "Ngân hàng Nhà nước Việt Nam", "Văn phòng Chính phủ",
    "Chính phủ", "Thủ tướng Chính phủ", "Kiểm toán Nhà nước", "Tòa án nhân dân",
    "Viện kiểm sát nhân dân", "Bảo hiểm xã hội", "Cục Thuế", "Chi cục Thuế",
    "Kho bạc Nhà nước", "Cục Hải quan", "Tổng cục", "Cục", "Chi cục", "Vụ", "Viện",
    "Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ", "Sở Xây dựng", "Sở Y tế", "Sở Công Thương",
    "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao",
    "Sở Du lịch", "Sở Giao thông vận tải", "Sở Kế hoạch và Đầu tư",
    "Sở Lao động - Thương binh và Xã hội", "Sở Thông tin và Truyền thông", "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Ban Dân tộc", "Ban Quản lý",
    "Văn phòng", "Văn phòng Ủy ban nhân dân", "Văn phòng Đoàn đại biểu Quốc hội",
    "Văn phòng HĐND và UBND", "Trung tâm Phục vụ hành chính công", "Trung tâm",
    "Văn phòng đăng ký đất đai", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ",
    "Phòng Tư pháp", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Phòng",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội", "Trường", "Bệnh viện",
    "Đảng ủy", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Mặt trận Tổ quốc Việt Nam",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Hội Liên hiệp Phụ nữ", "Hội Nông dân",
    "Hội Cựu chiến binh", "Hội Khuyến học", "Quỹ Khuyến học", "Liên đoàn Lao động", "Ban Chỉ đạo", "Ban Quản lý dự án",
    "Ban Quản lý các khu công nghiệp", "Trung tâm Y tế", "Trung tâm Công nghệ thông tin",
    "Đài Phát thanh và Truyền hình", "Báo", "Ban Tiếp công dân", "Quốc hội",
    "Đoàn đại biểu Quốc hội", "Bộ", "Sở", "Ban", "Tổng", "Việt Nam", "Nhà nước",
)  # fmt: skip

#: Signer positions and the principals of an authority (TM. ỦY BAN NHÂN DÂN).
POSITIONS: tuple[str, ...] = (
    "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
    "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG",
    "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG", "TỔNG CỤC TRƯỞNG",
    "PHÓ TỔNG CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG", "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN", "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", "TỔNG THANH TRA",
    "HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG", "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "BÍ THƯ", "PHÓ BÍ THƯ", "THỦ TRƯỞNG",
    "TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN", "CHÁNH ÁN", "PHÓ CHÁNH ÁN", "VIỆN TRƯỞNG",
    "PHÓ VIỆN TRƯỞNG", "TRƯỞNG ĐOÀN", "PHÓ TRƯỞNG ĐOÀN", "TỔ TRƯỞNG", "TỔ PHÓ",
    "KẾ TOÁN TRƯỞNG", "TRƯỞNG KHOA", "TỔNG KIỂM TOÁN", "THỐNG ĐỐC", "PHÓ THỐNG ĐỐC",
    "TRƯỞNG PHÒNG TƯ PHÁP", "TRƯỞNG PHÒNG NỘI VỤ", "ỦY VIÊN",
)  # fmt: skip
PRINCIPALS: tuple[str, ...] = (
    "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN",
    "THƯỜNG TRỰC HĐND", "BAN THƯỜNG VỤ", "CHÍNH PHỦ", "BAN CHỈ ĐẠO", "HỘI ĐỒNG",
    "BAN TỔ CHỨC", "ĐOÀN KIỂM TRA", "TỔ CÔNG TÁC", "BAN CHẤP HÀNH", "ĐẢNG ỦY",
    "THỦ TƯỚNG", "BAN QUẢN LÝ",
)  # fmt: skip


@lru_cache(maxsize=1)
def _organ_words() -> dict[str, tuple[str, ...]]:
    """Folded word → the upper-case words it may stand for."""
    table: dict[str, list[str]] = {}
    phrases = ORGAN_PHRASES + UNIT_WORDS + all_places() + POSITIONS + PRINCIPALS
    for phrase in phrases:
        for word in upper_vn(phrase).replace(",", " ").split():
            if word.isalpha():
                table.setdefault(fold(word), []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@dataclass(frozen=True)
class WordFix:
    word: str
    status: str
    """"known" (in the vocabulary as read), "restored" (diacritics taken back from
    the vocabulary), "ambiguous" (several words fold alike; OCR kept) or "unknown"."""


def fix_upper_word(word: str) -> WordFix:
    """One upper-case header word, its diacritics restored from the vocabulary when unambiguous."""
    upper = upper_vn(word)
    found = _organ_words().get(fold(upper))
    if not found:
        return WordFix(upper, "unknown")
    if upper in found:
        return WordFix(upper, "known")
    if len(found) == 1:
        return WordFix(found[0], "restored")
    return WordFix(max(found, key=lambda w: similarity(w, upper)), "ambiguous")


def organ_words_like(word: str) -> tuple[str, ...]:
    """The vocabulary's upper-case words that fold like `word`."""
    return _organ_words().get(fold(upper_vn(word)), ())


def split_glued(word: str, most: int = 4) -> list[str] | None:
    """`BANNHÂNDÂN` → [`BAN`, `NHÂN`, `DÂN`]: the fewest vocabulary words that make up `word`."""
    key = fold(word)
    if len(key) != len(word) or len(key) < 4:
        return None  # fold must keep one letter per letter to cut the original
    table = _organ_words()
    best: dict[int, list[int]] = {0: []}
    for end in range(1, len(key) + 1):
        for start in range(max(0, end - 8), end):
            if start in best and key[start:end] in table and len(best[start]) < most:
                cuts = [*best[start], end]
                if end not in best or len(cuts) < len(best[end]):
                    best[end] = cuts
    cuts = best.get(len(key))
    if not cuts or len(cuts) < 2:
        return None
    pieces, start = [], 0
    for end in cuts:
        pieces.append(word[start:end])
        start = end
    return pieces


@dataclass(frozen=True)
class PositionMatch:
    text: str
    score: float


def is_deputy(position: str) -> bool:
    """A deputy's position (PHÓ …, THỨ TRƯỞNG): signs KT. for the head, never alone."""
    key = fold(position)
    return key.startswith("pho ") or (key == "thu truong" and upper_vn(position) == "THỨ TRƯỞNG")


def match_position(text: str, deputy: bool | None = None) -> PositionMatch | None:
    """A signer position or principal read with OCR damage (`PHO GLAM ĐOC` → `PHÓ GIÁM ĐỐC`).

    `deputy` narrows the choice by the authority prefix (Nghị định 30/2020
    Điều 13): under `KT.` signs a deputy (`THỨ TRƯỞNG`, not `THỦ TRƯỞNG`);
    the head signs with no prefix, `TM.` or `Q.`.
    """
    pool = [p for p in POSITIONS + PRINCIPALS if deputy is None or is_deputy(p) == deputy]
    key = fold(text)
    upper = upper_vn(text)
    same = [p for p in pool if fold(p) == key]
    if upper in same:
        return PositionMatch(upper, 1.0)
    if len(same) == 1:
        return PositionMatch(same[0], 0.95)
    if same:
        return PositionMatch(max(same, key=lambda p: similarity(p, upper)), 0.6)
    scored = sorted(((similarity(key, fold(p)), p) for p in pool), key=lambda x: -x[0])
    (best, value), runner = scored[0], scored[1][0] if len(scored) > 1 else 0.0
    if best >= 0.8 and best - runner >= 0.08:
        return PositionMatch(value, best * 0.9)
    return None


def positions_ending_with(tail: str, deputy: bool | None = None) -> list[str]:
    """Positions that end with `tail` (a line the seal hid the start of: `ÁM ĐỐC`)."""
    key = fold(tail)
    if len(key) < 4:
        return []
    pool = [p for p in POSITIONS + PRINCIPALS if deputy is None or is_deputy(p) == deputy]
    return [p for p in pool if fold(p).endswith(key) and fold(p) != key]


def is_position_word(word: str) -> bool:
    return any(upper_vn(word) in p.split() for p in POSITIONS + PRINCIPALS)
