"""Short multi-instance soaks in every faults run (the 30-kill PostgreSQL one: make test-faults)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests._spec import ROOT

RUNS = {
    "sqlite": ["--kills", "4", "--seed", "7"],
    # PostgreSQL: an embedded server for the run, restarted once (fast shutdown) between kills.
    "postgresql": ["--embedded-postgres", "--kills", "4", "--pg-restarts", "1", "--seed", "11"],
}


@pytest.mark.parametrize("store", list(RUNS))
def test_short_multi_instance_soak_keeps_every_invariant(store: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cluster_soak.py"), "--instances", "3"]
        + RUNS[store],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert re.search(rf"^store\s+{store}$", proc.stdout, re.MULTILINE)
    for consumer in (0, 1):
        assert re.search(rf"^consumer {consumer}: events lost\s+0$", proc.stdout, re.MULTILINE)
        assert re.search(
            rf"^consumer {consumer}: batches redelivered after a durable ack\s+0$",
            proc.stdout,
            re.MULTILINE,
        )
    assert "OK: every invariant holds" in proc.stdout
