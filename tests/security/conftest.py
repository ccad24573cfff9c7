"""A service with keys (an admin, subscribers alice and bob) reading a scripted node."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from event_streamer_server.testing import ServiceProcess, start_service
from tests._fakenode import FakeNode
from tests.security._probe import KEYS_ENV, register_chain


@pytest.fixture
def secure(fake_node: FakeNode) -> Iterator[ServiceProcess]:
    handle = start_service(env=KEYS_ENV)
    try:
        response = register_chain(handle.url, fake_node.url)
        assert response.status_code == 201, response.text
        yield handle
    finally:
        handle.stop()
        handle.cleanup()
