from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="CircuitBreakerResetResponse")


@_attrs_define
class CircuitBreakerResetResponse:
    """
    Example:
        {'message': 'Reset 2 circuit breakers', 'status': 'success', 'reset_count': 2, 'timestamp':
            '2026-11-27T10:30:00Z'}

    Attributes:
        message (str):
        status (str):
        reset_count (int):
        timestamp (datetime.datetime | Unset):
    """

    message: str
    status: str
    reset_count: int
    timestamp: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status = self.status

        reset_count = self.reset_count

        timestamp: str | Unset = UNSET
        if not isinstance(self.timestamp, Unset):
            timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "status": status,
                "reset_count": reset_count,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        status = d.pop("status")

        reset_count = d.pop("reset_count")

        _timestamp = d.pop("timestamp", UNSET)
        timestamp: datetime.datetime | Unset
        if isinstance(_timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = datetime.datetime.fromisoformat(_timestamp)

        circuit_breaker_reset_response = cls(
            message=message,
            status=status,
            reset_count=reset_count,
            timestamp=timestamp,
        )

        circuit_breaker_reset_response.additional_properties = d
        return circuit_breaker_reset_response

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
