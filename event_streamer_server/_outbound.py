"""SSRF-safe outbound HTTP for RPC calls: an ``httpx`` transport that checks where it connects.

``make_client(policy)`` returns an ``httpx.AsyncClient`` whose transport:

- resolves the host **at connect time** and connects only to addresses ``policy`` allows, by IP
  (a DNS answer that changed since registration cannot redirect the call: no rebinding); TLS
  SNI, certificate checks and the ``Host`` header still use the host name;
- never follows redirects (a 3xx is ``ResponseRefused``), refuses credentials (URL userinfo or
  an ``Authorization`` header) to hosts not in ``rpc_credential_hosts``, asks for identity
  encoding and refuses compressed answers (a 16 MiB gzip body can inflate to gigabytes);
- caps the response body (``ResponseTooLarge`` as soon as the cap is passed: nothing beyond it
  is buffered) and enforces a **total deadline per call** covering connect, send, headers and
  the whole body (``DeadlineExceeded``), so a server dripping one byte a second cannot hold a
  call longer than the deadline. ``extensions={"deadline": seconds}`` overrides it per call.

It ignores proxy environment variables and ``.netrc`` (``trust_env=False``): a proxy would
connect on our behalf and bypass the address check.

Errors (all ``httpx.TransportError``, so ``except httpx.HTTPError`` call sites keep working)::

    httpx.TransportError
    └── OutboundError
        ├── AddressBlocked     no allowed address for the host (or a unix socket was asked)
        ├── RequestRefused     scheme, or credentials to a host not allowed to receive them
        ├── ResponseRefused    a redirect, or a compressed body
        └── ResponseTooLarge   the body passed max_response_bytes
    httpx.TimeoutException
    └── DeadlineExceeded       the call's total deadline passed
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator

import httpcore
import httpx

from ._netpolicy import DEFAULT_RESOLVE_TIMEOUT, OutboundPolicy, Resolver, system_resolver
from ._strict import StrictIntError, parse_int

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AddressBlocked",
    "DeadlineExceeded",
    "GuardedBackend",
    "GuardedTransport",
    "OutboundError",
    "RequestRefused",
    "ResponseRefused",
    "ResponseTooLarge",
    "make_client",
]

DEFAULT_DEADLINE = 10.0  # seconds for a whole call, body included
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
MAX_ADDRESSES_TRIED = 4  # addresses of one host tried in turn at connect time


class OutboundError(httpx.TransportError):
    """An outbound call refused by policy or bounds."""


class AddressBlocked(OutboundError):
    """The host resolves to no address the policy allows."""


class RequestRefused(OutboundError):
    """The request itself breaks the policy (scheme, credentials)."""


class ResponseRefused(OutboundError):
    """The answer is a redirect or compressed: not followed, not decoded."""


class ResponseTooLarge(OutboundError):
    """The body passed ``max_response_bytes``; it was not read further."""


class DeadlineExceeded(httpx.TimeoutException):
    """The call's total deadline passed."""


_HTTPCORE_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    # Most specific first: the first match wins.
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """httpcore errors as the httpx errors callers expect (httpx's own transport does this)."""
    try:
        yield
    except Exception as err:
        for source, target in _HTTPCORE_ERRORS:
            if isinstance(err, source):
                raise target(str(err)) from err
        raise


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that resolves, checks and connects by IP address."""

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        inner: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver = system_resolver,
        resolve_timeout: float = DEFAULT_RESOLVE_TIMEOUT,
    ) -> None:
        self.policy = policy
        self._inner = inner or httpcore.AnyIOBackend()
        self._resolver = resolver
        self._resolve_timeout = resolve_timeout

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self.policy.permitted_addresses(
                host, port, resolver=self._resolver, resolve_timeout=self._resolve_timeout
            )
        except (OSError, TimeoutError, UnicodeError) as err:
            raise httpcore.ConnectError(f"cannot resolve {host}") from err
        if not addresses:
            raise AddressBlocked(f"{host} resolves to no address allowed for RPC calls")
        failure: Exception | None = None
        for ip in addresses[:MAX_ADDRESSES_TRIED]:
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                failure = err
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressBlocked("unix sockets are not allowed for RPC calls")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CappedBody(httpx.AsyncByteStream):
    """The response body, read under the call's deadline and cut at the byte cap."""

    def __init__(self, response: httpcore.Response, *, limit: int, deadline: float) -> None:
        self._response = response
        self._limit = limit
        self._deadline = deadline
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._response.aiter_stream()
        received = 0
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    with _mapped():
                        chunk = await anext(stream)
            except StopAsyncIteration:
                return
            except TimeoutError as err:
                await self.aclose()
                raise DeadlineExceeded("the call's total deadline passed") from err
            received += len(chunk)
            if received > self._limit:
                await self.aclose()
                raise ResponseTooLarge(f"response body larger than {self._limit} bytes")
            yield chunk

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            with _mapped():
                await self._response.aclose()


def _declared_length(headers: httpx.Headers) -> int:
    """The Content-Length, or 0 when absent or not plain digits (the cap still applies)."""
    try:
        return parse_int(headers.get("content-length", "0").strip())
    except StrictIntError:
        return 0


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport enforcing ``policy``, a body cap and a total deadline per call."""

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        deadline: float = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_connections: int = 64,
        max_keepalive_connections: int = 32,
        keepalive_expiry: float = 5.0,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        if not deadline > 0 or max_response_bytes < 1:
            raise ValueError("deadline and max_response_bytes must be positive")
        self.policy = policy
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            network_backend=GuardedBackend(policy, inner=network_backend, resolver=resolver),
        )

    def _check(self, request: httpx.Request) -> None:
        if request.url.scheme not in ("http", "https"):
            raise RequestRefused("only http and https URLs are allowed for RPC calls")
        carries = bool(request.url.userinfo) or "authorization" in request.headers
        if carries and not self.policy.credentials_allowed(request.url.host):
            raise RequestRefused("credentials are not sent to hosts outside rpc_credential_hosts")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._check(request)
        seconds = float(request.extensions.get("deadline", self.deadline))
        deadline = asyncio.get_running_loop().time() + seconds
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"accept-encoding"]
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=[*headers, (b"Accept-Encoding", b"identity")],
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            async with asyncio.timeout_at(deadline):
                with _mapped():
                    response = await self._pool.handle_async_request(core_request)
        except TimeoutError as err:
            raise DeadlineExceeded(f"no answer within the {seconds}s deadline") from err
        body = _CappedBody(response, limit=self.max_response_bytes, deadline=deadline)
        headers_in = httpx.Headers(response.headers)
        refusal: OutboundError | None = None
        if 300 <= response.status < 400:
            refusal = ResponseRefused(f"HTTP {response.status} redirect not followed")
        elif headers_in.get("content-encoding", "identity").strip().lower() != "identity":
            refusal = ResponseRefused("compressed responses are refused")
        elif _declared_length(headers_in) > self.max_response_bytes:
            refusal = ResponseTooLarge(f"response body larger than {self.max_response_bytes} bytes")
        if refusal is not None:
            await body.aclose()
            raise refusal
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=body,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def make_client(
    policy: OutboundPolicy,
    *,
    deadline: float = DEFAULT_DEADLINE,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
    max_connections: int = 64,
    max_keepalive_connections: int = 32,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for RPC calls: guarded transport, no redirects, no env proxies."""
    transport = GuardedTransport(
        policy,
        deadline=deadline,
        max_response_bytes=max_response_bytes,
        resolver=resolver,
        ssl_context=ssl_context,
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(deadline),
    )
