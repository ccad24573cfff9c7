"""Event Streamer SDK: subscribe to EVM contract events and receive them over an HTTP stream.

Public surface (everything else lives in ``_``-prefixed modules):

- :class:`EventStreamer`: the async client of the service.
- ABI toolkit: :func:`extract_abi_event`, :func:`extract_abi_events`, :func:`parse_contract_abi`,
  :func:`event_signature`, :func:`event_topic0`, :class:`EventDecoder`,
  :func:`subscription_from_abi`, :func:`to_checksum_address`.
- Errors: the tree in :mod:`event_streamer.exceptions`.
- Models: :mod:`event_streamer.models`.
"""

from typing import Any as _Any

from . import _abi
from ._abi import (
    ABIConstructor,
    ABIErrorEntry,
    ABIFallback,
    ABIFunction,
    ABIReceive,
    ContractABI,
    event_signature,
    event_topic0,
    extract_abi_event,
    extract_abi_events,
    parse_contract_abi,
)
from ._checksum import to_checksum_address
from ._client import EventStreamer
from ._decode_limits import DecodeLimits
from ._decoder import EventDecoder
from ._messages import (
    EventBatch,
    Heartbeat,
    Reorg,
    StreamingError,
    StreamingHeartbeat,
    StreamStats,
)
from ._ndjson import LineDecoder
from ._retry import RetryPolicy
from ._streaming import State as StreamState
from ._streaming import StreamControl, StreamingClient, StreamSession
from ._subscriptions import subscription_from_abi
from ._version import __version__
from .exceptions import (
    ABIParsingError,
    DecodeLimitError,
    EventDecodeError,
    EventStreamerAuthError,
    EventStreamerClosedError,
    EventStreamerConflictError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerProtocolError,
    EventStreamerRateLimitError,
    EventStreamerSDKError,
    EventStreamerServerError,
    EventStreamerSubscriptionError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
    FieldError,
    InvalidResumeTokenError,
    LineTooLongError,
    MalformedLineError,
    PoisonBatchError,
    ResponseTooLargeError,
    StreamStateError,
    SubscriptionNotFoundError,
    TruncatedLineError,
)
from .models import ABIEvent, ABIInput, SubscriptionCreate, SubscriptionUpdate

__all__ = [
    "ABIConstructor",
    "ABIErrorEntry",
    "ABIEvent",
    "ABIFallback",
    "ABIFunction",
    "ABIInput",
    "ABIParsingError",
    "ABIReceive",
    "ContractABI",
    "DecodeLimitError",
    "DecodeLimits",
    "EventBatch",
    "EventDecodeError",
    "EventDecoder",
    "EventStreamer",
    "EventStreamerAuthError",
    "EventStreamerClosedError",
    "EventStreamerConflictError",
    "EventStreamerConnectionError",
    "EventStreamerNotFoundError",
    "EventStreamerProtocolError",
    "EventStreamerRateLimitError",
    "EventStreamerSDKError",
    "EventStreamerServerError",
    "EventStreamerSubscriptionError",
    "EventStreamerTimeoutError",
    "EventStreamerValidationError",
    "FieldError",
    "Heartbeat",
    "InvalidResumeTokenError",
    "LineDecoder",
    "LineTooLongError",
    "MalformedLineError",
    "PoisonBatchError",
    "Reorg",
    "ResponseTooLargeError",
    "RetryPolicy",
    "StreamControl",
    "StreamSession",
    "StreamState",
    "StreamStateError",
    "StreamStats",
    "StreamingClient",
    "StreamingError",
    "StreamingHeartbeat",
    "SubscriptionCreate",
    "SubscriptionNotFoundError",
    "SubscriptionUpdate",
    "TruncatedLineError",
    "__version__",
    "event_signature",
    "event_topic0",
    "extract_abi_event",
    "extract_abi_events",
    "parse_contract_abi",
    "subscription_from_abi",
    "to_checksum_address",
]


def __getattr__(name: str) -> _Any:
    # ABIError (an ABI entry of type `error`) read like an exception class: renamed ABIErrorEntry.
    if name == "ABIError":
        return _abi.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
