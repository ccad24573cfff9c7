from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.start_block_tag import StartBlockTag, check_start_block_tag
from ..types import UNSET, Unset, run_validators, unset_to_list, unset_to_none

if TYPE_CHECKING:
    from ..models.abi_event import ABIEvent


T = TypeVar("T", bound="SubscriptionCreate")


@_attrs_define
class SubscriptionCreate:
    """
    Example:
        {'topic0': '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature': {'type':
            'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address', 'indexed':
            True}, {'name': 'to', 'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256', 'indexed':
            False}]}, 'addresses': ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block': None,
            'chain_id': 31337, 'subscriber_id': 'my-app', 'extra_events': [{'type': 'event', 'name': 'Approval',
            'anonymous': False, 'inputs': [{'name': 'owner', 'type': 'address', 'indexed': True}, {'name': 'spender',
            'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256', 'indexed': False}]}], 'topics':
            ['0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8']}

    Attributes:
        topic0 (str): A 32-byte hash, 0x-prefixed hex.
        event_signature (ABIEvent): An ABI event definition, as compilers emit it. Example: {'type': 'event', 'name':
            'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address', 'indexed': True}, {'name': 'to',
            'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256', 'indexed': False}]}.
        start_block (int | StartBlockTag): First block to deliver; `latest` or `finalized` is resolved through the
            chain's node once, at creation, and stored (and returned) as a number.
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        addresses (list[str] | Unset): Contracts to watch; empty means any address.
        end_block (int | None | Unset): Last block to deliver; null follows the chain head.
        subscriber_id (str | Unset): Owner of the subscription; the SDK fills in its own subscriber id. Defaults to
            `default`.
        extra_events (list[ABIEvent] | None | Unset): Further events streamed by the same subscription (at most 15, each
            with its own topic0; not anonymous; null or absent: none). Batches key events by name, or by canonical signature
            where two events of the subscription share a name.
        topics (list[list[str] | None | str] | None | Unset): Indexed-argument filter: topic1..topic3 in order (at most
            3 positions; trailing ones may be left out). A log matches when each constrained position equals one of its
            alternatives. It applies to every event of the subscription. Example: [None,
            '0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8'].
    """

    topic0: str
    event_signature: ABIEvent
    start_block: int | StartBlockTag
    chain_id: int
    addresses: list[str] = _attrs_field(factory=list, converter=unset_to_list)
    end_block: int | None = _attrs_field(default=None, converter=unset_to_none)
    subscriber_id: str | Unset = UNSET
    extra_events: list[ABIEvent] | None = _attrs_field(
        default=None, converter=unset_to_none
    )
    topics: list[list[str] | None | str] | None = _attrs_field(
        default=None, converter=unset_to_none
    )
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        topic0 = self.topic0

        event_signature = self.event_signature.to_dict()

        start_block: int | str
        if isinstance(self.start_block, str):
            start_block = self.start_block
        else:
            start_block = self.start_block

        chain_id = self.chain_id

        addresses: list[str] | Unset = UNSET
        if not isinstance(self.addresses, Unset):
            addresses = self.addresses

        end_block: int | None | Unset
        if isinstance(self.end_block, Unset):
            end_block = UNSET
        else:
            end_block = self.end_block

        subscriber_id = self.subscriber_id

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
        field_dict.update(
            {
                "topic0": topic0,
                "event_signature": event_signature,
                "start_block": start_block,
                "chain_id": chain_id,
            }
        )
        if addresses is not UNSET:
            field_dict["addresses"] = addresses
        if end_block is not UNSET and end_block is not None:
            field_dict["end_block"] = end_block
        if subscriber_id is not UNSET:
            field_dict["subscriber_id"] = subscriber_id
        if extra_events is not UNSET and extra_events is not None:
            field_dict["extra_events"] = extra_events
        if topics is not UNSET and topics is not None:
            field_dict["topics"] = topics

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.abi_event import ABIEvent  # noqa: PLC0415

        d = dict(src_dict)
        topic0 = d.pop("topic0")

        event_signature = ABIEvent.from_dict(d.pop("event_signature"))

        def _parse_start_block(data: object) -> int | StartBlockTag:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_block_type_1 = check_start_block_tag(data)

                return start_block_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(int | StartBlockTag, data)

        start_block = _parse_start_block(d.pop("start_block"))

        chain_id = d.pop("chain_id")

        addresses = cast(list[str], d.pop("addresses", UNSET))

        def _parse_end_block(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        end_block = _parse_end_block(d.pop("end_block", UNSET))

        subscriber_id = d.pop("subscriber_id", UNSET)

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

        subscription_create = cls(
            topic0=topic0,
            event_signature=event_signature,
            start_block=start_block,
            chain_id=chain_id,
            addresses=addresses,
            end_block=end_block,
            subscriber_id=subscriber_id,
            extra_events=extra_events,
            topics=topics,
        )

        subscription_create.additional_properties = d
        return subscription_create

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
