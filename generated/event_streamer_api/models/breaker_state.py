from typing import Literal

BreakerState = Literal["closed", "half_open", "open"]

BREAKER_STATE_VALUES: set[BreakerState] = {
    "closed",
    "half_open",
    "open",
}


def check_breaker_state(value: str) -> BreakerState:
    if value in BREAKER_STATE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BREAKER_STATE_VALUES!r}"
    )
