"""Printable verification report for auditors (thanh tra, lưu trữ).

`render_html(verdicts)` returns one self-contained HTML page (inline CSS, no
script, no external resource) that prints cleanly on A4: a summary of every
file, then a table per signature and per document time-stamp. English text
with the Vietnamese domain terms an auditor files it under (biên bản kiểm tra
chữ ký số, bản sao điện tử, dấu thời gian). Every value comes from the
verdicts and is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from sohoa.signing.verify import (
    CertInfo,
    FileVerdict,
    SignatureVerdict,
    TimestampInfo,
    TimestampVerdict,
    exit_code_for,
)

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 11pt;
       color: #000; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm; border-bottom: 1px solid #000; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
p.meta { margin: 0 0 4mm; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; page-break-inside: avoid; }
th, td { border: 1px solid #777; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; width: 32%; font-weight: bold; }
table.summary th { width: auto; }
.ok { color: #075e07; font-weight: bold; }
.bad { color: #a00000; font-weight: bold; }
.warn { color: #8a5a00; font-weight: bold; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; word-break: break-all; }
section.file { page-break-inside: auto; }
footer { margin-top: 8mm; font-size: 9pt; color: #333; }
"""

_STATUS_TEXT = {
    "valid": ("ok", "VALID — hợp lệ"),
    "invalid": ("bad", "INVALID — không hợp lệ"),
    "broken": ("bad", "BROKEN — chữ ký bị phá vỡ"),
    "modified": ("bad", "CHANGED AFTER SIGNING — bị sửa đổi sau khi ký"),
    "indeterminate": ("warn", "INDETERMINATE — chưa xác định được độ tin cậy"),
    "bad-input": ("bad", "BAD INPUT — tệp không hợp lệ"),
}

_LEVEL_TEXT = {
    "B-B": "PAdES B-B (basic: no proof of time)",
    "B-T": "PAdES B-T (time-stamped)",
    "B-LT": "PAdES B-LT (long-term: validation data embedded)",
    "B-LTA": "PAdES B-LTA (long-term with archive time-stamp)",
    None: "not a PAdES baseline signature",
}


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _status(state: str) -> str:
    css, text = _STATUS_TEXT.get(state, ("warn", state))
    return f'<span class="{css}">{_e(text)}</span>'


def _yes(flag: bool, yes: str = "yes", no: str = "no") -> str:
    return f'<span class="ok">{_e(yes)}</span>' if flag else f'<span class="bad">{_e(no)}</span>'


def _cert(info: CertInfo | None) -> str:
    if info is None:
        return "—"
    return (
        f"{_e(info.subject)}<br>issued by {_e(info.issuer)}<br>"
        f"serial <code>{_e(info.serial)}</code>, valid {_e(info.not_before)} → {_e(info.not_after)}"
    )


def _ts(info: TimestampInfo | None) -> str:
    if info is None:
        return "none (no signature time-stamp)"
    tsa = info.tsa.subject if info.tsa else "unknown TSA"
    state = (
        "intact and trusted"
        if info.intact and info.trusted
        else ("intact, TSA not trusted" if info.intact else "BROKEN")
    )
    css = "ok" if info.intact and info.trusted else ("warn" if info.intact else "bad")
    return f'{_e(info.time)} — {_e(tsa)} — <span class="{css}">{_e(state)}</span>'


def _rows(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)


def _signature_table(index: int, sig: SignatureVerdict) -> str:
    if sig.coverage == "entire-file":
        coverage = "the whole file (toàn bộ tệp)"
    elif sig.coverage == "entire-revision":
        coverage = "its revision; later revisions were appended"
    else:
        coverage = '<span class="bad">not a contiguous revision: suspicious</span>'
    later = (
        "<br>".join(
            f"revision {r.revision}: {_e(', '.join(r.kinds) or 'nothing')} — "
            + _yes(r.allowed, "harmless (duy trì chữ ký)", "CHANGES THE DOCUMENT")
            for r in sig.later_revisions
        )
        or "none"
    )
    missing = "; ".join(sig.level_report.missing)
    level = _e(_LEVEL_TEXT.get(sig.level, sig.level))
    if missing:
        level += f"<br><small>next level not met: {_e(missing)}</small>"
    rows = [
        ("Verdict (kết luận)", f"{_status(sig.status)} — {_e(sig.message)}"),
        ("Signer (người ký)", _cert(sig.signer)),
        ("Signing time claimed (thời gian ký tự khai)", _e(sig.signing_time_claimed or "—")),
        ("Time-stamp (dấu thời gian)", _ts(sig.timestamp)),
        ("Integrity (toàn vẹn)", _yes(sig.intact, "intact", "BROKEN")),
        (
            "Chain to a trust root",
            _yes(sig.trusted, "trusted", "not established")
            + (f" ({_e(sig.trust_problem)})" if sig.trust_problem else ""),
        ),
        ("Revocation (thu hồi)", _e(sig.revocation)),
        ("Coverage (phạm vi ký)", coverage),
        ("Revisions added after signing", later),
        ("Modification level", _e(sig.modification_level or "—")),
        ("PAdES level met (mức PAdES)", level),
        ("ETSI EN 319 102-1 indication", _e(sig.ades_indication or "—")),
    ]
    return (
        f"<h3>Signature {index}: <code>{_e(sig.field_name)}</code></h3><table>{_rows(rows)}</table>"
    )


def _timestamp_table(index: int, ts: TimestampVerdict) -> str:
    rows = [
        ("Verdict", f"{_status(ts.status)} — {_e(ts.message)}"),
        ("Time (thời điểm)", _e(ts.timestamp.time)),
        ("Time-stamp authority", _cert(ts.timestamp.tsa)),
        ("Coverage", _e(ts.coverage)),
    ]
    return (
        f"<h3>Document time-stamp {index}: <code>{_e(ts.field_name)}</code></h3>"
        f"<table>{_rows(rows)}</table>"
    )


def render_html(
    verdicts: Sequence[FileVerdict],
    *,
    title: str = "Signature verification report — Biên bản kiểm tra chữ ký số",
    generated_at: datetime | None = None,
) -> str:
    """A printable, self-contained HTML report of `verdicts`."""
    when = (generated_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    overall = exit_code_for(verdicts)
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    summary_counts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no file"
    summary_rows = []
    for v in verdicts:
        levels = ", ".join(sorted({s.level or "not PAdES" for s in v.signatures})) or "—"
        summary_rows.append(
            f"<tr><td><code>{_e(v.file)}</code></td><td>{_status(v.status)}</td>"
            f"<td>{int(v.exit_code)}</td><td>{len(v.signatures)}</td><td>{_e(levels)}</td></tr>"
        )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Generated {_e(when.isoformat())} by sohoa · {len(verdicts)} file(s): '
        f"{_e(summary_counts)} · overall exit code {int(overall)}</p>",
        "<h2>Summary (tóm tắt)</h2>",
        '<table class="summary"><tr><th>File (tệp)</th><th>Verdict</th><th>Exit</th>'
        "<th>Signatures</th><th>PAdES level</th></tr>",
        *summary_rows,
        "</table>",
    ]
    for v in verdicts:
        parts.append(f'<section class="file"><h2>{_e(v.file)}</h2>')
        parts.append(
            f'<p class="meta">{_status(v.status)} · validated at {_e(v.validated_at)} · '
            f"{v.revisions} revision(s)</p>"
        )
        if v.error:
            parts.append(f'<p class="bad">{_e(v.error)}</p>')
        for i, sig in enumerate(v.signatures, 1):
            parts.append(_signature_table(i, sig))
        for i, ts in enumerate(v.document_timestamps, 1):
            parts.append(_timestamp_table(i, ts))
        parts.append("</section>")
    parts.append(
        "<footer>Exit codes: 0 every signature intact and trusted; 1 a signature broken or "
        "the file changed after signing; 2 integrity holds but trust or revocation cannot be "
        "established; 3 bad input. Levels per ETSI EN 319 142-1, determined from the file's "
        "structure. A copy signed with a DEMO identity has no legal value "
        "(Nghị định 30/2020, Điều 25–26).</footer>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)
