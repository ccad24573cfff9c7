from typing import Literal

ReorgMessageType = Literal["reorg"]

REORG_MESSAGE_TYPE_VALUES: set[ReorgMessageType] = {
    "reorg",
}


def check_reorg_message_type(value: str) -> ReorgMessageType:
    if value in REORG_MESSAGE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REORG_MESSAGE_TYPE_VALUES!r}"
    )
