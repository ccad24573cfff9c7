"""Block numbers from nodes are checked before use (a hostile node cannot cause a 500)."""

from __future__ import annotations

import pytest

from event_streamer_server._hexnum import MAX_BLOCK, block_number


def test_quantities_parse() -> None:
    assert block_number("0x0") == 0
    assert block_number("0x64") == 100
    assert block_number(hex(MAX_BLOCK)) == MAX_BLOCK


@pytest.mark.parametrize(
    "bad",
    ["-0x5", " 0x64 ", "0x6_4", "64", "0x", "0x" + "f" * 17, hex(MAX_BLOCK + 1), 100, None, "0xzz"],
)
def test_anything_else_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="block number"):
        block_number(bad)


def test_a_lax_read_gives_none_instead_of_raising() -> None:
    from event_streamer_server._hexnum import number_or_none

    assert number_or_none("0x10") == 16
    assert number_or_none("0x" + "f" * 40) is None  # would overflow a database integer
    assert number_or_none(None) is None
