"""The v0.4.0 README's ``except`` clauses and chain calls, against a scripted transport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from event_streamer import EventStreamer
from event_streamer.exceptions import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerSDKError,
    EventStreamerSubscriptionError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
)
from event_streamer.models import ChainConfigRequest, ChainConfigUpdate
from tests._spec import spec

URL = "http://es.test"


def _client(answer: Callable[[httpx.Request], httpx.Response]) -> EventStreamer:
    return EventStreamer(URL, "my-app", max_retries=0, transport=httpx.MockTransport(answer))


def _status(code: int, body: Any = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(code, json=body or {"error": "Boom"})


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("slow", request=request)


def _spec_clause(err: Exception) -> str:
    """Which clause of the README's first error-handling example catches ``err``."""
    try:
        raise err
    except EventStreamerValidationError:
        return "validation"
    except EventStreamerConnectionError:
        return "connection"
    except EventStreamerSubscriptionError:
        return "subscription"
    except EventStreamerTimeoutError:
        return "timeout"
    except EventStreamerAuthError:
        return "auth"


@pytest.mark.parametrize(
    ("answer", "clause"),
    [
        (_status(422, {"error": "Validation failed", "errors": []}), "validation"),
        (_status(404, {"error": "Chain not found"}), "connection"),
        (_status(500), "connection"),
        (_status(503), "connection"),
        (_status(429), "connection"),
        (_timeout, "timeout"),
        (_status(401), "auth"),
        (_status(403), "auth"),
    ],
)
async def test_the_readme_except_clauses_catch_what_they_expect(
    answer: Callable[[httpx.Request], httpx.Response], clause: str
) -> None:
    async with _client(answer) as client:
        with pytest.raises(EventStreamerSDKError) as info:
            await client.get_chain(999)
    assert _spec_clause(info.value) == clause


async def test_a_missing_chain_says_404_and_stays_precise() -> None:
    async with _client(_status(404, {"error": "Chain not found"})) as client:
        with pytest.raises(EventStreamerConnectionError, match="404") as info:
            await client.get_chain(999)
    assert isinstance(info.value, EventStreamerNotFoundError)
    assert info.value.status_code == 404


@pytest.mark.parametrize("code", [400, 401, 404, 405, 409, 422, 429, 500, 502])
async def test_every_http_error_message_carries_the_status_code(code: int) -> None:
    async with _client(_status(code)) as client:
        with pytest.raises(EventStreamerSDKError) as info:
            await client.get_chain_stats()
    assert str(code) in str(info.value)


async def test_create_chain_takes_config_and_update_chain_a_full_request() -> None:
    sent: list[tuple[str, Any]] = []
    response = spec()["components"]["schemas"]["ChainConfigResponse"]["example"]

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, json.loads(request.content)))
        return httpx.Response(201 if request.method == "POST" else 200, json=response)

    config = ChainConfigRequest(
        chain_id=137,
        name="Polygon",
        rpc_urls=["https://polygon-rpc.example"],
        average_block_time=2.0,
        max_blocks_per_request=100,
        confirmation_blocks=10,
    )
    async with _client(answer) as client:
        created = await client.create_chain(config=config)
        assert created.chain_id == 31337  # the scripted answer
        await client.update_chain(137, config)
        await client.update_chain(137, ChainConfigUpdate(confirmation_blocks=3))
        with pytest.raises(EventStreamerValidationError) as info:
            await client.update_chain(1, config)
    assert info.value.fields == ["config.chain_id"]
    assert sent[0] == ("POST", config.to_dict())
    assert sent[1] == (
        "PUT",
        {
            "name": "Polygon",
            "rpc_urls": ["https://polygon-rpc.example"],
            "average_block_time": 2.0,
            "max_blocks_per_request": 100,
            "confirmation_blocks": 10,
        },
    )
    assert sent[2] == ("PUT", {"confirmation_blocks": 3})


async def test_get_chain_reads_like_the_readme() -> None:
    chain = spec()["components"]["schemas"]["ChainConfig"]["example"]
    async with _client(lambda request: httpx.Response(200, json=chain)) as client:
        got = await client.get_chain(31337)
    assert (got.name, got.rpc_urls, got.average_block_time) == (
        "anvil",
        ["http://127.0.0.1:8545"],
        1.0,
    )


async def test_a_response_the_models_refuse_is_a_protocol_error() -> None:
    from event_streamer import EventStreamerProtocolError

    sub = spec()["components"]["schemas"]["SubscriptionResponse"]["example"]
    broken = {**sub, "event_signature": {**sub["event_signature"], "name": ""}}
    async with _client(lambda request: httpx.Response(200, json=broken)) as client:
        with pytest.raises(EventStreamerProtocolError, match="does not match the contract"):
            await client.get_subscription(1)
