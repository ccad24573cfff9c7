"""Subscription inputs: build them from an ABI, validate them before any request is sent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeGuard

from event_streamer_api.models.start_block_tag import START_BLOCK_TAG_VALUES
from event_streamer_api.types import UNSET, Unset, register_validator

from ._abi import AbiSource, event_topic0, extract_abi_event
from ._abi_types import parse_type
from ._topics import encode_where, extra_event_problems, topic_filter_problems
from .exceptions import ABIParsingError, EventStreamerValidationError, FieldError
from .models.abi import ABIEvent, ABIInput
from .models.subscriptions import StartBlockTag, SubscriptionCreate, SubscriptionUpdate

__all__ = ["subscription_from_abi", "validate_subscription_create", "validate_subscription_update"]

_TOPIC0 = re.compile(r"^0x[0-9a-fA-F]{64}$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
# start_block names these blocks too; the service resolves them once, at creation.
START_BLOCK_TAGS = tuple(sorted(START_BLOCK_TAG_VALUES))  # the contract's, as generated


def subscription_from_abi(
    abi: AbiSource,
    event: str | Sequence[str],
    *,
    chain_id: int,
    addresses: Iterable[str] = (),
    start_block: int | StartBlockTag = 0,
    end_block: int | None = None,
    subscriber_id: str | None = None,
    where: Mapping[str, Any] | None = None,
) -> SubscriptionCreate:
    """A ``SubscriptionCreate`` for ``event`` of ``abi``, topic0 computed.

    ``event`` is a name or signature, or a list of them: the first becomes ``event_signature``,
    the others ``extra_events``, all streamed together. ``where`` maps indexed argument names to
    a value or a list of alternatives and becomes the ``topics`` filter (see ``_topics``).
    ``start_block`` is a block number, or ``"latest"``/``"finalized"`` (the service resolves it
    once, at creation, and stores the number).
    """
    names = [event] if isinstance(event, str) else list(event)
    if not names:
        raise EventStreamerValidationError(
            "invalid subscription: no event named",
            field_errors=[FieldError("event", "name at least one event")],
        )
    abi_events = [extract_abi_event(abi, name) for name in names]
    topics = None if where is None else encode_where(abi_events, where)
    sub = SubscriptionCreate(
        topic0=event_topic0(abi_events[0]),
        event_signature=abi_events[0],
        addresses=list(addresses),
        start_block=start_block,
        end_block=end_block,
        chain_id=chain_id,
        subscriber_id=UNSET if subscriber_id is None else subscriber_id,
        extra_events=abi_events[1:] or None,
        topics=topics or None,
    )
    validate_subscription_create(sub)
    return sub


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(sub: SubscriptionCreate | SubscriptionUpdate, what: str) -> None:
    """Raise EventStreamerValidationError naming every bad field; UNSET fields are skipped."""
    errors: list[FieldError] = []
    topic0, event_signature, addresses = sub.topic0, sub.event_signature, sub.addresses
    start_block, end_block, chain_id = sub.start_block, sub.end_block, sub.chain_id
    subscriber_id = sub.subscriber_id
    computed: str | None = None
    if not isinstance(event_signature, Unset):
        if not isinstance(event_signature, ABIEvent):
            errors.append(FieldError("event_signature", "must be an ABIEvent"))
        else:
            try:
                computed = event_topic0(event_signature)
            except ABIParsingError as err:
                errors.extend(
                    FieldError(f"event_signature.{e.field}", e.message) for e in err.field_errors
                )
    if not isinstance(topic0, Unset):
        if not isinstance(topic0, str) or not _TOPIC0.match(topic0):
            errors.append(FieldError("topic0", "must be 0x followed by 64 hex digits", "pattern"))
        elif computed is not None and topic0.lower() != computed:
            sig = event_signature.name if isinstance(event_signature, ABIEvent) else "?"
            errors.append(
                FieldError(
                    "topic0",
                    f"does not match event_signature {sig}: expected {computed}",
                    "mismatch",
                )
            )
    if not isinstance(addresses, Unset):
        if isinstance(addresses, str) or not isinstance(addresses, list | tuple):
            errors.append(FieldError("addresses", "must be a list of addresses"))
        else:
            for i, addr in enumerate(addresses):
                if not isinstance(addr, str) or not _ADDRESS.match(addr):
                    errors.append(
                        FieldError(f"addresses[{i}]", "must be 0x followed by 40 hex digits")
                    )
    for name, value in (("start_block", start_block), ("chain_id", chain_id)):
        if isinstance(value, Unset):
            continue
        if name == "start_block" and isinstance(sub, SubscriptionCreate):
            if value in START_BLOCK_TAGS:
                continue
            if not _is_int(value) or value < 0:
                errors.append(
                    FieldError(name, "must be an integer >= 0, 'latest' or 'finalized'", "minimum")
                )
            continue
        low = 1 if name == "chain_id" else 0
        if not _is_int(value) or value < low:
            errors.append(FieldError(name, f"must be an integer >= {low}", "minimum"))
    if not isinstance(end_block, Unset) and end_block is not None:
        if not _is_int(end_block) or end_block < 0:
            errors.append(FieldError("end_block", "must be an integer >= 0 or None", "minimum"))
        elif _is_int(start_block) and end_block < start_block:
            errors.append(
                FieldError("end_block", f"must be >= start_block ({start_block})", "minimum")
            )
    extra_events = sub.extra_events
    if not isinstance(extra_events, Unset) and extra_events is not None:
        if isinstance(extra_events, str) or not isinstance(extra_events, list | tuple):
            errors.append(FieldError("extra_events", "must be a list of ABI events"))
        else:
            main = event_signature if isinstance(event_signature, ABIEvent) else None
            errors.extend(extra_event_problems(main, extra_events))
    if not isinstance(sub.topics, Unset):
        errors.extend(topic_filter_problems(sub.topics))
    if not isinstance(subscriber_id, Unset) and (
        not isinstance(subscriber_id, str) or not subscriber_id.strip()
    ):
        errors.append(FieldError("subscriber_id", "must be a non-empty string", "minLength"))
    if errors:
        noun = "field" if len(errors) == 1 else "fields"
        raise EventStreamerValidationError(
            f"invalid {what}: {len(errors)} bad {noun}", field_errors=errors
        )


def validate_subscription_create(sub: SubscriptionCreate) -> None:
    """Raise EventStreamerValidationError naming every bad field of ``sub``."""
    _check(sub, "subscription")


def validate_subscription_update(update: SubscriptionUpdate) -> None:
    """Raise EventStreamerValidationError naming every bad field of ``update``."""
    _check(update, "subscription update")


# -- construction-time checks of the input models (the generated types.py hook) ----------------
def _check_abi_input(inp: ABIInput) -> None:
    raw = inp.to_dict()
    parse_type(raw.get("type"), raw.get("components"), "ABIInput")


def _check_abi_event(event: ABIEvent) -> None:
    problems = []
    if event.type_ != "event":
        problems.append(FieldError("type", "must be 'event'"))
    if not isinstance(event.name, str) or not event.name.strip():
        problems.append(FieldError("name", "must be a non-empty string"))
    if problems:
        details = "; ".join(f"{p.field} {p.message}" for p in problems)
        raise ABIParsingError(f"invalid ABIEvent: {details}", field_errors=problems)


register_validator(ABIInput, _check_abi_input)
register_validator(ABIEvent, _check_abi_event)
register_validator(SubscriptionCreate, validate_subscription_create)
register_validator(SubscriptionUpdate, validate_subscription_update)
