"""One async JSON-RPC client for every node call: per-call timeout, breakers, failover.

A chain's ``rpc_urls`` are tried in order, skipping endpoints whose breaker is open. Errors that
are the caller's fault (a range too large, bad params) are raised without failover and without
counting against the node; transport failures, 5xx, rate limits and node-side errors count as
failures and move on to the next endpoint.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import orjson

from ._breaker import CircuitBreaker
from ._redact import redact_text
from ._settings import BreakerSettings

__all__ = [
    "RpcCallerError",
    "RpcError",
    "RpcPool",
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
        breakers = self._chains.get(chain_id)
        if not breakers:
            raise RpcUnavailableError(f"chain {chain_id} has no RPC endpoints configured")
        failures: list[str] = []
        for breaker in breakers:
            if not breaker.try_acquire():
                failures.append(f"{breaker.name}: circuit {breaker.state}")
                continue
            assert breaker.rpc_url is not None
            started = time.perf_counter()
            try:
                result = await self._post(breaker.rpc_url, method, params)
            except RpcCallerError:
                breaker.record_success((time.perf_counter() - started) * 1000)
                raise
            except RpcError as err:
                breaker.record_failure((time.perf_counter() - started) * 1000)
                text = redact_text(str(err))  # remote text may quote URLs and secrets
                logger.warning("%s %s failed on %s: %s", method, chain_id, breaker.name, text)
                failures.append(f"{breaker.name}: {text}")
                continue
            breaker.record_success((time.perf_counter() - started) * 1000)
            return result
        raise RpcUnavailableError(f"{method} on chain {chain_id} failed: " + "; ".join(failures))

    async def _post(self, url: str, method: str, params: Sequence[Any]) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": method,
            "params": list(params),
        }
        try:
            response = await self._http.post(
                url,
                content=orjson.dumps(payload),
                headers={"Content-Type": "application/json"},
                timeout=self.settings.timeout,
            )
        except httpx.TimeoutException as err:
            raise RpcError(f"timed out after {self.settings.timeout}s") from err
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise RpcError(f"{type(err).__name__}: {redact_text(str(err))}") from err
        if response.status_code == 413:
            raise RpcCallerError("request too large (HTTP 413)", http_status=413)
        if response.status_code != 200:
            raise RpcError(f"HTTP {response.status_code}", code=response.status_code)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as err:
            raise RpcError("response is not JSON") from err
        if not isinstance(body, dict):
            raise RpcError("response is not a JSON-RPC object")
        error = body.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = str(error.get("message") if isinstance(error, dict) else error)
            data = error.get("data") if isinstance(error, dict) else None
            if is_caller_fault(code, message):
                raise RpcCallerError(message, code=code, data=data)
            raise RpcError(message, code=code, data=data)
        if "result" not in body:
            raise RpcError("response has neither result nor error")
        return body["result"]
