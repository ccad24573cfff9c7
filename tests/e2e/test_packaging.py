"""The wheel installs cleanly; the SDK imports without the server extra."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests._spec import ROOT

pytestmark = pytest.mark.network


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        pytest.fail("uv not found: run `make setup`")
    return uv


def _run(*args: str, cwd: Path = ROOT) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(_uv(), "build", "--quiet", "--out-dir", str(out))
    return out


def _venv_with(tmp: Path, requirement: str) -> Path:
    venv = tmp / "venv"
    _run(_uv(), "venv", "--quiet", str(venv))
    python = venv / "bin" / "python"
    # uv's cache first, so that an offline `make test` after `make setup` passes.
    base = (_uv(), "pip", "install", "--quiet", "--python", str(python), requirement)
    cached = subprocess.run([*base, "--offline"], cwd=ROOT, capture_output=True, check=False)
    if cached.returncode != 0:
        _run(*base)
    return python


def test_wheel_and_sdist_are_built(dist: Path) -> None:
    assert len(list(dist.glob("evm_event_streamer-*.whl"))) == 1
    assert len(list(dist.glob("evm_event_streamer-*.tar.gz"))) == 1


def test_wheel_imports_without_server_extra(dist: Path, tmp_path: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    python = _venv_with(tmp_path, str(wheel))
    code = (
        "import importlib.util as u, event_streamer, event_streamer_api, pathlib;"
        "assert u.find_spec('starlette') is None, 'server deps leaked into the base install';"
        "assert (pathlib.Path(event_streamer.__file__).parent / 'py.typed').exists();"
        "import importlib.metadata as m;"
        "assert event_streamer.__version__ == m.version('evm-event-streamer');"
        "print('ok')"
    )
    assert _run(str(python), "-c", code, cwd=tmp_path).strip() == "ok"


def test_server_extra_brings_service_dependencies(dist: Path, tmp_path: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    python = _venv_with(tmp_path, f"evm-event-streamer[server] @ {wheel.as_uri()}")
    code = (
        "import starlette, uvicorn, event_streamer_server;"
        "from event_streamer_server._contract import spec_resource, operations;"
        "from event_streamer_server.devchain import emitter_artifact;"
        "assert 'site-packages' in str(spec_resource()), spec_resource();"
        "assert len(operations()) == 27;"
        "assert emitter_artifact()['contractName'] == 'Emitter';"
        "from event_streamer_server._presets import find_preset;"
        "assert find_preset('base').chain_id == 8453;"
        "print('ok')"
    )
    assert _run(str(python), "-c", code, cwd=tmp_path).strip() == "ok"
