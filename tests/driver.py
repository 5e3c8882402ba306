"""Run the sohoa CLI in this process with parts replaced, for crash and full-disk tests.

    python -m tests.driver [--crash module:attr]... [--set module:attr=int]... -- ARGS...

`--crash` replaces a function (or method, `module:Class.method`) by a SIGKILL of
this very process: the crash happens exactly there, as a power cut would.
`--set` changes a module constant (e.g. the free-space floor of the preflight).
`--replace module:attr=module:attr` puts a function of the tests in the place of
one of the product (e.g. a file another program holds for a while).
The product has no test hooks; everything is patched from outside.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys


def _resolve(target: str) -> tuple[object, str]:
    module_name, _, path = target.partition(":")
    owner: object = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, name


def _crash(*_args: object, **_kwargs: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> None:
    split = argv.index("--")
    options, args = argv[:split], argv[split + 1 :]
    for flag, value in zip(options[::2], options[1::2], strict=True):
        if flag == "--crash":
            owner, name = _resolve(value)
            setattr(owner, name, _crash)
        elif flag == "--replace":
            target, _, replacement = value.partition("=")
            owner, name = _resolve(target)
            source, attribute = _resolve(replacement)
            setattr(owner, name, getattr(source, attribute))
        elif flag == "--set":
            target, _, number = value.partition("=")
            owner, name = _resolve(target)
            setattr(owner, name, int(number))
        else:
            raise SystemExit(f"unknown option {flag}")
    from sohoa.cli import main as sohoa_main

    sys.argv = ["sohoa", *args]
    sohoa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
