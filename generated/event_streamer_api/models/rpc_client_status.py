from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.breaker_state import BreakerState, check_breaker_state
from ..types import run_validators

if TYPE_CHECKING:
    from ..models.circuit_breaker_metrics import CircuitBreakerMetrics


T = TypeVar("T", bound="RpcClientStatus")


@_attrs_define
class RpcClientStatus:
    """
    Attributes:
        state (BreakerState):
        metrics (CircuitBreakerMetrics):  Example: {'name': 'rpc:31337:0', 'state': 'closed', 'failure_count': 1,
            'success_count': 99, 'consecutive_failures': 0, 'consecutive_successes': 12, 'total_calls': 100,
            'half_open_calls': 0, 'last_failure_time': '2026-11-27T10:20:00Z', 'last_success_time': '2026-11-27T10:30:00Z',
            'state_transitions': {'closed->open': 1, 'open->half_open': 1, 'half_open->closed': 1}, 'success_rate': 0.99,
            'failure_rate': 0.01, 'success_rate_percent': 99.0, 'failure_rate_percent': 1.0, 'average_response_time': 2.5,
            'chain_id': 31337, 'rpc_url': 'http://127.0.0.1:8545'}.
        is_healthy (bool):
    """

    state: BreakerState
    metrics: CircuitBreakerMetrics
    is_healthy: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        state: str = self.state

        metrics = self.metrics.to_dict()

        is_healthy = self.is_healthy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "metrics": metrics,
                "is_healthy": is_healthy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.circuit_breaker_metrics import CircuitBreakerMetrics  # noqa: PLC0415

        d = dict(src_dict)
        state = check_breaker_state(d.pop("state"))

        metrics = CircuitBreakerMetrics.from_dict(d.pop("metrics"))

        is_healthy = d.pop("is_healthy")

        rpc_client_status = cls(
            state=state,
            metrics=metrics,
            is_healthy=is_healthy,
        )

        rpc_client_status.additional_properties = d
        return rpc_client_status

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
