from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="ChainStatsResponse")


@_attrs_define
class ChainStatsResponse:
    """
    Example:
        {'loaded': True, 'total_chains': 1, 'active_chains': 1, 'healthy_rpcs': 1, 'total_rpcs': 1,
            'supported_chain_ids': [31337], 'last_refresh': '2026-11-27T10:30:00Z', 'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        loaded (bool):
        total_chains (int):
        active_chains (int):
        healthy_rpcs (int):
        total_rpcs (int):
        supported_chain_ids (list[int]):
        last_refresh (datetime.datetime | None):
        timestamp (datetime.datetime):
    """

    loaded: bool
    total_chains: int
    active_chains: int
    healthy_rpcs: int
    total_rpcs: int
    supported_chain_ids: list[int]
    last_refresh: datetime.datetime | None
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        loaded = self.loaded

        total_chains = self.total_chains

        active_chains = self.active_chains

        healthy_rpcs = self.healthy_rpcs

        total_rpcs = self.total_rpcs

        supported_chain_ids = self.supported_chain_ids

        last_refresh: None | str
        if isinstance(self.last_refresh, datetime.datetime):
            last_refresh = self.last_refresh.isoformat()
        else:
            last_refresh = self.last_refresh

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "loaded": loaded,
                "total_chains": total_chains,
                "active_chains": active_chains,
                "healthy_rpcs": healthy_rpcs,
                "total_rpcs": total_rpcs,
                "supported_chain_ids": supported_chain_ids,
                "last_refresh": last_refresh,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        loaded = d.pop("loaded")

        total_chains = d.pop("total_chains")

        active_chains = d.pop("active_chains")

        healthy_rpcs = d.pop("healthy_rpcs")

        total_rpcs = d.pop("total_rpcs")

        supported_chain_ids = cast(list[int], d.pop("supported_chain_ids"))

        def _parse_last_refresh(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_refresh_type_0 = datetime.datetime.fromisoformat(data)

                return last_refresh_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_refresh = _parse_last_refresh(d.pop("last_refresh"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        chain_stats_response = cls(
            loaded=loaded,
            total_chains=total_chains,
            active_chains=active_chains,
            healthy_rpcs=healthy_rpcs,
            total_rpcs=total_rpcs,
            supported_chain_ids=supported_chain_ids,
            last_refresh=last_refresh,
            timestamp=timestamp,
        )

        chain_stats_response.additional_properties = d
        return chain_stats_response

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
