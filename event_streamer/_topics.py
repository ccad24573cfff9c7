"""Several events and indexed-argument filters of a subscription: validation and ``where=``.

A subscription streams its ``event_signature`` and up to :data:`MAX_EXTRA_EVENTS` further
events (``extra_events``), each with its own topic0. Its ``topics`` filter lists topic1..topic3
as ``eth_getLogs`` takes them (per position ``None``, one 32-byte value, or a list of up to
:data:`MAX_TOPIC_ALTERNATIVES` alternatives) and applies to every event of the subscription.

``where={"from": "0x..."}`` builds that filter from argument names. A name must be an indexed
argument of every event of the subscription, at the same topic position and with the same type;
anything else is ambiguous (a Transfer's ``from`` would silently filter an Approval's ``owner``)
and refused. Only value types are accepted (address, bool, uintN/intN, bytesN): an indexed
string, bytes, array or tuple is stored as a hash in its topic.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from eth_abi.abi import encode as abi_encode

from ._abi import event_inputs, event_topic0
from ._abi_types import AbiType
from .exceptions import ABIParsingError, FieldError

__all__ = [
    "MAX_EXTRA_EVENTS",
    "MAX_TOPIC_ALTERNATIVES",
    "encode_where",
    "extra_event_problems",
    "topic_filter_problems",
]

MAX_EXTRA_EVENTS = 15  # 16 events per subscription in all
MAX_TOPIC_ALTERNATIVES = 16  # per topic position
_TOPIC = re.compile(r"^0x[0-9a-fA-F]{64}$")
_HEX = re.compile(r"^0x(?:[0-9a-fA-F]{2})*$")


def topic_filter_problems(topics: Any, field: str = "topics") -> list[FieldError]:
    """What is wrong with a ``topics`` filter (``None`` is no filter)."""
    if topics is None:
        return []
    if isinstance(topics, str) or not isinstance(topics, list | tuple):
        return [FieldError(field, "must be a list of up to 3 topic positions or None", "type")]
    if len(topics) > 3:
        return [FieldError(field, f"at most 3 positions (topic1..topic3), got {len(topics)}")]
    problems: list[FieldError] = []
    for i, position in enumerate(topics):
        where = f"{field}[{i}]"
        if position is None:
            continue
        values = [position] if isinstance(position, str) else position
        if not isinstance(values, list | tuple) or not values:
            problems.append(FieldError(where, "must be None, a 32-byte hex value or a list"))
            continue
        if len(values) > MAX_TOPIC_ALTERNATIVES:
            problems.append(
                FieldError(
                    where,
                    f"at most {MAX_TOPIC_ALTERNATIVES} alternatives, got {len(values)}",
                    "maxItems",
                )
            )
            continue
        for value in values:
            if not isinstance(value, str) or not _TOPIC.match(value):
                problems.append(
                    FieldError(where, "must be 0x followed by 64 hex digits", "pattern")
                )
                break
    return problems


def extra_event_problems(
    main: Any, extra: Sequence[Any], field: str = "extra_events"
) -> list[FieldError]:
    """What is wrong with ``extra`` next to the ``main`` event (ABIEvent models or dicts)."""
    if len(extra) > MAX_EXTRA_EVENTS:
        return [
            FieldError(field, f"at most {MAX_EXTRA_EVENTS} events, got {len(extra)}", "maxItems")
        ]
    problems: list[FieldError] = []
    seen: set[str] = set()
    if main is not None:
        with contextlib.suppress(ABIParsingError):  # reported on event_signature
            seen.add(event_topic0(main))
    for i, event in enumerate(extra):
        where = f"{field}[{i}]"
        raw = event.to_dict() if hasattr(event, "to_dict") else event
        if not isinstance(raw, Mapping):
            problems.append(FieldError(where, "must be an ABI event"))
            continue
        if raw.get("anonymous"):
            problems.append(FieldError(where, "anonymous events have no topic0 to select them"))
            continue
        try:
            topic0 = event_topic0(raw)
        except ABIParsingError as err:
            problems.extend(FieldError(f"{where}.{e.field}", e.message) for e in err.field_errors)
            continue
        if topic0 in seen:
            problems.append(FieldError(where, f"event {raw.get('name')} is already streamed"))
        seen.add(topic0)
    return problems


def _type_name(abi_type: AbiType) -> str:
    if abi_type.base in ("uint", "int"):
        return f"{abi_type.base}{abi_type.size}"
    if abi_type.base == "fixedbytes":
        return f"bytes{abi_type.size}"
    return abi_type.base


def _indexed(event: Any) -> dict[str, tuple[int, AbiType]]:
    """Argument name -> (topic position 1..3, type) of the event's indexed inputs."""
    out: dict[str, tuple[int, AbiType]] = {}
    position = 0
    for name, abi_type, indexed in event_inputs(event):
        if indexed:
            position += 1
            out[name] = (position, abi_type)
    return out


def _encode_value(type_name: str, value: Any) -> str:
    if type_name.startswith("bytes") and isinstance(value, str):
        if not _HEX.match(value):
            raise ValueError(f"{value!r} is not 0x-prefixed hex")
        value = bytes.fromhex(value[2:])
    if type_name.startswith("bytes") and len(value) != int(type_name[5:]):
        raise ValueError(f"needs exactly {type_name[5:]} bytes, got {len(value)}")
    if type_name.startswith(("uint", "int")) and isinstance(value, bool):
        raise ValueError("a bool is not an integer")
    if type_name == "bool" and not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a bool")
    return "0x" + abi_encode([type_name], [value]).hex()


def encode_where(events: Sequence[Any], where: Mapping[str, Any]) -> list[str | list[str] | None]:
    """The ``topics`` filter for ``where`` (argument name -> value or list of alternatives).

    Raises :class:`~event_streamer.exceptions.ABIParsingError` naming ``where.<name>`` for an
    unknown, non-indexed, ambiguous or hashed argument, or a value its type cannot take.
    """
    if not isinstance(where, Mapping):
        raise ABIParsingError(
            "where must map argument names to values",
            field_errors=[FieldError("where", "must be a mapping")],
        )
    indexed = [_indexed(e) for e in events]
    topics: list[str | list[str] | None] = [None, None, None]
    problems: list[FieldError] = []
    for name, value in where.items():
        field = f"where.{name}"
        at = [args.get(name) for args in indexed]
        found = {a for a in at if a is not None}  # a set: events that agree count once
        if None in at or not found:
            missing = [
                str(getattr(e, "name", None) or e.get("name"))
                for e, args in zip(events, indexed, strict=True)
                if name not in args
            ]
            problems.append(
                FieldError(field, f"is not an indexed argument of {', '.join(missing)}")
            )
            continue
        if len({(p, _type_name(t)) for p, t in found}) != 1:
            problems.append(
                FieldError(field, "is at different topic positions or types across the events")
            )
            continue
        position, abi_type = next(iter(found))
        if not abi_type.is_value_type:
            problems.append(
                FieldError(
                    field, f"indexed {_type_name(abi_type)} is stored hashed: not filterable"
                )
            )
            continue
        if topics[position - 1] is not None:
            problems.append(FieldError(field, f"topic{position} is already filtered"))
            continue
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not values or len(values) > MAX_TOPIC_ALTERNATIVES:
            problems.append(FieldError(field, f"needs 1 to {MAX_TOPIC_ALTERNATIVES} alternatives"))
            continue
        try:
            encoded = [_encode_value(_type_name(abi_type), v) for v in values]
        except Exception as err:  # eth-abi's encoding errors have no common base worth naming
            problems.append(FieldError(field, f"not a valid {_type_name(abi_type)}: {err}"))
            continue
        topics[position - 1] = encoded[0] if len(encoded) == 1 else encoded
    if problems:
        raise ABIParsingError(
            f"invalid where: {'; '.join(f'{p.field} {p.message}' for p in problems)}",
            field_errors=problems,
        )
    while topics and topics[-1] is None:
        topics.pop()
    return topics
