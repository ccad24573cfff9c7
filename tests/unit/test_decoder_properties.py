"""Property tests: random event shapes and values, encoded with eth-abi, decode back exactly.

The oracle is the input value itself, converted by the documented output conventions
(independently of the decoder): big ints as decimal strings, checksummed addresses, 0x-hex bytes.
"""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from event_streamer import EventDecodeError, EventDecoder

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
    return value  # address (already checksummed), bool, string


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
    decoder = EventDecoder(event)
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
