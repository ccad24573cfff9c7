"""Process helpers for benchmarks: start a server that writes a ready file, run a client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _pin(cpu: int) -> None:
    """Keep a benchmark process on one CPU: server and client on different cores in every run
    (left to the scheduler they sometimes share one, which swings figures by a third)."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {cpu})


def start_server(
    script: str, *args: str, timeout: float = 60.0
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    ready = Path(tempfile.mkdtemp(prefix="es-bench-")) / "ready.json"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / script), *args, str(ready)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: _pin(0),
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return proc, json.loads(ready.read_text())
        if proc.poll() is not None:
            raise RuntimeError(
                f"{script} exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError(f"{script} not ready after {timeout}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_client(python: str, script: Path, *args: str, timeout: float = 300.0) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [python, str(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
        preexec_fn=lambda: _pin(1),
    )
    if out.returncode != 0:
        raise RuntimeError(f"{script.name} {args} failed:\n{out.stdout}\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def sdk05_python() -> str:
    """The throwaway venv's interpreter with the published 0.5.0 client (scripts/sdk05_venv.py)."""
    script = str(ROOT / "scripts" / "sdk05_venv.py")
    return subprocess.check_output([sys.executable, script], text=True).strip()
