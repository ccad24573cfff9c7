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
from collections.abc import Mapping, Sequence
from typing import Any

from ._abi import event_inputs, event_signature, event_topic0
from ._abi_types import MAX_NUMBER_BITS
from ._checksum import checksum_hex40
from ._decode_limits import DecodeLimitError, DecodeLimits
from ._decode_readers import (
    Malformed,
    OverBudget,
    carries_raw_hex,
    depth_error,
    dynamic_reader,
    static_reader,
    unique_names,
    word_converter,
)
from .exceptions import (
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
        too_deep = depth_error(raw, limits)
        if too_deep is not None:
            raise too_deep
        inputs = event_inputs(raw)
        self.limits = limits
        self.name: str = str(raw["name"])
        self.signature: str = event_signature(raw)
        self.topic0: str = event_topic0(raw)
        self.anonymous: bool = bool(raw.get("anonymous", False))
        keys = unique_names([n for n, _, _ in inputs], METADATA_KEYS)
        plan: list[tuple[str, int, Any, Any]] = []
        topic = 0 if self.anonymous else 1
        offset = 0
        for key, (_, t, indexed) in zip(keys, inputs, strict=True):
            if indexed:
                if t.base == "address" and not t.dims:
                    plan.append((key, _TOPIC_ADDRESS, topic, None))
                elif t.is_value_type:
                    plan.append((key, _TOPIC_VALUE, topic, word_converter(t)))
                else:
                    plan.append((key, _TOPIC_RAW, topic, None))
                topic += 1
                continue
            if t.is_dynamic:
                plan.append((key, _DATA_DYNAMIC, offset, dynamic_reader(t)))
            elif t.base == "address" and not t.dims:
                plan.append((key, _DATA_ADDRESS, offset, None))
            elif t.base == "uint" and not t.dims and t.size > MAX_NUMBER_BITS:
                plan.append((key, _DATA_UINT, offset, None))
            elif t.is_value_type:
                plan.append((key, _DATA_WORD, offset, word_converter(t)))
            else:
                plan.append((key, _DATA_READ, offset, static_reader(t)))
            offset += t.head_size * 2
        self._plan = tuple(plan)
        self._n_topics = topic
        self._head = offset
        self._ratio = limits.max_size_ratio
        # Offsets need the strict hex check and a budget: only values reached through them can
        # cost more than the data they sit in. Raw-hex copies (bytesN) need the check too. Plain
        # static words need neither (int(..., 16) parses them), which keeps Transfers fast.
        self._strict = any(kind == _DATA_DYNAMIC for _, kind, _, _ in plan) or any(
            carries_raw_hex(t) for _, t, indexed in inputs if not indexed
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
        except Malformed as err:
            raise self._error(log, str(err)) from None
        except OverBudget:
            raise self._limit_error(log, log["data"]) from None
        except (KeyError, TypeError, ValueError, IndexError) as err:
            raise self._error(log, f"malformed log: {err!r}") from err
        return out

    def decode_arguments(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        """Decode only the event's arguments from ``topics`` and ``data`` (same errors)."""
        try:
            return self._arguments(topics, data)
        except Malformed as err:
            raise EventDecodeError(f"cannot decode {self.signature}: {err}") from None
        except OverBudget:
            raise self._limit_error(None, data) from None
        except (TypeError, ValueError, IndexError) as err:
            raise EventDecodeError(f"cannot decode {self.signature}: {err!r}") from err

    def _arguments(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        if len(topics) != self._n_topics:
            raise Malformed(f"expected {self._n_topics} topics, got {len(topics)}")
        if not self.anonymous and topics[0].lower() != self.topic0:
            raise Malformed(f"topics[0] is {topics[0]}, not {self.name}'s topic0")
        if data[:2] != "0x":
            raise Malformed("data must start with 0x")
        h = data[2:]
        if len(h) < self._head or len(h) % 2:
            raise Malformed(f"data is {len(h) / 2:g} bytes; the event needs {self._head // 2}")
        budget = None
        if self._strict:
            # int(..., 16) alone takes "-", "_", spaces and non-ASCII digits (a negative offset
            # would read backwards), and raw copies are not parsed at all. unhexlify is strict.
            try:
                binascii.unhexlify(h)
            except (binascii.Error, ValueError):
                raise Malformed("data is not hex") from None
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
