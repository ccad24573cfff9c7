from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.chain_status import ChainStatus, check_chain_status
from ..models.finality_mode import FinalityMode, check_finality_mode
from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="ChainConfigRequest")


@_attrs_define
class ChainConfigRequest:
    """A chain to add. `chain_id` and `name` are required unless `preset` names a chain preset (see `GET
    /api/chains/presets`), which fills in every field it knows; fields given explicitly win over the preset's.

        Example:
            {'chain_id': 31337, 'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
                'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}

        Attributes:
            rpc_urls (list[str]): JSON-RPC endpoints in failover order.
            preset (str | Unset): A chain preset's key (`ethereum`, `base`, ...) or chain id as a string; the preset's
                fields are the defaults of this request.
            chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
            name (str | Unset):
            average_block_time (float | Unset): Seconds; sets the head poll interval. Default: 12.0.
            max_blocks_per_request (int | Unset): Block span of one eth_getLogs call. Default: 2000.
            confirmation_blocks (int | Unset): Blocks a log must be buried under before delivery. Default: 12.
            max_concurrent_requests (int | Unset): eth_getLogs spans fetched at once while far behind the head (default 6;
                committed in block order; lowered automatically on rate limits). Following the head is one span at a time.
            status (ChainStatus | Unset):
            historical_rpc_url (None | str | Unset): Accepted for compatibility; appended to rpc_urls when not already
                there.
            live_websocket_url (None | str | Unset): Accepted for compatibility; used as ws_url when ws_url is absent.
            ws_url (None | str | Unset): Optional WebSocket endpoint of the node; the service subscribes to newHeads there
                and ingests as soon as a block arrives (polling stays the fallback).
            finality (FinalityMode | Unset): How far ingestion goes: `confirmations` (default) delivers blocks
                `confirmation_blocks` below the head; `safe` and `finalized` deliver up to the block the node reports under that
                block tag (the chain must support it; checked when set).
    """

    rpc_urls: list[str]
    preset: str | Unset = UNSET
    chain_id: int | Unset = UNSET
    name: str | Unset = UNSET
    average_block_time: float | Unset = 12.0
    max_blocks_per_request: int | Unset = 2000
    confirmation_blocks: int | Unset = 12
    max_concurrent_requests: int | Unset = UNSET
    status: ChainStatus | Unset = UNSET
    historical_rpc_url: None | str = _attrs_field(default=None, converter=unset_to_none)
    live_websocket_url: None | str = _attrs_field(default=None, converter=unset_to_none)
    ws_url: None | str = _attrs_field(default=None, converter=unset_to_none)
    finality: FinalityMode | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        rpc_urls = self.rpc_urls

        preset = self.preset

        chain_id = self.chain_id

        name = self.name

        average_block_time = self.average_block_time

        max_blocks_per_request = self.max_blocks_per_request

        confirmation_blocks = self.confirmation_blocks

        max_concurrent_requests = self.max_concurrent_requests

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        historical_rpc_url: None | str | Unset
        if isinstance(self.historical_rpc_url, Unset):
            historical_rpc_url = UNSET
        else:
            historical_rpc_url = self.historical_rpc_url

        live_websocket_url: None | str | Unset
        if isinstance(self.live_websocket_url, Unset):
            live_websocket_url = UNSET
        else:
            live_websocket_url = self.live_websocket_url

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
        field_dict.update(
            {
                "rpc_urls": rpc_urls,
            }
        )
        if preset is not UNSET:
            field_dict["preset"] = preset
        if chain_id is not UNSET:
            field_dict["chain_id"] = chain_id
        if name is not UNSET:
            field_dict["name"] = name
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
        if historical_rpc_url is not UNSET and historical_rpc_url is not None:
            field_dict["historical_rpc_url"] = historical_rpc_url
        if live_websocket_url is not UNSET and live_websocket_url is not None:
            field_dict["live_websocket_url"] = live_websocket_url
        if ws_url is not UNSET and ws_url is not None:
            field_dict["ws_url"] = ws_url
        if finality is not UNSET:
            field_dict["finality"] = finality

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rpc_urls = cast(list[str], d.pop("rpc_urls"))

        preset = d.pop("preset", UNSET)

        chain_id = d.pop("chain_id", UNSET)

        name = d.pop("name", UNSET)

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

        def _parse_historical_rpc_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        historical_rpc_url = _parse_historical_rpc_url(
            d.pop("historical_rpc_url", UNSET)
        )

        def _parse_live_websocket_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        live_websocket_url = _parse_live_websocket_url(
            d.pop("live_websocket_url", UNSET)
        )

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

        chain_config_request = cls(
            rpc_urls=rpc_urls,
            preset=preset,
            chain_id=chain_id,
            name=name,
            average_block_time=average_block_time,
            max_blocks_per_request=max_blocks_per_request,
            confirmation_blocks=confirmation_blocks,
            max_concurrent_requests=max_concurrent_requests,
            status=status,
            historical_rpc_url=historical_rpc_url,
            live_websocket_url=live_websocket_url,
            ws_url=ws_url,
            finality=finality,
        )

        chain_config_request.additional_properties = d
        return chain_config_request

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
