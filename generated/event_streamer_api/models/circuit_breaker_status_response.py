from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators

if TYPE_CHECKING:
    from ..models.circuit_breaker_status_response_circuit_breakers import (
        CircuitBreakerStatusResponseCircuitBreakers,
    )
    from ..models.circuit_breaker_status_response_rpc_clients import (
        CircuitBreakerStatusResponseRpcClients,
    )
    from ..models.circuit_breaker_summary import CircuitBreakerSummary


T = TypeVar("T", bound="CircuitBreakerStatusResponse")


@_attrs_define
class CircuitBreakerStatusResponse:
    """
    Example:
        {'circuit_breakers': {'rpc:31337:0': {'state': 'closed', 'failure_count': 0, 'success_count': 42,
            'consecutive_failures': 0, 'consecutive_successes': 42, 'total_calls': 42, 'last_failure_time': None,
            'last_success_time': '2026-11-27T10:30:00Z', 'state_transitions': {}, 'chain_id': 31337, 'rpc_url':
            'http://127.0.0.1:8545'}}, 'rpc_clients': {}, 'summary': {'total': 1, 'closed': 1, 'open': 0, 'half_open': 0},
            'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        circuit_breakers (CircuitBreakerStatusResponseCircuitBreakers): Breaker name -> status.
        rpc_clients (CircuitBreakerStatusResponseRpcClients): Chain id (as a string) -> RPC URL -> status.
        summary (CircuitBreakerSummary):
        timestamp (datetime.datetime | Unset):
    """

    circuit_breakers: CircuitBreakerStatusResponseCircuitBreakers
    rpc_clients: CircuitBreakerStatusResponseRpcClients
    summary: CircuitBreakerSummary
    timestamp: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        circuit_breakers = self.circuit_breakers.to_dict()

        rpc_clients = self.rpc_clients.to_dict()

        summary = self.summary.to_dict()

        timestamp: str | Unset = UNSET
        if not isinstance(self.timestamp, Unset):
            timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "circuit_breakers": circuit_breakers,
                "rpc_clients": rpc_clients,
                "summary": summary,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.circuit_breaker_status_response_circuit_breakers import (
            CircuitBreakerStatusResponseCircuitBreakers,  # noqa: PLC0415
        )
        from ..models.circuit_breaker_status_response_rpc_clients import (
            CircuitBreakerStatusResponseRpcClients,  # noqa: PLC0415
        )
        from ..models.circuit_breaker_summary import CircuitBreakerSummary  # noqa: PLC0415

        d = dict(src_dict)
        circuit_breakers = CircuitBreakerStatusResponseCircuitBreakers.from_dict(
            d.pop("circuit_breakers")
        )

        rpc_clients = CircuitBreakerStatusResponseRpcClients.from_dict(
            d.pop("rpc_clients")
        )

        summary = CircuitBreakerSummary.from_dict(d.pop("summary"))

        _timestamp = d.pop("timestamp", UNSET)
        timestamp: datetime.datetime | Unset
        if isinstance(_timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = datetime.datetime.fromisoformat(_timestamp)

        circuit_breaker_status_response = cls(
            circuit_breakers=circuit_breakers,
            rpc_clients=rpc_clients,
            summary=summary,
            timestamp=timestamp,
        )

        circuit_breaker_status_response.additional_properties = d
        return circuit_breaker_status_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties
