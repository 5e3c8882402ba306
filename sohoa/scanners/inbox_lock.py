"""One watcher per inbox: an exclusive lock on a hidden file of the inbox.

Two watchers on one inbox would take the same file twice. The lock is an
`flock` on `INBOX/.sohoa-watch.lock`, held for the watcher's life and released
by the kernel when it dies (no stale lock after a crash); the file holds the
holder's pid and start time, so that the second watcher and `sohoa status` can
say who holds it. The file is hidden: the watcher never takes it as a scan.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from sohoa.errors import DiskError, UsageError, disk_error
from sohoa.vntime import now

LOCK_NAME = ".sohoa-watch.lock"
#: A `sohoa status` probing the lock holds it for an instant: a starting watcher
#: tries again for this long before calling the inbox taken.
RETRY_SECONDS = 1.0


class InboxLock:
    """The lock of one inbox, taken on creation (UsageError naming the holder if taken)."""

    def __init__(self, inbox: Path) -> None:
        self.path = Path(inbox) / LOCK_NAME
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise disk_error(exc, self.path) or DiskError(
                f"{self.path}: cannot create the inbox lock: {exc.strerror or exc}"
            ) from None
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                holder = describe(read_holder(self.path))
                os.close(self.fd)
                raise UsageError(
                    f"{inbox}: another sohoa watch is watching this inbox ({holder})",
                    hint="one watcher per inbox: stop the other one first, or watch another folder",
                ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now().isoformat()}
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, (json.dumps(info) + "\n").encode(), 0)

    def release(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing releases the flock
            self.fd = -1


def read_holder(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "its process is starting"
    return f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"


def holder_of(inbox: Path) -> dict[str, Any] | None:
    """Who watches `inbox` now (pid, host, since), or None when nobody does."""
    path = Path(inbox) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return read_holder(path) or {"pid": None}
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
