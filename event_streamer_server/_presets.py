"""Chain presets: the catalogue of common EVM networks shipped as ``_assets/chains.toml``.

A preset gives a chain's id, name, block time, default confirmation depth, a conservative
``eth_getLogs`` span and whether the ``safe``/``finalized`` block tags exist on it. Creating a
chain (API, CLI, config file) may name one by key (``base``) or by chain id (``"8453"``); any
field given explicitly wins over the preset's.
"""

from __future__ import annotations

import functools
import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "FINALITY_MODES",
    "ChainPreset",
    "UnknownPreset",
    "apply_preset",
    "find_preset",
    "presets",
]

FINALITY_MODES = ("confirmations", "safe", "finalized")
_MAX_PRESET_NAME = 100


class UnknownPreset(ValueError):
    """No preset has that key or chain id."""


@dataclass(frozen=True, slots=True)
class ChainPreset:
    key: str
    chain_id: int
    name: str
    average_block_time: float
    confirmation_blocks: int
    max_blocks_per_request: int
    supports_safe: bool
    supports_finalized: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def defaults(self) -> dict[str, Any]:
        """The chain fields this preset fills in (finality defaults to confirmations)."""
        return {
            "chain_id": self.chain_id,
            "name": self.name,
            "average_block_time": self.average_block_time,
            "confirmation_blocks": self.confirmation_blocks,
            "max_blocks_per_request": self.max_blocks_per_request,
            "finality": "confirmations",
        }


def _preset(key: str, data: Mapping[str, Any]) -> ChainPreset:
    return ChainPreset(
        key=key,
        chain_id=int(data["chain_id"]),
        name=str(data["name"]),
        average_block_time=float(data["average_block_time"]),
        confirmation_blocks=int(data["confirmation_blocks"]),
        max_blocks_per_request=int(data["max_blocks_per_request"]),
        supports_safe=bool(data["supports_safe"]),
        supports_finalized=bool(data["supports_finalized"]),
    )


@functools.cache
def presets() -> tuple[ChainPreset, ...]:
    """Every preset, in catalogue order."""
    raw = importlib.resources.files("event_streamer_server._assets") / "chains.toml"
    data = tomllib.loads(raw.read_text(encoding="utf-8"))
    return tuple(_preset(key, table) for key, table in data.items())


def find_preset(ref: str | int) -> ChainPreset:
    """The preset named by key (case-insensitive) or chain id; ``UnknownPreset`` otherwise."""
    text = str(ref).strip().lower()[:_MAX_PRESET_NAME]
    for preset in presets():
        if preset.key == text or str(preset.chain_id) == text:
            return preset
    known = ", ".join(p.key for p in presets())
    raise UnknownPreset(f"unknown preset {str(ref)[:_MAX_PRESET_NAME]!r}; known: {known}")


def apply_preset(ref: str | int | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` chain fields over the preset's defaults (``given`` alone when no preset).

    ``None`` values in ``given`` count as absent.
    """
    explicit = {k: v for k, v in given.items() if v is not None}
    if ref is None:
        return explicit
    return {**find_preset(ref).defaults(), **explicit}
