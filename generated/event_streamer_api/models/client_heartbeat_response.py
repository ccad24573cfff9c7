from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="ClientHeartbeatResponse")


@_attrs_define
class ClientHeartbeatResponse:
    """
    Example:
        {'acknowledged': True, 'server_timestamp': '2026-11-27T10:30:00Z', 'connection_id':
            'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'timestamp': '2026-11-27T10:29:59Z'}

    Attributes:
        acknowledged (bool):
        server_timestamp (datetime.datetime):
        connection_id (str):
        timestamp (datetime.datetime): The client's timestamp
    """

    acknowledged: bool
    server_timestamp: datetime.datetime
    connection_id: str
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        acknowledged = self.acknowledged

        server_timestamp = self.server_timestamp.isoformat()

        connection_id = self.connection_id

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acknowledged": acknowledged,
                "server_timestamp": server_timestamp,
                "connection_id": connection_id,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acknowledged = d.pop("acknowledged")

        server_timestamp = datetime.datetime.fromisoformat(d.pop("server_timestamp"))

        connection_id = d.pop("connection_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        client_heartbeat_response = cls(
            acknowledged=acknowledged,
            server_timestamp=server_timestamp,
            connection_id=connection_id,
            timestamp=timestamp,
        )

        client_heartbeat_response.additional_properties = d
        return client_heartbeat_response

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
