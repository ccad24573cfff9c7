"""Client-side failover over several service URLs, as an httpx transport (no load balancer).

The httpx client's ``base_url`` is the first URL; :class:`FailoverTransport` moves each request
onto the URL to try. A call sweeps the URLs once, starting from the preferred one, and moves on
when the attempt failed at the connection level:

- any request: the connection was never made (connect error or timeout, pool timeout), so the
  request provably never reached a server;
- idempotent requests (see :func:`event_streamer._retry.is_idempotent`) also on a failure after
  it was sent (reset, EOF, read timeout), and on a 503 answer (that instance is overloaded,
  draining or cut off from its database: another may serve it).

Any other answer, 4xx and 5xx included, is the service's verdict and is returned as is; a
non-idempotent request whose connection failed after sending is never replayed. The URL that
answered becomes the preferred one (sticky: a healthy cluster is not round-robined per call).
When every URL failed, :class:`AllUrlsFailed` names each; the retry transport above may then
sweep again after its backoff, so one call makes at most ``len(urls) * (max_retries + 1)``
attempts (``call_deadline`` bounds its time).

A stream's acknowledgements and heartbeats belong to the instance holding its connection:
:func:`pinned` makes the sweep start there.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator, Sequence

import httpx

from ._retry import is_idempotent

__all__ = ["AllUrlsFailed", "FailoverTransport", "ServiceUrls", "pinned"]

logger = logging.getLogger(__name__)

# Failures that prove the request was never sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

_pinned: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "event_streamer_pinned_url", default=None
)


@contextlib.contextmanager
def pinned(url: str | None) -> Iterator[None]:
    """Within this block, requests of this task start their sweep at ``url``."""
    token = _pinned.set(url)
    try:
        yield
    finally:
        _pinned.reset(token)


class ServiceUrls:
    """The service URLs of one client and the preferred one (the last that answered)."""

    __slots__ = ("_preferred", "urls")

    def __init__(self, urls: Sequence[str]) -> None:
        self.urls = tuple(urls)
        self._preferred = 0

    @property
    def current(self) -> str:
        return self.urls[self._preferred]

    def prefer(self, url: str) -> None:
        if url in self.urls:
            self._preferred = self.urls.index(url)

    def sweep(self, start: str | None = None) -> list[str]:
        """Every URL once, from ``start`` (default: the preferred one)."""
        first = self.urls.index(start) if start in self.urls else self._preferred
        return [*self.urls[first:], *self.urls[:first]]

    def base_of(self, url: str) -> str | None:
        """The service URL ``url`` lies under (the longest), or None."""
        found = None
        for base in self.urls:
            if (url == base or url.startswith(base + "/") or url.startswith(base + "?")) and (
                found is None or len(base) > len(found)
            ):
                found = base
        return found


class AllUrlsFailed(httpx.ConnectError):
    """Every service URL failed at the connection level; ``failures`` lists (url, error)."""

    def __init__(self, request: httpx.Request, failures: list[tuple[str, Exception]]) -> None:
        tried = "; ".join(f"{url}: {type(e).__name__}: {e}".rstrip(": ") for url, e in failures)
        super().__init__(f"all {len(failures)} service URLs failed ({tried})", request=request)
        self.failures = failures


def _moved(request: httpx.Request, url: str) -> httpx.Request:
    target = httpx.URL(url)
    headers = request.headers.copy()
    headers["Host"] = target.netloc.decode("ascii")
    return httpx.Request(
        request.method,
        target,
        headers=headers,
        content=request.content,
        extensions=request.extensions,
    )


class FailoverTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; tries a request on each service URL in turn (see the module doc)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, urls: ServiceUrls) -> None:
        self._inner = inner
        self.urls = urls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raw = str(request.url)
        base = self.urls.base_of(raw)
        try:
            request.content  # noqa: B018 - a streamed body cannot be sent twice
        except httpx.RequestNotRead:
            base = None
        if base is None:  # not a call to the service (or not replayable): no failover
            return await self._inner.handle_async_request(request)
        suffix = raw[len(base) :]
        idempotent = is_idempotent(request)
        failures: list[tuple[str, Exception]] = []
        last_503: httpx.Response | None = None
        candidates = self.urls.sweep(_pinned.get())
        for index, url in enumerate(candidates):
            attempt = request if url == base else _moved(request, url + suffix)
            is_last = index == len(candidates) - 1
            try:
                response = await self._inner.handle_async_request(attempt)
            except httpx.TransportError as err:
                if not (idempotent or isinstance(err, _NOT_SENT)):
                    raise  # it may have reached the server: never replayed
                failures.append((url, err))
                logger.debug("%s %s failed on %s (%r); next URL", request.method, suffix, url, err)
                continue
            if response.status_code == 503 and idempotent and not is_last:
                if last_503 is not None:
                    await last_503.aclose()
                last_503 = response
                failures.append((url, httpx.HTTPError("HTTP 503")))
                continue
            if last_503 is not None:
                await last_503.aclose()
            self.urls.prefer(url)
            return response
        if last_503 is not None:  # the others failed to connect: the one answer there was
            return last_503
        raise AllUrlsFailed(request, failures)

    async def aclose(self) -> None:
        await self._inner.aclose()
