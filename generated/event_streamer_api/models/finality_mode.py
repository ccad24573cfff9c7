from typing import Literal

FinalityMode = Literal["confirmations", "finalized", "safe"]

FINALITY_MODE_VALUES: set[FinalityMode] = {
    "confirmations",
    "finalized",
    "safe",
}


def check_finality_mode(value: str) -> FinalityMode:
    if value in FINALITY_MODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FINALITY_MODE_VALUES!r}"
    )
