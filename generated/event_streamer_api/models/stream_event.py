from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="StreamEvent")


@_attrs_define
class StreamEvent:
    """One decoded log: the event's named arguments (tuples as objects, arrays as lists, big
    integers as decimal strings, addresses EIP-55 checksummed, bytes as 0x-hex) plus metadata.

        Example:
            {'from': '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'to': '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
                'value': '1000000000000000000', 'block_number': 12, 'transaction_hash':
                '0x9d1c5e1f0c8f1f1d3c2b4a59687766554433221100ffeeddccbbaa9988776655', 'log_index': 0, 'address':
                '0x5FbDB2315678afecb367f032d93F642f64180aa3', 'timestamp': '2026-11-27T10:30:00Z', 'block_hash':
                '0x0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c', 'removed': False}

        Attributes:
            block_number (int):
            transaction_hash (str): A 32-byte hash, 0x-prefixed hex.
            log_index (int):
            address (str): A 20-byte address, 0x-prefixed hex (any case).
            timestamp (None | str | Unset): Block timestamp (ISO 8601).
            block_hash (str | Unset): A 32-byte hash, 0x-prefixed hex.
            removed (bool | Unset):
    """

    block_number: int
    transaction_hash: str
    log_index: int
    address: str
    timestamp: None | str = _attrs_field(default=None, converter=unset_to_none)
    block_hash: str | Unset = UNSET
    removed: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        block_number = self.block_number

        transaction_hash = self.transaction_hash

        log_index = self.log_index

        address = self.address

        timestamp: None | str | Unset
        if isinstance(self.timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = self.timestamp

        block_hash = self.block_hash

        removed = self.removed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "block_number": block_number,
                "transaction_hash": transaction_hash,
                "log_index": log_index,
                "address": address,
            }
        )
        if timestamp is not UNSET and timestamp is not None:
            field_dict["timestamp"] = timestamp
        if block_hash is not UNSET:
            field_dict["block_hash"] = block_hash
        if removed is not UNSET:
            field_dict["removed"] = removed

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        block_number = d.pop("block_number")

        transaction_hash = d.pop("transaction_hash")

        log_index = d.pop("log_index")

        address = d.pop("address")

        def _parse_timestamp(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timestamp = _parse_timestamp(d.pop("timestamp", UNSET))

        block_hash = d.pop("block_hash", UNSET)

        removed = d.pop("removed", UNSET)

        stream_event = cls(
            block_number=block_number,
            transaction_hash=transaction_hash,
            log_index=log_index,
            address=address,
            timestamp=timestamp,
            block_hash=block_hash,
            removed=removed,
        )

        stream_event.additional_properties = d
        return stream_event

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
