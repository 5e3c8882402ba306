"""Vietnamese place names, to read the địa danh of the date line and the units of organ names.

The date line names the place of the issuing organ (Nghị định 30/2020 Phụ lục I:
the province or centrally-run city, or the district/commune of a local organ;
a unit named after a person keeps its full name, `Thành phố Hồ Chí Minh`).
Tesseract loses or swaps stacked diacritics, so a place is matched without
them (`Dak Lak` → `Đắk Lắk`) against: the 63 provinces and cities before the
merger of 1 July 2025 (Nghị quyết 202/2025/QH15), the 34 after it, their
major cities, and well-known districts and communes.

This is the package's own list: sohoa must not depend on the sample generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sohoa.metadata.text import fold, similarity, squash, title_vn

#: The 5 centrally-run cities before 1 July 2025.
CITIES_BEFORE_2025: tuple[str, ...] = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")

#: The 58 provinces before 1 July 2025.
PROVINCES_BEFORE_2025: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên",
    "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai",
    "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên",
    "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip

#: The 6 centrally-run cities after 1 July 2025.
CITIES_AFTER_2025: tuple[str, ...] = (
    "Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ",
)  # fmt: skip

#: The 28 provinces after 1 July 2025.
PROVINCES_AFTER_2025: tuple[str, ...] = (
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Ninh Bình", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip

#: Cities of the provinces (thành phố thuộc tỉnh) and other towns that name papers.
MAJOR_CITIES: tuple[str, ...] = (
    "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Sa Pa", "Điện Biên Phủ",
    "Lai Châu", "Sơn La", "Yên Bái", "Nghĩa Lộ", "Hòa Bình", "Thái Nguyên", "Sông Công",
    "Phổ Yên", "Lạng Sơn", "Hạ Long", "Móng Cái", "Cẩm Phả", "Uông Bí", "Đông Triều",
    "Bắc Giang", "Việt Trì", "Phú Thọ", "Vĩnh Yên", "Phúc Yên", "Bắc Ninh", "Từ Sơn",
    "Hải Dương", "Chí Linh", "Kinh Môn", "Hưng Yên", "Mỹ Hào", "Thái Bình", "Phủ Lý",
    "Nam Định", "Ninh Bình", "Hoa Lư", "Tam Điệp", "Thanh Hóa", "Sầm Sơn", "Bỉm Sơn",
    "Nghi Sơn", "Vinh", "Cửa Lò", "Thái Hòa", "Hoàng Mai", "Hà Tĩnh", "Hồng Lĩnh",
    "Kỳ Anh", "Đồng Hới", "Ba Đồn", "Đông Hà", "Quảng Trị", "Huế", "Hương Thủy",
    "Hương Trà", "Tam Kỳ", "Hội An", "Điện Bàn", "Quảng Ngãi", "Đức Phổ", "Quy Nhơn",
    "An Nhơn", "Hoài Nhơn", "Tuy Hòa", "Sông Cầu", "Đông Hòa", "Nha Trang", "Cam Ranh",
    "Ninh Hòa", "Phan Rang - Tháp Chàm", "Phan Thiết", "La Gi", "Kon Tum", "Pleiku",
    "An Khê", "Ayun Pa", "Buôn Ma Thuột", "Buôn Hồ", "Gia Nghĩa", "Đà Lạt", "Bảo Lộc",
    "Đồng Xoài", "Bình Long", "Phước Long", "Tây Ninh", "Thủ Dầu Một", "Dĩ An", "Thuận An",
    "Tân Uyên", "Bến Cát", "Biên Hòa", "Long Khánh", "Vũng Tàu", "Bà Rịa", "Phú Mỹ",
    "Thủ Đức", "Tân An", "Kiến Tường", "Mỹ Tho", "Gò Công", "Bến Tre", "Trà Vinh",
    "Vĩnh Long", "Bình Minh", "Cao Lãnh", "Sa Đéc", "Hồng Ngự", "Long Xuyên", "Châu Đốc",
    "Tân Châu", "Rạch Giá", "Hà Tiên", "Phú Quốc", "Vị Thanh", "Ngã Bảy", "Long Mỹ",
    "Sóc Trăng", "Vĩnh Châu", "Bạc Liêu", "Giá Rai", "Cà Mau", "Sơn Tây",
    "Thủy Nguyên", "Côn Đảo",
)  # fmt: skip

#: Districts (before 2025) and communes/wards (after) that often head papers.
LOCAL_UNITS: tuple[str, ...] = (
    # Hà Nội
    "Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy", "Đống Đa", "Hai Bà Trưng",
    "Thanh Xuân", "Nam Từ Liêm", "Bắc Từ Liêm", "Hà Đông", "Ba Vì", "Chương Mỹ",
    "Đan Phượng", "Đông Anh", "Gia Lâm", "Hoài Đức", "Mê Linh", "Mỹ Đức", "Phú Xuyên",
    "Phúc Thọ", "Quốc Oai", "Sóc Sơn", "Thạch Thất", "Thanh Oai", "Thanh Trì",
    "Thường Tín", "Ứng Hòa",
    # Hồ Chí Minh
    "Sài Gòn", "Bến Thành", "Tân Định", "Bình Thạnh", "Gò Vấp", "Phú Nhuận", "Tân Bình",
    "Tân Phú", "Bình Tân", "Bình Chánh", "Củ Chi", "Hóc Môn", "Nhà Bè", "Cần Giờ",
    # Hải Phòng, Đà Nẵng, Huế, Cần Thơ
    "Hồng Bàng", "Lê Chân", "Ngô Quyền", "Kiến An", "Hải An", "Đồ Sơn", "Hải Châu",
    "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ", "Hòa Vang",
    "Thuận Hóa", "Phú Xuân", "Ninh Kiều", "Cái Răng", "Bình Thủy", "Ô Môn", "Thốt Nốt",
    # Provinces
    "Chư Sê", "Chư Păh", "Chư Prông", "Đức Cơ", "Ia Grai", "Mang Yang", "Kbang",
    "Nam Đàn", "Diễn Châu", "Quỳnh Lưu", "Đô Lương", "Nghi Lộc", "Duy Xuyên", "Đại Lộc",
    "Thăng Bình", "Núi Thành", "Vũ Thư", "Kiến Xương", "Tiền Hải", "Quỳnh Phụ", "Hưng Hà",
    "Đông Hưng", "Thái Thụy", "Tuy Phước", "Phù Cát", "Phù Mỹ", "Tây Sơn", "Đức Trọng",
    "Di Linh", "Lâm Hà", "Đơn Dương", "Krông Pắc", "Ea Kar", "Cư M'gar", "Krông Ana",
    "Lắk", "Ea Súp", "Tân Uyên", "Châu Thành", "Cai Lậy", "Cái Bè", "Thoại Sơn",
    "Triệu Sơn", "Thọ Xuân", "Hoằng Hóa", "Quảng Xương", "Tiên Du", "Yên Phong",
    "Văn Lâm", "Khoái Châu", "Gia Viễn", "Kim Sơn", "Hải Hậu", "Giao Thủy", "Lục Nam",
    "Lục Ngạn", "Yên Dũng", "Hiệp Hòa", "Bảo Thắng", "Bát Xát", "Mộc Châu", "Mai Sơn",
)  # fmt: skip

#: How the date line writes a unit named after a person (Phụ lục I).
FULL_NAME_PLACES: dict[str, str] = {"Hồ Chí Minh": "Thành phố Hồ Chí Minh"}

#: Administrative unit words that precede a name in organ lines (upper case in the header).
UNIT_WORDS: tuple[str, ...] = (
    "tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "đặc khu",
)  # fmt: skip


@dataclass(frozen=True)
class PlaceMatch:
    name: str
    """The name with its diacritics, as the date line writes it."""
    exact: bool
    """The OCR text was the name itself (diacritics and all)."""
    score: float
    """1.0 for an exact or diacritics-only match, lower for a fuzzy one."""


@lru_cache(maxsize=1)
def all_places() -> tuple[str, ...]:
    names = dict.fromkeys(
        CITIES_BEFORE_2025
        + PROVINCES_BEFORE_2025
        + CITIES_AFTER_2025
        + PROVINCES_AFTER_2025
        + MAJOR_CITIES
        + LOCAL_UNITS
    )
    return tuple(names)


@lru_cache(maxsize=1)
def _by_fold() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in all_places():
        for written in {name, FULL_NAME_PLACES.get(name, name)}:
            table.setdefault(_key(written), []).append(written)
    # Short forms agencies print: `TP. Hồ Chí Minh`, `Thành phố Huế`.
    table.setdefault(_key("TP. Hồ Chí Minh"), []).append("Thành phố Hồ Chí Minh")
    table.setdefault(_key("TP Hồ Chí Minh"), []).append("Thành phố Hồ Chí Minh")
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def _key(text: str) -> str:
    return fold(text).replace(" - ", "-").replace("'", "").replace(".", " ").replace("  ", " ")


def match_place(text: str, *, fuzzy: bool = True) -> PlaceMatch | None:
    """The known place `text` names, tolerant of lost or swapped diacritics.

    A diacritics-only difference is a sure match when the folded form names a
    single place. A fuzzy match (one or two letters wrong) needs a long enough
    name and a clear winner, else None: a wrong place is worse than none.
    """
    text = squash(text).strip(" ,.;:")
    if not text:
        return None
    key = _key(text)
    found = _by_fold().get(key)
    if found:
        if text in found:
            return PlaceMatch(text, True, 1.0)
        if len(found) == 1:
            return PlaceMatch(found[0], False, 1.0)
        # Several places fold alike: take the closest with its diacritics.
        best = max(found, key=lambda name: similarity(name, text))
        return PlaceMatch(best, False, 0.8)
    if not fuzzy or len(key) < 5:
        return None
    scored = sorted(
        ((similarity(key, k), names) for k, names in _by_fold().items()), key=lambda x: -x[0]
    )
    best_score, names = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= 0.84 and best_score - runner_up >= 0.08 and len(names) == 1:
        return PlaceMatch(names[0], False, best_score)
    return None


def place_from_upper(text: str) -> str:
    """A place name as the date line writes it, from upper-case organ text ("ĐÔNG ANH" → "Đông Anh")."""
    found = match_place(text, fuzzy=False)
    return found.name if found else title_vn(text)


def split_unit(text: str) -> tuple[str | None, str]:
    """("tỉnh", "Gia Lai") from "TỈNH GIA LAI": the unit word and the name after it."""
    folded = fold(text)
    for unit in sorted(UNIT_WORDS, key=len, reverse=True):
        unit_key = fold(unit)
        if folded == unit_key or not folded.startswith(unit_key + " "):
            continue
        words = squash(text).split()
        count = len(unit.split())
        return unit, " ".join(words[count:])
    return None, squash(text)
