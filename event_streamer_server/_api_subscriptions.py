"""Subscriptions: /subscriptions and their progress endpoints."""

from __future__ import annotations

import contextlib
from typing import Any

from event_streamer.abi import DecodeLimits, EventDecoder, event_inputs
from event_streamer.exceptions import ABIParsingError, EventStreamerValidationError
from event_streamer.models import ABIEvent, SubscriptionCreate
from event_streamer.validation import validate_subscription_create

from ._contract import FieldProblem
from ._guard import access_error
from ._hexnum import block_number
from ._http import ApiError, Call, Handler, found
from ._lease import lease_json
from ._principals import AccessDenied, Principal, can_access, resolve_subscriber, subscriber_filter
from ._rpc import RpcCallerError, RpcError
from ._service import Service
from ._storage import SUBSCRIPTION_FIELDS, NewSubscription, SubscriptionRow
from ._time import now_iso

__all__ = ["handlers", "subscription_json"]


def subscription_json(row: SubscriptionRow, service: Service) -> dict[str, Any]:
    """A stored subscription as the contract's SubscriptionResponse."""
    return {
        "id": row.id,
        "topic0": row.topic0,
        "event_signature": row.event_signature,
        "addresses": row.addresses,
        "start_block": row.start_block,
        "end_block": row.end_block,
        "last_processed_block": row.last_processed_block,
        "chain_id": row.chain_id,
        "subscriber_id": row.subscriber_id,
        "is_streaming": service.connection_count(row.id) > 0,
        "streaming_status": row.streaming_status,
        "resume_token": row.resume_token,
        "last_event_id": row.last_event_id,
        "events_delivered": row.events_delivered,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "extra_events": row.extra_events,
        "topics": row.topics,
    }


def _topics(topics: Any) -> Any:
    """A ``topics`` filter with lower-case hex (no filter at all is None)."""
    if not topics:
        return None
    return [
        p.lower() if isinstance(p, str) else p if p is None else [t.lower() for t in p]
        for p in topics
    ]


def _problem(field: str, message: str, rule: str) -> FieldProblem:
    return FieldProblem(field, "body", message, rule)


def shared_rule_problems(sub: dict[str, Any]) -> list[FieldProblem]:
    """The SDK's own subscription rules (one implementation) applied to a contract-valid body.

    An invalid ABI is one problem on ``body.event_signature``. The subscriber id is left to the
    contract's own rule (the SDK also refuses a blank one; the service has always taken it).
    """
    abis = [("body.event_signature", sub["event_signature"])]
    abis += [(f"body.extra_events[{i}]", e) for i, e in enumerate(sub.get("extra_events") or [])]
    faults = []
    for field, abi in abis:
        try:  # models check their values when constructed: an ABI fault is one problem
            ABIEvent.from_dict(abi)
        except EventStreamerValidationError as err:
            detail = "; ".join(e.message for e in err.field_errors) or str(err)
            faults.append(_problem(field, detail, "abi"))
    if faults:
        return faults
    try:
        model = SubscriptionCreate.from_dict({k: v for k, v in sub.items() if k != "subscriber_id"})
        validate_subscription_create(model)
    except EventStreamerValidationError as err:
        abi = [e.message for e in err.field_errors if e.field.startswith("event_signature")]
        problems = [_problem("body.event_signature", "; ".join(abi), "abi")] if abi else []
        problems += [
            _problem(f"body.{e.field}", e.message, e.type or "invalid")
            for e in err.field_errors
            if not e.field.startswith("event_signature")
        ]
        return problems
    return []


# Parameters one event ABI may declare, tuple components included: parsing and decoding cost
# grows with them, and the top-level ``max_event_inputs`` cap alone lets a tuple hold thousands.
MAX_ABI_PARAMS = 256


def _abi_params(event: Any, budget: int) -> int:
    """Parameters ``event`` declares, nested components included (counting stops past budget)."""
    stack = list(event.get("inputs") or []) if isinstance(event, dict) else []
    count = 0
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict) and isinstance(item.get("components"), list):
            stack.extend(item["components"])
    return count


def _too_many_params(sub: dict[str, Any]) -> list[FieldProblem]:
    """Events declaring more than :data:`MAX_ABI_PARAMS` parameters (checked before parsing)."""
    events = [("body.event_signature", sub.get("event_signature"))]
    extra = sub.get("extra_events")
    if isinstance(extra, list):
        events += [(f"body.extra_events[{i}]", e) for i, e in enumerate(extra)]
    return [
        _problem(
            f"{field}.inputs",
            f"at most {MAX_ABI_PARAMS} parameters per event, tuple components included",
            "maxItems",
        )
        for field, event in events
        if _abi_params(event, MAX_ABI_PARAMS) > MAX_ABI_PARAMS
    ]


def handlers(service: Service) -> dict[str, Handler]:
    settings = service.settings

    def decoder_problems(
        field: str, event: dict[str, Any], found: list[FieldProblem]
    ) -> list[FieldProblem]:
        """The service's decoding limits on one event ABI (nesting depth, input count)."""
        out = []
        inputs = event_inputs(event)
        try:  # nesting deeper than decoding accepts (checked when a decoder is built)
            EventDecoder(event, limits=DecodeLimits(max_depth=settings.decode_max_depth))
        except (ABIParsingError, EventStreamerValidationError) as err:
            if not any(p.field == field for p in found):
                out.append(_problem(field, str(err), "depth"))
        if len(inputs) > settings.max_event_inputs:
            out.append(
                _problem(
                    f"{field}.inputs",
                    f"at most {settings.max_event_inputs} inputs, got {len(inputs)}",
                    "maxItems",
                )
            )
        return out

    async def reject_invalid(sub: dict[str, Any]) -> None:
        """The shared rules, then the service's limits and chain; every failure names its field."""
        oversized = _too_many_params(sub)
        if oversized:  # before any parsing: its cost grows with the parameters
            raise ApiError.invalid(*oversized)
        problems = shared_rule_problems(sub)
        try:
            event_inputs(sub["event_signature"])
        except ABIParsingError as err:
            if not any(p.field == "body.event_signature" for p in problems):
                problems.append(_problem("body.event_signature", str(err), "abi"))
        else:
            problems += decoder_problems("body.event_signature", sub["event_signature"], problems)
        for i, extra in enumerate(sub.get("extra_events") or []):
            with contextlib.suppress(ABIParsingError):  # reported by the shared rules
                problems += decoder_problems(f"body.extra_events[{i}]", extra, problems)
        if len(sub["addresses"]) > settings.max_addresses:
            problems.append(
                _problem(
                    "body.addresses",
                    f"at most {settings.max_addresses} addresses, got {len(sub['addresses'])}",
                    "maxItems",
                )
            )
        chain = await service.storage.get_chain(sub["chain_id"])
        if chain is None:
            problems.append(
                _problem("body.chain_id", f"chain {sub['chain_id']} is not configured", "chain")
            )
        elif chain.status != "active":
            problems.append(
                _problem("body.chain_id", f"chain {sub['chain_id']} is inactive", "chain")
            )
        if problems:
            raise ApiError.invalid(*problems)

    async def resolve_start_block(sub: dict[str, Any]) -> int:
        """The number of the chain's ``latest``/``finalized`` block, asked of its node once."""
        tag, chain_id = sub["start_block"], sub["chain_id"]
        try:
            if tag == "latest":
                number = block_number(await service.rpc.call(chain_id, "eth_blockNumber", []))
            else:
                block = await service.rpc.call(chain_id, "eth_getBlockByNumber", [tag, False])
                if not isinstance(block, dict) or not isinstance(block.get("number"), str):
                    raise ApiError.field(
                        "body.start_block", f"chain {chain_id} has no {tag!r} block", "tag"
                    )
                number = block_number(block["number"])
        except RpcCallerError as err:
            raise ApiError.field(
                "body.start_block", f"chain {chain_id} does not answer {tag!r}", "tag"
            ) from err
        except (RpcError, ValueError, TypeError) as err:
            raise ApiError(
                503,
                "RPC unavailable",
                f"could not resolve start_block {tag!r} on chain {chain_id}",
                error_code="RPC_UNAVAILABLE",
                headers={"Retry-After": "1"},
            ) from err
        end = sub["end_block"]
        if end is not None and end < number:
            raise ApiError.field(
                "body.end_block", f"must be >= start_block ({tag} is {number})", "minimum"
            )
        return number

    async def existing_subscription(
        subscription_id: int, principal: Principal | None = None
    ) -> SubscriptionRow:
        """The subscription; another subscriber's is 404 like a missing one (no id oracle)."""
        row = await service.storage.get_subscription(subscription_id)
        if (
            row is not None
            and principal is not None
            and not can_access(principal, row.subscriber_id)
        ):
            row = None
        return found(row, "Subscription", f"No subscription with id {subscription_id}")

    async def create_subscription(call: Call) -> tuple[int, Any]:
        body = call.body
        try:
            owner = resolve_subscriber(call.principal, body.get("subscriber_id"), default="default")
        except AccessDenied as err:
            raise access_error(err) from None
        sub = {
            "topic0": body["topic0"].lower(),
            "event_signature": body["event_signature"],
            "addresses": [a.lower() for a in body.get("addresses", [])],
            "start_block": body["start_block"],
            "end_block": body.get("end_block"),
            "chain_id": body["chain_id"],
            "subscriber_id": owner,
            "extra_events": body.get("extra_events") or [],
            "topics": _topics(body.get("topics")),
        }
        await reject_invalid(sub)
        if isinstance(sub["start_block"], str):  # "latest" / "finalized": a number from now on
            sub["start_block"] = await resolve_start_block(sub)
        async with service.lock(("subscriber", owner)):  # the quota check and insert: one step
            _rows, count = await service.storage.list_subscriptions(owner, 0, 1)
            if count >= settings.max_subscriptions_per_subscriber:
                raise ApiError(
                    429,
                    "Too many subscriptions",
                    f"at most {settings.max_subscriptions_per_subscriber} subscriptions per "
                    "subscriber; delete some first",
                    error_code="SUBSCRIPTION_QUOTA",
                )
            row = await service.storage.insert_subscription(NewSubscription(**sub))
        return 201, subscription_json(row, service)

    async def list_subscriptions(call: Call) -> tuple[int, Any]:
        page, size = call.params["page"], call.params["page_size"]
        try:
            owner = subscriber_filter(call.principal, call.params.get("subscriber_id"))
        except AccessDenied as err:
            raise access_error(err) from None
        rows, total = await service.storage.list_subscriptions(owner, (page - 1) * size, size)
        return 200, {
            "subscriptions": [subscription_json(r, service) for r in rows],
            "total": total,
            "page": page,
            "page_size": size,
        }

    async def get_subscription(call: Call) -> tuple[int, Any]:
        row = await existing_subscription(call.params["subscription_id"], call.principal)
        owner = call.params.get("subscriber_id")
        if owner is not None and owner != row.subscriber_id:
            raise ApiError.not_found(
                "Subscription", f"No subscription {row.id} for subscriber {owner!r}"
            )
        return 200, subscription_json(row, service)

    async def update_subscription(call: Call) -> tuple[int, Any]:
        sid = call.params["subscription_id"]
        await existing_subscription(sid, call.principal)
        async with service.lock(("subscription", sid)):  # read, check and write: one step
            return await apply_update(call, await existing_subscription(sid, call.principal))

    async def apply_update(call: Call, row: SubscriptionRow) -> tuple[int, Any]:
        # The owner and the status are the service's: a PUT may not move or re-state it.
        for field in ("subscriber_id", "streaming_status", "is_streaming"):
            current = {
                "subscriber_id": row.subscriber_id,
                "streaming_status": row.streaming_status,
                "is_streaming": service.connection_count(row.id) > 0,
            }[field]
            if field in call.body and call.body[field] != current:
                raise ApiError.field(f"body.{field}", "is not writable", "readOnly")
        changes = {k: call.body[k] for k in SUBSCRIPTION_FIELDS if k in call.body}
        if "addresses" in changes:
            changes["addresses"] = [a.lower() for a in changes["addresses"]]
        if "topic0" in changes:
            changes["topic0"] = changes["topic0"].lower()
        if "topics" in changes:
            changes["topics"] = _topics(changes["topics"])
        if "extra_events" in changes:
            changes["extra_events"] = changes["extra_events"] or []  # null: no further events
        merged = {**{k: getattr(row, k) for k in SUBSCRIPTION_FIELDS}, **changes}
        await reject_invalid(merged)
        if row.streaming_status == "completed" and merged["end_block"] != row.end_block:
            changes["streaming_status"] = "idle"  # more blocks to deliver
        updated = await service.storage.update_subscription(row.id, changes)
        assert updated is not None
        return 200, subscription_json(updated, service)

    async def delete_subscription(call: Call) -> tuple[int, Any]:
        subscription_id = call.params["subscription_id"]
        async with service.lock(("subscription", subscription_id)):
            await existing_subscription(subscription_id, call.principal)
            await service.close_subscription(subscription_id)
            await service.storage.delete_subscription(subscription_id)
        return 200, {
            "message": "Subscription deleted",
            "subscription_id": subscription_id,
            "timestamp": now_iso(),
        }

    async def get_last_processed_block(call: Call) -> tuple[int, Any]:
        row = await existing_subscription(call.params["subscription_id"], call.principal)
        chain_id = call.params.get("chain_id")
        if chain_id is not None and chain_id != row.chain_id:
            raise ApiError.invalid(
                FieldProblem(
                    "query.chain_id",
                    "query",
                    f"subscription {row.id} is on chain {row.chain_id}, not {chain_id}",
                    "mismatch",
                )
            )
        return 200, {
            "subscription_id": row.id,
            "chain_id": row.chain_id,
            "last_processed_block": row.last_processed_block,
            "timestamp": now_iso(),
        }

    async def get_processing_status(call: Call) -> tuple[int, Any]:
        row = await existing_subscription(call.params["subscription_id"], call.principal)
        count = service.connection_count(row.id)
        body = {
            "subscription_id": row.id,
            "is_processing": count > 0,
            "connection_count": count,
            "streaming_status": row.streaming_status,
            "last_processed_block": row.last_processed_block,
            "timestamp": now_iso(),
        }
        backfill = service.ingest.progress(row.id)
        if backfill is not None:
            body["backfill"] = backfill
        lease = await service.storage.get_lease(row.chain_id)
        if lease is not None:
            body["ingest_lease"] = lease_json(lease)
        return 200, body

    return {
        "create_subscription": create_subscription,
        "list_subscriptions": list_subscriptions,
        "get_subscription": get_subscription,
        "update_subscription": update_subscription,
        "delete_subscription": delete_subscription,
        "get_last_processed_block": get_last_processed_block,
        "get_processing_status": get_processing_status,
    }
