from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.chain_status import ChainStatus, check_chain_status
from ..models.finality_mode import FinalityMode, check_finality_mode
from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="ChainConfig")


@_attrs_define
class ChainConfig:
    """
    Example:
        {'chain_id': 31337, 'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active', 'created_at':
            '2026-11-27T10:30:00Z', 'updated_at': '2026-11-27T10:30:00Z'}

    Attributes:
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        name (str):
        rpc_urls (list[str]):
        average_block_time (float):
        max_blocks_per_request (int):
        confirmation_blocks (int):
        status (ChainStatus):
        max_concurrent_requests (int | Unset): eth_getLogs spans fetched at once during backfill.
        ws_url (None | str | Unset): WebSocket endpoint for newHeads push (null - polling only).
        finality (FinalityMode | Unset): How far ingestion goes: `confirmations` (default) delivers blocks
            `confirmation_blocks` below the head; `safe` and `finalized` deliver up to the block the node reports under that
            block tag (the chain must support it; checked when set).
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    chain_id: int
    name: str
    rpc_urls: list[str]
    average_block_time: float
    max_blocks_per_request: int
    confirmation_blocks: int
    status: ChainStatus
    max_concurrent_requests: int | Unset = UNSET
    ws_url: None | str = _attrs_field(default=None, converter=unset_to_none)
    finality: FinalityMode | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        chain_id = self.chain_id

        name = self.name

        rpc_urls = self.rpc_urls

        average_block_time = self.average_block_time

        max_blocks_per_request = self.max_blocks_per_request

        confirmation_blocks = self.confirmation_blocks

        status: str = self.status

        max_concurrent_requests = self.max_concurrent_requests

        ws_url: None | str | Unset
        if isinstance(self.ws_url, Unset):
            ws_url = UNSET
        else:
            ws_url = self.ws_url

        finality: str | Unset = UNSET
        if not isinstance(self.finality, Unset):
            finality = self.finality

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chain_id": chain_id,
                "name": name,
                "rpc_urls": rpc_urls,
                "average_block_time": average_block_time,
                "max_blocks_per_request": max_blocks_per_request,
                "confirmation_blocks": confirmation_blocks,
                "status": status,
            }
        )
        if max_concurrent_requests is not UNSET:
            field_dict["max_concurrent_requests"] = max_concurrent_requests
        if ws_url is not UNSET and ws_url is not None:
            field_dict["ws_url"] = ws_url
        if finality is not UNSET:
            field_dict["finality"] = finality
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        chain_id = d.pop("chain_id")

        name = d.pop("name")

        rpc_urls = cast(list[str], d.pop("rpc_urls"))

        average_block_time = d.pop("average_block_time")

        max_blocks_per_request = d.pop("max_blocks_per_request")

        confirmation_blocks = d.pop("confirmation_blocks")

        status = check_chain_status(d.pop("status"))

        max_concurrent_requests = d.pop("max_concurrent_requests", UNSET)

        def _parse_ws_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ws_url = _parse_ws_url(d.pop("ws_url", UNSET))

        _finality = d.pop("finality", UNSET)
        finality: FinalityMode | Unset
        if isinstance(_finality, Unset):
            finality = UNSET
        else:
            finality = check_finality_mode(_finality)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        chain_config = cls(
            chain_id=chain_id,
            name=name,
            rpc_urls=rpc_urls,
            average_block_time=average_block_time,
            max_blocks_per_request=max_blocks_per_request,
            confirmation_blocks=confirmation_blocks,
            status=status,
            max_concurrent_requests=max_concurrent_requests,
            ws_url=ws_url,
            finality=finality,
            created_at=created_at,
            updated_at=updated_at,
        )

        chain_config.additional_properties = d
        return chain_config

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
