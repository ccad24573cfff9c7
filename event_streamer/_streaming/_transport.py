"""The stream's HTTP side: the fast default transport and opening one NDJSON response."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

import httpx

from .._errors import raise_for_status, transport_error
from ._control import StreamControl

__all__ = ["METADATA_HEADER", "BodyReader", "StreamResponse", "default_transport", "new_http"]

METADATA_HEADER = "X-Client-Metadata"

try:
    from aiohttp import ClientError as _AIOHTTP_ERRORS
except ImportError:  # pragma: no cover - a dependency of httpx-aiohttp

    class _AIOHTTP_ERRORS(Exception):  # type: ignore[no-redef]
        """Never raised: aiohttp is not installed."""


def default_transport() -> httpx.AsyncBaseTransport:
    """The fastest transport httpx can use for long streams (aiohttp), measured in make bench."""
    try:
        from httpx_aiohttp import AiohttpTransport
        from httpx_aiohttp.transport import AiohttpResponseStream, map_aiohttp_exceptions
    except ImportError:  # pragma: no cover - a declared dependency; keep the SDK usable anyway
        return httpx.AsyncHTTPTransport()

    class _WholeChunks(AiohttpResponseStream):
        # Yield whatever aiohttp has buffered (iter_any) instead of fixed 16 KiB reads: a batch
        # line is tens of KiB, and every read costs a trip through httpx and our framing.
        async def __aiter__(self) -> AsyncIterator[bytes]:
            with map_aiohttp_exceptions():
                async for chunk in self._aiohttp_response.content.iter_any():
                    yield chunk

    class _StreamTransport(AiohttpTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response: httpx.Response = await super().handle_async_request(request)
            if isinstance(response.stream, AiohttpResponseStream):
                response.stream = _WholeChunks(response.stream._aiohttp_response)
            return response

    transport: httpx.AsyncBaseTransport = _StreamTransport()
    return transport


def new_http(
    control: StreamControl, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    """A client for the stream alone: no read timeout (liveness is ours), the facade's headers."""
    return httpx.AsyncClient(
        base_url=control.service_url,
        headers=dict(control.http_client.headers),
        timeout=httpx.Timeout(control.timeout.connect or 30.0, read=None),
        transport=transport or default_transport(),
    )


class StreamResponse:
    """``async with StreamResponse(...) as response``: the open 200 response, or the typed error
    of a refused or failed connection. A class, not a generator-based context manager: the
    stream's iteration must not nest async generators (see the driver)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        subscription_id: int,
        resume_token: str | None,
        metadata_header: str | None,
    ) -> None:
        self._path = f"/subscriptions/{subscription_id}/stream"
        self._url = f"{base_url}{self._path}"
        headers = {"Accept": "application/x-ndjson"}
        if metadata_header is not None:
            headers[METADATA_HEADER] = metadata_header
        params = {"resume_token": resume_token} if resume_token else {}
        # An absolute URL: the stream's client serves every service URL of a failover list.
        self._request = http.build_request("GET", self._url, params=params, headers=headers)
        self._http = http
        self._response: httpx.Response | None = None

    async def __aenter__(self) -> httpx.Response:
        try:
            response = await self._http.send(self._request, stream=True)
        except httpx.TransportError as err:
            raise transport_error(err, "GET", self._url) from err
        if response.status_code != 200:
            try:
                await response.aread()
            except httpx.TransportError as err:
                raise transport_error(err, "GET", self._url) from err
            finally:
                await response.aclose()
            raise_for_status(
                response.status_code,
                response.content,
                response.headers,
                method="GET",
                url=str(response.request.url),
                resource="subscription",
            )
        self._response = response
        return response

    async def __aexit__(self, *exc_info: object) -> None:
        response, self._response = self._response, None
        if response is not None:
            with contextlib.suppress(httpx.TransportError):  # closing a broken connection
                await response.aclose()


class BodyReader:
    """``await read()``: the next bytes of a response body (b"" at its end).

    On the aiohttp transport it reads aiohttp's buffer directly (``readany``): no async
    generator, so asyncio's shutdown cannot close the body under a stream that is still
    flushing its acks, and two layers fewer per chunk. Elsewhere it reads ``aiter_bytes()``.
    """

    __slots__ = ("_chunks", "read")

    def __init__(self, response: httpx.Response) -> None:
        aiohttp_response = getattr(response.stream, "_aiohttp_response", None)
        encoding = response.headers.get("content-encoding", "identity").lower()
        self._chunks: AsyncGenerator[bytes, None] | None = None
        if aiohttp_response is not None and encoding == "identity":
            content = aiohttp_response.content

            async def read() -> bytes:
                try:
                    data: bytes = await content.readany()
                except (OSError, ValueError, _AIOHTTP_ERRORS) as err:
                    raise httpx.ReadError(f"{type(err).__name__}: {err}") from err
                return data

        else:
            chunks = cast("AsyncGenerator[bytes, None]", response.aiter_bytes())
            self._chunks = chunks

            async def read() -> bytes:
                return await anext(chunks, b"")

        self.read = read

    async def aclose(self) -> None:
        if self._chunks is not None:
            await self._chunks.aclose()
