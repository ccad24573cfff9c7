from typing import Literal

ABIEventType = Literal["event"]

ABI_EVENT_TYPE_VALUES: set[ABIEventType] = {
    "event",
}


def check_abi_event_type(value: str) -> ABIEventType:
    if value in ABI_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ABI_EVENT_TYPE_VALUES!r}"
    )
