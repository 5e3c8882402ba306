"""The watcher's log: one line per event, for a person or (with --log-json) for a machine.

Under systemd the lines go to the journal (stderr). A JSON line carries `at`
(Vietnam time), `level`, `event` and the event's fields; a plain line says the
same in one sentence. Secrets never reach the log: nothing here sees them.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any, TextIO

from sohoa.vntime import now

#: Events that mean something went wrong (the rest are `info`).
WARNINGS = frozenset({"quarantined", "retry", "paused", "refused", "left"})
ERRORS = frozenset({"error"})


class WatchLog:
    """Writes event lines to `stream` (stderr by default)."""

    def __init__(self, *, as_json: bool = False, stream: TextIO | None = None) -> None:
        self.as_json = as_json
        self.stream = stream or sys.stderr

    def __call__(self, event: str, **fields: Any) -> None:
        level = "error" if event in ERRORS else "warning" if event in WARNINGS else "info"
        at = now().isoformat()
        if self.as_json:
            line = json.dumps(
                {"at": at, "level": level, "event": event, **_plain(fields)}, ensure_ascii=False
            )
        else:
            where = fields.pop("source", None)
            station = fields.pop("station", None)
            parts = [at, f"{event:<11}"]
            if station:
                parts.append(f"[{station}]")
            if where:
                parts.append(str(where))
            parts.extend(
                f"{key}={_text(value)}" for key, value in fields.items() if value is not None
            )
            line = " ".join(parts)
        # The reader went away (a closed pipe): the work goes on without the log.
        with contextlib.suppress(BrokenPipeError, ValueError):
            print(line, file=self.stream, flush=True)


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, str | int | float | bool | list | dict) else str(v))
            for k, v in fields.items() if v is not None}  # fmt: skip


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if " " in text else text
