"""One async JSON-RPC client for every node call: per-call timeout, breakers, failover.

A chain's ``rpc_urls`` are tried in order, skipping endpoints whose breaker is open. Errors that
are the caller's fault (a range too large, bad params) are raised without failover and without
counting against the node; transport failures, 5xx, rate limits and node-side errors count as
failures and move on to the next endpoint.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import orjson

from ._breaker import CircuitBreaker
from ._outbound import ResponseTooLarge
from ._redact import redact_text
from ._settings import BreakerSettings
from ._throttle import Throttle, retry_after_seconds

__all__ = [
    "RawBatch",
    "RpcCallerError",
    "RpcError",
    "RpcPool",
    "RpcRateLimitedError",
    "RpcUnavailableError",
    "breaker_name",
]

logger = logging.getLogger(__name__)

# JSON-RPC errors that say "your request was too big / wrong", not "I am broken".
_CALLER_FAULT = re.compile(
    r"block range|range too (large|wide)|query returned more than|too many (results|logs|blocks)"
    r"|limit exceeded|response size|exceed.*(max|limit)|invalid (params|argument)",
    re.IGNORECASE,
)
_RATE_LIMIT = re.compile(r"rate.?limit|too many requests|capacity|throttl", re.IGNORECASE)


class RpcError(Exception):
    """A JSON-RPC call failed."""

    def __init__(self, message: str, *, code: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data


class RpcCallerError(RpcError):
    """The node refused the request itself (e.g. range too large); other nodes would too."""

    def __init__(
        self, message: str, *, code: int | None = None, data: Any = None, http_status: int = 200
    ) -> None:
        super().__init__(message, code=code, data=data)
        self.http_status = http_status


class RpcUnavailableError(RpcError):
    """No endpoint of the chain could serve the call (all failed or their breakers are open)."""


class RpcRateLimitedError(RpcUnavailableError):
    """No endpoint could serve the call and at least one said "too many requests"."""


class _RateLimited(RpcError):
    """One endpoint answered HTTP 429 or a rate-limit JSON-RPC error."""

    def __init__(self, message: str, *, retry_after: float, code: int | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class _BatchUnsupported(RpcError):
    """The endpoint does not take JSON-RPC batches."""


class RawBatch:
    """A JSON-RPC batch answer left unparsed (parsed elsewhere, e.g. in a worker process):
    its body and the ids of its calls, in the order asked. No answer in it is an error."""

    __slots__ = ("body", "ids")

    def __init__(self, body: bytes, ids: list[int]) -> None:
        self.body = body
        self.ids = ids


# An answer whose body has none of these bytes holds no JSON-RPC error object: the keys of
# logs and blocks never spell it, and their values are hex strings, numbers and booleans.
_ERROR_KEY = b'"error"'


def breaker_name(chain_id: int, index: int) -> str:
    return f"rpc:{chain_id}:{index}"


def is_caller_fault(code: int | None, message: str) -> bool:
    if _RATE_LIMIT.search(message):
        return False
    return code == -32602 or bool(_CALLER_FAULT.search(message))


class RpcPool:
    """JSON-RPC access to every configured chain, one breaker per endpoint."""

    def __init__(
        self,
        settings: BreakerSettings,
        http: httpx.AsyncClient | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self._ids = itertools.count(1)
        self.breakers: dict[str, CircuitBreaker] = {}
        self._chains: dict[int, list[CircuitBreaker]] = {}
        self._throttles: dict[str, Throttle] = {}  # by URL
        self._no_batch: set[str] = set()  # URLs that refused a JSON-RPC batch
        self._batch_ok: set[str] = set()  # URLs that answered one
        # Requests and failed requests by URL since start (read by /metrics); bounded.
        self.request_counts: dict[str, list[int]] = {}

    def throttle(self, url: str) -> Throttle:
        throttle = self._throttles.get(url)
        if throttle is None:
            if len(self._throttles) >= 1024:  # bounded: forget the oldest endpoint
                self._throttles.pop(next(iter(self._throttles)))
            throttle = self._throttles[url] = Throttle(clock=self._clock)
        return throttle

    async def aclose(self) -> None:
        await self._http.aclose()

    def configure(self, chain_id: int, rpc_urls: Sequence[str]) -> None:
        """Set a chain's endpoints; breakers of unchanged URLs keep their state."""
        old = {b.rpc_url: b for b in self._chains.get(chain_id, [])}
        for b in self._chains.get(chain_id, []):
            self.breakers.pop(b.name, None)
        fresh = []
        for index, url in enumerate(rpc_urls):
            breaker = old.get(url) or CircuitBreaker(
                breaker_name(chain_id, index),
                self.settings,
                chain_id=chain_id,
                rpc_url=url,
                clock=self._clock,
            )
            breaker.name = breaker_name(chain_id, index)
            self.breakers[breaker.name] = breaker
            fresh.append(breaker)
        self._chains[chain_id] = fresh

    def remove(self, chain_id: int) -> None:
        for b in self._chains.get(chain_id, []):
            self._no_batch.discard(b.rpc_url or "")
            self._batch_ok.discard(b.rpc_url or "")
        for b in self._chains.pop(chain_id, []):
            self.breakers.pop(b.name, None)

    def chain_breakers(self, chain_id: int) -> list[CircuitBreaker]:
        return list(self._chains.get(chain_id, []))

    def chain_ids(self) -> list[int]:
        return sorted(self._chains)

    async def call_url(self, url: str, method: str, params: Sequence[Any]) -> Any:
        """One call to one URL, no breaker (used to check a new endpoint's chain id)."""
        return await self._post(url, method, params)

    async def call(self, chain_id: int, method: str, params: Sequence[Any]) -> Any:
        """Call ``method`` on the chain's first available endpoint, failing over in order."""
        result: Any = await self._failover(
            chain_id, method, lambda url: self._post(url, method, params)
        )
        return result

    async def call_raw(self, chain_id: int, method: str, params: Sequence[Any]) -> bytes:
        """As :meth:`call`, but the answer's body unparsed (breakers, failover, size caps and
        error mapping as for :meth:`call`: a body holding an error object is parsed here and
        raised typed)."""
        result: bytes = await self._failover(
            chain_id, method, lambda url: self._post_raw(url, method, params)
        )
        return result

    async def batch_raw(
        self, chain_id: int, calls: Sequence[tuple[str, Sequence[Any]]]
    ) -> RawBatch | list[Any | RpcError]:
        """As :meth:`batch`, but where the endpoint answers the batch at once without any
        error the body comes back unparsed, as a :class:`RawBatch`; otherwise the parsed
        answers, exactly as :meth:`batch` gives them."""
        if not calls:
            return []
        label = ",".join(sorted({m for m, _ in calls}))
        answers: RawBatch | list[Any | RpcError] = await self._failover(
            chain_id, f"batch[{label}]", lambda url: self._post_batch(url, calls, raw=True)
        )
        return answers

    async def batch(
        self, chain_id: int, calls: Sequence[tuple[str, Sequence[Any]]]
    ) -> list[Any | RpcError]:
        """Several calls in one JSON-RPC batch (one round trip) where the endpoint takes
        batches, else one call each, concurrently. Each answer is a result or an
        :class:`RpcError` (a caller fault as :class:`RpcCallerError`); failover and breakers
        apply to the request as a whole."""
        if not calls:
            return []
        label = ",".join(sorted({m for m, _ in calls}))
        answers: list[Any | RpcError] = await self._failover(
            chain_id, f"batch[{label}]", lambda url: self._post_batch(url, calls)
        )
        return answers

    async def _failover(
        self, chain_id: int, method: str, send: Callable[[str], Awaitable[Any]]
    ) -> Any:
        breakers = self._chains.get(chain_id)
        if not breakers:
            raise RpcUnavailableError(f"chain {chain_id} has no RPC endpoints configured")
        failures: list[str] = []
        limited = False
        for breaker in breakers:
            if not breaker.try_acquire():
                failures.append(f"{breaker.name}: circuit {breaker.state}")
                continue
            assert breaker.rpc_url is not None
            throttle = self.throttle(breaker.rpc_url)
            await throttle.wait()
            started = time.perf_counter()
            counts = self._counts(breaker.rpc_url)
            counts[0] += 1
            try:
                result = await send(breaker.rpc_url)
            except RpcCallerError:
                breaker.record_success((time.perf_counter() - started) * 1000)
                throttle.on_accepted()
                raise
            except RpcError as err:
                # Rate limits count against the endpoint too: the breakers see every failure.
                breaker.record_failure((time.perf_counter() - started) * 1000)
                counts[1] += 1
                if isinstance(err, _RateLimited):
                    limited = True
                    throttle.on_limited(err.retry_after)
                text = redact_text(str(err))  # remote text may quote URLs and secrets
                logger.warning("%s %s failed on %s: %s", method, chain_id, breaker.name, text)
                failures.append(f"{breaker.name}: {text}")
                continue
            breaker.record_success((time.perf_counter() - started) * 1000)
            throttle.on_accepted()
            return result
        error = RpcRateLimitedError if limited else RpcUnavailableError
        raise error(f"{method} on chain {chain_id} failed: " + "; ".join(failures))

    def _counts(self, url: str) -> list[int]:
        counts = self.request_counts.get(url)
        if counts is None:
            if len(self.request_counts) >= 1024:  # bounded: forget the oldest endpoint
                self.request_counts.pop(next(iter(self.request_counts)))
            counts = self.request_counts[url] = [0, 0]
        return counts

    async def _post_batch(
        self, url: str, calls: Sequence[tuple[str, Sequence[Any]]], *, raw: bool = False
    ) -> Any:
        if url not in self._no_batch:
            try:
                answers = await self._send_batch(url, calls, raw=raw)
            except _BatchUnsupported as err:
                logger.info("%s takes no JSON-RPC batches (%s): one call each", url, err)
                self._remember_no_batch(url)
            except (_RateLimited, RpcCallerError):
                raise
            except RpcError as err:
                if url in self._batch_ok:
                    raise  # it took batches before: this is a real failure
                # Some nodes drop the connection or answer garbage on a batch: try one call
                # each; if that fails too, that failure is the one reported.
                logger.info("%s failed a first JSON-RPC batch (%s): one call each", url, err)
                self._remember_no_batch(url)
            else:
                if len(self._batch_ok) < 1024:  # bounded; an unknown URL just probes again
                    self._batch_ok.add(url)
                return answers
        return list(
            await asyncio.gather(*(self._post_one(url, method, params) for method, params in calls))
        )

    def _remember_no_batch(self, url: str) -> None:
        if len(self._no_batch) >= 1024:
            self._no_batch.clear()  # bounded; forgotten URLs probe a batch once more
        self._no_batch.add(url)

    async def _post_one(self, url: str, method: str, params: Sequence[Any]) -> Any:
        try:
            return await self._post(url, method, params)
        except RpcCallerError as err:
            return err

    async def _send_batch(
        self, url: str, calls: Sequence[tuple[str, Sequence[Any]]], *, raw: bool = False
    ) -> RawBatch | list[Any | RpcError]:
        ids = [next(self._ids) for _ in calls]
        payload = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": list(params)}
            for i, (method, params) in zip(ids, calls, strict=True)
        ]
        response = await self._send(url, payload)
        if response.status_code in (400, 404, 405, 415, 501):
            raise _BatchUnsupported(f"HTTP {response.status_code}")
        if raw and response.status_code == 200:
            content = response.content
            if content.lstrip()[:1] == b"[" and _ERROR_KEY not in content:
                return RawBatch(content, ids)
        body = self._body(response)
        if isinstance(body, dict):
            # One error object for the whole batch: the endpoint does not take batches
            # (a rate limit or other failure is raised as for a single call).
            self._check(body)
            raise _BatchUnsupported("answered a batch with one object")
        if not isinstance(body, list):
            raise RpcError("response is not a JSON-RPC batch")
        by_id = {item.get("id"): item for item in body if isinstance(item, dict)}
        answers: list[Any | RpcError] = []
        for i in ids:
            item = by_id.get(i)
            if item is None:
                raise RpcError("batch response lacks an answer")
            try:
                answers.append(self._check(item))
            except RpcCallerError as err:
                answers.append(err)
        return answers

    async def _post(self, url: str, method: str, params: Sequence[Any]) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": method,
            "params": list(params),
        }
        body = self._body(await self._send(url, payload))
        if not isinstance(body, dict):
            raise RpcError("response is not a JSON-RPC object")
        return self._check(body)

    async def _post_raw(self, url: str, method: str, params: Sequence[Any]) -> bytes:
        payload = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": method,
            "params": list(params),
        }
        response = await self._send(url, payload)
        content = response.content
        if (
            response.status_code == 200
            and _ERROR_KEY not in content
            and content.lstrip()[:1] == b"{"
            and b'"result"' in content
        ):
            return content
        body = self._body(response)  # the rare path: parsed, and any error raised typed
        if not isinstance(body, dict):
            raise RpcError("response is not a JSON-RPC object")
        self._check(body)
        return content

    async def _send(self, url: str, payload: Any) -> httpx.Response:
        try:
            return await self._http.post(
                url,
                content=orjson.dumps(payload),
                headers={"Content-Type": "application/json"},
                timeout=self.settings.timeout,
            )
        except httpx.TimeoutException as err:
            raise RpcError(f"timed out after {self.settings.timeout}s") from err
        except ResponseTooLarge as err:
            # The node answered; the answer is past our own cap. A caller fault, like a node's
            # "range too large": eth_getLogs splits the range instead of failing the endpoint
            # (and retrying the same range for ever).
            raise RpcCallerError(
                f"response larger than rpc_max_response_bytes ({redact_text(str(err))}): "
                "a smaller block range is needed"
            ) from err
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise RpcError(f"{type(err).__name__}: {redact_text(str(err))}") from err

    @staticmethod
    def _body(response: httpx.Response) -> Any:
        if response.status_code == 413:
            raise RpcCallerError("request too large (HTTP 413)", http_status=413)
        if response.status_code == 429:
            raise _RateLimited(
                "HTTP 429",
                code=429,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if response.status_code != 200:
            raise RpcError(f"HTTP {response.status_code}", code=response.status_code)
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as err:
            raise RpcError("response is not JSON") from err

    @staticmethod
    def _check(body: dict[str, Any]) -> Any:
        """The result of one JSON-RPC answer, or its error raised typed."""
        error = body.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = str(error.get("message") if isinstance(error, dict) else error)
            data = error.get("data") if isinstance(error, dict) else None
            if _RATE_LIMIT.search(message) or code == 429:
                raise _RateLimited(message, code=code, retry_after=retry_after_seconds(None))
            if is_caller_fault(code, message):
                raise RpcCallerError(message, code=code, data=data)
            raise RpcError(message, code=code, data=data)
        if "result" not in body:
            raise RpcError("response has neither result nor error")
        return body["result"]
