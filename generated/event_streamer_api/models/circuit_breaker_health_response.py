from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.circuit_breaker_health_response_overall_health import (
    CircuitBreakerHealthResponseOverallHealth,
    check_circuit_breaker_health_response_overall_health,
)
from ..types import UNSET, Unset, run_validators

if TYPE_CHECKING:
    from ..models.circuit_breaker_health_response_rpc_clients import (
        CircuitBreakerHealthResponseRpcClients,
    )


T = TypeVar("T", bound="CircuitBreakerHealthResponse")


@_attrs_define
class CircuitBreakerHealthResponse:
    """
    Example:
        {'overall_health': 'healthy', 'health_percentage': 100.0, 'total_circuit_breakers': 1,
            'healthy_circuit_breakers': 1, 'unhealthy_circuit_breakers': 0, 'healthy_rpcs': 1, 'total_rpcs': 1,
            'unhealthy_chains': [], 'rpc_clients': {'31337': {'http://127.0.0.1:8545': True}}, 'last_updated':
            '2026-11-27T10:30:00Z'}

    Attributes:
        overall_health (CircuitBreakerHealthResponseOverallHealth):
        health_percentage (float):
        total_circuit_breakers (int):
        healthy_circuit_breakers (int):
        unhealthy_circuit_breakers (int):
        healthy_rpcs (int):
        total_rpcs (int):
        unhealthy_chains (list[int]): Chains with no RPC endpoint whose breaker is closed.
        last_updated (datetime.datetime):
        rpc_clients (CircuitBreakerHealthResponseRpcClients | Unset): Chain id (as a string) -> RPC URL -> healthy?
    """

    overall_health: CircuitBreakerHealthResponseOverallHealth
    health_percentage: float
    total_circuit_breakers: int
    healthy_circuit_breakers: int
    unhealthy_circuit_breakers: int
    healthy_rpcs: int
    total_rpcs: int
    unhealthy_chains: list[int]
    last_updated: datetime.datetime
    rpc_clients: CircuitBreakerHealthResponseRpcClients | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        overall_health: str = self.overall_health

        health_percentage = self.health_percentage

        total_circuit_breakers = self.total_circuit_breakers

        healthy_circuit_breakers = self.healthy_circuit_breakers

        unhealthy_circuit_breakers = self.unhealthy_circuit_breakers

        healthy_rpcs = self.healthy_rpcs

        total_rpcs = self.total_rpcs

        unhealthy_chains = self.unhealthy_chains

        last_updated = self.last_updated.isoformat()

        rpc_clients: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rpc_clients, Unset):
            rpc_clients = self.rpc_clients.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "overall_health": overall_health,
                "health_percentage": health_percentage,
                "total_circuit_breakers": total_circuit_breakers,
                "healthy_circuit_breakers": healthy_circuit_breakers,
                "unhealthy_circuit_breakers": unhealthy_circuit_breakers,
                "healthy_rpcs": healthy_rpcs,
                "total_rpcs": total_rpcs,
                "unhealthy_chains": unhealthy_chains,
                "last_updated": last_updated,
            }
        )
        if rpc_clients is not UNSET:
            field_dict["rpc_clients"] = rpc_clients

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.circuit_breaker_health_response_rpc_clients import (
            CircuitBreakerHealthResponseRpcClients,  # noqa: PLC0415
        )

        d = dict(src_dict)
        overall_health = check_circuit_breaker_health_response_overall_health(
            d.pop("overall_health")
        )

        health_percentage = d.pop("health_percentage")

        total_circuit_breakers = d.pop("total_circuit_breakers")

        healthy_circuit_breakers = d.pop("healthy_circuit_breakers")

        unhealthy_circuit_breakers = d.pop("unhealthy_circuit_breakers")

        healthy_rpcs = d.pop("healthy_rpcs")

        total_rpcs = d.pop("total_rpcs")

        unhealthy_chains = cast(list[int], d.pop("unhealthy_chains"))

        last_updated = datetime.datetime.fromisoformat(d.pop("last_updated"))

        _rpc_clients = d.pop("rpc_clients", UNSET)
        rpc_clients: CircuitBreakerHealthResponseRpcClients | Unset
        if isinstance(_rpc_clients, Unset):
            rpc_clients = UNSET
        else:
            rpc_clients = CircuitBreakerHealthResponseRpcClients.from_dict(_rpc_clients)

        circuit_breaker_health_response = cls(
            overall_health=overall_health,
            health_percentage=health_percentage,
            total_circuit_breakers=total_circuit_breakers,
            healthy_circuit_breakers=healthy_circuit_breakers,
            unhealthy_circuit_breakers=unhealthy_circuit_breakers,
            healthy_rpcs=healthy_rpcs,
            total_rpcs=total_rpcs,
            unhealthy_chains=unhealthy_chains,
            last_updated=last_updated,
            rpc_clients=rpc_clients,
        )

        circuit_breaker_health_response.additional_properties = d
        return circuit_breaker_health_response

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
