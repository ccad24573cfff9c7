from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, run_validators

T = TypeVar("T", bound="HealthResponse")


@_attrs_define
class HealthResponse:
    """
    Example:
        {'status': 'healthy', 'timestamp': '2026-11-27T10:30:00Z', 'version': '0.1.0', 'instance_id':
            'host-4242-9f2c01ab'}

    Attributes:
        status (str): `healthy` when the service is up.
        timestamp (datetime.datetime):
        version (str | Unset):
        instance_id (str | Unset): This service instance's id (the owner named in ingestion leases).
    """

    status: str
    timestamp: datetime.datetime
    version: str | Unset = UNSET
    instance_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        timestamp = self.timestamp.isoformat()

        version = self.version

        instance_id = self.instance_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "timestamp": timestamp,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if instance_id is not UNSET:
            field_dict["instance_id"] = instance_id

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        version = d.pop("version", UNSET)

        instance_id = d.pop("instance_id", UNSET)

        health_response = cls(
            status=status,
            timestamp=timestamp,
            version=version,
            instance_id=instance_id,
        )

        health_response.additional_properties = d
        return health_response

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
