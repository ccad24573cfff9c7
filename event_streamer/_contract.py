"""Facts about the contract that the hand layer owns.

openapi-python-client skips operations whose response media type it cannot model (NDJSON
streams). Those operations are served by hand; ``make generate`` fails if the generator skips
anything not listed here, and the test suite checks the list against the spec and the SDK.
"""

from __future__ import annotations

#: operationId -> where the hand layer serves it.
HAND_SERVED_OPERATIONS: dict[str, str] = {
    "stream_subscription": "event_streamer.StreamingClient",
}
