from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="BackfillProgress")


@_attrs_define
class BackfillProgress:
    """Present while the subscription is catching up (more than one span behind the confirmed
    head, several spans fetched at once); absent when it follows the head.

        Example:
            {'from_block': 1000, 'to_block': 101000, 'blocks_done': 25000, 'blocks_total': 100001, 'logs': 4100,
                'logs_per_second': 820.5, 'concurrency': 6}

        Attributes:
            from_block (int): First block of this backfill.
            to_block (int): Block it walks to (the confirmed head when it started
            blocks_done (int):
            blocks_total (int):
            logs (int): Logs fetched and committed so far.
            logs_per_second (float):
            concurrency (int): Spans allowed in flight now (lowered on rate limits).
    """

    from_block: int
    to_block: int
    blocks_done: int
    blocks_total: int
    logs: int
    logs_per_second: float
    concurrency: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        from_block = self.from_block

        to_block = self.to_block

        blocks_done = self.blocks_done

        blocks_total = self.blocks_total

        logs = self.logs

        logs_per_second = self.logs_per_second

        concurrency = self.concurrency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from_block": from_block,
                "to_block": to_block,
                "blocks_done": blocks_done,
                "blocks_total": blocks_total,
                "logs": logs,
                "logs_per_second": logs_per_second,
                "concurrency": concurrency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_block = d.pop("from_block")

        to_block = d.pop("to_block")

        blocks_done = d.pop("blocks_done")

        blocks_total = d.pop("blocks_total")

        logs = d.pop("logs")

        logs_per_second = d.pop("logs_per_second")

        concurrency = d.pop("concurrency")

        backfill_progress = cls(
            from_block=from_block,
            to_block=to_block,
            blocks_done=blocks_done,
            blocks_total=blocks_total,
            logs=logs,
            logs_per_second=logs_per_second,
            concurrency=concurrency,
        )

        backfill_progress.additional_properties = d
        return backfill_progress

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
