from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="ClientHeartbeatRequest")


@_attrs_define
class ClientHeartbeatRequest:
    """
    Example:
        {'timestamp': '2026-11-27T10:30:00Z', 'sequence_number': 7}

    Attributes:
        timestamp (datetime.datetime):
        sequence_number (int | None | Unset):
    """

    timestamp: datetime.datetime
    sequence_number: int | None = _attrs_field(default=None, converter=unset_to_none)
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        timestamp = self.timestamp.isoformat()

        sequence_number: int | None | Unset
        if isinstance(self.sequence_number, Unset):
            sequence_number = UNSET
        else:
            sequence_number = self.sequence_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "timestamp": timestamp,
            }
        )
        if sequence_number is not UNSET and sequence_number is not None:
            field_dict["sequence_number"] = sequence_number

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_sequence_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        sequence_number = _parse_sequence_number(d.pop("sequence_number", UNSET))

        client_heartbeat_request = cls(
            timestamp=timestamp,
            sequence_number=sequence_number,
        )

        client_heartbeat_request.additional_properties = d
        return client_heartbeat_request

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
