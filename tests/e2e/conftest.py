"""End-to-end fixtures shared by modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from event_streamer_server.testing import LocalStack, start_local_stack


@pytest.fixture(scope="module")
def own_stack() -> Iterator[LocalStack]:
    """A stack of the module's own, for tests that rewire its chain's RPC URLs or reorganise
    its history (the session's shared stack stays untouched)."""
    stack = start_local_stack(heartbeat_interval=0.5)
    try:
        yield stack
    finally:
        stack.stop()
