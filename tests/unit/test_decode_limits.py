"""Bounded decoding: aliasing offsets, the size budget, the nesting cap, limits validation.

The finding (issue 16, H2): offsets inside nested dynamic arrays may all point at the same bytes,
so a 2 KB log of ``uint256[][][][][][][]`` decoded into 2 million values (9 MB of JSON, seconds of
CPU). Every log here is written word by word, independently of the decoder.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from eth_abi import decode as abi_decode
from eth_abi import encode

from event_streamer import ABIParsingError, EventDecodeError, EventStreamerValidationError
from event_streamer.abi import DecodeLimitError, DecodeLimits, EventDecoder

# Generous for a call that does microseconds of work on a busy, shared machine; the unbounded
# decoder took seconds on the bomb below.
TIME_BOUND_S = 0.5


def word(value: int) -> str:
    return format(value, "064x")


def event(*types: str | dict[str, Any]) -> dict[str, Any]:
    """An event of non-indexed inputs ``a0``, ``a1``...; a dict input is a tuple (see tup)."""
    inputs = [
        {**(t if isinstance(t, dict) else {"type": t}), "name": f"a{i}", "indexed": False}
        for i, t in enumerate(types)
    ]
    return {"type": "event", "name": "E", "inputs": inputs}


def tup(dims: str, *types: str) -> dict[str, Any]:
    """A tuple input with unnamed components of ``types``, e.g. tup("[2]", "bytes")."""
    return {"type": "tuple" + dims, "components": [{"name": "", "type": t} for t in types]}


def raw_log(decoder: EventDecoder, data: str) -> dict[str, Any]:
    return {
        "address": "0x" + "ab" * 20,
        "topics": [decoder.topic0],
        "data": data,
        "blockNumber": "0x10",
        "transactionHash": "0x" + "cd" * 32,
        "logIndex": "0x3",
        "blockHash": "0x" + "ef" * 32,
        "removed": False,
    }


def aliased_arrays(levels: int, fanout: int) -> str:
    """``uint256`` + ``[]`` x ``levels``: at each level, ``fanout`` offsets to one shared child."""
    words = [word(32)]  # the head: the array starts right after it
    for level in range(levels):
        words.append(word(fanout))  # length
        if level < levels - 1:
            # Offsets count from the first element head; the child starts after the heads.
            words += [word(fanout * 32)] * fanout
        else:
            words += [word(level)] * fanout  # the innermost values
    return "0x" + "".join(words)


def aliased_cost(levels: int, fanout: int) -> int:
    """Words the aliased log makes a decoder read: each array's length word and heads."""
    return sum(fanout**level * (1 + fanout) for level in range(levels))


def test_aliasing_bomb_is_refused_quickly_with_a_typed_error() -> None:
    decoder = EventDecoder(event("uint256[][][][][][][]"))
    data = aliased_arrays(levels=7, fanout=8)
    assert len(data) == 2 + 2 * 2048  # 2 KB that would decode to 8**7 = 2,097,152 values
    log = raw_log(decoder, data)
    started = time.perf_counter()
    with pytest.raises(DecodeLimitError) as info:
        decoder.decode(log)
    assert time.perf_counter() - started < TIME_BOUND_S
    err = info.value
    assert isinstance(err, EventDecodeError)  # existing `except EventDecodeError` clauses hold
    assert err.limit == "max_size_ratio"
    assert err.log is log
    assert "4x its 2048-byte data" in str(err)
    assert "tx 0x" + "cd" * 32 in str(err)
    with pytest.raises(DecodeLimitError, match=r"E\(uint256\[\]\[\]"):
        decoder.decode_arguments(log["topics"], data)


@pytest.mark.parametrize(("ratio", "fits"), [(6, False), (7, True)])
def test_the_budget_is_exact(ratio: int, fits: bool) -> None:
    """3 levels of 4 aliased offsets: 105 words read from 16 words of data (6.6x)."""
    data = aliased_arrays(levels=3, fanout=4)
    assert aliased_cost(3, 4) == 105
    assert len(data) == 2 + 16 * 64
    decoder = EventDecoder(event("uint256[][][]"), limits=DecodeLimits(max_size_ratio=ratio))
    if not fits:
        with pytest.raises(DecodeLimitError):
            decoder.decode_arguments([decoder.topic0], data)
        return
    # Within the limit, aliasing is decoded as eth-abi decodes it.
    (want,) = abi_decode(["uint256[][][]"], bytes.fromhex(data[2:]))
    got = decoder.decode_arguments([decoder.topic0], data)["a0"]
    assert got == [[[str(v) for v in inner] for inner in middle] for middle in want]


def test_aliased_strings_are_charged_for_their_bytes() -> None:
    """100 offsets to one 1 KB string: 100 KB of output from 4 KB of data."""
    text = "x" * 1024
    heads = [word(100 * 32)] * 100
    data = "0x" + word(32) + word(100) + "".join(heads) + word(len(text)) + text.encode().hex()
    decoder = EventDecoder(event("string[]"))
    with pytest.raises(DecodeLimitError):
        decoder.decode_arguments([decoder.topic0], data)
    roomy = EventDecoder(event("string[]"), limits=DecodeLimits(max_size_ratio=64))
    assert roomy.decode_arguments([roomy.topic0], data)["a0"] == [text] * 100


def test_aliased_tuples_and_fixed_arrays_are_charged() -> None:
    """A (string)[3][] whose every offset, at every level, points at the same bytes."""
    t = "(string)[3][]"
    inner = word(32) + word(3) + "616263" + "00" * 29  # the tuple: offset to "abc"
    triple = "".join([word(96)] * 3) + inner  # a (string)[3]: 3 offsets to one tuple
    count = 40
    data = "0x" + word(32) + word(count) + "".join([word(count * 32)] * count) + triple
    ev = event(tup("[3][]", "string"))
    decoder = EventDecoder(ev)
    with pytest.raises(DecodeLimitError):
        decoder.decode_arguments([decoder.topic0], data)
    roomy = EventDecoder(ev, limits=DecodeLimits(max_size_ratio=16))
    got = roomy.decode_arguments([roomy.topic0], data)["a0"]
    assert got == [[{"arg0": "abc"}] * 3] * count
    (want,) = abi_decode([t], bytes.fromhex(data[2:]))
    assert got == [[{"arg0": s} for (s,) in triple_] for triple_ in want]


def test_well_formed_logs_fit_a_ratio_of_one() -> None:
    """Each word of a canonical encoding is read once: max_size_ratio=1 always suffices."""
    types = ["uint256[][]", "string[]", "(bytes,uint8[])[2]", "bytes"]  # as eth-abi spells them
    values = [
        [[1, 2, 3], [], [4]],
        ["", "a" * 33, "b"],
        [(b"", [1]), (b"\x01" * 64, [])],
        b"\xff" * 31,
    ]
    data = "0x" + encode(types, values).hex()
    inputs: list[str | dict[str, Any]] = [*types[:2], tup("[2]", "bytes", "uint8[]"), types[3]]
    decoder = EventDecoder(event(*inputs), limits=DecodeLimits(max_size_ratio=1))
    out = decoder.decode_arguments([decoder.topic0], data)
    assert out["a0"] == [["1", "2", "3"], [], ["4"]]
    assert out["a1"] == ["", "a" * 33, "b"]
    assert out["a2"] == [
        {"arg0": "0x", "arg1": [1]},
        {"arg0": "0x" + "01" * 64, "arg1": []},
    ]
    assert out["a3"] == "0x" + "ff" * 31


@pytest.mark.parametrize(
    "bad_word",
    [
        "-" + "0" * 61 + "20",  # a negative offset int(..., 16) would accept
        "0" * 31 + "_" + "0" * 30 + "20",  # an underscore int(..., 16) accepts
        " " * 62 + "20",  # spaces int(..., 16) accepts
        "0x" + "0" * 60 + "20",  # a 0x prefix inside a word
        "\u0661" * 64,  # non-ASCII digits int(..., 16) accepts
    ],
)
def test_offsets_must_be_hex_digits(bad_word: str) -> None:
    assert len(bad_word) == 64
    decoder = EventDecoder(event("uint256[]"))
    data = "0x" + bad_word + word(1) + word(7)
    with pytest.raises(EventDecodeError, match="data is not hex"):
        decoder.decode(raw_log(decoder, data))


def test_offsets_and_lengths_past_the_data_are_typed_errors() -> None:
    decoder = EventDecoder(event("uint256[][]"))
    cases = {
        "offset past the end": word(2**255) + word(0),
        "inner offset past the end": word(32) + word(1) + word(2**200),
        "length past the end": word(32) + word(2**250),
        "element heads past the end": word(32) + word(3) + word(96),
    }
    for why, body in cases.items():
        with pytest.raises(EventDecodeError, match="past the end") as info:
            decoder.decode_arguments([decoder.topic0], "0x" + body)
        assert not isinstance(info.value, DecodeLimitError), why


def deep_tuple(levels: int) -> dict[str, Any]:
    inner: dict[str, Any] = {"name": "leaf", "type": "uint256"}
    for _ in range(levels):
        inner = {"name": "t", "type": "tuple", "components": [inner]}
    return {"type": "event", "name": "Deep", "inputs": [{**inner, "indexed": False}]}


def test_nesting_depth_is_capped_when_the_decoder_is_built() -> None:
    EventDecoder(event("uint256" + "[]" * 16))  # the default cap, 16, is allowed
    with pytest.raises(ABIParsingError, match="max_depth 16") as info:
        EventDecoder(event("uint256" + "[]" * 17))
    assert info.value.fields == ["E.inputs[0].type"]
    # Arrays of tuples count both: (uint256[])[] is 3 deep.
    with pytest.raises(ABIParsingError, match="max_depth 2"):
        EventDecoder(event(tup("[]", "uint256[]")), limits=DecodeLimits(max_depth=2))
    assert EventDecoder(event(tup("[]", "uint256[]")), limits=DecodeLimits(max_depth=3))


def test_a_hostile_nesting_is_refused_before_it_is_parsed() -> None:
    """5,000 nested tuples: an ABIParsingError, not a RecursionError from the parser."""
    with pytest.raises(ABIParsingError, match="max_depth") as info:
        EventDecoder(deep_tuple(5000))
    assert info.value.fields[0].startswith("Deep.inputs[0].components[0].components[0]")
    decoder = EventDecoder(deep_tuple(15))
    value: Any = {"leaf": "7"}  # uint256: a decimal string
    for _ in range(14):
        value = {"t": value}
    assert decoder.decode_arguments([decoder.topic0], "0x" + word(7)) == {"t": value}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_size_ratio": 0}, "max_size_ratio"),
        ({"max_size_ratio": -1}, "max_size_ratio"),
        ({"max_size_ratio": True}, "max_size_ratio"),
        ({"max_size_ratio": 2.5}, "max_size_ratio"),
        ({"max_size_ratio": 10**6}, "max_size_ratio"),
        ({"max_depth": 0}, "max_depth"),
        ({"max_depth": "16"}, "max_depth"),
        ({"max_depth": 1000}, "max_depth"),
    ],
)
def test_limits_are_validated(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        DecodeLimits(**kwargs)
    assert info.value.fields == [field]


def test_limits_must_be_a_decode_limits() -> None:
    with pytest.raises(EventStreamerValidationError) as info:
        EventDecoder(event("uint256"), limits={"max_size_ratio": 4})  # type: ignore[arg-type]
    assert info.value.fields == ["limits"]


def test_defaults_are_documented_values() -> None:
    limits = DecodeLimits()
    assert (limits.max_size_ratio, limits.max_depth) == (4, 16)
    assert EventDecoder(event("uint256")).limits == limits
    with pytest.raises(AttributeError):
        limits.max_depth = 3  # type: ignore[misc]


def test_one_decoder_is_safe_to_share_between_threads() -> None:
    decoder = EventDecoder(event("uint256[]", "string"))
    logs = [
        raw_log(
            decoder, "0x" + encode(["uint256[]", "string"], [list(range(i % 7)), "s" * i]).hex()
        )
        for i in range(300)
    ]
    # Among the good logs, one whose string offset points past the end of its data.
    logs.append(raw_log(decoder, "0x" + word(64) + word(2**100) + word(0)))

    def attempt(log: dict[str, Any]) -> Any:
        try:
            return decoder.decode(log)
        except EventDecodeError as err:
            return type(err)

    serial = [attempt(log) for log in logs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(attempt, logs))
    assert parallel == serial
    assert serial[-1] is EventDecodeError
    assert serial[5]["a0"] == ["0", "1", "2", "3", "4"]
    assert serial[5]["a1"] == "sssss"
