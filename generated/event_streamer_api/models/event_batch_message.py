from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_batch_message_type import (
    EventBatchMessageType,
    check_event_batch_message_type,
)
from ..types import UNSET, Unset, run_validators

if TYPE_CHECKING:
    from ..models.event_batch_message_events import EventBatchMessageEvents


T = TypeVar("T", bound="EventBatchMessage")


@_attrs_define
class EventBatchMessage:
    """A batch of decoded events; acknowledge it by `batch_id`.

    Example:
        {'type': 'event_batch', 'response_id': 'batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'subscription_id': 1,
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'resume_token': 'rt_eyJzIjoxLCJwIjo0fQ.c2lnbmF0dXJl',
            'events': {'Transfer': [{'from': '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'to':
            '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'value': '1000000000000000000', 'block_number': 12,
            'transaction_hash': '0x9d1c5e1f0c8f1f1d3c2b4a59687766554433221100ffeeddccbbaa9988776655', 'log_index': 0,
            'address': '0x5FbDB2315678afecb367f032d93F642f64180aa3', 'timestamp': '2026-11-27T10:30:00Z'}]}, 'batch_size':
            1, 'timestamp': '2026-11-27T10:30:00Z', 'batch_id': 'batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c'}

    Attributes:
        type_ (EventBatchMessageType):
        subscription_id (int):
        connection_id (str):
        resume_token (str): Resume after this batch.
        events (EventBatchMessageEvents): Event name -> decoded events of that name, in chain order.
        batch_size (int):
        timestamp (datetime.datetime):
        batch_id (str):
        response_id (str | Unset): Same as batch_id (kept for wire compatibility).
    """

    type_: EventBatchMessageType = _attrs_field(alias="type")
    subscription_id: int
    connection_id: str
    resume_token: str
    events: EventBatchMessageEvents
    batch_size: int
    timestamp: datetime.datetime
    batch_id: str
    response_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        subscription_id = self.subscription_id

        connection_id = self.connection_id

        resume_token = self.resume_token

        events = self.events.to_dict()

        batch_size = self.batch_size

        timestamp = self.timestamp.isoformat()

        batch_id = self.batch_id

        response_id = self.response_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "subscription_id": subscription_id,
                "connection_id": connection_id,
                "resume_token": resume_token,
                "events": events,
                "batch_size": batch_size,
                "timestamp": timestamp,
                "batch_id": batch_id,
            }
        )
        if response_id is not UNSET:
            field_dict["response_id"] = response_id

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_batch_message_events import EventBatchMessageEvents  # noqa: PLC0415

        d = dict(src_dict)
        type_ = check_event_batch_message_type(d.pop("type"))

        subscription_id = d.pop("subscription_id")

        connection_id = d.pop("connection_id")

        resume_token = d.pop("resume_token")

        events = EventBatchMessageEvents.from_dict(d.pop("events"))

        batch_size = d.pop("batch_size")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        batch_id = d.pop("batch_id")

        response_id = d.pop("response_id", UNSET)

        event_batch_message = cls(
            type=type_,
            subscription_id=subscription_id,
            connection_id=connection_id,
            resume_token=resume_token,
            events=events,
            batch_size=batch_size,
            timestamp=timestamp,
            batch_id=batch_id,
            response_id=response_id,
        )

        event_batch_message.additional_properties = d
        return event_batch_message

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
    def type(self) -> EventBatchMessageType:
        return self.type_

    @type.setter
    def type(self, value: EventBatchMessageType) -> None:
        self.type_ = value
