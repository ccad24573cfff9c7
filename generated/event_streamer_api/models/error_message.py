from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_message_type import ErrorMessageType, check_error_message_type
from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="ErrorMessage")


@_attrs_define
class ErrorMessage:
    """A problem the service reports on the stream (e.g. REORG_DETECTED, DECODE_ERROR).

    Example:
        {'type': 'error', 'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'subscription_id': 1, 'error_code':
            'REORG_DETECTED', 'error_message': 'reorg at block 118; re-scanning', 'timestamp': '2026-11-27T10:30:00Z',
            'recoverable': True}

    Attributes:
        type_ (ErrorMessageType):
        error_code (str):
        error_message (str):
        timestamp (datetime.datetime):
        recoverable (bool):  Default: True.
        connection_id (str | Unset):
        subscription_id (int | Unset):
    """

    type_: ErrorMessageType = _attrs_field(alias="type")
    error_code: str
    error_message: str
    timestamp: datetime.datetime
    recoverable: bool = True
    connection_id: str | Unset = UNSET
    subscription_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        error_code = self.error_code

        error_message = self.error_message

        timestamp = self.timestamp.isoformat()

        recoverable = self.recoverable

        connection_id = self.connection_id

        subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "error_code": error_code,
                "error_message": error_message,
                "timestamp": timestamp,
                "recoverable": recoverable,
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
        type_ = check_error_message_type(d.pop("type"))

        error_code = d.pop("error_code")

        error_message = d.pop("error_message")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        recoverable = d.pop("recoverable")

        connection_id = d.pop("connection_id", UNSET)

        subscription_id = d.pop("subscription_id", UNSET)

        error_message = cls(
            type=type_,
            error_code=error_code,
            error_message=error_message,
            timestamp=timestamp,
            recoverable=recoverable,
            connection_id=connection_id,
            subscription_id=subscription_id,
        )

        error_message.additional_properties = d
        return error_message

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
    def type(self) -> ErrorMessageType:
        return self.type_

    @type.setter
    def type(self, value: ErrorMessageType) -> None:
        self.type_ = value
