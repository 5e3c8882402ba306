"""Building DocumentSpecs: one builder per document type, and the seed decision.

Each builder writes the body the way that type of paper is written
(Nghị định 30/2020 Phụ lục III gives the models): a decision has its
authority line, Căn cứ lines in italics and numbered Điều; a plan and a
report have Roman-numbered sections; a công văn has `V/v` under its number and
a `Kính gửi` block; an invitation has `Thời gian`/`Địa điểm`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from samples.spec import DOC_TYPES, DocType, DocumentSpec, Paragraph, nfc, vn_upper
from samples.topics import LEGAL, TOPICS, Topic
from samples.vocab import (
    DEPARTMENTS,
    MERGER_DAY,
    NEW_COMMUNES,
    OLD_DISTRICTS,
    STREETS,
    WEEKDAYS,
    Agency,
    department,
    long_date,
    ministry_home_affairs,
    people_committee,
    person,
    provinces,
    provincial_police,
    short_date,
)

# -- agencies and signers ----------------------------------------------------


def random_agency(rng: random.Random, issued: date, topic: Topic) -> Agency:
    """An agency that would write about `topic`, in the geography of `issued`."""
    merged = issued >= MERGER_DAY
    kinds = list(topic.agencies)
    for _ in range(50):
        kind = rng.choice(kinds)
        prov = rng.choice(provinces(merged))
        if kind == "bo":
            return ministry_home_affairs()
        if kind == "cong_an":
            return provincial_police(prov)
        if kind == "ubnd":
            return people_committee(prov)
        if kind == "ubnd_local":
            table = NEW_COMMUNES if merged else OLD_DISTRICTS
            options = table.get(prov.name)
            if not options:
                continue
            return people_committee(prov, rng.choice(options))
        abbr = kind.split(":", 1)[1]
        for name, dept_abbr, era in DEPARTMENTS:
            if dept_abbr == abbr and era in ("both", "new" if merged else "old"):
                return department(prov, name, abbr)
    return department(rng.choice(provinces(merged)), "Sở Tài chính", "STC")


def signer_for(
    rng: random.Random, agency: Agency, doc_type: DocType
) -> tuple[str | None, str | None, str]:
    """(authority, principal, position) a paper of this type would carry."""
    head, deputy = agency.head, agency.deputy
    options: list[tuple[str | None, str | None, str]] = [(None, None, head), ("KT.", head, deputy)]
    if agency.collective:
        options = [("TM.", agency.collective, head), ("KT.", head, deputy)]
    elif doc_type in ("quyet_dinh", "bao_cao", "ke_hoach", "to_trinh"):
        options.append(("Q.", None, head))
    if doc_type in ("thong_bao", "giay_moi", "cong_van"):
        options.append(("TL.", head, agency.office_head))
        if agency.collective:
            options.append(("TUQ.", head, agency.office_head))
    weights = [3, 4, *([1.5] * (len(options) - 2))]
    return rng.choices(options, weights=weights[: len(options)])[0]


def proposer(agency: Agency) -> str:
    """Who proposes a decision (`Theo đề nghị của …`)."""
    if agency.kind == "so":
        return "Chánh Văn phòng Sở"
    if agency.kind == "cong_an":
        return "Trưởng phòng Cảnh sát quản lý hành chính về trật tự xã hội"
    if agency.kind == "bo":
        return "Chánh Văn phòng Bộ"
    return f"Chánh {agency.office}"


def authority_line(agency: Agency, signer_authority: str | None) -> str:
    """The line under the subject of a decision: who decides."""
    if signer_authority == "TM." and agency.collective:
        return agency.organ_name
    return f"{agency.head} {agency.organ_name}"


# -- text helpers --------------------------------------------------------------


def _fill(text: str, ctx: dict[str, Any]) -> str:
    return nfc(text.format(**ctx))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _context(rng: random.Random, agency: Agency, issued: date) -> dict[str, Any]:
    deadline = issued + timedelta(days=rng.randint(10, 40))
    return {
        "self": agency.self_name,
        "units": agency.units,
        "Units": _cap(agency.units),
        "superior": agency.superior,
        "province": agency.province.full,
        "office": agency.office,
        "year": issued.year,
        "prev_year": issued.year - 1,
        "n1": rng.randint(120, 4800),
        "n2": rng.randint(40, 900),
        "n3": rng.randint(12, 260),
        "n4": rng.randint(3, 40),
        "p1": rng.randint(86, 99),
        "p2": rng.randint(80, 98),
        "deadline": short_date(deadline),
    }


def _pick(rng: random.Random, items: tuple[str, ...], k: int) -> list[str]:
    k = min(k, len(items))
    idx = sorted(rng.sample(range(len(items)), k))
    return [items[i] for i in idx]


def _p(text: str, **kw: Any) -> Paragraph:
    return Paragraph(nfc(text), **kw)


def _heading(text: str) -> Paragraph:
    return _p(text, style="bold")


def _dash(texts: list[str], ctx: dict[str, Any]) -> list[Paragraph]:
    return [_p("- " + _fill(t, ctx)) for t in texts]


def _numbered(texts: list[str], ctx: dict[str, Any]) -> list[Paragraph]:
    return [_p(f"{i}. " + _fill(t, ctx)) for i, t in enumerate(texts, 1)]


def _legal_bases(
    rng: random.Random, topic: Topic, agency: Agency, issued: date, k: int
) -> list[str]:
    bases = [b for b in LEGAL if b.issued < issued and (topic.key in b.tags)]
    org = [b for b in LEGAL if b.issued < issued and "ubnd" in b.tags]
    out = []
    if agency.kind in ("ubnd", "ubnd_local") and org:
        out.append(org[-1].text)
    elif agency.kind == "so":
        n, y = rng.randint(10, 60), rng.randint(max(2016, issued.year - 5), issued.year - 1)
        d = date(y, rng.randint(1, 12), rng.randint(1, 28))
        out.append(
            f"Quyết định số {n}/{y}/QĐ-UBND {long_date(d)} của Ủy ban nhân dân "
            f"{agency.province.full} quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu "
            f"tổ chức của {agency.self_name}"
        )
    out += [b.text for b in _pick_objs(rng, bases, k)]
    return out


def _pick_objs(rng: random.Random, items: list[Any], k: int) -> list[Any]:
    k = min(k, len(items))
    idx = sorted(rng.sample(range(len(items)), k))
    return [items[i] for i in idx]


def _recent_letter(rng: random.Random, agency: Agency, issued: date) -> str:
    """A recent instruction from the superior (`Công văn số 1234/UBND-VP ngày …`)."""
    d = issued - timedelta(days=rng.randint(5, 60))
    n = rng.randint(100, 4500)
    if agency.superior == "Chính phủ":
        return f"Công văn số {n}/VPCP-KSTT ngày {short_date(d)} của Văn phòng Chính phủ"
    return f"Công văn số {n}/UBND-VP ngày {short_date(d)} của {agency.superior}"


# -- builders --------------------------------------------------------------------

Body = tuple[str, list[Paragraph]]  # (subject, paragraphs)


def _quyet_dinh(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: tuple[str | None, str | None, str],
) -> Body:
    year = issued.year
    paras = [
        _p(
            authority_line(a, signer[0]),
            align="center",
            style="bold",
            indent=False,
            space_before_pt=12,
        )
    ]
    for text in _legal_bases(rng, t, a, issued, 2 + size):
        paras.append(_p(f"Căn cứ {text};", style="italic"))
    paras.append(_p(f"Theo đề nghị của {proposer(a)}.", style="italic"))
    paras.append(_p("QUYẾT ĐỊNH:", align="center", style="bold", indent=False, space_before_pt=10))
    if rng.random() < 0.5:
        subject = f"Ban hành Kế hoạch {t.name} năm {year}"
        paras.append(
            _p(
                f"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch {t.name} năm {year} của {a.self_name}.",
                lead_bold=2,
            )
        )
        paras.append(_p("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.", lead_bold=2))
    else:
        subject = f"Thành lập Tổ công tác triển khai công tác {t.short} năm {year}"
        paras.append(
            _p(
                f"Điều 1. Thành lập Tổ công tác triển khai công tác {t.name} năm {year} của {a.self_name}, gồm các ông, bà có tên sau:",
                lead_bold=2,
            )
        )
        roles = ["Tổ trưởng", "Tổ phó", *["Thành viên"] * (2 + size)]
        titles = _member_titles(a)
        for i, role in enumerate(roles, 1):
            name, hon = person(rng)
            title = titles[min(i - 1, len(titles) - 1)]
            end = "." if i == len(roles) else ";"
            paras.append(
                _p(f"{i}. {hon} {name}, {title} - {role}{end}", indent=True, space_before_pt=2)
            )
        tasks = _pick(rng, t.tasks, 2 + size)
        task_text = "; ".join(_lower_first(_fill(x, ctx)).rstrip(".") for x in tasks)
        paras.append(
            _p(
                f"Điều 2. Tổ công tác có nhiệm vụ giúp {_leader(a)} chỉ đạo, đôn đốc: {task_text}. Tổ công tác tự giải thể sau khi hoàn thành nhiệm vụ.",
                lead_bold=2,
            )
        )
    paras.append(
        _p(
            f"Điều 3. {proposer(a)}, Thủ trưởng {a.units} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            lead_bold=2,
        )
    )
    return subject, paras


def _leader(a: Agency) -> str:
    """The head as the body names them (`Giám đốc Sở`)."""
    if a.kind == "so":
        return "Giám đốc Sở"
    if a.kind == "cong_an":
        return f"Giám đốc {a.self_name}"
    if a.kind == "bo":
        return "Bộ trưởng"
    return f"Chủ tịch {a.self_name}"


def _member_titles(a: Agency) -> list[str]:
    """Titles of a working group's members, abbreviated as decisions do."""
    if a.kind == "so":
        return [
            "Phó Giám đốc Sở",
            "Chánh Văn phòng Sở",
            "Phó Chánh Văn phòng Sở",
            "Chuyên viên Văn phòng Sở",
        ]
    if a.kind == "cong_an":
        return ["Phó Giám đốc", "Trưởng phòng PC06", "Phó Trưởng phòng PC06", "Cán bộ Phòng PC06"]
    if a.kind == "bo":
        return [
            "Thứ trưởng",
            "Chánh Văn phòng Bộ",
            "Phó Chánh Văn phòng Bộ",
            "Chuyên viên Văn phòng Bộ",
        ]
    rest = a.self_name.removeprefix("Ủy ban nhân dân ")
    kinds = ("thành phố", "thị xã", "tỉnh", "huyện", "quận", "xã", "phường")
    unit = next((k for k in kinds if rest.startswith(k + " ")), "")
    return [
        f"Phó Chủ tịch UBND {unit}",
        f"Chánh Văn phòng UBND {unit}",
        f"Phó Chánh Văn phòng UBND {unit}",
        f"Chuyên viên Văn phòng UBND {unit}",
    ]


def _ke_hoach(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
) -> Body:
    year = issued.year
    subject = f"{_cap(t.name)} năm {year}"
    paras = [
        _p(
            f"Thực hiện {_recent_letter(rng, a, issued)} về việc triển khai công tác {t.short} năm {year}, {a.self_name} ban hành Kế hoạch {t.name} năm {year} như sau:"
        )
    ]
    paras.append(_heading("I. MỤC ĐÍCH, YÊU CẦU"))
    paras.append(_heading("1. Mục đích"))
    paras += _dash(_pick(rng, t.goals, 1 + size), ctx)
    paras.append(_heading("2. Yêu cầu"))
    paras += _dash(_pick(rng, t.requirements, 1 + size), ctx)
    paras.append(_heading("II. NỘI DUNG THỰC HIỆN"))
    paras += _numbered(_pick(rng, t.tasks, 3 + 2 * size), ctx)
    paras.append(_heading("III. TỔ CHỨC THỰC HIỆN"))
    paras.append(
        _p(
            f"1. {a.office} chủ trì, theo dõi, đôn đốc việc triển khai Kế hoạch; tổng hợp kết quả, báo cáo {_leader(a)} theo quy định."
        )
    )
    paras.append(
        _p(
            f"2. {_cap(a.units)} căn cứ nội dung Kế hoạch chủ động triển khai thực hiện; định kỳ báo cáo kết quả về {a.office} trước ngày 15 của tháng cuối quý."
        )
    )
    paras.append(
        _p(
            f"Trên đây là Kế hoạch {t.name} năm {year} của {a.self_name}. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về {a.office} để tổng hợp, báo cáo {_leader(a)} xem xét, giải quyết./."
        )
    )
    return subject, paras


def _period(rng: random.Random, issued: date) -> str:
    if issued.month <= 4:
        return f"năm {issued.year - 1}"
    if issued.month <= 7:
        return f"6 tháng đầu năm {issued.year}"
    return f"9 tháng đầu năm {issued.year}"


def _bao_cao(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
    extra_topics: tuple[Topic, ...] = (),
) -> Body:
    period = _period(rng, issued)
    topics = (t, *extra_topics)
    if extra_topics:
        subject = f"Tổng kết công tác {period} và phương hướng, nhiệm vụ thời gian tới"
    else:
        subject = f"Kết quả thực hiện công tác {t.short} {period}"
    paras = [
        _p(
            f"Thực hiện {_recent_letter(rng, a, issued)} về việc báo cáo kết quả công tác {period}, {a.self_name} báo cáo như sau:"
        )
    ]
    paras.append(_heading("I. KẾT QUẢ THỰC HIỆN"))
    for n, topic in enumerate(topics, 1):
        c = _context(rng, a, issued)
        if extra_topics:
            paras.append(_heading(f"{n}. Công tác {topic.name}"))
        else:
            paras.append(_heading("1. Công tác chỉ đạo, điều hành"))
        paras.append(
            _p(
                _fill(
                    f"{{self}} đã ban hành kế hoạch, văn bản chỉ đạo {{units}} triển khai công tác {topic.short}; phân công lãnh đạo phụ trách, theo dõi, đôn đốc việc thực hiện.",
                    c,
                )
            )
        )
        if not extra_topics:
            paras.append(_heading("2. Kết quả cụ thể"))
        paras += [
            _p(_fill(x, c))
            for x in _pick(rng, topic.results, 1 + size if not extra_topics else len(topic.results))
        ]
        if extra_topics:
            paras += [
                _p("Hạn chế: " + _lower_first(_fill(x, c)), lead_bold=2)
                for x in _pick(rng, topic.limits, 1)
            ]
    if not extra_topics:
        paras.append(_heading("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
        paras += _dash(_pick(rng, t.limits, 1 + min(size, 1)), ctx)
        paras.append(
            _p(
                "Nguyên nhân chủ yếu là khối lượng công việc lớn trong khi biên chế còn hạn chế; một số cán bộ, công chức chưa chủ động cập nhật kiến thức, kỹ năng đáp ứng yêu cầu nhiệm vụ.",
                lead_bold=2,
            )
        )
    paras.append(
        _heading(f"{'III' if not extra_topics else 'II'}. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI")
    )
    if extra_topics:
        for n, topic in enumerate(topics, 1):
            paras.append(_heading(f"{n}. Công tác {topic.short}"))
            paras += _dash(list(topic.tasks), ctx)
    else:
        paras += _dash(_pick(rng, t.tasks, 2 + size), ctx)
    paras.append(_heading(f"{'IV' if not extra_topics else 'III'}. ĐỀ XUẤT, KIẾN NGHỊ"))
    paras.append(
        _p(
            f"Đề nghị {a.superior} quan tâm bố trí kinh phí, trang thiết bị và biên chế để bảo đảm thực hiện tốt các nhiệm vụ được giao trong thời gian tới."
        )
    )
    paras.append(
        _p(
            f"Trên đây là báo cáo kết quả {('công tác ' + period) if extra_topics else ('công tác ' + t.short + ' ' + period)} của {a.self_name}./."
        )
    )
    return subject, paras


def _thong_bao(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
) -> Body:
    meeting = issued - timedelta(days=rng.randint(1, 6))
    chair, hon = person(rng)
    leader = _leader(a)
    subject = f"Kết luận của {leader} tại cuộc họp về công tác {t.short}"
    paras = [
        _p(
            f"Ngày {short_date(meeting)}, {hon} {chair}, {leader} chủ trì cuộc họp về công tác {t.name}. Tham dự cuộc họp có lãnh đạo {a.units} và đại diện các cơ quan có liên quan."
        ),
        _p(
            f"Sau khi nghe {a.office} báo cáo tình hình thực hiện và ý kiến của các đại biểu dự họp, {leader} kết luận như sau:"
        ),
        _p("1. " + _fill(rng.choice(t.results), ctx)),
        _p(
            f"2. Bên cạnh kết quả đạt được, vẫn còn một số hạn chế: {_lower_first(_fill(rng.choice(t.limits), ctx))}"
        ),
        _p(f"3. Trong thời gian tới, yêu cầu {a.units} tập trung thực hiện tốt các nhiệm vụ sau:"),
    ]
    paras += _dash(_pick(rng, t.tasks, 3 + size), ctx)
    paras.append(
        _p(f"{a.office} thông báo để {a.units} và các cơ quan có liên quan biết, thực hiện./.")
    )
    return subject, paras


def _to_trinh(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
) -> Body:
    year = issued.year
    subject = f"Về việc đề nghị phê duyệt Kế hoạch {t.name} năm {year}"
    paras = [_p(f"Kính gửi: {a.superior_full}.", align="center", indent=False, space_before_pt=8)]
    for text in _legal_bases(rng, t, a, issued, 1 + size):
        paras.append(_p(f"Căn cứ {text};"))
    paras.append(
        _p(
            f"{a.self_name} kính trình {a.superior} xem xét, phê duyệt Kế hoạch {t.name} năm {year} với những nội dung chủ yếu sau:"
        )
    )
    paras.append(_heading("1. Sự cần thiết"))
    paras.append(_p(_fill(rng.choice(t.limits), ctx) + " " + _fill(rng.choice(t.goals), ctx)))
    paras.append(_heading("2. Nội dung chủ yếu của Kế hoạch"))
    paras += _dash(_pick(rng, t.tasks, 2 + 2 * size), ctx)
    paras.append(_heading("3. Kinh phí thực hiện"))
    paras.append(
        _p(
            f"Kinh phí thực hiện Kế hoạch là {rng.randint(120, 950)} triệu đồng, từ nguồn ngân sách nhà nước đã giao trong dự toán năm {year} của {a.self_name}."
        )
    )
    paras.append(_p(f"{a.self_name} kính trình {a.superior} xem xét, phê duyệt./."))
    return subject, paras


def _giay_moi(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
) -> Body:
    day = issued + timedelta(days=rng.randint(3, 9))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    year = issued.year
    subject = f"Dự Hội nghị triển khai công tác {t.short} năm {year}"
    hour = rng.choice(["07 giờ 30 phút", "08 giờ 00 phút", "14 giờ 00 phút"])
    paras = [
        _p(f"{a.self_name} trân trọng kính mời:"),
        _p(f"- Đại diện lãnh đạo {a.units};", space_before_pt=2),
        _p(f"- Công chức phụ trách công tác {t.short} của các đơn vị.", space_before_pt=2),
        _p(f"Đến dự Hội nghị triển khai công tác {t.name} năm {year}."),
        _p(
            f"Thời gian: 01 buổi, bắt đầu từ {hour}, {WEEKDAYS[day.weekday()]}, ngày {short_date(day)}.",
            lead_bold=2,
        ),
        _p(
            f"Địa điểm: Hội trường tầng {rng.randint(2, 5)}, trụ sở {a.self_name}, số {rng.randint(2, 180)} đường {rng.choice(STREETS)}, {a.place}.",
            lead_bold=2,
        ),
        _p(f"Nội dung: {_fill(rng.choice(t.goals), ctx)}", lead_bold=2),
        _p(
            f"Đề nghị {a.office} chuẩn bị tài liệu, phối hợp bố trí hội trường và các điều kiện phục vụ Hội nghị."
        ),
        _p("Rất mong các đại biểu đến dự đúng thời gian, đúng thành phần./."),
    ]
    return subject, paras


def _cong_van(
    rng: random.Random,
    a: Agency,
    t: Topic,
    issued: date,
    ctx: dict[str, Any],
    size: int,
    signer: Any,
) -> Body:
    subject = rng.choice(
        [
            f"triển khai công tác {t.short} năm {issued.year}",
            f"đôn đốc thực hiện công tác {t.short}",
        ]
    )
    if a.kind == "bo":
        to = [
            "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương.",
        ]
    elif a.kind in ("so", "cong_an"):
        to = [
            f"{_cap(a.units)};",
            f"UBND các {'xã, phường' if a.province.merged else 'huyện, thị xã, thành phố'}.",
        ]
    else:
        to = ["Các cơ quan, đơn vị trực thuộc;", "Các tổ chức, cá nhân có liên quan."]
    label = "Kính gửi: "
    paras = [
        _p(
            f"{label}- {to[0]}",
            align="left",
            indent=False,
            left_mm=28,
            hang_after=label + "- ",
            space_before_pt=8,
        )
    ]
    # Further addressees line up under the first dash, wrapped lines under its text.
    paras += [
        _p(
            f"- {x}",
            align="left",
            indent=False,
            left_mm=28,
            left_after=label,
            hang_after="- ",
            space_before_pt=0,
        )
        for x in to[1:]
    ]
    paras.append(
        _p(
            f"Thực hiện {_recent_letter(rng, a, issued)} về công tác {t.name}, {a.self_name} đề nghị các cơ quan, đơn vị thực hiện một số nội dung sau:",
            space_before_pt=10,
        )
    )
    paras += _numbered(_pick(rng, t.requests, 2 + size) + _pick(rng, t.tasks, 1 + size), ctx)
    paras.append(_p("Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."))
    return subject, paras


BUILDERS: dict[str, Callable[..., Body]] = {
    "quyet_dinh": _quyet_dinh,
    "ke_hoach": _ke_hoach,
    "bao_cao": _bao_cao,
    "thong_bao": _thong_bao,
    "to_trinh": _to_trinh,
    "giay_moi": _giay_moi,
    "cong_van": _cong_van,
}


def recipients_for(a: Agency, doc_type: DocType, signer_authority: str | None) -> tuple[str, ...]:
    lead = {"quyet_dinh": "Như Điều 3;", "giay_moi": "Như thành phần mời;"}.get(
        doc_type, "Như trên;"
    )
    items = [lead]
    if doc_type in ("bao_cao", "to_trinh"):
        items = [f"{a.superior_short} (b/c);" if doc_type == "bao_cao" else "Như trên;"]
    else:
        items.append(f"{a.superior_short if a.kind != 'bo' else 'Bộ trưởng'} (b/c);")
    if a.kind == "so":
        items.append("GĐ, các PGĐ Sở;")
    elif a.collective:
        items.append("CT, các PCT UBND;")
    items.append(f"Lưu: VT, {a.unit or 'PC06'}.")
    return tuple(items)


def random_date(
    rng: random.Random, start: date = date(2019, 1, 2), end: date = date(2025, 12, 19)
) -> date:
    d = start + timedelta(days=rng.randrange((end - start).days))
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def build_document(
    doc_type: DocType,
    rng: random.Random,
    *,
    font: str = "Liberation Serif",
    size: int = 1,
    issued: date | None = None,
    topic: Topic | None = None,
    agency: Agency | None = None,
    extra_topics: tuple[Topic, ...] = (),
    signer: tuple[str | None, str | None, str] | None = None,
) -> DocumentSpec:
    """A document of `doc_type` with random but plausible content.

    `size` 0–3 scales how much body text there is (3 usually runs to a
    second page).
    """
    issued = issued or random_date(rng)
    if topic is None:
        topic = rng.choice(TOPICS)
    agency = agency or random_agency(rng, issued, topic)
    signer = signer or signer_for(rng, agency, doc_type)
    ctx = _context(rng, agency, issued)
    builder = BUILDERS[doc_type]
    if doc_type == "bao_cao":
        subject, paras = builder(rng, agency, topic, issued, ctx, size, signer, extra_topics)
    else:
        subject, paras = builder(rng, agency, topic, issued, ctx, size, signer)
    abbr = DOC_TYPES[doc_type][1]
    if doc_type == "cong_van":
        notation = agency.abbr if "-" in agency.abbr else f"{agency.abbr}-{agency.unit}"
    else:
        notation = f"{abbr}-{agency.abbr}"
    number = rng.randint(1, 2600)
    name, _ = person(rng)
    authority, principal, position = signer
    return DocumentSpec(
        doc_type=doc_type,
        parent_lines=agency.parent_lines,
        organ_lines=agency.organ_lines,
        # Nghị định 30/2020 Điều 15: numbers start at 01 each year.
        number=f"{number:02d}",
        notation=notation,
        place=agency.place,
        issued=issued,
        subject=nfc(subject),
        body=tuple(paras),
        signer_authority=authority,
        signer_principal=principal,
        signer_position=position,
        signer_name=name,
        recipients=recipients_for(agency, doc_type, authority),
        font=font,
        body_pt=rng.choice([13.0, 14.0, 14.0]),
        header_pt=rng.choice([12.0, 13.0, 13.0]),
        line_spacing=rng.choice([1.1, 1.15, 1.2, 1.3]),
        margins_mm=(
            float(rng.randint(20, 25)),
            float(rng.randint(15, 20)),
            float(rng.randint(20, 25)),
            float(rng.randint(30, 35)),
        ),
        indent_mm=rng.choice([10.0, 12.7]),
        seal_text=agency.seal_text,
        seal_mm=rng.choice([34.0, 35.0, 36.0, 38.0]),
        seal_placement=rng.choices(["signature", "position", "name"], weights=[3, 2, 1])[0],
        ink_seed=rng.randrange(2**31),
        extra={"topic": topic.key, "agency_kind": agency.kind, "province": agency.province.name},
    )


# -- the seed decision -----------------------------------------------------------

_SEED_CAN_CU = (
    "Căn cứ Nghị định số 92/2017/NĐ-CP ngày 07/8/2017 của Chính phủ sửa đổi, bổ sung một số điều của các Nghị định liên quan đến kiểm soát thủ tục hành chính;",
    "Căn cứ Nghị định số 61/2018/NĐ-CP của Chính phủ ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ quy định về thực hiện thủ tục hành chính trên môi trường điện tử;",
    "Căn cứ Nghị định số 47/2020/QĐ-TTg ngày 09/4/2020 của Chính phủ quy định về quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước;",
    "Căn cứ Quyết định số 468/QĐ-TTg ngày 27/3/2021 của Thủ tướng Chính phủ về việc phê duyệt Đề án đổi mới việc thực hiện cơ chế, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "Căn cứ Quyết định số 258/QĐ-UBND ngày 29/4/2021 của UBND tỉnh ban hành Kế hoạch triển khai Đề án đổi mới cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính trên địa bàn tỉnh Gia Lai;",
)


def seed_decision_151() -> DocumentSpec:
    """Page 1 of Quyết định 151/QĐ-STC (Sở Tài chính Gia Lai, 31/5/2021), the
    plan sohoa serves, with its text as in shared/seed (errors of the original kept)."""
    body = [
        _p("GIÁM ĐỐC SỞ TÀI CHÍNH", align="center", style="bold", indent=False, space_before_pt=12),
        *[_p(text, style="italic") for text in _SEED_CAN_CU],
        _p("Theo đề nghị của Chánh Văn phòng Sở.", style="italic"),
        _p("QUYẾT ĐỊNH:", align="center", style="bold", indent=False, space_before_pt=10),
        _p(
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai Đề án đổi mới cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính tại Sở Tài chính.",
            lead_bold=2,
        ),
        _p("Điều 2. Quyết định có hiệu lực thi hành kể từ ngày ký.", lead_bold=2),
        _p(
            "Điều 3. Chánh Văn phòng Sở; Trưởng các phòng thuộc Sở; các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            lead_bold=2,
        ),
    ]
    return DocumentSpec(
        doc_type="quyet_dinh",
        parent_lines=("UBND TỈNH GIA LAI",),
        organ_lines=("SỞ TÀI CHÍNH",),
        number="151",
        notation="QĐ-STC",
        place="Gia Lai",
        issued=date(2021, 5, 31),
        subject=nfc(
            "Ban hành Kế hoạch triển khai Đề án đổi mới cơ chế một cửa, một cửa liên thông "
            "trong giải quyết thủ tục hành chính tại Sở Tài chính"
        ),
        body=tuple(body),
        signer_authority=None,
        signer_principal=None,
        signer_position="GIÁM ĐỐC",
        signer_name="Nguyễn Anh Dũng",
        recipients=(
            "Như Điều 3;",
            "UBND tỉnh (b/c);",
            "VP UBND tỉnh (theo dõi);",
            "GD, PGD Sở;",
            "Lưu: VT, VP.",
        ),
        font="Liberation Serif",
        # 13 pt at single spacing (Word's "single" is ~1.15 of the size): the
        # original fits its first page.
        body_pt=13.0,
        header_pt=13.0,
        line_spacing=1.15,
        margins_mm=(20.0, 15.0, 20.0, 30.0),
        seal_text=f"SỞ TÀI CHÍNH {vn_upper('tỉnh Gia Lai')}",
        seal_mm=36.0,
        seal_placement="position",
        ink_seed=151,
        extra={
            "topic": "mot_cua",
            "agency_kind": "so",
            "province": "Gia Lai",
            "seed": "qd-151-stc-2021-gia-lai",
        },
    )
