from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

if TYPE_CHECKING:
    from ..models.subscription_response import SubscriptionResponse


T = TypeVar("T", bound="SubscriptionListResponse")


@_attrs_define
class SubscriptionListResponse:
    """
    Example:
        {'subscriptions': [], 'total': 0, 'page': 1, 'page_size': 20}

    Attributes:
        subscriptions (list[SubscriptionResponse]):
        total (int):
        page (int):
        page_size (int):
    """

    subscriptions: list[SubscriptionResponse]
    total: int
    page: int
    page_size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        subscriptions = []
        for subscriptions_item_data in self.subscriptions:
            subscriptions_item = subscriptions_item_data.to_dict()
            subscriptions.append(subscriptions_item)

        total = self.total

        page = self.page

        page_size = self.page_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscriptions": subscriptions,
                "total": total,
                "page": page,
                "page_size": page_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_response import SubscriptionResponse  # noqa: PLC0415

        d = dict(src_dict)
        subscriptions = []
        _subscriptions = d.pop("subscriptions")
        for subscriptions_item_data in _subscriptions:
            subscriptions_item = SubscriptionResponse.from_dict(subscriptions_item_data)

            subscriptions.append(subscriptions_item)

        total = d.pop("total")

        page = d.pop("page")

        page_size = d.pop("page_size")

        subscription_list_response = cls(
            subscriptions=subscriptions,
            total=total,
            page=page,
            page_size=page_size,
        )

        subscription_list_response.additional_properties = d
        return subscription_list_response

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
