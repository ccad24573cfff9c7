"""Chain configuration: /api/chains."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from ._contract import FieldProblem
from ._hexnum import block_number
from ._http import ApiError, Call, Handler, found
from ._lease import lease_json
from ._netpolicy import UrlRejected
from ._presets import UnknownPreset, apply_preset, presets
from ._redact import MASK, redact_text, redact_url
from ._rpc import RpcError
from ._service import Service
from ._storage import CHAIN_FIELDS, AlreadyExists, ChainRow, NewChain
from ._time import now_iso

__all__ = ["chain_json", "handlers", "require_admin"]

logger = logging.getLogger(__name__)

# rpc_urls are checked against the node before they change.
_PLAIN_FIELDS = tuple(f for f in CHAIN_FIELDS if f != "rpc_urls")


def chain_json(row: ChainRow) -> dict[str, Any]:
    """A stored chain as the contract's ChainConfig (the same fields, in the same order), its
    RPC and WebSocket URLs with credentials masked."""
    out = dataclasses.asdict(row)
    out["rpc_urls"] = [redact_url(u) for u in row.rpc_urls]
    out["ws_url"] = None if row.ws_url is None else redact_url(row.ws_url)
    return out


def require_admin(call: Call) -> None:
    """Chains and breakers are managed by admin keys only."""
    if not call.principal.is_admin:
        raise ApiError(
            403, "Forbidden", "this operation needs an admin key", error_code="FORBIDDEN"
        )


def _unmask(urls: list[str], stored: list[str]) -> list[str]:
    """A submitted URL equal to a stored URL's redaction means that stored URL (clients read
    masked URLs and may send them back); any other masked URL is refused by the check."""
    by_mask = {redact_url(u): u for u in stored}
    return [by_mask.get(u, u) if MASK in u else u for u in urls]


def _reply(message: str, row: ChainRow) -> dict[str, Any]:
    return {
        "message": message,
        "chain_id": row.chain_id,
        "timestamp": now_iso(),
        "chain": chain_json(row),
    }


def handlers(service: Service) -> dict[str, Handler]:
    policy = service.guard.policy

    async def check_rpc_urls(chain_id: int, urls: list[str]) -> None:
        """Every URL must be allowed, well formed, and answer eth_chainId with ``chain_id``."""

        async def url_problem(index: int, url: str) -> FieldProblem | None:
            field = f"body.rpc_urls.{index}"
            if MASK in url:
                return FieldProblem(field, "body", "a masked URL (***) is not a URL", "format")
            try:
                await policy.check_url(url, field=field)
            except UrlRejected as err:
                return FieldProblem(field, "body", err.reason, err.code)
            shown = redact_url(url)
            try:
                answer = await service.rpc.call_url(url, "eth_chainId", [])
                actual = int(str(answer), 16)
            except (RpcError, ValueError) as err:
                # The remote text may probe or leak: logged (redacted), not returned.
                logger.warning("eth_chainId on %s failed: %s", shown, redact_text(str(err)))
                return FieldProblem(field, "body", f"{shown} did not answer eth_chainId", "rpc")
            if actual != chain_id:
                return FieldProblem(
                    field, "body", f"{shown} serves chain {actual}, not {chain_id}", "chain_id"
                )
            return None

        found = await asyncio.gather(*(url_problem(i, u) for i, u in enumerate(urls)))
        problems = [p for p in found if p is not None]
        if problems:
            raise ApiError.invalid(*problems)

    async def check_finality(mode: str | None, urls: list[str]) -> None:
        """A tag mode needs every URL to answer eth_getBlockByNumber with that tag."""
        if mode in (None, "confirmations"):
            return

        async def tag_problem(url: str) -> str | None:
            shown = redact_url(url)
            try:
                block = await service.rpc.call_url(url, "eth_getBlockByNumber", [mode, False])
            except RpcError as err:
                logger.warning("%s tag on %s failed: %s", mode, shown, redact_text(str(err)))
                return f"{shown} does not answer the {mode!r} block tag"
            try:
                block_number(block.get("number") if isinstance(block, dict) else None)
            except ValueError:
                return f"{shown} has no {mode!r} block"
            return None

        found = await asyncio.gather(*(tag_problem(u) for u in urls))
        problems = [p for p in found if p is not None]
        if problems:
            raise ApiError.field(
                "body.finality",
                "; ".join(problems) + ": use finality 'confirmations' on this chain",
                "finality",
            )

    async def check_ws_url(url: str | None) -> None:
        """The newHeads WebSocket URL passes the same outbound policy as RPC URLs (checked in
        its http(s) form: same host, same addresses)."""
        if url is None:
            return
        if MASK in url:
            raise ApiError.field("body.ws_url", "a masked URL (***) is not a URL", "format")
        as_http = "http" + url[2:] if url.startswith(("ws://", "wss://")) else url
        try:
            await policy.check_url(as_http, field="body.ws_url")
        except UrlRejected as err:
            raise ApiError.field("body.ws_url", err.reason, err.code) from None

    async def existing_chain(chain_id: int) -> ChainRow:
        row = await service.storage.get_chain(chain_id)
        return found(row, "Chain", f"No chain with id {chain_id}")

    async def list_chains(call: Call) -> tuple[int, Any]:
        rows = await service.storage.list_chains()
        return 200, {
            "chains": [chain_json(r) for r in rows],
            "total_chains": len(rows),
            "timestamp": now_iso(),
        }

    async def get_chain_stats(call: Call) -> tuple[int, Any]:
        rows = await service.storage.list_chains()
        active = [r.chain_id for r in rows if r.status == "active"]
        breakers = [b for cid in active for b in service.rpc.chain_breakers(cid)]
        return 200, {
            "loaded": True,
            "total_chains": len(rows),
            "active_chains": len(active),
            "healthy_rpcs": sum(1 for b in breakers if b.is_healthy),
            "total_rpcs": len(breakers),
            "supported_chain_ids": active,
            "last_refresh": service.last_refresh,
            "timestamp": now_iso(),
            "ingest_leases": [
                lease_json(lease)
                for cid in active
                if (lease := await service.storage.get_lease(cid)) is not None
            ],
        }

    async def get_chain(call: Call) -> tuple[int, Any]:
        return 200, chain_json(await existing_chain(call.params["chain_id"]))

    async def list_chain_presets(call: Call) -> tuple[int, Any]:
        return 200, {"presets": [p.as_json() for p in presets()], "timestamp": now_iso()}

    async def create_chain(call: Call) -> tuple[int, Any]:
        require_admin(call)
        try:  # the preset's fields, overridden by those given
            body = apply_preset(call.body.get("preset"), call.body)
        except UnknownPreset as err:
            raise ApiError.field("body.preset", str(err), "preset") from None
        missing = [
            FieldProblem(f"body.{k}", "body", "is required without a preset", "required")
            for k in ("chain_id", "name")
            if k not in body
        ]
        if missing:
            raise ApiError.invalid(*missing)
        async with service.lock(("chain", body["chain_id"])):  # check and insert: one step
            return await insert_chain(body)

    async def insert_chain(body: dict[str, Any]) -> tuple[int, Any]:
        chain_id = body["chain_id"]
        exists = ApiError(
            409, "Chain exists", f"chain {chain_id} is already configured", error_code="CONFLICT"
        )
        if await service.storage.get_chain(chain_id) is not None:
            raise exists
        urls = list(dict.fromkeys(body["rpc_urls"]))
        legacy = body.get("historical_rpc_url")
        if legacy and legacy not in urls:
            urls.append(legacy)
        await check_rpc_urls(chain_id, urls)
        ws_url = body.get("ws_url")
        legacy_ws = body.get("live_websocket_url")  # the 0.4 field, unchecked by the contract
        if ws_url is None and legacy_ws and legacy_ws.startswith(("ws://", "wss://")):
            ws_url = legacy_ws
        await check_ws_url(ws_url)
        await check_finality(body.get("finality"), urls)
        new = NewChain(
            chain_id=chain_id,
            name=body["name"],
            rpc_urls=urls,
            average_block_time=body.get("average_block_time", 12.0),
            max_blocks_per_request=body.get("max_blocks_per_request", 2000),
            confirmation_blocks=body.get("confirmation_blocks", 12),
            max_concurrent_requests=body.get("max_concurrent_requests", 6),
            status=body.get("status", "active"),
            ws_url=ws_url,
            finality=body.get("finality", "confirmations"),
        )
        try:  # another instance may have created it since the check (several instances)
            row = await service.storage.insert_chain(new)
        except AlreadyExists:
            raise exists from None
        await service.load_chains()
        return 201, _reply("Chain created", row)

    async def update_chain(call: Call) -> tuple[int, Any]:
        require_admin(call)
        async with service.lock(("chain", call.params["chain_id"])):
            return await apply_chain_update(call)

    async def apply_chain_update(call: Call) -> tuple[int, Any]:
        chain_id = call.params["chain_id"]
        current = await existing_chain(chain_id)
        changes = {k: call.body[k] for k in _PLAIN_FIELDS if k in call.body}
        if changes.get("ws_url") and current.ws_url and MASK in changes["ws_url"]:
            # The masked form clients read back means the stored URL, as for rpc_urls.
            [changes["ws_url"]] = _unmask([changes["ws_url"]], [current.ws_url])
        await check_ws_url(changes.get("ws_url"))
        if "rpc_urls" in call.body:
            urls = list(dict.fromkeys(_unmask(call.body["rpc_urls"], current.rpc_urls)))
            if urls != current.rpc_urls:
                await check_rpc_urls(chain_id, urls)
            changes["rpc_urls"] = urls
        finality = changes.get("finality", current.finality)
        if "finality" in changes or "rpc_urls" in changes:
            await check_finality(finality, changes.get("rpc_urls", current.rpc_urls))
        row = await service.storage.update_chain(chain_id, changes)
        assert row is not None
        await service.load_chains()
        return 200, _reply("Chain updated", row)

    async def delete_chain(call: Call) -> tuple[int, Any]:
        require_admin(call)
        chain_id = call.params["chain_id"]
        await existing_chain(chain_id)
        row = await service.storage.update_chain(chain_id, {"status": "inactive"})
        assert row is not None
        await service.load_chains()
        return 200, _reply("Chain deactivated", row)

    async def refresh_chains(call: Call) -> tuple[int, Any]:
        require_admin(call)
        total = await service.load_chains()
        return 200, {"message": "Chains reloaded", "total_chains": total, "timestamp": now_iso()}

    return {
        "list_chains": list_chains,
        "list_chain_presets": list_chain_presets,
        "get_chain_stats": get_chain_stats,
        "get_chain": get_chain,
        "create_chain": create_chain,
        "update_chain": update_chain,
        "delete_chain": delete_chain,
        "refresh_chains": refresh_chains,
    }
