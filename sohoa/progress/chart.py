"""The chart of the quarterly report: the digitized rate against the target, over time.

Drawn with matplotlib as SVG whose text stays text (`svg.fonttype = none`):
the HTML embeds it inline, Chromium prints it into the PDF as vectors, and its
Vietnamese labels extract from the PDF like the rest of the report.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, timedelta

from sohoa.progress.targets import Milestone

#: Times New Roman as Nghị định 30/2020 asks; Liberation Serif has its metrics and the
#: Vietnamese letters on a Debian machine.
FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]
ACTUAL = "#1f4e9b"
TARGET = "#b22222"
FORECAST = "#1f4e9b"


def render_svg(
    actual: Sequence[tuple[date, float]],
    milestones: Sequence[Milestone],
    forecast: tuple[date, float, date] | None,
    *,
    until: date,
) -> str:
    """An SVG (text, not a file) of the rate against the target.

    `actual`: (day, percent) points; `forecast`: (from day, from percent, day 100 % is
    reached) at the recent pace, drawn dashed; `until`: the right end of the time axis.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "sohoa",  # the same figures give the same SVG
            "font.family": "serif",
            "font.serif": FONTS,
            "font.size": 10,
        }
    ):
        figure, axes = plt.subplots(figsize=(7.0, 3.6), dpi=100)
        try:
            _draw(axes, actual, milestones, forecast, until, mdates)
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # inline in HTML: no XML declaration or DOCTYPE
    # matplotlib's RDF block (creator, licence namespaces) is not the report's business.
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)


def _draw(axes, actual, milestones, forecast, until, mdates) -> None:  # type: ignore[no-untyped-def]
    start = actual[0][0] if actual else until - timedelta(days=365)
    steps = [m for m in milestones if m.day <= until]
    if steps:
        xs = [steps[0].day] + [m.day for m in steps] + [until]
        ys = [0.0] + [m.percent for m in steps] + [steps[-1].percent]
        axes.step(xs, ys, where="post", color=TARGET, linewidth=1.6, label="Chỉ tiêu theo kế hoạch")
        for m in steps:
            axes.annotate(
                f"{m.percent:g}%",
                (m.day, m.percent),
                textcoords="offset points",
                xytext=(2, 4),
                fontsize=8,
                color=TARGET,
            )
    if actual:
        axes.plot(
            [d for d, _ in actual],
            [r for _, r in actual],
            color=ACTUAL,
            linewidth=2.0,
            marker="o",
            markersize=2.5,
            label="Thực tế: đã số hóa, ký số, lưu trữ",
        )
        last_day, last_rate = actual[-1]
        axes.annotate(
            f"{last_rate:.1f}%".replace(".", ","),
            (last_day, last_rate),
            textcoords="offset points",
            xytext=(4, -12),
            fontsize=9,
            color=ACTUAL,
            fontweight="bold",
        )
    if forecast is not None:
        begin, rate, done = forecast
        end = min(done, until)
        if end > begin:
            share = (end - begin).days / max(1, (done - begin).days)
            axes.plot(
                [begin, end],
                [rate, rate + (100 - rate) * share],
                color=FORECAST,
                linestyle="--",
                linewidth=1.2,
                label="Dự báo theo tốc độ gần đây",
            )
    axes.set_xlim(start, until)
    axes.set_ylim(0, 105)
    axes.set_ylabel("Tỷ lệ (%)")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
