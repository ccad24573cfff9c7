"""pytest fixtures for testing against an Event Streamer service.

Enable in your ``conftest.py`` with ``pytest_plugins = ["event_streamer_server.pytest_plugin"]``.

- ``event_streamer_url``: URL of a service for the whole session. Started locally (temporary
  database, free port, stopped by PID at the end), unless ``--event-streamer-url`` or the
  ``EVENT_STREAMER_TEST_URL`` environment variable names an existing deployment.
- ``event_streamer_service``: the local :class:`~event_streamer_server.testing.ServiceProcess`
  (skipped when the session points at an external URL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .testing import ServiceProcess, start_service

__all__ = ["event_streamer_service", "event_streamer_url"]

ENV_URL = "EVENT_STREAMER_TEST_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--event-streamer-url",
        default=os.environ.get(ENV_URL),
        help=f"run against this service instead of starting one (env {ENV_URL})",
    )


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
