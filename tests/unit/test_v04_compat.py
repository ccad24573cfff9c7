"""What the v0.4.0 README promises of models, ABI helpers, names and version (pure: no I/O)."""

from __future__ import annotations

import importlib.metadata
import warnings
from typing import Any

import pytest

import event_streamer
import event_streamer.models as models
from event_streamer import (
    ABIErrorEntry,
    EventStreamer,
    EventStreamerValidationError,
    extract_abi_event,
    parse_contract_abi,
)
from event_streamer.models import (
    ABIEvent,
    ABIInput,
    CircuitBreakerMetrics,
    CircuitBreakerStatusResponse,
    SubscriptionCreate,
)
from tests._spec import spec

ERC20 = """[
  {"type": "event", "name": "Transfer", "inputs": [
    {"indexed": true, "name": "from", "type": "address"},
    {"indexed": true, "name": "to", "type": "address"},
    {"indexed": false, "name": "value", "type": "uint256"}]},
  {"type": "function", "name": "transfer", "stateMutability": "nonpayable",
   "inputs": [{"name": "to", "type": "address"}, {"name": "v", "type": "uint256"}],
   "outputs": [{"name": "", "type": "bool"}]},
  {"type": "error", "name": "Nope", "inputs": []}
]"""
TRANSFER_TOPIC0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def _example(name: str) -> dict[str, Any]:
    example = spec()["components"]["schemas"][name]["example"]
    assert isinstance(example, dict)
    return example


# -- models -------------------------------------------------------------------------------------
def test_wire_names_read_as_attributes() -> None:
    inp = ABIInput(type="address", name="to", indexed=True)
    assert inp.type == inp.type_ == "address"
    event = ABIEvent(type="event", name="Transfer", inputs=[inp])
    assert event.type == "event"
    inp.type = "uint256"
    assert inp.to_dict()["type"] == "uint256"


def test_optional_fields_default_like_the_v04_models() -> None:
    event = ABIEvent(type="event", name="Ping")
    assert event.inputs == []
    assert event.anonymous is False
    inp = ABIInput(type="uint256")
    assert inp.name is None
    assert inp.components is None
    assert inp.indexed is False
    sub = SubscriptionCreate(
        topic0=TRANSFER_TOPIC0,
        event_signature=extract_abi_event(ERC20, "Transfer"),
        start_block=0,
        chain_id=1,
    )
    assert sub.addresses == []
    assert sub.end_block is None
    # Defaults are not sent as nulls: the wire stays what it was.
    assert "end_block" not in sub.to_dict()
    assert "components" not in inp.to_dict()


def test_no_unset_is_visible_on_parsed_input_models() -> None:
    event = ABIEvent.from_dict({"type": "event", "name": "Ping"})
    assert event.inputs == []
    inp = ABIInput.from_dict({"type": "bool"})
    assert (inp.name, inp.components, inp.internal_type) == (None, None, None)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ABIInput(type="uint7"), "ABIInput.type"),
        (lambda: ABIInput(type="tuple"), "ABIInput.components"),
        (lambda: ABIEvent(type="event", name=" "), "name"),
        (lambda: ABIEvent(type="function", name="x"), "type"),  # type: ignore[arg-type]
    ],
)
def test_invalid_models_fail_at_construction_naming_the_field(build: Any, field: str) -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        build()
    assert info.value.fields == [field]


def test_circuit_breaker_status_is_a_mapping() -> None:
    status = CircuitBreakerStatusResponse.from_dict(_example("CircuitBreakerStatusResponse"))
    assert len(status.circuit_breakers) == 1
    ((name, cb),) = status.circuit_breakers.items()
    assert name == "rpc:31337:0"
    assert (cb.state, cb.failure_count) == ("closed", 0)
    assert list(status.circuit_breakers) == ["rpc:31337:0"]
    assert status.circuit_breakers.get("missing") is None
    assert len(status.rpc_clients) == 0


def test_success_rate_is_a_fraction() -> None:
    metrics = CircuitBreakerMetrics.from_dict(_example("CircuitBreakerMetrics"))
    assert f"{metrics.success_rate:.2%}" == "99.00%"
    assert metrics.success_rate_percent == 99.0


def test_the_service_sends_rates_as_fractions() -> None:
    from event_streamer_server._api_breakers import _metrics
    from event_streamer_server._breaker import CircuitBreaker
    from event_streamer_server._settings import BreakerSettings

    breaker = CircuitBreaker("rpc:1:0", BreakerSettings())
    for _ in range(3):
        breaker.record_success(1.0)
    breaker.record_failure(1.0)
    wire = _metrics(breaker)
    assert wire["success_rate"] == pytest.approx(0.75)
    assert wire["success_rate_percent"] == pytest.approx(75.0)
    assert wire["failure_rate"] == pytest.approx(0.25)
    CircuitBreakerMetrics.from_dict(wire)  # and it is what the contract says


def test_one_model_list() -> None:
    import event_streamer_api.models as generated

    for module in ("abi", "chains", "circuit_breaker", "subscriptions"):
        sub = __import__(f"event_streamer.models.{module}", fromlist=["__all__"])
        assert sub.__all__ == models.__all__ == generated.__all__
    assert "RpcClientStatus" in models.__all__
    assert all(getattr(models, n) is getattr(generated, n) for n in generated.__all__)


# -- ABI helpers --------------------------------------------------------------------------------
def test_abi_helpers_take_the_v04_keywords() -> None:
    event = extract_abi_event(abi_json=ERC20, event_name="Transfer")
    assert event.name == "Transfer"
    assert EventStreamer.extract_abi_event(abi_json=ERC20, event_name="Transfer") == event
    assert list(EventStreamer.extract_abi_events(abi_json=ERC20)) == ["Transfer"]


def test_parse_contract_abi_is_indexable_and_typed() -> None:
    parsed = parse_contract_abi(ERC20)
    assert parsed["events"] == parsed.events
    assert [f.name for f in parsed["functions"]] == ["transfer"]
    assert parsed["errors"] == [ABIErrorEntry("Nope", [])]
    assert set(parsed) == {"events", "functions", "errors", "constructor", "fallback", "receive"}
    assert parsed.get("constructor") is None
    with pytest.raises(KeyError):
        parsed["nope"]


def test_abi_error_is_a_deprecated_alias_of_abi_error_entry() -> None:
    import event_streamer.abi as abi

    for module in (event_streamer, abi):
        with pytest.warns(DeprecationWarning, match="ABIErrorEntry"):
            assert module.ABIError is ABIErrorEntry  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert event_streamer.ABIErrorEntry is ABIErrorEntry
    assert not issubclass(ABIErrorEntry, BaseException)


# -- version ------------------------------------------------------------------------------------
def test_version_is_the_package_metadata() -> None:
    from event_streamer._version import DISTRIBUTION

    assert DISTRIBUTION == "evm-event-streamer"
    assert event_streamer.__version__ == importlib.metadata.version(DISTRIBUTION)
