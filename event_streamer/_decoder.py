"""Log decoding: raw JSON-RPC logs -> the stream's event dicts.

A decoder is compiled once per event into a plan of small readers that work directly on the
log's hex strings: a static word is one slice and one ``int(..., 16)``; dynamic values follow
their offsets with bounds checks, and each charges the words it reads to a per-call budget
(``DecodeLimits.max_size_ratio`` x the data), so offsets that alias the same bytes cannot make a
small log decode into a huge one. Output conventions (shared with the service's stream):

- named arguments in ABI order; unnamed ones become ``arg<i>``; a name that collides with a
  metadata key (or repeats) gets ``_arg`` appended;
- tuples are dicts keyed by component name, arrays are lists;
- integers up to 48 bits are numbers, wider ones decimal strings;
- addresses are EIP-55 checksummed; ``bytes``/``bytesN`` are 0x-hex; strings are UTF-8
  (invalid sequences replaced with U+FFFD);
- indexed dynamic values (string, bytes, arrays, tuples) are their topic hash, 0x-hex;
- metadata: ``block_number``, ``transaction_hash``, ``log_index``, ``address``, ``block_hash``,
  ``removed`` and, when the node sends it, ``transaction_index``.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Mapping
from typing import Any

from ._abi import event_inputs, event_signature, event_topic0
from ._abi_types import MAX_NUMBER_BITS, AbiType
from ._checksum import checksum_hex40
from ._decode_limits import DecodeLimitError, DecodeLimits
from .exceptions import (
    ABIParsingError,
    EventDecodeError,
    EventStreamerValidationError,
    FieldError,
)
from .models.abi import ABIEvent

__all__ = ["METADATA_KEYS", "EventDecoder"]

METADATA_KEYS = frozenset(
    {
        "block_number",
        "transaction_hash",
        "transaction_index",
        "log_index",
        "address",
        "block_hash",
        "removed",
        "timestamp",
    }
)

_DEFAULT_LIMITS = DecodeLimits()

_Word = Callable[[str], Any]  # 64 hex digits -> value
# A static value sits wholly inside bytes its parent has already bounds-checked and charged.
_Static = Callable[[str, int], Any]  # (data hex without 0x, position in hex digits) -> value
# A dynamic value is reached through an offset: it checks its own bounds and charges the budget
# (a one-element list: hex digits still allowed to be read) before doing any work.
_Dynamic = Callable[[str, int, list[int]], Any]


class _Malformed(Exception):
    """Internal: the data does not fit the ABI (turned into EventDecodeError with the log)."""


class _OverBudget(Exception):
    """Internal: the log would decode to more than its limit (turned into DecodeLimitError)."""


def _word_at(h: str, pos: int) -> int:
    """The 32-byte word at ``pos`` as an unsigned int, bounds-checked."""
    if pos < 0 or pos + 64 > len(h):
        raise _Malformed(f"word at byte {pos // 2} is past the end of the data")
    return int(h[pos : pos + 64], 16)


def _charge(budget: list[int], digits: int) -> None:
    budget[0] -= digits
    if budget[0] < 0:
        raise _OverBudget


def _word_converter(t: AbiType) -> _Word:
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


def _static_reader(t: AbiType) -> _Static:
    if t.dims:
        read_elem = _static_reader(t.element)
        step = t.element.head_size * 2
        count = t.dims[-1]
        assert count is not None  # a static array has a fixed length
        return lambda h, pos: [read_elem(h, pos + i * step) for i in range(count)]
    if t.base == "tuple":
        return _static_tuple_reader(t.components)
    conv = _word_converter(t)
    return lambda h, pos: conv(h[pos : pos + 64])


def _static_tuple_reader(components: tuple[tuple[str, AbiType], ...]) -> _Static:
    plan: list[tuple[str, _Static, int]] = []
    offset = 0
    for key, (_, t) in zip(_names([n for n, _ in components]), components, strict=True):
        plan.append((key, _static_reader(t), offset))
        offset += t.head_size * 2

    def read_tuple(h: str, pos: int) -> dict[str, Any]:
        out = {}
        for key, read, off in plan:
            out[key] = read(h, pos + off)
        return out

    return read_tuple


def _dynamic_reader(t: AbiType) -> _Dynamic:
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
            raise _Malformed(f"{t.base} of {length} bytes runs past the end of the data")
        _charge(budget, 64 + (length + 31) // 32 * 64)
        if as_text:
            return bytes.fromhex(h[start:end]).decode("utf-8", "replace")
        return "0x" + h[start:end]

    return read_bytes


def _elements(elem: AbiType) -> Callable[[str, int, int, list[int]], list[Any]]:
    """Reads ``count`` elements whose heads start at ``base`` (bounds and budget charged)."""
    if elem.is_dynamic:
        read_dynamic = _dynamic_reader(elem)

        def by_offset(h: str, base: int, count: int, budget: list[int]) -> list[Any]:
            # Offsets are relative to the first head; the heads are inside the data (checked).
            return [
                read_dynamic(h, base + int(h[p : p + 64], 16) * 2, budget)
                for p in range(base, base + count * 64, 64)
            ]

        return by_offset
    read_static = _static_reader(elem)
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
                raise _Malformed(f"array of {count} runs past the end of the data")
            _charge(budget, 64 + size)
            return read(h, pos + 64, count, budget)

        return read_dynamic_array
    size = fixed * step

    def read_fixed_array(h: str, pos: int, budget: list[int]) -> list[Any]:
        if pos + size > len(h):
            raise _Malformed(f"array of {fixed} runs past the end of the data")
        _charge(budget, size)
        return read(h, pos, fixed, budget)

    return read_fixed_array


def _names(names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
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
    for key, (_, t) in zip(_names([n for n, _ in components]), components, strict=True):
        dynamic = t.is_dynamic
        plan.append((key, _dynamic_reader(t) if dynamic else _static_reader(t), dynamic, offset))
        offset += t.head_size * 2
    head = offset

    def read_tuple(h: str, pos: int, budget: list[int]) -> dict[str, Any]:
        if pos + head > len(h):
            raise _Malformed("tuple runs past the end of the data")
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


def _depth_error(raw: Mapping[str, Any], limits: DecodeLimits) -> ABIParsingError | None:
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


# Plan steps: (output key, kind, a, b). The commonest kinds (addresses, wide uints) are inlined
# in the decode loop: a function call per value is a measurable share of a Transfer's cost.
(
    _TOPIC_ADDRESS,
    _TOPIC_VALUE,
    _TOPIC_RAW,
    _DATA_UINT,
    _DATA_ADDRESS,
    _DATA_WORD,
    _DATA_READ,
    _DATA_DYNAMIC,
) = range(8)


def _carries_raw_hex(t: AbiType) -> bool:
    """Whether decoding copies hex digits out unparsed (so the data must be checked as hex)."""
    if t.base == "tuple":
        return any(_carries_raw_hex(c) for _, c in t.components)
    return t.base in ("bytes", "fixedbytes")


class EventDecoder:
    """Decodes raw logs of one ABI event. Build once, call :meth:`decode` per log.

    Bounded: every offset and length is checked against the data, and a log whose values would
    cost more than ``limits`` allows (:class:`DecodeLimits`: decoded size at most 4x the data by
    default, types nested at most 16 deep) raises :class:`DecodeLimitError`, a subclass of
    ``EventDecodeError``, before the work is done. A call's work is linear in the log's size.

    Pure and synchronous: no I/O, and nothing changes after construction (each call keeps its
    state local), so one decoder may be shared between threads, and a batch of logs may be
    decoded in a worker thread (``await asyncio.to_thread(...)``) to keep an event loop free.

    Raises ``ABIParsingError`` if the event is not a valid ABI event or nests deeper than
    ``limits.max_depth``.
    """

    __slots__ = (
        "_head",
        "_n_topics",
        "_plan",
        "_ratio",
        "_strict",
        "anonymous",
        "limits",
        "name",
        "signature",
        "topic0",
    )

    def __init__(
        self, event: ABIEvent | Mapping[str, Any], *, limits: DecodeLimits = _DEFAULT_LIMITS
    ) -> None:
        if not isinstance(limits, DecodeLimits):
            message = f"must be a DecodeLimits, got {type(limits).__name__}"
            raise EventStreamerValidationError(
                f"limits {message}", field_errors=[FieldError("limits", message)]
            )
        raw = event.to_dict() if isinstance(event, ABIEvent) else dict(event)
        too_deep = _depth_error(raw, limits)
        if too_deep is not None:
            raise too_deep
        inputs = event_inputs(raw)
        self.limits = limits
        self.name: str = str(raw["name"])
        self.signature: str = event_signature(raw)
        self.topic0: str = event_topic0(raw)
        self.anonymous: bool = bool(raw.get("anonymous", False))
        keys = _names([n for n, _, _ in inputs], METADATA_KEYS)
        plan: list[tuple[str, int, Any, Any]] = []
        topic = 0 if self.anonymous else 1
        offset = 0
        for key, (_, t, indexed) in zip(keys, inputs, strict=True):
            if indexed:
                if t.base == "address" and not t.dims:
                    plan.append((key, _TOPIC_ADDRESS, topic, None))
                elif t.is_value_type:
                    plan.append((key, _TOPIC_VALUE, topic, _word_converter(t)))
                else:
                    plan.append((key, _TOPIC_RAW, topic, None))
                topic += 1
                continue
            if t.is_dynamic:
                plan.append((key, _DATA_DYNAMIC, offset, _dynamic_reader(t)))
            elif t.base == "address" and not t.dims:
                plan.append((key, _DATA_ADDRESS, offset, None))
            elif t.base == "uint" and not t.dims and t.size > MAX_NUMBER_BITS:
                plan.append((key, _DATA_UINT, offset, None))
            elif t.is_value_type:
                plan.append((key, _DATA_WORD, offset, _word_converter(t)))
            else:
                plan.append((key, _DATA_READ, offset, _static_reader(t)))
            offset += t.head_size * 2
        self._plan = tuple(plan)
        self._n_topics = topic
        self._head = offset
        self._ratio = limits.max_size_ratio
        # Offsets need the strict hex check and a budget: only values reached through them can
        # cost more than the data they sit in. Raw-hex copies (bytesN) need the check too. Plain
        # static words need neither (int(..., 16) parses them), which keeps Transfers fast.
        self._strict = any(kind == _DATA_DYNAMIC for _, kind, _, _ in plan) or any(
            _carries_raw_hex(t) for _, t, indexed in inputs if not indexed
        )

    def __repr__(self) -> str:
        return f"EventDecoder({self.signature!r})"

    def decode(self, log: Mapping[str, Any]) -> dict[str, Any]:
        """Decode one raw JSON-RPC log (hex strings) into the stream's event dict.

        Raises ``EventDecodeError`` (carrying the log) if the log does not fit the event, and
        its subclass ``DecodeLimitError`` if it is past the decoder's limits.
        """
        try:
            out = self._arguments(log["topics"], log["data"])
            out["block_number"] = int(log["blockNumber"], 16)
            out["transaction_hash"] = log["transactionHash"]
            tx_index = log.get("transactionIndex")
            if tx_index is not None:
                out["transaction_index"] = int(tx_index, 16)
            out["log_index"] = int(log["logIndex"], 16)
            out["address"] = checksum_hex40(log["address"][2:])
            out["block_hash"] = log.get("blockHash")
            out["removed"] = bool(log.get("removed", False))
        except _Malformed as err:
            raise self._error(log, str(err)) from None
        except _OverBudget:
            raise self._limit_error(log, log["data"]) from None
        except (KeyError, TypeError, ValueError, IndexError) as err:
            raise self._error(log, f"malformed log: {err!r}") from err
        return out

    def decode_arguments(self, topics: Any, data: Any) -> dict[str, Any]:
        """Decode only the event's arguments from ``topics`` and ``data`` (same errors)."""
        try:
            return self._arguments(topics, data)
        except _Malformed as err:
            raise EventDecodeError(f"cannot decode {self.signature}: {err}") from None
        except _OverBudget:
            raise self._limit_error(None, data) from None
        except (TypeError, ValueError, IndexError) as err:
            raise EventDecodeError(f"cannot decode {self.signature}: {err!r}") from err

    def _arguments(self, topics: Any, data: Any) -> dict[str, Any]:
        if len(topics) != self._n_topics:
            raise _Malformed(f"expected {self._n_topics} topics, got {len(topics)}")
        if not self.anonymous and topics[0].lower() != self.topic0:
            raise _Malformed(f"topics[0] is {topics[0]}, not {self.name}'s topic0")
        if data[:2] != "0x":
            raise _Malformed("data must start with 0x")
        h = data[2:]
        if len(h) < self._head or len(h) % 2:
            raise _Malformed(f"data is {len(h) / 2:g} bytes; the event needs {self._head // 2}")
        budget = None
        if self._strict:
            # int(..., 16) alone takes "-", "_", spaces and non-ASCII digits (a negative offset
            # would read backwards), and raw copies are not parsed at all. unhexlify is strict.
            try:
                binascii.unhexlify(h)
            except (binascii.Error, ValueError):
                raise _Malformed("data is not hex") from None
            budget = [self._ratio * len(h)]
        out: dict[str, Any] = {}
        for key, kind, a, b in self._plan:
            if kind == _TOPIC_ADDRESS:
                out[key] = checksum_hex40(topics[a][26:])
            elif kind == _DATA_UINT:
                out[key] = str(int(h[a : a + 64], 16))
            elif kind == _DATA_ADDRESS:
                out[key] = checksum_hex40(h[a + 24 : a + 64])
            elif kind == _DATA_WORD:
                out[key] = b(h[a : a + 64])
            elif kind == _TOPIC_VALUE:
                out[key] = b(topics[a][2:])
            elif kind == _TOPIC_RAW:
                out[key] = topics[a]
            elif kind == _DATA_READ:
                out[key] = b(h, a)
            else:
                out[key] = b(h, int(h[a : a + 64], 16) * 2, budget)
        return out

    def _limit_error(self, log: Mapping[str, Any] | None, data: str) -> DecodeLimitError:
        where = "" if log is None else f" at {self._where(log)}"
        return DecodeLimitError(
            f"cannot decode {self.signature}{where}: its values would decode to more than "
            f"{self._ratio}x its {len(data) // 2 - 1}-byte data (offsets alias the same bytes; "
            "DecodeLimits.max_size_ratio)",
            limit="max_size_ratio",
            log=log,
        )

    @staticmethod
    def _where(log: Mapping[str, Any]) -> str:
        if not isinstance(log, Mapping):
            return "a log that is not an object"
        return f"tx {log.get('transactionHash')} log {log.get('logIndex')}"

    def _error(self, log: Mapping[str, Any], why: str) -> EventDecodeError:
        return EventDecodeError(
            f"cannot decode {self.signature} at {self._where(log)}: {why}", log=log
        )
