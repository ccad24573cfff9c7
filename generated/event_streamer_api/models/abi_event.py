from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.abi_event_type import ABIEventType, check_abi_event_type
from ..types import UNSET, Unset, run_validators, unset_to_list

if TYPE_CHECKING:
    from ..models.abi_input import ABIInput


T = TypeVar("T", bound="ABIEvent")


@_attrs_define
class ABIEvent:
    """An ABI event definition, as compilers emit it.

    Example:
        {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from', 'type': 'address',
            'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True}, {'name': 'value', 'type': 'uint256',
            'indexed': False}]}

    Attributes:
        type_ (ABIEventType):
        name (str):
        inputs (list[ABIInput] | Unset):
        anonymous (bool | Unset):  Default: False.
    """

    type_: ABIEventType = _attrs_field(alias="type")
    name: str
    inputs: list[ABIInput] = _attrs_field(factory=list, converter=unset_to_list)
    anonymous: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        name = self.name

        inputs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.inputs, Unset):
            inputs = []
            for inputs_item_data in self.inputs:
                inputs_item = inputs_item_data.to_dict()
                inputs.append(inputs_item)

        anonymous = self.anonymous

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "name": name,
            }
        )
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if anonymous is not UNSET:
            field_dict["anonymous"] = anonymous

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.abi_input import ABIInput  # noqa: PLC0415

        d = dict(src_dict)
        type_ = check_abi_event_type(d.pop("type"))

        name = d.pop("name")

        _inputs = d.pop("inputs", UNSET)
        inputs: list[ABIInput] | Unset = UNSET
        if _inputs is not UNSET:
            inputs = []
            for inputs_item_data in _inputs:
                inputs_item = ABIInput.from_dict(inputs_item_data)

                inputs.append(inputs_item)

        anonymous = d.pop("anonymous", UNSET)

        abi_event = cls(
            type=type_,
            name=name,
            inputs=inputs,
            anonymous=anonymous,
        )

        abi_event.additional_properties = d
        return abi_event

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
    def type(self) -> ABIEventType:
        return self.type_

    @type.setter
    def type(self, value: ABIEventType) -> None:
        self.type_ = value
