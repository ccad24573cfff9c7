"""Consumer memory: StreamingClient consuming 1,000,000 events stays small and flat.

Figures are counts (MB of resident memory), not ratios: peak RSS over the run (target
< 150 MB) and the second half's peak against the first half's (target: no more than +10%).
"""

from __future__ import annotations

import json
import subprocess
import sys

from ._procs import HERE, ROOT, start_server, stop
from ._table import Row


def run(quick: bool) -> list[Row]:
    n = 200_000 if quick else 1_000_000
    server, info = start_server("_stream_server.py", "10000", str(n // 10_000 + 1))
    try:
        out = subprocess.run(
            [sys.executable, str(HERE / "_stream_clients.py"), "memory", str(info["url"]), str(n)],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
    finally:
        stop(server)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    peak = max(figures["first_half_mb"], figures["second_half_mb"])
    return [
        Row(
            f"memory: consumer peak RSS over {n:,} events vs a 150 MB budget",
            peak,
            150.0,
            "MB",
            1.0,
            lower_is_better=True,
        ),
        Row(
            "memory: second-half peak RSS vs first-half peak (flat)",
            figures["second_half_mb"],
            figures["first_half_mb"],
            "MB",
            1.10,
            lower_is_better=True,
        ),
    ]
