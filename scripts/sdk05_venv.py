"""Print the interpreter of a throwaway venv holding the published event-streamer-sdk 0.5.0.

The published client is a benchmark peer and a wire-compatibility witness, never a project
dependency: it lives in a cached venv under the temp dir, made on first use. Installs try uv's
cache first (``--offline``) so that a machine that ran it once works without the network.
Used by the benchmarks and the interop test as a command, so neither imports the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = "event-streamer-sdk==0.5.0"


def uv() -> str:
    return os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")


def pip_install(python: str, *requirements: str) -> None:
    """``uv pip install`` from the cache when it can, from the registry otherwise."""
    base = [uv(), "pip", "install", "--quiet", "--python", python, *requirements]
    cached = subprocess.run([*base, "--offline"], capture_output=True, check=False)
    if cached.returncode != 0:
        subprocess.run(base, check=True)


def sdk05_python() -> str:
    venv = Path(tempfile.gettempdir()) / "event-streamer-bench-sdk05"
    python = venv / "bin" / "python"
    if not (venv / ".ok").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([uv(), "venv", "--quiet", str(venv)], check=True)
        pip_install(str(python), REQUIREMENT)
        (venv / ".ok").touch()
    return str(python)


if __name__ == "__main__":
    sys.stdout.write(sdk05_python() + "\n")
