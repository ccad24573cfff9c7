"""Every ```python block of the README runs, as written, in a fresh interpreter.

Blocks are self-contained scripts; a block that talks to the service uses
``http://localhost:8000``, which the harness points at the local test stack.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ._spec import ROOT

README = ROOT / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
SERVICE_URL = "http://localhost:8000"


def python_blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in _BLOCK.finditer(text)]


BLOCKS = python_blocks()
OFFLINE = [(line, code) for line, code in BLOCKS if SERVICE_URL not in code]


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize(("line", "code"), OFFLINE, ids=[f"README.md:{n}" for n, _ in OFFLINE])
def test_offline_readme_block_runs(line: int, code: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, f"README.md:{line} failed:\n{proc.stdout}\n{proc.stderr}"
