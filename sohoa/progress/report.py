"""The quarterly báo cáo for the province (Quyết định 151/QĐ-STC: before 15/3, 15/6, 15/9, 15/12).

One self-contained HTML page in Vietnamese (inline CSS and chart, no script, no
external resource, every value escaped), in the layout of a văn bản có tên loại
of Nghị định 30/2020 Phụ lục I: cơ quan chủ quản and cơ quan ban hành with
`Số:` left blank for the văn thư, Quốc hiệu and Tiêu ngữ, the place and date
line (days below 10 and months 1–2 zero-padded), BÁO CÁO and its trích yếu, the
body, Nơi nhận and the signer block; A4 with the margins of Phụ lục I, Times
New Roman, page numbers at the top from page 2. The same page is printed to
PDF by Chromium (`printing.py`).
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sohoa import __version__
from sohoa.archive.fsutil import atomic_write
from sohoa.config import Settings
from sohoa.progress import gaps
from sohoa.progress.chart import render_svg
from sohoa.progress.figures import Progress, Standing, history, progress
from sohoa.progress.targets import Quarter, road

#: Quyết định 468/QĐ-TTg set the targets the provincial and departmental plans repeat.
DEFAULT_BASIS = (
    "Quyết định số 468/QĐ-TTg ngày 27/3/2021 của Thủ tướng Chính phủ phê duyệt Đề án đổi mới "
    "việc thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính và "
    "Kế hoạch triển khai Đề án"
)
#: Phụ lục I: what stands in the signer block until the office configures it.
SIGNER_PLACEHOLDER = ("QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ",)
BLANK = "……………"

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm;
        @top-center { content: counter(page); font: 13pt "Times New Roman", "Liberation Serif", serif; } }
@page :first { @top-center { content: none; } }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 13pt; color: #000;
       line-height: 1.35; margin: 0 auto; max-width: 165mm; }
table.head { width: 100%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; padding: 0; }
table.head td.organ { width: 40%; font-size: 12.5pt; }
table.head td.nation { width: 60%; }
.upper { text-transform: none; }
.rule { border-top: 1px solid #000; margin: 1mm auto 2mm; }
.rule.short { width: 30%; } .rule.long { width: 55%; } .rule.subject { width: 25%; }
.date { font-style: italic; margin-top: 3mm; text-align: right; padding-right: 6mm; }
h1 { font-size: 14pt; text-align: center; margin: 8mm 0 0; }
p.subject { text-align: center; font-weight: bold; margin: 0 0 1mm; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; }
h3 { font-size: 13pt; margin: 3mm 0 1mm; font-weight: bold; font-style: normal; }
p { text-align: justify; margin: 0 0 2mm; text-indent: 10mm; }
table.data { border-collapse: collapse; width: 100%; font-size: 11.5pt; margin: 2mm 0 3mm; }
table.data th, table.data td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
table.data th { font-weight: bold; text-align: center; }
table.data td.n { text-align: right; white-space: nowrap; }
table.data td.c { text-align: center; }
table.data td.v { text-align: center; white-space: nowrap; }
table.data tr.total td { font-weight: bold; }
tr { break-inside: avoid; }
.ok { color: #075e07; } .behind { color: #a00000; }
figure { margin: 2mm 0 3mm; text-align: center; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-style: italic; font-size: 11.5pt; }
table.sign { width: 100%; margin-top: 6mm; border-collapse: collapse; break-inside: avoid; }
table.sign td { vertical-align: top; padding: 0; }
td.recipients { width: 45%; font-size: 11pt; }
td.recipients b { font-size: 12pt; }
td.signer { width: 55%; text-align: center; font-weight: bold; }
td.signer .space { height: 28mm; }
p.note { font-size: 10.5pt; text-indent: 0; margin-top: 8mm; border-top: 1px solid #888;
         padding-top: 1.5mm; color: #222; }
"""


@dataclass(frozen=True)
class Written:
    html: Path
    pdf: Path | None
    quarter: str
    at: date

    @property
    def files(self) -> list[Path]:
        return [self.html, *([self.pdf] if self.pdf else [])]

    def to_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "at": self.at.isoformat(),
            "html": str(self.html),
            "pdf": str(self.pdf) if self.pdf else None,
        }


# --- Vietnamese forms of numbers and dates -------------------------------------------------


def so(value: int | float) -> str:
    """1600 → 1.600 (Vietnamese groups thousands with dots)."""
    return f"{round(value):,}".replace(",", ".")


def ty_le(value: float | None, digits: int = 1) -> str:
    """49.53 → 49,5% (a decimal comma)."""
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",") + "%"


def ngay(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def date_line(place: str, day: date) -> str:
    """`Gia Lai, ngày 05 tháng 02 năm 2026` (Phụ lục I: days below 10 and months 1–2 padded)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _verdict(done: bool) -> str:
    return '<span class="ok">Đạt</span>' if done else '<span class="behind">Chưa đạt</span>'


# --- the page ------------------------------------------------------------------------------


def write_report(
    db: sqlite3.Connection,
    settings: Settings,
    quarter: Quarter,
    at: date,
    out_dir: Path,
    *,
    today: date,
    pdf: bool = True,
) -> Written:
    """Compute the quarter's figures as of `at`, write `bao-cao-so-hoa-<quarter>.html` (and
    `.pdf`) into `out_dir`; `today` is the date the report bears."""
    window = max(1, (at - quarter.start).days + 1)
    figures = progress(db, settings.progress, at, by="department", window=window)
    milestones = road(settings.progress)
    start = min([quarter.start - timedelta(days=365 * 2), *(m.day for m in milestones)])
    actual = history(db, settings.progress, max(start, at - timedelta(days=365 * 6)), at)
    forecast = None
    if figures.pace.complete_on and figures.overall.rate is not None:
        forecast = (at, figures.overall.rate, figures.pace.complete_on)
    svg = render_svg(actual, milestones, forecast, until=at + timedelta(days=365))
    holes = gaps.counts(db)
    page = render_html(figures, settings, quarter, today=today, chart=svg, holes=holes)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"bao-cao-so-hoa-{quarter.label}"
    html_path = out_dir / f"{stem}.html"
    atomic_write(html_path, page.encode("utf-8"), 0o644)
    pdf_path = None
    if pdf:
        from sohoa.progress.printing import print_pdf

        pdf_path = out_dir / f"{stem}.pdf"
        print_pdf(html_path, pdf_path)
    return Written(html_path, pdf_path, quarter.label, at)


def render_html(
    p: Progress,
    settings: Settings,
    quarter: Quarter,
    *,
    today: date,
    chart: str,
    holes: gaps.GapCounts,
) -> str:
    r = settings.report
    organ = r.organ or settings.agency_name or BLANK
    subject = f"Kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính {quarter.vietnamese}"
    parts = [
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">',
        f"<title>Báo cáo {_e(subject)}</title>\n<style>{_CSS}</style>\n</head>\n<body>",
        _header(r.parent_organ, organ, r.notation, r.place or BLANK, today),
        f'<h1>BÁO CÁO</h1>\n<p class="subject">{_e(subject)}</p>',
        '<div class="rule subject"></div>',
        f"<p>Thực hiện {_e(r.basis or DEFAULT_BASIS)}, đơn vị báo cáo kết quả số hóa hồ sơ, "
        f"kết quả giải quyết thủ tục hành chính {_e(quarter.vietnamese)} (số liệu đến hết ngày "
        f"{ngay(p.at)}) như sau:</p>",
        _results(p, quarter, chart),
        _other_targets(p),
        _assessment(p, holes),
        f"<p>Trên đây là báo cáo kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính "
        f"{_e(quarter.vietnamese)}./.</p>",
        _signature(r.recipients, r.signer or SIGNER_PLACEHOLDER, r.signer_name),
        _method_note(p, today),
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)


def _header(parent: str | None, organ: str, notation: str | None, place: str, today: date) -> str:
    number = f"Số: {'&nbsp;' * 12}/{_e(notation or 'BC-' + '……')}"
    parent_line = f"<div>{_e(parent.upper())}</div>" if parent else ""
    return (
        '<table class="head"><tr>'
        f'<td class="organ">{parent_line}<div><b>{_e(organ.upper())}</b></div>'
        f'<div class="rule short"></div><div>{number}</div></td>'
        '<td class="nation"><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></div>'
        "<div><b>Độc lập - Tự do - Hạnh phúc</b></div>"
        '<div class="rule long"></div>'
        f'<div class="date">{_e(date_line(place, today))}</div></td>'
        "</tr></table>"
    )


def _standing_sentence(s: Standing, p: Progress) -> str:
    if p.target is None:
        return "chưa đến mốc chỉ tiêu đầu tiên của kế hoạch."
    target = f"chỉ tiêu {ty_le(p.target.percent, 0)} (từ ngày {ngay(p.target.day)})"
    if s.status == "on-track":
        return f"đạt {target}."
    return (
        f"chưa đạt {target}, còn thiếu {str(round(s.gap_points, 1)).replace('.', ',')} điểm "
        f"phần trăm (tương ứng {so(s.gap_documents)} kết quả)."
    )


def _results(p: Progress, quarter: Quarter, chart: str) -> str:
    o, v = p.overall, p.valid if p.scope == "resolved" else p.resolved
    denominator = (
        "kết quả giải quyết thủ tục hành chính đã giải quyết"
        if p.scope == "resolved"
        else "kết quả giải quyết thủ tục hành chính còn hiệu lực"
    )
    other = "còn hiệu lực" if p.scope == "resolved" else "đã giải quyết (kể cả hết hiệu lực)"
    rows = []
    for index, (name, s) in enumerate(p.groups, start=1):
        rows.append(
            f'<tr><td class="c">{index}</td><td>{_e(name or "(chưa ghi phòng)")}</td>'
            f'<td class="n">{so(s.total)}</td><td class="n">{so(s.digitized)}</td>'
            f'<td class="n">{ty_le(s.rate)}</td><td class="n">{so(s.gap_documents)}</td>'
            f'<td class="v">{_verdict(s.status != "behind")}</td></tr>'
        )
    rows.append(
        f'<tr class="total"><td></td><td>Tổng cộng</td><td class="n">{so(o.total)}</td>'
        f'<td class="n">{so(o.digitized)}</td><td class="n">{ty_le(o.rate)}</td>'
        f'<td class="n">{so(o.gap_documents)}</td>'
        f'<td class="v">{_verdict(o.status != "behind")}</td></tr>'
    )
    pace = p.pace
    if pace.complete_on:
        forecast = f"với tốc độ này, tỷ lệ 100% sẽ đạt vào ngày {ngay(pace.complete_on)}"
    else:
        forecast = "với tốc độ này, không đạt được tỷ lệ 100% nếu không tăng tốc độ số hóa"
    following = ""
    if p.next is not None and p.next_needed is not None:
        missing, per_day = p.next_needed
        following = (
            f" Để đạt chỉ tiêu {ty_le(p.next.percent, 0)} vào ngày {ngay(p.next.day)}, cần số hóa "
            f"thêm {so(missing)} kết quả, bình quân {str(round(per_day, 1)).replace('.', ',')} "
            "kết quả/ngày."
        )
    target_text = ty_le(p.target.percent, 0) if p.target else "chưa có"
    return f"""<h2>I. KẾT QUẢ SỐ HÓA KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h2>
<h3>1. Tỷ lệ số hóa</h3>
<p>Đến hết ngày {ngay(p.at)}, sổ theo dõi có {so(o.total)} {denominator}; đã số hóa, ký số,
lưu trữ và gắn với mã hồ sơ {so(o.digitized)} kết quả, đạt {ty_le(o.rate)}, {_standing_sentence(o, p)}
Trong đó, kết quả {other}: đã số hóa {so(v.digitized)}/{so(v.total)} ({ty_le(v.rate)}).</p>
<h3>2. Kết quả theo từng phòng, đơn vị</h3>
<table class="data"><thead><tr><th>STT</th><th>Phòng, đơn vị</th><th>Tổng số kết quả</th>
<th>Đã số hóa</th><th>Tỷ lệ</th><th>Còn thiếu so với chỉ tiêu {target_text}</th>
<th>Đánh giá</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h3>3. Tiến độ</h3>
<p>Trong {_e(quarter.vietnamese)} (từ ngày {ngay(quarter.start)} đến ngày {ngay(p.at)}), đã số
hóa thêm {so(pace.digitized)} kết quả, bình quân {str(round(pace.per_day, 1)).replace(".", ",")}
kết quả/ngày; {forecast}.{following}</p>
<figure>{chart}<figcaption>Biểu đồ: Tỷ lệ số hóa thực tế so với chỉ tiêu theo kế hoạch
</figcaption></figure>"""


def _other_targets(p: Progress) -> str:
    reuse, prod, turn = p.reuse, p.productivity, p.turnaround
    reuse_result = (
        f"{ty_le(reuse.share)} ({so(reuse.hits)}/{so(reuse.dossiers)} hồ sơ)"
        if reuse.share is not None
        else "chưa có hồ sơ giải quyết trong kỳ"
    )
    reuse_ok = reuse.share is not None and reuse.share >= reuse.target
    per_clerk = prod.per_clerk
    if per_clerk is not None:
        prod_result = (
            f"{so(per_clerk)} văn bản/người/năm ({len(prod.clerks)} cán bộ, "
            f"{len(prod.stations)} quầy/trạm quét)"
        )
    elif prod.clerks:
        prod_result = (
            f"{so(sum(c[1] for c in prod.clerks))} văn bản trong {prod.window_days} ngày "
            "(chưa đủ 01 tháng để tính theo năm)"
        )
    else:
        prod_result = "chưa có dữ liệu"
    turn_result = (
        f"trung vị {str(round(turn.median_days or 0, 1)).replace('.', ',')} ngày "
        f"({so(turn.entries)} hồ sơ)"
        if turn.entries
        else "chưa có dữ liệu"
    )
    valid = p.valid
    valid_ok = valid.status != "behind"
    rows = [
        ("Tỷ lệ số hóa kết quả giải quyết TTHC còn hiệu lực (mục 3, 5)",
         ty_le(valid.target, 0) if valid.target else "–", f"{ty_le(valid.rate)}",
         _verdict(valid_ok) if valid.target else "–"),
        ("Tỷ lệ hồ sơ TTHC đã giải quyết được số hóa, ký số và lưu trữ (mục 11, 15)",
         ty_le(p.resolved.target, 0) if p.resolved.target else "–", ty_le(p.resolved.rate),
         _verdict(p.resolved.status != "behind") if p.resolved.target else "–"),
        ("Tỷ lệ hồ sơ không phải cung cấp lại giấy tờ đã được chấp nhận, nhờ tra cứu kho số "
         "hóa (mục 9)", f"≥ {ty_le(reuse.target, 0)}", reuse_result,
         _verdict(reuse_ok) if reuse.share is not None else "–"),
        ("Năng suất bình quân của 01 cán bộ Bộ phận Một cửa (mục 18)",
         f"{so(prod.target)} hồ sơ/người/năm", prod_result,
         _verdict(per_clerk >= prod.target) if per_clerk is not None else "–"),
        ("Thời gian từ khi tiếp nhận hồ sơ đến khi có bản số hóa được lưu trữ", "–",
         turn_result, "–"),
    ]  # fmt: skip
    body = "".join(
        f'<tr><td class="c">{i}</td><td>{_e(name)}</td><td class="c">{_e(goal)}</td>'
        f'<td class="c">{_e(result)}</td><td class="v">{verdict}</td></tr>'
        for i, (name, goal, result, verdict) in enumerate(rows, start=1)
    )
    return f"""<h2>II. CÁC CHỈ TIÊU KHÁC CỦA KẾ HOẠCH</h2>
<table class="data"><thead><tr><th>STT</th><th>Chỉ tiêu (Phụ lục Kế hoạch)</th>
<th>Mục tiêu</th><th>Kết quả trong kỳ</th><th>Đánh giá</th></tr></thead>
<tbody>{body}</tbody></table>
<p>Năng suất được tính theo số văn bản được số hóa, ký số và lưu trữ do từng cán bộ thực
hiện trong 12 tháng đến ngày {ngay(p.at)}{" (quy đổi theo năm)" if prod.window_days < 365 else ""};
tỷ lệ hồ sơ không phải cung cấp lại giấy tờ được tính từ các lần tra cứu hồ sơ, giấy tờ
đã lưu trữ tại Bộ phận Một cửa có kết quả trong kỳ.</p>"""


def _assessment(p: Progress, holes: gaps.GapCounts) -> str:
    v = p.verification
    behind = [name or "(chưa ghi phòng)" for name, s in p.groups if s.status == "behind"]
    last = (
        f"lần kiểm tra toàn bộ kho gần nhất vào ngày {ngay(date.fromisoformat(v.last_check[:10]))}"
        if v.last_check
        else "chưa thực hiện kiểm tra toàn bộ kho định kỳ"
    )
    failing = (
        f" {so(v.failing)} bản số hóa không còn xác thực được chữ ký số nên không được tính."
        if v.failing
        else " Tất cả bản số hóa được tính đều xác thực được chữ ký số."
    )
    overall = (
        "Tỷ lệ số hóa đạt chỉ tiêu của kế hoạch."
        if p.overall.status != "behind"
        else f"Tỷ lệ số hóa chưa đạt chỉ tiêu của kế hoạch, còn thiếu {so(p.overall.gap_documents)} kết quả."
    )
    proposals = []
    if behind:
        proposals.append(
            "Các phòng, đơn vị chưa đạt chỉ tiêu (" + ", ".join(_e(b) for b in behind) + ") "
            "rà soát danh sách kết quả chưa có bản số hóa, tổ chức số hóa bổ sung."
        )
    if holes.documents_not_in_register:
        proposals.append(
            f"Gắn {so(holes.documents_not_in_register)} văn bản đã số hóa, lưu trữ với mã hồ sơ "
            "tương ứng trong sổ theo dõi để được tính vào kết quả."
        )
    if not v.last_check:
        proposals.append("Kiểm tra định kỳ tính toàn vẹn và chữ ký số của toàn bộ kho lưu trữ.")
    proposals.append("Tiếp tục tra cứu kho số hóa khi tiếp nhận hồ sơ để không yêu cầu người "
                     "dân, doanh nghiệp cung cấp lại giấy tờ đã có.")  # fmt: skip
    items = "".join(f"<p>- {text}</p>" for text in proposals)
    return f"""<h2>III. ĐÁNH GIÁ CHUNG</h2>
<p>{overall} Còn {so(holes.entries_without_scan)} kết quả chưa có bản số hóa và
{so(holes.entries_not_verified)} kết quả có bản số hóa chưa xác thực được chữ ký số.</p>
<p>Chữ ký số của bản số hóa được kiểm tra khi lưu trữ; {last}.{failing}</p>
<h2>IV. ĐỀ XUẤT, KIẾN NGHỊ</h2>
{items}"""


def _signature(recipients: tuple[str, ...], signer: tuple[str, ...], name: str | None) -> str:
    lines = [f"- {_e(item)}{'.' if i == len(recipients) - 1 else ';'}"
             for i, item in enumerate(recipients)]  # fmt: skip
    title = "<br>".join(_e(line) for line in signer)
    return (
        '<table class="sign"><tr><td class="recipients"><b><i>Nơi nhận:</i></b><br>'
        + "<br>".join(lines)
        + f'</td><td class="signer">{title}<div class="space"></div>'
        + (_e(name) if name else "")
        + "</td></tr></table>"
    )


def _method_note(p: Progress, today: date) -> str:
    return (
        f'<p class="note">Số liệu do phần mềm sohoa {_e(__version__)} tổng hợp ngày '
        f"{ngay(today)} từ sổ theo dõi kết quả giải quyết thủ tục hành chính và kho lưu trữ "
        "điện tử. Một kết quả được tính là đã số hóa khi có bản số hóa được ký số, lưu trữ, gắn "
        "với mã hồ sơ của kết quả và chữ ký số được xác thực (toàn vẹn, chứng thư số tin cậy, "
        "không bị sửa đổi sau khi ký) khi lưu trữ và tại lần kiểm tra gần nhất.</p>"
    )
