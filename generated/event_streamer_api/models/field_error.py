from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.field_error_location import FieldErrorLocation, check_field_error_location
from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError:
    """
    Example:
        {'field': 'body.addresses.0', 'location': 'body', 'message': 'must be 0x followed by 40 hex digits', 'type':
            'pattern'}

    Attributes:
        field (str): Dotted path of the offending field, prefixed by its location (`body.addresses.0`, `query.page`).
        message (str):
        location (FieldErrorLocation | Unset):
        type_ (str | Unset): The failed rule: required, pattern, minimum, type, ...
    """

    field: str
    message: str
    location: FieldErrorLocation | Unset = UNSET
    type_: str | Unset = _attrs_field(default=UNSET, alias="type")
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        message = self.message

        location: str | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "message": message,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        message = d.pop("message")

        _location = d.pop("location", UNSET)
        location: FieldErrorLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = check_field_error_location(_location)

        type_ = d.pop("type", UNSET)

        field_error = cls(
            field=field,
            message=message,
            location=location,
            type=type_,
        )

        field_error.additional_properties = d
        return field_error

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
    def type(self) -> str | Unset:
        return self.type_

    @type.setter
    def type(self, value: str | Unset) -> None:
        self.type_ = value
