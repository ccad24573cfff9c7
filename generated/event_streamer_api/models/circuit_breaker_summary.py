from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="CircuitBreakerSummary")


@_attrs_define
class CircuitBreakerSummary:
    """
    Attributes:
        total (int):
        closed (int):
        open_ (int):
        half_open (int):
    """

    total: int
    closed: int
    open_: int = _attrs_field(alias="open")
    half_open: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        closed = self.closed

        open_ = self.open_

        half_open = self.half_open

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "closed": closed,
                "open": open_,
                "half_open": half_open,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total")

        closed = d.pop("closed")

        open_ = d.pop("open")

        half_open = d.pop("half_open")

        circuit_breaker_summary = cls(
            total=total,
            closed=closed,
            open=open_,
            half_open=half_open,
        )

        circuit_breaker_summary.additional_properties = d
        return circuit_breaker_summary

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

    # event-streamer: the wire name reads as an attribute too (`inp.type`), as in the v0.4 SDK.
    @property
    def open(self) -> int:
        return self.open_

    @open.setter
    def open(self, value: int) -> None:
        self.open_ = value
