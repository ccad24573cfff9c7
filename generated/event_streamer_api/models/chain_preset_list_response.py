from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

if TYPE_CHECKING:
    from ..models.chain_preset import ChainPreset


T = TypeVar("T", bound="ChainPresetListResponse")


@_attrs_define
class ChainPresetListResponse:
    """
    Example:
        {'presets': [{'key': 'base', 'chain_id': 8453, 'name': 'Base', 'average_block_time': 2.0, 'confirmation_blocks':
            10, 'max_blocks_per_request': 1000, 'supports_safe': True, 'supports_finalized': True}], 'timestamp':
            '2026-11-27T10:30:00Z'}

    Attributes:
        presets (list[ChainPreset]):
        timestamp (datetime.datetime):
    """

    presets: list[ChainPreset]
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        presets = []
        for presets_item_data in self.presets:
            presets_item = presets_item_data.to_dict()
            presets.append(presets_item)

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "presets": presets,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chain_preset import ChainPreset  # noqa: PLC0415

        d = dict(src_dict)
        presets = []
        _presets = d.pop("presets")
        for presets_item_data in _presets:
            presets_item = ChainPreset.from_dict(presets_item_data)

            presets.append(presets_item)

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        chain_preset_list_response = cls(
            presets=presets,
            timestamp=timestamp,
        )

        chain_preset_list_response.additional_properties = d
        return chain_preset_list_response

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
