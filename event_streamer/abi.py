"""The ABI toolkit as a public module: parsing, signatures, topic0 and log decoding.

Other packages (the reference service, scripts, users' tools) import these names from here,
never from the private modules that implement them.
"""

from typing import Any as _Any

from . import _abi
from ._abi import (
    ABIConstructor,
    ABIErrorEntry,
    ABIFallback,
    ABIFunction,
    ABIReceive,
    AbiSource,
    ContractABI,
    check_event,
    event_inputs,
    event_signature,
    event_topic0,
    extract_abi_event,
    extract_abi_events,
    load_abi,
    parse_contract_abi,
    parse_signature,
)
from ._abi_types import AbiType, parse_type
from ._checksum import checksum_hex40
from ._decode_limits import DecodeLimitError, DecodeLimits
from ._decoder import METADATA_KEYS, EventDecoder

__all__ = [
    "METADATA_KEYS",
    "ABIConstructor",
    "ABIErrorEntry",
    "ABIFallback",
    "ABIFunction",
    "ABIReceive",
    "AbiSource",
    "AbiType",
    "ContractABI",
    "DecodeLimitError",
    "DecodeLimits",
    "EventDecoder",
    "check_event",
    "clear_caches",
    "event_inputs",
    "event_signature",
    "event_topic0",
    "extract_abi_event",
    "extract_abi_events",
    "load_abi",
    "parse_contract_abi",
    "parse_signature",
    "parse_type",
]


def clear_caches() -> None:
    """Forget memoised address checksums (benchmarks use it to measure a cold start)."""
    checksum_hex40.cache_clear()


def __getattr__(name: str) -> _Any:
    if name == "ABIError":  # deprecated alias of ABIErrorEntry (warns)
        return _abi.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
