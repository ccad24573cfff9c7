from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators, unset_to_none

T = TypeVar("T", bound="ABIInput")


@_attrs_define
class ABIInput:
    """One input of an ABI event (or a component of a tuple input).

    Example:
        {'name': 'value', 'type': 'uint256', 'indexed': False}

    Attributes:
        type_ (str): Solidity type, e.g. `uint256`, `address[]`, `tuple`, `tuple[2][]`.
        name (None | str | Unset):
        indexed (bool | None | Unset):  Default: False.
        internal_type (None | str | Unset):
        components (list[ABIInput] | None | Unset): Components of a tuple type.
    """

    type_: str = _attrs_field(alias="type")
    name: None | str = _attrs_field(default=None, converter=unset_to_none)
    indexed: bool | None | Unset = False
    internal_type: None | str = _attrs_field(default=None, converter=unset_to_none)
    components: list[ABIInput] | None = _attrs_field(
        default=None, converter=unset_to_none
    )
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        indexed: bool | None | Unset
        if isinstance(self.indexed, Unset):
            indexed = UNSET
        else:
            indexed = self.indexed

        internal_type: None | str | Unset
        if isinstance(self.internal_type, Unset):
            internal_type = UNSET
        else:
            internal_type = self.internal_type

        components: list[dict[str, Any]] | None | Unset
        if isinstance(self.components, Unset):
            components = UNSET
        elif isinstance(self.components, list):
            components = []
            for components_type_0_item_data in self.components:
                components_type_0_item = components_type_0_item_data.to_dict()
                components.append(components_type_0_item)

        else:
            components = self.components

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if name is not UNSET and name is not None:
            field_dict["name"] = name
        if indexed is not UNSET:
            field_dict["indexed"] = indexed
        if internal_type is not UNSET and internal_type is not None:
            field_dict["internalType"] = internal_type
        if components is not UNSET and components is not None:
            field_dict["components"] = components

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_indexed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        indexed = _parse_indexed(d.pop("indexed", UNSET))

        def _parse_internal_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        internal_type = _parse_internal_type(d.pop("internalType", UNSET))

        def _parse_components(data: object) -> list[ABIInput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                components_type_0 = []
                _components_type_0 = data
                for components_type_0_item_data in _components_type_0:
                    components_type_0_item = ABIInput.from_dict(
                        components_type_0_item_data
                    )

                    components_type_0.append(components_type_0_item)

                return components_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ABIInput] | None | Unset, data)

        components = _parse_components(d.pop("components", UNSET))

        abi_input = cls(
            type=type_,
            name=name,
            indexed=indexed,
            internal_type=internal_type,
            components=components,
        )

        abi_input.additional_properties = d
        return abi_input

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
    def type(self) -> str:
        return self.type_

    @type.setter
    def type(self, value: str) -> None:
        self.type_ = value
