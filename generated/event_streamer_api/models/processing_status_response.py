from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

if TYPE_CHECKING:
    from ..models.backfill_progress import BackfillProgress
    from ..models.ingest_lease import IngestLease


T = TypeVar("T", bound="ProcessingStatusResponse")


@_attrs_define
class ProcessingStatusResponse:
    """
    Example:
        {'subscription_id': 1, 'is_processing': True, 'connection_count': 1, 'streaming_status': 'active',
            'last_processed_block': 120, 'timestamp': '2026-11-27T10:30:00Z'}

    Attributes:
        subscription_id (int):
        is_processing (bool):
        connection_count (int):
        timestamp (datetime.datetime):
        streaming_status (str | Unset): Same values as on the subscription.
        last_processed_block (int | None | Unset):
        backfill (BackfillProgress | Unset): Present while the subscription is catching up (more than one span behind
            the confirmed
            head, several spans fetched at once); absent when it follows the head.
             Example: {'from_block': 1000, 'to_block': 101000, 'blocks_done': 25000, 'blocks_total': 100001, 'logs': 4100,
            'logs_per_second': 820.5, 'concurrency': 6}.
        ingest_lease (IngestLease | Unset): Which service instance ingests a chain. Several instances share one
            database; one at a time holds a chain's lease, renews it, and fences its writes with the token, which grows on
            every hand-over.
    """

    subscription_id: int
    is_processing: bool
    connection_count: int
    timestamp: datetime.datetime
    streaming_status: str | Unset = UNSET
    last_processed_block: int | None = _attrs_field(
        default=None, converter=unset_to_none
    )
    backfill: BackfillProgress | Unset = UNSET
    ingest_lease: IngestLease | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        subscription_id = self.subscription_id

        is_processing = self.is_processing

        connection_count = self.connection_count

        timestamp = self.timestamp.isoformat()

        streaming_status = self.streaming_status

        last_processed_block: int | None | Unset
        if isinstance(self.last_processed_block, Unset):
            last_processed_block = UNSET
        else:
            last_processed_block = self.last_processed_block

        backfill: dict[str, Any] | Unset = UNSET
        if not isinstance(self.backfill, Unset):
            backfill = self.backfill.to_dict()

        ingest_lease: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ingest_lease, Unset):
            ingest_lease = self.ingest_lease.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscription_id": subscription_id,
                "is_processing": is_processing,
                "connection_count": connection_count,
                "timestamp": timestamp,
            }
        )
        if streaming_status is not UNSET:
            field_dict["streaming_status"] = streaming_status
        if last_processed_block is not UNSET and last_processed_block is not None:
            field_dict["last_processed_block"] = last_processed_block
        if backfill is not UNSET:
            field_dict["backfill"] = backfill
        if ingest_lease is not UNSET:
            field_dict["ingest_lease"] = ingest_lease

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backfill_progress import BackfillProgress  # noqa: PLC0415
        from ..models.ingest_lease import IngestLease  # noqa: PLC0415

        d = dict(src_dict)
        subscription_id = d.pop("subscription_id")

        is_processing = d.pop("is_processing")

        connection_count = d.pop("connection_count")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        streaming_status = d.pop("streaming_status", UNSET)

        def _parse_last_processed_block(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_processed_block = _parse_last_processed_block(
            d.pop("last_processed_block", UNSET)
        )

        _backfill = d.pop("backfill", UNSET)
        backfill: BackfillProgress | Unset
        if isinstance(_backfill, Unset):
            backfill = UNSET
        else:
            backfill = BackfillProgress.from_dict(_backfill)

        _ingest_lease = d.pop("ingest_lease", UNSET)
        ingest_lease: IngestLease | Unset
        if isinstance(_ingest_lease, Unset):
            ingest_lease = UNSET
        else:
            ingest_lease = IngestLease.from_dict(_ingest_lease)

        processing_status_response = cls(
            subscription_id=subscription_id,
            is_processing=is_processing,
            connection_count=connection_count,
            timestamp=timestamp,
            streaming_status=streaming_status,
            last_processed_block=last_processed_block,
            backfill=backfill,
            ingest_lease=ingest_lease,
        )

        processing_status_response.additional_properties = d
        return processing_status_response

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
