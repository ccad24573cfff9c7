"""A response-size cap for ordinary (non-streaming) calls, as an httpx transport.

It sits under the httpx client, so raw calls through the generated client (``client.api``) are
capped too. A body over the cap raises :class:`ResponseTooLargeError` as soon as the cap is
passed (from ``Content-Length`` before any byte is read, or while reading), never after
buffering the whole body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from .exceptions import ResponseTooLargeError

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "BodyLimitTransport"]

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024


def _too_large(request: httpx.Request, limit: int, seen: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{request.method} {request.url}: response body {seen} exceeds max_response_bytes"
        f" ({limit})",
        method=request.method,
        url=str(request.url),
    )


class _LimitedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, request: httpx.Request) -> None:
        self._inner = inner
        self._limit = limit
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise _too_large(self._request, self._limit, f"of more than {seen} bytes")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class BodyLimitTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; fails responses whose body is longer than ``max_bytes``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_bytes: int) -> None:
        self._inner = inner
        self.max_bytes = max_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await response.aclose()
            raise _too_large(request, self.max_bytes, f"of {declared} bytes (Content-Length)")
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _LimitedStream(response.stream, self.max_bytes, request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
