"""Running the command lines as a user does: subprocesses, output read with deadlines."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

BIN = Path(sys.executable).parent  # the venv's console scripts


def cli_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "EVENT_STREAMER_URL": url,
        "EVENT_STREAMER_SUBSCRIBER": "cli-test",
        **extra,
    }


def run_cli(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "event_streamer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=cli_env(url),
    )


@contextmanager
def spawned_cli(url: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """`event-streamer ARGS` running with piped output; killed on the way out if still alive."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "event_streamer", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(url),
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Lines:
    """Lines of a child's pipe, read by a thread so the test can wait with a deadline."""

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next(self, within: float) -> str | None:
        """The next line, None at EOF; AssertionError after ``within`` seconds."""
        try:
            line = self._queue.get(timeout=within)
        except queue.Empty:
            raise AssertionError(f"no line within {within}s; so far: {self.seen[-5:]}") from None
        if line is not None:
            self.seen.append(line)
        return line

    def until(self, predicate: str, within: float) -> str:
        """Read until a line containing ``predicate`` (deadline per line)."""
        while True:
            line = self.next(within)
            if line is None:
                raise AssertionError(f"EOF before {predicate!r}; saw {self.seen[-5:]}")
            if predicate in line:
                return line

    def rest(self, within: float) -> list[str]:
        """Every remaining line up to EOF."""
        while self.next(within) is not None:
            pass
        return self.seen
