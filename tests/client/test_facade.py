"""EventStreamer facade against pytest-httpx: request shapes, parsing, errors, retries."""

from __future__ import annotations

import json
import types
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

import event_streamer
from event_streamer import (
    EventStreamer,
    EventStreamerAuthError,
    EventStreamerClosedError,
    EventStreamerConflictError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerRateLimitError,
    EventStreamerSDKError,
    EventStreamerServerError,
    EventStreamerSubscriptionError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
    InvalidResumeTokenError,
    SubscriptionNotFoundError,
    _retry,
    event_topic0,
)
from event_streamer.models import (
    ChainConfigRequest,
    ChainConfigUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from event_streamer.models.abi import ABIEvent, ABIInput
from tests._spec import spec

URL = "http://es.test"
TRANSFER = ABIEvent(
    type="event",
    name="Transfer",
    inputs=[
        ABIInput(name="from", type="address", indexed=True),
        ABIInput(name="to", type="address", indexed=True),
        ABIInput(name="value", type="uint256", indexed=False),
    ],
)
TOPIC0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
ADDR = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def example(schema: str) -> dict[str, Any]:
    value: dict[str, Any] = spec()["components"]["schemas"][schema]["example"]
    return value


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry waits instead of sleeping."""
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr(_retry, "_sleep", fake_sleep)
    return recorded


@pytest.fixture
async def client(sleeps: list[float]) -> Any:
    async with EventStreamer(URL, "my-app") as c:
        yield c


def new_subscription(**overrides: Any) -> SubscriptionCreate:
    fields: dict[str, Any] = {
        "topic0": TOPIC0,
        "event_signature": TRANSFER,
        "addresses": [ADDR],
        "start_block": 10,
        "chain_id": 31337,
    }
    fields.update(overrides)
    return SubscriptionCreate(**fields)


Call = Callable[[EventStreamer], Awaitable[Any]]
CASES: list[tuple[str, Call, str, str, dict[str, str], Any, int, str, str]] = [
    # id, call, method, path, query, json body, status, response example, result type
    (
        "get_health",
        lambda c: c.get_health(),
        "GET",
        "/health",
        {},
        None,
        200,
        "HealthResponse",
        "HealthResponse",
    ),
    (
        "create_subscription",
        lambda c: c.create_subscription(new_subscription()),
        "POST",
        "/subscriptions",
        {},
        {
            "topic0": TOPIC0,
            "event_signature": TRANSFER.to_dict(),
            "addresses": [ADDR],
            "start_block": 10,
            "chain_id": 31337,
            "subscriber_id": "my-app",
        },
        201,
        "SubscriptionResponse",
        "SubscriptionResponse",
    ),
    (
        "list_subscriptions",
        lambda c: c.list_subscriptions(page=2, page_size=50),
        "GET",
        "/subscriptions",
        {"page": "2", "page_size": "50", "subscriber_id": "my-app"},
        None,
        200,
        "SubscriptionListResponse",
        "SubscriptionListResponse",
    ),
    (
        "list_all_subscriptions",
        lambda c: c.list_subscriptions(all_subscribers=True),
        "GET",
        "/subscriptions",
        {"page": "1", "page_size": "20"},
        None,
        200,
        "SubscriptionListResponse",
        "SubscriptionListResponse",
    ),
    (
        "get_subscription",
        lambda c: c.get_subscription(7),
        "GET",
        "/subscriptions/7",
        {},
        None,
        200,
        "SubscriptionResponse",
        "SubscriptionResponse",
    ),
    (
        "update_subscription",
        lambda c: c.update_subscription(7, SubscriptionUpdate(end_block=99)),
        "PUT",
        "/subscriptions/7",
        {},
        {"end_block": 99},
        200,
        "SubscriptionResponse",
        "SubscriptionResponse",
    ),
    (
        "delete_subscription",
        lambda c: c.delete_subscription(7),
        "DELETE",
        "/subscriptions/7",
        {},
        None,
        200,
        "DeleteResponse",
        "bool",
    ),
    (
        "last_processed_block",
        lambda c: c.get_subscription_last_processed_block(7, 31337),
        "GET",
        "/subscriptions/7/last-processed-block",
        {"chain_id": "31337"},
        None,
        200,
        "LastProcessedBlockResponse",
        "LastProcessedBlockResponse",
    ),
    (
        "processing_status",
        lambda c: c.get_processing_status(7),
        "GET",
        "/subscriptions/7/processing-status",
        {},
        None,
        200,
        "ProcessingStatusResponse",
        "ProcessingStatusResponse",
    ),
    (
        "breaker_status",
        lambda c: c.get_circuit_breaker_status(),
        "GET",
        "/api/circuit-breakers/status",
        {},
        None,
        200,
        "CircuitBreakerStatusResponse",
        "CircuitBreakerStatusResponse",
    ),
    (
        "breaker_health",
        lambda c: c.get_circuit_breaker_health(),
        "GET",
        "/api/circuit-breakers/health",
        {},
        None,
        200,
        "CircuitBreakerHealthResponse",
        "CircuitBreakerHealthResponse",
    ),
    (
        "breaker_metrics",
        lambda c: c.get_circuit_breaker_metrics("rpc:31337:0"),
        "GET",
        "/api/circuit-breakers/rpc:31337:0/metrics",
        {},
        None,
        200,
        "CircuitBreakerMetrics",
        "CircuitBreakerMetrics",
    ),
    (
        "breaker_reset_all",
        lambda c: c.reset_all_circuit_breakers(),
        "POST",
        "/api/circuit-breakers/reset",
        {},
        None,
        200,
        "CircuitBreakerResetResponse",
        "CircuitBreakerResetResponse",
    ),
    (
        "breaker_reset_one",
        lambda c: c.reset_circuit_breaker("rpc:31337:0"),
        "POST",
        "/api/circuit-breakers/rpc:31337:0/reset",
        {},
        None,
        200,
        "CircuitBreakerResetResponse",
        "CircuitBreakerResetResponse",
    ),
    (
        "breaker_config",
        lambda c: c.get_circuit_breaker_config(),
        "GET",
        "/api/circuit-breakers/config",
        {},
        None,
        200,
        "CircuitBreakerConfigResponse",
        "CircuitBreakerConfigResponse",
    ),
    (
        "all_chains",
        lambda c: c.get_all_chains(),
        "GET",
        "/api/chains",
        {},
        None,
        200,
        "ChainListResponse",
        "ChainListResponse",
    ),
    (
        "chain_stats",
        lambda c: c.get_chain_stats(),
        "GET",
        "/api/chains/stats",
        {},
        None,
        200,
        "ChainStatsResponse",
        "ChainStatsResponse",
    ),
    (
        "get_chain",
        lambda c: c.get_chain(31337),
        "GET",
        "/api/chains/31337",
        {},
        None,
        200,
        "ChainConfig",
        "ChainConfig",
    ),
    (
        "create_chain",
        lambda c: c.create_chain(ChainConfigRequest(chain_id=5, name="g", rpc_urls=["http://n"])),
        "POST",
        "/api/chains",
        {},
        {
            "chain_id": 5,
            "name": "g",
            "rpc_urls": ["http://n"],
            "average_block_time": 12.0,
            "max_blocks_per_request": 2000,
            "confirmation_blocks": 12,
        },
        201,
        "ChainConfigResponse",
        "ChainConfigResponse",
    ),
    (
        "update_chain",
        lambda c: c.update_chain(5, ChainConfigUpdate(confirmation_blocks=3)),
        "PUT",
        "/api/chains/5",
        {},
        {"confirmation_blocks": 3},
        200,
        "ChainConfigResponse",
        "ChainConfigResponse",
    ),
    (
        "delete_chain",
        lambda c: c.delete_chain(5),
        "DELETE",
        "/api/chains/5",
        {},
        None,
        200,
        "ChainConfigResponse",
        "ChainConfigResponse",
    ),
    (
        "create_chain_preset",
        lambda c: c.create_chain(preset="base", rpc_urls=["http://n"], finality="finalized"),
        "POST",
        "/api/chains",
        {},
        {"preset": "base", "rpc_urls": ["http://n"], "finality": "finalized"},
        201,
        "ChainConfigResponse",
        "ChainConfigResponse",
    ),
    (
        "list_chain_presets",
        lambda c: c.list_chain_presets(),
        "GET",
        "/api/chains/presets",
        {},
        None,
        200,
        "ChainPresetListResponse",
        "ChainPresetListResponse",
    ),
    (
        "get_metrics",  # text/plain: the facade returns the body's text as is
        lambda c: c.get_metrics(),
        "GET",
        "/metrics",
        {},
        None,
        200,
        "HealthResponse",
        "str",
    ),
    (
        "refresh_chains",
        lambda c: c.refresh_chains(),
        "POST",
        "/api/chains/refresh",
        {},
        None,
        200,
        "ChainRefreshResponse",
        "ChainRefreshResponse",
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body", "status", "response", "result"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
async def test_every_method_matches_the_contract(
    client: EventStreamer,
    httpx_mock: HTTPXMock,
    call: Call,
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
    status: int,
    response: str,
    result: str,
) -> None:
    httpx_mock.add_response(status_code=status, json=example(response))
    out = await call(client)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.method == method
    assert request.url.path == path
    assert dict(request.url.params) == query
    if body is None:
        assert request.content in (b"", b"null")
    else:
        assert json.loads(request.content) == body
    if result == "bool":
        assert out is True
    else:
        assert type(out).__name__ == result


def test_every_generated_operation_has_a_facade_method() -> None:
    from event_streamer._contract import STREAMING_OPERATIONS
    from tests._spec import operations

    tested = {c[3] for c in CASES}
    for op_id, (_, path, _) in operations().items():
        if op_id in STREAMING_OPERATIONS or "/stream" in path:
            continue  # the streaming client's endpoints (acks, heartbeats)
        concrete = path.replace("{subscription_id}", "7").replace("{chain_id}", "31337")
        concrete = concrete.replace("{name}", "rpc:31337:0")
        assert concrete in tested or concrete.replace("31337", "5") in tested, op_id


# -- status -> exception ------------------------------------------------------------------------
ERROR_BODY = {"error": "Boom", "detail": "it broke", "timestamp": "2026-11-27T10:30:00Z"}


@pytest.mark.parametrize(
    ("status", "body", "exc", "extra"),
    [
        (400, ERROR_BODY, EventStreamerValidationError, {}),
        (400, {**ERROR_BODY, "error_code": "INVALID_RESUME_TOKEN"}, InvalidResumeTokenError, {}),
        (401, ERROR_BODY, EventStreamerAuthError, {}),
        (403, ERROR_BODY, EventStreamerAuthError, {}),
        (404, ERROR_BODY, SubscriptionNotFoundError, {}),
        (409, ERROR_BODY, EventStreamerConflictError, {}),
        (413, ERROR_BODY, EventStreamerValidationError, {}),
        (
            422,
            example("ValidationErrorResponse"),
            EventStreamerValidationError,
            {"fields": ["query.page_size"]},
        ),
        (429, ERROR_BODY, EventStreamerRateLimitError, {"retry_after": None}),
        (500, ERROR_BODY, EventStreamerServerError, {}),
        (418, ERROR_BODY, EventStreamerSDKError, {}),
    ],
)
async def test_status_maps_to_exception(
    client: EventStreamer,
    httpx_mock: HTTPXMock,
    status: int,
    body: dict[str, Any],
    exc: type[Exception],
    extra: dict[str, Any],
) -> None:
    # 429 is retried (max_retries=2), so the same answer serves every attempt.
    httpx_mock.add_response(
        status_code=status, json=body, headers={"X-Request-Id": "req-1"}, is_reusable=True
    )
    with pytest.raises(exc) as info:
        await client.get_subscription(7)
    err = info.value
    assert isinstance(err, EventStreamerSDKError)
    assert err.status_code == status
    assert err.body == body
    assert err.method == "GET"
    assert err.url == f"{URL}/subscriptions/7"
    assert err.request_id == "req-1"
    assert body["error"] in str(err)
    for name, value in extra.items():
        assert getattr(err, name) == value


async def test_404_on_a_subscription_is_both_subscription_and_not_found(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=404, json=ERROR_BODY)
    with pytest.raises(EventStreamerSubscriptionError) as info:
        await client.delete_subscription(1)
    assert isinstance(info.value, EventStreamerNotFoundError)


async def test_404_on_a_chain_is_not_a_subscription_error(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=404, json=ERROR_BODY)
    with pytest.raises(EventStreamerNotFoundError) as info:
        await client.get_chain(999)
    assert not isinstance(info.value, EventStreamerSubscriptionError)


async def test_2xx_body_that_breaks_the_contract_is_a_protocol_error(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=200, json={"unexpected": True})
    with pytest.raises(event_streamer.EventStreamerProtocolError, match="does not match"):
        await client.get_subscription(7)


# -- retries --------------------------------------------------------------------------------------
async def test_retries_503_then_succeeds(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=503, json=ERROR_BODY)
    httpx_mock.add_response(status_code=502, json=ERROR_BODY)
    httpx_mock.add_response(status_code=200, json=example("HealthResponse"))
    assert (await client.get_health()).status == "healthy"
    assert len(httpx_mock.get_requests()) == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= 8 for s in sleeps)


async def test_gives_up_after_max_retries(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_response(status_code=504, json=ERROR_BODY)
    with pytest.raises(EventStreamerServerError):
        await client.get_health()
    assert len(httpx_mock.get_requests()) == 3  # 1 + max_retries (2)


@pytest.mark.parametrize("retry_after", ["3", "HTTP-DATE"])
async def test_429_honours_retry_after(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float], retry_after: str
) -> None:
    if retry_after == "HTTP-DATE":
        retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    httpx_mock.add_response(status_code=429, json=ERROR_BODY, headers={"Retry-After": retry_after})
    httpx_mock.add_response(status_code=200, json=example("HealthResponse"))
    await client.get_health()
    assert len(sleeps) == 1
    assert sleeps[0] >= (3 if retry_after == "3" else 3.5)  # HTTP-date: ~5 s, second precision


async def test_retry_after_past_the_cap_is_surfaced_not_waited(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=429, json=ERROR_BODY, headers={"Retry-After": "3600"})
    with pytest.raises(EventStreamerRateLimitError) as info:
        await client.get_health()
    assert info.value.retry_after == 3600
    assert sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_never_retried(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float], status: int
) -> None:
    httpx_mock.add_response(status_code=status, json=ERROR_BODY)
    with pytest.raises(EventStreamerSDKError):
        await client.get_subscription(7)
    assert len(httpx_mock.get_requests()) == 1
    assert sleeps == []


async def test_non_idempotent_post_is_not_retried(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=503, json=ERROR_BODY)
    with pytest.raises(EventStreamerServerError):
        await client.create_subscription(new_subscription())
    assert len(httpx_mock.get_requests()) == 1


async def test_idempotent_post_is_retried(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=502, json=ERROR_BODY)
    httpx_mock.add_response(json=example("CircuitBreakerResetResponse"))
    assert (await client.reset_all_circuit_breakers()).reset_count == 2
    assert len(sleeps) == 1


async def test_connection_errors_are_retried_then_raised_chained(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("refused"))
    with pytest.raises(EventStreamerConnectionError) as info:
        await client.get_chain(1)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert info.value.method == "GET"
    assert len(sleeps) == 2


async def test_timeouts_raise_timeout_error(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    with pytest.raises(EventStreamerTimeoutError) as info:
        await client.get_health()
    # Not a connection error: the v0.4 docs catch it in a clause *after* the connection clause.
    assert not isinstance(info.value, EventStreamerConnectionError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


async def test_health_check_is_false_when_unreachable(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("refused"))
    assert await client.health_check() is False


async def test_health_check_is_true_when_healthy(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=example("HealthResponse"))
    assert await client.health_check() is True


# -- headers, auth, timeouts -----------------------------------------------------------------
async def test_api_key_headers_and_timeout(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=example("HealthResponse"))
    async with EventStreamer(
        URL, "me", api_key="s3cret", headers={"X-Team": "t1"}, timeout=4.5
    ) as client:
        await client.get_health()
        assert client.http_client.timeout == httpx.Timeout(4.5)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert request.headers["X-Team"] == "t1"
    assert request.headers["User-Agent"].startswith("event-streamer-sdk/")


async def test_low_level_calls_share_the_client(
    client: EventStreamer, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    from event_streamer_api.api.health import get_health

    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json=example("HealthResponse"))
    response = await get_health.asyncio_detailed(client=client.api)
    assert response.status_code == 200
    assert len(sleeps) == 1  # the retry transport sits under raw calls too


async def test_injected_http_client_is_used_and_left_open(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=example("HealthResponse"))
    async with httpx.AsyncClient(base_url=URL) as http:
        async with EventStreamer(URL, "me", http_client=http) as client:
            await client.get_health()
        assert not http.is_closed


# -- validation before any request ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"topic0": "0x1234"}, ["topic0"]),
        ({"topic0": "0x" + "ab" * 32}, ["topic0"]),
        ({"addresses": ["0xnope"]}, ["addresses[0]"]),
        ({"start_block": 10, "end_block": 9}, ["end_block"]),
        ({"start_block": -1}, ["start_block"]),
        ({"chain_id": 0}, ["chain_id"]),
        ({"subscriber_id": " "}, ["subscriber_id"]),
        (
            {"topic0": "0x1", "addresses": ["x"], "chain_id": -5},
            ["topic0", "addresses[0]", "chain_id"],
        ),
    ],
)
def test_invalid_subscription_fails_at_construction(
    overrides: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        new_subscription(**overrides)
    assert info.value.fields == fields


def test_invalid_abi_event_fails_at_construction() -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        ABIEvent(type="event", name="", inputs=[])
    assert info.value.fields == ["name"]


async def test_subscription_changed_after_construction_is_checked_before_sending(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    sub = new_subscription()
    sub.addresses = ["0xnope"]  # attrs models are mutable: the facade checks again
    with pytest.raises(EventStreamerValidationError) as info:
        await client.create_subscription(sub)
    assert info.value.fields == ["addresses[0]"]
    assert httpx_mock.get_requests() == []


def test_topic0_mismatch_names_the_expected_hash() -> None:
    approval_topic = event_topic0(
        {
            "name": "Approval",
            "inputs": [{"type": "address"}, {"type": "address"}, {"type": "uint256"}],
        }
    )
    with pytest.raises(EventStreamerValidationError, match=TOPIC0):
        new_subscription(topic0=approval_topic)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.get_subscription(0), "subscription_id"),
        (lambda c: c.get_subscription("7"), "subscription_id"),
        (lambda c: c.list_subscriptions(page=0), "page"),
        (lambda c: c.list_subscriptions(page_size=101), "page_size"),
        (lambda c: c.get_chain(-1), "chain_id"),
        (lambda c: c.get_circuit_breaker_metrics(""), "name"),
        (
            lambda c: c.create_chain(ChainConfigRequest(chain_id=1, name="x", rpc_urls=[])),
            "rpc_urls",
        ),
    ],
)
async def test_bad_arguments_are_rejected_before_sending(
    client: EventStreamer, httpx_mock: HTTPXMock, call: Call, field: str
) -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        await call(client)
    assert info.value.fields == [field]


async def test_update_with_new_event_fills_topic0(
    client: EventStreamer, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=example("SubscriptionResponse"))
    await client.update_subscription(7, SubscriptionUpdate(event_signature=TRANSFER))
    request = httpx_mock.get_request()
    assert request is not None
    assert json.loads(request.content)["topic0"] == TOPIC0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"service_url": "ftp://x"}, "service_url"),
        ({"service_url": ""}, "service_url"),
        ({"subscriber_id": ""}, "subscriber_id"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"api_key": ""}, "api_key"),
    ],
)
def test_constructor_validates(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"service_url": URL, "subscriber_id": "me", **kwargs}
    with pytest.raises(EventStreamerValidationError) as info:
        EventStreamer(**args)
    assert info.value.fields == [field]


# -- lifecycle ------------------------------------------------------------------------------------
async def test_closed_client_refuses_reuse() -> None:
    client = EventStreamer(URL, "me")
    async with client:
        pass
    assert client.is_closed
    with pytest.raises(EventStreamerClosedError):
        await client.get_health()
    with pytest.raises(EventStreamerClosedError):
        async with client:
            pass
    await client.close()  # idempotent


# -- public surface -------------------------------------------------------------------------------
def _public_names() -> Iterator[str]:
    for name in dir(event_streamer):
        if name.startswith("_") and name != "__version__":
            continue
        if name == "annotations" or isinstance(getattr(event_streamer, name), types.ModuleType):
            continue  # submodules (abi, models, validation, ...) appear once imported anywhere
        yield name


def test_all_matches_public_names() -> None:
    assert sorted(event_streamer.__all__) == sorted(_public_names())


def test_seed_import_paths() -> None:
    from event_streamer.exceptions import EventStreamerSDKError as Root
    from event_streamer.models.abi import ABIEvent as A  # noqa: F401
    from event_streamer.models.chains import ChainConfigRequest as E  # noqa: F401
    from event_streamer.models.subscriptions import (  # noqa: F401
        SubscriptionCreate as C,
    )

    assert Root is EventStreamerSDKError
    assert issubclass(event_streamer.ABIParsingError, EventStreamerValidationError)
