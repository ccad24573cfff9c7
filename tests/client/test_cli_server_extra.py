"""Defect 10: without the `server` extra, the service's commands say in one line what to install.

The missing extra is simulated in a subprocess: a `sitecustomize` on PYTHONPATH puts a finder
first on `sys.meta_path` that refuses the blocked modules, as an environment without them would.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import event_streamer
from tests._cli import BIN

INSTALL = "pip install 'event-streamer-sdk[server]'"

SITECUSTOMIZE = """
import sys

BLOCKED = set({blocked!r})


class Refuse:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, Refuse)
"""


def run_without(
    blocked: list[str], argv: list[str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE.format(blocked=sorted(blocked)))
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": path},
        cwd=tmp_path,
    )


SERVER_COMMANDS = [
    [str(BIN / "event-streamer-server"), "--port", "0"],
    [str(BIN / "event-streamer-server"), "devstack", "--service-port", "0"],
    [sys.executable, "-m", "event_streamer_server", "--port", "0"],
    [sys.executable, "-m", "event_streamer_server.devstack"],
    [str(BIN / "event-streamer"), "server", "--port", "0"],
    [str(BIN / "event-streamer"), "devstack"],
]
SERVER_IDS = [
    "event-streamer-server",
    "event-streamer-server devstack",
    "python -m event_streamer_server",
    "python -m event_streamer_server.devstack",
    "event-streamer server",
    "event-streamer devstack",
]


@pytest.mark.parametrize("blocked", [["uvicorn"], ["starlette"], ["uvicorn", "starlette"]])
@pytest.mark.parametrize(
    "argv",
    SERVER_COMMANDS,
    ids=lambda a: " ".join(Path(a[0]).name for _ in [0]) + " " + " ".join(a[1:3]),
)
def test_service_commands_without_the_extra_fail_in_one_line(
    blocked: list[str], argv: list[str], tmp_path: Path
) -> None:
    proc = run_without(blocked, argv, tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert INSTALL in lines[0]
    assert "is not installed" in lines[0]


def test_service_help_works_without_the_extra(tmp_path: Path) -> None:
    proc = run_without(["uvicorn"], [str(BIN / "event-streamer-server"), "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "devstack" in proc.stdout


def test_sdk_cli_works_without_the_service_package(tmp_path: Path) -> None:
    """The SDK's commands never need `event_streamer_server`; its aliases fail in one line."""
    blocked = ["event_streamer_server", "uvicorn", "starlette"]
    sdk = [str(BIN / "event-streamer"), "abi", "topic0", "Transfer(address,address,uint256)"]
    topic = run_without(blocked, sdk, tmp_path)
    assert topic.returncode == 0, topic.stderr
    assert topic.stdout.startswith("0xddf252ad")
    alias = run_without(blocked, [str(BIN / "event-streamer"), "devstack"], tmp_path)
    assert alias.returncode == 1
    assert alias.stderr.strip().splitlines() == [
        f"error: event-streamer devstack needs the server extra "
        f"(event_streamer_server is not installed): {INSTALL}"
    ]


def test_the_sdk_has_no_import_of_the_service() -> None:
    root = Path(event_streamer.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.startswith("event_streamer_server")
            ]
    assert offenders == []
