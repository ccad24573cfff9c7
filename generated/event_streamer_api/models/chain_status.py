from typing import Literal

ChainStatus = Literal["active", "inactive"]

CHAIN_STATUS_VALUES: set[ChainStatus] = {
    "active",
    "inactive",
}


def check_chain_status(value: str) -> ChainStatus:
    if value in CHAIN_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHAIN_STATUS_VALUES!r}"
    )
