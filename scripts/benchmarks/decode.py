"""ABI log decoding: EventDecoder vs eth-abi decode + eth-utils checksums (same output)."""

from __future__ import annotations

import random
from typing import Any

from eth_abi import decode, encode
from eth_utils import to_checksum_address

from event_streamer import EventDecoder
from event_streamer.abi import AbiType, clear_caches, parse_type

from ._table import Row, rate

TRANSFER = {
    "type": "event",
    "name": "Transfer",
    "inputs": [
        {"name": "from", "type": "address", "indexed": True},
        {"name": "to", "type": "address", "indexed": True},
        {"name": "value", "type": "uint256", "indexed": False},
    ],
}
FEES = [{"name": "fee", "type": "uint24"}, {"name": "collected0", "type": "uint256"}]
POSITION = {
    "type": "event",
    "name": "PositionUpdated",
    "inputs": [
        {"name": "owner", "type": "address", "indexed": True},
        {"name": "id", "type": "uint256", "indexed": True},
        {
            "name": "position",
            "type": "tuple",
            "indexed": False,
            "components": [
                {"name": "token0", "type": "address"},
                {"name": "token1", "type": "address"},
                {"name": "tickLower", "type": "int24"},
                {"name": "tickUpper", "type": "int24"},
                {"name": "liquidity", "type": "uint128"},
                {"name": "fees", "type": "tuple", "components": FEES},
            ],
        },
    ],
}


def _topic(addr: bytes) -> str:
    return "0x" + "00" * 12 + addr.hex()


def _log(i: int, address: bytes, topics: list[str], data: bytes) -> dict[str, Any]:
    return {
        "address": "0x" + address.hex(),
        "topics": topics,
        "data": "0x" + data.hex(),
        "blockNumber": hex(1000 + i // 10),
        "transactionHash": "0x" + random.getrandbits(256).to_bytes(32, "big").hex(),
        "transactionIndex": hex(i % 50),
        "logIndex": hex(i % 10),
        "blockHash": "0x" + "ab" * 32,
        "removed": False,
    }


def transfer_logs(n: int, distinct: int = 1000) -> list[dict[str, Any]]:
    rng = random.Random(1)
    addrs = [rng.randbytes(20) for _ in range(distinct)]
    topic0 = EventDecoder(TRANSFER).topic0
    return [
        _log(
            i,
            rng.choice(addrs[:10]),
            [topic0, _topic(rng.choice(addrs)), _topic(rng.choice(addrs))],
            encode(["uint256"], [rng.getrandbits(rng.choice([64, 128, 200]))]),
        )
        for i in range(n)
    ]


def position_logs(n: int) -> list[dict[str, Any]]:
    rng = random.Random(2)
    addrs = [rng.randbytes(20) for _ in range(200)]
    topic0 = EventDecoder(POSITION).topic0
    logs = []
    for i in range(n):
        value = (
            to_checksum_address(rng.choice(addrs)),
            to_checksum_address(rng.choice(addrs)),
            rng.randint(-887272, 0),
            rng.randint(0, 887272),
            rng.getrandbits(128),
            (rng.choice([500, 3000, 10000]), rng.getrandbits(200)),
        )
        data = encode(["(address,address,int24,int24,uint128,(uint24,uint256))"], [value])
        logs.append(
            _log(
                i,
                addrs[0],
                [topic0, _topic(rng.choice(addrs)), "0x" + rng.randbytes(32).hex()],
                data,
            )
        )
    return logs


class Baseline:
    """The straightforward way: eth-abi decode, eth-utils checksums, same output shape."""

    def __init__(self, event: dict[str, Any]) -> None:
        self.inputs = [
            (i["name"], parse_type(i["type"], i.get("components"), i["name"]), i["indexed"])
            for i in event["inputs"]
        ]
        self.data_types = [t.canonical for _, t, indexed in self.inputs if not indexed]

    def convert(self, t: AbiType, v: Any) -> Any:
        if t.dims:
            return [self.convert(t.element, x) for x in v]
        if t.base == "tuple":
            return {n: self.convert(c, x) for (n, c), x in zip(t.components, v, strict=True)}
        if t.base in ("uint", "int"):
            return v if t.size <= 48 else str(v)
        if t.base == "address":
            return to_checksum_address(v)
        if t.base in ("bytes", "fixedbytes"):
            return "0x" + v.hex()
        return v

    def decode(self, log: dict[str, Any]) -> dict[str, Any]:
        values = iter(decode(self.data_types, bytes.fromhex(log["data"][2:])))
        out: dict[str, Any] = {}
        topic = 1
        for name, t, indexed in self.inputs:
            if indexed:
                raw = bytes.fromhex(log["topics"][topic][2:])
                out[name] = self.convert(t, decode([t.canonical], raw)[0])
                topic += 1
            else:
                out[name] = self.convert(t, next(values))
        out["block_number"] = int(log["blockNumber"], 16)
        out["transaction_hash"] = log["transactionHash"]
        out["transaction_index"] = int(log["transactionIndex"], 16)
        out["log_index"] = int(log["logIndex"], 16)
        out["address"] = to_checksum_address(log["address"])
        out["block_hash"] = log["blockHash"]
        out["removed"] = log["removed"]
        return out


def _measure(
    event: dict[str, Any], logs: list[dict[str, Any]], base_n: int, rounds: int
) -> tuple[float, float]:
    ours = EventDecoder(event)
    base = Baseline(event)
    for log in logs[:50]:
        assert ours.decode(log) == base.decode(log), "decoder and baseline disagree"

    def run_ours() -> int:
        clear_caches()  # every round starts cold, as a new process would
        for log in logs:
            ours.decode(log)
        return len(logs)

    def run_base() -> int:
        for log in logs[:base_n]:
            base.decode(log)
        return base_n

    return rate(run_ours, rounds), rate(run_base, rounds)


def run(quick: bool) -> list[Row]:
    rounds = 3
    n_transfer, n_position = (20_000, 5_000) if quick else (100_000, 20_000)
    transfers = transfer_logs(n_transfer)
    ours, base = _measure(TRANSFER, transfers, min(n_transfer, 10_000), rounds)
    rows = [
        Row(
            f"decode ERC-20 Transfer ({n_transfer:,} logs, 1,000 addresses)",
            ours,
            base,
            "logs/s",
            20.0,
            "baseline: eth-abi decode + eth-utils checksum",
        )
    ]
    positions = position_logs(n_position)
    ours, base = _measure(POSITION, positions, min(n_position, 5_000), rounds)
    rows.append(
        Row(
            f"decode nested-tuple event ({n_position:,} logs)",
            ours,
            base,
            "logs/s",
            5.0,
            "baseline: eth-abi decode + eth-utils checksum",
        )
    )
    return rows
