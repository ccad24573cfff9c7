"""pytest fixtures for testing against an Event Streamer service.

Enable in your ``conftest.py`` with ``pytest_plugins = ["event_streamer_server.pytest_plugin"]``.

- ``event_streamer_url``: URL of a service for the whole session. Started locally (temporary
  database, free port, stopped by PID at the end), unless ``--event-streamer-url`` or the
  ``EVENT_STREAMER_TEST_URL`` environment variable names an existing deployment.
- ``event_streamer_service``: the local :class:`~event_streamer_server.testing.ServiceProcess`
  (skipped when the session points at an external URL).
- ``event_streamer_stack``: a :class:`~event_streamer_server.testing.LocalStack`: anvil and the
  service, chain registered. With ``--event-streamer-url`` and ``--event-streamer-rpc-url``
  (env ``EVENT_STREAMER_TEST_RPC_URL``) it uses that deployment and chain instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .testing import LocalStack, ServiceProcess, register_chain, start_local_stack, start_service

__all__ = ["event_streamer_service", "event_streamer_stack", "event_streamer_url"]

ENV_URL = "EVENT_STREAMER_TEST_URL"
ENV_RPC_URL = "EVENT_STREAMER_TEST_RPC_URL"
ENV_CHAIN_ID = "EVENT_STREAMER_TEST_CHAIN_ID"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--event-streamer-url",
        default=os.environ.get(ENV_URL),
        help=f"run against this service instead of starting one (env {ENV_URL})",
    )
    parser.addoption(
        "--event-streamer-rpc-url",
        default=os.environ.get(ENV_RPC_URL),
        help=f"the chain the external service reads (env {ENV_RPC_URL})",
    )


@pytest.fixture(scope="session")
def event_streamer_stack(request: pytest.FixtureRequest) -> Iterator[LocalStack]:
    external: str | None = request.config.getoption("--event-streamer-url")
    if external:
        rpc_url: str | None = request.config.getoption("--event-streamer-rpc-url")
        if not rpc_url:
            pytest.skip("--event-streamer-url needs --event-streamer-rpc-url for chain tests")
        chain_id = int(os.environ.get(ENV_CHAIN_ID, "31337"))
        register_chain(external, rpc_url, chain_id)
        yield LocalStack(external.rstrip("/"), rpc_url, chain_id)
        return
    stack = start_local_stack(heartbeat_interval=0.5)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def event_streamer_service(request: pytest.FixtureRequest) -> Iterator[ServiceProcess]:
    if request.config.getoption("--event-streamer-url"):
        pytest.skip("using an external Event Streamer service")
    handle = start_service()
    try:
        yield handle
    finally:
        handle.cleanup()


@pytest.fixture(scope="session")
def event_streamer_url(request: pytest.FixtureRequest) -> str:
    external: str | None = request.config.getoption("--event-streamer-url")
    if external:
        return external.rstrip("/")
    handle: ServiceProcess = request.getfixturevalue("event_streamer_service")
    return handle.url
