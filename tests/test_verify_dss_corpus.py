"""The EU DSS PAdES validation files (dev half in ../shared/dss-dev), verified in-process.

Each file comes with the exit class and level the DSS project's own tests
assert (manifest.json). The held-out half is scored independently with
`run.sh`; here the same rules: no crash (a verdict for every file, exit
0–3), no false accept, agreement on at least 90% of the decidable files and
no fewer files in agreement, exit and level, than reached less one. In-process,
the 70 files take about half a minute instead of the 40 s+ of one process
per file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from sohoa.errors import ExitCode
from sohoa.signing.verify import verify_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "dss-dev"

#: Reached on the dev half: 62 of 62 decidable files, 18 of 19 stated levels
#: (the one left: DSS's test trusts an issuing CA the file gives no status
#: for, see test_verify_levels); the floors leave one file of slack each.
AGREE_FLOOR = 61
LEVEL_FLOOR = 17

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CORPUS / "manifest.json").is_file(),
        reason=f"the DSS dev corpus is not here ({CORPUS}); it is third-party data kept "
        "beside the repository, not in it",
    ),
]


def test_dss_dev_corpus_no_crash_no_false_accept_90_percent() -> None:
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    rows = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    agree = decidable = level_agree = level_stated = 0
    false_accepts, crashes, disagreements, level_misses = [], [], [], []
    for row in rows:
        try:
            verdict = verify_file(CORPUS / "pdfs" / row["file"])
            code = int(verdict.exit_code)
        except Exception as exc:  # verify_file must never raise
            crashes.append(f"{row['file']}: {type(exc).__name__}: {exc}")
            continue
        if code not in (0, 1, 2, 3):
            crashes.append(f"{row['file']}: exit {code}")
        if row.get("acceptable_levels") is not None and verdict.signatures:
            level_stated += 1
            levels = sorted(str(s.level) if s.level else "null" for s in verdict.signatures)
            accepted_levels = [
                sorted(str(x) if x else "null" for x in a) for a in row["acceptable_levels"]
            ]
            if levels in accepted_levels:
                level_agree += 1
            else:
                level_misses.append(f"{row['file']}: {levels} not in {accepted_levels}")
        if row["expected_exit"] == "unclear":
            continue
        decidable += 1
        accepted = row.get("acceptable_exits") or [row["expected_exit"]]
        if code in accepted:
            agree += 1
        else:
            disagreements.append(f"{row['file']}: {code} not in {accepted}: {verdict.message}")
        if row["expected_exit"] == ExitCode.FAILED and code in (0, 2) and code not in accepted:
            false_accepts.append(row["file"])
    assert not crashes, crashes
    assert false_accepts == []
    assert agree >= 0.9 * decidable, (agree, decidable, disagreements)
    assert agree >= AGREE_FLOOR, (agree, decidable, disagreements)
    assert level_agree >= LEVEL_FLOOR, (level_agree, level_stated, level_misses)
