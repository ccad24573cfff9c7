from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.heartbeat_message_type import (
    HeartbeatMessageType,
    check_heartbeat_message_type,
)
from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="HeartbeatMessage")


@_attrs_define
class HeartbeatMessage:
    """Sent every heartbeat interval so the client can tell a quiet stream from a dead one.

    Example:
        {'type': 'heartbeat', 'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'subscription_id': 1,
            'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        type_ (HeartbeatMessageType):
        timestamp (datetime.datetime):
        connection_id (str | Unset):
        subscription_id (int | Unset):
    """

    type_: HeartbeatMessageType = _attrs_field(alias="type")
    timestamp: datetime.datetime
    connection_id: str | Unset = UNSET
    subscription_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        timestamp = self.timestamp.isoformat()

        connection_id = self.connection_id

        subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "timestamp": timestamp,
            }
        )
        if connection_id is not UNSET:
            field_dict["connection_id"] = connection_id
        if subscription_id is not UNSET:
            field_dict["subscription_id"] = subscription_id

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_heartbeat_message_type(d.pop("type"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        connection_id = d.pop("connection_id", UNSET)

        subscription_id = d.pop("subscription_id", UNSET)

        heartbeat_message = cls(
            type=type_,
            timestamp=timestamp,
            connection_id=connection_id,
            subscription_id=subscription_id,
        )

        heartbeat_message.additional_properties = d
        return heartbeat_message

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

    # event-streamer: the wire name reads as an attribute too (`inp.type`), as in the v0.4 SDK.
    @property
    def type(self) -> HeartbeatMessageType:
        return self.type_

    @type.setter
    def type(self, value: HeartbeatMessageType) -> None:
        self.type_ = value
