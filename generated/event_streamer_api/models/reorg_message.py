from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reorg_message_type import ReorgMessageType, check_reorg_message_type
from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="ReorgMessage")


@_attrs_define
class ReorgMessage:
    """The chain reorganised below blocks already stored: the events above `fork_block` in the batches listed are void (the
    ids may include batches this consumer never received; unacknowledged void batches are not sent again). Replacement
    batches follow. Undo what was stored for blocks above `fork_block`, then acknowledge `reorg_id` like a batch id
    (acknowledging any later batch also acknowledges it).

        Example:
            {'type': 'reorg', 'reorg_id': 'reorg_3f2b1c0d9e8f4a7b6c5d4e3f2a1b0c9d', 'connection_id':
                'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b', 'subscription_id': 1, 'fork_block': 117, 'void_batch_ids':
                ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c'], 'void_batch_count': 1, 'resume_token':
                'rt_eyJzIjoxLCJwIjo1fQ.c2lnbmF0dXJl', 'timestamp': '2026-11-27T10:30:00Z'}

        Attributes:
            type_ (ReorgMessageType):
            reorg_id (str): Acknowledge it like a batch id (`reorg_...`).
            fork_block (int): Last block whose delivered events stay valid.
            void_batch_ids (list[str]): The void batches, in delivery order (the first 1000).
            void_batch_count (int):
            resume_token (str): Token after this notice.
            timestamp (datetime.datetime):
            connection_id (str | Unset):
            subscription_id (int | Unset):
    """

    type_: ReorgMessageType = _attrs_field(alias="type")
    reorg_id: str
    fork_block: int
    void_batch_ids: list[str]
    void_batch_count: int
    resume_token: str
    timestamp: datetime.datetime
    connection_id: str | Unset = UNSET
    subscription_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        reorg_id = self.reorg_id

        fork_block = self.fork_block

        void_batch_ids = self.void_batch_ids

        void_batch_count = self.void_batch_count

        resume_token = self.resume_token

        timestamp = self.timestamp.isoformat()

        connection_id = self.connection_id

        subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "reorg_id": reorg_id,
                "fork_block": fork_block,
                "void_batch_ids": void_batch_ids,
                "void_batch_count": void_batch_count,
                "resume_token": resume_token,
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
        type_ = check_reorg_message_type(d.pop("type"))

        reorg_id = d.pop("reorg_id")

        fork_block = d.pop("fork_block")

        void_batch_ids = cast(list[str], d.pop("void_batch_ids"))

        void_batch_count = d.pop("void_batch_count")

        resume_token = d.pop("resume_token")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        connection_id = d.pop("connection_id", UNSET)

        subscription_id = d.pop("subscription_id", UNSET)

        reorg_message = cls(
            type=type_,
            reorg_id=reorg_id,
            fork_block=fork_block,
            void_batch_ids=void_batch_ids,
            void_batch_count=void_batch_count,
            resume_token=resume_token,
            timestamp=timestamp,
            connection_id=connection_id,
            subscription_id=subscription_id,
        )

        reorg_message.additional_properties = d
        return reorg_message

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
    def type(self) -> ReorgMessageType:
        return self.type_

    @type.setter
    def type(self, value: ReorgMessageType) -> None:
        self.type_ = value
