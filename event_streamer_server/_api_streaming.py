"""Streaming, acknowledgements and client heartbeats (reference service part 2)."""

from __future__ import annotations

from typing import Any

from ._http import ApiError, Call, Handler
from ._service import Service

__all__ = ["handlers"]

_OPS = (
    "stream_subscription",
    "acknowledge_batch",
    "acknowledge_batch_bulk",
    "send_client_heartbeat",
)


def handlers(service: Service) -> dict[str, Handler]:
    async def unavailable(call: Call) -> tuple[int, Any]:
        raise ApiError(501, "Not implemented", "streaming is not available in this build yet")

    return dict.fromkeys(_OPS, unavailable)
