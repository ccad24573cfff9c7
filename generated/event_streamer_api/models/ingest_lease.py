from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="IngestLease")


@_attrs_define
class IngestLease:
    """Which service instance ingests a chain. Several instances share one database; one at a time holds a chain's lease,
    renews it, and fences its writes with the token, which grows on every hand-over.

        Attributes:
            chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
            owner (str): Instance id of the holder.
            token (int): Fencing token.
            expires_at (datetime.datetime):
            active (bool): False when the lease has expired (the holder is gone or stopped).
    """

    chain_id: int
    owner: str
    token: int
    expires_at: datetime.datetime
    active: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        chain_id = self.chain_id

        owner = self.owner

        token = self.token

        expires_at = self.expires_at.isoformat()

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chain_id": chain_id,
                "owner": owner,
                "token": token,
                "expires_at": expires_at,
                "active": active,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        chain_id = d.pop("chain_id")

        owner = d.pop("owner")

        token = d.pop("token")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        active = d.pop("active")

        ingest_lease = cls(
            chain_id=chain_id,
            owner=owner,
            token=token,
            expires_at=expires_at,
            active=active,
        )

        ingest_lease.additional_properties = d
        return ingest_lease

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
