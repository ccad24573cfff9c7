"""uvicorn's HTTP/1.1 protocol with two more timeouts: headers and stalled writes.

- **Header timeout**: a connection must deliver a request's complete headers within
  ``header_timeout`` seconds of connecting (or of its first byte after a finished request);
  otherwise it is aborted. Slow-loris clients (partial headers, a byte at a time) hold a socket
  for that long at most. uvicorn itself has no such timeout.
- **Write timeout**: when the peer stops reading, the transport pauses writing once its buffer
  is full; if it stays paused ``write_timeout`` seconds, the connection is aborted (buffers
  dropped). A stream whose client never reads is released instead of growing memory.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["guarded_protocol"]

logger = logging.getLogger(__name__)


def guarded_protocol(*, header_timeout: float, write_timeout: float) -> type[H11Protocol]:
    """An ``H11Protocol`` subclass enforcing the two timeouts (for ``uvicorn.Config(http=)``)."""

    class GuardedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _write_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._start_header_timer()

        def _start_header_timer(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._expire, "headers")

        def _expire(self, what: str) -> None:
            logger.info("closing a connection from %s: %s timed out", self.client, what)
            self._header_timer = self._write_timer = None
            self.transport.abort()

        def data_received(self, data: bytes) -> None:
            idle = self.cycle is None or self.cycle.response_complete
            if idle:
                self._start_header_timer()
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._cancel("_header_timer")  # a request's headers are complete

        def _cancel(self, name: str) -> None:
            timer = getattr(self, name)
            if timer is not None:
                timer.cancel()
                setattr(self, name, None)

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel("_header_timer")
            self._cancel("_write_timer")
            super().connection_lost(exc)

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._write_timer is None:
                self._write_timer = self.loop.call_later(write_timeout, self._expire, "writes")

        def resume_writing(self) -> None:
            self._cancel("_write_timer")
            super().resume_writing()

    return GuardedH11Protocol
