"""Property tests: random event shapes and values, encoded with eth-abi, decode back exactly;
random and adversarial data (aliasing offsets, lengths past the end) decode as eth-abi does or
raise the typed error, within the size budget and a time bound.

The oracle is the input value itself (or eth-abi's decoding of the data), converted by the
documented output conventions (independently of the decoder): big ints as decimal strings,
checksummed addresses, 0x-hex bytes.
"""

from __future__ import annotations

import math
import time
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode
from eth_abi.exceptions import DecodingError
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import event as label
from hypothesis import strategies as st

from event_streamer import EventDecodeError, EventDecoder
from event_streamer.abi import DecodeLimitError, DecodeLimits

Spec = dict[str, Any]  # an ABI input dict: {"type", "components"?}

INT_BITS = list(range(8, 257, 8))
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def elementary() -> st.SearchStrategy[Spec]:
    return st.one_of(
        st.sampled_from(INT_BITS).map(lambda n: {"type": f"uint{n}"}),
        st.sampled_from(INT_BITS).map(lambda n: {"type": f"int{n}"}),
        st.integers(1, 32).map(lambda n: {"type": f"bytes{n}"}),
        st.sampled_from([{"type": "address"}, {"type": "bool"}]),
        st.sampled_from([{"type": "string"}, {"type": "bytes"}]),
    )


def with_dims(spec: Spec, dims: list[int | None]) -> Spec:
    suffix = "".join("[]" if d is None else f"[{d}]" for d in dims)
    return {**spec, "type": spec["type"] + suffix}


@st.composite
def abi_types(draw: st.DrawFn, depth: int = 0) -> Spec:
    kind = draw(st.sampled_from(["elem", "elem", "array", "tuple"] if depth < 2 else ["elem"]))
    if kind == "elem":
        return draw(elementary())
    if kind == "array":
        inner = draw(abi_types(depth + 1))
        dims = draw(st.lists(st.one_of(st.none(), st.integers(1, 3)), min_size=1, max_size=2))
        return with_dims(inner, dims)
    comps = draw(st.lists(abi_types(depth + 1), min_size=1, max_size=3))
    return {
        "type": "tuple",
        "components": [{**c, "name": f"c{i}"} for i, c in enumerate(comps)],
    }


def split_dims(type_str: str) -> tuple[str, list[int | None]]:
    base, dims = type_str, []
    while base.endswith("]"):
        base, _, d = base[:-1].rpartition("[")
        dims.insert(0, int(d) if d else None)
    return base, dims


def canonical(spec: Spec) -> str:
    base, dims = split_dims(spec["type"])
    if base == "tuple":
        base = "(" + ",".join(canonical(c) for c in spec["components"]) + ")"
    return base + "".join("[]" if d is None else f"[{d}]" for d in dims)


def values(spec: Spec) -> st.SearchStrategy[Any]:
    base, dims = split_dims(spec["type"])
    if dims:
        inner = values({**spec, "type": base + "".join(f"[{d or ''}]" for d in dims[:-1])})
        n = dims[-1]
        return st.lists(inner, min_size=n or 0, max_size=n or 3)
    if base == "tuple":
        return st.tuples(*(values(c) for c in spec["components"]))
    if base.startswith("uint"):
        return st.integers(0, 2 ** int(base[4:]) - 1)
    if base.startswith("int"):
        bits = int(base[3:])
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if base == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: to_checksum_address(b))
    if base == "bool":
        return st.booleans()
    if base == "string":
        return st.text(max_size=40)
    if base == "bytes":
        return st.binary(max_size=70)
    return st.binary(min_size=int(base[5:]), max_size=int(base[5:]))


def expected(spec: Spec, value: Any) -> Any:
    base, dims = split_dims(spec["type"])
    if dims:
        inner = {**spec, "type": base + "".join(f"[{d or ''}]" for d in dims[:-1])}
        return [expected(inner, v) for v in value]
    if base == "tuple":
        return {c["name"]: expected(c, v) for c, v in zip(spec["components"], value, strict=True)}
    if base.startswith(("uint", "int")):
        bits = int(base.lstrip("uint"))
        return value if bits <= 48 else str(value)
    if base in ("bytes",) or base.startswith("bytes"):
        return "0x" + bytes(value).hex()
    if base == "address":
        return to_checksum_address(value)  # eth-abi decodes addresses in lower case
    return value  # bool, string


def is_value_type(spec: Spec) -> bool:
    base, dims = split_dims(spec["type"])
    return not dims and base != "tuple" and base not in ("string", "bytes")


@st.composite
def events(draw: st.DrawFn) -> tuple[dict[str, Any], list[Any]]:
    specs = draw(st.lists(abi_types(), min_size=1, max_size=5))
    anonymous = draw(st.booleans())
    max_indexed = 4 if anonymous else 3
    indexed = draw(st.lists(st.booleans(), min_size=len(specs), max_size=len(specs)))
    seen = 0
    for i, flag in enumerate(indexed):
        if flag:
            seen += 1
            indexed[i] = seen <= max_indexed
    inputs = [
        {**s, "name": f"a{i}", "indexed": flag}
        for i, (s, flag) in enumerate(zip(specs, indexed, strict=True))
    ]
    vals = [draw(values(s)) for s in specs]
    event = {"type": "event", "name": "E", "anonymous": anonymous, "inputs": inputs}
    return event, vals


@EXAMPLES
@given(events(), st.binary(min_size=32, max_size=32))
def test_random_events_round_trip(case: tuple[dict[str, Any], list[Any]], hashed: bytes) -> None:
    event, vals = case
    # A well-formed encoding reads each word at most once: it fits the tightest size budget.
    decoder = EventDecoder(event, limits=DecodeLimits(max_size_ratio=1))
    topics = [] if event["anonymous"] else [decoder.topic0]
    data_types, data_vals, want = [], [], {}
    for spec, value in zip(event["inputs"], vals, strict=True):
        if spec["indexed"]:
            if is_value_type(spec):
                topics.append("0x" + encode([canonical(spec)], [value]).hex())
                want[spec["name"]] = expected(spec, value)
            else:  # the node gives the keccak of the value's encoding; any 32 bytes will do
                topics.append("0x" + hashed.hex())
                want[spec["name"]] = "0x" + hashed.hex()
        else:
            data_types.append(canonical(spec))
            data_vals.append(value)
            want[spec["name"]] = expected(spec, value)
    raw = {
        "address": "0x" + "ab" * 20,
        "topics": topics,
        "data": "0x" + encode(data_types, data_vals).hex(),
        "blockNumber": "0x10",
        "transactionHash": "0x" + "cd" * 32,
        "logIndex": "0x3",
        "blockHash": "0x" + "ef" * 32,
        "removed": False,
    }
    out = decoder.decode(raw)
    args = {k: v for k, v in out.items() if k.startswith("a") and k[1:].isdigit()}
    assert args == want
    assert out["block_number"] == 16
    assert out["log_index"] == 3


@EXAMPLES
@given(events())
def test_truncated_data_never_decodes_silently(case: tuple[dict[str, Any], list[Any]]) -> None:
    """Cutting any number of bytes off the data either still decodes the same or raises."""
    event, vals = case
    data_specs = [(s, v) for s, v in zip(event["inputs"], vals, strict=True) if not s["indexed"]]
    if not data_specs:
        return
    decoder = EventDecoder(event)
    data = encode([canonical(s) for s, _ in data_specs], [v for _, v in data_specs]).hex()
    topics = ([] if event["anonymous"] else [decoder.topic0]) + [
        "0x" + "00" * 32 for s in event["inputs"] if s["indexed"]
    ]
    full = decoder.decode_arguments(topics, "0x" + data)
    for cut in range(2, len(data) + 1, 64):
        try:
            partial = decoder.decode_arguments(topics, "0x" + data[: len(data) - cut])
        except EventDecodeError:
            continue  # the typed error: fine; anything else fails the test
        # Trailing padding can be cut without changing any value.
        assert partial == full


# --- Adversarial data: the decoder agrees with eth-abi, or raises the typed error, quickly. ---

# Generous for decoding at most a few hundred words on a busy, shared machine.
TIME_BOUND_S = 1.0
MAX_WORDS = 16  # keeps eth-abi (the oracle, which has no budget) fast on aliased data


def is_dynamic(spec: Spec) -> bool:
    base, dims = split_dims(spec["type"])
    if None in dims or base in ("string", "bytes"):
        return True
    return base == "tuple" and any(is_dynamic(c) for c in spec["components"])


def head_words(spec: Spec) -> int:
    """Words the value takes in its parent's head."""
    if is_dynamic(spec):
        return 1
    base, dims = split_dims(spec["type"])
    inner = sum(head_words(c) for c in spec["components"]) if base == "tuple" else 1
    return inner * math.prod(d for d in dims if d is not None)


def cost(spec: Spec, value: Any) -> int:
    """Words a bounded decoder is charged for ``value`` (eth-abi's decoding of it).

    The documented measure, computed from the decoded value rather than from the data: every
    dynamic value costs its own head (an array's length word and element heads, a tuple's head,
    a string's length word and padded bytes); static values live in their parent's head.
    """
    base, dims = split_dims(spec["type"])
    if dims:
        inner = {**spec, "type": base + "".join(f"[{d or ''}]" for d in dims[:-1])}
        nested = sum(cost(inner, v) for v in value)
        if dims[-1] is None:
            return 1 + len(value) * head_words(inner) + nested
        return dims[-1] + nested if is_dynamic(inner) else 0
    if base == "tuple":
        if not is_dynamic(spec):
            return 0
        heads = sum(head_words(c) for c in spec["components"])
        return heads + sum(cost(c, v) for c, v in zip(spec["components"], value, strict=True))
    if base in ("string", "bytes"):
        raw = value.encode() if isinstance(value, str) else value
        return 1 + math.ceil(len(raw) / 32)
    return 0


@st.composite
def nested_dynamic(draw: st.DrawFn) -> Spec:
    """What aliasing feeds on: dynamic arrays nested a few deep, of words or strings."""
    base = draw(st.sampled_from(["uint256", "uint8", "string", "bytes", "bool", "bytes2"]))
    dims = draw(st.lists(st.sampled_from(["[]", "[]", "[2]"]), min_size=1, max_size=3))
    return {"type": base + "".join(dims)}


def adversarial_words(n_words: int) -> st.SearchStrategy[int]:
    """Offsets that hit other words (aliasing), small lengths, huge ones, anything."""
    return st.one_of(
        st.integers(0, 6),
        st.integers(0, n_words).map(lambda i: 32 * i),
        st.integers(0, n_words * 32),
        st.sampled_from([2**255, 2**256 - 1, 2**64, 2**32 - 32]),
        st.integers(0, 2**256 - 1),
    )


@st.composite
def adversarial_data(draw: st.DrawFn, specs: list[Spec]) -> bytes:
    """Either raw adversarial words or a valid encoding with some words overwritten."""
    if draw(st.booleans()):
        n = draw(st.integers(1, MAX_WORDS))
        words = draw(st.lists(adversarial_words(n), min_size=n, max_size=n))
        tail = draw(st.binary(max_size=31))
        return b"".join(w.to_bytes(32, "big") for w in words) + tail
    vals = [draw(values(s)) for s in specs]
    data = bytearray(encode([canonical(s) for s in specs], vals))
    n = len(data) // 32
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, max(n - 1, 0)))
        data[at * 32 : at * 32 + 32] = draw(adversarial_words(n)).to_bytes(32, "big")
    return bytes(data[: MAX_WORDS * 32])


@st.composite
def aliased_encoding(draw: st.DrawFn) -> tuple[list[Spec], bytes]:
    """A nest of dynamic arrays whose offsets share children: data eth-abi accepts.

    Built top-down in levels; every array points at blocks of the next level (several offsets,
    possibly of several arrays, at the same block), which are laid out after it.
    """
    depth = draw(st.integers(1, 4))
    leaf = draw(st.sampled_from(["uint256", "string"]))
    widths = [1] + [draw(st.integers(1, 3)) for _ in range(depth)]  # blocks per level
    # Level 0..depth-1 are arrays: [count, heads...]; level `depth` are leaves.
    children = [
        [draw(st.lists(st.integers(0, widths[lv + 1] - 1), max_size=4)) for _ in range(widths[lv])]
        for lv in range(depth)
    ]
    if leaf == "string":
        leaves = [draw(st.text(max_size=40)).encode() for _ in range(widths[depth])]
        leaf_blocks = [len(b).to_bytes(32, "big") + b + b"\0" * (-len(b) % 32) for b in leaves]
    else:  # the innermost arrays' elements are values, not offsets
        children[-1] = [[draw(st.integers(0, 2**256 - 1)) for _ in c] for c in children[-1]]
        leaf_blocks = []
    sizes = [[32 * (1 + len(c)) for c in level] for level in children]
    sizes.append([len(b) for b in leaf_blocks])
    starts, at = [], 32  # byte position of every block, level by level after the head
    for level in sizes:
        starts.append([at + sum(level[:i]) for i in range(len(level))])
        at += sum(level)
    out = bytearray((32).to_bytes(32, "big"))
    for lv, level in enumerate(children):
        for b, heads in enumerate(level):
            out += len(heads).to_bytes(32, "big")
            base = starts[lv][b] + 32  # offsets count from the first head
            for h in heads:
                inner = lv == depth - 1 and leaf == "uint256"
                out += (h if inner else starts[lv + 1][h] - base).to_bytes(32, "big")
    for block in leaf_blocks:
        out += block
    return [{"type": leaf + "[]" * depth}], bytes(out)


@st.composite
def adversarial_cases(draw: st.DrawFn) -> tuple[list[Spec], bytes, int]:
    ratio = draw(st.sampled_from([1, 2, 4, 8]))
    if draw(st.booleans()):
        specs, data = draw(aliased_encoding())
        return specs, data, ratio
    specs = draw(st.lists(st.one_of(abi_types(), nested_dynamic()), min_size=1, max_size=3))
    return specs, draw(adversarial_data(specs)), ratio


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adversarial_cases())
def test_adversarial_data_matches_eth_abi_or_raises_the_typed_error(
    case: tuple[list[Spec], bytes, int],
) -> None:
    specs, data, ratio = case
    inputs = [{**s, "name": f"a{i}", "indexed": False} for i, s in enumerate(specs)]
    event = {"type": "event", "name": "E", "inputs": inputs}
    decoder = EventDecoder(event, limits=DecodeLimits(max_size_ratio=ratio))
    started = time.perf_counter()
    try:
        got: dict[str, Any] | EventDecodeError = decoder.decode_arguments(
            [decoder.topic0], "0x" + data.hex()
        )
    except EventDecodeError as err:  # the typed error; any other exception fails the test
        got = err
    assert time.perf_counter() - started < TIME_BOUND_S
    try:
        oracle = abi_decode([canonical(s) for s in specs], data)
    except (DecodingError, OverflowError, UnicodeDecodeError):
        label("eth-abi rejects")
        return  # eth-abi rejects the data: a value or the typed error are both fine
    words = sum(cost(s, v) for s, v in zip(inputs, oracle, strict=True))
    if words * 32 > ratio * len(data):
        assert isinstance(got, DecodeLimitError), f"{words} words from {len(data)} bytes"
        label("over budget: DecodeLimitError")
        return
    assert not isinstance(got, EventDecodeError), f"eth-abi decodes it: {got}"
    assert got == {s["name"]: expected(s, v) for s, v in zip(inputs, oracle, strict=True)}
    label("same as eth-abi" + (" (aliased)" if words * 32 > len(data) else ""))


@st.composite
def aliased_nests(draw: st.DrawFn) -> tuple[int, bytes]:
    """``uint256`` nested 1-8 arrays deep, over up to 64 words that mostly point at each other."""
    depth = draw(st.integers(1, 8))
    n = draw(st.integers(2, 64))
    words = draw(
        st.lists(
            st.one_of(st.integers(0, 8), st.integers(1, n).map(lambda i: 32 * i)),
            min_size=n,
            max_size=n,
        )
    )
    return depth, b"".join(w.to_bytes(32, "big") for w in words)


def nest_cost(depth: int, value: list[Any]) -> int:
    """Words charged for a uint256[]...[] value: each array's length word and its heads."""
    if depth == 1:
        return 1 + len(value)
    return 1 + len(value) + sum(nest_cost(depth - 1, v) for v in value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aliased_nests())
def test_aliased_nests_stay_within_the_budget(case: tuple[int, bytes]) -> None:
    """No oracle needed: whatever decodes was within budget, and nothing takes long."""
    depth, data = case
    event = {
        "type": "event",
        "name": "E",
        "inputs": [{"name": "a", "type": "uint256" + "[]" * depth, "indexed": False}],
    }
    decoder = EventDecoder(event)
    started = time.perf_counter()
    try:
        out = decoder.decode_arguments([decoder.topic0], "0x" + data.hex())
    except EventDecodeError:
        return
    finally:
        assert time.perf_counter() - started < TIME_BOUND_S
    assert nest_cost(depth, out["a"]) * 32 <= DecodeLimits().max_size_ratio * len(data)
