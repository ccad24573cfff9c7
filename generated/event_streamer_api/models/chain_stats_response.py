from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_list

if TYPE_CHECKING:
    from ..models.ingest_lease import IngestLease


T = TypeVar("T", bound="ChainStatsResponse")


@_attrs_define
class ChainStatsResponse:
    """
    Example:
        {'loaded': True, 'total_chains': 1, 'active_chains': 1, 'healthy_rpcs': 1, 'total_rpcs': 1,
            'supported_chain_ids': [31337], 'last_refresh': '2026-11-27T10:30:00Z', 'timestamp': '2026-11-27T10:30:00Z',
            'ingest_leases': [{'chain_id': 31337, 'owner': 'host-4242-9f2c01ab', 'token': 3, 'expires_at':
            '2026-11-27T10:30:08Z', 'active': True}]}

    Attributes:
        loaded (bool):
        total_chains (int):
        active_chains (int):
        healthy_rpcs (int):
        total_rpcs (int):
        supported_chain_ids (list[int]):
        last_refresh (datetime.datetime | None):
        timestamp (datetime.datetime):
        ingest_leases (list[IngestLease] | Unset): The ingestion lease of each active chain that has one.
    """

    loaded: bool
    total_chains: int
    active_chains: int
    healthy_rpcs: int
    total_rpcs: int
    supported_chain_ids: list[int]
    last_refresh: datetime.datetime | None
    timestamp: datetime.datetime
    ingest_leases: list[IngestLease] = _attrs_field(
        factory=list, converter=unset_to_list
    )
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

        ingest_leases: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.ingest_leases, Unset):
            ingest_leases = []
            for ingest_leases_item_data in self.ingest_leases:
                ingest_leases_item = ingest_leases_item_data.to_dict()
                ingest_leases.append(ingest_leases_item)

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
        if ingest_leases is not UNSET:
            field_dict["ingest_leases"] = ingest_leases

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingest_lease import IngestLease  # noqa: PLC0415

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

        _ingest_leases = d.pop("ingest_leases", UNSET)
        ingest_leases: list[IngestLease] | Unset = UNSET
        if _ingest_leases is not UNSET:
            ingest_leases = []
            for ingest_leases_item_data in _ingest_leases:
                ingest_leases_item = IngestLease.from_dict(ingest_leases_item_data)

                ingest_leases.append(ingest_leases_item)

        chain_stats_response = cls(
            loaded=loaded,
            total_chains=total_chains,
            active_chains=active_chains,
            healthy_rpcs=healthy_rpcs,
            total_rpcs=total_rpcs,
            supported_chain_ids=supported_chain_ids,
            last_refresh=last_refresh,
            timestamp=timestamp,
            ingest_leases=ingest_leases,
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
