from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="ChainRefreshResponse")


@_attrs_define
class ChainRefreshResponse:
    """
    Example:
        {'message': 'Chains reloaded', 'total_chains': 1, 'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        message (str):
        total_chains (int):
        timestamp (datetime.datetime):
    """

    message: str
    total_chains: int
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        total_chains = self.total_chains

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "total_chains": total_chains,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        total_chains = d.pop("total_chains")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        chain_refresh_response = cls(
            message=message,
            total_chains=total_chains,
            timestamp=timestamp,
        )

        chain_refresh_response.additional_properties = d
        return chain_refresh_response

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
