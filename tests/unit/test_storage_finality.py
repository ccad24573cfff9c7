"""Storage contract: a chain's finality mode is stored, defaulted and updated (migration 6)."""

from __future__ import annotations

from event_streamer_server._storage import CHAIN_FIELDS, NewChain, Storage


def _chain(**kw: object) -> NewChain:
    fields: dict[str, object] = {
        "chain_id": 8453,
        "name": "Base",
        "rpc_urls": ["https://base.example"],
        "average_block_time": 2.0,
        "max_blocks_per_request": 1000,
        "confirmation_blocks": 10,
        "status": "active",
        **kw,
    }
    return NewChain(**fields)  # type: ignore[arg-type]


async def test_finality_defaults_to_confirmations(storage: Storage) -> None:
    row = await storage.insert_chain(_chain())
    assert row.finality == "confirmations"
    fetched = await storage.get_chain(8453)
    assert fetched is not None
    assert fetched.finality == "confirmations"


async def test_finality_is_stored_and_updated(storage: Storage) -> None:
    assert "finality" in CHAIN_FIELDS
    row = await storage.insert_chain(_chain(finality="finalized"))
    assert row.finality == "finalized"
    updated = await storage.update_chain(8453, {"finality": "safe"})
    assert updated is not None
    assert updated.finality == "safe"
    (listed,) = await storage.list_chains()
    assert listed.finality == "safe"
