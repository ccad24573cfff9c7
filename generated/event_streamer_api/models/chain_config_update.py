from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.chain_status import ChainStatus, check_chain_status
from ..models.finality_mode import FinalityMode, check_finality_mode
from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="ChainConfigUpdate")


@_attrs_define
class ChainConfigUpdate:
    """Fields to change; absent fields keep their value.

    Example:
        {'rpc_urls': ['http://127.0.0.1:8545', 'http://127.0.0.1:8546']}

    Attributes:
        name (str | Unset):
        rpc_urls (list[str] | Unset):
        average_block_time (float | Unset):
        max_blocks_per_request (int | Unset):
        confirmation_blocks (int | Unset):
        max_concurrent_requests (int | Unset):
        status (ChainStatus | Unset):
        ws_url (None | str | Unset): Optional WebSocket endpoint of the node; null turns the push off; the service
            subscribes to newHeads there and ingests as soon as a block arrives (polling stays the fallback).
        finality (FinalityMode | Unset): How far ingestion goes: `confirmations` (default) delivers blocks
            `confirmation_blocks` below the head; `safe` and `finalized` deliver up to the block the node reports under that
            block tag (the chain must support it; checked when set).
    """

    name: str | Unset = UNSET
    rpc_urls: list[str] | Unset = UNSET
    average_block_time: float | Unset = UNSET
    max_blocks_per_request: int | Unset = UNSET
    confirmation_blocks: int | Unset = UNSET
    max_concurrent_requests: int | Unset = UNSET
    status: ChainStatus | Unset = UNSET
    ws_url: None | str | Unset = UNSET
    finality: FinalityMode | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        rpc_urls: list[str] | Unset = UNSET
        if not isinstance(self.rpc_urls, Unset):
            rpc_urls = self.rpc_urls

        average_block_time = self.average_block_time

        max_blocks_per_request = self.max_blocks_per_request

        confirmation_blocks = self.confirmation_blocks

        max_concurrent_requests = self.max_concurrent_requests

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        ws_url: None | str | Unset
        if isinstance(self.ws_url, Unset):
            ws_url = UNSET
        else:
            ws_url = self.ws_url

        finality: str | Unset = UNSET
        if not isinstance(self.finality, Unset):
            finality = self.finality

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if rpc_urls is not UNSET:
            field_dict["rpc_urls"] = rpc_urls
        if average_block_time is not UNSET:
            field_dict["average_block_time"] = average_block_time
        if max_blocks_per_request is not UNSET:
            field_dict["max_blocks_per_request"] = max_blocks_per_request
        if confirmation_blocks is not UNSET:
            field_dict["confirmation_blocks"] = confirmation_blocks
        if max_concurrent_requests is not UNSET:
            field_dict["max_concurrent_requests"] = max_concurrent_requests
        if status is not UNSET:
            field_dict["status"] = status
        if ws_url is not UNSET:
            field_dict["ws_url"] = ws_url
        if finality is not UNSET:
            field_dict["finality"] = finality

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        rpc_urls = cast(list[str], d.pop("rpc_urls", UNSET))

        average_block_time = d.pop("average_block_time", UNSET)

        max_blocks_per_request = d.pop("max_blocks_per_request", UNSET)

        confirmation_blocks = d.pop("confirmation_blocks", UNSET)

        max_concurrent_requests = d.pop("max_concurrent_requests", UNSET)

        _status = d.pop("status", UNSET)
        status: ChainStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_chain_status(_status)

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

        chain_config_update = cls(
            name=name,
            rpc_urls=rpc_urls,
            average_block_time=average_block_time,
            max_blocks_per_request=max_blocks_per_request,
            confirmation_blocks=confirmation_blocks,
            max_concurrent_requests=max_concurrent_requests,
            status=status,
            ws_url=ws_url,
            finality=finality,
        )

        chain_config_update.additional_properties = d
        return chain_config_update

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
