from typing import Literal

EventBatchMessageType = Literal["event_batch"]

EVENT_BATCH_MESSAGE_TYPE_VALUES: set[EventBatchMessageType] = {
    "event_batch",
}


def check_event_batch_message_type(value: str) -> EventBatchMessageType:
    if value in EVENT_BATCH_MESSAGE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENT_BATCH_MESSAGE_TYPE_VALUES!r}"
    )
