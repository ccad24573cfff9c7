from typing import Literal

HeartbeatMessageType = Literal["heartbeat"]

HEARTBEAT_MESSAGE_TYPE_VALUES: set[HeartbeatMessageType] = {
    "heartbeat",
}


def check_heartbeat_message_type(value: str) -> HeartbeatMessageType:
    if value in HEARTBEAT_MESSAGE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEARTBEAT_MESSAGE_TYPE_VALUES!r}"
    )
