"""The grammar of Vietnamese administrative documents (Nghị định 30/2020 Điều 8, Phụ lục III).

Tables here are facts of the law, used to recognise and correct what OCR reads:
the type name and its abbreviation must agree, a notation is made of letters
(with digits only in a police unit code such as `PC06`), a number is digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sohoa.metadata.text import edit_distance, fold, nfc, similarity

#: Type abbreviation → type name (Nghị định 30/2020 Phụ lục III).
TYPE_ABBREVIATIONS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
    # Legal normative documents (Luật Ban hành văn bản quy phạm pháp luật) head the
    # same way: `THÔNG TƯ`, notation `08/2023/TT-BTC`.
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
}

#: Type name → abbreviation.
TYPE_NAMES: dict[str, str] = {name: abbr for abbr, name in TYPE_ABBREVIATIONS.items()}

#: A document with no type heading and a `V/v` subject line is a công văn.
CONG_VAN = "Công văn"

#: Authority prefixes of the signer block (Nghị định 30/2020 Điều 13): thay mặt,
#: quyền, ký thay, thừa lệnh, thừa ủy quyền.
AUTHORITY_PREFIXES: tuple[str, ...] = ("TM.", "KT.", "TL.", "TUQ.", "Q.")

#: Look-alike classes: what OCR reads for each other in a symbol or a number
#: (DESIGN.md pitfalls: `vie` confuses S/5 and O/0; in sans faces T and I too).
#: Đ and D are compared alike by `same_symbol` and told apart by the heading:
#: HD is Hướng dẫn, HĐ Hợp đồng.
_SHAPE = str.maketrans(
    {"0": "O", "Q": "O", "o": "O", "Ø": "O", "1": "I", "l": "I", "|": "I", "i": "I",
     "!": "I", "T": "I", "5": "S", "s": "S", "$": "S", "8": "B", "6": "G", "2": "Z", "z": "Z",
     "Ð": "Đ", "đ": "Đ", "–": "-", "—": "-", "−": "-", "y": "Y", "r": "R", "c": "C"}
)  # fmt: skip
#: Digits OCR may put inside an alphabetic symbol, and the letter each stands for.
_DIGIT_TO_LETTER = str.maketrans(
    {"0": "O", "1": "I", "5": "S", "8": "B", "6": "G", "2": "Z", "$": "S", "|": "I"}
)
#: A police unit code keeps its digits (`PC06`, `A05`, `X03`).
_UNIT_CODE = re.compile(r"^[A-Z]{1,3}\d{2}$")


def shape(text: str) -> str:
    """The look-alike key of a symbol: `0Đ-5TC` and `QĐ-STC` have the same shape."""
    return nfc(text).translate(_SHAPE).upper()


def fix_symbol_part(part: str) -> tuple[str, bool]:
    """A part of a notation with digits read for letters put right (`5TC` → `STC`)."""
    if _UNIT_CODE.match(part) or part.isdigit():
        return part, False
    fixed = part.translate(_DIGIT_TO_LETTER)
    return fixed, fixed != part


def abbreviations_like(part: str) -> list[str]:
    """Type abbreviations with the shape of `part` (`0Đ` → [`QĐ`]), the literal one first."""
    found = [abbr for abbr in TYPE_ABBREVIATIONS if same_symbol(abbr, part)]
    return sorted(found, key=lambda abbr: abbr != part)


@dataclass(frozen=True)
class TypeHeading:
    name: str
    score: float


def type_name_from_heading(heading: str) -> TypeHeading | None:
    """The type name for a heading such as `QUYẾT ĐỊNH`, tolerant of lost diacritics and a typo."""
    # Ink of a stamp read as punctuation (`,DUYÉT ĐỊNH`) is not part of the heading.
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(heading)).split())
    # Older and collective headings name the issuer after the type: `QUYẾT ĐỊNH CỦA ỦY BAN
    # NHÂN DÂN TỈNH` (1999), `NGHỊ QUYẾT CỦA HỘI ĐỒNG QUẢN LÝ QUỸ …`.
    key = key.split(" cua ")[0] if " cua " in key else key
    if not key or len(key) > 24:
        return None
    best, best_score = None, 0.0
    for name in (*TYPE_NAMES, CONG_VAN):
        score = similarity(fold(name), key)
        if score > best_score:
            best, best_score = name, score
    if best is None:
        return None
    if best_score == 1.0:
        return TypeHeading(best, 1.0)
    # One letter wrong in a short heading ("QUYET DJNH"): accept, a little less sure.
    if best_score >= 0.85 and len(key) >= 6:
        return TypeHeading(best, best_score * 0.9)
    return None


_UNIT_START = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "thi tran", "xa", "phuong")


def initials_options(organ_name: str) -> list[str]:
    """Agency abbreviations an organ name gives its notation, most likely first.

    Initials of the words before the administrative unit, without `và`
    (`SỞ TÀI CHÍNH` → `STC`, `ỦY BAN NHÂN DÂN TỈNH GIA LAI` → `UBND`), and the
    same with the unit's initial (`CÔNG AN TỈNH ĐẮK LẮK` → `CA`, `CAT`).
    """
    words = [w for w in nfc(organ_name).replace("-", " ").split() if w.isalpha()]
    if not words:
        return []
    folded = [fold(w) for w in words]
    cut = len(words)
    for i in range(1, len(words)):
        rest = " ".join(folded[i:])
        if any(rest.startswith(unit + " ") for unit in _UNIT_START):
            cut = i
            break

    def initial(word: str) -> str:
        return "Đ" if word[0] in "Đđ" else fold(word[0]).upper()

    base = "".join(initial(w) for w, f in zip(words[:cut], folded[:cut], strict=True) if f != "va")
    options = [base]
    if cut < len(words):
        city = folded[cut : cut + 2] == ["thanh", "pho"]
        options.append(base + ("TP" if city else initial(words[cut])))
    return options


def same_symbol(a: str, b: str) -> bool:
    """Two symbols equal up to OCR look-alikes and Đ/D."""
    return shape(a).replace("Đ", "D") == shape(b).replace("Đ", "D")


def near_symbol(a: str, b: str) -> bool:
    """One look-alike class off (`TI` for `TTr`, `CATT` for `CAT`): only for a symbol the
    rest of the page already names (the heading, the organ line)."""
    key_a, key_b = shape(a).replace("Đ", "D"), shape(b).replace("Đ", "D")
    return min(len(key_a), len(key_b)) >= 2 and edit_distance(key_a, key_b) <= 1
