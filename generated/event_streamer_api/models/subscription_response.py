from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

if TYPE_CHECKING:
    from ..models.abi_event import ABIEvent


T = TypeVar("T", bound="SubscriptionResponse")


@_attrs_define
class SubscriptionResponse:
    """
    Example:
        {'id': 1, 'topic0': '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature':
            {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address',
            'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256',
            'indexed': False}]}, 'addresses': ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block':
            None, 'last_processed_block': 120, 'chain_id': 31337, 'subscriber_id': 'my-app', 'is_streaming': True,
            'streaming_status': 'active', 'resume_token': 'rt_eyJzIjoxLCJwIjo0fQ.c2lnbmF0dXJl', 'last_event_id': None,
            'events_delivered': 400, 'created_at': '2026-11-27T10:30:00Z', 'updated_at': '2026-11-27T10:31:00Z',
            'extra_events': [], 'topics': None}

    Attributes:
        id (int):
        topic0 (str): A 32-byte hash, 0x-prefixed hex.
        event_signature (ABIEvent): An ABI event definition, as compilers emit it. Example: {'type': 'event', 'name':
            'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address', 'indexed': True}, {'name': 'to',
            'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256', 'indexed': False}]}.
        addresses (list[str]):
        start_block (int):
        end_block (int | None):
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        subscriber_id (str):
        is_streaming (bool): Whether at least one stream is open.
        streaming_status (str): `idle`, `active` (streams open), `completed` (end_block reached and everything
            acknowledged) or `error`.
        events_delivered (int): Events in acknowledged batches.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        last_processed_block (int | None | Unset): Last block whose events are stored for delivery.
        resume_token (None | str | Unset): Token after the last acknowledged batch.
        last_event_id (None | str | Unset):
        extra_events (list[ABIEvent] | None | Unset): Further events streamed by the same subscription (at most 15, each
            with its own topic0; not anonymous; null or absent: none). Batches key events by name, or by canonical signature
            where two events of the subscription share a name.
        topics (list[list[str] | None | str] | None | Unset): Indexed-argument filter: topic1..topic3 in order (at most
            3 positions; trailing ones may be left out). A log matches when each constrained position equals one of its
            alternatives. It applies to every event of the subscription. Example: [None,
            '0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8'].
    """

    id: int
    topic0: str
    event_signature: ABIEvent
    addresses: list[str]
    start_block: int
    end_block: int | None
    chain_id: int
    subscriber_id: str
    is_streaming: bool
    streaming_status: str
    events_delivered: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    last_processed_block: int | None = _attrs_field(
        default=None, converter=unset_to_none
    )
    resume_token: None | str = _attrs_field(default=None, converter=unset_to_none)
    last_event_id: None | str = _attrs_field(default=None, converter=unset_to_none)
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
        id = self.id

        topic0 = self.topic0

        event_signature = self.event_signature.to_dict()

        addresses = self.addresses

        start_block = self.start_block

        end_block: int | None
        end_block = self.end_block

        chain_id = self.chain_id

        subscriber_id = self.subscriber_id

        is_streaming = self.is_streaming

        streaming_status = self.streaming_status

        events_delivered = self.events_delivered

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        last_processed_block: int | None | Unset
        if isinstance(self.last_processed_block, Unset):
            last_processed_block = UNSET
        else:
            last_processed_block = self.last_processed_block

        resume_token: None | str | Unset
        if isinstance(self.resume_token, Unset):
            resume_token = UNSET
        else:
            resume_token = self.resume_token

        last_event_id: None | str | Unset
        if isinstance(self.last_event_id, Unset):
            last_event_id = UNSET
        else:
            last_event_id = self.last_event_id

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
                "id": id,
                "topic0": topic0,
                "event_signature": event_signature,
                "addresses": addresses,
                "start_block": start_block,
                "end_block": end_block,
                "chain_id": chain_id,
                "subscriber_id": subscriber_id,
                "is_streaming": is_streaming,
                "streaming_status": streaming_status,
                "events_delivered": events_delivered,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if last_processed_block is not UNSET and last_processed_block is not None:
            field_dict["last_processed_block"] = last_processed_block
        if resume_token is not UNSET and resume_token is not None:
            field_dict["resume_token"] = resume_token
        if last_event_id is not UNSET and last_event_id is not None:
            field_dict["last_event_id"] = last_event_id
        if extra_events is not UNSET and extra_events is not None:
            field_dict["extra_events"] = extra_events
        if topics is not UNSET and topics is not None:
            field_dict["topics"] = topics

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.abi_event import ABIEvent  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        topic0 = d.pop("topic0")

        event_signature = ABIEvent.from_dict(d.pop("event_signature"))

        addresses = cast(list[str], d.pop("addresses"))

        start_block = d.pop("start_block")

        def _parse_end_block(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        end_block = _parse_end_block(d.pop("end_block"))

        chain_id = d.pop("chain_id")

        subscriber_id = d.pop("subscriber_id")

        is_streaming = d.pop("is_streaming")

        streaming_status = d.pop("streaming_status")

        events_delivered = d.pop("events_delivered")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_last_processed_block(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_processed_block = _parse_last_processed_block(
            d.pop("last_processed_block", UNSET)
        )

        def _parse_resume_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resume_token = _parse_resume_token(d.pop("resume_token", UNSET))

        def _parse_last_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_event_id = _parse_last_event_id(d.pop("last_event_id", UNSET))

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

        subscription_response = cls(
            id=id,
            topic0=topic0,
            event_signature=event_signature,
            addresses=addresses,
            start_block=start_block,
            end_block=end_block,
            chain_id=chain_id,
            subscriber_id=subscriber_id,
            is_streaming=is_streaming,
            streaming_status=streaming_status,
            events_delivered=events_delivered,
            created_at=created_at,
            updated_at=updated_at,
            last_processed_block=last_processed_block,
            resume_token=resume_token,
            last_event_id=last_event_id,
            extra_events=extra_events,
            topics=topics,
        )

        subscription_response.additional_properties = d
        return subscription_response

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
