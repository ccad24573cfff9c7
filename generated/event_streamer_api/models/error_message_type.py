from typing import Literal

ErrorMessageType = Literal["error"]

ERROR_MESSAGE_TYPE_VALUES: set[ErrorMessageType] = {
    "error",
}


def check_error_message_type(value: str) -> ErrorMessageType:
    if value in ERROR_MESSAGE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ERROR_MESSAGE_TYPE_VALUES!r}"
    )
