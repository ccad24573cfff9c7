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


T = TypeVar("T", bound="ChainConfigResponse")


@_attrs_define
class ChainConfigResponse:
    """
    Example:
        {'message': 'Chain created', 'chain_id': 31337, 'timestamp': '2026-11-27T10:30:00Z', 'chain': {'chain_id':
            31337, 'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}}

    Attributes:
        message (str):
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        timestamp (datetime.datetime):
        chain (ChainConfig):  Example: {'chain_id': 31337, 'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'],
            'average_block_time': 1.0, 'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active',
            'created_at': '2026-11-27T10:30:00Z', 'updated_at': '2026-11-27T10:30:00Z'}.
    """

    message: str
    chain_id: int
    timestamp: datetime.datetime
    chain: ChainConfig
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        chain_id = self.chain_id

        timestamp = self.timestamp.isoformat()

        chain = self.chain.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "chain_id": chain_id,
                "timestamp": timestamp,
                "chain": chain,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chain_config import ChainConfig  # noqa: PLC0415

        d = dict(src_dict)
        message = d.pop("message")

        chain_id = d.pop("chain_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        chain = ChainConfig.from_dict(d.pop("chain"))

        chain_config_response = cls(
            message=message,
            chain_id=chain_id,
            timestamp=timestamp,
            chain=chain,
        )

        chain_config_response.additional_properties = d
        return chain_config_response

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
