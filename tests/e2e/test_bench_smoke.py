"""`make bench` keeps running: the quick decode benchmark prints its row and writes JSON.

Not a timed test: it checks the figures exist and are positive, never that they meet a target.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests._spec import ROOT


def test_quick_decode_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--quick",
            "--only",
            "decode",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "decode ERC-20 Transfer" in proc.stdout, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())["rows"]
    assert [r["unit"] for r in rows] == ["logs/s", "logs/s"]
    assert all(r["ours"] > 0 and r["baseline"] > 0 and r["ratio"] > 0 for r in rows)
