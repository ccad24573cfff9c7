"""A short crash-restart soak in every test run (the 50/50 one is `make test-faults`)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests._spec import ROOT


def test_short_crash_restart_soak_keeps_every_invariant() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "faults.py"),
            "--service-kills",
            "4",
            "--consumer-kills",
            "4",
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert re.search(r"^events lost\s+0$", proc.stdout, re.MULTILINE)
    assert re.search(r"^batches redelivered after a durable ack\s+0$", proc.stdout, re.MULTILINE)
    assert "OK: every invariant holds" in proc.stdout
