"""The decoder's compiled readers: small functions that read ABI values straight out of a log's
hex, with bounds checks and a per-call size budget (see :mod:`event_streamer._decoder`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._abi_types import MAX_NUMBER_BITS, AbiType
from ._checksum import checksum_hex40
from ._decode_limits import DecodeLimits
from .exceptions import ABIParsingError, FieldError

__all__ = [
    "Malformed",
    "OverBudget",
    "carries_raw_hex",
    "depth_error",
    "dynamic_reader",
    "static_reader",
    "unique_names",
    "word_converter",
]

_Word = Callable[[str], Any]  # 64 hex digits -> value
# A static value sits wholly inside bytes its parent has already bounds-checked and charged.
_Static = Callable[[str, int], Any]  # (data hex without 0x, position in hex digits) -> value
# A dynamic value is reached through an offset: it checks its own bounds and charges the budget
# (a one-element list: hex digits still allowed to be read) before doing any work.
_Dynamic = Callable[[str, int, list[int]], Any]


class Malformed(Exception):
    """Internal: the data does not fit the ABI (turned into EventDecodeError with the log)."""


class OverBudget(Exception):
    """Internal: the log would decode to more than its limit (turned into DecodeLimitError)."""


def _word_at(h: str, pos: int) -> int:
    """The 32-byte word at ``pos`` as an unsigned int, bounds-checked."""
    if pos < 0 or pos + 64 > len(h):
        raise Malformed(f"word at byte {pos // 2} is past the end of the data")
    return int(h[pos : pos + 64], 16)


def _charge(budget: list[int], digits: int) -> None:
    budget[0] -= digits
    if budget[0] < 0:
        raise OverBudget


def word_converter(t: AbiType) -> _Word:
    if t.base == "uint":
        if t.size <= MAX_NUMBER_BITS:
            return lambda w: int(w, 16)
        return lambda w: str(int(w, 16))
    if t.base == "int":
        # Values are sign-extended to 256 bits whatever N is.
        def signed(w: str) -> int:
            v = int(w, 16)
            return v - (1 << 256) if v >> 255 else v

        if t.size <= MAX_NUMBER_BITS:
            return signed
        return lambda w: str(signed(w))
    if t.base == "address":
        return lambda w: checksum_hex40(w[24:])
    if t.base == "bool":
        return lambda w: int(w, 16) != 0
    if t.base == "fixedbytes":
        n = t.size * 2
        return lambda w: "0x" + w[:n]
    raise AssertionError(f"not a word type: {t}")


def static_reader(t: AbiType) -> _Static:
    if t.dims:
        read_elem = static_reader(t.element)
        step = t.element.head_size * 2
        count = t.dims[-1]
        assert count is not None  # a static array has a fixed length
        return lambda h, pos: [read_elem(h, pos + i * step) for i in range(count)]
    if t.base == "tuple":
        return _static_tuple_reader(t.components)
    conv = word_converter(t)
    return lambda h, pos: conv(h[pos : pos + 64])


def _static_tuple_reader(components: tuple[tuple[str, AbiType], ...]) -> _Static:
    plan: list[tuple[str, _Static, int]] = []
    offset = 0
    for key, (_, t) in zip(unique_names([n for n, _ in components]), components, strict=True):
        plan.append((key, static_reader(t), offset))
        offset += t.head_size * 2

    def read_tuple(h: str, pos: int) -> dict[str, Any]:
        out = {}
        for key, read, off in plan:
            out[key] = read(h, pos + off)
        return out

    return read_tuple


def dynamic_reader(t: AbiType) -> _Dynamic:
    if t.dims:
        return _array_reader(t)
    if t.base == "tuple":
        return _dynamic_tuple_reader(t.components)
    as_text = t.base == "string"

    def read_bytes(h: str, pos: int, budget: list[int]) -> str:
        length = _word_at(h, pos)
        start = pos + 64
        end = start + 2 * length
        if end > len(h):
            raise Malformed(f"{t.base} of {length} bytes runs past the end of the data")
        _charge(budget, 64 + (length + 31) // 32 * 64)
        if as_text:
            return bytes.fromhex(h[start:end]).decode("utf-8", "replace")
        return "0x" + h[start:end]

    return read_bytes


def _elements(elem: AbiType) -> Callable[[str, int, int, list[int]], list[Any]]:
    """Reads ``count`` elements whose heads start at ``base`` (bounds and budget charged)."""
    if elem.is_dynamic:
        read_dynamic = dynamic_reader(elem)

        def by_offset(h: str, base: int, count: int, budget: list[int]) -> list[Any]:
            # Offsets are relative to the first head; the heads are inside the data (checked).
            return [
                read_dynamic(h, base + int(h[p : p + 64], 16) * 2, budget)
                for p in range(base, base + count * 64, 64)
            ]

        return by_offset
    read_static = static_reader(elem)
    step = elem.head_size * 2
    return lambda h, base, count, budget: [
        read_static(h, p) for p in range(base, base + count * step, step)
    ]


def _array_reader(t: AbiType) -> _Dynamic:
    """A dynamic array, or a fixed-length array of dynamic elements."""
    elem = t.element
    step = elem.head_size * 2
    read = _elements(elem)
    fixed = t.dims[-1]
    if fixed is None:

        def read_dynamic_array(h: str, pos: int, budget: list[int]) -> list[Any]:
            count = _word_at(h, pos)
            size = count * step
            if pos + 64 + size > len(h):
                raise Malformed(f"array of {count} runs past the end of the data")
            _charge(budget, 64 + size)
            return read(h, pos + 64, count, budget)

        return read_dynamic_array
    size = fixed * step

    def read_fixed_array(h: str, pos: int, budget: list[int]) -> list[Any]:
        if pos + size > len(h):
            raise Malformed(f"array of {fixed} runs past the end of the data")
        _charge(budget, size)
        return read(h, pos, fixed, budget)

    return read_fixed_array


def unique_names(names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """Stable, unique output names: unnamed -> arg<i>; collisions get ``_arg`` appended."""
    out: list[str] = []
    for i, name in enumerate(names):
        key = name or f"arg{i}"
        while key in reserved or key in out:
            key += "_arg"
        out.append(key)
    return out


def _dynamic_tuple_reader(components: tuple[tuple[str, AbiType], ...]) -> _Dynamic:
    plan: list[tuple[str, Any, bool, int]] = []  # (key, reader, dynamic, head offset)
    offset = 0
    for key, (_, t) in zip(unique_names([n for n, _ in components]), components, strict=True):
        dynamic = t.is_dynamic
        plan.append((key, dynamic_reader(t) if dynamic else static_reader(t), dynamic, offset))
        offset += t.head_size * 2
    head = offset

    def read_tuple(h: str, pos: int, budget: list[int]) -> dict[str, Any]:
        if pos + head > len(h):
            raise Malformed("tuple runs past the end of the data")
        _charge(budget, head)
        out = {}
        for key, read, dynamic, off in plan:
            at = pos + off
            if dynamic:
                out[key] = read(h, pos + int(h[at : at + 64], 16) * 2, budget)
            else:
                out[key] = read(h, at)
        return out

    return read_tuple


def depth_error(raw: Mapping[str, Any], limits: DecodeLimits) -> ABIParsingError | None:
    """An error if an input nests arrays and tuples deeper than ``limits.max_depth``.

    Walks the raw ABI iteratively, before it is parsed, so that a hostile ABI nested thousands
    deep is refused here rather than by a RecursionError in the parser. Malformed parts are left
    for the parser to report.
    """
    name = raw.get("name")
    inputs = raw.get("inputs")
    if not isinstance(inputs, list | tuple):
        return None
    stack: list[tuple[Any, str, int]] = [
        (item, f"{name}.inputs[{i}]", 0) for i, item in enumerate(inputs)
    ]
    while stack:
        item, path, depth = stack.pop()
        if not isinstance(item, Mapping):
            continue
        type_str = item.get("type")
        if isinstance(type_str, str):
            depth += type_str.count("[")
            if type_str.startswith("tuple"):
                depth += 1
        if depth > limits.max_depth:
            message = (
                f"arrays and tuples nest deeper than the decoder's max_depth {limits.max_depth}"
            )
            return ABIParsingError(
                f"{path}.type: {message}", field_errors=[FieldError(f"{path}.type", message)]
            )
        components = item.get("components")
        if (
            isinstance(type_str, str)
            and type_str.startswith("tuple")
            and isinstance(components, list | tuple)
        ):
            stack.extend((c, f"{path}.components[{i}]", depth) for i, c in enumerate(components))
    return None


def carries_raw_hex(t: AbiType) -> bool:
    """Whether decoding copies hex digits out unparsed (so the data must be checked as hex)."""
    if t.base == "tuple":
        return any(carries_raw_hex(c) for _, c in t.components)
    return t.base in ("bytes", "fixedbytes")
