"""The grammar of Vietnamese administrative documents (Nghị định 30/2020 Điều 8, Phụ lục III).

Tables here are facts of the law, used to recognise and correct what OCR reads.
"""

from __future__ import annotations

import unicodedata

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
}

#: Type name → abbreviation.
TYPE_NAMES: dict[str, str] = {name: abbr for abbr, name in TYPE_ABBREVIATIONS.items()}

#: A document with no type heading and a `V/v` subject line is a công văn.
CONG_VAN = "Công văn"

#: Authority prefixes of the signer block (Nghị định 30/2020 Điều 13).
AUTHORITY_PREFIXES: tuple[str, ...] = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case without diacritics, for tolerant comparison ("Quyết định" → "quyet dinh")."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def type_name_from_heading(heading: str) -> str | None:
    """The type name for an upper-case heading such as "QUYẾT ĐỊNH", tolerant of lost diacritics."""
    key = " ".join(fold(heading).split())
    for name in TYPE_NAMES:
        if fold(name) == key:
            return name
    return None
