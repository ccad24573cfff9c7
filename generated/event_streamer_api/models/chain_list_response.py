from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

if TYPE_CHECKING:
    from ..models.chain_config import ChainConfig


T = TypeVar("T", bound="ChainListResponse")


@_attrs_define
class ChainListResponse:
    """
    Example:
        {'chains': [{'chain_id': 31337, 'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time':
            1.0, 'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}], 'total_chains': 1,
            'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        chains (list[ChainConfig]):
        total_chains (int):
        timestamp (datetime.datetime):
    """

    chains: list[ChainConfig]
    total_chains: int
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        chains = []
        for chains_item_data in self.chains:
            chains_item = chains_item_data.to_dict()
            chains.append(chains_item)

        total_chains = self.total_chains

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chains": chains,
                "total_chains": total_chains,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chain_config import ChainConfig  # noqa: PLC0415

        d = dict(src_dict)
        chains = []
        _chains = d.pop("chains")
        for chains_item_data in _chains:
            chains_item = ChainConfig.from_dict(chains_item_data)

            chains.append(chains_item)

        total_chains = d.pop("total_chains")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        chain_list_response = cls(
            chains=chains,
            total_chains=total_chains,
            timestamp=timestamp,
        )

        chain_list_response.additional_properties = d
        return chain_list_response

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
