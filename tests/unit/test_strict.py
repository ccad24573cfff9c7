"""Strict integer parsing: ASCII digits only, bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._strict import StrictIntError, parse_int


@pytest.mark.parametrize("text", ["0", "7", "0042", "18446744073709551615"])
def test_plain_digits_parse(text: str) -> None:
    assert parse_int(text) == int(text)


@pytest.mark.parametrize(
    "text",
    ["", "\u0661", "1_0", "+1", "-1", " 1", "1 ", "1\n", "1.0", "0x10", "\uff11", "1e3", "\u00b2"],
)
def test_everything_else_is_rejected(text: str) -> None:
    with pytest.raises(StrictIntError):
        parse_int(text)


def test_length_and_range_bounds() -> None:
    with pytest.raises(StrictIntError, match="at most 20 digits"):
        parse_int("1" * 21)
    with pytest.raises(StrictIntError, match="at least 1"):
        parse_int("0", minimum=1)
    with pytest.raises(StrictIntError, match="at most 10"):
        parse_int("11", maximum=10)
    with pytest.raises(StrictIntError, match="leading zeros"):
        parse_int("01", allow_leading_zeros=False)
    assert parse_int("0", allow_leading_zeros=False) == 0


def test_non_string_is_a_typed_error() -> None:
    with pytest.raises(StrictIntError):
        parse_int(12)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**20 - 1))
def test_round_trips_every_bounded_integer(value: int) -> None:
    assert parse_int(str(value)) == value


@given(st.text(max_size=8))
def test_accepts_exactly_what_int_accepts_on_ascii_digits(text: str) -> None:
    expected = text != "" and all(c in "0123456789" for c in text)
    try:
        parse_int(text)
    except StrictIntError:
        assert not expected
    else:
        assert expected
