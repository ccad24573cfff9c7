"""The OpenAPI contract: valid, complete, and consistent with the generated client."""

from __future__ import annotations

import importlib
import keyword
from typing import Any

import pytest
from openapi_spec_validator import validate

from event_streamer._contract import STREAMING_OPERATIONS
from tests._spec import operations, spec

# Every path/method the published Event Streamer service serves, with its operationId.
EXPECTED = [
    ("GET", "/health", "get_health"),
    ("POST", "/subscriptions", "create_subscription"),
    ("GET", "/subscriptions", "list_subscriptions"),
    ("GET", "/subscriptions/{subscription_id}", "get_subscription"),
    ("PUT", "/subscriptions/{subscription_id}", "update_subscription"),
    ("DELETE", "/subscriptions/{subscription_id}", "delete_subscription"),
    (
        "GET",
        "/subscriptions/{subscription_id}/last-processed-block",
        "get_last_processed_block",
    ),
    ("GET", "/subscriptions/{subscription_id}/processing-status", "get_processing_status"),
    ("GET", "/subscriptions/{subscription_id}/stream", "stream_subscription"),
    (
        "POST",
        "/subscriptions/{subscription_id}/stream/{connection_id}/ack/batch",
        "acknowledge_batch",
    ),
    (
        "POST",
        "/subscriptions/{subscription_id}/stream/{connection_id}/ack/batch/bulk",
        "acknowledge_batch_bulk",
    ),
    ("POST", "/stream/{connection_id}/heartbeat", "send_client_heartbeat"),
    ("GET", "/api/circuit-breakers/status", "get_circuit_breaker_status"),
    ("GET", "/api/circuit-breakers/health", "get_circuit_breaker_health"),
    ("GET", "/api/circuit-breakers/config", "get_circuit_breaker_config"),
    ("GET", "/api/circuit-breakers/{name}/metrics", "get_circuit_breaker_metrics"),
    ("POST", "/api/circuit-breakers/reset", "reset_all_circuit_breakers"),
    ("POST", "/api/circuit-breakers/{name}/reset", "reset_circuit_breaker"),
    ("GET", "/api/chains", "list_chains"),
    ("GET", "/api/chains/stats", "get_chain_stats"),
    ("POST", "/api/chains", "create_chain"),
    ("GET", "/api/chains/{chain_id}", "get_chain"),
    ("PUT", "/api/chains/{chain_id}", "update_chain"),
    ("DELETE", "/api/chains/{chain_id}", "delete_chain"),
    ("POST", "/api/chains/refresh", "refresh_chains"),
    # issue 19: additions beyond the published service
    ("GET", "/api/chains/presets", "list_chain_presets"),
    ("GET", "/metrics", "get_metrics"),
]
TAGS = {"subscriptions", "streaming", "circuit-breakers", "chains", "health"}


def test_spec_is_valid_openapi_31() -> None:
    assert spec()["openapi"].startswith("3.1")
    validate(spec())


@pytest.mark.parametrize(("method", "path", "operation_id"), EXPECTED)
def test_every_published_endpoint_exists(method: str, path: str, operation_id: str) -> None:
    op = spec()["paths"][path][method.lower()]
    assert op["operationId"] == operation_id
    assert set(op["tags"]) <= TAGS
    assert any(code.startswith("2") for code in op["responses"])


def test_spec_has_no_endpoints_beyond_the_table() -> None:
    listed = {(m, p) for m, p, _ in EXPECTED}
    actual = {(m, p) for m, p, _ in operations().values()}
    assert actual == listed


def test_operation_ids_are_python_names() -> None:
    ids = list(operations())
    assert len(ids) == len(set(ids))
    for op_id in ids:
        assert op_id.isidentifier()
        assert not keyword.iskeyword(op_id)
        assert op_id == op_id.lower()


def test_every_operation_is_generated_or_hand_served() -> None:
    """The one place that says which operations the generated client cannot serve."""
    for op_id, (_, _, op) in operations().items():
        tag = op["tags"][0].replace("-", "_")
        module = importlib.import_module(f"event_streamer_api.api.{tag}.{op_id}")
        ok_codes = [c for c in op["responses"] if c.startswith("2")]
        media = {m for c in ok_codes for m in op["responses"][c].get("content", {})}
        if op_id in STREAMING_OPERATIONS:
            assert media == {"application/x-ndjson"}
        else:
            assert media <= {"application/json", "text/plain"}  # text: /metrics
            assert hasattr(module, "asyncio_detailed"), op_id
    assert set(STREAMING_OPERATIONS) <= set(operations())


def test_stream_messages_are_discriminated_by_type() -> None:
    schemas = spec()["components"]["schemas"]
    message = schemas["StreamMessage"]
    assert message["discriminator"]["propertyName"] == "type"
    assert set(message["discriminator"]["mapping"]) == {
        "event_batch",
        "heartbeat",
        "error",
        "reorg",
    }
    for name in ("EventBatchMessage", "HeartbeatMessage", "ErrorMessage", "ReorgMessage"):
        assert "type" in schemas[name]["required"]


@pytest.mark.parametrize(
    ("schema", "field", "good", "bad"),
    [
        ("Hash32", None, "0x" + "ab" * 32, "0x" + "ab" * 31),
        ("Address", None, "0x" + "Ab" * 20, "0x" + "zz" * 20),
    ],
)
def test_hex_formats_are_constrained(schema: str, field: Any, good: str, bad: str) -> None:
    import jsonschema

    s = spec()["components"]["schemas"][schema]
    jsonschema.validate(good, s)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, s)


def test_paging_limits() -> None:
    params = {
        p["name"]: p["schema"] for p in spec()["paths"]["/subscriptions"]["get"]["parameters"]
    }
    assert params["page"]["minimum"] == 1
    assert params["page_size"]["minimum"] == 1
    assert params["page_size"]["maximum"] == 100


def test_optional_bearer_security() -> None:
    assert spec()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {} in spec()["security"]


def test_runtime_contract_module_agrees_with_the_spec() -> None:
    """event_streamer/_contract.py is generated from the spec's x- extensions; same facts."""
    from event_streamer import _contract

    ops = operations()
    assert {op_id: (m, p) for op_id, (m, p, _) in ops.items()} == _contract.OPERATIONS
    marked = {op_id for op_id, (_, _, op) in ops.items() if op.get("x-idempotent") is True}
    assert marked == _contract.IDEMPOTENT_OPERATIONS
    assert marked  # the acks, heartbeats, breaker resets and chain refresh
    streaming = {
        op_id: op["x-streaming"] for op_id, (_, _, op) in ops.items() if "x-streaming" in op
    }
    assert _contract.STREAMING_OPERATIONS == streaming == {"stream_subscription": "ndjson"}


def test_retry_treats_exactly_the_marked_posts_as_idempotent() -> None:
    import httpx

    from event_streamer._contract import IDEMPOTENT_OPERATIONS
    from event_streamer._retry import is_idempotent

    for op_id, (method, path, _) in operations().items():
        concrete = path.replace("{subscription_id}", "7").replace("{chain_id}", "1")
        concrete = concrete.replace("{connection_id}", "c-1").replace("{name}", "rpc:1:0")
        request = httpx.Request(method, f"http://svc{concrete}")
        expected = method != "POST" or op_id in IDEMPOTENT_OPERATIONS
        assert is_idempotent(request) is expected, op_id
