"""Signing and verification throughput per PAdES level, on one core, with a local TSA.

    .venv/bin/python bench/bench_signing.py [--docs N]

Starts the test PKI of tests/pki (certomancer's animator on 127.0.0.1: TSA,
OCSP, CRLs), pins this process and its children to one CPU, and prints one
row per level: documents per second for `sohoa.signing.sign_pdf`, for
`verify_file` (offline, as an auditor runs it), and for pyHanko's own CLI
(`pyhanko sign addsig … pemder`, from the pyhanko-cli package) signing the
same files at the same level as the baseline. The CLI figure includes the
start of a Python interpreter per document, which is how that tool is used
from a shell loop.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from asn1crypto import pem  # noqa: E402

from sohoa.signing.sign import LEVELS, sign_pdf  # noqa: E402
from sohoa.signing.verify import verify_file  # noqa: E402
from tests.pki.fixtures import PkiHarness, make_pdfa, start_test_pki  # noqa: E402

AGENCY = "Sở Tài chính tỉnh Gia Lai"


def _pin_one_core() -> int:
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _cli_args(level: str, pki: PkiHarness, keys: dict[str, Path]) -> list[str]:
    args = ["sign", "addsig", "--field", "1/440,760,580,828/Sig1", "--use-pades"]
    if level != "B-B":
        args += ["--timestamp-url", pki.tsa_url()]
    if level in ("B-LT", "B-LTA"):
        args += ["--with-validation-info", "--trust", str(keys["root"]), "--trust-replace"]
    if level == "B-LTA":
        args += ["--use-pades-lta"]
    args += [
        "pemder",
        "--key",
        str(keys["key"]),
        "--cert",
        str(keys["cert"]),
        "--chain",
        str(keys["interm"]),
        "--chain",
        str(keys["root"]),
        "--no-pass",
    ]
    return args


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20, help="documents per level (default 20)")
    opts = parser.parse_args()
    logging.disable(logging.WARNING)  # werkzeug/pyHanko chatter would dominate the output
    cpu = _pin_one_core()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    pki = start_test_pki(work / "pki")
    try:
        sources = [make_pdfa(work / f"in-{i:03d}.pdf") for i in range(opts.docs)]
        identity = pki.identity()
        keys = {
            "key": work / "signer.key.pem",
            "cert": work / "signer.crt.pem",
            "interm": work / "interm.crt.pem",
            "root": work / "root.crt.pem",
        }
        keys["key"].write_bytes(pki.private_key_pem("signer"))
        for name, label in (("cert", "signer"), ("interm", "interm"), ("root", "root")):
            keys[name].write_bytes(pem.armor("CERTIFICATE", pki.cert(label).dump()))
        cli = shutil.which("pyhanko", path=str(Path(sys.executable).parent)) or shutil.which(
            "pyhanko"
        )

        print(f"sohoa signing benchmark: {opts.docs} one-page PDF/A files per level, CPU {cpu}")
        header = f"{'level':<6} {'sohoa sign/s':>13} {'verify/s':>10} {'pyhanko addsig/s':>17}"
        print(header)
        print("-" * len(header))
        for level in LEVELS:
            out_dir = work / level
            out_dir.mkdir()
            t0 = time.perf_counter()
            signed = []
            for i, src in enumerate(sources):
                dst = out_dir / f"sohoa-{i:03d}.pdf"
                sign_pdf(
                    src,
                    dst,
                    identity,
                    agency_name=AGENCY,
                    tsa_url=pki.tsa_url(),
                    level=level,
                    signing_time=pki.clock.tick(),
                )
                signed.append(dst)
            sign_s = time.perf_counter() - t0

            t0 = time.perf_counter()
            for path in signed:
                verify_file(path, trust_roots=[pki.root])
            verify_s = time.perf_counter() - t0

            cli_rate = "n/a (pip install pyhanko-cli)"
            if cli:
                t0 = time.perf_counter()
                ok = 0
                for i, src in enumerate(sources):
                    dst = out_dir / f"cli-{i:03d}.pdf"
                    done = subprocess.run(
                        [cli, *_cli_args(level, pki, keys), str(src), str(dst)],
                        capture_output=True,
                        check=False,
                    )
                    ok += done.returncode == 0
                cli_s = time.perf_counter() - t0
                cli_rate = f"{_rate(ok, cli_s):.2f}" if ok == len(sources) else f"failed ({ok} ok)"
            print(
                f"{level:<6} {_rate(len(signed), sign_s):>13.2f} "
                f"{_rate(len(signed), verify_s):>10.2f} {cli_rate:>17}"
            )
    finally:
        pki.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
