from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="BulkBatchAckRequest")


@_attrs_define
class BulkBatchAckRequest:
    """
    Example:
        {'batch_ids': ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'batch_1a2b3c4d5e6f40718293a4b5c6d7e8f9'],
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b'}

    Attributes:
        batch_ids (list[str]):
        connection_id (str):
    """

    batch_ids: list[str]
    connection_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        batch_ids = self.batch_ids

        connection_id = self.connection_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "batch_ids": batch_ids,
                "connection_id": connection_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        batch_ids = cast(list[str], d.pop("batch_ids"))

        connection_id = d.pop("connection_id")

        bulk_batch_ack_request = cls(
            batch_ids=batch_ids,
            connection_id=connection_id,
        )

        bulk_batch_ack_request.additional_properties = d
        return bulk_batch_ack_request

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
