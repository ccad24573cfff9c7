from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="BatchAckResponse")


@_attrs_define
class BatchAckResponse:
    """
    Example:
        {'acknowledged': True, 'batch_id': 'batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'events_acknowledged': 100,
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'timestamp': '2026-11-27T10:30:00Z', 'resume_token':
            'rt_eyJzIjoxLCJwIjo0fQ.c2lnbmF0dXJl'}

    Attributes:
        acknowledged (bool):
        batch_id (str):
        events_acknowledged (int):
        connection_id (str):
        timestamp (datetime.datetime):
        resume_token (None | str | Unset):
    """

    acknowledged: bool
    batch_id: str
    events_acknowledged: int
    connection_id: str
    timestamp: datetime.datetime
    resume_token: None | str = _attrs_field(default=None, converter=unset_to_none)
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        acknowledged = self.acknowledged

        batch_id = self.batch_id

        events_acknowledged = self.events_acknowledged

        connection_id = self.connection_id

        timestamp = self.timestamp.isoformat()

        resume_token: None | str | Unset
        if isinstance(self.resume_token, Unset):
            resume_token = UNSET
        else:
            resume_token = self.resume_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acknowledged": acknowledged,
                "batch_id": batch_id,
                "events_acknowledged": events_acknowledged,
                "connection_id": connection_id,
                "timestamp": timestamp,
            }
        )
        if resume_token is not UNSET and resume_token is not None:
            field_dict["resume_token"] = resume_token

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acknowledged = d.pop("acknowledged")

        batch_id = d.pop("batch_id")

        events_acknowledged = d.pop("events_acknowledged")

        connection_id = d.pop("connection_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_resume_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resume_token = _parse_resume_token(d.pop("resume_token", UNSET))

        batch_ack_response = cls(
            acknowledged=acknowledged,
            batch_id=batch_id,
            events_acknowledged=events_acknowledged,
            connection_id=connection_id,
            timestamp=timestamp,
            resume_token=resume_token,
        )

        batch_ack_response.additional_properties = d
        return batch_ack_response

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
