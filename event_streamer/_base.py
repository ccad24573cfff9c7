"""The facade's base: one owned ``httpx.AsyncClient``, the lifecycle, and ``_call``, the one
place every generated operation goes through (deadline, transport errors, status mapping)."""

from __future__ import annotations

import asyncio
import importlib
import weakref
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from event_streamer_api import Client

from ._contract import OPERATION_MODULES, OPERATIONS
from ._errors import raise_for_status, transport_error
from ._failover import AllUrlsFailed, FailoverTransport, ServiceUrls
from ._limits import DEFAULT_MAX_RESPONSE_BYTES, BodyLimitTransport
from ._retry import RetryPolicy, RetryTransport
from ._streaming import StreamingClient
from ._validation import invalid as _invalid
from ._validation import non_empty as _non_empty
from ._validation import positive_int as _positive_int
from ._validation import positive_seconds
from ._validation import service_urls as _service_urls
from ._validation import timeout as _timeout
from ._version import __version__
from .exceptions import (
    EventStreamerClosedError,
    EventStreamerConnectionError,
    EventStreamerProtocolError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
)

__all__ = ["BaseClient"]

T = TypeVar("T")

_UNOPENED, _OPEN, _CLOSED = "unopened", "open", "closed"


class BaseClient:
    """Connection, lifecycle and the generated-call plumbing of :class:`EventStreamer`."""

    def __init__(
        self,
        service_url: str | Sequence[str],
        subscriber_id: str,
        *,
        timeout: float | httpx.Timeout = 30.0,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = None,
        max_retries: int = 2,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        call_deadline: float | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # One URL, or several tried in turn on connection failures (see _failover).
        self._urls = ServiceUrls(_service_urls(service_url))
        if http_client is not None and len(self._urls.urls) > 1:
            raise _invalid(
                "http_client",
                "several service URLs need the client's own HTTP client (pass transport=)",
            )
        self.subscriber_id = _non_empty("subscriber_id", subscriber_id)
        _positive_int("max_retries", max_retries, minimum=0)
        self.timeout: httpx.Timeout = _timeout(timeout)
        # A total deadline per call (retries included): a per-read timeout alone lets a server
        # that drips one byte at a time hold a call for ever.
        if call_deadline is None:
            call_deadline = timeout if isinstance(timeout, int | float) else 30.0
        self.call_deadline = positive_seconds("call_deadline", call_deadline)
        self.max_response_bytes = _positive_int("max_response_bytes", max_response_bytes)
        all_headers = {"User-Agent": f"event-streamer-sdk/{__version__}", **(headers or {})}
        if api_key is not None:
            all_headers["Authorization"] = f"Bearer {_non_empty('api_key', api_key)}"
        self.retry_policy = RetryPolicy(max_retries=max_retries)
        self._owns_http = http_client is None
        if http_client is None:
            inner: httpx.AsyncBaseTransport = BodyLimitTransport(
                transport or httpx.AsyncHTTPTransport(), self.max_response_bytes
            )
            if len(self._urls.urls) > 1:  # under the retries: each retry sweeps the URLs again
                inner = FailoverTransport(inner, self._urls)
            http_client = httpx.AsyncClient(
                base_url=self._urls.urls[0],
                headers=all_headers,
                timeout=self.timeout,
                transport=RetryTransport(inner, self.retry_policy),
            )
        else:
            http_client.headers.update(all_headers)
        self._http = http_client
        self._api = Client(base_url=self._urls.urls[0]).set_async_httpx_client(http_client)
        self._state = _UNOPENED
        self._streams: weakref.WeakSet[StreamingClient] = weakref.WeakSet()

    # -- where the service is ------------------------------------------------------------------
    @property
    def service_url(self) -> str:
        """The service URL in use: the one that answered last (the first, before any call)."""
        return self._urls.current

    @property
    def base_url(self) -> str:
        """Same as :attr:`service_url`."""
        return self._urls.current

    @property
    def urls(self) -> tuple[str, ...]:
        """Every service URL this client may use, in the order given."""
        return self._urls.urls

    # -- lifecycle ------------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        if self._state == _CLOSED:
            raise EventStreamerClosedError("this EventStreamer was closed; create a new one")
        self._state = _OPEN
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP client (if this object created it). Idempotent."""
        if self._state == _CLOSED:
            return
        for stream in list(self._streams):  # their last acks go out while we are still open
            await stream.disconnect()
        self._state = _CLOSED
        if self._owns_http:
            await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._state == _CLOSED

    @property
    def api(self) -> Client:
        """The generated low-level client, for direct calls to any endpoint.

        Example: ``await get_health.asyncio_detailed(client=client.api)`` with
        ``from event_streamer_api.api.health import get_health``. Same connection pool, headers,
        timeouts and retries as the facade.
        """
        self._ensure_open()
        return self._api

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        return self._http

    def _ensure_open(self) -> None:
        if self._state == _CLOSED:
            raise EventStreamerClosedError("this EventStreamer was closed; create a new one")

    async def _call(
        self, operation: str, expected: type[T], *, resource: str = "resource", **kw: Any
    ) -> T:
        """Call the generated ``operation``; return its parsed 2xx body or raise."""
        self._ensure_open()
        endpoint = importlib.import_module(f"{OPERATION_MODULES[operation]}.{operation}")
        method, path = OPERATIONS[operation]
        target = path.format(**kw)
        url = f"{self.service_url}{target}"
        try:
            async with asyncio.timeout(self.call_deadline):
                response = await endpoint.asyncio_detailed(client=self._api, **kw)
            url = f"{self.service_url}{target}"  # where it was answered
        except AllUrlsFailed as err:
            raise EventStreamerConnectionError(
                f"{method} {target}: {err}", method=method, url=url
            ) from err
        except TimeoutError as err:
            raise EventStreamerTimeoutError(
                f"{method} {url} did not finish within call_deadline ({self.call_deadline}s)",
                method=method,
                url=url,
            ) from err
        except httpx.TransportError as err:
            raise transport_error(err, method, url) from err
        # A body the models cannot read (their construction-time checks included).
        except (KeyError, TypeError, ValueError, EventStreamerValidationError) as err:
            raise EventStreamerProtocolError(
                f"{method} {url}: response does not match the contract: {err!r}",
                method=method,
                url=url,
            ) from err
        status = int(response.status_code)
        if not 200 <= status < 300:
            raise_for_status(
                status,
                response.content,
                response.headers,
                method=method,
                url=url,
                resource=resource,
            )
        if not isinstance(response.parsed, expected):
            raise EventStreamerProtocolError(
                f"{method} {url}: expected {expected.__name__}, got HTTP {status} "
                f"{type(response.parsed).__name__}",
                status_code=status,
                method=method,
                url=url,
            )
        return response.parsed
