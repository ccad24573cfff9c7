from typing import Literal

StartBlockTag = Literal["finalized", "latest"]

START_BLOCK_TAG_VALUES: set[StartBlockTag] = {
    "finalized",
    "latest",
}


def check_start_block_tag(value: str) -> StartBlockTag:
    if value in START_BLOCK_TAG_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {START_BLOCK_TAG_VALUES!r}"
    )
