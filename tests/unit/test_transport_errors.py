"""Transport failures map to the documented classes, whatever the transport calls them."""

from __future__ import annotations

import httpx

from event_streamer._errors import transport_error
from event_streamer.exceptions import EventStreamerConnectionError, EventStreamerTimeoutError


def test_a_refused_connection_is_a_connection_error_even_when_reported_as_a_timeout() -> None:
    # httpx-aiohttp maps aiohttp's connector errors (a refusal included) to ConnectTimeout.
    err = httpx.ConnectTimeout("Cannot connect to host")
    err.__cause__ = OSError("connector", ConnectionRefusedError(111, "Connect call failed"))
    mapped = transport_error(err, "GET", "http://127.0.0.1:1/x")
    assert isinstance(mapped, EventStreamerConnectionError)
    assert "connection refused" in str(mapped)


def test_a_real_timeout_stays_a_timeout() -> None:
    mapped = transport_error(httpx.ReadTimeout("slow"), "GET", "http://127.0.0.1:1/x")
    assert isinstance(mapped, EventStreamerTimeoutError)
    assert not isinstance(mapped, EventStreamerConnectionError)
