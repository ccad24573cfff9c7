from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

if TYPE_CHECKING:
    from ..models.rpc_client_status import RpcClientStatus


T = TypeVar("T", bound="CircuitBreakerStatusResponseRpcClientsAdditionalProperty")


@_attrs_define
class CircuitBreakerStatusResponseRpcClientsAdditionalProperty(
    Mapping[str, "RpcClientStatus"]
):
    additional_properties: dict[str, RpcClientStatus] = _attrs_field(
        init=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rpc_client_status import RpcClientStatus  # noqa: PLC0415

        d = dict(src_dict)
        circuit_breaker_status_response_rpc_clients_additional_property = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = RpcClientStatus.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        circuit_breaker_status_response_rpc_clients_additional_property.additional_properties = additional_properties
        return circuit_breaker_status_response_rpc_clients_additional_property

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> RpcClientStatus:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: RpcClientStatus) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
