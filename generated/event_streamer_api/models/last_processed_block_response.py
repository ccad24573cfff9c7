from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="LastProcessedBlockResponse")


@_attrs_define
class LastProcessedBlockResponse:
    """
    Example:
        {'subscription_id': 1, 'chain_id': 31337, 'last_processed_block': 120, 'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        subscription_id (int):
        last_processed_block (int | None):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        timestamp (datetime.datetime | Unset):
    """

    subscription_id: int
    last_processed_block: int | None
    chain_id: int | Unset = UNSET
    timestamp: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        subscription_id = self.subscription_id

        last_processed_block: int | None
        last_processed_block = self.last_processed_block

        chain_id = self.chain_id

        timestamp: str | Unset = UNSET
        if not isinstance(self.timestamp, Unset):
            timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscription_id": subscription_id,
                "last_processed_block": last_processed_block,
            }
        )
        if chain_id is not UNSET:
            field_dict["chain_id"] = chain_id
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subscription_id = d.pop("subscription_id")

        def _parse_last_processed_block(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_processed_block = _parse_last_processed_block(
            d.pop("last_processed_block")
        )

        chain_id = d.pop("chain_id", UNSET)

        _timestamp = d.pop("timestamp", UNSET)
        timestamp: datetime.datetime | Unset
        if isinstance(_timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = datetime.datetime.fromisoformat(_timestamp)

        last_processed_block_response = cls(
            subscription_id=subscription_id,
            last_processed_block=last_processed_block,
            chain_id=chain_id,
            timestamp=timestamp,
        )

        last_processed_block_response.additional_properties = d
        return last_processed_block_response

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
