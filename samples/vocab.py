"""Places, agencies and people of the synthetic corpus.

Provinces are given both as the 63 before and the 34 after the merger that
took effect on 1 July 2025 (Nghị quyết 202/2025/QH15); a document dated
before that day is issued by a pre-merger province (with district-level
UBND), one dated after by a merged province (with commune-level UBND only:
the district level was abolished the same day).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from samples.spec import vn_upper

MERGER_DAY = date(2025, 7, 1)

#: Centrally-run cities (thành phố trực thuộc trung ương) before the merger.
OLD_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
OLD_PROVINCES = (
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
NEW_CITIES = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
NEW_PROVINCES = (
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Ninh Bình", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip

#: Some district-level units before the merger (kind, name).
OLD_DISTRICTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Gia Lai": (("huyện", "Chư Sê"), ("huyện", "Đức Cơ"), ("thị xã", "An Khê")),
    "Hà Nội": (("quận", "Hoàn Kiếm"), ("quận", "Cầu Giấy"), ("huyện", "Đông Anh")),
    "Nghệ An": (("huyện", "Nam Đàn"), ("huyện", "Diễn Châu")),
    "Quảng Nam": (("huyện", "Duy Xuyên"), ("thành phố", "Hội An")),
    "Thái Bình": (("huyện", "Vũ Thư"), ("huyện", "Kiến Xương")),
    "Bình Định": (("huyện", "Tuy Phước"), ("thị xã", "An Nhơn")),
    "Lâm Đồng": (("huyện", "Đức Trọng"), ("thành phố", "Bảo Lộc")),
    "Đắk Lắk": (("huyện", "Krông Pắc"), ("huyện", "Ea Kar")),
}
#: Some commune-level units after the merger (kind, name).
NEW_COMMUNES: dict[str, tuple[tuple[str, str], ...]] = {
    "Hà Nội": (("phường", "Hoàn Kiếm"), ("phường", "Ba Đình"), ("xã", "Đông Anh")),
    "Hồ Chí Minh": (("phường", "Sài Gòn"), ("phường", "Bến Thành"), ("phường", "Tân Định")),
    "Gia Lai": (("phường", "Pleiku"), ("phường", "Quy Nhơn"), ("xã", "Chư Sê")),
    "Đà Nẵng": (("phường", "Hải Châu"), ("phường", "Hội An"), ("xã", "Duy Xuyên")),
    "Huế": (("phường", "Thuận Hóa"), ("phường", "Phú Xuân")),
    "Nghệ An": (("xã", "Nam Đàn"), ("xã", "Diễn Châu")),
    "Hưng Yên": (("phường", "Thái Bình"), ("xã", "Vũ Thư")),
    "Cần Thơ": (("phường", "Ninh Kiều"), ("phường", "Cái Răng")),
    "Lâm Đồng": (("xã", "Đức Trọng"),),
}


@dataclass(frozen=True)
class Province:
    name: str
    city: bool
    """A centrally-run city (thành phố) rather than a province (tỉnh)."""
    merged: bool
    """One of the 34 after 1 July 2025."""

    @property
    def kind(self) -> str:
        return "thành phố" if self.city else "tỉnh"

    @property
    def full(self) -> str:
        """`tỉnh Gia Lai`, `thành phố Hà Nội`."""
        return f"{self.kind} {self.name}"

    @property
    def place(self) -> str:
        """The địa danh of the date line.

        Phụ lục I: a unit named after a person keeps its full name
        (`Thành phố Hồ Chí Minh`).
        """
        return "Thành phố Hồ Chí Minh" if self.name == "Hồ Chí Minh" else self.name


def provinces(merged: bool) -> list[Province]:
    if merged:
        return [Province(n, True, True) for n in NEW_CITIES] + [
            Province(n, False, True) for n in NEW_PROVINCES
        ]
    return [Province(n, True, False) for n in OLD_CITIES] + [
        Province(n, False, False) for n in OLD_PROVINCES
    ]


@dataclass(frozen=True)
class Agency:
    """An issuing agency and the words its papers use about itself."""

    kind: str
    province: Province
    parent_lines: tuple[str, ...]
    organ_lines: tuple[str, ...]
    abbr: str
    """Agency part of the notation (`STC`, `UBND`, `CAT`)."""
    unit: str
    """Drafting unit, ends the notation of a công văn (`STC-VP`)."""
    place: str
    self_name: str
    """How the body names the agency (`Sở Tài chính`)."""
    head: str
    deputy: str
    collective: str | None
    """For a collective body (UBND): `ỦY BAN NHÂN DÂN`, signed with TM."""
    office: str
    """The unit that drafts and proposes (`Văn phòng Sở`)."""
    office_head: str
    """Its head's title, upper case, for TL. signatures (`CHÁNH VĂN PHÒNG`)."""
    superior: str
    """Who it reports to, as the body names it (`Ủy ban nhân dân tỉnh`)."""
    superior_short: str
    units: str
    """Its own subordinate units (`các phòng, đơn vị thuộc Sở`)."""
    seal_text: str

    @property
    def organ_name(self) -> str:
        return " ".join(self.organ_lines)

    @property
    def superior_full(self) -> str:
        """`Ủy ban nhân dân tỉnh Gia Lai` (the superior as a Kính gửi line names it)."""
        if self.superior.startswith("Ủy ban nhân dân"):
            return f"{self.superior} {self.province.name}"
        return self.superior


def _ubnd_upper(p: Province) -> str:
    return f"UBND {vn_upper(p.full)}"


def department(p: Province, name: str, abbr: str) -> Agency:
    """A Sở of a province (`Sở Tài chính`)."""
    organ = vn_upper(name)
    return Agency(
        kind="so",
        province=p,
        parent_lines=(_ubnd_upper(p),),
        organ_lines=(organ,),
        abbr=abbr,
        unit="VP",
        place=p.place,
        self_name=name,
        head="GIÁM ĐỐC",
        deputy="PHÓ GIÁM ĐỐC",
        collective=None,
        office="Văn phòng Sở",
        office_head="CHÁNH VĂN PHÒNG",
        superior=f"Ủy ban nhân dân {p.kind}",
        superior_short=f"UBND {p.kind}",
        units="các phòng, đơn vị thuộc Sở",
        seal_text=f"{organ} {vn_upper(p.full)}",
    )


def provincial_police(p: Province) -> Agency:
    organ = f"CÔNG AN {vn_upper(p.full)}"
    abbr = "CATP" if p.city else "CAT"
    return Agency(
        kind="cong_an",
        province=p,
        parent_lines=("BỘ CÔNG AN",),
        organ_lines=(organ,),
        abbr=f"{abbr}-PC06",
        unit="",
        place=p.place,
        self_name=f"Công an {p.kind}",
        head="GIÁM ĐỐC",
        deputy="PHÓ GIÁM ĐỐC",
        collective=None,
        office="Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
        office_head="TRƯỞNG PHÒNG",
        # Police papers about local matters (residence, fire safety) go to the
        # provincial UBND, which funds them.
        superior=f"Ủy ban nhân dân {p.kind}",
        superior_short=f"UBND {p.kind}",
        units="Công an các đơn vị, địa phương",
        seal_text=f"{organ} * BỘ CÔNG AN",
    )


def people_committee(p: Province, level: tuple[str, str] | None = None) -> Agency:
    """UBND of the province, or of a district/commune `level` = (kind, name)."""
    if level is None:
        unit_full, place = p.full, p.place
        units = "các sở, ban, ngành, địa phương"
        superior, superior_short = "Chính phủ", "Chính phủ"
        office = f"Văn phòng UBND {p.kind}"
    else:
        kind, name = level
        unit_full, place = f"{kind} {name}", name
        units = f"các cơ quan, đơn vị thuộc UBND {kind}"
        if p.merged:
            superior, superior_short = f"Ủy ban nhân dân {p.kind}", f"UBND {p.kind}"
        else:
            superior, superior_short = f"Ủy ban nhân dân {p.kind}", f"UBND {p.kind}"
        office = f"Văn phòng HĐND và UBND {kind}"
    return Agency(
        kind="ubnd" if level is None else "ubnd_local",
        province=p,
        parent_lines=(),
        organ_lines=("ỦY BAN NHÂN DÂN", vn_upper(unit_full)),
        abbr="UBND",
        unit="VP",
        place=place,
        self_name=f"Ủy ban nhân dân {unit_full}",
        head="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH",
        collective="ỦY BAN NHÂN DÂN",
        office=office,
        office_head="CHÁNH VĂN PHÒNG",
        superior=superior,
        superior_short=superior_short,
        units=units,
        seal_text=f"ỦY BAN NHÂN DÂN {vn_upper(unit_full)} * {vn_upper(p.full)}"
        if level
        else f"ỦY BAN NHÂN DÂN {vn_upper(unit_full)}",
    )


def ministry_home_affairs() -> Agency:
    p = Province("Hà Nội", True, True)
    return Agency(
        kind="bo",
        province=p,
        parent_lines=(),
        organ_lines=("BỘ NỘI VỤ",),
        abbr="BNV",
        unit="VP",
        place="Hà Nội",
        self_name="Bộ Nội vụ",
        head="BỘ TRƯỞNG",
        deputy="THỨ TRƯỞNG",
        collective=None,
        office="Văn phòng Bộ",
        office_head="CHÁNH VĂN PHÒNG",
        superior="Chính phủ",
        superior_short="Chính phủ",
        units="các cơ quan, đơn vị thuộc Bộ",
        seal_text="BỘ NỘI VỤ * CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    )


#: Sở of a province: (name, abbreviation, only before / after the merger or both).
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("Sở Tài chính", "STC", "both"),
    ("Sở Tư pháp", "STP", "both"),
    ("Sở Nội vụ", "SNV", "both"),
    ("Sở Tài nguyên và Môi trường", "STNMT", "old"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", "new"),
    ("Sở Xây dựng", "SXD", "both"),
    ("Sở Khoa học và Công nghệ", "SKHCN", "both"),
    ("Sở Y tế", "SYT", "both"),
)

SURNAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh",
    "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh",
    "Trương", "Lương", "Mai", "Tạ", "Đoàn", "Châu",
)  # fmt: skip
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Anh", "Thế", "Công", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Thị", "Ngọc", "Thu", "Hồng", "Thanh", "Kim", "Minh", "Thúy")
GIVEN_MALE = (
    "Dũng", "Hùng", "Hải", "Tuấn", "Thắng", "Bình", "Sơn", "Long", "Nam", "Trung", "Hiếu",
    "Quyết", "Vinh", "Khoa", "Lộc", "Cường", "Định", "Đạt", "Phúc", "Quân", "Tùng", "Hưng",
)  # fmt: skip
GIVEN_FEMALE = (
    "Lan", "Hương", "Phương", "Hòa", "Thảo", "Nga", "Tâm", "Thủy", "Yến", "Hạnh", "Liên",
    "Trang", "Huyền", "Loan", "Nhung", "Hà", "Oanh",
)  # fmt: skip


def person(rng: random.Random) -> tuple[str, str]:
    """A full name and its honorific (`Ông`/`Bà`)."""
    if rng.random() < 0.68:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        return name, "Ông"
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
    return name, "Bà"


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
STREETS = (
    "Trần Hưng Đạo", "Lê Lợi", "Hùng Vương", "Nguyễn Huệ", "Quang Trung", "Lý Thường Kiệt",
    "Hai Bà Trưng", "Phan Đình Phùng", "Nguyễn Tất Thành", "Trường Chinh",
)  # fmt: skip


def long_date(d: date) -> str:
    """`ngày 05 tháng 3 năm 2020` as the body of a document cites a date."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def short_date(d: date) -> str:
    """`07/8/2017`, the short form used inside sentences (same zero-padding rule)."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{day}/{month}/{d.year}"
