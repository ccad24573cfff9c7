"""A short multi-instance soak in every test run (the 30-kill one is `make test-faults`)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests._spec import ROOT


def test_short_multi_instance_soak_keeps_every_invariant() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "cluster_soak.py"),
            "--instances",
            "3",
            "--kills",
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
    for consumer in (0, 1):
        assert re.search(rf"^consumer {consumer}: events lost\s+0$", proc.stdout, re.MULTILINE)
        assert re.search(
            rf"^consumer {consumer}: batches redelivered after a durable ack\s+0$",
            proc.stdout,
            re.MULTILINE,
        )
    assert "OK: every invariant holds" in proc.stdout
