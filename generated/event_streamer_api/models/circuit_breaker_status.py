from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.breaker_state import BreakerState, check_breaker_state
from ..types import UNSET, Unset, run_validators

if TYPE_CHECKING:
    from ..models.circuit_breaker_status_state_transitions import (
        CircuitBreakerStatusStateTransitions,
    )


T = TypeVar("T", bound="CircuitBreakerStatus")


@_attrs_define
class CircuitBreakerStatus:
    """
    Example:
        {'state': 'closed', 'failure_count': 0, 'success_count': 42, 'consecutive_failures': 0, 'consecutive_successes':
            42, 'total_calls': 42, 'last_failure_time': None, 'last_success_time': '2026-11-27T10:30:00Z',
            'state_transitions': {}, 'chain_id': 31337, 'rpc_url': 'http://127.0.0.1:8545'}

    Attributes:
        state (BreakerState):
        failure_count (int):
        success_count (int):
        consecutive_failures (int):
        consecutive_successes (int):
        total_calls (int):
        last_failure_time (datetime.datetime | None):
        last_success_time (datetime.datetime | None):
        state_transitions (CircuitBreakerStatusStateTransitions): Transition name (e.g. `closed->open`) -> count.
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        rpc_url (str | Unset):
    """

    state: BreakerState
    failure_count: int
    success_count: int
    consecutive_failures: int
    consecutive_successes: int
    total_calls: int
    last_failure_time: datetime.datetime | None
    last_success_time: datetime.datetime | None
    state_transitions: CircuitBreakerStatusStateTransitions
    chain_id: int | Unset = UNSET
    rpc_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        state: str = self.state

        failure_count = self.failure_count

        success_count = self.success_count

        consecutive_failures = self.consecutive_failures

        consecutive_successes = self.consecutive_successes

        total_calls = self.total_calls

        last_failure_time: None | str
        if isinstance(self.last_failure_time, datetime.datetime):
            last_failure_time = self.last_failure_time.isoformat()
        else:
            last_failure_time = self.last_failure_time

        last_success_time: None | str
        if isinstance(self.last_success_time, datetime.datetime):
            last_success_time = self.last_success_time.isoformat()
        else:
            last_success_time = self.last_success_time

        state_transitions = self.state_transitions.to_dict()

        chain_id = self.chain_id

        rpc_url = self.rpc_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "failure_count": failure_count,
                "success_count": success_count,
                "consecutive_failures": consecutive_failures,
                "consecutive_successes": consecutive_successes,
                "total_calls": total_calls,
                "last_failure_time": last_failure_time,
                "last_success_time": last_success_time,
                "state_transitions": state_transitions,
            }
        )
        if chain_id is not UNSET:
            field_dict["chain_id"] = chain_id
        if rpc_url is not UNSET:
            field_dict["rpc_url"] = rpc_url

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.circuit_breaker_status_state_transitions import (
            CircuitBreakerStatusStateTransitions,  # noqa: PLC0415
        )

        d = dict(src_dict)
        state = check_breaker_state(d.pop("state"))

        failure_count = d.pop("failure_count")

        success_count = d.pop("success_count")

        consecutive_failures = d.pop("consecutive_failures")

        consecutive_successes = d.pop("consecutive_successes")

        total_calls = d.pop("total_calls")

        def _parse_last_failure_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_failure_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_failure_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_failure_time = _parse_last_failure_time(d.pop("last_failure_time"))

        def _parse_last_success_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_success_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_success_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_success_time = _parse_last_success_time(d.pop("last_success_time"))

        state_transitions = CircuitBreakerStatusStateTransitions.from_dict(
            d.pop("state_transitions")
        )

        chain_id = d.pop("chain_id", UNSET)

        rpc_url = d.pop("rpc_url", UNSET)

        circuit_breaker_status = cls(
            state=state,
            failure_count=failure_count,
            success_count=success_count,
            consecutive_failures=consecutive_failures,
            consecutive_successes=consecutive_successes,
            total_calls=total_calls,
            last_failure_time=last_failure_time,
            last_success_time=last_success_time,
            state_transitions=state_transitions,
            chain_id=chain_id,
            rpc_url=rpc_url,
        )

        circuit_breaker_status.additional_properties = d
        return circuit_breaker_status

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
