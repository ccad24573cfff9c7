"""Log decoding: raw JSON-RPC logs -> the stream's event dicts.

A decoder is compiled once per event into a plan of small readers that work directly on the
log's hex strings: a static word is one slice and one ``int(..., 16)``; dynamic values follow
their offsets with bounds checks. Output conventions (shared with the service's stream):

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

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._abi import event_inputs, event_signature, event_topic0
from ._abi_types import MAX_NUMBER_BITS, AbiType
from ._checksum import checksum_hex40
from .exceptions import EventDecodeError
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

_HEX = re.compile(r"[0-9a-fA-F]*")
_Word = Callable[[str], Any]  # 64 hex digits -> value
_Reader = Callable[[str, int], Any]  # (data hex without 0x, position in hex digits) -> value


class _Malformed(Exception):
    """Internal: the data does not fit the ABI (turned into EventDecodeError with the log)."""


def _word_at(h: str, pos: int) -> int:
    """The 32-byte word at ``pos`` as an unsigned int, bounds-checked."""
    if pos < 0 or pos + 64 > len(h):
        raise _Malformed(f"word at byte {pos // 2} is past the end of the data")
    return int(h[pos : pos + 64], 16)


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


def _reader(t: AbiType) -> _Reader:
    if t.dims:
        return _array_reader(t)
    if t.base == "tuple":
        return _tuple_reader(t.components)
    if t.base in ("bytes", "string"):
        as_text = t.base == "string"

        def read_bytes(h: str, pos: int) -> str:
            length = _word_at(h, pos)
            start = pos + 64
            end = start + 2 * length
            if end > len(h):
                raise _Malformed(f"{t.base} of {length} bytes runs past the end of the data")
            if as_text:
                return bytes.fromhex(h[start:end]).decode("utf-8", "replace")
            return "0x" + h[start:end]

        return read_bytes
    conv = _word_converter(t)
    return lambda h, pos: conv(h[pos : pos + 64])


def _sequence(
    h: str, base: int, count: int, elem: AbiType, read: _Reader, dynamic: bool
) -> list[Any]:
    step = elem.head_size * 2
    if base + count * step > len(h):
        raise _Malformed(f"array of {count} runs past the end of the data")
    if dynamic:
        return [read(h, base + _word_at(h, base + i * step) * 2) for i in range(count)]
    return [read(h, base + i * step) for i in range(count)]


def _array_reader(t: AbiType) -> _Reader:
    elem = t.element
    read_elem = _reader(elem)
    dynamic = elem.is_dynamic
    length = t.dims[-1]
    if length is None:

        def read_dynamic_array(h: str, pos: int) -> list[Any]:
            count = _word_at(h, pos)
            return _sequence(h, pos + 64, count, elem, read_elem, dynamic)

        return read_dynamic_array
    fixed = length
    return lambda h, pos: _sequence(h, pos, fixed, elem, read_elem, dynamic)


def _names(names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """Stable, unique output names: unnamed -> arg<i>; collisions get ``_arg`` appended."""
    out: list[str] = []
    for i, name in enumerate(names):
        key = name or f"arg{i}"
        while key in reserved or key in out:
            key += "_arg"
        out.append(key)
    return out


def _tuple_reader(components: tuple[tuple[str, AbiType], ...]) -> _Reader:
    names = _names([n for n, _ in components])
    plan: list[tuple[str, _Reader, bool, int]] = []
    offset = 0
    for key, (_, t) in zip(names, components, strict=True):
        plan.append((key, _reader(t), t.is_dynamic, offset))
        offset += t.head_size * 2
    head = offset

    def read_tuple(h: str, pos: int) -> dict[str, Any]:
        if pos + head > len(h):
            raise _Malformed("tuple runs past the end of the data")
        out = {}
        for key, read, dynamic, off in plan:
            at = pos + off
            out[key] = read(h, pos + _word_at(h, at) * 2 if dynamic else at)
        return out

    return read_tuple


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
    """Decodes raw logs of one ABI event. Build once, call :meth:`decode` per log."""

    __slots__ = (
        "_check_hex",
        "_head",
        "_n_topics",
        "_plan",
        "anonymous",
        "name",
        "signature",
        "topic0",
    )

    def __init__(self, event: ABIEvent | Mapping[str, Any]) -> None:
        raw = event.to_dict() if isinstance(event, ABIEvent) else dict(event)
        inputs = event_inputs(raw)
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
                plan.append((key, _DATA_DYNAMIC, offset, _reader(t)))
            elif t.base == "address" and not t.dims:
                plan.append((key, _DATA_ADDRESS, offset, None))
            elif t.base == "uint" and not t.dims and t.size > MAX_NUMBER_BITS:
                plan.append((key, _DATA_UINT, offset, None))
            elif t.is_value_type:
                plan.append((key, _DATA_WORD, offset, _word_converter(t)))
            else:
                plan.append((key, _DATA_READ, offset, _reader(t)))
            offset += t.head_size * 2
        self._plan = tuple(plan)
        self._n_topics = topic
        self._head = offset
        # int(..., 16) validates every word it parses; raw-hex copies need an explicit check.
        self._check_hex = any(_carries_raw_hex(t) for _, t, indexed in inputs if not indexed)

    def __repr__(self) -> str:
        return f"EventDecoder({self.signature!r})"

    def decode(self, log: Mapping[str, Any]) -> dict[str, Any]:
        """Decode one raw JSON-RPC log (hex strings) into the stream's event dict."""
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
        except (KeyError, TypeError, ValueError, IndexError) as err:
            raise self._error(log, f"malformed log: {err!r}") from err
        return out

    def decode_arguments(self, topics: Any, data: Any) -> dict[str, Any]:
        """Decode only the event's arguments from ``topics`` and ``data``."""
        try:
            return self._arguments(topics, data)
        except _Malformed as err:
            raise EventDecodeError(f"cannot decode {self.signature}: {err}") from None
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
        if self._check_hex and not _HEX.fullmatch(h):
            raise _Malformed("data is not hex")
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
                out[key] = b(h, _word_at(h, a) * 2)
        return out

    def _error(self, log: Mapping[str, Any], why: str) -> EventDecodeError:
        where = (
            f"tx {log.get('transactionHash')} log {log.get('logIndex')}"
            if isinstance(log, Mapping)
            else "a log that is not an object"
        )
        return EventDecodeError(f"cannot decode {self.signature} at {where}: {why}", log=log)
