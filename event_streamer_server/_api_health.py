"""GET /health."""

from __future__ import annotations

from typing import Any

from ._http import Call, Handler
from ._time import now_iso

__all__ = ["handlers"]

VERSION = "0.1.0"


def handlers(service: Any) -> dict[str, Handler]:
    async def get_health(call: Call) -> tuple[int, Any]:
        return 200, {
            "status": "healthy",
            "timestamp": now_iso(),
            "version": VERSION,
            "instance_id": service.instance_id,
        }

    return {"get_health": get_health}
