"""`make demo` end to end: it starts its own stack, or uses an existing one."""

from __future__ import annotations

import subprocess
import sys

from event_streamer_server.testing import LocalStack
from tests._spec import ROOT

DEMO = str(ROOT / "scripts" / "demo.py")


def run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, DEMO, "--duration", "2", "--rate", "1000", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_demo_starts_its_own_stack_and_matches() -> None:
    proc = run_demo()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: every emitted event was received" in proc.stdout
    assert "missing 0, duplicates 0" in proc.stdout
    assert "events/s" in proc.stdout  # the live progress line


def test_demo_against_an_existing_service(event_streamer_stack: LocalStack) -> None:
    proc = run_demo(
        "--service-url", event_streamer_stack.service_url, "--rpc-url", event_streamer_stack.rpc_url
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert event_streamer_stack.service_url in proc.stdout
