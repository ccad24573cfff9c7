from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators

if TYPE_CHECKING:
    from ..models.abi_event import ABIEvent


T = TypeVar("T", bound="SubscriptionUpdate")


@_attrs_define
class SubscriptionUpdate:
    """Fields to change; absent fields keep their value.

    Example:
        {'end_block': 2000000}

    Attributes:
        topic0 (str | Unset): A 32-byte hash, 0x-prefixed hex.
        event_signature (ABIEvent | Unset): An ABI event definition, as compilers emit it. Example: {'type': 'event',
            'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address', 'indexed': True},
            {'name': 'to', 'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256', 'indexed': False}]}.
        addresses (list[str] | Unset):
        start_block (int | Unset):
        end_block (int | None | Unset):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        subscriber_id (str | Unset):
        is_streaming (bool | Unset):
        streaming_status (str | Unset):
        extra_events (list[ABIEvent] | None | Unset): Further events streamed by the same subscription (at most 15, each
            with its own topic0; not anonymous; null or absent: none). Batches key events by name, or by canonical signature
            where two events of the subscription share a name.
        topics (list[list[str] | None | str] | None | Unset): Indexed-argument filter: topic1..topic3 in order (at most
            3 positions; trailing ones may be left out). A log matches when each constrained position equals one of its
            alternatives. It applies to every event of the subscription. Example: [None,
            '0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8'].
    """

    topic0: str | Unset = UNSET
    event_signature: ABIEvent | Unset = UNSET
    addresses: list[str] | Unset = UNSET
    start_block: int | Unset = UNSET
    end_block: int | None | Unset = UNSET
    chain_id: int | Unset = UNSET
    subscriber_id: str | Unset = UNSET
    is_streaming: bool | Unset = UNSET
    streaming_status: str | Unset = UNSET
    extra_events: list[ABIEvent] | None | Unset = UNSET
    topics: list[list[str] | None | str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        topic0 = self.topic0

        event_signature: dict[str, Any] | Unset = UNSET
        if not isinstance(self.event_signature, Unset):
            event_signature = self.event_signature.to_dict()

        addresses: list[str] | Unset = UNSET
        if not isinstance(self.addresses, Unset):
            addresses = self.addresses

        start_block = self.start_block

        end_block: int | None | Unset
        if isinstance(self.end_block, Unset):
            end_block = UNSET
        else:
            end_block = self.end_block

        chain_id = self.chain_id

        subscriber_id = self.subscriber_id

        is_streaming = self.is_streaming

        streaming_status = self.streaming_status

        extra_events: list[dict[str, Any]] | None | Unset
        if isinstance(self.extra_events, Unset):
            extra_events = UNSET
        elif isinstance(self.extra_events, list):
            extra_events = []
            for componentsschemas_extra_events_type_0_item_data in self.extra_events:
                componentsschemas_extra_events_type_0_item = (
                    componentsschemas_extra_events_type_0_item_data.to_dict()
                )
                extra_events.append(componentsschemas_extra_events_type_0_item)

        else:
            extra_events = self.extra_events

        topics: list[list[str] | None | str] | None | Unset
        if isinstance(self.topics, Unset):
            topics = UNSET
        elif isinstance(self.topics, list):
            topics = []
            for componentsschemas_topic_filter_type_0_item_data in self.topics:
                componentsschemas_topic_filter_type_0_item: list[str] | None | str
                if isinstance(componentsschemas_topic_filter_type_0_item_data, list):
                    componentsschemas_topic_filter_type_0_item = (
                        componentsschemas_topic_filter_type_0_item_data
                    )

                else:
                    componentsschemas_topic_filter_type_0_item = (
                        componentsschemas_topic_filter_type_0_item_data
                    )
                topics.append(componentsschemas_topic_filter_type_0_item)

        else:
            topics = self.topics

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if topic0 is not UNSET:
            field_dict["topic0"] = topic0
        if event_signature is not UNSET:
            field_dict["event_signature"] = event_signature
        if addresses is not UNSET:
            field_dict["addresses"] = addresses
        if start_block is not UNSET:
            field_dict["start_block"] = start_block
        if end_block is not UNSET:
            field_dict["end_block"] = end_block
        if chain_id is not UNSET:
            field_dict["chain_id"] = chain_id
        if subscriber_id is not UNSET:
            field_dict["subscriber_id"] = subscriber_id
        if is_streaming is not UNSET:
            field_dict["is_streaming"] = is_streaming
        if streaming_status is not UNSET:
            field_dict["streaming_status"] = streaming_status
        if extra_events is not UNSET:
            field_dict["extra_events"] = extra_events
        if topics is not UNSET:
            field_dict["topics"] = topics

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.abi_event import ABIEvent  # noqa: PLC0415

        d = dict(src_dict)
        topic0 = d.pop("topic0", UNSET)

        _event_signature = d.pop("event_signature", UNSET)
        event_signature: ABIEvent | Unset
        if isinstance(_event_signature, Unset):
            event_signature = UNSET
        else:
            event_signature = ABIEvent.from_dict(_event_signature)

        addresses = cast(list[str], d.pop("addresses", UNSET))

        start_block = d.pop("start_block", UNSET)

        def _parse_end_block(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        end_block = _parse_end_block(d.pop("end_block", UNSET))

        chain_id = d.pop("chain_id", UNSET)

        subscriber_id = d.pop("subscriber_id", UNSET)

        is_streaming = d.pop("is_streaming", UNSET)

        streaming_status = d.pop("streaming_status", UNSET)

        def _parse_extra_events(data: object) -> list[ABIEvent] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_extra_events_type_0 = []
                _componentsschemas_extra_events_type_0 = data
                for (
                    componentsschemas_extra_events_type_0_item_data
                ) in _componentsschemas_extra_events_type_0:
                    componentsschemas_extra_events_type_0_item = ABIEvent.from_dict(
                        componentsschemas_extra_events_type_0_item_data
                    )

                    componentsschemas_extra_events_type_0.append(
                        componentsschemas_extra_events_type_0_item
                    )

                return componentsschemas_extra_events_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ABIEvent] | None | Unset, data)

        extra_events = _parse_extra_events(d.pop("extra_events", UNSET))

        def _parse_topics(data: object) -> list[list[str] | None | str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_topic_filter_type_0 = []
                _componentsschemas_topic_filter_type_0 = data
                for (
                    componentsschemas_topic_filter_type_0_item_data
                ) in _componentsschemas_topic_filter_type_0:

                    def _parse_componentsschemas_topic_filter_type_0_item(
                        data: object,
                    ) -> list[str] | None | str:
                        if data is None:
                            return data
                        try:
                            if not isinstance(data, list):
                                raise TypeError()
                            componentsschemas_topic_position_type_2 = cast(
                                list[str], data
                            )

                            return componentsschemas_topic_position_type_2
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(list[str] | None | str, data)

                    componentsschemas_topic_filter_type_0_item = (
                        _parse_componentsschemas_topic_filter_type_0_item(
                            componentsschemas_topic_filter_type_0_item_data
                        )
                    )

                    componentsschemas_topic_filter_type_0.append(
                        componentsschemas_topic_filter_type_0_item
                    )

                return componentsschemas_topic_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[str] | None | str] | None | Unset, data)

        topics = _parse_topics(d.pop("topics", UNSET))

        subscription_update = cls(
            topic0=topic0,
            event_signature=event_signature,
            addresses=addresses,
            start_block=start_block,
            end_block=end_block,
            chain_id=chain_id,
            subscriber_id=subscriber_id,
            is_streaming=is_streaming,
            streaming_status=streaming_status,
            extra_events=extra_events,
            topics=topics,
        )

        subscription_update.additional_properties = d
        return subscription_update

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
