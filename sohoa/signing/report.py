"""The printable verification report: a biên bản kiểm tra chữ ký số an auditor can sign.

`render_html(verdicts, header=...)` returns one self-contained HTML page
(inline CSS, no script, no external resource, `lang="vi"`) that prints on A4
with page numbers (CSS paged media counters). It has the parts of a biên bản:
number, place and date, the auditor, what the trust rests on (each anchor
with its SHA-256 fingerprint and where it was configured), each document
identified by what it is (type, số/ký hiệu, date, issuing organ when the
archive knows them, page count, SHA-256), and for each signature every check
in plain Vietnamese with the technical term beside it. A DEMO or test
identity is shown in amber with "không có giá trị pháp lý" at the verdict,
even when it verifies. Times are Vietnam time (+07:00). Every value is
HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sohoa import __version__
from sohoa.signing.changes import RevisionChange
from sohoa.signing.trust import TrustAnchor
from sohoa.signing.verify import (
    VIETNAM,
    CertInfo,
    FileVerdict,
    SignatureVerdict,
    TimestampInfo,
    TimestampVerdict,
    exit_code_for,
    vietnam_time,
)

_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 20mm;
        @bottom-center { content: "Trang " counter(page) "/" counter(pages);
                         font: 9pt "Liberation Serif", "Times New Roman", serif; } }
body { font-family: "Liberation Serif", "Times New Roman", serif; font-size: 11.5pt;
       color: #000; margin: 0 auto; max-width: 180mm; line-height: 1.3; }
.head { display: flex; justify-content: space-between; text-align: center; margin-bottom: 4mm; }
.head div { width: 48%; }
.motto b { display: block; }
.motto u { text-decoration: none; border-bottom: 1px solid #000; }
h1 { font-size: 14pt; text-align: center; margin: 4mm 0 0; }
p.sub { text-align: center; margin: 0 0 4mm; font-style: italic; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
tr { break-inside: avoid; }
th, td { border: 1px solid #666; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; width: 34%; font-weight: bold; }
table.list th { width: auto; }
small, .en { color: #333; font-size: 9.5pt; font-weight: normal; }
.ok { color: #075e07; font-weight: bold; }
.bad { color: #a00000; font-weight: bold; }
.warn { color: #8a5a00; font-weight: bold; }
.demo { background: #fff1cc; border: 2px solid #c88a00; padding: 1.5mm 2mm; display: block;
        margin-top: 1mm; color: #6b4500; font-weight: bold; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
.sign { display: flex; justify-content: flex-end; margin-top: 10mm; break-inside: avoid; }
.sign div { width: 60%; text-align: center; }
.sign .space { height: 22mm; }
"""

_STATUS = {
    "valid": ("ok", "HỢP LỆ", "valid: intact and trusted"),
    "invalid": ("bad", "KHÔNG HỢP LỆ", "invalid"),
    "broken": ("bad", "CHỮ KÝ BỊ HỎNG", "broken signature"),
    "modified": ("bad", "TÀI LIỆU BỊ SỬA ĐỔI SAU KHI KÝ", "changed after signing"),
    "indeterminate": ("warn", "CHƯA XÁC ĐỊNH ĐƯỢC ĐỘ TIN CẬY", "indeterminate"),
    "bad-input": ("bad", "TỆP KHÔNG KIỂM TRA ĐƯỢC", "bad input"),
}

_LEVEL = {
    "B-B": "PAdES B-B — chữ ký cơ bản, chưa có bằng chứng thời gian",
    "B-T": "PAdES B-T — có dấu thời gian",
    "B-LT": "PAdES B-LT — có dấu thời gian và dữ liệu kiểm tra dài hạn",
    "B-LTA": "PAdES B-LTA — dài hạn, có dấu thời gian lưu trữ",
    None: "không phải chữ ký PAdES cơ sở (not a PAdES baseline signature)",
}

_KIND = {
    "dss": "bổ sung dữ liệu kiểm tra (DSS/VRI)",
    "document-timestamp": "dấu thời gian tài liệu (document time-stamp)",
    "signature": "chữ ký tiếp theo (further signature)",
    "form-filling": "điền biểu mẫu (form filling)",
    "annotations": "thêm chú thích (annotations)",
    "metadata": "cập nhật siêu dữ liệu (metadata)",
    "other-changes": "thay đổi nội dung khác (other changes)",
}

_REVOCATION = {
    "good": ("ok", "chưa bị thu hồi (OCSP/CRL: good)"),
    "revoked": ("bad", "ĐÃ BỊ THU HỒI (revoked)"),
    "unknown": ("warn", "không xác định được (revocation status unknown)"),
    "not-declared": ("warn", "chứng thư không khai báo nơi kiểm tra thu hồi (none declared)"),
}

_PERMISSIONS = {
    None: "chữ ký phê duyệt, không khóa tài liệu (approval signature, no DocMDP)",
    "no-changes": "không cho phép sửa đổi (DocMDP P=1)",
    "form-filling": "chỉ cho phép điền biểu mẫu và ký (DocMDP P=2)",
    "annotations": "cho phép điền biểu mẫu, ký và chú thích (DocMDP P=3)",
    "unreadable": "không đọc được quyền sửa đổi (DocMDP unreadable)",
}


@dataclass(frozen=True)
class ReportHeader:
    """The biên bản's own particulars; blanks are left to be filled in by hand."""

    number: str | None = None
    """Số biên bản; None → numbered from the time it was made."""
    place: str | None = None
    """Địa danh, e.g. "Gia Lai"."""
    auditor: str | None = None
    """Người kiểm tra."""
    organ: str | None = None
    """Cơ quan kiểm tra, printed top left as in any administrative paper."""
    when: datetime | None = None
    """Ngày lập; None → now."""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _span(css: str, text: str) -> str:
    return f'<span class="{css}">{_e(text)}</span>'


def _status(state: str) -> str:
    css, vi, en = _STATUS.get(state, ("warn", state, state))
    return f'<span class="{css}">{_e(vi)}</span> <small>({_e(en)})</small>'


def _rows(rows: list[tuple[str, str, str]]) -> str:
    return "".join(
        f"<tr><th>{_e(vi)}<br><small>{_e(en)}</small></th><td>{value}</td></tr>"
        for vi, en, value in rows
    )


def _cert(info: CertInfo | None) -> str:
    if info is None:
        return "— <small>(không có trong chữ ký)</small>"
    return (
        f"{_e(info.subject)}<br><small>cấp bởi (issuer) {_e(info.issuer)}; số hiệu (serial) "
        f"<code>{_e(info.serial)}</code>; hiệu lực (valid) {_e(info.not_before)} → "
        f"{_e(info.not_after)}</small>"
    )


def _anchor(anchor: TrustAnchor | None) -> str:
    if anchor is None:
        return _span("warn", "không chuỗi tới chứng thư gốc nào đã cấu hình") + (
            " <small>(no configured trust anchor)</small>"
        )
    return (
        f"{_e(anchor.subject)}<br><small>SHA-256 <code>{_e(anchor.fingerprint)}</code><br>"
        f"nguồn cấu hình (configured by): {_e(anchor.source)}</small>"
    )


def _ts(info: TimestampInfo | None) -> str:
    if info is None:
        return "không có <small>(no signature time-stamp)</small>"
    tsa = info.tsa.subject if info.tsa else "không rõ (unknown TSA)"
    if info.intact and info.trusted:
        state = _span("ok", "toàn vẹn, đơn vị cấp dấu thời gian tin cậy")
    elif info.intact:
        state = _span("warn", "toàn vẹn, chưa xác định độ tin cậy của đơn vị cấp (TSA)")
    else:
        state = _span("bad", "DẤU THỜI GIAN BỊ HỎNG (broken)")
    return f"{_e(info.time)} — {_e(tsa)} — {state}"


def _later(changes: Sequence[RevisionChange]) -> str:
    if not changes:
        return "không có <small>(none: the signature covers the whole file)</small>"
    lines = []
    for change in changes:
        what = "; ".join(_KIND.get(k, k) for k in change.kinds) or change.level
        verdict = (
            _span("ok", "được phép (allowed)")
            if change.allowed
            else _span("bad", "KHÔNG ĐƯỢC PHÉP (not allowed)")
        )
        reason = f"<br><small>{_e(change.reason)}</small>" if change.reason else ""
        lines.append(f"phiên bản {change.revision}: {_e(what)} — {verdict}{reason}")
    return "<br>".join(lines)


def _verdict_cell(sig: SignatureVerdict) -> str:
    cell = f"{_status(sig.status)}<br><small>{_e(sig.message)}</small>"
    if sig.demo:
        cell += (
            '<span class="demo">Chứng thư DEMO/thử nghiệm — không có giá trị pháp lý '
            "(DEMO or test identity: no legal value)</span>"
        )
    return cell


def _signature_table(index: int, sig: SignatureVerdict) -> str:
    coverage = {
        "entire-file": "toàn bộ tệp (the whole file)",
        "entire-revision": "toàn bộ phiên bản được ký; có cập nhật sau đó (later updates follow)",
    }.get(sig.coverage, "")
    if not coverage:
        coverage = _span("bad", "vùng ký bất thường (nonstandard ByteRange)")
    level = _e(_LEVEL.get(sig.level, sig.level))
    if sig.level_report.missing:
        level += (
            f"<br><small>chưa đạt mức cao hơn vì: {_e('; '.join(sig.level_report.missing))}</small>"
        )
    css, text = _REVOCATION.get(sig.revocation, ("warn", sig.revocation))
    rows = [
        ("Kết luận", "verdict", _verdict_cell(sig)),
        ("Người ký", "signer certificate", _cert(sig.signer)),
        ("Chứng thư gốc tin cậy", "trust anchor", _anchor(sig.anchor)),
        (
            "Tính toàn vẹn",
            "integrity: signed bytes and signature value",
            _span("ok", "nguyên vẹn (intact)")
            if sig.intact
            else _span("bad", "KHÔNG nguyên vẹn (broken)"),
        ),
        (
            "Thời điểm ký do người ký khai",
            "claimed signing time",
            _e(sig.signing_time_claimed or "—"),
        ),
        ("Dấu thời gian của chữ ký", "signature time-stamp, RFC 3161", _ts(sig.timestamp)),
        ("Tình trạng thu hồi chứng thư", "revocation, OCSP/CRL", _span(css, text)),
        ("Phạm vi ký", "coverage, ByteRange", coverage),
        ("Quyền sửa đổi", "permissions, DocMDP", _e(_PERMISSIONS.get(sig.permissions, "—"))),
        ("Các lần cập nhật sau khi ký", "incremental updates", _later(sig.later_revisions)),
        ("Mức chữ ký PAdES", "ETSI EN 319 142-1", level),
        ("Chỉ báo xác thực", "ETSI EN 319 102-1", _e(sig.ades_indication or "—")),
        ("Định dạng chữ ký", "SubFilter", f"<code>{_e(sig.subfilter or '—')}</code>"),
    ]
    return f"<h3>Chữ ký {index}: <code>{_e(sig.field_name)}</code></h3><table>{_rows(rows)}</table>"


def _timestamp_table(index: int, ts: TimestampVerdict) -> str:
    rows = [
        ("Kết luận", "verdict", f"{_status(ts.status)}<br><small>{_e(ts.message)}</small>"),
        ("Thời điểm", "time", _e(ts.timestamp.time)),
        ("Đơn vị cấp dấu thời gian", "time-stamp authority", _cert(ts.timestamp.tsa)),
        ("Chứng thư gốc tin cậy", "trust anchor", _anchor(ts.anchor)),
        ("Phạm vi", "coverage", _e(ts.coverage)),
    ]
    return (
        f"<h3>Dấu thời gian tài liệu {index}: <code>{_e(ts.field_name)}</code></h3>"
        f"<table>{_rows(rows)}</table>"
    )


def document_title(v: FileVerdict) -> str:
    """How a document is named: what it is when the archive knows, else its file name."""
    d = v.document
    if d is not None and (d.type_name or d.code):
        parts = [d.type_name or "Văn bản"]
        if d.code:
            parts.append(f"số {d.code}")
        if d.issued_date:
            parts.append(f"ngày {_vn_date(d.issued_date)}")
        if d.organ_name:
            parts.append(f"của {d.organ_name}")
        return " ".join(parts)
    return f"Tệp {v.file.name}"


def _vn_date(iso: str) -> str:
    try:
        y, m, d = iso[:10].split("-")
        return f"{d}/{m}/{y}"
    except ValueError:
        return iso


def _document_rows(v: FileVerdict) -> str:
    d = v.document
    rows: list[tuple[str, str, str]] = []
    if d is not None:
        rows += [
            ("Tên loại", "type", _e(d.type_name or "—")),
            ("Số, ký hiệu", "number/notation", _e(d.code or "—")),
            ("Ngày ban hành", "issued", _e(_vn_date(d.issued_date) if d.issued_date else "—")),
            ("Cơ quan ban hành", "issuing organ", _e(d.organ_name or "—")),
            ("Trích yếu", "subject", _e(d.subject or "—")),
            ("Mã tài liệu trong kho", "archive id", f"<code>{_e(d.document_id)}</code>"),
        ]
    rows += [
        ("Số trang", "pages", _e(v.pages if v.pages is not None else "—")),
        ("Mã băm SHA-256 của tệp", "SHA-256", f"<code>{_e(v.sha256 or '—')}</code>"),
        ("Tên tệp", "file", f"<code>{_e(v.file.name)}</code>"),
        ("Số phiên bản của tệp", "revisions", _e(v.revisions)),
        ("Kết luận chung", "verdict", _status(v.status)),
    ]
    return f"<table>{_rows(rows)}</table>"


def _anchors_used(verdicts: Sequence[FileVerdict]) -> str:
    seen: dict[bytes, TrustAnchor] = {}
    for v in verdicts:
        for anchor in v.trust:
            seen.setdefault(anchor.certificate.sha256, anchor)
    if not seen:
        return (
            '<p class="warn">Không có chứng thư gốc tin cậy nào được cấu hình (no trust anchor): '
            "không chữ ký nào có thể được xác nhận là tin cậy.</p>"
        )
    rows = "".join(
        f"<tr><td>{_e(a.subject)}"
        + (' <span class="warn">(DEMO/thử nghiệm)</span>' if a.demo else "")
        + f"</td><td><code>{_e(a.fingerprint)}</code></td><td>{_e(a.source)}</td></tr>"
        for a in seen.values()
    )
    return (
        '<table class="list"><tr><th>Chứng thư gốc <small>(anchor)</small></th>'
        "<th>SHA-256</th><th>Nguồn cấu hình <small>(configured by)</small></th></tr>"
        f"{rows}</table>"
    )


def render_html(
    verdicts: Sequence[FileVerdict],
    *,
    header: ReportHeader | None = None,
    generated_at: datetime | None = None,
) -> str:
    """A printable, self-contained HTML biên bản of `verdicts`."""
    header = header or ReportHeader()
    when = (header.when or generated_at or datetime.now(VIETNAM)).astimezone(VIETNAM)
    number = header.number or f"{when:%Y%m%d-%H%M%S}/BB-KTCKS"
    place = header.place or "……………"
    auditor = header.auditor or "……………………………"
    overall = exit_code_for(verdicts)
    summary = "".join(
        f"<tr><td>{i}</td><td>{_e(document_title(v))}<br><small><code>{_e(v.sha256 or '')}"
        f"</code></small></td><td>{_e(v.pages if v.pages is not None else '—')}</td>"
        f"<td>{_status(v.status)}"
        + (
            '<span class="demo">DEMO — không có giá trị pháp lý</span>'
            if any(s.demo for s in v.signatures)
            else ""
        )
        + f"</td><td>{_e(', '.join(sorted({s.level or '—' for s in v.signatures})) or '—')}"
        "</td></tr>"
        for i, v in enumerate(verdicts, 1)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>Biên bản kiểm tra chữ ký số {_e(number)}</title><style>{_CSS}</style></head><body>",
        '<div class="head"><div>',
        f"<b>{_e((header.organ or '').upper())}</b>",
        f"<p>Số: {_e(number)}</p></div>",
        '<div class="motto"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>',
        "<b><u>Độc lập - Tự do - Hạnh phúc</u></b>",
        f"<p><i>{_e(place)}, ngày {when:%d} tháng {when:%m} năm {when:%Y}</i></p></div></div>",
        "<h1>BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ</h1>",
        '<p class="sub">Signature verification report</p>',
        f"<p>Thời điểm kiểm tra <small>(validated at)</small>: {_e(vietnam_time(when))}. "
        f"Người kiểm tra <small>(auditor)</small>: {_e(auditor)}. "
        f"Công cụ <small>(tool)</small>: sohoa {_e(__version__)}. "
        f"Số tệp <small>(files)</small>: {len(verdicts)}; mã kết thúc <small>(exit code)</small>: "
        f"{int(overall)}.</p>",
        "<h2>1. Căn cứ tin cậy <small>(trust anchors)</small></h2>",
        "<p>Một chữ ký chỉ được coi là tin cậy khi chứng thư của người ký chuỗi tới một trong "
        "các chứng thư gốc dưới đây, do người kiểm tra cấu hình.</p>",
        _anchors_used(verdicts),
        "<h2>2. Tóm tắt <small>(summary)</small></h2>",
        '<table class="list"><tr><th>STT</th><th>Tài liệu <small>(document)</small></th>'
        "<th>Số trang</th><th>Kết luận</th><th>Mức PAdES</th></tr>",
        summary,
        "</table>",
        "<h2>3. Chi tiết <small>(details)</small></h2>",
    ]
    for i, v in enumerate(verdicts, 1):
        parts.append(f"<section><h2>3.{i}. {_e(document_title(v))}</h2>")
        parts.append(_document_rows(v))
        if v.error:
            parts.append(f'<p class="bad">{_e(v.error)}</p>')
        for j, sig in enumerate(v.signatures, 1):
            parts.append(_signature_table(j, sig))
        for j, ts in enumerate(v.document_timestamps, 1):
            parts.append(_timestamp_table(j, ts))
        parts.append("</section>")
    parts += [
        "<h2>4. Ghi chú <small>(notes)</small></h2>",
        "<p><small>Mã kết thúc (exit codes): 0 mọi chữ ký nguyên vẹn và tin cậy; 1 chữ ký hỏng "
        "hoặc tài liệu bị sửa đổi ngoài phạm vi cho phép; 2 nguyên vẹn nhưng chưa xác định được "
        "độ tin cậy hoặc tình trạng thu hồi; 3 tệp không kiểm tra được. Mức PAdES theo ETSI EN "
        "319 142-1, xác định từ cấu trúc tệp. Bản sao ký bằng chứng thư DEMO/thử nghiệm không có "
        "giá trị pháp lý (Nghị định 30/2020, Điều 25–26).</small></p>",
        '<div class="sign"><div><b>NGƯỜI KIỂM TRA</b><br><i>(Ký, ghi rõ họ tên)</i>',
        f'<div class="space"></div><b>{_e(header.auditor or "")}</b></div></div>',
        "</body></html>",
    ]
    return "\n".join(parts)
