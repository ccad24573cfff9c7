from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import run_validators

T = TypeVar("T", bound="CircuitBreakerConfigResponse")


@_attrs_define
class CircuitBreakerConfigResponse:
    """
    Example:
        {'failure_threshold': 5, 'recovery_timeout': 30, 'success_threshold': 2, 'timeout': 10, 'half_open_max_calls':
            1}

    Attributes:
        failure_threshold (int): Consecutive failures that open a breaker.
        recovery_timeout (float): Seconds an open breaker waits before half-opening.
        success_threshold (int): Half-open successes that close it again.
        timeout (float): Per-call timeout in seconds.
        half_open_max_calls (int): Concurrent probe calls allowed while half-open.
    """

    failure_threshold: int
    recovery_timeout: float
    success_threshold: int
    timeout: float
    half_open_max_calls: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        run_validators(self)

    def to_dict(self) -> dict[str, Any]:
        failure_threshold = self.failure_threshold

        recovery_timeout = self.recovery_timeout

        success_threshold = self.success_threshold

        timeout = self.timeout

        half_open_max_calls = self.half_open_max_calls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "failure_threshold": failure_threshold,
                "recovery_timeout": recovery_timeout,
                "success_threshold": success_threshold,
                "timeout": timeout,
                "half_open_max_calls": half_open_max_calls,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: builtins.type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        failure_threshold = d.pop("failure_threshold")

        recovery_timeout = d.pop("recovery_timeout")

        success_threshold = d.pop("success_threshold")

        timeout = d.pop("timeout")

        half_open_max_calls = d.pop("half_open_max_calls")

        circuit_breaker_config_response = cls(
            failure_threshold=failure_threshold,
            recovery_timeout=recovery_timeout,
            success_threshold=success_threshold,
            timeout=timeout,
            half_open_max_calls=half_open_max_calls,
        )

        circuit_breaker_config_response.additional_properties = d
        return circuit_breaker_config_response

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
