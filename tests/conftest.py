"""Shared fixtures: the local service (via the shipped pytest plugin) and fake nodes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._fakenode import FakeNode

pytest_plugins = ["event_streamer_server.pytest_plugin"]


@pytest.fixture
def fake_node() -> Iterator[FakeNode]:
    node = FakeNode(chain_id=31337)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def node_factory() -> Iterator[type[FakeNode]]:
    started: list[FakeNode] = []

    class Factory(FakeNode):
        def __init__(self, chain_id: int = 31337) -> None:
            super().__init__(chain_id)
            started.append(self)

    try:
        yield Factory
    finally:
        for node in started:
            node.stop()
