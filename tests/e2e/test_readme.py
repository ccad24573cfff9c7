"""Every ```python block of the README and of docs/*.md runs, as written, in a fresh interpreter.

Blocks are self-contained scripts. Blocks that talk to the service or the chain use
``http://localhost:8000`` and ``http://localhost:8545`` (what ``devstack`` listens on); the
harness points those at the test stack: addresses and ports are the only adaptation. Blocks
starting with ``# conftest.py`` or ``# test_*.py`` (and an ```ini block starting with
``# pytest.ini``) are written to a directory and run with pytest against the same stack.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from event_streamer_server.testing import LocalStack
from tests._spec import ROOT

README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_INI_BLOCK = re.compile(r"^```ini\n# pytest\.ini\n(.*?)^```", re.DOTALL | re.MULTILINE)
SERVICE_URL = "http://localhost:8000"
RPC_URL = "http://localhost:8545"
_FILE_BLOCK = re.compile(r"^# ((?:conftest|test_\w+)\.py)\n")
_SH_BLOCK = re.compile(r"^```sh\n(export EVENT_STREAMER_URL=.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks() -> list[tuple[str, str]]:
    """(``file:line``, code) of every python block in the README and docs/."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _BLOCK.finditer(text):
            where = f"{doc.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
            found.append((where, m.group(1)))
    return found


BLOCKS = python_blocks()
FILES = [(n, c) for n, c in BLOCKS if _FILE_BLOCK.match(c)]
SCRIPTS = [(n, c) for n, c in BLOCKS if not _FILE_BLOCK.match(c)]
OFFLINE = [(n, c) for n, c in SCRIPTS if SERVICE_URL not in c and RPC_URL not in c]
ONLINE = [(n, c) for n, c in SCRIPTS if (n, c) not in OFFLINE]


def _ids(blocks: list[tuple[str, str]]) -> list[str]:
    return [where for where, _ in blocks]


def run_script(line: str, code: str, cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=cwd,
    )
    assert proc.returncode == 0, f"{line} failed:\n{proc.stdout}\n{proc.stderr}"


def test_every_block_is_exercised() -> None:
    """No block escapes the harness (the drift check between README and tests)."""
    assert len(BLOCKS) == len(OFFLINE) + len(ONLINE) + len(FILES)
    assert len(ONLINE) >= 8
    assert len(FILES) == 2


@pytest.mark.parametrize(("line", "code"), OFFLINE, ids=_ids(OFFLINE))
def test_offline_block_runs(line: str, code: str, tmp_path: Path) -> None:
    run_script(line, code, tmp_path)


@pytest.mark.parametrize(("line", "code"), ONLINE, ids=_ids(ONLINE))
def test_online_block_runs_against_the_stack(
    line: str, code: str, event_streamer_stack: LocalStack, tmp_path: Path
) -> None:
    adapted = code.replace(SERVICE_URL, event_streamer_stack.service_url).replace(
        RPC_URL, event_streamer_stack.rpc_url
    )
    run_script(line, adapted, tmp_path)


def test_pytest_blocks_run_against_the_stack(
    event_streamer_stack: LocalStack, tmp_path: Path
) -> None:
    for _, code in FILES:
        name = _FILE_BLOCK.match(code)
        assert name is not None
        (tmp_path / name.group(1)).write_text(code)
    (ini,) = _INI_BLOCK.findall(README.read_text(encoding="utf-8"))  # the README's own config
    (tmp_path / "pytest.ini").write_text(ini)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--event-streamer-url={event_streamer_stack.service_url}",
            f"--event-streamer-rpc-url={event_streamer_stack.rpc_url}",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


SHELL = [
    (f"README.md:{README.read_text()[: m.start()].count(chr(10)) + 1}", m.group(1))
    for m in _SH_BLOCK.finditer(README.read_text())
]


@pytest.mark.parametrize(("line", "script"), SHELL, ids=_ids(SHELL))
async def test_shell_block_runs_against_the_stack(
    line: str, script: str, event_streamer_stack: LocalStack, tmp_path: Path
) -> None:
    from event_streamer_server.devchain import DevChain

    async with DevChain(event_streamer_stack.rpc_url) as chain:  # Transfers for `tail` to show
        emitter = await chain.deploy_emitter()
        await emitter.emit_many(0, 10)
    adapted = script.replace(SERVICE_URL, event_streamer_stack.service_url)
    adapted = adapted.replace(
        "event_streamer_server/_assets/", f"{ROOT}/event_streamer_server/_assets/"
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    proc = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-euo", "pipefail", "-c", adapted],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, f"{line} failed:\n{proc.stdout}\n{proc.stderr}"
    events = (tmp_path / "transfers.jsonl").read_text().splitlines()
    assert len(events) == 5
    assert all(json.loads(e)["event"] == "Transfer" for e in events)


def test_cli_section_is_exercised() -> None:
    assert len(SHELL) == 1
