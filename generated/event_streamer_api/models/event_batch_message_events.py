from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

if TYPE_CHECKING:
    from ..models.stream_event import StreamEvent


T = TypeVar("T", bound="EventBatchMessageEvents")


@_attrs_define
class EventBatchMessageEvents(Mapping[str, "list[StreamEvent]"]):
    """Event name -> decoded events of that name, in chain order."""

    additional_properties: dict[str, list[StreamEvent]] = _attrs_field(
        init=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = []
            for additional_property_item_data in prop:
                additional_property_item = additional_property_item_data.to_dict()
                field_dict[prop_name].append(additional_property_item)

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stream_event import StreamEvent  # noqa: PLC0415

        d = dict(src_dict)
        event_batch_message_events = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = []
            _additional_property = prop_dict
            for additional_property_item_data in _additional_property:
                additional_property_item = StreamEvent.from_dict(
                    additional_property_item_data
                )

                additional_property.append(additional_property_item)

            additional_properties[prop_name] = additional_property

        event_batch_message_events.additional_properties = additional_properties
        return event_batch_message_events

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> list[StreamEvent]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: list[StreamEvent]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
