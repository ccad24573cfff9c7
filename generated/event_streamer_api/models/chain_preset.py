from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="ChainPreset")


@_attrs_define
class ChainPreset:
    """
    Example:
        {'key': 'base', 'chain_id': 8453, 'name': 'Base', 'average_block_time': 2.0, 'confirmation_blocks': 10,
            'max_blocks_per_request': 1000, 'supports_safe': True, 'supports_finalized': True}

    Attributes:
        key (str): The name to pass as `preset`.
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        name (str):
        average_block_time (float): Seconds.
        confirmation_blocks (int): Default depth in `confirmations` mode.
        max_blocks_per_request (int): A conservative eth_getLogs span.
        supports_safe (bool): Whether the network's nodes answer the `safe` block tag.
        supports_finalized (bool): Whether the network's nodes answer the `finalized` block tag.
    """

    key: str
    chain_id: int
    name: str
    average_block_time: float
    confirmation_blocks: int
    max_blocks_per_request: int
    supports_safe: bool
    supports_finalized: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        chain_id = self.chain_id

        name = self.name

        average_block_time = self.average_block_time

        confirmation_blocks = self.confirmation_blocks

        max_blocks_per_request = self.max_blocks_per_request

        supports_safe = self.supports_safe

        supports_finalized = self.supports_finalized

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "chain_id": chain_id,
                "name": name,
                "average_block_time": average_block_time,
                "confirmation_blocks": confirmation_blocks,
                "max_blocks_per_request": max_blocks_per_request,
                "supports_safe": supports_safe,
                "supports_finalized": supports_finalized,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        chain_id = d.pop("chain_id")

        name = d.pop("name")

        average_block_time = d.pop("average_block_time")

        confirmation_blocks = d.pop("confirmation_blocks")

        max_blocks_per_request = d.pop("max_blocks_per_request")

        supports_safe = d.pop("supports_safe")

        supports_finalized = d.pop("supports_finalized")

        chain_preset = cls(
            key=key,
            chain_id=chain_id,
            name=name,
            average_block_time=average_block_time,
            confirmation_blocks=confirmation_blocks,
            max_blocks_per_request=max_blocks_per_request,
            supports_safe=supports_safe,
            supports_finalized=supports_finalized,
        )

        chain_preset.additional_properties = d
        return chain_preset

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
