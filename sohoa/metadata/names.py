"""Vietnamese person names: the signer's full name under the signature.

A name is a family name (họ), optional middle names (tên đệm) and a given name
(tên), each one syllable in title case (Nghị định 30/2020 Phụ lục I: the
signer's full name, bold, under the signature). Tesseract drops stacked
diacritics and the seal stamped over the name spoils letters, so a name is
accepted only when its family name is a known one and every syllable is a
plausible Vietnamese syllable; diacritics are restored from the lists below
when the folded syllable names one entry only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sohoa.metadata.dictionary import known as real_syllable
from sohoa.metadata.syllables import is_syllable
from sohoa.metadata.text import fold, nfc, title_vn

#: Family names, most common first (the first 14 cover ~90% of Vietnamese people),
#: then names of the Central Highlands and northern mountain peoples.
FAMILY_NAMES: tuple[str, ...] = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Mai", "Tạ", "Đoàn",
    "Châu", "Cao", "Lâm", "Trịnh", "Đào", "Quách", "Tô", "Hà", "Kiều", "Lưu", "Thái",
    "Từ", "Chu", "Tăng", "Thân", "La", "Lại", "Mạc", "Khúc", "Khổng", "Vương", "Triệu",
    "Phùng", "Nông", "Quan", "Tống", "Hứa", "Lục", "Âu", "Bạch", "Cù", "Diệp", "Doãn",
    "Đàm", "Giang", "Hầu", "Kim", "Lạc", "Lò", "Lữ", "Mạnh", "Nghiêm", "Ninh", "Ông",
    "Phí", "Phó", "Quang", "Sầm", "Thạch", "Tiêu", "Tôn", "Trang", "Viên", "Vi", "Văn",
    "Yên", "Âu Dương", "Tôn Nữ", "Ksor", "Nay", "Siu", "Rơ Mah", "Rcom", "Kpă", "Y", "H",
    "Hoàng Văn", "Điểu", "Danh", "Thạch", "Sơn", "Lục", "Hoa", "Ma", "Mông", "Bế",
    "Sùng", "Giàng", "Vàng", "Thào", "Mùa", "Lầu", "Hạng", "Tráng", "Hứa", "Ôn", "Đồng",
    "Khương", "Khuất", "Kha", "Lã", "Lều", "Ngọ", "Nhữ", "Phương", "Quản", "Tào", "Vi",
)  # fmt: skip

#: Syllables of middle and given names (a few hundred cover nearly every name).
NAME_SYLLABLES: tuple[str, ...] = (
    "An", "Ân", "Anh", "Ánh", "Bá", "Bách", "Bảo", "Bắc", "Bích", "Bình", "Bửu", "Ca",
    "Cảnh", "Cát", "Chánh", "Châu", "Chí", "Chiến", "Chinh", "Chính", "Chung", "Công",
    "Cúc", "Cung", "Cường", "Danh", "Diệp", "Diệu", "Dinh", "Doanh", "Du", "Dung", "Dũng",
    "Duy", "Duyên", "Dương", "Đại", "Đan", "Đang", "Đăng", "Đạo", "Đạt", "Điệp", "Định",
    "Đình", "Đoan", "Đô", "Đông", "Đồng", "Đức", "Gấm", "Gia", "Giang", "Giao", "Hà",
    "Hạ", "Hải", "Hân", "Hạnh", "Hào", "Hảo", "Hằng", "Hậu", "Hiền", "Hiển", "Hiệp",
    "Hiếu", "Hoa", "Hòa", "Hoài", "Hoan", "Hoàn", "Hoàng", "Học", "Hồng", "Hợi", "Hợp",
    "Huân", "Huấn", "Huệ", "Hùng", "Hưng", "Hương", "Hường", "Hữu", "Huy", "Huyền",
    "Khải", "Khang", "Khánh", "Khắc", "Khiêm", "Khoa", "Khôi", "Khuê", "Kiên", "Kiệt",
    "Kim", "Kỳ", "Lam", "Lan", "Lâm", "Lân", "Lễ", "Lệ", "Liên", "Liêm", "Liễu", "Linh",
    "Loan", "Lộc", "Lợi", "Long", "Luân", "Luận", "Lực", "Lương", "Ly", "Lý", "Mai",
    "Mạnh", "Minh", "My", "Mỹ", "Nam", "Nga", "Ngà", "Ngân", "Nghĩa", "Nghị", "Ngọc",
    "Nguyên", "Nguyệt", "Nhàn", "Nhân", "Nhật", "Nhi", "Nhung", "Như", "Ninh", "Oanh",
    "Phát", "Phi", "Phong", "Phú", "Phúc", "Phụng", "Phước", "Phương", "Phượng", "Quang",
    "Quân", "Quế", "Quốc", "Quý", "Quyên", "Quyết", "Quỳnh", "Sang", "Sáng", "Sâm",
    "Sinh", "Sơn", "Sương", "Tài", "Tâm", "Tân", "Tấn", "Thạch", "Thái", "Thanh",
    "Thành", "Thạnh", "Thảo", "Thắm", "Thắng", "Thân", "Thế", "Thi", "Thị", "Thiện",
    "Thịnh", "Thoa", "Thọ", "Thông", "Thơ", "Thu", "Thuận", "Thùy", "Thúy", "Thủy",
    "Thư", "Thương", "Thường", "Tiến", "Tiên", "Tín", "Tình", "Toàn", "Toản", "Trà",
    "Trâm", "Trang", "Trí", "Triều", "Trinh", "Trọng", "Trung", "Trúc", "Trường", "Tú",
    "Tuân", "Tuấn", "Tùng", "Tường", "Tuyến", "Tuyết", "Uyên", "Vân", "Văn", "Vi",
    "Viên", "Việt", "Vinh", "Vĩnh", "Võ", "Vũ", "Vương", "Vy", "Xuân", "Xuyến", "Ý",
    "Yên", "Yến", "Đào", "Hà", "Khanh", "Kiều", "Lành", "Lụa", "Mận", "Nở", "Phấn",
    "Sen", "Sỹ", "Sĩ", "Tám", "Tính", "Tịnh", "Tôn", "Tuệ", "Tư", "Út", "Vỹ", "Xuyên",
    "Hạ", "Huyên", "Hà", "Hiên", "Hiện", "Tuyên", "Thơm", "Thìn", "Thục", "Điền",
)  # fmt: skip


#: Ranks of the police and the army printed before a signer's name (`Trung tá Ngô Văn
#: Công`, `Thiếu tướng …`): not part of the name (Phụ lục VI SignerInfo/FullName).
RANKS: tuple[str, ...] = (
    "Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá", "Thượng tá",
    "Đại tá", "Thiếu tướng", "Trung tướng", "Thượng tướng", "Đại tướng",
)  # fmt: skip
_RANK_KEYS = frozenset(fold(r) for r in RANKS)


def _without_rank(words: list[str]) -> list[str]:
    """The words of a name line without the rank before the name."""
    if len(words) > 2 and fold(" ".join(words[:2])) in _RANK_KEYS:
        return words[2:]
    return words


@lru_cache(maxsize=1)
def _families() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in FAMILY_NAMES:
        table.setdefault(fold(name), []).append(name)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@lru_cache(maxsize=1)
def _syllables() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in NAME_SYLLABLES + FAMILY_NAMES:
        if " " not in name:
            table.setdefault(fold(name), []).append(name)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@dataclass(frozen=True)
class NameReading:
    name: str
    score: float
    """1.0: every syllable read as a known one; lower when a syllable was corrected or unknown."""


def read_person_name(words: list[str]) -> NameReading | None:
    """A full name from OCR words, or None when they do not make a Vietnamese name.

    The family name must be a known one (diacritics restored when its folded
    form is unambiguous); 2 to 5 syllables in all, title case.
    """
    words = [nfc(w).strip(".,;:") for w in words if w.strip(".,;:-_|")]
    words = _without_rank(words)
    if not 2 <= len(words) <= 5:
        return None
    if any(not w.isalpha() for w in words):
        return None
    if sum(1 for w in words if len(w) > 1 and w.isupper()) > 1:
        return None  # upper case: a position line, not a name (names are in title case)
    score = 1.0
    out: list[str] = []
    first = title_vn(words[0])
    families = _families().get(fold(first))
    if not families:
        return None
    if first not in families:
        if len(families) > 1:
            return None
        first = families[0]
        score = min(score, 0.9)
    out.append(first)
    for raw in words[1:]:
        word = title_vn(raw)
        if raw != word and not raw[:1].isupper():
            score = min(score, 0.85)  # "nguyễn" read for "Nguyễn": case lost, letters kept
        known = _syllables().get(fold(word))
        if known and word in known:
            out.append(word)
        elif known and len(known) == 1 and is_syllable(word):
            out.append(known[0])  # diacritics restored: "Dung" is ambiguous, "Nguyen" is not
            score = min(score, 0.8)
        elif is_syllable(word) and known is None and real_syllable(word) is not False:
            out.append(word)  # a real syllable the lists do not hold: trust the OCR less
            score = min(score, 0.75)
        elif is_syllable(word):
            # Folded, it is a name syllable (`Vịnh` → Vinh, Vĩnh) but not as read: a
            # stacked mark misread, most likely. The name is not given.
            out.append(word)
            score = min(score, 0.45)
        else:
            return None
    return NameReading(" ".join(out), score)
